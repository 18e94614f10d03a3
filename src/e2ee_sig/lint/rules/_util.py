"""Small readers shared by the catalogue rules: sections, prose text, places in the file."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from e2ee_sig.xep.query import (  # noqa: F401 (shared with the rule modules from here)
    REGISTRAR_TOPICS,
    URN_XMPP,
    all_sections,
    body_text,
    code_blocks,
    example_namespaces,
    find_section,
    line,
    lower_body_text,
    may_contain,
    normalise,
    own_namespaces,
    per_document,
    prose,
    registered_namespaces,
    schema_namespaces,
    sections,
    topic,
)

if TYPE_CHECKING:
    from e2ee_sig.xep import Document

NUMBERED_FILE = re.compile(r"xep-\d{4}\.xml")


@per_document
def is_protoxep(document: Document) -> bool:
    """A ProtoXEP: status ProtoXEP, or any file that is not a root ``xep-NNNN.xml`` (worked
    out once: rules ask some seven times a document)."""
    return document.header_value("status") == "ProtoXEP" or not is_numbered(document)


def is_numbered(document: Document) -> bool:
    """A file named like an accepted XEP, ``xep-NNNN.xml``."""
    return NUMBERED_FILE.fullmatch(document.name) is not None


def word_count(element: etree._Element) -> int:
    return len(prose(element).split())


def header_line(document: Document) -> int:
    header = document.header
    return line(header.element) if header else 1
