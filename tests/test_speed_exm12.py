"""A block's caption, read from its start tag when asked, is the one read with the block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2ee_sig.lint.rules._codeblocks import document_entities
from e2ee_sig.xep import codeblocks, load, root_at


def _eager_captions(raw: bytes) -> list[str]:
    """Each block's caption read with its start tag (as the blocks were read before)."""
    captions = []
    for token in codeblocks._TOKEN.finditer(raw):
        if token.start(2) >= 0:
            captions.append(codeblocks._caption(codeblocks._CAPTION.search(token[3])))
    return captions


def test_a_caption_is_read_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b"<example caption='a &amp; b'><![CDATA[<a/>]]></example><code caption=\"c\"/>"
    asked: list[object] = []
    with monkeypatch.context() as patched:
        patched.setattr(codeblocks, "_caption", asked.append)
        blocks = codeblocks.read_blocks(raw)
    assert asked == []
    assert [block.caption for block in blocks] == ["a & b", "c"]


def test_captions_read_when_asked_agree_on_the_corpus(corpus: Path) -> None:
    """On every corpus file: each block's caption, read when asked, is the one read with
    its start tag (outside comments and CDATA sections, as the blocks are found)."""
    root = root_at(corpus)
    count = 0
    for path in _documents(corpus):
        document = load(path, path.name, root)
        blocks = codeblocks.read_blocks(document.raw, document_entities(document))
        eager = _eager_captions(document.raw)
        assert [block.caption for block in blocks] == eager, path.name
        count += sum(bool(caption) for caption in eager)
    assert count > 3000


def _documents(corpus: Path) -> Iterator[Path]:
    yield from sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml"))
