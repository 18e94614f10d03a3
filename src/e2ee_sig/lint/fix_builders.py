"""Fix builders shared by rules: each returns the smallest byte edit that mends a finding."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from e2ee_sig.fsio import line_ending
from e2ee_sig.lint.model import Edit, Fix
from e2ee_sig.xep import Document
from e2ee_sig.xep.edit import element_span, line_offsets

if TYPE_CHECKING:
    from lxml import etree


def _escaped(text: str) -> bytes:
    """``text`` as XML character data (what ``html.escape(text, quote=False)`` gives, without
    loading the ``html`` package on the lint path)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


STYLESHEET_PI = b"<?xml-stylesheet type='text/xsl' href='xep.xsl'?>"


def replace_field_text(
    document: Document, field: str, text: str, *, safe: bool = True
) -> Fix | None:
    """Replace the plain-text content of header ``<field>`` with ``text``."""
    header = document.header
    value = getattr(header, field, None) if header else None
    element = getattr(value, "element", None)
    if element is None:
        return None
    return replace_element_text(document, element, text, safe=safe)


def replace_element_text(
    document: Document, element: etree._Element, text: str, *, safe: bool = True
) -> Fix | None:
    """Replace the plain-text content of ``element`` (no markup, no entities) with ``text``."""
    span = element_span(document.raw, element)
    if span is None:
        return None
    content = document.raw[span.content_start : span.content_end]
    if b"<" in content or b"&" in content or content.decode() != (element.text or ""):
        return None  # markup, an entity, or another element on the same line was found
    return Fix(
        f"set <{element.tag}> to {text!r}",
        (Edit(span.content_start, span.content_end, _escaped(text)),),
        safe,
    )


def insert_stylesheet_pi(document: Document) -> Fix | None:
    """Insert the xep.xsl processing instruction on its own line before the root element."""
    if b"<?xml-stylesheet" in document.raw:
        return None
    root = document.xml_root
    if root is None or not root.sourceline:
        return None
    offset = line_offsets(document.raw)[root.sourceline - 1]
    return Fix(
        "insert the xep.xsl stylesheet instruction",
        (Edit(offset, offset, STYLESHEET_PI + line_ending(document.raw)),),
    )


def insert_legal_notice(document: Document) -> Fix | None:
    """Insert ``&LEGALNOTICE;`` after ``</abstract>``, indented like the abstract."""
    header = document.header
    if header is None or header.abstract is None or header.element.find("legal") is not None:
        return None
    doctype = document.doctype
    if doctype is None or not doctype.references_xep_ent:
        return None
    span = element_span(document.raw, header.abstract.element)  # type: ignore[arg-type]
    if span is None:
        return None
    line_start = document.raw.rfind(b"\n", 0, span.start) + 1
    indent = re.match(rb"[ \t]*", document.raw[line_start:]).group(0)  # type: ignore[union-attr]
    return Fix(
        "insert &LEGALNOTICE; after the abstract",
        (Edit(span.end, span.end, line_ending(document.raw) + indent + b"&LEGALNOTICE;"),),
    )
