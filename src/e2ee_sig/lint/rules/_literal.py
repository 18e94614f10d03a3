"""What the entity-kept tree says about links and entity references, read from the bytes.

LNK001, REF001, REF003 and CNT004 need what ``Document.literal_tree`` (a second parse, with
entity references kept) holds: which entity is referenced where, which ``<link>`` is written
in the file rather than brought by an entity, which top-level element holds them, and the
text of a paragraph with its references written ``&name;``. For a well-formed file that
the parser read without a complaint, :func:`scan_literal` reads these from the bytes (several
times cheaper than the parse). It answers None for a file it cannot read exactly so (one
the parser had to recover or warned about, a processing instruction or a default namespace
in the body, a reference in a link's URL, ...): callers then read the literal tree.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from e2ee_sig.lint.rules._codeblocks import LineCursor, document_entities, line_cursor
from e2ee_sig.xep import Document
from e2ee_sig.xep.doctype import Doctype
from e2ee_sig.xep.parse import declared_encoding
from e2ee_sig.xep.parsers import LINE_LIMIT
from e2ee_sig.xep.query import per_document, sections

_MISCELLANY = rb"""(?:\s+|<!--.*?-->|<\?.*?\?>
    |<!DOCTYPE(?:[^\[>'"]|'[^']*'|"[^"]*")*
      (?:\[(?:[^\]'"<]|'[^']*'|"[^"]*"|<!--.*?-->|<\?.*?\?>|<!(?:[^'"<>]|'[^']*'|"[^"]*")*>)*
      \]\s*)?>)*"""
_PROLOG = re.compile(_MISCELLANY, re.S | re.X)
"""The XML declaration, comments, processing instructions and DOCTYPE before the root (after
a byte order mark, which :func:`prolog_end` steps over: a second copy of this pattern with
the mark in front cost as long to compile, ~0.6 ms of every run's start)."""
_BOM = b"\xef\xbb\xbf"
_TAG = re.compile(rb"""<(/?)([^\s/>]+)[^>'"]*(?:(?:'[^']*'|"[^"]*")[^>'"]*)*>""")
"""A tag: ``<(/?)([^\\s/>]+)(?:[^>'"]|'[^']*'|"[^"]*")*>``, with the engine running over whole
runs of bytes other than quotes and ``>`` (not one alternation per byte)."""
WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
"""The bytes ``\\w`` matches in ASCII (as integers, what indexing bytes gives)."""
_REFERENCE = re.compile(rb"&(?!#|lt;|gt;|amp;|quot;|apos;)([^;]*);")
_URL = re.compile(r"""<link\b[^>]*?\burl\s*=\s*['"]([^'"]*)['"]""")
_ATTRIBUTE = re.compile(rb"""([^\s=]+)\s*=\s*(?:'([^']*)'|"([^"]*)")""")
_ATTRIBUTE_SPACE = re.compile(rb"\r\n|[\t\n\r]")
_PLAIN_LINK = re.compile(rb"""<link\s+url\s*=\s*(?:'([^'\t\n\r&]*)'|"([^"\t\n\r&]*)")\s*/?>""")
"""What most ``<link>`` start tags are: a ``url`` alone, with nothing in it to normalise
(read by one match, not a tag match and then its attributes)."""
_URL_SPACE_OR_REFERENCE = re.compile(rb"[\t\n\r&]")
"""What a URL rarely holds: where it does, :data:`_ATTRIBUTE_SPACE` and references apply
(``bytes in bytes`` first tries its operand as an integer: an exception raised and caught)."""
_CITATION = re.compile(rb"&(xep\d{4});")
"""What :func:`_references_to` finds for no names."""
_FOUND_NAME = re.compile(r"(?!(?:amp|lt|gt|quot|apos)\Z)[A-Za-z_:][\w.\-:]*", re.A)
"""An entity name ``Document.referenced`` holds when the file references it."""
_VALUE_REFERENCE = re.compile(rb"&(?:#(x?)([0-9A-Fa-f]+)|(lt|gt|amp|quot|apos));")
_PREDEFINED = {b"lt": b"<", b"gt": b">", b"amp": b"&", b"quot": b'"', b"apos": b"'"}
_BLOCKS = frozenset({b"p", b"li", b"dd", b"dt", b"td", b"th", b"note"})
_TEXT_MARKUP = re.compile(
    rb"""<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(.*?)\]\]>|<(?:[^>'"]|'[^']*'|"[^"]*")*>
    |&(?:\#(x?)([0-9A-Fa-f]+)|(lt|gt|amp|quot|apos));""",
    re.S | re.X,
)
_DEFAULT_NAMESPACE = re.compile(rb"""xmlns\s*=\s*(?:'[^']|"[^"])""")
"""A default namespace declaration (not ``xmlns=''``): the elements it holds are not
``link`` (or ``header``) to the tree."""
_LT = ord("<")
_DASH = ord("-")
_BRACKET = ord("[")
_SEMICOLON = ord(";")
_BLANK = ord(" ")
_NAME_ENDS = frozenset({b" ", b"\t", b"\n", b"\r", b"/", b">"})
_HEADER_AND_SECTIONS = frozenset({b"header", b"section1"})
_PARENT = etree._Element.getparent


@dataclass(frozen=True)
class Scan:
    """The links and entity references of a document's root element, as the literal tree
    has them (offsets into the raw bytes, 1-based lines)."""

    raw: bytes
    masked: bytes
    """The raw bytes with comments and CDATA sections blanked."""
    root: int
    """Where the root element starts."""
    body: int
    """Where the root's first child, ``<header>``, ends (its only ``header`` child): an
    element that starts after it is a child of the root other than the header, or in one."""
    top_level: frozenset[bytes]
    """The names an element child of the root may have."""
    link_starts: list[int]
    """Where each ``<link\\b`` stands (``<link``, ``<link-x``, ...), outside comments and
    CDATA."""
    links: list[tuple[int, int, str]]
    """Each ``<link>`` written in the file: offset, where its line is taken (:meth:`line`)
    and ``url`` (stripped)."""
    references: list[tuple[int, int, str]]
    """Each reference in content to a citation (``&xepNNNN;``) or to an entity of
    :attr:`entity_links`: offset, where its line is taken (:meth:`line`) and entity name."""
    entity_links: dict[str, tuple[str, ...]]
    """What :func:`entity_links` answers for the document."""
    lines: LineCursor = field(compare=False, repr=False)
    """The document's shared line cursor: a line is counted when asked for (most links and
    references are never reported; counting the lines of them all took a seventh of the
    scan). Not compared: the bytes and offsets tell the lines."""

    def line(self, offset: int) -> int:
        """The line libxml2 gives a link or reference whose line is taken at ``offset`` (the
        middle item of :attr:`links` and :attr:`references`)."""
        return self.lines.line(offset)

    def fragment_nodes(self) -> list[tuple[str, int, str]]:
        """Each link with a fragment (URL, line, ``""``) and each reference to an entity that
        links one (``""``, line, name), in order."""
        line = self.lines.line
        written = [(at, (url, line(end), "")) for at, end, url in self.links if "#" in url]
        linking = self.entity_links
        referenced = [
            (at, ("", line(line_at), name))
            for at, line_at, name in self.references
            if name in linking
        ]
        return [node for _, node in sorted(written + referenced)]

    def in_body(self, offset: int) -> bool:
        """Whether ``offset`` (after the start tag of the root) lies in a child of the root
        other than ``<header>``."""
        if offset < self.body:
            return False
        masked = self.masked
        before = _TAG.match(masked, masked.rfind(b"<", 0, offset))
        if before is not None and not before.group(1) and not before.group().endswith(b"/>"):
            return before.start() > self.root  # in the element this tag starts
        if before is not None and before.group(2) not in self.top_level:
            return True  # after an element that is no child of the root
        parent = next(_open_elements(masked, offset), None)
        return parent is not None and parent.start() > self.root

    def attributes(self, offset: int) -> list[tuple[bytes, bytes]]:
        """The attributes (name, raw value) of the tag around ``offset`` (none outside tags)."""
        tag = _TAG.match(self.masked, self.masked.rfind(b"<", 0, offset))
        if tag is None or tag.end() <= offset:
            return []
        return [
            (name, single or double) for name, single, double in _ATTRIBUTE.findall(tag.group())
        ]

    def in_tag(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a tag (in an attribute value)."""
        return _in_tag(self.masked, offset)

    def innermost(self, offset: int, names: AbstractSet[bytes]) -> re.Match[bytes] | None:
        """The start tag of the innermost element around ``offset`` named one of ``names``."""
        return next((t for t in _open_elements(self.masked, offset) if t.group(2) in names), None)

    def block(self, offset: int) -> tuple[int, int] | None:
        """Where the content of the innermost ``p``, ``li``, ``dd``, ``dt``, ``td``, ``th`` or
        ``note`` around ``offset`` starts and ends (None: there is none)."""
        tag = self.innermost(offset, _BLOCKS)
        return (tag.end(), _end_tag(self.masked, tag)) if tag is not None else None

    def text(self, start: int, end: int) -> str:
        """The character data of ``raw[start:end]`` in document order, entity references
        written ``&name;`` (what the literal tree's texts and tails hold)."""
        return _TEXT_MARKUP.sub(_text_of, self.raw[start:end]).decode("utf-8", "replace")


def _text_of(markup: re.Match[bytes]) -> bytes:
    cdata, hexadecimal, number, predefined = markup.groups()
    if cdata is not None:
        return cdata
    return _character(hexadecimal, number, predefined) if number or predefined else b""


def _character(hexadecimal: bytes | None, number: bytes | None, predefined: bytes | None) -> bytes:
    """What a character reference or a predefined entity stands for."""
    if predefined is not None:
        return _PREDEFINED[predefined]
    return chr(int(number or b"0", 16 if hexadecimal else 10)).encode("utf-8")


def masked_bytes(raw: bytes) -> bytes:
    """``raw`` with its comments and CDATA sections blanked (offsets kept): what
    ``<!--.*?-->|<!\\[CDATA\\[.*?\\]\\]>`` (re.S) finds, found from each ``!`` (a one-byte
    search runs several times faster than one for ``<!--``; an opener never closed starts
    nothing)."""
    pieces: list[bytes] = []
    find = raw.find
    size = len(raw)
    last, pos = 0, 1  # (a ``!`` at 0 opens nothing)
    while (bang := find(b"!", pos)) >= 0:
        pos = bang + 1
        if raw[bang - 1] != _LT or pos == size:
            continue
        kind = raw[pos]  # (``startswith`` costs more: it parses its arguments the slow way)
        if kind == _DASH and raw[pos : pos + 2] == b"--":
            end = find(b"-->", bang + 3)
        elif kind == _BRACKET and raw[pos : pos + 7] == b"[CDATA[":
            end = cdata_end(raw, bang + 8)
        else:
            continue  # (a declaration: ``<!DOCTYPE``, ``<!ENTITY``, ...)
        if end >= 0:
            pos = end + 3
            pieces += (raw[last : bang - 1], b" " * (pos - bang + 1))
            last = pos
    pieces.append(raw[last:])
    return b"".join(pieces)


def cdata_end(raw: bytes, start: int) -> int:
    """Where the first ``]]>`` from ``start`` stands (-1: none), found from each ``]`` (rare
    in the examples, where a search for ``]]>`` runs several times slower)."""
    find = raw.find
    while (start := find(b"]", start)) >= 0 and not raw.startswith(b"]]>", start):
        start += 1
    return start


def finditer_at(
    pattern: re.Pattern[bytes], data: bytes, literal: bytes, offset: int = 0, pos: int = 0
) -> Iterator[re.Match[bytes]]:
    """What ``pattern.finditer(data, pos)`` finds, for a pattern every match of which holds
    ``literal`` at ``offset`` from its start (so none is empty): the pattern is tried only
    where ``literal`` stands, found by a plain byte search. Cheaper than the regex engine's
    scan when ``literal`` is one byte rarer than about one in a thousand (``#`` in a XEP:
    ``memchr`` finds it; each place tried costs about as much as a scan of a few hundred
    bytes). Not for a pattern that starts with a literal of a few bytes whose first is rare
    (``&xep``, ``XEP-``, ``xmlns``): the engine's own search for that literal runs about
    twice as fast as ``bytes.find``, though it executes more instructions (one predictable
    compare a byte, where the skip loop of ``bytes.find`` branches on what it reads)."""
    find = data.find
    at = find(literal, pos + offset)
    while at >= 0:
        match = pattern.match(data, at - offset)
        if match is None:
            at = find(literal, at + 1)
        else:
            yield match
            at = find(literal, match.end() + offset)


@per_document
def masked(document: Document) -> bytes:
    """The document's bytes with comments and CDATA sections blanked (once per document)."""
    return masked_bytes(document.raw)


@per_document
def scan_literal(document: Document) -> Scan | None:
    """The links and entity references of ``document`` read from its bytes, or None when
    only the literal tree can tell them."""
    raw = document.raw
    doctype = document.doctype
    if (
        document.tree is None
        or document.parse_errors
        or (doctype is not None and doctype.declares_elements)  # an ATTLIST may change links
        or declared_encoding(raw) not in (None, "utf-8", "utf8")
    ):
        return None
    start = prolog_end(raw, doctype)
    blanked = masked(document)
    root = _TAG.match(blanked, start)  # None also when a comment or CDATA runs over start
    header = _header_end(blanked, root) if root is not None else None
    top_level = _top_level(document)
    written = _links(blanked, start)
    if (
        root is None
        or header is None
        or top_level is None
        or written is None
        or _default_namespace(blanked, start)
    ):
        return None
    link_starts, links = written
    linking = entity_links(document)
    wanted = _reference_matches(blanked, start, linking, document.referenced)
    references = _references(raw, blanked, wanted)
    lines = line_cursor(document)
    if len(raw) >= LINE_LIMIT and _reaches_line_limit(raw, links + references, lines):
        return None  # libxml2 numbers no line past its limit
    return Scan(
        raw, blanked, start, header, top_level, link_starts, links, references, linking, lines
    )


def prolog_end(raw: bytes, doctype: Doctype | None) -> int:
    """Where the prolog of ``raw`` ends (a byte order mark, then what :data:`_PROLOG` matches),
    matched from the end of the DOCTYPE when ``doctype`` (what ``scan_doctype(raw)`` answers)
    knows it: its internal subset is not read again."""
    end = doctype.end if doctype is not None else None
    if end is None:
        end = len(_BOM) if raw.startswith(_BOM) else 0
    return _PROLOG.match(raw, end).end()  # type: ignore[union-attr]


def _top_level(document: Document) -> frozenset[bytes] | None:
    """The names of the root's element children in the expanded tree (a superset of the
    literal tree's); None when one has a namespace or there is not exactly one ``header``.
    A ``header`` and only ``<section1>`` elements (of :func:`sections`: every one in the
    tree, each a child of the root) are told without an lxml proxy for each child."""
    root = document.xml_root
    if (
        root is not None
        and (found := sections(document))
        and len(root) == len(found) + 1  # (children: elements, comments, PIs, references)
        and set(map(_PARENT, found)) == {root}
        and next(root.iterchildren("header"), None) is not None
    ):
        return _HEADER_AND_SECTIONS
    return _children(document)


def _children(document: Document) -> frozenset[bytes] | None:
    """What :func:`_top_level` answers, from every child of the root."""
    tree = document.tree
    names = [child.tag for child in tree.getroot() if isinstance(child.tag, str)] if tree else []
    if names.count("header") != 1 or any(name.startswith("{") for name in names):
        return None
    return frozenset(name.encode() for name in names)


def _header_end(masked: bytes, root: re.Match[bytes]) -> int | None:
    """Where the root's first child ends when it is ``<header>`` (None: another document)."""
    first = _TAG.match(masked, masked.find(b"<", root.end()))
    if (
        root.group(1)
        or first is None
        or first.group(1)
        or first.group(2) != b"header"
        or first.group().endswith(b"/>")
    ):
        return None
    return _end_tag(masked, first)


def _links(masked: bytes, start: int) -> tuple[list[int], list[tuple[int, int, str]]] | None:
    """Where each ``<link\\b`` stands after ``start``, and each ``<link>`` start tag: offset,
    offset of its ``>`` (where libxml2 takes its line) and URL; None when a URL holds an
    entity reference, or a processing instruction follows ``start``."""
    if _instruction(masked, start):
        return None
    starts: list[int] = []
    found = []
    plain = _PLAIN_LINK.match
    at = start - 1
    while (at := masked.find(b"<link", at + 1)) >= 0:
        if at + 5 < len(masked) and masked[at + 5] in WORD_BYTES:
            continue  # not ``\\b``
        starts.append(at)
        if (written := plain(masked, at)) is not None:
            single, double = written.groups()
            url = double if single is None else single
            found.append((at, written.end() - 1, url.decode("utf-8").strip()))
            continue
        tag = _TAG.match(masked, at)
        if tag is None or tag.group(2) != b"link":
            continue
        url = b""
        for name, single, double in _ATTRIBUTE.findall(tag.group(), 5):
            if name == b"url":
                url = single or double
        if _URL_SPACE_OR_REFERENCE.search(url):  # (one search, not four ``in``)
            url = _ATTRIBUTE_SPACE.sub(b" ", url)
            if b"&" in url:
                if b"&" in _VALUE_REFERENCE.sub(b"", url):
                    return None
                url = _VALUE_REFERENCE.sub(lambda found: _character(*found.groups()), url)
        found.append((at, tag.end() - 1, url.decode("utf-8").strip()))
    return starts, found


def _instruction(masked: bytes, start: int) -> bool:
    """Whether a processing instruction (``<?``) follows ``start``: found by looking at each
    ``?`` (rare outside comments and CDATA; a one-byte search is several times faster)."""
    at = start
    while (at := masked.find(b"?", at + 1)) >= 0:
        if masked[at - 1] == _LT:
            return True
    return False


def _default_namespace(masked: bytes, start: int) -> bool:
    """Whether a tag after ``start`` declares a default namespace (``xmlns='…'``): each match
    of the pattern from the one before on, found by the regex engine's search for its literal
    ``xmlns`` (:func:`finditer_at` says why not ``bytes.find``)."""
    search = _DEFAULT_NAMESPACE.search
    at = start - 1
    while (found := search(masked, at + 1)) is not None:
        at = found.start()
        if _in_tag(masked, at):
            return True
    return False


def _in_tag(masked: bytes, offset: int) -> bool:
    """Whether ``offset`` lies inside a tag (in an attribute value)."""
    tag = _TAG.match(masked, masked.rfind(b"<", 0, offset))
    return tag is None or tag.end() > offset


def fragment_urls(value: str) -> tuple[str, ...]:
    """The URLs with a fragment (``#…``) that an entity's value links, stripped."""
    if "#" not in value:
        return ()
    return _fragment_urls(value)


@lru_cache(maxsize=4096)
def _fragment_urls(value: str) -> tuple[str, ...]:
    """(Remembered: ``xep.ent``'s values are the same strings for every document.)"""
    return tuple(url for url in (u.strip() for u in _URL.findall(value)) if "#" in url)


def entity_links(document: Document) -> dict[str, tuple[str, ...]]:
    """The URLs with a fragment (``#…``) that each entity the document can use links, by
    name (entities that link none left out)."""
    values = document_entities(document)
    if isinstance(values, ChainMap) and len(values.maps) == 2:
        own, shared = values.maps
        inherited = {n: urls for n, urls in _linking_shared(shared).items() if n not in own}
        return inherited | _linking(own)
    return _linking(values)


def _linking(values: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The entities among ``values`` whose value links a fragment, with those URLs."""
    return {name: urls for name, value in values.items() if (urls := fragment_urls(value))}


_SHARED_LINKING: dict[int, tuple[Mapping[str, str], dict[str, tuple[str, ...]]]] = {}


def _linking_shared(values: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """:func:`_linking` for a root's ``xep.ent`` values (worked out once per root)."""
    if id(values) not in _SHARED_LINKING:
        _SHARED_LINKING[id(values)] = values, _linking(values)  # (kept: no other gets its id)
    return _SHARED_LINKING[id(values)][1]


@lru_cache(maxsize=64)
def _references_to(names: frozenset[str]) -> re.Pattern[bytes]:
    """What finds the references that matter: to a citation (``&xepNNNN;``) or to one of
    ``names``."""
    alternatives = b"|".join(re.escape(name.encode()) for name in sorted(names))
    return re.compile(rb"&(" + (alternatives + b"|" if names else b"") + rb"xep\d{4});")


def _reference_matches(
    masked: bytes, start: int, names: Mapping[str, object], referenced: AbstractSet[bytes] | None
) -> Iterator[re.Match[bytes]]:
    """The references after ``start`` to a citation (``&xepNNNN;``) or to one of ``names``:
    found by the engine's search for the literal ``&xep`` (:func:`finditer_at` says why not
    ``bytes.find``) when the file references none of ``names`` (``referenced``: the names it
    references, ``Document.referenced``; None: not known), not by trying a pattern with a
    branch for each name at every ``&``."""
    wanted = frozenset(names)
    encoded = _found_names(wanted)
    if referenced is None or encoded is None or not referenced.isdisjoint(encoded):
        return _references_to(wanted).finditer(masked, start)
    return _CITATION.finditer(masked, start)


@lru_cache(maxsize=64)
def _found_names(names: frozenset[str]) -> frozenset[bytes] | None:
    """``names`` encoded, when ``Document.referenced`` holds each that the file references
    (None: it may not)."""
    if all(_FOUND_NAME.fullmatch(name) for name in names):
        return frozenset(name.encode() for name in names)
    return None


def _references(
    raw: bytes, masked: bytes, wanted: Iterator[re.Match[bytes]]
) -> list[tuple[int, int, str]]:
    """Each reference in content among ``wanted``: its offset, the offset whose line libxml2
    gives it, and its name.

    libxml2 keeps no line for a reference: it answers the line of the node before it when
    that is an element (its start tag's), text or comment (where they end: the reference's
    own line), else (after a CDATA section, another reference, or first in its element) the
    line of its element."""
    found: list[tuple[int, int, str]] = []
    names: dict[bytes, str] = {}
    for reference in wanted:
        at = reference.start()
        opening = masked.rfind(b"<", 0, at)
        tag = _TAG.match(masked, opening)
        if tag is None or (tag_end := tag.end()) > at:
            continue  # in an attribute value
        line_at = at
        if tag_end == at:
            if tag.group(1):  # after an element
                line_at = next(_open_elements(masked, opening), tag).end() - 1
        elif ((before := masked[at - 1]) == _SEMICOLON and _after_reference(masked, at)) or (
            before == _BLANK and raw.endswith(b"]]>", 0, at)  # (a CDATA section is blanked)
        ):
            line_at = next(_open_elements(masked, at), tag).end() - 1
        name = reference.group(1)
        if name not in names:
            names[name] = name.decode("utf-8")
        found.append((at, line_at, names[name]))
    return found


def _after_reference(masked: bytes, offset: int) -> bool:
    """Whether an entity reference ends at ``offset`` (asked where a ``;`` ends)."""
    return _REFERENCE.fullmatch(masked, masked.rfind(b"&", 0, offset), offset) is not None


def _open_elements(masked: bytes, offset: int) -> Iterator[re.Match[bytes]]:
    """The start tags of the elements open at ``offset``, innermost first (a sibling
    element before it is passed over by a search for its start tag)."""
    pos = offset
    while (at := masked.rfind(b"<", 0, pos)) >= 0:
        tag = _TAG.match(masked, at)
        if tag is None:
            return
        pos = at
        if tag.group(1):
            pos = _start_tag(masked, tag)
        elif not tag.group().endswith(b"/>"):
            yield tag


def _start_tag(masked: bytes, end: re.Match[bytes]) -> int:
    """Where the element whose end tag is ``end`` starts."""
    name = end.group(2)
    depth, pos = 1, end.start()
    while depth:
        opening = _last_tag(masked, b"<" + name, 0, pos)
        if opening < 0:
            return 0
        closing = _last_tag(masked, b"</" + name, opening, pos)
        if closing >= 0:  # an element of that name inside: its start first
            depth, pos = depth + 1, closing
            continue
        tag = _TAG.match(masked, opening)
        depth -= tag is not None and not tag.group().endswith(b"/>")
        pos = opening
    return pos


def _end_tag(masked: bytes, start: re.Match[bytes]) -> int:
    """Where the end tag of the element whose start tag is ``start`` starts."""
    name = start.group(2)
    depth, pos = 1, start.end()
    while depth:
        closing = _first_tag(masked, b"</" + name, pos, len(masked))
        if closing < 0:
            return len(masked)
        opening = _first_tag(masked, b"<" + name, pos, closing)
        if opening < 0:
            depth, pos = depth - 1, closing + 1
            continue
        tag = _TAG.match(masked, opening)
        depth += tag is not None and not tag.group().endswith(b"/>")
        pos = opening + 1
    return pos - 1


def _first_tag(masked: bytes, prefix: bytes, start: int, end: int) -> int:
    """The first ``prefix`` in ``masked[start:end]`` that a space, ``/`` or ``>`` follows
    (-1: none)."""
    while (at := masked.find(prefix, start, end)) >= 0:
        if masked[at + len(prefix) : at + len(prefix) + 1] in _NAME_ENDS:
            return at
        start = at + 1
    return -1


def _last_tag(masked: bytes, prefix: bytes, start: int, end: int) -> int:
    """The last ``prefix`` in ``masked[start:end]`` that a space, ``/`` or ``>`` follows
    (-1: none)."""
    while (at := masked.rfind(prefix, start, end)) >= 0:
        if masked[at + len(prefix) : at + len(prefix) + 1] in _NAME_ENDS:
            return at
        end = at
    return -1


def _reaches_line_limit(raw: bytes, nodes: list[tuple[int, int, str]], lines: LineCursor) -> bool:
    """Whether ``raw`` has :data:`LINE_LIMIT` lines or more, given the links or references
    ``nodes`` (offset, where the line is taken, ...): the newlines after the last place a
    line is taken are counted only when there are enough bytes left for them to reach it."""
    last = max((at for _, at, _ in nodes), default=0)
    line = lines.line(last)
    return line + len(raw) - last >= LINE_LIMIT and line + raw.count(b"\n", last) >= LINE_LIMIT
