"""Typed access to a XEP ``<header>``, each value with the line it stands on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


@dataclass(frozen=True)
class Field:
    """A header value: ``text`` as written (entities expanded) and where it is."""

    text: str
    line: int
    element: etree._Element | None = field(default=None, compare=False, repr=False)

    @property
    def value(self) -> str:
        """The text without surrounding whitespace."""
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


@dataclass(frozen=True)
class Revision:
    version: Field | None
    date: Field | None
    initials: Field | None
    remark: Field | None
    line: int
    element: etree._Element = field(compare=False, repr=False)


@dataclass(frozen=True)
class Header:
    """The header facts every command needs."""

    line: int
    title: Field | None
    abstract: Field | None
    number: Field | None
    status: Field | None
    type: Field | None
    sig: Field | None
    approver: Field | None
    lastcall: list[Field]
    dependencies: list[Field]
    supersedes: list[Field]
    supersededby: list[Field]
    shortname: Field | None
    tags: list[Field]
    authors: list[Author]
    revisions: list[Revision]
    element: etree._Element = field(compare=False, repr=False)

    def value(self, name: str) -> str:
        """The stripped value of a single-valued field, or ``""`` when absent."""
        found = getattr(self, name)
        return found.value if isinstance(found, Field) else ""


def _field(element: etree._Element | None) -> Field | None:
    if element is None:
        return None
    return Field(text_of(element), element.sourceline or 0, element)


def text_of(element: etree._Element) -> str:
    """All text inside ``element`` (entities expanded), without comments and PIs."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _fields(parent: etree._Element | None, tag: str) -> list[Field]:
    if parent is None:
        return []
    return [f for f in (_field(e) for e in parent.findall(tag)) if f is not None]


def _author(element: etree._Element) -> Author:
    return Author(
        firstname=_field(element.find("firstname")),
        surname=_field(element.find("surname")),
        email=_field(element.find("email")),
        jid=_field(element.find("jid")),
        line=element.sourceline or 0,
    )


def _revision(element: etree._Element) -> Revision:
    return Revision(
        version=_field(element.find("version")),
        date=_field(element.find("date")),
        initials=_field(element.find("initials")),
        remark=_field(element.find("remark")),
        line=element.sourceline or 0,
        element=element,
    )


def read_header(tree: etree._ElementTree) -> Header | None:
    """The first ``<header>`` of a ``<xep>`` document, or None if there is none."""
    root = tree.getroot()
    header = root.find("header") if root.tag == "xep" else None
    if header is None:
        return None
    dependencies = header.find("dependencies")
    return Header(
        line=header.sourceline or 0,
        title=_field(header.find("title")),
        abstract=_field(header.find("abstract")),
        number=_field(header.find("number")),
        status=_field(header.find("status")),
        type=_field(header.find("type")),
        sig=_field(header.find("sig")),
        approver=_field(header.find("approver")),
        lastcall=_fields(header, "lastcall"),
        dependencies=_fields(dependencies, "spec"),
        supersedes=_fields(header.find("supersedes"), "spec"),
        supersededby=_fields(header.find("supersededby"), "spec"),
        shortname=_field(header.find("shortname")),
        tags=_fields(header.find("tags"), "tag"),
        authors=[_author(a) for a in header.findall("author")],
        revisions=[_revision(r) for r in header.findall("revision")],
        element=header,
    )


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
