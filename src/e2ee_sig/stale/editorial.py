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
from difflib import SequenceMatcher

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


def editorial_kind(before: bytes, after: bytes) -> str | None:
    """The editorial kind of the change from ``before`` to ``after`` (see the module), or
    None when it changes the normative text."""
    old, new = _words(before), _words(after)
    if old == new:
        return "markup"
    old_end, new_end = before.find(_HEADER_END), after.find(_HEADER_END)
    if old_end >= 0 and new_end >= 0 and _words(before[old_end:]) == _words(after[new_end:]):
        old_head = _words(_STATUS_PARTS.sub(b"", before[:old_end]))
        if old_head == _words(_STATUS_PARTS.sub(b"", after[:new_end])):
            return "status"
    return "entities" if _substitutions_only(old, new) else None
