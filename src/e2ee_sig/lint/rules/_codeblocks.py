"""The example and code blocks of a parsed document (read from its raw bytes by
:mod:`e2ee_sig.xep.codeblocks`, once per document) and positions in its file."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING

from e2ee_sig.xep.codeblocks import Block, entity_values, read_blocks
from e2ee_sig.xep.doctype import entity_declarations
from e2ee_sig.xep.query import per_document

if TYPE_CHECKING:
    from e2ee_sig.xep import Document

__all__ = [
    "Block",
    "blocks",
    "column_of",
    "document_entities",
    "hidden_spans",
    "line_at",
    "line_start",
    "position",
]

_DOCTYPE_END = re.compile(rb"\]\s*>")
_CLOSERS = {b"<!--": b"-->", b"<![CDATA[": b"]]>"}
_ROOT_VALUES: dict[str, dict[str, str]] = {}


@per_document
def blocks(document: Document) -> list[Block]:
    """Every example and code block of ``document``, in file order (parsed once)."""
    return read_blocks(document.raw, document_entities(document))


class _LineCursor:
    """The line of the last offset asked for: the next one is counted from there (a few
    findings per file cost a few newline counts, not a table of every line start)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.last = (0, 1)  # (offset, its line), replaced as one value

    def line(self, offset: int) -> int:
        """The 1-based line of byte ``offset`` (one plus the newlines before it)."""
        raw = self.raw
        last_offset, last_line = self.last
        if offset >= last_offset:
            line = last_line + raw.count(b"\n", last_offset, offset)
        elif last_offset - offset < offset:
            line = last_line - raw.count(b"\n", offset, last_offset)
        else:
            line = 1 + raw.count(b"\n", 0, offset)
        self.last = (offset, line)
        return line


@per_document
def _cursor(document: Document) -> _LineCursor:
    return _LineCursor(document.raw)


def line_at(document: Document, offset: int) -> int:
    """The 1-based line of byte ``offset`` (at most the file's length) of the file, counted
    from the offset asked for last (by this or :func:`position`)."""
    return _cursor(document).line(offset)


def position(document: Document, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` of the file."""
    raw = document.raw
    offset = min(max(offset, 0), len(raw))
    prefix = raw[raw.rfind(b"\n", 0, offset) + 1 : offset]
    return _cursor(document).line(offset), len(prefix.decode("utf-8", "replace")) + 1


@per_document
def document_entities(document: Document) -> Mapping[str, str]:
    """Values of the plain-text entities the document can use (its own, then ``xep.ent``);
    ``xep.ent``'s are decoded once per root and shared, not copied (read only)."""
    shared: dict[str, str] = {}
    if document.root is not None:
        key = str(document.root.path)
        if key not in _ROOT_VALUES:
            _ROOT_VALUES[key] = entity_values(document.root.entities.declarations)
        shared = _ROOT_VALUES[key]
    own: dict[str, str] = {}
    end = _DOCTYPE_END.search(document.raw)
    if document.doctype is not None and document.doctype.has_subset and end:
        own = entity_values(entity_declarations(document.raw[: end.end()]))
    return ChainMap(own, shared)


def line_start(text: str, line: int) -> int:
    """Offset in ``text`` of the first non-blank character of its 1-based ``line``."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            break
        offset = found + 1
    while offset < len(text) and text[offset] in " \t":
        offset += 1
    return offset


def column_of(document: Document, line: int, text: str) -> int:
    """The 1-based column of ``text`` on ``line`` of the file (1 when it is not there)."""
    lines = document.lines
    found = lines[line - 1].find(text) if 0 < line <= len(lines) else -1
    return found + 1 if found >= 0 else 1


def hidden_spans(
    raw: bytes, openers: tuple[bytes, ...] = (b"<!--", b"<![CDATA[")
) -> list[tuple[int, int]]:
    """The comments and CDATA sections of ``raw`` (those ``openers`` start), left to right:
    what ``<!--.*?-->|<!\\[CDATA\\[.*?\\]\\]>`` (re.S) finds, found by byte searches instead
    of a lazy scan through every byte (an opener never closed starts nothing)."""
    spans: list[tuple[int, int]] = []
    following = {opener: raw.find(opener) for opener in openers}
    pos = 0
    while True:
        for opener, at in following.items():
            if 0 <= at < pos:
                following[opener] = raw.find(opener, pos)
        starts = [(at, opener) for opener, at in following.items() if at >= 0]
        if not starts:
            return spans
        at, opener = min(starts)
        end = raw.find(_CLOSERS[opener], at + len(opener))
        if end < 0:
            pos = at + 1
            continue
        pos = end + len(_CLOSERS[opener])
        spans.append((at, pos))
