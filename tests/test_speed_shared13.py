"""Session 13 (shared caches): fast paths checked against what they replace."""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.xep import Document, query
from e2ee_sig.xep.query import per_document


class _Pair(NamedTuple):
    left: int
    right: int


class _Items(list[int]):
    pass


VALUES: list[object] = [[1], {2}, {3: 4}, (5,), _Pair(6, 7), frozenset({8}), "9", b"10", 11]
VALUES += [None, True, Counter("ab"), OrderedDict(c=1), defaultdict(list, d=[1]), _Items([12])]
VALUES += [object(), Path("x")]


@given(st.lists(st.sampled_from(range(len(VALUES))), min_size=1, max_size=30))
def test_a_shared_value_is_copied_exactly_when_it_is_a_list_set_or_dict(order: list[int]) -> None:
    # (the kinds in any order: which to copy is worked out once a type)
    document = Document(Path("xep-0001.xml"), "xep-0001.xml", b"")
    for index in order:
        value = VALUES[index]

        def read(document: Document, value: object = value) -> object:
            return value

        read.__qualname__ = f"read{index}"
        shared = per_document(read)
        got = shared(document)
        if isinstance(value, (list, set, dict)):
            expected = value.copy()  # (what every hit handed out before)
            assert got is not value and got == expected and type(got) is type(expected)
        else:
            assert got is value


def _slow_find_section(document: Document, *topics: str) -> etree._Element | None:
    """What ``query.find_section`` did before it kept each set of topics case-folded."""
    wanted = {t.casefold() for t in topics}
    return next((s for s in query.sections(document) if query.topic(s).casefold() in wanted), None)


TOPICS = ["Security Considerations", "security  considerations", "SECURITY\nCONSIDERATIONS"]
TOPICS += ["IANA Considerations", "Straße", "STRASSE", "strasse", "", " ", "Introduction"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(TOPICS), max_size=5),
    st.lists(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3), max_size=4),
)
def test_a_section_is_found_by_topic_as_before(written: list[str], asked: list[list[str]]) -> None:
    body = "".join(f"<section1 topic={quoteattr(t)}/>" for t in written)
    root = etree.fromstring(f"<xep><section1/>{body}<section2 topic='Introduction'/></xep>")
    document = Document(Path("x.xml"), "x.xml", b"", tree=root.getroottree())
    for topics in asked:  # (each set of topics asked again: kept case-folded)
        for _ in range(2):
            found = query.find_section(document, *topics)
            assert found is _slow_find_section(document, *topics)
