"""The index readers' byte searches find what the regular expressions they stand for find:
header values, the ``targetNamespace`` word searched once for two patterns, a superseding
XEP, and the prologs that declare no general entity."""

from __future__ import annotations

import html
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import doctype, facts


def _joined(pieces: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(pieces), max_size=30).map(b"".join)


HEADER_PIECES = [b"<title>", b"</title>", b"<shortname>", b"</shortname>", b"<status>"]
HEADER_PIECES += [b"</status>", b"<type>", b"</type>", b"</header>", b"<header>", b"x", b" "]
HEADER_PIECES += [b"&amp;", b"\n", b"<", b">", b"<title", b"</titl", b"\xc3\xa9", b"<!-- -->"]


def _header_by_regex(raw: bytes, number: str) -> facts.NumberedXep:
    """:func:`facts.read_header` as it was: a regex search of each value in a copy of the
    file's start up to its first ``</header>``."""
    head = raw[: facts.HEAD_BYTES].split(b"</header>", 1)[0]
    values = {}
    for name in ("title", "shortname", "status", "type"):
        found = re.search(rf"<{name}>(.*?)</{name}>".encode(), head, re.S)
        text = found.group(1).decode("utf-8", "replace") if found else ""
        values[name] = " ".join(html.unescape(text).split())
    return facts.NumberedXep(number, **values)


@settings(max_examples=1500, deadline=None)
@given(_joined(HEADER_PIECES), st.integers(min_value=0, max_value=40))
@example(b"<title>a</title></header><title>b</title>", 0)
@example(b"<title>a</title>", 0)
@example(b"<title>a<title>b</title>", 0)
def test_header_values_are_those_the_regex_finds(raw: bytes, cap: int) -> None:
    assert facts.read_header(raw, "0001") == _header_by_regex(raw, "0001")
    original = facts.HEAD_BYTES
    facts.HEAD_BYTES = cap  # (the bound cuts a tag or a value at some point)
    try:
        assert facts.read_header(raw, "0001") == _header_by_regex(raw, "0001")
    finally:
        facts.HEAD_BYTES = original


TARGET_PIECES = [b"targetNamespace", b"targetNamespacetargetNamespace", b"=", b" ", b"'", b'"']
TARGET_PIECES += [b"urn:x", b"]]>", b"<![CDATA[", b"targetNamespace='urn:x'", b"XMLSchema"]
TARGET_PIECES += [b"targetNamespace='targetNamespace'", b"targetNamespace=']]>&ns;<![CDATA['"]


@settings(max_examples=1000, deadline=None)
@given(_joined(TARGET_PIECES))
@example(b"targetNamespace='targetNamespace'targetNamespace='a'")
@example(b"targetNamespace=\"targetNamespace='a'\"")  # (a match inside a match: not found)
def test_matches_at_the_word_s_starts_are_those_finditer_finds(raw: bytes) -> None:
    starts = facts.occurrences(raw, facts.TARGET_WORD)
    assert starts == [m.start() for m in re.finditer(b"(?=targetNamespace)", raw)]
    for pattern in (facts._RAW_TARGET, facts.TARGET_NAMESPACE):
        found = [(m.span(), m.groups()) for m in facts.matches_at(pattern, raw, starts)]
        assert found == [(m.span(), m.groups()) for m in pattern.finditer(raw)]


@settings(max_examples=500, deadline=None)
@given(_joined(TARGET_PIECES + HEADER_PIECES + [b"<supersededby>", b"<spec>", b"</spec>"]))
def test_facts_are_the_same_whoever_looks_for_the_word(raw: bytes) -> None:
    raw = b"<xep>" + raw
    starts = facts.occurrences(raw, facts.TARGET_WORD)
    assert facts.read_facts(raw, "xep-0001.xml", "", starts) == facts.read_facts(
        raw, "xep-0001.xml", ""
    )


SUPERSEDED_PIECES = [b"<supersededby>", b"</supersededby>", b"<spec>", b"</spec>", b"XEP-0002"]
SUPERSEDED_PIECES += [b" ", b"\n", b"<supersededby/>", b"</header>", b"<header>", b"<"]


@settings(max_examples=1000, deadline=None)
@given(_joined(SUPERSEDED_PIECES))
@example(b"<supersededby><spec>XEP-0002</spec></supersededby>")
def test_superseded_by_is_what_the_regex_finds_in_the_header(raw: bytes) -> None:
    raw = b"<xep>" + raw
    end = facts._header_end(raw)
    expected = ", ".join(
        m.decode("utf-8", "replace").strip() for m in facts._SUPERSEDED_BY.findall(raw, 0, end)
    )
    assert facts.read_facts(raw, "xep-0001.xml").superseded_by == expected


PROLOG_PIECES = [b"<!ENTITY", b" ", b"\t", b"\n", b"%", b"% ", b"ents", b"ns", b"'v'", b'"v"']
PROLOG_PIECES += [b"SYSTEM", b" 'xep.ent'", b">", b"<!--", b"-->", b"<!DOCTYPE xep [", b"]>"]
PROLOG_PIECES += [b"<!ENTITY % ents SYSTEM 'xep.ent'>", b"<!ENTITY ns 'urn:xmpp:x:0'>", b"\x0b"]
PROLOG_PIECES += [b" " * 70]


def _declarations_by_regex(text: bytes) -> dict[bytes, bytes]:
    """:func:`doctype.entity_declarations` without its shortcut."""
    declarations: dict[bytes, bytes] = {}
    for match in doctype._ENTITY_DECL.finditer(doctype._strip_comments(text)):
        if match.group("pe") is None and match.group("value") is not None:
            declarations.setdefault(match.group("name"), match.group(0) + b">")
    return declarations


@settings(max_examples=2000, deadline=None)
@given(_joined(PROLOG_PIECES))
@example(b"<!ENTITY % ents SYSTEM 'xep.ent'>")
@example(b"<!ENTITY\x0bns 'v'>")
@example(b"<!ENTITY" + b" " * 70 + b"ns 'v'>")
@example(b"<!ENT<!-- -->ITY ns 'v'>")
def test_entity_declarations_are_those_the_regex_finds(text: bytes) -> None:
    assert doctype.entity_declarations(text) == _declarations_by_regex(text)
