"""Typed access to a XEP ``<header>``, each value with the line it stands on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from e2ee_sig.frozen import stored_directly
from e2ee_sig.lazy import cached_property

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lxml import etree


@stored_directly
@dataclass(frozen=True)
class Field:
    """A header value: ``text`` as written (entities expanded) and where it is."""

    text: str
    line: int
    element: etree._Element | None = field(default=None, compare=False, repr=False)

    @cached_property
    def value(self) -> str:
        """The text without surrounding whitespace (worked out once: rules read it often)."""
        return self.text.strip()


@dataclass(frozen=True)
class Author:
    firstname: Field | None
    surname: Field | None
    email: Field | None
    jid: Field | None
    line: int

    @property
    def name(self) -> str:
        return " ".join(f.value for f in (self.firstname, self.surname) if f is not None)


class _One:
    """A header child read on first access and then cached on the instance."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, header: Header, owner: type) -> Field | None:
        value = _field(header.child(self.tag))
        header.__dict__[self.name] = value
        return value


class _Many(_One):
    """Repeated header children (optionally inside a wrapper element), read once."""

    def __init__(self, tag: str, parent: str | None = None) -> None:
        super().__init__(tag)
        self.parent = parent

    def __get__(self, header: Header, owner: type) -> list[Field]:  # type: ignore[override]
        if self.parent is None:
            value = _fields(header.children.get(self.tag, ()))
        else:
            holder = header.child(self.parent)
            value = [] if holder is None else _fields(c for c in holder if c.tag == self.tag)
        header.__dict__[self.name] = value
        return value


class Revision:
    """One ``<revision>`` block; its fields are read on first use."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.line: int = element.sourceline or 0

    @cached_property
    def _first(self) -> dict[str, etree._Element]:
        return first_children(self.element)

    def child(self, tag: str) -> etree._Element | None:
        """The first child element named ``tag`` (``element.find(tag)``, read in one pass)."""
        return self._first.get(tag)

    @cached_property
    def version(self) -> Field | None:
        return _field(self.child("version"))

    @cached_property
    def date(self) -> Field | None:
        return _field(self.child("date"))

    @cached_property
    def initials(self) -> Field | None:
        return _field(self.child("initials"))

    @cached_property
    def remark(self) -> Field | None:
        return _field(self.child("remark"))

    def __repr__(self) -> str:
        version = self.version.value if self.version else "?"
        return f"Revision({version!r}, line {self.line})"


class Header:
    """The header facts every command needs, each read from the tree on first use."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.line: int = element.sourceline or 0

    title = _One("title")
    abstract = _One("abstract")
    number = _One("number")
    status = _One("status")
    type = _One("type")
    sig = _One("sig")
    approver = _One("approver")
    shortname = _One("shortname")
    lastcall = _Many("lastcall")
    dependencies = _Many("spec", "dependencies")
    supersedes = _Many("spec", "supersedes")
    supersededby = _Many("spec", "supersededby")
    tags = _Many("tag", "tags")

    @cached_property
    def children(self) -> dict[str, list[etree._Element]]:
        """The header's child elements by tag, in order (read in one pass)."""
        found: dict[str, list[etree._Element]] = {}
        for child in self.element:
            if isinstance(child.tag, str):
                found.setdefault(child.tag, []).append(child)
        return found

    def child(self, tag: str) -> etree._Element | None:
        """The first child element named ``tag`` (``element.find(tag)``)."""
        found = self.children.get(tag)
        return found[0] if found else None

    @cached_property
    def authors(self) -> list[Author]:
        return [read_author(a) for a in self.children.get("author", ())]

    @cached_property
    def revisions(self) -> list[Revision]:
        top = self.top_revision
        if top is None:
            return []
        return [top, *map(Revision, self.children["revision"][1:])]

    @cached_property
    def top_revision(self) -> Revision | None:
        """The newest revision, ``revisions[0]`` (the same object), read without the others."""
        found = self.children.get("revision")
        return Revision(found[0]) if found else None

    def value(self, name: str) -> str:
        """The stripped value of a single-valued field, or ``""`` when absent."""
        found = getattr(self, name)
        return found.value if isinstance(found, Field) else ""


def text_of(element: etree._Element) -> str:
    """All text inside ``element`` (entities expanded), without comments and PIs."""
    if not len(element):  # most header values: text alone
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def first_value(element: etree._Element, tag: str) -> str | None:
    """The stripped text of ``element``'s first child ``tag`` (a header field's ``value``),
    None without one: read through lxml's tag filter, without the proxies and the
    :class:`Field` that :func:`first_children` and :class:`Revision` make."""
    child = next(element.iterchildren(tag), None)
    return None if child is None else text_of(child).strip()


def _field(element: etree._Element | None) -> Field | None:
    if element is None:
        return None
    return Field(text_of(element), element.sourceline or 0, element)


def _fields(elements: Iterable[etree._Element]) -> list[Field]:
    return [Field(text_of(e), e.sourceline or 0, e) for e in elements]


def first_children(element: etree._Element) -> dict[str, etree._Element]:
    """The first child element of each tag (what ``element.find(tag)`` gives), read in one
    pass."""
    first: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in first:
            first[tag] = child
    return first


def read_author(element: etree._Element) -> Author:
    """The ``<author>`` block ``element`` read into an :class:`Author`."""
    first = first_children(element)
    return Author(
        firstname=_field(first.get("firstname")),
        surname=_field(first.get("surname")),
        email=_field(first.get("email")),
        jid=_field(first.get("jid")),
        line=element.sourceline or 0,
    )


def read_header(tree: etree._ElementTree) -> Header | None:
    """The first ``<header>`` of a ``<xep>`` document, or None if there is none."""
    root = tree.getroot()
    header = next(root.iterchildren("header"), None) if root.tag == "xep" else None
    return Header(header) if header is not None else None


def revision_pairs(raw: bytes) -> set[tuple[str, str]]:
    """The (version, date) of every revision in ``raw`` (a lenient parse, for old versions)."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, load_dtd=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        return set()
    if root is None:
        return set()
    return {
        (r.findtext("version", "").strip(), r.findtext("date", "").strip())
        for r in root.iterfind("header/revision")
    }
