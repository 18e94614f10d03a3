"""exm14: a block's start tag and a plain body after it are read by one match
(:data:`codeblocks._BLOCK`), not by one for the tag and one for the rest. Against the slow path."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules._codeblocks import document_entities
from e2ee_sig.xep import codeblocks, load, root_at
from e2ee_sig.xep.codeblocks import Block, read_blocks

_ENTITIES = {"ns": "urn:x", "u": "<b>"}
_PIECES = [b"<example>", b"<code caption='a&amp;b'>", b"<example/>", b"<code />", b"<code/ >"]
_PIECES += [b"</example>", b"</code >", b"</example", b"<![CDATA[", b"]]>", b"]", b"]]", b">"]
_PIECES += [b"<!--", b"-->", b"<!DOCTYPE", b"<examples>", b"<example-x>", b"<p>", b"&amp;"]
_PIECES += [b"&ns;", b"&u;", b"&", b"<", b"/", b"x", b" ", b"\n", b"\xc3\xa9", b"\xe2"]


def _read_token_by_token(raw: bytes, entities: Mapping[str, str]) -> list[Block]:
    """The blocks as read before exm14: :data:`codeblocks._TOKEN` reads each start tag, and
    :func:`codeblocks._read_body` the rest."""
    found: list[Block] = []
    last = 0
    while (lead := codeblocks._OUTSIDE.search(raw, last)) is not None:
        token = codeblocks._TOKEN.match(raw, lead.start())
        if token is None:
            last = lead.start() + 1
            continue
        last = token.end()
        if token.start(2) < 0:
            continue
        block = Block(token.group(2).decode(), token.start(), None)
        block._raw = raw
        found.append(block)
        if not token.group(4):
            block._source = (raw, last, entities)
            last = codeblocks._read_body(block, raw, last, entities, pieces=False)
    return found


def _fields(blocks: list[Block]) -> list[tuple[object, ...]]:
    return [
        (b.kind, b.raw_start, b.caption, b.text, b.has_markup, b._source, b.pieces) for b in blocks
    ]


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map(b"".join))
@example(b"<example><![CDATA[x]]></code><code><![CDATA[y]]></code >")
@example(b"<code caption='a&amp;b'> <![CDATA[]]]]>\n</code >")
@example(b"<example/><![CDATA[x]]></example>")
@example(b"<code><![CDATA[x]]>&amp;</code>")
def test_blocks_read_whole_are_the_blocks_read_token_by_token(raw: bytes) -> None:
    assert _fields(read_blocks(raw, _ENTITIES)) == _fields(_read_token_by_token(raw, _ENTITIES))


def test_blocks_read_whole_agree_on_the_corpus(corpus: Path) -> None:
    root = root_at(corpus)
    count = 0
    for path in sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml")):
        document = load(path, path.name, root)
        entities = document_entities(document)
        fast = read_blocks(document.raw, entities)
        assert _fields(fast) == _fields(_read_token_by_token(document.raw, entities)), path
        count += len(fast)
    assert count > 3000
