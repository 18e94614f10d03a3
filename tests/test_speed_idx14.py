"""The index readers' byte searches find what the searches they stand for find: comment
starts from each ``!``, header fields from their start tag, namespaces by the one kind a text
holds, the XML Schema namespace beside a ``targetNamespace``."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import facts, index


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=30).map("".join)


COMMENT_PIECES = ["<!--", "-->", "<!-", "<!", "!--", "!", "!-", "-", "<", "a", "<![CDATA[", "\n"]


@settings(max_examples=1500, deadline=None)
@given(_joined(COMMENT_PIECES).map(str.encode), st.integers(min_value=0, max_value=40))
@example(b"<!--", 0)
@example(b"a<!-", 0)
@example(b"!", 0)
@example(b"<!--", 1)
def test_comment_starts_are_those_the_four_byte_search_finds(raw: bytes, at: int) -> None:
    assert facts._comment_start(raw, at) == raw.find(b"<!--", at)


@settings(max_examples=1000, deadline=None)
@given(
    _joined(COMMENT_PIECES).map(str.encode),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=40),
)
@example(b"!<!--", 1, 0)
@example(b"!!<!--", 1, 0)
def test_many_bangs_hand_over_to_the_four_byte_search(raw: bytes, steps: int, at: int) -> None:
    """Past :data:`~e2ee_sig.xep.facts.BANG_STEPS` ``!`` bytes, ``find`` finds the start."""
    original = facts.BANG_STEPS
    facts.BANG_STEPS = steps
    try:
        assert facts._comment_start(raw, at) == raw.find(b"<!--", at)
        assert facts._without_comments(raw) == re.sub(rb"<!--.*?-->", b"", raw, flags=re.S)
    finally:
        facts.BANG_STEPS = original


FIELD_PIECES = ["<number>", "</number>", "<status>", "</status>", "<type>", "</type>", " "]
FIELD_PIECES += ["<shortname>", "</shortname>", "<number", "x", "0001", "\n", "<", "<b>", "é"]


@settings(max_examples=1500, deadline=None)
@given(_joined(FIELD_PIECES).map(str.encode), st.integers(min_value=0, max_value=200))
@example(b"<number>1</number>", 12)
@example(b"<number><number>1</number>", 200)
def test_header_fields_are_those_the_regex_search_finds(raw: bytes, end: int) -> None:
    for name in ("number", "status", "type", "shortname"):
        pattern, literal = facts._FIELD[name]
        assert pattern.pattern.startswith(re.escape(literal))
        found = pattern.search(raw, 0, end)
        expected = found[1].decode("utf-8", "replace") if found else ""
        assert facts._field(raw, end, name) == expected


NAMESPACE_PIECES = ["urn:xmpp:", "urn:xmpp:a", "http://", "https://", "jabber.org/protocol/"]
NAMESPACE_PIECES += ["jabber:", "jabber:x", "jabber:iq:roster", "jabber:client", "a", "0", ":"]
NAMESPACE_PIECES += ["/", "#", "#b", ".", "-", " ", "<", "urn:", "jabber", "é", "_", "+"]


@settings(max_examples=2000, deadline=None)
@given(_joined(NAMESPACE_PIECES))
@example("urn:xmpp:jabber:x")
@example("jabber:x:urn:xmpp:a")
@example("http://jabber.org/protocol/urn:xmpp:a jabber:x")
def test_namespaces_are_those_the_three_kinds_pattern_finds(text: str) -> None:
    assert facts.namespaces_in(text) == facts.NAMESPACE.findall(text)


SCHEMA_PIECES = ["XMLSchema", "XMLSchem", "MLSchema", "targetNamespace", "x", " ", "\n"]


@settings(max_examples=1500, deadline=None)
@given(
    _joined(SCHEMA_PIECES).map(str.encode),
    st.one_of(st.none(), st.lists(st.integers(min_value=0, max_value=300), max_size=3)),
    st.integers(min_value=0, max_value=30),
)
@example(b"XMLSchema targetNamespace", [10], 0)
@example(b"XMLSchema targetNamespace", [10], 1)
@example(b"targetNamespace XMLSchema", [0], 16)
def test_the_schema_namespace_is_found_wherever_it_stands(
    raw: bytes, starts: list[int] | None, reach: int
) -> None:
    """Looked for beside the first ``targetNamespace`` first, or in the whole file."""
    original = facts.SCHEMA_REACH
    facts.SCHEMA_REACH = reach
    try:
        assert facts._names_schema_namespace(raw, starts) == (b"XMLSchema" in raw)
    finally:
        facts.SCHEMA_REACH = original


@pytest.mark.parametrize("root", ["corpus", "mutated"])
def test_the_corpus_gives_the_same_index(corpus, tmp_path, root) -> None:
    """Every corpus file (and a copy of each cut and spliced about its comments, sections and
    namespaces) gives the same facts as with the searches the fast paths stand for."""
    folder = corpus if root == "corpus" else _mutated(corpus, tmp_path)
    files = list(index._root_files(folder))
    fast = index._read(files, folder, with_schemas=True)
    fast_anchors = [item[1].anchors for item in fast]
    saved = facts._comment_start, facts.namespaces_in, facts._field, facts._names_schema_namespace
    facts._comment_start = lambda raw, at: raw.find(b"<!--", at)
    facts.namespaces_in = facts.NAMESPACE.findall
    facts._names_schema_namespace = lambda raw, starts: b"XMLSchema" in raw

    def field(raw: bytes, end: int, name: str) -> str:
        found = facts._FIELD[name][0].search(raw, 0, end)
        return found[1].decode("utf-8", "replace") if found else ""

    facts._field = field
    try:
        slow = index._read(files, folder, with_schemas=True)
        slow_anchors = [item[1].anchors for item in slow]
    finally:
        facts._comment_start, facts.namespaces_in, facts._field, facts._names_schema_namespace = (
            saved
        )
    assert len(fast) == len(slow) > 100
    assert fast == slow
    assert [item[1].values for item in fast] == [item[1].values for item in slow]
    assert [item[1].schema_targets for item in fast] == [item[1].schema_targets for item in slow]
    assert fast_anchors == slow_anchors
    assert sum(bool(item[1].namespaces) for item in fast) > 50


_SPLICES = [b"<!--", b"-->", b"<!-", b"!", b"<section1 topic='Registrar Considerations'>"]
_SPLICES += [b"urn:xmpp:m:0 jabber:x:m http://jabber.org/protocol/m", b"&ns;", b"</header>"]


def _mutated(corpus, tmp_path):
    """A root whose files are the corpus XEPs, each with a splice at several places."""
    folder = tmp_path / "root"
    (folder / "inbox").mkdir(parents=True)
    sources = sorted(corpus.glob("xep-*.xml"))[:120]
    for number, source in enumerate(sources):
        raw = source.read_bytes()
        for anchor in (b"<!--", b"-->", b"<section1", b"urn:xmpp:", b"<number>", b"&"):
            at = raw.find(anchor, len(raw) // 3)
            if at >= 0:
                splice = _SPLICES[(number + at) % len(_SPLICES)]
                raw = raw[: at + number % 3] + splice + raw[at + number % 3 :]
        (folder / f"xep-{number:04d}.xml").write_bytes(raw)
    return folder
