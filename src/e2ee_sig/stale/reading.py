"""Reading only what the stale report needs: each file's start up to ``</header>``.

The fragment (prolog and header, closed with ``</xep>``) is parsed on its own, expanding only
the entities the file declares itself; ``xep.ent`` is never read. A file whose fragment does
not parse cleanly (undeclared entities aside), that has no ``</header>``, or whose header
values use an entity declared elsewhere is read and parsed whole instead, so the values and
problems are those of the full parse.

The usual file takes a lean path (``read_header``): one bounded read, one lxml parse of the
fragment with the parser settings of ``xep.parse``, and only the header values the report
uses, as :class:`HeaderFacts` (no ``Document``, no tree kept). Anything unusual on the way (a
file that is not a plain readable UTF-8 file, a parse problem, no ``<header>``) takes the
general path, ``header_document``, whose values are read by the same code."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.fsio import FileRefused, read_through
from e2ee_sig.xep.header import text_of
from e2ee_sig.xep.parsers import xep_parser

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.xep import Document
    from e2ee_sig.xep.root import XepRoot

_END = b"</header>"
_UNDEFINED = re.compile(r"Entity '([^']+)' not defined")
_VALUES = re.compile(rb"<(?:title|status|type|version|date)>([^<]*)<")
_ENTITY = re.compile(rb"&([^\s;&#]+);")
_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_UTF8 = (b"utf-8", b"utf8")
MAX_BYTES = 10 * 1024 * 1024  # xep.parse.MAX_BYTES: beyond it the general path refuses


@dataclass(frozen=True, slots=True)
class Value:
    """A header value as written (entities expanded) and the line it stands on."""

    text: str
    line: int

    @property
    def value(self) -> str:
        return self.text.strip()


@dataclass(frozen=True, slots=True)
class RevisionHead:
    """What the report reads of one ``<revision>``: its line, version and date."""

    line: int
    version: Value | None
    date: Value | None


@dataclass(frozen=True, slots=True)
class HeaderFacts:
    """The header values of one file the report uses, or the problem that hides them."""

    display: str
    problem: str | None = None
    title: str = ""
    status: str = ""
    revisions: tuple[RevisionHead, ...] = ()


def read_header(file: Path, display: str, root: Callable[[], XepRoot | None]) -> HeaderFacts:
    """The header facts of ``file`` (``root`` gives the XEP root for a full parse)."""
    head = _head(file)
    facts = _fragment_facts(head, file, display) if head is not None else None
    return facts if facts is not None else document_facts(header_document(file, display, root))


def document_facts(document: Document) -> HeaderFacts:
    """The header facts of a parsed document."""
    if document.fatal is not None:
        fatal = document.fatal
        return HeaderFacts(document.display, f"line {fatal.line}: {fatal.message}")
    if document.header is None:
        return HeaderFacts(document.display, "no <header> element")
    return _facts(document.display, document.header.element)


def _facts(display: str, header: etree._Element) -> HeaderFacts:
    """The values of ``header``: its first ``<title>`` and ``<status>`` children, and each
    ``<revision>`` child's first ``<version>`` and ``<date>`` (one pass over the children,
    what ``find`` would pick)."""
    title = status = None
    revisions = []
    for child in header:
        tag = child.tag  # comments, PIs and entities have no string tag
        if tag == "revision":
            version = date = None
            for part in child:
                if part.tag == "version" and version is None:
                    version = part
                elif part.tag == "date" and date is None:
                    date = part
            revisions.append(RevisionHead(child.sourceline or 0, _value(version), _value(date)))
        elif tag == "title" and title is None:
            title = child
        elif tag == "status" and status is None:
            status = child
    title_value, status_value = _value(title), _value(status)
    return HeaderFacts(
        display,
        None,
        title_value.value if title_value else "",
        status_value.value if status_value else "",
        tuple(revisions),
    )


def _value(element: etree._Element | None) -> Value | None:
    return None if element is None else Value(text_of(element), element.sourceline or 0)


def _head(file: Path) -> bytes | None:
    """The start of ``file`` through ``</header>``, or None when it is not a plain regular
    file holding one within the size cap (the general path then says why)."""
    try:
        head = read_through(file, _END, MAX_BYTES)
    except FileRefused:
        return None
    return head if head.endswith(_END) and len(head) <= MAX_BYTES else None


def _fragment_facts(head: bytes, file: Path, display: str) -> HeaderFacts | None:
    """The facts from the fragment ``head`` + ``</xep>`` when ``header_document`` would keep
    that fragment (a plain UTF-8 file, no parse problem but entities declared elsewhere, none
    of those in a header value); None otherwise."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return None
    declared = _ENCODING.match(head)
    if declared is not None and declared[1].lower() not in _UTF8:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    from lxml import etree

    parser = xep_parser(expand=True, recover=True)
    try:
        element = etree.fromstring(head + b"</xep>", parser, base_url=_name(file))
    except etree.XMLSyntaxError:
        return None
    undefined = set()
    for error in parser.error_log:
        match = _UNDEFINED.fullmatch((error.message or str(error)).strip())
        if match is None or error.level_name == "FATAL":
            return None
        undefined.add(match[1].encode())
    if element is None or element.tag != "xep" or _values_use(head, undefined):
        return None
    header = element.find("header")
    return _facts(display, header) if header is not None else None


def _name(file: Path) -> str:
    return os.fsencode(file).decode("utf-8", "replace")


def header_document(file: Path, display: str, root: Callable[[], XepRoot | None]) -> Document:
    """A document holding at least ``file``'s header (``root`` gives the XEP root for a full
    parse)."""
    from e2ee_sig.fsio import ReadRefused, read_through
    from e2ee_sig.xep import load, parse_bytes

    try:
        head = read_through(file, _END, MAX_BYTES)
    except ReadRefused:
        head = b""
    if head.endswith(_END):
        document = parse_bytes(head + b"</xep>", file, display, None)
        undefined = _undefined_entities(document)
        readable = document.fatal is None and document.header is not None
        if readable and undefined is not None and not _values_use(head, undefined):
            return document
    return load(file, display, root())


def _undefined_entities(document: Document) -> set[bytes] | None:
    """The entities the fragment uses but does not declare (those of ``xep.ent``), or None
    when it has another problem."""
    names = set()
    for problem in document.parse_errors:
        match = _UNDEFINED.fullmatch(problem.message)
        if match is None:
            return None
        names.add(match[1].encode())
    return names


def _values_use(head: bytes, entities: set[bytes]) -> bool:
    """Whether a header value the report reads holds one of ``entities``."""
    return any(
        name in entities for value in _VALUES.findall(head) for name in _ENTITY.findall(value)
    )
