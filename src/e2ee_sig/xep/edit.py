"""Byte-level edits located through the parse: the rest of the file stays byte-identical."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, count
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


@dataclass(frozen=True)
class Span:
    """Byte offsets of an element: its start tag ``[start, content_start)``, its content and
    its end tag ``[content_end, end)``."""

    start: int
    content_start: int
    content_end: int
    end: int


@lru_cache(maxsize=1)
def line_offsets(raw: bytes) -> tuple[int, ...]:
    """Byte offset of the start of every line (index 0 is line 1); worked out once for the
    bytes asked last (several edits and findings of one file ask for the same)."""
    lengths = accumulate(map(len, raw.split(b"\n")[:-1]))  # (each line without its \n)
    return (0, *map(add, lengths, count(1)))


def element_span(raw: bytes, element: etree._Element) -> Span | None:
    """Where ``element`` (from a tree of ``raw``) stands in ``raw``; None if not found plainly.

    The first start tag of its name whose ``>`` is on the element's line: the lines of the
    tags before it are counted as they are passed (no table of every line's offset), and the
    search stops at the first tag past that line."""
    tag = element.tag
    number = element.sourceline
    if not isinstance(tag, str) or not number:
        return None
    name = re.escape(tag.encode())
    at_line, counted = 1, 0
    for match in re.finditer(rb"<" + name + rb"(?:\s[^<>]*)?(/?)>", raw):
        end = match.end() - 1
        at_line, counted = at_line + raw.count(b"\n", counted, end), end  # the line of ``>``
        if at_line != number:
            if at_line > number:
                return None  # (every later tag ends on a later line)
            continue
        if match.group(1):
            return Span(match.start(), match.end(), match.end(), match.end())
        close = re.compile(rb"</" + name + rb"\s*>")
        found = close.search(raw, match.end())
        if found is None:
            return None
        return Span(match.start(), match.end(), found.start(), found.end())
    return None


def apply_edits(raw: bytes, edits: Iterable[tuple[int, int, bytes]]) -> bytes:
    """Apply non-overlapping ``(start, end, replacement)`` edits; overlapping ones are skipped."""
    result, position = [], 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < position:
            continue
        result += [raw[position:start], replacement]
        position = end
    result.append(raw[position:])
    return b"".join(result)


def write_atomically(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace (or create) ``path`` with ``data`` in one rename, keeping mode and owner.

    A symlink is followed and its target replaced; a folder, FIFO or device is refused with
    :class:`~e2ee_sig.fsio.WriteRefused`. With ``expected`` (the bytes the edit was planned
    on) the file is locked and the write refused if it no longer holds them, so concurrent
    editors never lose each other's changes.
    """
    from e2ee_sig.fsio import rewrite, write_output  # the writing half: only when writing

    if expected is None:
        write_output(path, data)
    else:
        rewrite(path, expected, data)
