"""Which commits change a XEP's normative text, and which are editorial.

A commit is *editorial* for a XEP when it is tree-wide (it touches at least ``TREE_WIDE``
XEP files at once) and its change to this XEP is of an editorial kind:

- ``markup``: the words are unchanged; only tags, attributes, anchors, comments or spacing
  differ;
- ``entities``: every changed run of words was replaced by entity references, or entity
  references by words (``<cite>RFC 6120</cite>`` → ``&rfc6120;``, an author block →
  ``&stpeter;``);
- ``status``: only the header's ``<status>`` (and revision blocks) changed, as in the Editor's
  deferral and status commits.

Anything else changed the normative text. Judged from the two blobs only: never from commit
messages or particular commits."""

from __future__ import annotations

import re

TREE_WIDE = 10

_TOKEN = re.compile(rb"&[A-Za-z_:][\w.:-]*;|<!--.*?-->|<[^>]*>|[^\s<&]+|[<&]", re.S)
_HEADER_END = b"</header>"
_STATUS_PARTS = re.compile(rb"<status>.*?</status>|<revision>.*?</revision>", re.S)


def _words(text: bytes) -> list[bytes]:
    """Words and entity references; tags, comments and spacing dropped."""
    return [t for t in _TOKEN.findall(text) if not t.startswith(b"<") or len(t) == 1]


def _entity(token: bytes) -> bool:
    return token.startswith(b"&") and token.endswith(b";")


def _substitutions_only(old: list[bytes], new: list[bytes]) -> bool:
    """Whether ``new`` differs from ``old`` only by runs of words swapped with entities."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old, new = old[start : len(old) - end], new[start : len(new) - end]
    from difflib import SequenceMatcher

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new).get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        if not (
            (added and all(map(_entity, added)))
            or (removed and all(map(_entity, removed)) and added)
        ):
            return False
    return True


def _common_prefix(old: bytes, new: bytes) -> int:
    """The length of the longest common prefix (C-speed comparisons of 4 KiB blocks, then a
    binary search in the first block that differs)."""
    size = min(len(old), len(new))
    low = 0
    while low < size and old[low : low + 4096] == new[low : low + 4096]:
        low += 4096
    high = min(low + 4096, size)
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(old: bytes, new: bytes) -> int:
    """The length of the longest common suffix (as ``_common_prefix``, from the end)."""
    size, old_end, new_end = min(len(old), len(new)), len(old), len(new)
    low = 0
    while low < size:
        step = min(4096, size - low)
        if old[old_end - low - step : old_end - low] != new[new_end - low - step : new_end - low]:
            break
        low += step
    high = min(low + 4096, size)
    while low < high:
        middle = (low + high + 1) // 2
        if old[old_end - middle : old_end - low] == new[new_end - middle : new_end - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _changed_region(old: bytes, new: bytes) -> tuple[int, int, int]:
    """Where ``old`` and ``new`` differ: a common start and the two ends, widened to whole
    lines and whole tags (so that no word, entity or tag is cut)."""
    start = _common_prefix(old, new)
    tail = _common_suffix(old, new)
    tail = min(tail, len(old) - start, len(new) - start)
    start = old.rfind(b"\n", 0, start) + 1
    opened = old.rfind(b"<", 0, start)
    if opened > old.rfind(b">", 0, start):
        start = opened
    end = len(old) - tail
    line_end = old.find(b"\n", end)
    grow = (line_end if line_end >= 0 else len(old)) - end
    closing, opening = old.find(b">", end + grow), old.find(b"<", end + grow)
    if closing >= 0 and (opening < 0 or closing < opening):
        grow = closing + 1 - end
    return start, end + grow, len(new) - tail + grow


def editorial_kind(before: bytes, after: bytes) -> str | None:
    """The editorial kind of the change from ``before`` to ``after`` (see the module), or
    None when it changes the normative text."""
    start, old_end, new_end = _changed_region(before, after)
    old, new = _words(before[start:old_end]), _words(after[start:new_end])
    if old == new:
        return "markup"
    old_header, new_header = before.find(_HEADER_END), after.find(_HEADER_END)
    if 0 <= old_end <= old_header and 0 <= new_end <= new_header:
        old_head = _words(_STATUS_PARTS.sub(b"", before[:old_header]))
        if old_head == _words(_STATUS_PARTS.sub(b"", after[:new_header])):
            return "status"
    return "entities" if _substitutions_only(old, new) else None
