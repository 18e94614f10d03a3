"""Parse a XEP file once, safely, into a :class:`Document` shared by every rule and command.

Two lxml trees come from one read of the file: ``tree`` with entities expanded (what
``xmllint --noent --loaddtd --valid`` and readers see) and ``literal_tree`` with entity
references kept (what ``xmllint --dtdvalid`` sees). Nothing is fetched from the network or
read from outside the XEP root: ``xep.ent`` comes from the per-root cache and every other
external entity resolves to nothing (and is reported).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.fsio import ReadRefused, display_name, read_capped
from e2ee_sig.lazy import cached_property
from e2ee_sig.xep.doctype import Doctype, scan_doctype
from e2ee_sig.xep.official import OfficialView, ValidityError
from e2ee_sig.xep.parsers import xep_parser
from e2ee_sig.xep.root import MAX_BYTES, XepRoot, entity_references, find_root

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.xep.header import Header

_XML_DECL_ENCODING = re.compile(
    rb"""(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)"""
)
XEP_FILE = "xep-"
_TOOL_NAME_TAIL = re.compile(rb"2ee-sig")
_E = ord("e")


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file before any rule looks at it."""

    message: str
    line: int = 1
    column: int = 1


@dataclass
class Document:
    """One XEP file: raw bytes, both parse trees and where it sits in its XEP root."""

    path: Path
    display: str
    raw: bytes
    root: XepRoot | None = None
    doctype: Doctype | None = None
    tree: etree._ElementTree | None = None
    fatal: Problem | None = None
    parse_errors: list[Problem] = field(default_factory=list)
    parsed_bytes: bytes = field(default=b"", repr=False)
    base_url: str = field(default="", repr=False)
    """The path as libxml2 is given it: :func:`~e2ee_sig.fsio.display_name`, worked out once."""
    referenced: set[bytes] | None = field(default=None, repr=False, compare=False)
    """The names of the general entities ``raw`` references (the five predefined ones only
    when the root's ``xep.ent`` declares one), when loading looked for them (None: not)."""
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """What readers derive from the trees once per document and share (body text, sections,
    namespaces); values never point back at the document."""

    @property
    def literal_tree(self) -> etree._ElementTree | None:
        """The tree with entity references kept (parsed on first use: few rules need it)."""
        return self.official.literal_tree

    @cached_property
    def name(self) -> str:
        """The file's name (read once: rules ask for it thousands of times a run, and
        pathlib works it out from the path's parts on every access)."""
        return self.path.name

    @cached_property
    def relpath(self) -> str:
        """Path relative to the XEP root (``xep-0001.xml``, ``inbox/x.xml``), else the name."""
        if self.root is None:
            return self.path.name
        base, absolute = str(self.root.path), os.path.abspath(self.path)
        if absolute.startswith(base + os.sep):  # the usual case, without pathlib's cost
            return absolute[len(base) + 1 :].replace(os.sep, "/")
        return self.root.relative(self.path) or self.path.name

    @cached_property
    def names_tool(self) -> bool:
        """Whether the file holds ``e2ee-sig`` anywhere, as every inline suppression directive
        and role declaration does (searched once, for the engine and the E2EE scope): found
        from each ``2ee-sig``, which the regex engine looks for from its ``2``, a byte rarer in
        a XEP than the ``e`` that ``bytes.__contains__`` and a pattern led by ``e`` try at
        (6.3 → 4.4 ms of CPU over the repository)."""
        raw = self.raw
        found = _TOOL_NAME_TAIL.search(raw, 1)
        while found is not None and raw[found.start() - 1] != _E:
            found = _TOOL_NAME_TAIL.search(raw, found.start() + 1)
        return found is not None

    @property
    def is_root_xep_file(self) -> bool:
        """A file the official CI also checks with ``make`` (root-level ``xep-*``)."""
        return "/" not in self.relpath and self.relpath.startswith(XEP_FILE)

    @cached_property
    def lines(self) -> list[str]:
        return self.raw.decode("utf-8", "replace").splitlines()

    @cached_property
    def header(self) -> Header | None:
        from e2ee_sig.xep.header import read_header

        return read_header(self.tree) if self.tree is not None else None

    @cached_property
    def official(self) -> OfficialView:
        """The values and DTD verdicts the official XSF CI would compute (a view of this
        document's parts that does not point back at it: no reference cycle)."""
        return OfficialView(
            self.path,
            self.raw,
            self.tree,
            self.root,
            self.doctype,
            _validity(self.fatal) if self.fatal else None,
            [_validity(p) for p in self.parse_errors],
            self.parsed_bytes,
            partial(_literal_tree, self.parsed_bytes, self.base_url or display_name(self.path)),
            self.is_root_xep_file,
        )

    def header_value(self, name: str) -> str:
        """A single-valued header field, stripped; ``""`` when absent or there is no header."""
        return self.header.value(name) if self.header else ""

    @property
    def xml_root(self) -> etree._Element | None:
        return self.tree.getroot() if self.tree is not None else None


