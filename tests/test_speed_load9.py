"""The load path's fast paths give what the plain code they replace gives.

Reading a file, checking its encoding, scanning its DOCTYPE, listing the entities it uses,
splicing in ``xep.ent`` and reading the official header values each have a quicker form for
the usual case; every one is compared here with the plain form (kept in this file as the
reference) on inputs made of the pieces that matter to it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.fsio import reading
from e2ee_sig.xep import official, root
from e2ee_sig.xep.doctype import Doctype, _scan_subset, _unquote, scan_doctype
from e2ee_sig.xep.parse import (
    _framing_problem,
    _utf8_problem,
    declared_encoding,
    with_xep_entities,
)


def _joined_bytes(pieces: list[bytes], size: int = 12) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(pieces), max_size=size).map(b"".join)


# -- escaping -------------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("ab &<>\r\n;é\u2028\x85")), max_size=20) | st.text())
def test_text_is_escaped_only_when_it_needs_it_and_then_as_before(text: str) -> None:
    assert official.escaped(text) == text.translate(official._ESCAPES)


def test_text_without_special_characters_is_not_copied() -> None:
    text = "".join(["Dra", "ft"])
    assert official.escaped(text) is text


# -- encoding check -------------------------------------------------------------------------


def _plain_encoding_problem(raw: bytes) -> tuple[str, int, int] | None:
    """The check before the ASCII shortcut: every UTF-8 file was decoded."""
    if not raw or raw.isspace():
        return ("file is empty", 1, 1)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        return ("file is UTF-16 or binary; XEPs are UTF-8", 1, 1)
    if declared_encoding(raw) not in (None, "utf-8", "utf8"):
        return None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return (f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", line, column)
    return None


ENCODING_PIECES = [b"<?xml version='1.0' encoding='UTF-8'?>", b"<?xml encoding='latin-1'?>"]
ENCODING_PIECES += [b"\xef\xbb\xbf", b"<xep>", b"a", b" ", b"\n", b"\r\n", b"\x00", b"\xff\xfe"]
ENCODING_PIECES += ["é".encode(), "€".encode(), b"\xe9", b"\xc3", b"\x80", b"\xf0\x9f", b"\t"]


@settings(max_examples=400)
@given(_joined_bytes(ENCODING_PIECES) | st.binary(max_size=12))
@example(b"abc\n\xe9")
@example(b"<?xml encoding='latin-1'?>\xe9")
def test_ascii_files_skip_the_utf8_check_with_the_same_verdict(raw: bytes) -> None:
    problem = _framing_problem(raw) or _utf8_problem(raw)  # (the checks parse_bytes makes)
    found = (problem.message, problem.line, problem.column) if problem else None
    assert found == _plain_encoding_problem(raw)


# -- DOCTYPE scan ---------------------------------------------------------------------------

_PROLOG_TOKEN = re.compile(rb"""\s+|<!--.*?-->|<\?.*?\?>""", re.S)
_PLAIN_DOCTYPE_START = re.compile(
    rb"""<!DOCTYPE\s+(?P<name>[^\s\[>]+)
    (?:\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+(?P<system>"[^"]*"|'[^']*'))?
    \s*(?P<bracket>\[)?""",
    re.X,
)


def _plain_scan_doctype(raw: bytes) -> Doctype | None:
    """The scan before the one-match forms: a prolog token at a time, then every subset
    token at a time."""
    pos = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    while True:
        token = _PROLOG_TOKEN.match(raw, pos)
        if token is None or token.end() == pos:
            break
        pos = token.end()
    start = _PLAIN_DOCTYPE_START.match(raw, pos)
    if start is None:
        return None
    system = start.group("system")
    doctype = Doctype(
        name=start.group("name").decode("utf-8", "replace"),
        system=_unquote(system) if system else None,
        has_subset=start.group("bracket") is not None,
    )
    end = _scan_subset(raw, start.end(), doctype) if doctype.has_subset else start.end()
    close = re.compile(rb"\s*>").match(raw, end) if end is not None else None
    if close is not None and "'" not in doctype.name and '"' not in doctype.name:
        doctype.end = close.end()  # (lod10b: where the DOCTYPE ends)
    return doctype


PROLOG_PIECES = [b"\xef\xbb\xbf", b"<?xml version='1.0'?>", b"<!-- c -->", b"<!--", b"-->", b" "]
PROLOG_PIECES += [b"\n", b"<?p x?>", b"?>", b"<?", b"junk", b"<!DOCTYPE xep SYSTEM 'xep.dtd' ["]
PROLOG_PIECES += [b'<!DOCTYPE xep SYSTEM "xep.dtd">', b"<!DOCTYPE xep [", b"<xep/>"]
SUBSET_PIECES = [b"<!ENTITY % ents SYSTEM 'xep.ent'>", b'<!ENTITY % ents SYSTEM "xep.ent">']
SUBSET_PIECES += [b"<!ENTITY % e2 SYSTEM '../xep.ent'>", b"<!ENTITY % ents SYSTEM 'other.ent'>"]
SUBSET_PIECES += [b"<!ENTITY % ents SYSTEM 'xep.ent' >", b"<!ENTITY %ents SYSTEM 'xep.ent'>"]
SUBSET_PIECES += [b"<!ENTITY ents SYSTEM 'xep.ent'>", b"<!ENTITY % e.1 SYSTEM 'xep.ent'>"]
SUBSET_PIECES += [b"<!ENTITY % ents SYSTEM 'fooxep.ent'>", b"<!ENTITY % ents SYSTEM 'a/xep.ent'>"]
SUBSET_PIECES += [b"%ents;", b"%e2;", b"%e.1;", b"%other;", b" ", b"\n", b"\t", b"]", b"]>"]
SUBSET_PIECES += [b"<!ENTITY ns 'urn:x'>", b"<!ELEMENT x ANY>", b"<!-- ] -->", b"<?pi ]?>"]
SUBSET_PIECES += [b"<!ENTITY x SYSTEM 'file:///etc/passwd'>", b"'", b'"', b"%", b">", b"<"]
DOCTYPE_HEADS = [
    b"<!DOCTYPE xep SYSTEM 'xep.dtd' [",
    b"\xef\xbb\xbf<?xml version='1.0'?>\n<!DOCTYPE xep SYSTEM \"xep.dtd\" [\n",
    b"<!-- x --><?xml-stylesheet href='xep.xsl'?><!DOCTYPE xep PUBLIC 'p' 'xep.dtd'[",
]


@settings(max_examples=500)
@given(
    st.sampled_from(DOCTYPE_HEADS).flatmap(
        lambda head: _joined_bytes(SUBSET_PIECES).map(lambda subset: head + subset)
    )
    | _joined_bytes(PROLOG_PIECES + SUBSET_PIECES)
)
@example(b"<!DOCTYPE xep SYSTEM 'xep.dtd' [\n  <!ENTITY % ents SYSTEM 'xep.ent'>\n%ents;\n]>")
@example(b"<!DOCTYPE xep SYSTEM 'xep.dtd' [<!ENTITY % ents SYSTEM 'xep.ent'>%ents;%ents;]>")
@example(b"<!DOCTYPE xep SYSTEM 'xep.dtd' [<!ENTITY % ents SYSTEM 'xep.ent'>%other;]>")
@example(b"<?a?> junk ?><!DOCTYPE xep>")
@example(b"<!DOCTYPE xep SYSTEM 'xep.dtd' [<!ENTITY % ents SYSTEM 'fooxep.ent'>%ents;]>")
@example(b"<!DOCTYPE xep SYSTEM 'xep.dtd' [<!ENTITY % ents SYSTEM 'a/xep.ent'>%ents;]>")
def test_the_doctype_is_scanned_as_token_by_token(raw: bytes) -> None:
    assert scan_doctype(raw) == _plain_scan_doctype(raw)


def test_the_usual_subset_takes_the_one_match(monkeypatch: pytest.MonkeyPatch) -> None:
    from e2ee_sig.xep import doctype

    def refuse(*args: object) -> None:
        raise AssertionError("scanned token by token")

    monkeypatch.setattr(doctype, "_scan_subset", refuse)
    raw = b"<?xml version='1.0'?>\n<!DOCTYPE xep SYSTEM 'xep.dtd' [\n  <!ENTITY % ents SYSTEM "
    found = scan_doctype(raw + b"'xep.ent'>\n%ents;\n]>\n<xep/>")
    at = len(raw + b"'xep.ent'>\n")
    assert found is not None and found.ents_refs == [(at, at + 6)] and found.declared_ents_pe


# -- entity references and the xep.ent splice ------------------------------------------------

REFERENCE_PIECES = [b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;", b"&ampx;", b"&lt.a;"]
REFERENCE_PIECES += [b"&xep0001;", b"&LEGALNOTICE;", b"&", b";", b"amp", b"&#10;", b"&a:b-c;"]
REFERENCE_PIECES += [b"x", b" ", b"&&amp;", b"&amp&lt;", b"&quot", b"&apos;;"]
PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}


@settings(max_examples=400)
@given(_joined_bytes(REFERENCE_PIECES))
def test_references_without_the_predefined_ones_are_the_others(data: bytes) -> None:
    everything = root.entity_references(data)
    assert root.entity_references(data, predefined=False) == everything - PREDEFINED
    assert root.entity_references(data, predefined=True) == everything


ENT = b"""<!ENTITY xep0001 "<span>XEP-0001</span>">
<!ENTITY LEGALNOTICE "<legal>&xep0001;</legal>">
<!ENTITY a:b-c "x&#10;y">
"""
ENT_WITH_AMP = ENT + b"<!ENTITY amp '&#38;#38;'>\n<!ENTITY lt.a 'y'>\n"


def _plain_splice(raw: bytes, doctype: Doctype | None, xep_root: root.XepRoot | None) -> bytes:
    """The splice before: every entity referenced, pieces copied, then joined."""
    if doctype is None or xep_root is None or not doctype.ents_refs:
        return raw
    inline = xep_root.entities.inline(root.entity_references(raw))
    pieces, last = [], 0
    for start, end in doctype.ents_refs:
        pieces += [raw[last:start], inline]
        last = end
    pieces.append(raw[last:])
    return b"".join(pieces)


@settings(max_examples=300)
@given(
    st.sampled_from([ENT, ENT_WITH_AMP]),
    _joined_bytes([b"%ents;", b"<!ENTITY % ents SYSTEM 'xep.ent'>", b" ", b"\n"], 4),
    _joined_bytes(REFERENCE_PIECES),
)
def test_the_xep_ent_splice_is_the_plain_one(ent: bytes, subset: bytes, body: bytes) -> None:
    table = root.EntityTable.from_bytes(ent)
    assert table.predefined == (ent == ENT_WITH_AMP)
    xep_root = root.XepRoot(Path("/nonexistent"))
    xep_root.__dict__["entities"] = table  # the cached property, without a file
    raw = b"<!DOCTYPE xep SYSTEM 'xep.dtd' [" + subset + b"]><xep>" + body + b"</xep>"
    doctype = scan_doctype(raw)
    assert with_xep_entities(raw, doctype, xep_root) == _plain_splice(raw, doctype, xep_root)


# -- the official header values ---------------------------------------------------------------


def _plain_header_fields(tree: etree._ElementTree | None) -> dict[str, list]:
    """The fields before: the header children by tag, then each revision's versions."""
    fields: dict[str, list] = {}
    top = tree.getroot() if tree is not None else None
    if top is None or top.tag != "xep":
        return fields
    for header in top.iterchildren("header"):
        for child in header.iterchildren("number", "status", "type", "approver", "revision"):
            fields.setdefault(child.tag, []).append(child)
    for revision in fields.pop("revision", []):
        fields.setdefault("version", []).extend(revision.iterchildren("version"))
    return {tag: found for tag, found in fields.items() if found}


HEADER_PIECES = ["<number>0001</number>", "<status>Draft</status>", "<type>x</type>"]
HEADER_PIECES += ["<approver>Council</approver>", "<revision><version>1.0</version></revision>"]
HEADER_PIECES += ["<revision><version>2</version><version>3</version></revision>", "<!--c-->"]
HEADER_PIECES += [
    "<revision><remark><version>9</version></remark></revision>",
    "<version>4</version>",
]
HEADER_PIECES += ["<author><number>5</number></author>", "<revision/>", "&e;", "<?pi?>", " "]
HEADER_PIECES += ["<author><version>6</version></author>"]
HEADER_PIECES += ["<revision>&e;<version>&e;</version></revision>", "<title>t</title>"]
TOP_PIECES = ["<header>", "</header>", "<section1>", "</section1>", "<number>7</number>", " "]


@settings(max_examples=400)
@given(
    st.lists(st.lists(st.sampled_from(HEADER_PIECES), max_size=8), max_size=3),
    st.sampled_from(["xep", "html"]),
    st.booleans(),
)
def test_header_fields_in_one_walk_are_the_plain_fields(
    headers: list[list[str]], top: str, expand: bool
) -> None:
    body = "".join("<header>" + "".join(pieces) + "</header><section1/>" for pieces in headers)
    markup = f"<!DOCTYPE {top} [<!ENTITY e '<version>8</version>'>]><{top}>{body}</{top}>"
    parser = etree.XMLParser(resolve_entities=expand)
    tree = etree.fromstring(markup.encode(), parser).getroottree()
    assert official._header_fields(tree) == _plain_header_fields(tree)


def _plain_through_header(raw: bytes, tree: etree._ElementTree) -> bytes:
    headers = list(tree.getroot().iterchildren("header"))
    after = headers[-1].getnext() if headers else None
    line = after.sourceline if after is not None else None
    end = official._end_of_line(raw, line, raw.find(b"</header>")) if line else None
    if end is None:
        return raw
    through = raw[:end]
    start = official._start_tag(after)
    found = start is not None and through.find(start, through.rfind(b"\n") + 1) >= 0
    return through if found and b"</header>" in through else raw


LAYOUT_PIECES = [b"<header><status>&e;</status></header>", b"<header/>", b"\n", b" ", b"&e;"]
LAYOUT_PIECES += [b"<section1/>", b"<!--c-->", b"<?x?>", b"<p>&lt;header&gt;</p>", b"</header>"]
LAYOUT_PIECES += [b"<header></header>", b"<b/>"]


@settings(max_examples=400)
@given(_joined_bytes(LAYOUT_PIECES, 8), st.booleans())
@example(b"<header></header>&e;\n<b/>", True)
@example(b"<header><b/>\n</header>&e;", True)
def test_the_header_s_end_is_where_the_plain_copy_ended(body: bytes, expand: bool) -> None:
    """``&e;`` brings an element whose line counts from the entity's value."""
    raw = b"<!DOCTYPE xep [<!ENTITY e '&#60;b/>'>]><xep>" + body + b"</xep>\n"
    parser = etree.XMLParser(resolve_entities=expand)
    try:
        tree = etree.fromstring(raw, parser).getroottree()
    except etree.XMLSyntaxError:
        return
    end = official._through_header(raw, tree, raw.find(b"</header>"))
    assert raw[:end] == _plain_through_header(raw, tree)


# -- reading a file -------------------------------------------------------------------------


@settings(max_examples=60)
@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=3000))
def test_a_file_is_read_whole_or_refused_past_the_cap(data: bytes, limit: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "x.xml"
        file.write_bytes(data)
        if len(data) > limit:
            with pytest.raises(reading.ReadRefused, match="limit"):
                reading.read_capped(file, limit)
        else:
            assert reading.read_capped(file, limit) == data


def test_a_file_read_takes_one_fstat_and_no_display_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "xep-0001.xml"
    file.write_bytes(b"<xep/>\n" * 1000)
    calls: list[str] = []
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        calls.append("fstat")
        return real_fstat(fd)

    def display_name(path: object) -> str:
        calls.append("display_name")
        return str(path)

    monkeypatch.setattr(reading.os, "fstat", fstat)
    monkeypatch.setattr(reading, "display_name", display_name)
    assert reading.read_capped(file, 1 << 20) == file.read_bytes()
    assert calls == ["fstat"]
    with pytest.raises(reading.ReadRefused, match="over the 10 bytes limit") as refused:
        reading.read_capped(file, 10)
    assert refused.value.name == str(file)
