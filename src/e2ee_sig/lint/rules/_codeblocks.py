"""The example and code blocks of a parsed document (read from its raw bytes by
:mod:`e2ee_sig.xep.codeblocks`, once per document) and positions in its file."""

from __future__ import annotations

import re
from bisect import bisect_right
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
    "LineCursor",
    "blocks",
    "column_of",
    "document_entities",
    "hidden_spans",
    "line_at",
    "line_cursor",
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


class LineCursor:
    """Lines of the offsets asked for so far, by any rule: the next one is counted from the
    nearest of them (the rules that ask share one pass over the file's newlines, not one
    each, and a few findings per file cost a few short counts, not a table of every line)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.offsets = [0]  # ascending, each with its line in ``lines``
        self.lines = [1]

    def line(self, offset: int) -> int:
        """The 1-based line of byte ``offset`` (one plus the newlines before it)."""
        raw = self.raw
        offsets = self.offsets
        after = bisect_right(offsets, offset)
        if not after:  # (a negative offset: counted as before, not remembered)
            return 1 + raw.count(b"\n", 0, offset)
        before = offsets[after - 1]
        if before == offset:
            return self.lines[after - 1]
        if after < len(offsets) and offsets[after] - offset < offset - before:
            line = self.lines[after] - raw.count(b"\n", offset, offsets[after])
        else:
            line = self.lines[after - 1] + raw.count(b"\n", before, offset)
        offsets.insert(after, offset)
        self.lines.insert(after, line)
        return line


@per_document
def line_cursor(document: Document) -> LineCursor:
    """The document's shared :class:`LineCursor` (for a rule that asks for many lines)."""
    return LineCursor(document.raw)


def line_at(document: Document, offset: int) -> int:
    """The 1-based line of byte ``offset`` (at most the file's length) of the file, counted
    from the nearest offset asked for before (by this, :func:`position` or
    :func:`line_cursor`)."""
    return line_cursor(document).line(offset)


def position(document: Document, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` of the file."""
    raw = document.raw
    offset = min(max(offset, 0), len(raw))
    prefix = raw[raw.rfind(b"\n", 0, offset) + 1 : offset]
    return line_cursor(document).line(offset), len(prefix.decode("utf-8", "replace")) + 1


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
