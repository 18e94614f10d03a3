"""Links (LNK001–LNK003): internal and deep links land on an anchor; xmpp.org, IETF, W3C use https.

Internal links are read as the tree with entity references kept has them (from the bytes,
:mod:`e2ee_sig.lint.rules._literal`), so a link an entity expands to (``&NSNOTE;`` links
``#ns``) is reported at the entity reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Edit, Finding, Fix, Fixable, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import column_of, line_at, position
from e2ee_sig.lint.rules._literal import entity_links, masked, scan_literal
from e2ee_sig.xep import Document
from e2ee_sig.xep.index import GENERATED_IDS, root_index
from e2ee_sig.xep.query import all_sections, numbered_counts, per_document

_DEEP = re.compile(r"https?://(?:www\.)?xmpp\.org/extensions/xep-(\d{4})\.html#(.+)")
_NUMBERED = re.compile(r"(example|table)-(\d+)")
_UNPREDICTABLE = ("sect-", "nt-")
_HTTP_LINK = re.compile(rb"""<link\b[^>]*?\burl\s*=\s*['"](http)://([^/'"#?:\s]+)""")
_ANCHORS = etree.XPath("//@anchor", smart_strings=False, regexp=False)
"""Every ``anchor`` attribute value, as plain strings (no back-reference to the tree)."""
_ANCHOR_VALUE = re.compile(rb"""anchor\s*=\s*(?:'([^'&<\s]*)'|"([^"&<\s]*)")""")
_CUTOFF = 0.75
"""How close a suggested anchor must be (:func:`difflib.get_close_matches`)."""
HTTPS_HOSTS = ("xmpp.org", "ietf.org", "rfc-editor.org", "w3.org")
_OTHER_BREAKS = (b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")
"""Where ``str.splitlines`` ends a line besides a newline: these bytes, and the characters
of :data:`_OTHER_BREAKS_UTF8`."""
_OTHER_BREAKS_UTF8 = (
    (b"\x85", b"\xc2\x85"),
    (b"\xa8", b"\xe2\x80\xa8"),
    (b"\xa9", b"\xe2\x80\xa9"),
)
"""U+0085, U+2028 and U+2029 in UTF-8, each after its last byte (a search for one byte costs
less than one for several)."""
_COUNTED_LINES = 400
"""The most lines :func:`column_at` counts from the top to find one (else it splits them all)."""


@per_document
def _newline_lines(document: Document) -> bool:
    """Whether every line of ``Document.lines`` ends at a newline of the bytes (nothing else
    that ``str.splitlines`` splits at stands in them)."""
    raw = document.raw
    return not any(other in raw for other in _OTHER_BREAKS) and not any(
        last in raw and character in raw for last, character in _OTHER_BREAKS_UTF8
    )


def column_at(document: Document, line: int, text: str, offset: int | None = None) -> int:
    """What :func:`column_of` answers, read from the bytes of that one line (``offset``: a byte
    that may be on it, used when it is; else the line is found by counting newlines, for the
    first lines) when ``Document.lines``, which decodes and splits the whole file, is not there
    yet (most findings need no other line). The line of ``offset`` is counted from the offset
    asked for last (findings come in file order), not from the top."""
    raw = document.raw
    if "lines" in vars(document) or line < 1 or not _newline_lines(document):
        return column_of(document, line, text)
    if offset is not None and line_at(document, offset) != line:
        offset = None  # (a reference on a later line than the element reported)
    if offset is None:
        offset = _line_start(raw, line) if line <= _COUNTED_LINES else None
        if offset is None:
            return column_of(document, line, text)
    return _column_on(raw, offset, text)


def _line_start(raw: bytes, line: int) -> int | None:
    """Where line ``line`` of ``raw`` starts (None: it has fewer newlines before)."""
    at = 0
    for _ in range(line - 1):
        at = raw.find(b"\n", at) + 1
        if not at:
            return None
    return at


def _column_on(raw: bytes, offset: int, text: str) -> int:
    """The 1-based column of ``text`` on the line of ``raw`` that byte ``offset`` is on (1 when
    it is not there)."""
    end = raw.find(b"\n", offset)
    found = raw[raw.rfind(b"\n", 0, offset) + 1 : end if end >= 0 else len(raw)]
    column = found.decode("utf-8", "replace").find(text)
    return column + 1 if column >= 0 else 1


@per_document
def anchors(document: Document) -> set[str]:
    """The anchors of this document, and the ids ``xep.xsl`` gives it."""
    root = document.xml_root
    found = set(GENERATED_IDS)
    if root is not None:
        found.update(a for a in _ANCHORS(root) if a)
        examples, tables = numbered_counts(document)
        found |= {f"example-{n}" for n in range(1, examples + 1)}
        found |= {f"table-{n}" for n in range(1, tables + 1)}
    return found


@per_document
def section_anchors(document: Document) -> frozenset[str]:
    """The (not empty) ``anchor`` of every section: most internal links name one of these,
    which are all in :func:`anchors`."""
    return frozenset(anchor for s in all_sections(document) if (anchor := s.get("anchor")))


def written(document: Document, anchor: str) -> bool:
    """Whether an element of the document is written with ``anchor='…'`` (a cheap proof that
    the anchor exists; False also when only :func:`anchors` can tell)."""
    scan = scan_literal(document)
    if scan is None:
        return False
    value = anchor.encode()
    places = _anchor_places(document).get(value, ())
    return any((b"anchor", value) in scan.attributes(at) for at in places)


@per_document
def _anchor_places(document: Document) -> Mapping[bytes, list[int]]:
    """Where each ``anchor='…'`` (no reference or white space in it) stands after the start
    of the root element, by value: in a tag or not, as an attribute or not (read only)."""
    scan = scan_literal(document)
    places: dict[bytes, list[int]] = {}
    for found in _ANCHOR_VALUE.finditer(scan.masked, scan.root) if scan is not None else ():
        places.setdefault(found.group(1) or found.group(2), []).append(found.start())
    return MappingProxyType(places)  # (not copied for each call, as a dict would be)


def exists(anchor: str, known: set[str] | frozenset[str], lenient_numbers: bool = False) -> bool:
    """Whether ``anchor`` names something (generated section and note ids always pass)."""
    if anchor in known or anchor in GENERATED_IDS or anchor.startswith(_UNPREDICTABLE):
        return True
    return lenient_numbers and _NUMBERED.fullmatch(anchor) is not None


@per_document
def links(document: Document) -> list[tuple[str, int, str]]:
    """Every ``<link>`` URL with a fragment (``#…``) in the document, with its line and the
    entity it came from (``""`` when written directly), as the tree with entity references
    kept has them."""
    scan = scan_literal(document)
    if scan is None:
        nodes, linking = list(_nodes_in_tree(document)), entity_links(document)
    else:
        nodes, linking = scan.fragment_nodes(), scan.entity_links
    found: list[tuple[str, int, str]] = []
    for url, at, name in nodes:
        if not name:
            if "#" in url:
                found.append((url, at, ""))
            continue
        found += [(url, at, name) for url in linking.get(name, ())]
    return list(dict.fromkeys(found))


def _nodes_in_tree(document: Document) -> Iterator[tuple[str, int, str]]:
    """Each link (URL, line, ``""``) and entity reference (``""``, line, name) of the literal
    tree, in document order."""
    tree = document.literal_tree
    for node in tree.getroot().iter("link", etree.Entity) if tree is not None else ():
        at = node.sourceline or 1
        if node.tag == "link":
            yield node.get("url", "").strip(), at, ""
        else:
            yield "", at, node.name


def _column(document: Document, line: int, url: str, entity: str) -> int:
    """The column of a link's URL on its line (of the entity reference it came from), read
    from that line's bytes when a link or reference the literal scan found stands on it."""
    scan = scan_literal(document)
    offset = None
    if scan is not None:
        nodes = (*scan.links, *scan.references)
        offset = next((at for at, place, _ in nodes if scan.line(place) == line), None)
    return column_at(document, line, f"&{entity};" if entity else url, offset)


@rule("LNK001", "internal-link-anchor", Severity.WARNING, content=True)
def internal_link_anchor(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every internal ``<link url='#a'>`` names an anchor of this XEP.

    Why: XEP-0143 §format-contents: sections are linked by their ``anchor``; a link to a
    missing anchor goes nowhere in the rendered XEP. Links that an entity expands to count:
    ``&NSNOTE;`` links ``#ns`` and ``&VNOTE;`` links ``#registrar-versioning``, so a XEP that
    uses them needs those anchors. Ids that ``xep.xsl`` generates (``appendix-revs``,
    ``example-3``, ``sect-…``) exist without an anchor.

    Bad: ``<link url='#registar'>`` with ``<section1 anchor='registrar'>``; ``&NSNOTE;`` in a
    XEP without a section anchored ``ns``.
    Good: ``<link url='#registrar'>``; a ``<section2 topic='Protocol Namespaces' anchor='ns'>``.
    """
    known: set[str] | None = None
    for url, line, entity in links(document):
        target = url[1:]
        if not url.startswith("#") or exists(target, section_anchors(document)):
            continue
        if written(document, target):
            continue
        known = known if known is not None else anchors(document)
        if exists(target, known):
            continue
        column = _column(document, line, url, entity)
        if entity:
            yield Finding(
                f"&{entity}; links #{target}, but this XEP has no anchor {target!r}",
                line,
                column,
                hint=f"add anchor='{target}' to the section it means, or drop &{entity};",
            )
        else:
            yield Finding(
                f"link to #{target}: this XEP has no anchor {target!r}",
                line,
                column,
                hint=_suggest(target, known),
            )


def _suggest(anchor: str, known: set[str]) -> str:
    close = _closest(anchor, tuple(sorted(known)))
    if close:
        return f"did you mean #{close[0]}?"
    return "add that anchor to the section it means, or correct the link"


@lru_cache(maxsize=1024)
def _closest(anchor: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The known anchor closest to ``anchor`` (remembered: re-linting an edited document
    does not compare again)."""
    import difflib

    size = len(anchor)
    others = str.maketrans(dict.fromkeys(anchor))  # deletes the characters of ``anchor``
    similar = []  # what ``real_quick_ratio`` and ``quick_ratio`` may let through
    for other in known:
        total = size + len(other)
        if total and 2.0 * min(size, len(other)) / total < _CUTOFF:
            continue  # (the bound ``real_quick_ratio`` computes)
        shared = len(other) - len(other.translate(others))  # bounds the characters in common
        if total and 2.0 * min(shared, size) / total < _CUTOFF:
            continue
        similar.append(other)
    return tuple(difflib.get_close_matches(anchor, similar, n=1, cutoff=_CUTOFF))


@rule("LNK002", "deep-link-anchor", Severity.WARNING, content=True)
def deep_link_anchor(document: Document, context: LintContext) -> Iterator[Finding]:
    """A link into another XEP (``xep-NNNN.html#a``) names an anchor that XEP has.

    Why: XEP-0143 §format-contents; sections get renamed and their anchors with them, and a
    deep link into another XEP then lands at its top. Checked against the XEP of that number
    in the same checkout (skipped when it is not there); generated ids (``appendix-…``,
    ``sect-…``, ``example-N``) always pass.

    Bad: ``<link url='https://xmpp.org/extensions/xep-0060.html#subscriber-retrieve'>``
    (XEP-0060's anchor is ``subscriber-retrieve-request``).
    Good: ``<link url='https://xmpp.org/extensions/xep-0060.html#subscriber-retrieve-request'>``.
    """
    index = root_index(document)
    if index is None:
        return
    for url, line, entity in links(document):
        match = _DEEP.fullmatch(url)
        if match is None:
            continue
        number, anchor = match.groups()
        target = index.xeps.get(number)
        if target is None or exists(anchor, target.anchors, lenient_numbers=True):
            continue
        yield Finding(
            f"link to XEP-{number}#{anchor}: XEP-{number} has no anchor {anchor!r}",
            line,
            _column(document, line, url, entity),
            hint=_suggest(anchor, set(target.anchors)),
        )


def _http_links(document: Document) -> Iterator[re.Match[bytes]]:
    """What :data:`_HTTP_LINK` finds in the document's bytes (comments and CDATA blanked):
    in the root element only at the ``<link`` that the literal reading found."""
    blanked = masked(document)
    scan = scan_literal(document)
    if scan is None:
        yield from _HTTP_LINK.finditer(blanked)
        return
    end = 0
    for match in _HTTP_LINK.finditer(blanked, 0, scan.root):  # the prolog
        end = match.end()
        yield match
    for at in scan.link_starts:
        if at >= end and (found := _HTTP_LINK.match(blanked, at)) is not None:
            end = found.end()
            yield found


def _https_host(host: str) -> bool:
    host = host.lower()
    return any(host == h or host.endswith("." + h) for h in HTTPS_HOSTS)


@rule("LNK003", "https-link", Severity.WARNING, content=True, fixable=Fixable.ALWAYS)
def https_link(document: Document, context: LintContext) -> Iterator[Finding]:
    """Links to xmpp.org (and its subdomains), the IETF, the RFC Editor and W3C use https.

    Why: these hosts serve everything over https and redirect plain http; the XSF editors
    update such links by hand. The fix inserts the ``s`` and changes nothing else. Only
    ``<link url>`` attributes are checked (not examples, comments or ``xep.ent``).

    Bad: ``<link url='http://xmpp.org/extensions/xep-0001.html'>``.
    Good: ``<link url='https://xmpp.org/extensions/xep-0001.html'>``.
    """
    for match in _http_links(document):
        host = match.group(2).decode("utf-8", "replace")
        if not _https_host(host):
            continue
        at = match.end(1)
        line, column = position(document, match.start(1))
        yield Finding(
            f"link to http://{host}: that host serves https",
            line,
            column,
            hint="use https://",
            fix=Fix(f"use https://{host}", (Edit(at, at, b"s"),)),
        )
