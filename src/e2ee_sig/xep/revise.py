"""Textual edits for new revision blocks and header values (shared by ``bump`` and ``stale``).

Each function returns a ``(start, end, replacement)`` edit on the raw bytes, copying the
file's own indentation and line endings, so the rest of the file stays byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from e2ee_sig.xep.edit import element_span

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.xep.parse import Document

ByteEdit = tuple[int, int, bytes]


class ReviseError(Exception):
    """The document cannot be edited textually (the message says why)."""


@dataclass(frozen=True)
class NewRevision:
    """The facts of a revision block to add; ``remarks`` become one ``<p>`` or a ``<ul>``."""

    version: str
    date: str
    initials: str
    remarks: Sequence[str]


def _line_start(raw: bytes, offset: int) -> int:
    return raw.rfind(b"\n", 0, offset) + 1


def _indent_at(raw: bytes, offset: int) -> bytes:
    """The whitespace between the start of ``offset``'s line and ``offset`` (b"" if text)."""
    before = raw[_line_start(raw, offset) : offset]
    return before if before.strip(b" \t") == b"" else b""


def _newline(raw: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in raw[:4096] else b"\n"


def render_revision(
    revision: NewRevision, indent: bytes, step: bytes, newline: bytes = b"\n"
) -> bytes:
    """A ``<revision>`` block whose first line starts *without* ``indent`` (it is already there)."""
    inner, deeper = indent + step, indent + step + step
    if len(revision.remarks) == 1:
        remark = [inner + b"<remark><p>" + _xml(revision.remarks[0]) + b"</p></remark>"]
    else:
        items = [deeper + step + b"<li>" + _xml(text) + b"</li>" for text in revision.remarks]
        remark = [inner + b"<remark>", deeper + b"<ul>", *items, deeper + b"</ul>"]
        remark.append(inner + b"</remark>")
    lines = [
        b"<revision>",
        inner + b"<version>" + _xml(revision.version) + b"</version>",
        inner + b"<date>" + _xml(revision.date) + b"</date>",
        inner + b"<initials>" + _xml(revision.initials) + b"</initials>",
        *remark,
        indent + b"</revision>",
    ]
    return newline.join(lines)


def _xml(text: str) -> bytes:
    return escape(text, quote=False).encode("utf-8")


def insert_revision(document: Document, revision: NewRevision) -> ByteEdit:
    """Insert ``revision`` before the document's first ``<revision>``, in its indentation."""
    header = document.header
    if header is None or not header.revisions:
        raise ReviseError("the header has no <revision> block to insert before")
    raw = document.raw
    first = header.revisions[0].element
    span = element_span(raw, first)
    if span is None:
        raise ReviseError(f"cannot locate the first <revision> (line {first.sourceline})")
    indent = _indent_at(raw, span.start)
    step = _child_indent(raw, first, indent)
    newline = _newline(raw)
    block = render_revision(revision, indent, step, newline)
    if indent or _line_start(raw, span.start) == span.start:
        return (span.start, span.start, block + newline + indent)
    return (span.start, span.start, block + b" ")


def _child_indent(raw: bytes, revision: etree._Element, indent: bytes) -> bytes:
    """The indentation step used inside the existing revision (two spaces when unclear)."""
    for child in revision:
        span = element_span(raw, child) if isinstance(child.tag, str) else None
        child_indent = _indent_at(raw, span.start) if span else b""
        if child_indent.startswith(indent) and len(child_indent) > len(indent):
            return child_indent[len(indent) :]
    return b"\t" if indent.startswith(b"\t") else b"  "


def replace_text(document: Document, element: etree._Element, text: str) -> ByteEdit:
    """Replace the plain-text content of ``element`` (no child elements or entities)."""
    span = element_span(document.raw, element)
    if span is None:
        raise ReviseError(f"cannot locate <{element.tag}> (line {element.sourceline})")
    content = document.raw[span.content_start : span.content_end]
    if re.search(rb"[<&]", content):
        raise ReviseError(f"<{element.tag}> on line {element.sourceline} is not plain text")
    return (span.content_start, span.content_end, _xml(text))
