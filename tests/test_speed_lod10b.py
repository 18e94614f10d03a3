"""Shortcuts of the literal scan give what the general path gives: the prolog matched from
where the DOCTYPE scan saw the DOCTYPE end, and the root's children told from the sections
(property tests, and every file of the corpus); the official view finds the first
``</header>`` once."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules import _literal
from e2ee_sig.xep import load, parse_bytes, root_at
from e2ee_sig.xep.doctype import scan_doctype

_BEFORE = ["", " ", "\n", "<?xml version='1.0' encoding='UTF-8'?>", "<!-- c ]> -->", "<?pi ]?>"]
_BEFORE += ["<!--", "\ufeff", "x"]
_NAMES = ["xep", "x'y", 'a"b', "x]", "a<b", "xep>"]
_IDS = [" SYSTEM 'xep.dtd'", "", ' SYSTEM "x[y]>.dtd"', " PUBLIC 'p' \"s\"", " SYSTEM", " foo"]
_IDS += [" SYSTEM 'a' 'b'", " SYSTEM 'unclosed"]
_SUBSET = ["<!ENTITY % ents SYSTEM 'xep.ent'>", '<!ENTITY % ents SYSTEM "xep.ent">', "%ents;"]
_SUBSET += ["%a]b;", "<!-- ] -->", "<?p ]>?>", '<!ENTITY x "a]>b">', "<!ELEMENT x ANY>"]
_SUBSET += ["<!ATTLIST x y CDATA #IMPLIED>", "<!ENTITY x SYSTEM 'f.ent'>", " ", "\n"]
_SUBSET += ["<!ENTITY % p SYSTEM 'p.ent'>", "%p;"]
_JUNK = ["", "%ents", "<!--", "'", '"', "]", ">", "<", "x"]
_CLOSE = ["]>", "] >", "]\n>", "]", "", ">", "]x>", "]]>"]
_AFTER = ["", "\n", "<?xml-stylesheet type='text/xsl' href='xep.xsl'?>", "<!-- c -->"]
_AFTER += ["<!DOCTYPE x>", "\ufeff", "<!--", "<xep><header/></xep>", "<?", " x"]


_WHOLE_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?" + _literal._MISCELLANY, re.S | re.X)
"""The prolog as one pattern, a byte order mark in front: what :func:`_literal.prolog_end`
finds without compiling it."""


def _pieces(pieces: list[str], size: int = 6) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


def _usually(pieces: list[str]) -> st.SearchStrategy[str]:
    """One of ``pieces``, the first as often as all the others."""
    return st.one_of(st.just(pieces[0]), st.sampled_from(pieces))


@st.composite
def _prologs(draw: st.DrawFn) -> bytes:
    """Prologs like a XEP's, with what a DOCTYPE scan may stop at mixed in."""
    before = draw(_pieces(_BEFORE, 4))
    name = draw(_usually(_NAMES))
    external = draw(_usually(_IDS))
    subset = ""
    if draw(st.booleans()):
        usual = draw(st.booleans())
        items = [draw(st.sampled_from(_SUBSET[:2])), "\n", "%ents;", "\n"] if usual else []
        items += [draw(_pieces(_SUBSET)), draw(_usually(_JUNK)), draw(_pieces(_SUBSET, 2))]
        subset = " [" + "".join(items) + draw(_usually(_CLOSE))
    else:
        subset = draw(st.sampled_from(["", " ", "\n"])) + draw(st.sampled_from([">", "", "x>"]))
    after = draw(_pieces(_AFTER, 4))
    return f"{before}<!DOCTYPE {name}{external}{subset}{after}".encode()


@settings(max_examples=400)
@given(raw=_prologs())
def test_the_prolog_from_the_doctype_end_is_what_the_whole_match_finds(raw: bytes) -> None:
    assert _literal.prolog_end(raw, scan_doctype(raw)) == _WHOLE_PROLOG.match(raw).end()  # type: ignore[union-attr]