def _parse(data: bytes, expand: bool, name: str) -> tuple[etree._ElementTree | None, list]:
    """Parse strictly (twice as fast as libxml2's recovery mode); only a document that is not
    well-formed is parsed again in recovery mode, for the errors that mode reports. ``name``
    is the file's :func:`~e2ee_sig.fsio.display_name` (libxml2 takes UTF-8 names only)."""
    from lxml import etree

    parser = xep_parser(expand, recover=False)
    try:
        element = etree.fromstring(data, parser, base_url=name)
    except etree.XMLSyntaxError:
        parser = xep_parser(expand, recover=True)
        try:
            element = etree.fromstring(data, parser, base_url=name)
        except etree.XMLSyntaxError as error:
            return None, list(error.error_log) or [error]
    errors = list(parser.error_log)
    if element is None or any(e.level_name == "FATAL" for e in errors):
        return None, errors
    return element.getroottree(), errors


def _literal_tree(data: bytes, name: str) -> etree._ElementTree | None:
    return _parse(data, False, name)[0] if data else None


def _validity(problem: Problem) -> ValidityError:
    return ValidityError(problem.message, problem.line, problem.column)


def _problem(error: object) -> Problem:
    message = getattr(error, "message", None) or str(error)
    return Problem(
        message.strip(), getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
    )


def with_xep_entities(
    raw: bytes,
    doctype: Doctype | None,
    root: XepRoot | None,
    referenced: set[bytes] | None = None,
) -> bytes:
    """``raw`` with each ``%ents;`` replaced, on its own line, by the entities it needs (the
    bytes are copied once: the pieces are views of ``raw``); ``referenced``: what
    :func:`referenced_entities` answers for it, when already known."""
    if doctype is None or root is None or not doctype.ents_refs:
        return raw
    if referenced is None:
        referenced = entity_references(raw, root.entities.predefined)
    inline = root.entities.inline(referenced)
    view = memoryview(raw)
    pieces: list[bytes | memoryview] = []
    last = 0
    for start, end in doctype.ents_refs:
        pieces += [view[last:start], inline]
        last = end
    pieces.append(view[last:])
    return b"".join(pieces)


def referenced_entities(
    raw: bytes, doctype: Doctype | None, root: XepRoot | None
) -> set[bytes] | None:
    """The names of the general entities ``raw`` references, for a file that
    :func:`with_xep_entities` gives ``xep.ent``'s entities (None for another: not looked for)."""
    if doctype is None or root is None or not doctype.ents_refs:
        return None
    return entity_references(raw, root.entities.predefined)


def load(path: Path, display: str | None = None, root: XepRoot | None = None) -> Document:
    """Read and parse ``path``; problems become ``Document.fatal``, never exceptions."""
    display = display if display is not None else str(path)
    try:
        raw = read_capped(path, MAX_BYTES)
    except ReadRefused as error:
        document = Document(path, display, b"", root)
        document.fatal = Problem(f"cannot read file: {error.reason}")
        return document
    return parse_bytes(raw, path, display, root or find_root(path))


def parse_bytes(raw: bytes, path: Path, display: str, root: XepRoot | None) -> Document:
    """Parse ``raw`` as the XEP file at ``path``.

    Python checks that the bytes are UTF-8 only when libxml2 reported something: a parse
    without a single error or warning read every byte as UTF-8 (libxml2 reports each
    sequence that is not), so a file with non-ASCII text is not decoded a second time (242
    files of the repository, 25 M instructions). A file that is not UTF-8 gets the same
    document as when the check came first: the fatal problem alone."""
    document = Document(path, display, raw, root, base_url=display_name(path))
    problem = _framing_problem(raw)
    if problem is not None:
        document.fatal = problem
        return document
    document.doctype = scan_doctype(raw)
    document.referenced = referenced_entities(raw, document.doctype, root)
    document.parsed_bytes = with_xep_entities(raw, document.doctype, root, document.referenced)
    document.tree, errors = _parse(document.parsed_bytes, True, document.base_url)
    if (document.tree is None or errors) and (problem := _utf8_problem(raw)) is not None:
        document = Document(path, display, raw, root, base_url=document.base_url)
        document.fatal = problem
        return document
    if document.tree is None:
        fatal = [e for e in errors if getattr(e, "level_name", "FATAL") == "FATAL"]
        document.fatal = _problem((fatal or errors or ["not well-formed XML"])[0])
    else:
        document.parse_errors = [_problem(e) for e in errors]
    return document


def declared_encoding(raw: bytes) -> str | None:
    """The ``encoding`` of the XML declaration, lower-cased, if there is one."""
    match = _XML_DECL_ENCODING.match(raw)
    return match.group(1).decode("ascii").lower() if match else None


def _framing_problem(raw: bytes) -> Problem | None:
    """An empty file, or one that is UTF-16 or binary (told before any parse)."""
    if not raw or raw.isspace():  # (strip() would copy the whole file)
        return Problem("file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        return Problem("file is UTF-16 or binary; XEPs are UTF-8")
    return None


def _utf8_problem(raw: bytes) -> Problem | None:
    """Where ``raw``, read as UTF-8 (no other encoding declared), is not UTF-8."""
    if raw.isascii() or declared_encoding(raw) not in (None, "utf-8", "utf8"):
        return None  # (ASCII is valid UTF-8: no decoding, no copy)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return Problem(f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", line, column)
    return None
