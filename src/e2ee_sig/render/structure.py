"""A XEP as a diff sees it: the header facts and a tree of sections holding blocks.

Blocks are what a reader compares: paragraphs (and list items, table rows, definitions) as
whitespace-normalised text, examples and code as their lines.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.xep import Document

SECTION = re.compile(r"section([1-5])")
NOTE = "note"
VERBATIM = frozenset({"example", "code"})
CONTAINERS = frozenset({"div", "ul", "ol", "dl", "table", "blockquote"})


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit (``kind`` is its element's name) or an example's lines."""

    kind: str
    text: str
    caption: str = ""

    @property
    def verbatim(self) -> bool:
        return self.kind in VERBATIM

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass
class Section:
    """A ``sectionN`` with its number (``2.1``), blocks and subsections."""

    number: str
    topic: str
    anchor: str
    level: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def key(self) -> str:
        """What identifies the section across versions: its anchor, else its topic."""
        return f"#{self.anchor}" if self.anchor else self.topic.casefold()

    @property
    def title(self) -> str:
        return f"{self.number}. {self.topic}"

    def walk(self) -> list[Section]:
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass
class HeaderFacts:
    """The header values a reviewer cares about."""

    number: str = ""
    title: str = ""
    abstract: str = ""
    status: str = ""
    type: str = ""
    approver: str = ""
    shortname: str = ""
    dependencies: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    revisions: tuple[tuple[str, str, str], ...] = ()  # (version, date, remark text)

    @property
    def version(self) -> str:
        return self.revisions[0][0] if self.revisions else ""


@dataclass
class Outline:
    header: HeaderFacts
    sections: list[Section]

    def all_sections(self) -> list[Section]:
        return [s for top in self.sections for s in top.walk()]


def text_of(element: etree._Element) -> str:
    """The text a reader reads in ``element``: footnotes (``<note>``) and comments left out."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != NOTE:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _normalized(text: str) -> str:
    return " ".join(text.split())


def _verbatim(text: str) -> str:
    lines = textwrap.dedent(text.expandtabs(8)).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


def _blocks(element: etree._Element) -> list[Block]:
    """The blocks of a section's (or container's) children, in document order."""
    found: list[Block] = []
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or SECTION.fullmatch(tag):
            continue
        if tag in VERBATIM:
            found.append(
                Block(tag, _verbatim(text_of(child)), _normalized(child.get("caption", "")))
            )
        elif tag in ("tr", "di"):
            cells = [_normalized(text_of(c)) for c in child if isinstance(c.tag, str)]
            found.append(Block(tag, (" | " if tag == "tr" else ": ").join(cells)))
        elif tag in CONTAINERS:
            found.extend(_blocks(child))
        else:
            text = _normalized(text_of(child))
            if text:
                found.append(Block(tag, text))
    return found


def _sections(parent: etree._Element, prefix: str, level: int) -> list[Section]:
    sections: list[Section] = []
    for child in parent.iterchildren(f"section{level}"):
        number = f"{prefix}{len(sections) + 1}"
        section = Section(
            number, _normalized(child.get("topic", "")), child.get("anchor", "").strip(), level
        )
        section.blocks = _blocks(child)
        if level < 5:
            section.children = _sections(child, f"{number}.", level + 1)
        sections.append(section)
    return sections


def _header(document: Document) -> HeaderFacts:
    header = document.header
    if header is None:
        return HeaderFacts()
    revisions = tuple(
        (
            r.version.value if r.version else "",
            r.date.value if r.date else "",
            _normalized(r.remark.value) if r.remark else "",
        )
        for r in header.revisions
    )
    return HeaderFacts(
        number=header.value("number"),
        title=_normalized(header.value("title")),
        abstract=_normalized(header.value("abstract")),
        status=header.value("status"),
        type=header.value("type"),
        approver=header.value("approver"),
        shortname=header.value("shortname"),
        dependencies=tuple(_normalized(d.value) for d in header.dependencies),
        authors=tuple(
            _normalized(a.name) or (a.email.value if a.email else "") for a in header.authors
        ),
        revisions=revisions,
    )


def outline(document: Document) -> Outline:
    """The outline of a parsed document (empty when it did not parse)."""
    root = document.xml_root
    if root is None:
        return Outline(HeaderFacts(), [])
    return Outline(_header(document), _sections(root, "", 1))
