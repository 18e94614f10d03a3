"""Word- and line-level differences: the operations the HTML and text views print."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
SAME, DELETED, INSERTED = "=", "-", "+"

Ops = list[tuple[str, str]]


def word_diff(old: str, new: str) -> Ops:
    """``old`` → ``new`` as runs of same, deleted and inserted text (deletions first).

    A space between two changes joins them, so "a b" → "x y" reads as one replacement.
    """
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    ops: Ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append((SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append((DELETED, "".join(a[i1:i2])))
        if j2 > j1:
            ops.append((INSERTED, "".join(b[j1:j2])))
    return _merged(_spaces_absorbed(ops))


def _spaces_absorbed(ops: Ops) -> Ops:
    absorbed: Ops = []
    for index, (op, text) in enumerate(ops):
        between_changes = 0 < index < len(ops) - 1 and SAME not in (
            ops[index - 1][0],
            ops[index + 1][0],
        )
        if op == SAME and not text.strip() and between_changes:
            absorbed += [(DELETED, text), (INSERTED, text)]
        else:
            absorbed.append((op, text))
    return absorbed


def _merged(ops: Ops) -> Ops:
    """Consecutive changes as one deletion then one insertion."""
    merged: Ops = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            merged.append((DELETED, "".join(deleted)))
        if inserted:
            merged.append((INSERTED, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for op, text in ops:
        if op == SAME:
            flush()
            merged.append((op, text))
        else:
            (deleted if op == DELETED else inserted).append(text)
    flush()
    return merged


def line_diff(old: list[str], new: list[str]) -> Ops:
    """``old`` → ``new`` line by line: one (op, line) per line."""
    ops: Ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            ops += [(SAME, line) for line in old[i1:i2]]
        else:
            ops += [(DELETED, line) for line in old[i1:i2]]
            ops += [(INSERTED, line) for line in new[j1:j2]]
    return ops


def similarity(old: str, new: str) -> float:
    """How alike two texts are, word by word (0 to 1)."""
    return SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio()
