"""The index readers' fast paths find what the regular expressions they stand for find."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import facts, index

PIECES = ["&#", "&#116;", "&#x74;", "&#X4e;", "&#39;", "&#;", "&#1", "&&#116;", "&#116;;", "#"]
PIECES += ["&", ";", "&amp;", "a", "0", "x", "F", "g", " ", "\n", "é", "&##116;", "&#&#116;"]


def _slow(raw: bytes) -> list[tuple[tuple[int, int], bytes]]:
    return [(m.span(), m[1]) for m in facts._CHARACTER_REFERENCE.finditer(raw)]


def _fast(raw: bytes) -> list[tuple[tuple[int, int], bytes]]:
    return [(m.span(), m[1]) for m in facts._character_references(raw)]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join).map(str.encode))
@example(b"#")
@example(b"&#")
@example(b"&#116;")
@example(b"x&#116;&#x4e;#&#;")
@example(b"&#116;&#116;")
def test_character_references_are_those_the_regex_finds(raw: bytes) -> None:
    assert _fast(raw) == _slow(raw)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join).map(str.encode),
    st.integers(min_value=0, max_value=4),
)
@example(b"&#116;&#116;", 1)
@example(b"#&#116;", 1)
def test_many_hashes_hand_over_to_the_regex(raw: bytes, steps: int) -> None:
    """Past :data:`~e2ee_sig.xep.facts.HASH_STEPS` ``#`` bytes, the regex finds the rest."""
    original = facts.HASH_STEPS
    facts.HASH_STEPS = steps
    try:
        assert _fast(raw) == _slow(raw)
    finally:
        facts.HASH_STEPS = original


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=60))
def test_character_references_in_any_bytes(raw: bytes) -> None:
    assert _fast(raw) == _slow(raw)


def test_a_letter_reference_still_makes_the_targets_unknown() -> None:
    """``&#116;`` is a ``t``: it may spell part of ``targetNamespace`` (cannot tell)."""
    schema = b"<code><![CDATA[<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' "
    plain = schema + b"targetNamespace='urn:a'/>]]></code>"
    assert facts.schema_targets(plain, {}) == frozenset({"urn:a"})
    assert facts.schema_targets(plain + b"&#116;", {}) is None
    assert facts.schema_targets(plain + b"&#8212;", {}) == frozenset({"urn:a"})


def test_the_corpus_gives_the_same_index(corpus) -> None:
    """Every corpus file's facts equal those read with the regular expression's scan."""
    files = list(index._root_files(corpus))
    fast = index._read(files, corpus, with_schemas=True)
    original = facts._character_references
    facts._character_references = lambda raw: facts._CHARACTER_REFERENCE.finditer(raw)
    try:
        slow = index._read(files, corpus, with_schemas=True)
    finally:
        facts._character_references = original
    assert len(fast) == len(slow) > 300
    for mine, theirs in zip(fast, slow, strict=True):
        assert mine == theirs
        assert mine[1].schema_targets == theirs[1].schema_targets
    references = sum(bool(re.search(rb"&#[0-9xa-fA-F]+;", item[1]._bytes)) for item in fast)
    assert references > 0


COMMENTS = ["<!--", "-->", "<!-->", "<!--->", "-", "!", "<", ">", "a", "<!-- c -->", "\n"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(COMMENTS), max_size=25).map("".join).map(str.encode))
@example(b"a<!--b-->c<!--d")
@example(b"<!--")
def test_comments_are_left_out_as_a_lazy_regex_finds_them(raw: bytes) -> None:
    assert facts._without_comments(raw) == re.sub(rb"<!--.*?-->", b"", raw, flags=re.S)
