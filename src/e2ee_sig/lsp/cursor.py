"""What the cursor is on: an entity reference, an anchor, a link to an anchor, a status."""

from __future__ import annotations

import re
from dataclasses import dataclass

from e2ee_sig.lsp.knowledge import ANCHOR, LINK

_ENTITY = re.compile(rb"&([A-Za-z_:][\w.\-:]*);?")
_STATUS = re.compile(rb"<status>\s*([^<\s]*)\s*</status>")
PATTERNS = {"entity": _ENTITY, "anchor": ANCHOR, "link": LINK, "status": _STATUS}
_GROUP = {"entity": 1, "anchor": 2, "link": 2, "status": 1}


@dataclass(frozen=True)
class Target:
    """A named thing in the text and the byte span of its name."""

    kind: str
    name: str
    start: int
    end: int


def target_at(raw: bytes, offset: int) -> Target | None:
    """The entity, anchor, ``#anchor`` link or status value at byte ``offset``."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line_end = raw.find(b"\n", offset)
    line = raw[line_start : line_end if line_end >= 0 else len(raw)]
    column = offset - line_start
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(line):
            if match.start() <= column <= match.end():
                group = _GROUP[kind]
                return Target(
                    kind,
                    match.group(group).decode("utf-8", "replace"),
                    line_start + match.start(group),
                    line_start + match.end(group),
                )
    return None
