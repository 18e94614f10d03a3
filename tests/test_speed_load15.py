"""The load path's fast paths of session 15 give what the plain code they replace gives."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.fsio import display_name
from e2ee_sig.xep import official, parse
from e2ee_sig.xep.doctype import scan_doctype
from e2ee_sig.xep.parse import Document
from e2ee_sig.xep.root import XepRoot, root_at
from tests import test_speed_load14
from tests.conftest import TEST_DTD

HEADER_PIECES = [*test_speed_load14.HEADER_PIECES, b"&X", b"&&", b"&\n", b"</", b"/"]


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(HEADER_PIECES), max_size=16).map(b"".join), st.integers(0, 90))
@example(b"<version>&x;</version>", 11)
@example(b"<version>&x;</version>", 10)
@example(b"<version>&x;</version>", 12)
@example(b"<status>&", 9)
@example(b"<status>&a", 9)
@example(b"<status>&a", 10)
@example(b"<type a='&x;'>&x;", 99)
@example(b"<type>&x;</type&y", 99)
@example(b"<type>&x</type>&y;", 99)
@example(b"&x;<version>&#10;</version>", 99)
def test_an_entity_inside_is_searched_for_up_to_the_last_reference_as_in_the_whole(
    raw: bytes, end: int
) -> None:
    end = min(end, len(raw))
    expected = official._ENTITY_INSIDE.search(raw, 0, end) is not None
    assert official._entity_inside(raw, end) == expected


def _plain_parse_bytes(raw: bytes, path: Path, root: XepRoot | None) -> Document:
    """``parse.parse_bytes`` as it was: the UTF-8 check before the parse."""
    document = Document(path, str(path), raw, root, base_url=display_name(path))
    problem = parse._framing_problem(raw) or parse._utf8_problem(raw)
    if problem is not None:
        document.fatal = problem
        return document
    document.doctype = scan_doctype(raw)
    document.referenced = parse.referenced_entities(raw, document.doctype, root)
    document.parsed_bytes = parse.with_xep_entities(
        raw, document.doctype, root, document.referenced
    )
    document.tree, errors = parse._parse(document.parsed_bytes, True, document.base_url)
    if document.tree is None:
        fatal = [e for e in errors if getattr(e, "level_name", "FATAL") == "FATAL"]
        document.fatal = parse._problem((fatal or errors or ["not well-formed XML"])[0])
    else:
        document.parse_errors = [parse._problem(e) for e in errors]
    return document


def _state(document: Document) -> tuple[object, ...]:
    tree = document.tree
    return (
        document.fatal,
        document.parse_errors,
        document.doctype,
        document.referenced,
        document.parsed_bytes,
        document.base_url,
        None if tree is None else etree.tostring(tree),
    )


NOT_UTF8 = [b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80", b"\x80", b"\xc3"]
NOT_UTF8 += [b"\xe2\x80", b"\xf0\x9f\x98", b"\xff", b"\xfe", b"\xc1\xbf", b"\xf8\x88\x80\x80\x80"]
UTF8 = [b"\xc3\xa9", b"\xe2\x80\x9c", b"\xf0\x9f\x98\x80", b"\xef\xbf\xbf", b"\xc2\x80", b"a"]
DOCUMENT_PIECES = [b"<doc>", b"</doc>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<p a='", b"'>"]
DOCUMENT_PIECES += [b"</p>", b"&x;", b"&lt;", b" ", b"\n", b"<?pi ", b"?>", b"<doc/>", b"\x00"]
DOCUMENT_PIECES += NOT_UTF8 + UTF8
PROLOGS = [b"", b"<?xml version='1.0' encoding='UTF-8'?>\n", b"<?xml version='1.0'?>"]
PROLOGS += [b"<?xml version='1.0' encoding='utf8'?>", b"<?xml version='1.0' encoding='latin1'?>"]
PROLOGS += [b"<!DOCTYPE doc [<!ENTITY x '\xc3\xa9'>]>", b"<!DOCTYPE doc [<!-- \xff -->]>"]
PROLOGS += [b"<!DOCTYPE xep SYSTEM 'xep.dtd' [\n<!ENTITY % ents SYSTEM 'xep.ent'>\n%ents;\n]>"]


@settings(max_examples=1500)
@given(
    st.sampled_from(PROLOGS),
    st.lists(st.sampled_from(DOCUMENT_PIECES), max_size=14).map(b"".join),
    st.booleans(),
)
@example(b"", b"<doc>\xff</doc>", False)
@example(b"", b"<doc>\xc3\xa9</doc>", False)
@example(b"", b"<doc><!-- \xed\xa0\x80 --></doc>", False)
@example(b"<?xml version='1.0' encoding='latin1'?>", b"<doc>\xff</doc>", False)
@example(b"", b"\xff\xfe<doc/>", False)
@example(b"", b"", False)
def test_utf8_checked_after_a_parse_gives_the_document_checked_before(
    prolog: bytes, body: bytes, in_root: bool
) -> None:
    raw = prolog + body
    root = root_at(TEST_DTD) if in_root else None  # (read only: xep.ent)
    path = TEST_DTD / "x.xml"
    expected = _state(_plain_parse_bytes(raw, path, root))
    assert _state(parse.parse_bytes(raw, path, str(path), root)) == expected


def test_a_corpus_file_made_not_utf8_anywhere_in_its_text_is_refused_as_before(
    corpus: Path,
) -> None:
    root = root_at(corpus)
    rng = random.Random(15)
    files = sorted(corpus.glob("xep-0*.xml"))[::25]
    for path in files:
        raw = path.read_bytes()
        spaces = [i for i in range(1, len(raw)) if raw[i - 1] == 0x20]
        for at in rng.sample(spaces, 12):
            changed = raw[:at] + rng.choice(NOT_UTF8) + raw[at:]
            document = parse.parse_bytes(changed, path, str(path), root)
            assert _state(document) == _state(_plain_parse_bytes(changed, path, root))
            assert document.fatal is not None and "UTF-8" in document.fatal.message
