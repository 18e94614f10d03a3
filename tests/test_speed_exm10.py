"""exm10: example blocks are read without their pieces (read again when a finding asks), their
character data decoded by replacements when only predefined references are in it, and
:func:`check_all` remembers its outcomes at once. Each shortcut against the slow path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules import _fragments as fragments
from e2ee_sig.lint.rules._codeblocks import document_entities
from e2ee_sig.xep import Document, load
from e2ee_sig.xep import codeblocks as codeblocks_module
from e2ee_sig.xep.codeblocks import Block, read_blocks
from e2ee_sig.xep.root import root_at

_ENTITIES = {"ns": "urn:x", "u": "<b>", "e": "", "r": "&lt;&#x41;"}
_PIECES = [b"<example caption='a&amp;b'>", b"<code>", b"</example>", b"</code >", b"<code/>"]
_PIECES += [b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<p>", b"x", b"&lt;", b"&ns;", b"&#x41;"]
_PIECES += [b"&u;", b"&e;", b"&r;", b"&", b"&amp;", b"&quot;", b"&apos;", b"&gt;", b"lt;"]
_PIECES += [b"\xc3\xa9", b"\xe2", b"<!DOCTYPE", b"<examples>", b">", b"\n", b" "]


def _eager(block: Block) -> Block:
    """``block`` read again with its pieces from the start (the slow path)."""
    again = Block(block.kind, block.raw_start, block.caption, _pieces=[])
    if block._source is not None:
        codeblocks_module._read_body(again, *block._source, pieces=True)
    return again


def _read(raw: bytes) -> list[tuple[object, ...]]:
    return [(b.kind, b.raw_start, b.caption, b.text, b.has_markup) for b in read_blocks(raw)]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map(b"".join))
@example(b"<code>&amp;lt;&lt;</code>")
@example(b"<example>&ns;<![CDATA[<a/>]]>&lt;</example>")
def test_a_block_read_without_pieces_is_the_block_read_with_them(raw: bytes) -> None:
    found = read_blocks(raw, _ENTITIES)
    assert all(block._pieces is None for block in found)  # (not read before asked)
    for block in found:
        eager = _eager(block)
        assert (block.text, block.has_markup) == (eager.text, eager.has_markup)
        assert block.pieces == eager.pieces
        assert block == eager


_DATA = ["&", "lt", "gt", "amp", "quot", "apos", ";", "#", "#x41", "#65", "ns", "u", "e", "r"]
_DATA += ["<", "a", "\u00e9", " ", "\n", "&lt;", "&amp;", "&ns;"]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_DATA), max_size=16).map("".join))
@example("&amp;lt;&amp;amp;&lt;")
@example("&lt;&ltx;")
def test_character_data_decodes_without_pieces_as_with_them(text: str) -> None:
    raw = text.encode()
    plain = Block("code", 0, "")
    decoded = codeblocks_module._text(plain, text, _ENTITIES)
    pieced = Block("code", 0, "", _pieces=[])
    codeblocks_module._add_text(pieced, raw, 0, len(raw), _ENTITIES)
    assert (decoded, plain.has_markup) == (pieced.text, pieced.has_markup)


def test_the_replacements_decode_ampersands_last() -> None:
    """A test that fails when ``&amp;`` is replaced before the others."""
    assert codeblocks_module._PREDEFINED_REFERENCES[-1] == "&amp;"
    assert codeblocks_module._text(Block("code", 0, ""), "&amp;lt;", {}) == "&lt;"


def test_a_block_built_by_hand_has_no_pieces_until_added() -> None:
    block = Block("code", 0, "", "text")
    assert block.pieces == [] and block.raw_offset(3) == 0
    block.pieces.append(codeblocks_module.Piece(0, 10, True))
    assert block.raw_offset(3) == 13


_TEXTS = ["<a/>", "<b>", "</c>", "x", "<d>&amp;</d>", "<?xml version='1.0'?><e/>", "C: <f/>"]


@settings(max_examples=200)
@given(
    before=st.lists(st.sampled_from(_TEXTS), max_size=4),
    texts=st.lists(st.sampled_from(_TEXTS), max_size=8),
    remembered=st.integers(1, 6),
)
def test_check_all_remembers_as_check_of_each_text_does(
    before: list[str], texts: list[str], remembered: int
) -> None:
    """The outcomes, and the memo's texts in their order, as :func:`check` of each text in
    turn leaves them (the memo bounded, some texts remembered before)."""

    def run(together: bool) -> tuple[list[object], list[str]]:
        with pytest.MonkeyPatch.context() as patched:
            patched.setattr(fragments, "REMEMBERED", remembered)
            patched.setattr(fragments, "_OUTCOMES", type(fragments._OUTCOMES)())
            for text in before:
                fragments.check(text)
            if together:
                outcomes = fragments.check_all(texts, trees=False)[0]
            else:
                outcomes = [fragments.check(text) for text in texts]
            judged = [(o.xml, o.issue, o.blanks, o.strict_text) for o in outcomes]
            return judged, list(fragments._OUTCOMES)

    assert run(True) == run(False)


def _documents(corpus: Path) -> Iterator[Document]:
    root = root_at(corpus)
    for path in sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml")):
        yield load(path, path.name, root)


def test_blocks_read_without_pieces_agree_on_the_corpus(corpus: Path) -> None:
    """On every corpus file: each block's text and markup read without pieces, and its pieces
    read when asked, are those read with the pieces at once."""
    count = 0
    for document in _documents(corpus):
        for block in read_blocks(document.raw, document_entities(document)):
            eager = _eager(block)
            assert block == eager, (document.display, block.raw_start)
            count += 1
    assert count > 3000