@given(raw=st.text("<!DOCTYPE x[]>'\"%;-? \n", max_size=40).map(str.encode))
def test_the_prolog_of_any_bytes_is_what_the_whole_match_finds(raw: bytes) -> None:
    raw = b"<!DOCTYPE " + raw
    assert _literal.prolog_end(raw, scan_doctype(raw)) == _WHOLE_PROLOG.match(raw).end()  # type: ignore[union-attr]


@given(raw=st.tuples(_pieces(_BEFORE), _pieces(_AFTER)).map("".join).map(str.encode))
def test_a_prolog_without_a_doctype_end_is_what_the_whole_match_finds(raw: bytes) -> None:
    assert _literal.prolog_end(raw, scan_doctype(raw)) == _WHOLE_PROLOG.match(raw).end()  # type: ignore[union-attr]


def test_the_doctype_scan_notes_where_the_doctype_ends() -> None:
    usual = b"<?xml version='1.0'?>\n<!DOCTYPE xep SYSTEM 'xep.dtd' [\n"
    usual += b"  <!ENTITY % ents SYSTEM 'xep.ent'>\n%ents;\n] >\n<xep/>"
    assert scan_doctype(usual).end == usual.index(b"\n<xep")  # type: ignore[union-attr]
    other = usual.replace(b"[\n", b"[\n<!-- ] -->\n<!ENTITY x 'a]'>")
    assert scan_doctype(other).end == other.index(b"\n<xep")  # type: ignore[union-attr]
    plain = b"<!DOCTYPE xep SYSTEM 'xep.dtd'  ><xep/>"
    assert scan_doctype(plain).end == plain.index(b"<xep")  # type: ignore[union-attr]
    for unsure in (b"x'y>", b"x [%a]b;]>", b"x [ ]", b"x y>", b"x [<!-- ] -->x]>"):
        unsure = b"<!DOCTYPE " + unsure
        assert scan_doctype(unsure).end is None  # type: ignore[union-attr]
    assert _literal.prolog_end(usual, scan_doctype(usual)) == usual.index(b"<xep")


_CHILDREN = ["<header/>", "<section1/>", "<section1><section1/></section1>", "<!-- c -->"]
_CHILDREN += ["<?pi x?>", "<other/>", "<other><section1/></other>", "<header xmlns='u'/>"]
_CHILDREN += ["<x:section1 xmlns:x='u'/>", "text", "<header><section1/></header>"]


@given(
    children=st.lists(st.sampled_from(_CHILDREN), max_size=6),
    tag=st.sampled_from(["xep", "section1", "header"]),
)
def test_the_root_children_told_from_the_sections_are_every_child(
    children: list[str], tag: str
) -> None:
    raw = f"<{tag}>{''.join(children)}</{tag}>".encode()
    document = parse_bytes(raw, Path("x.xml"), "x.xml", None)
    assert _literal._top_level(document) == _literal._children(document)


def test_the_scan_shortcuts_agree_with_the_general_path_on_the_corpus(corpus: Path) -> None:
    root = root_at(corpus)
    paths = sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml"))
    ended = told = 0
    for path in paths:
        document = load(path, path.name, root)
        raw = document.raw
        expected = _WHOLE_PROLOG.match(raw).end()  # type: ignore[union-attr]
        assert _literal.prolog_end(raw, document.doctype) == expected, path.name
        ended += document.doctype is not None and document.doctype.end is not None
        if document.tree is not None:
            names = _literal._top_level(document)
            assert names == _literal._children(document), path.name
            told += names == frozenset({b"header", b"section1"})
    assert ended > len(paths) * 9 // 10
    assert told > len(paths) * 9 // 10


@given(
    raw=st.lists(st.sampled_from(["</header>", "</header", "x", "\n", ">"]), max_size=8).map(
        lambda parts: "".join(parts).encode()
    ),
    end=st.integers(0, 60),
)
def test_the_first_header_close_tells_whether_one_ends_before_an_offset(
    raw: bytes, end: int
) -> None:
    """``_through_header`` finds ``</header>`` once: one before ``end`` (a newline's offset)
    is the first one."""
    close = raw.find(b"</header>")
    assert (0 <= close <= end - len(b"</header>")) == (raw.find(b"</header>", 0, end) >= 0)
