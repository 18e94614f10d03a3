"""Byte offsets and 1-based character columns ↔ LSP positions (0-based, UTF-16 columns)."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from lsprotocol import types


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes (what LSP columns count)."""
    return len(text.encode("utf-16-le")) // 2


class LineIndex:
    """Where each line of a UTF-8 text starts, for converting between positions."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.starts = [0, *accumulate(len(line) + 1 for line in raw.split(b"\n")[:-1])]

    def line_text(self, line: int) -> str:
        """Line ``line`` (0-based) without its line break; ``""`` past the end."""
        if not 0 <= line < len(self.starts):
            return ""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.raw)
        return self.raw[self.starts[line] : end].decode("utf-8", "replace").rstrip("\r")

    def position(self, offset: int) -> types.Position:
        """The position of byte ``offset``."""
        offset = max(0, min(offset, len(self.raw)))
        line = bisect_right(self.starts, offset) - 1
        prefix = self.raw[self.starts[line] : offset].decode("utf-8", "replace")
        return types.Position(line, utf16_length(prefix))

    def offset(self, position: types.Position) -> int:
        """The byte offset of ``position`` (clamped to its line)."""
        if position.line >= len(self.starts):
            return len(self.raw)
        text = self.line_text(position.line)
        chars = character_index(text, position.character)
        return self.starts[position.line] + len(text[:chars].encode("utf-8"))

    def span(self, start: int, end: int) -> types.Range:
        """The range of bytes ``start:end``."""
        return types.Range(self.position(start), self.position(end))

    def char_position(self, line: int, column: int) -> types.Position:
        """The position of 1-based line ``line`` and 1-based character column ``column``."""
        text = self.line_text(line - 1)
        return types.Position(max(line - 1, 0), utf16_length(text[: max(column - 1, 0)]))


def character_index(text: str, units: int) -> int:
    """The index in ``text`` of the character at UTF-16 column ``units``."""
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text)
