"""Reading only what the stale report needs: each file's start up to ``</header>``.

The fragment (prolog and header, closed with ``</xep>``) is parsed on its own, expanding only
the entities the file declares itself; ``xep.ent`` is never read. A file whose fragment does
not parse cleanly, that has no ``</header>``, or whose header values use an entity declared
elsewhere is read and parsed whole instead, so the values and problems are those of the full
parse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from e2ee_sig.fsio import ReadRefused, read_through
from e2ee_sig.xep import Document, load, parse_bytes
from e2ee_sig.xep.header import Header
from e2ee_sig.xep.parse import MAX_BYTES
from e2ee_sig.xep.root import XepRoot

_END = b"</header>"
_UNDEFINED = "not defined"  # an entity of xep.ent: kept as a reference
_VALUES = frozenset({"title", "status", "type", "version", "date"})


def header_document(file: Path, display: str, root: Callable[[], XepRoot | None]) -> Document:
    """A document holding at least ``file``'s header (``root`` gives the XEP root for a full
    parse)."""
    try:
        head = read_through(file, _END, MAX_BYTES)
    except ReadRefused:
        head = b""
    if head.endswith(_END):
        document = parse_bytes(head + b"</xep>", file, display, None)
        if document.fatal is None and all(_UNDEFINED in p.message for p in document.parse_errors):
            header = document.header
            if header is not None and not _borrows_entities(header):
                return document
    return load(file, display, root())


def _borrows_entities(header: Header) -> bool:
    """Whether a value the report reads holds an entity the file does not declare."""
    from lxml import etree

    return any(
        getattr(entity.getparent(), "tag", None) in _VALUES
        for entity in header.element.iter(etree.Entity)
    )
