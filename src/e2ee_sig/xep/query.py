"""Document queries shared by the rules and the commands: sections by topic, and the
namespaces a XEP uses, defines and registers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.xep import Document

_Value = TypeVar("_Value")
URN_XMPP = re.compile(r"urn:xmpp:[A-Za-z0-9.:_+-]*[A-Za-z0-9]")
_XMLNS = re.compile(r"""xmlns(?::[\w.-]+)?=['"]([^'"]+)['"]""")
_TARGET_NAMESPACE = re.compile(r"""targetNamespace=['"]([^'"]+)['"]""")
_MISSING = object()
_COPIED = (list, set, dict)
_COPIES: dict[type, bool] = {}
"""Whether :func:`per_document` hands out copies of values of each type (``isinstance(value,
_COPIED)``, worked out once a type: looking that up takes half the time, on 50,000 cache
hits a run)."""
REGISTRAR_TOPICS = ("XMPP Registrar Considerations", "Registrar Considerations")


def per_document(read: Callable[[Document], _Value]) -> Callable[[Document], _Value]:
    """``read(document)`` computed once per document and shared by every rule (kept in
    ``Document.cache``; callers get a copy of a list, set or dict, so they may change it)."""
    key = f"{read.__module__}.{read.__qualname__}"

    @wraps(read)
    def shared(document: Document) -> _Value:
        cache = document.cache
        value = cache.get(key, _MISSING)  # (one lookup: values may be None)
        if value is _MISSING:
            value = cache[key] = read(document)
        copied = _COPIES.get(type(value))
        if copied is None:
            copied = _COPIES[type(value)] = isinstance(value, _COPIED)
        return value.copy() if copied else value  # type: ignore[attr-defined,return-value]

    return shared


SECTION_TAGS = ("section1", "section2", "section3", "section4", "section5")


class _Landmarks(NamedTuple):
    """What :func:`_landmarks` finds, each in document order."""

    sections: tuple[etree._Element, ...]
    levels: tuple[tuple[etree._Element, ...], ...]  # the ``sectionN`` of each level N
    blocks: tuple[etree._Element, ...]
    tables: tuple[etree._Element, ...]
    images: tuple[etree._Element, ...]


@per_document
def _landmarks(document: Document) -> _Landmarks:
    """Every ``sectionN`` element (of :data:`SECTION_TAGS`), every ``<sectionN>`` of each
    level, every ``<example>`` and ``<code>`` block, every ``<table>`` and every ``<img>``,
    each in document order: found in one walk of the tree rather than one walk for each
    (rules ask for them on every file)."""
    root = document.xml_root
    if root is None:
        return _Landmarks((), ((),) * len(SECTION_TAGS), (), (), ())
    every: list[etree._Element] = []
    blocks: list[etree._Element] = []
    tables: list[etree._Element] = []
    images: list[etree._Element] = []
    levels: tuple[list[etree._Element], ...] = ([], [], [], [], [])
    level = dict(zip(SECTION_TAGS, levels, strict=True))
    for element in root.iter(*SECTION_TAGS, "example", "code", "table", "img"):
        tag = element.tag  # (tested with the likeliest first: a branch costs less than a lookup)
        if tag == "example" or tag == "code":
            blocks.append(element)
        elif tag == "table":
            tables.append(element)
        elif tag == "img":
            images.append(element)
        else:
            every.append(element)
            level[tag].append(element)
    return _Landmarks(
        tuple(every), tuple(map(tuple, levels)), tuple(blocks), tuple(tables), tuple(images)
    )


def all_sections(document: Document) -> tuple[etree._Element, ...]:
    """Every ``sectionN`` element (N from 1 to 5) in document order."""
    return _landmarks(document).sections


def sections(document: Document, level: int = 1) -> list[etree._Element]:
    """The ``<sectionN>`` elements of the body at ``level`` (1 = top level), in order."""
    if 1 <= level <= len(SECTION_TAGS):
        return list(_landmarks(document).levels[level - 1])
    root = document.xml_root
    return [] if root is None else list(root.iter(f"section{level}"))


def images(document: Document) -> tuple[etree._Element, ...]:
    """Every ``<img>`` element, in document order."""
    return _landmarks(document).images


def numbered_counts(document: Document) -> tuple[int, int]:
    """How many ``<example>`` and how many ``<table>`` elements (not namespaced) the document
    has: ``xep.xsl`` numbers them ``example-N`` and ``table-N``."""
    found = _landmarks(document)
    return sum(block.tag == "example" for block in found.blocks), len(found.tables)


def topic(section: etree._Element) -> str:
    """A section's ``topic`` attribute with whitespace collapsed."""
    return normalise(section.get("topic", ""))


@per_document
def _folded_topics(document: Document) -> tuple[tuple[str, etree._Element], ...]:
    # (tuples of lists here and in code_texts: a generator resumes once an item)
    return tuple([(topic(s).casefold(), s) for s in _landmarks(document).levels[0]])


