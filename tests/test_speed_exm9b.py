"""The shortcuts of EXM001's parse of examples together give what the plain ways give: every
child of a parse of parts is a part (so the tags need no check), a parse with no ``<!`` or
``<?`` has no part that leaves a comment, CDATA section or processing instruction open, the
``xml:id`` test is ``bytes in bytes``, and :func:`check_all` judges each text as
:func:`check` judges it alone (property tests, and every file of the corpus)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.lint.rules import _fragments as fragments
from e2ee_sig.lint.rules import examples
from e2ee_sig.lint.rules._codeblocks import blocks
from e2ee_sig.xep import Document, load, root_at

PART_TAG = "{jabber:client}" + fragments._PART
ROOT_TAG = etree.fromstring(
    (fragments.ROOT_OPEN + fragments.ROOT_CLOSE).encode(), fragments._PARSER
).tag
_PIECES = [
    "<a>", "</a>", "<b/>", "<c x='1'>", "</c>", "<!--", "-->", "<![CDATA[", "]]>", "<?pi",
    "?>", "<?xml version='1.0'?>", "...", "\u2026", "&amp;", "&", "<", ">", "'", '"', "\n",
    " ", "text", "xml:id", "<d xml:id='i'/>", "<stream:stream>", "</stream:stream>",
    "<e xmlns='urn:x'>", "</e>", "<p:f>", "C: ", "::=", "\u00e9",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_TEXTS = st.lists(_TEXT, max_size=6)


def _fresh() -> None:
    fragments._OUTCOMES.clear()


def _judged(outcome: fragments.Outcome) -> tuple[object, ...]:
    return (outcome.xml, outcome.issue, outcome.blanks, outcome.strict_text)


def _alone(texts: list[str]) -> list[tuple[object, ...]]:
    """Each text checked on its own, nothing remembered before."""
    judged = []
    for text in texts:
        _fresh()
        judged.append(_judged(fragments.check(text)))
    _fresh()
    return judged


@given(texts=_TEXTS)
def test_every_child_of_a_parse_of_parts_is_a_part(texts: list[str]) -> None:
    texts = [text for text in texts if fragments._PART not in text]
    try:
        whole = etree.fromstring(fragments._together(texts).encode(), fragments._PARSER)
    except (etree.XMLSyntaxError, UnicodeEncodeError):
        return
    assert all(part.tag == PART_TAG for part in whole)


@given(texts=_TEXTS)
def test_a_parse_without_openers_leaves_nothing_open(texts: list[str]) -> None:
    data = fragments._together(texts).encode("utf-8", "replace")
    if fragments._opens_nothing(data):
        assert not any(fragments._may_leave_open(text) for text in texts)


@given(data=st.binary(max_size=20) | _TEXT.map(lambda t: t.encode("utf-8", "replace")))
def test_the_xml_id_test_is_bytes_in_bytes(data: bytes) -> None:
    assert fragments._has_xml_id(data) == (b"xml:id" in data)


@pytest.mark.parametrize("trees", [True, False])
@given(texts=_TEXTS)
def test_texts_checked_together_are_judged_as_alone(texts: list[str], trees: bool) -> None:
    _fresh()
    outcomes, parsed = fragments.check_all(texts, trees=trees)
    together = [_judged(outcome) for outcome in outcomes]
    assert together == _alone(texts)
    for text, element in parsed.items():
        assert element.tag in (PART_TAG, ROOT_TAG)
        assert fragments.recorded(element) == fragments._strict_elements(text)


def test_a_part_left_open_is_still_found() -> None:
    """The shortcut must not hide a comment left open: then the parse holds one part fewer
    (a test that fails when ``_opens_nothing`` says yes to an opener)."""
    texts = ["<a/>", "<i/><!--", "--><j/>"]
    _fresh()
    data = fragments._together(texts).encode()
    assert not fragments._opens_nothing(data)
    assert fragments._accept(texts, trees=False) == {}
    assert not fragments._opens_nothing(b"<?pi?>") and fragments._opens_nothing(b"<a>!?</a>")
    _fresh()


def _documents(corpus: Path) -> Iterator[Document]:
    root = root_at(corpus)
    for path in sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml")):
        yield load(path, path.name, root)


def _texts(document: Document) -> tuple[list[str], bool]:
    judged = [b for b in blocks(document) if not b.has_markup]
    texts = [b.text for b in judged if not examples.is_schema(b)]
    return texts, len(texts) < len(judged)


def test_the_shortcuts_agree_on_the_corpus(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On every corpus file: the examples checked together with the shortcuts, without them
    (each text looked at for openers), and each on its own give the same outcomes, and the
    same parse trees."""
    checked = 0
    for document in _documents(corpus):
        texts, trees = _texts(document)
        _fresh()
        fast, fast_parsed = fragments.check_all(texts, trees=trees)
        with monkeypatch.context() as patched:
            patched.setattr(fragments, "_opens_nothing", lambda data: False)
            _fresh()
            slow, slow_parsed = fragments.check_all(texts, trees=trees)
        assert [_judged(o) for o in fast] == [_judged(o) for o in slow], document.display
        assert [_judged(o) for o in fast] == _alone(texts), document.display
        assert fast_parsed.keys() == slow_parsed.keys(), document.display
        for text, element in fast_parsed.items():
            assert element.tag in (PART_TAG, ROOT_TAG)
            assert etree.tostring(element) == etree.tostring(slow_parsed[text])
        checked += len(texts)
    _fresh()
    assert checked > 3000  # most examples were read
