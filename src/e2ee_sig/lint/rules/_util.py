"""Small readers shared by the catalogue rules: sections, prose text, places in the file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from lxml import etree

if TYPE_CHECKING:
    from e2ee_sig.xep import Document

SECTION_TAGS = ("section1", "section2", "section3", "section4", "section5")
NUMBERED_FILE = re.compile(r"xep-\d{4}\.xml")
_Value = TypeVar("_Value")


def per_document(read: Callable[[Document], _Value]) -> Callable[[Document], _Value]:
    """``read(document)`` computed once per document and shared by every rule (kept in
    ``Document.cache``; callers get a copy of a list, set or dict, so they may change it)."""
    key = f"{read.__module__}.{read.__qualname__}"

    @wraps(read)
    def shared(document: Document) -> _Value:
        cache = document.cache
        if key not in cache:
            cache[key] = read(document)
        value = cache[key]
        return value.copy() if isinstance(value, list | set | dict) else value  # type: ignore[return-value]

    return shared


def is_protoxep(document: Document) -> bool:
    """A ProtoXEP: status ProtoXEP, or any file that is not a root ``xep-NNNN.xml``."""
    return document.header_value("status") == "ProtoXEP" or not is_numbered(document)


def is_numbered(document: Document) -> bool:
    """A file named like an accepted XEP, ``xep-NNNN.xml``."""
    return NUMBERED_FILE.fullmatch(document.name) is not None


def sections(document: Document, level: int = 1) -> list[etree._Element]:
    """The ``<sectionN>`` elements of the body at ``level`` (1 = top level), in order."""
    if level == 1:
        return _top_sections(document)
    root = document.xml_root
    if root is None:
        return []
    return [s for s in root.iter(f"section{level}")]


@per_document
def _top_sections(document: Document) -> list[etree._Element]:
    root = document.xml_root
    return [] if root is None else list(root.iter("section1"))


def topic(section: etree._Element) -> str:
    """A section's ``topic`` attribute with whitespace collapsed."""
    return normalise(section.get("topic", ""))


@per_document
def _folded_topics(document: Document) -> tuple[tuple[str, etree._Element], ...]:
    return tuple((topic(s).casefold(), s) for s in _top_sections(document))


def find_section(document: Document, *topics: str) -> etree._Element | None:
    """The first top-level section whose topic is one of ``topics`` (case-insensitive)."""
    wanted = {t.casefold() for t in topics}
    return next((s for folded, s in _folded_topics(document) if folded in wanted), None)


def all_sections(document: Document) -> Iterator[etree._Element]:
    """Every ``sectionN`` element in document order."""
    yield from _all_sections(document)


@per_document
def _all_sections(document: Document) -> tuple[etree._Element, ...]:
    root = document.xml_root
    return () if root is None else tuple(root.iter(*SECTION_TAGS))


def prose(element: etree._Element) -> str:
    """The text of ``element`` and its descendants, comments and PIs left out, collapsed."""
    parts: list[str] = []
    for node in element.iter():
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return normalise(" ".join(parts))


@per_document
def body_text(document: Document) -> str:
    """The prose of every top-level section, joined (shared by the rules that search it)."""
    root = document.xml_root
    if root is None:
        return ""
    return " ".join(prose(s) for s in root.iterchildren("section1"))


def word_count(element: etree._Element) -> int:
    return len(prose(element).split())


def normalise(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return " ".join(text.split())


def line(element: etree._Element | None) -> int:
    """The element's line in the file (1 when unknown)."""
    return (element.sourceline or 1) if element is not None else 1


def header_line(document: Document) -> int:
    header = document.header
    return line(header.element) if header else 1


# --- Namespaces a XEP uses, defines and registers (shared by CNT009 and E2E007/E2E008) ---

URN_XMPP = re.compile(r"urn:xmpp:[A-Za-z0-9.:_+-]*[A-Za-z0-9]")
_XMLNS = re.compile(r"""xmlns(?::[\w.-]+)?=['"]([^'"]+)['"]""")
_TARGET_NAMESPACE = re.compile(r"""targetNamespace=['"]([^'"]+)['"]""")
REGISTRAR_TOPICS = ("XMPP Registrar Considerations", "Registrar Considerations")


@per_document
def code_blocks(document: Document) -> list[etree._Element]:
    """The ``<example>`` and ``<code>`` elements (their CDATA is the protocol text)."""
    root = document.xml_root
    return [] if root is None else list(root.iter("example", "code"))


@per_document
def example_namespaces(document: Document) -> dict[str, int]:
    """Each ``xmlns`` value used in examples and code, with the line of its first use."""
    found: dict[str, int] = {}
    for block in code_blocks(document):
        text = block.text or ""
        for match in _XMLNS.finditer(text):
            found.setdefault(match.group(1), line(block) + text.count("\n", 0, match.start()))
    return found


@per_document
def schema_namespaces(document: Document) -> dict[str, int]:
    """Each schema ``targetNamespace``, with its line."""
    found: dict[str, int] = {}
    for block in code_blocks(document):
        text = block.text or ""
        for match in _TARGET_NAMESPACE.finditer(text):
            found.setdefault(match.group(1), line(block) + text.count("\n", 0, match.start()))
    return found


@per_document
def registered_namespaces(document: Document) -> set[str] | None:
    """The ``urn:xmpp:`` namespaces named in Registrar Considerations (None: no such section)."""
    section = find_section(document, *REGISTRAR_TOPICS)
    if section is None:
        return None
    return set(URN_XMPP.findall(" ".join(section.itertext())))


@per_document
def own_namespaces(document: Document) -> dict[str, int]:
    """The ``urn:xmpp:`` namespaces the document defines, with a line for each.

    A namespace counts as the document's own when it is a schema ``targetNamespace`` or when
    an example uses it and its first segment after ``urn:xmpp:`` is the document's shortname
    (``urn:xmpp:omemo:2`` in XEP-0384, shortname OMEMO). Namespaces of other specifications
    used in examples (hints, SCE in OMEMO, Jingle in a Jingle application) are not.
    """
    header = document.header
    shortname = header.value("shortname").casefold() if header else ""
    own = {ns: at for ns, at in schema_namespaces(document).items() if ns.startswith("urn:xmpp:")}
    for ns, at in example_namespaces(document).items():
        if shortname and _stem(ns) == shortname:
            own.setdefault(ns, at)
    return own


def _stem(namespace: str) -> str:
    """``omemo`` for ``urn:xmpp:omemo:2`` (the ShortName segment of XEP-0053)."""
    parts = namespace.split(":")
    return parts[2].casefold() if len(parts) > 2 and namespace.startswith("urn:xmpp:") else ""
