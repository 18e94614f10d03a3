"""Small readers shared by the catalogue rules: sections, prose text, places in the file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from e2ee_sig.xep import Document

SECTION_TAGS = ("section1", "section2", "section3", "section4", "section5")
_SPACE = re.compile(r"\s+")


def is_protoxep(document: Document) -> bool:
    """A ProtoXEP: status ProtoXEP, or any file that is not a root ``xep-NNNN.xml``."""
    header = document.header
    status = header.value("status") if header else ""
    return status == "ProtoXEP" or re.fullmatch(r"xep-\d{4}\.xml", document.name) is None


def sections(document: Document, level: int = 1) -> list[etree._Element]:
    """The ``<sectionN>`` elements of the body at ``level`` (1 = top level), in order."""
    root = document.xml_root
    if root is None:
        return []
    return [s for s in root.iter(f"section{level}")]


def topic(section: etree._Element) -> str:
    """A section's ``topic`` attribute with whitespace collapsed."""
    return normalise(section.get("topic", ""))


def find_section(document: Document, *topics: str) -> etree._Element | None:
    """The first top-level section whose topic is one of ``topics`` (case-insensitive)."""
    wanted = {t.casefold() for t in topics}
    return next((s for s in sections(document) if topic(s).casefold() in wanted), None)


def all_sections(document: Document) -> Iterator[etree._Element]:
    """Every ``sectionN`` element in document order."""
    root = document.xml_root
    if root is not None:
        yield from root.iter(*SECTION_TAGS)


def prose(element: etree._Element) -> str:
    """The text of ``element`` and its descendants, comments and PIs left out, collapsed."""
    parts: list[str] = []
    for node in element.iter():
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return normalise(" ".join(parts))


def word_count(element: etree._Element) -> int:
    return len(prose(element).split())


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def line(element: etree._Element | None) -> int:
    """The element's line in the file (1 when unknown)."""
    return (element.sourceline or 1) if element is not None else 1


def header_line(document: Document) -> int:
    header = document.header
    return line(header.element) if header else 1
