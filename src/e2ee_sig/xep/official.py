"""The document as the XSF's official CI sees it.

``tools/validate-xep0001-conformance.sh`` reads six values with ``xmllint --xpath`` and compares
them as strings; ``make`` then validates with entities expanded. This module reproduces those
readings from the shared parse, quirks included (see ``official-ci.md``):

* a value is every text node of the selected elements, serialised and joined by newlines, with
  trailing newlines removed: a comment splits the text, CDATA stays ``<![CDATA[...]]>``, an
  entity reference yields nothing except in ``<number>`` (read with ``--noent``);
* the DTD check validates the tree with entity references kept against the root's ``xep.dtd``;
  the ``make`` check validates with entities expanded against the document's own DTD.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.lazy import cached_property

if TYPE_CHECKING:
    from lxml import etree

    from e2ee_sig.xep.doctype import Doctype
    from e2ee_sig.xep.root import XepRoot

_ENTITY_INSIDE = re.compile(
    rb"<(status|type|approver|version)\b[^>]*+>(?:[^<&]++|<(?!/\1)|&(?![A-Za-z_:]))*+&[A-Za-z_:]"
)
"""An entity reference inside a value the CI reads with references kept: after the start tag,
before the first closing tag of that name. Runs of plain text go in one step, never given back
(a lazy ``(?:(?!</\1).)*?`` tried the reference and the closing tag at every character)."""
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NEEDS_ESCAPE = re.compile("[&<>\r]")
_CDATA_SPLIT = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.S)
STYLESHEET_HREF = re.compile(r"href=['\"]xep.xsl['\"]")
_HEADER_CLOSE = b"</header>"
_NAME_START = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:"  # after ``&`` in the regex


@dataclass(frozen=True)
class ValidityError:
    """One DTD validity message, with its line."""

    message: str
    line: int
    column: int = 1


def _cdata_nodes(element: etree._Element) -> list[str]:
    """The serialised text nodes that ``xmllint`` prints for ``element/text()`` when CDATA
    may stand among them (read from the markup, where CDATA keeps its delimiters)."""
    from lxml import etree

    markup = etree.tostring(element, with_tail=False, encoding="unicode")
    inner = markup[markup.index(">") + 1 : markup.rindex("</")] if not markup.endswith("/>") else ""
    runs, position = [], 0
    for child in element:
        child_markup = etree.tostring(child, with_tail=False, encoding="unicode")
        start = inner.index(child_markup, position)
        runs.append(inner[position:start])
        position = start + len(child_markup)
    runs.append(inner[position:])
    return [node for run in runs for node in _CDATA_SPLIT.split(run) if node]


def _value(elements: list[etree._Element], has_cdata: bool) -> str:
    """What ``xmllint`` prints for the text nodes of ``elements``: each node serialised, joined
    by newlines, trailing newlines removed (without CDATA, a node is an element's text or a
    child's tail, and escaping the joined nodes escapes each one)."""
    if has_cdata:
        return "\n".join([node for element in elements for node in _cdata_nodes(element)]).rstrip(
            "\n"
        )
    nodes = []
    for element in elements:
        if text := element.text:
            nodes.append(text)
        if len(element):
            nodes += [tail for child in element if (tail := child.tail)]
    return escaped("\n".join(nodes)).rstrip("\n")


def escaped(text: str) -> str:
    """``text`` as libxml2 serialises a text node (``&``, ``<``, ``>`` and CR escaped);
    ``text`` itself, uncopied, when it has none of them (nearly every header value)."""
    return text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


_OFFICIAL_FIELDS = ("number", "status", "type", "approver", "version")  # what the CI reads


def _header_fields(tree: etree._ElementTree | None) -> dict[str, list]:
    """The elements at ``/xep/header/X`` and (as ``version``) ``/xep/header/revision/version``,
    by tag, in document order: one walk of each header, lxml picking the tags in C (a
    proxy only for them and their parents, none for the other header children)."""
    fields: dict[str, list] = {}
    root = tree.getroot() if tree is not None else None
    if root is None or root.tag != "xep":
        return fields
    for header in root.iterchildren("header"):
        for element in header.iter(*_OFFICIAL_FIELDS):
            tag, parent = element.tag, element.getparent()
            if tag == "version":
                if parent.tag != "revision" or parent.getparent() is not header:
                    continue
            elif parent is not header:
                continue
            found = fields.get(tag)
            if found is None:
                fields[tag] = [element]
            else:
                found.append(element)
    return fields


def _entity_inside(raw: bytes, end: int) -> bool:
    """Whether :data:`_ENTITY_INSIDE` matches in ``raw[:end]``, searched only up to the last
    ``&`` + name start before ``end``, where any match must end (a header's last one comes
    before its revisions' end, often well before: 1.8 → 0.9 MB of header searched over the
    repository). The characters past it are none the regex reads on its way to a match."""
    at = raw.rfind(b"&", 0, end - 1) if end > 1 else -1  # (a negative end counts from the back)
    while at >= 0 and raw[at + 1] not in _NAME_START:
        at = raw.rfind(b"&", 0, at)
    return at >= 0 and _ENTITY_INSIDE.search(raw, 0, at + 2) is not None


def _through_header(raw: bytes, tree: etree._ElementTree, close: int) -> int:
    """Where the line ends on which the first node after the last ``<header>`` starts, in
    ``raw``: every header value lies before it (the whole length when nothing follows, or when
    that node came from an entity, whose line numbers count from the entity's value). An
    offset, not a copy of the header. ``close``: where the first ``</header>`` stands (-1:
    nowhere)."""
    headers = list(tree.getroot().iterchildren("header"))
    after = headers[-1].getnext() if headers else None
    line = after.sourceline if after is not None else None
    end = _end_of_line(raw, line, close) if line else None
    if end is None:
        return len(raw)
    start = _start_tag(after)
    found = start is not None and raw.find(start, raw.rfind(b"\n", 0, end) + 1, end) >= 0
    return end if found and 0 <= close <= end - len(_HEADER_CLOSE) else len(raw)


def _end_of_line(raw: bytes, line: int, hint: int) -> int | None:
    """Where the newline that ends line ``line`` (counted from 1) stands; None when ``raw``
    has fewer lines. The count starts at ``hint`` (the first ``</header>``, near which that
    line usually is; -1: none), instead of splitting every line before it."""
    if hint < 0:
        hint = 0
    before = raw.count(b"\n", 0, hint)  # newlines before the hint: it is on line before + 1
    if before >= line:
        hint, before = 0, 0
    end = hint - 1
    for _ in range(line - before):
        end = raw.find(b"\n", end + 1)
        if end < 0:
            return None
    return end


def _start_tag(node: etree._Element | None) -> bytes | None:
    """How ``node`` starts in the source (None when that cannot be told)."""
    tag = getattr(node, "tag", None)
    if isinstance(tag, str):
        return b"<" + tag.encode() if not tag.startswith("{") else None
    target = getattr(node, "target", None)
    return b"<?" + target.encode() if isinstance(target, str) else b"<!--"


def _errors(log: object) -> list[ValidityError]:
    return [ValidityError(e.message, e.line or 1, e.column or 1) for e in log]  # type: ignore[attr-defined]


@dataclass
class OfficialView:
    """Values and validity exactly as the official CI computes them for one document.

    A plain view of the document's parts (bytes, trees, root): it never points back at the
    :class:`~e2ee_sig.xep.parse.Document`, so both are freed by reference counting.
    """

    path: Path
    raw: bytes
    tree: etree._ElementTree | None
    root: XepRoot | None
    doctype: Doctype | None
    fatal: ValidityError | None
    parse_errors: list[ValidityError]
    parsed_bytes: bytes = field(repr=False)
    parse_literal: Callable[[], etree._ElementTree | None] = field(repr=False)
    is_root_xep_file: bool = False

    @cached_property
    def literal_tree(self) -> etree._ElementTree | None:
        """The tree with entity references kept (parsed on first use: it is rarely needed)."""
        return self.parse_literal()

    @cached_property
    def _header_close(self) -> int:
        """Where the first ``</header>`` stands in the bytes (-1: nowhere)."""
        return self.raw.find(_HEADER_CLOSE)

    @cached_property
    def _has_cdata(self) -> bool:
        end = self._header_close
        return self.raw.find(b"<![CDATA[", 0, end if end >= 0 else len(self.raw)) >= 0

    @cached_property
    def _literal_tree(self) -> etree._ElementTree | None:
        """Entity references kept; only parsed when a header value or a verdict needs it."""
        tree = self.tree
        if tree is not None and not _entity_inside(
            self.raw, _through_header(self.raw, tree, self._header_close)
        ):
            return tree
        return self.literal_tree

    @cached_property
    def _fields(self) -> dict[str, list]:
        return _header_fields(self._literal_tree)

    def _read(self, tag: str, expanded: bool = False) -> str:
        if expanded and self.tree is not self._literal_tree:
            elements = _header_fields(self.tree).get(tag, [])
        else:
            elements = self._fields.get(tag, [])
        return _value(elements, self._has_cdata)

    @cached_property
    def number(self) -> str:
        return self._read("number", expanded=True)

    @cached_property
    def status(self) -> str:
        return self._read("status")

    @cached_property
    def type(self) -> str:
        return self._read("type")

    @cached_property
    def approver(self) -> str:
        return self._read("approver")

    @cached_property
    def versions(self) -> str:
        return self._read("version")  # /xep/header/revision/version

    @cached_property
    def stylesheets(self) -> str:
        """Every top-level ``xml-stylesheet`` PI, serialised, one per line."""
        tree = self._literal_tree
        if tree is None:
            return ""
        root = tree.getroot()
        nodes = [*reversed(list(root.itersiblings(preceding=True))), *root.itersiblings()]
        pis = [n for n in nodes if getattr(n, "target", None) == "xml-stylesheet"]
        return "\n".join(
            f"<?xml-stylesheet {p.text}?>" if p.text else "<?xml-stylesheet?>" for p in pis
        )

    @cached_property
    def expanded_errors(self) -> list[ValidityError]:
        """What ``xmllint --noent --loaddtd --valid`` reports (the ``make`` check)."""
        root, tree = self.root, self.tree
        if root is None:
            return []
        if tree is None:
            return [self.fatal] if self.fatal else []
        doctype = self.doctype
        if doctype is None:
            return [ValidityError("no DOCTYPE: the document names no DTD", 1)]
        errors = list(self.parse_errors)
        if self.is_root_xep_file:  # make resolves the system identifier like xmllint
            problem = root.dtd_problem(doctype.system, self.path)
            if problem:
                errors.append(ValidityError(problem, 1))
        elif (doctype.system or "").replace("\\", "/").rsplit("/", 1)[-1] != "xep.dtd":
            errors.append(ValidityError(f"DOCTYPE names {doctype.system!r}, not 'xep.dtd'", 1))
        if doctype.name != tree.getroot().tag:
            errors.append(
                ValidityError(
                    f"root element {tree.getroot().tag!r} does not match "
                    f"the DOCTYPE name {doctype.name!r}",
                    tree.getroot().sourceline or 1,
                )
            )
        if doctype.declares_elements:
            return errors + _validate_with_own_dtd(root, self.parsed_bytes, self.path)
        dtd = root.dtd
        if not dtd.validate(tree):
            errors += _errors(dtd.error_log)
        return errors

    @cached_property
    def literal_errors(self) -> list[ValidityError]:
        """What ``xmllint --dtdvalid xep.dtd`` reports (the script's first check)."""
        root = self.root
        if root is None:
            return []
        own_declarations = self.doctype is not None and self.doctype.declares_elements
        if not (self.parse_errors or own_declarations or self.expanded_errors):
            return []
        tree = self.literal_tree
        if tree is None:
            return [self.fatal or self.parse_errors[0]]
        dtd = root.dtd
        return [] if dtd.validate(tree) else _errors(dtd.error_log)


def _validate_with_own_dtd(root: XepRoot, parsed_bytes: bytes, path: Path) -> list[ValidityError]:
    """Validate against ``xep.dtd`` plus the internal subset's own declarations (rare)."""
    from lxml import etree

    from e2ee_sig.fsio import display_name

    class _RootFiles(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            if url and url.replace("\\", "/").rsplit("/", 1)[-1] == "xep.dtd":
                return self.resolve_filename(str(root.dtd_path), context)
            return self.resolve_string("", context)

    parser = etree.XMLParser(
        load_dtd=True, dtd_validation=True, resolve_entities="internal", no_network=True
    )
    parser.resolvers.add(_RootFiles())
    name = display_name(path)
    own = {name, str(root.dtd_path)}  # the log may still hold other parses' errors
    try:
        etree.fromstring(parsed_bytes, parser, base_url=name)
    except etree.XMLSyntaxError as error:
        return _errors(e for e in error.error_log if e.filename in own) or [
            ValidityError(str(error), 1)
        ]
    return _errors(e for e in parser.error_log.filter_from_errors() if e.filename in own)