_FOLDED: dict[tuple[str, ...], frozenset[str]] = {}
"""Each set of topics :func:`find_section` is asked for (the callers' constants), case-folded
once: folding them on each of its 3,000 calls a run and searching in a generator took twice
as long."""


def find_section(document: Document, *topics: str) -> etree._Element | None:
    """The first top-level section whose topic is one of ``topics`` (case-insensitive)."""
    wanted = _FOLDED.get(topics)
    if wanted is None:
        wanted = _FOLDED[topics] = frozenset(t.casefold() for t in topics)
    for folded, section in _folded_topics(document):
        if folded in wanted:
            return section
    return None


def normalise(text: str) -> str:
    """Whitespace runs collapsed to one space, ends stripped."""
    return " ".join(text.split())


def prose(element: etree._Element) -> str:
    """The text of ``element`` and its descendants in document order, comments, processing
    instructions and unexpanded entity references left out (their tails kept), collapsed."""
    from lxml import etree

    if next(element.iter(etree.Entity), None) is None:  # (a walk in C; the usual case)
        return normalise(" ".join(element.itertext()))  # lxml leaves comments and PIs out
    return normalise(" ".join(_texts(element, (etree._Comment, etree._ProcessingInstruction))))


def _texts(element: etree._Element, not_elements: tuple[type, ...]) -> Iterator[str]:
    """The texts :func:`prose` joins, for a tree that keeps entity references as nodes."""
    from lxml import etree

    if isinstance(element, (*not_elements, etree._Entity)):
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _texts(child, not_elements)
        if child.tail:
            yield child.tail


@per_document
def body_text(document: Document) -> str:
    """The prose of every top-level section, joined (shared by the rules that search it)."""
    root = document.xml_root
    if root is None:
        return ""
    return " ".join(prose(s) for s in root.iterchildren("section1"))


@per_document
def lower_body_text(document: Document) -> str:
    """:func:`body_text` lower-cased (for the rules that search it without regard to case)."""
    return body_text(document).lower()


_CASE_BLIND_ASCII = ("\u0130", "\u0131", "\u017f")
"""The characters besides ASCII letters (and the Kelvin sign, which lower-cases to ``k``) that
a case-blind regular expression matches against an ASCII letter: İ, ı (i) and ſ (s)."""


def lower_aligned(document: Document) -> str | None:
    """:func:`lower_body_text` when it lines up with :func:`body_text` character for
    character and finding a lower-case ASCII word in it is finding it case-blind (``re.I``)
    in the body (no İ, ı or ſ); else None."""
    text, lowered = body_text(document), lower_body_text(document)
    if len(lowered) != len(text) or any(char in text for char in _CASE_BLIND_ASCII):
        return None
    return lowered


def body_may_contain(document: Document, *phrases: str) -> bool:
    """Whether one of ``phrases`` (lower-case ASCII) may stand in :func:`body_text` for a
    case-blind (``re.I``) search: False only when none can, so that a slow search is skipped."""
    return _may_contain(body_text(document), lower_body_text(document), phrases)


def may_contain(text: str, *phrases: str) -> bool:
    """Whether one of ``phrases`` (lower-case ASCII) may stand in ``text`` for a case-blind
    (``re.I``) search: False only when none can (:func:`body_may_contain` for any text)."""
    return _may_contain(text, text.lower(), phrases)


def _may_contain(text: str, lowered: str, phrases: tuple[str, ...]) -> bool:
    if any(phrase in lowered for phrase in phrases):
        return True
    return any(char in text for char in _CASE_BLIND_ASCII)


def line(element: etree._Element | None) -> int:
    """The element's line in the file (1 when unknown)."""
    return (element.sourceline or 1) if element is not None else 1


def code_blocks(document: Document) -> list[etree._Element]:
    """The ``<example>`` and ``<code>`` elements (their CDATA is the protocol text)."""
    return list(_landmarks(document).blocks)


@per_document
def code_texts(document: Document) -> tuple[tuple[etree._Element, str], ...]:
    """Each block of :func:`code_blocks` with its text (``""`` for none): read once for the
    rules that search it, as lxml makes a new string each time it is asked."""
    return tuple([(block, block.text or "") for block in _landmarks(document).blocks])


def _in_code(document: Document, pattern: re.Pattern[str], cue: str) -> dict[str, int]:
    """Each first group of ``pattern`` in examples and code, with the line of its first use
    (searched only in the blocks that hold ``cue``, which every match of ``pattern`` holds)."""
    found: dict[str, int] = {}
    for block, text in code_texts(document):
        for match in pattern.finditer(text) if cue in text else ():
            if match.group(1) not in found:
                found[match.group(1)] = line(block) + text.count("\n", 0, match.start())
    return found


@per_document
def example_namespaces(document: Document) -> dict[str, int]:
    """Each ``xmlns`` value used in examples and code, with the line of its first use."""
    return _in_code(document, _XMLNS, "xmlns")


@per_document
def schema_namespaces(document: Document) -> dict[str, int]:
    """Each schema ``targetNamespace``, with its line."""
    return _in_code(document, _TARGET_NAMESPACE, "targetNamespace=")


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
