"""Reading only what the stale report needs: each file's start up to ``</header>``.

The fragment (prolog and header, closed with ``</xep>``) is parsed on its own, expanding only
the entities the file declares itself; ``xep.ent`` is never read. A file whose fragment does
not parse cleanly (undeclared entities aside), that has no ``</header>``, or whose header
values use an entity declared elsewhere is read and parsed whole instead, so the values and
problems are those of the full parse."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from e2ee_sig.fsio import ReadRefused, read_through
from e2ee_sig.xep import Document, load, parse_bytes
from e2ee_sig.xep.parse import MAX_BYTES
from e2ee_sig.xep.root import XepRoot

_END = b"</header>"
_UNDEFINED = re.compile(r"Entity '([^']+)' not defined")
_VALUES = re.compile(rb"<(?:title|status|type|version|date)>([^<]*)<")
_ENTITY = re.compile(rb"&([^\s;&#]+);")


def header_document(file: Path, display: str, root: Callable[[], XepRoot | None]) -> Document:
    """A document holding at least ``file``'s header (``root`` gives the XEP root for a full
    parse)."""
    try:
        head = read_through(file, _END, MAX_BYTES)
    except ReadRefused:
        head = b""
    if head.endswith(_END):
        document = parse_bytes(head + b"</xep>", file, display, None)
        undefined = _undefined_entities(document)
        readable = document.fatal is None and document.header is not None
        if readable and undefined is not None and not _values_use(head, undefined):
            return document
    return load(file, display, root())


def _undefined_entities(document: Document) -> set[bytes] | None:
    """The entities the fragment uses but does not declare (those of ``xep.ent``), or None
    when it has another problem."""
    names = set()
    for problem in document.parse_errors:
        match = _UNDEFINED.fullmatch(problem.message)
        if match is None:
            return None
        names.add(match[1].encode())
    return names


def _values_use(head: bytes, entities: set[bytes]) -> bool:
    """Whether a header value the report reads holds one of ``entities``."""
    return any(
        name in entities for value in _VALUES.findall(head) for name in _ENTITY.findall(value)
    )
