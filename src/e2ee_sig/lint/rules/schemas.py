"""Schemas (SCH001–SCH004): each ``xs:schema`` block is well-formed, compiles, and is this XEP's.

Schemas are compiled with lxml's ``XMLSchema`` once per run, cached by their text. Imports
are resolved only against the other XEPs' schemas in the same checkout (by namespace, through
the root index) and a small ``xml.xsd`` shipped with e2ee-sig; nothing is fetched and no file
outside the XEP root is read. A schema that imports an RFC or W3C schema is not compiled (a
warning says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from e2ee_sig.lazy import cached_property
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import (
    Block,
    blocks,
    document_entities,
    line_start,
    position,
)
from e2ee_sig.lint.rules._fragments import Issue, check
from e2ee_sig.lint.rules.examples import issue_finding
from e2ee_sig.xep import Document
from e2ee_sig.xep.facts import NAMESPACE, registrar_namespaces, schema_start, schema_starts
from e2ee_sig.xep.index import RootIndex, root_index
from e2ee_sig.xep.parsers import nothing_external
from e2ee_sig.xep.query import per_document

if TYPE_CHECKING:
    from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_SCHEME = "e2ee-sig-schema:"
_XS_NAME = re.compile(r"\{" + re.escape(XS) + r"\}")
_XS_IN_START_TAG = XS.removeprefix("http://")
"""What every schema start tag holds (:data:`~e2ee_sig.xep.facts.SCHEMA_START`)."""


@dataclass
class SchemaPart:
    """One schema inside a block: text offsets ``[start, end)`` of ``block.text``."""

    block: Block
    start: int
    end: int
    tree: etree._Element | None = None
    error: tuple[int, str] | None = None
    """A strict parser's complaint: (text offset, message)."""
    source: bytes = b""
    """The text as parsed (declarations blanked, lines kept)."""
    issue: Issue | None = None
    """What the fragment checker found wrong with the whole block."""

    @cached_property
    def text(self) -> str:
        return self.block.text[self.start : self.end]

    @cached_property
    def target(self) -> str:
        """The ``targetNamespace`` of the parsed schema (read once: the tree stays as parsed)."""
        return (self.tree.get("targetNamespace") or "") if self.tree is not None else ""

    @cached_property
    def declared(self) -> frozenset[str]:
        """The name of every element the parsed schema declares (read when first asked)."""
        if self.tree is None:
            return frozenset()
        return frozenset(e.get("name", "") for e in self.tree.iter(f"{{{XS}}}element"))

    @cached_property
    def names_other_schemas(self) -> bool:
        """Whether the parsed schema imports, includes or redefines another schema (the
        tree is walked only when the text holds one of those names)."""
        if self.tree is None or not any(name in self.text for name in _REFERENCE_NAMES):
            return False
        return next(_references(self.tree), None) is not None


@dataclass(frozen=True)
class Compiled:
    """A compiled schema, or why not: an error (line in the schema text, message) or the
    outside namespace it needs."""

    schema: etree.XMLSchema | None = None
    error: tuple[int, str] | None = None
    external: str | None = None


_COMPILED: dict[tuple[str, str], Compiled] = {}
"""Each schema compiled, by (root, schema text): a dict lookup hashes the text far faster
than a digest would."""


@per_document
def schema_parts(document: Document) -> tuple[SchemaPart, ...]:
    """Every schema of the document, parsed strictly (once per document)."""
    return tuple(_parts(document))


def _parts(document: Document) -> list[SchemaPart]:
    parts: list[SchemaPart] = []
    for block in blocks(document):
        if block.has_markup or "XMLSchema" not in block.text:  # a cheap part of the start
            continue
        starts = every_schema_start(block.text)
        if not starts:
            continue
        lone = lone_schema(block, starts[0]) if len(starts) == 1 else None
        parts += [lone] if lone is not None else checked_parts(block, starts)
    return parts


def every_schema_start(text: str) -> list[int]:
    """:func:`schema_starts`, searched past the first start only when the XML Schema
    namespace occurs again after it (another start tag holds it): most blocks hold one
    schema, and its end is found without trying the pattern at each tag."""
    first = schema_start(text)
    if first is None:
        return []
    again = text.find(_XS_IN_START_TAG, first.end()) >= 0
    return schema_starts(text) if again else [first.start()]


def checked_parts(block: Block, starts: list[int]) -> list[SchemaPart]:
    """The schemas of ``block`` (one from each of ``starts``), the block checked as an XML
    fragment first: a part is parsed only when the whole block passes."""
    outcome = check(block.text)
    parts: list[SchemaPart] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(block.text)
        part = SchemaPart(block, start, end, issue=outcome.issue)
        if outcome.issue is None:
            _parse(part, outcome.blanks)
        parts.append(part)
    return parts


_PROLOG = re.compile(r"[ \t\r\n]*(?:<\?xml(?:[^?]|\?(?!>))*\?>[ \t\r\n]*)?")
"""What may come before a lone schema: XML white space and one declaration (or other
``<?xml…?>`` instruction)."""
_DEPTH_LIMIT = 256
"""libxml2's element depth limit (without ``huge_tree``)."""


def lone_schema(block: Block, start: int) -> SchemaPart | None:
    """The block's one schema (from ``start``, its only start tag), when it parses as it
    stands and only white space and an XML declaration come before it, else None.

    Then :func:`checked_parts` finds the same part without the fragment check: the checker's
    strict parser, which reads the block inside a wrapper element with the declaration
    blanked, accepts whatever parses alone, unless it holds an instruction (which it leaves
    to the slow checker) or reaches libxml2's depth limit (the wrapper is one level more).
    """
    text = block.text
    if not _PROLOG.fullmatch(text, 0, start) or text.find("<?", start) >= 0:
        return None
    part = SchemaPart(block, start, len(text))
    _parse(part, [])
    if part.tree is None:
        return None
    deep = text.count("<", start) >= _DEPTH_LIMIT  # else too few tags to nest that deep
    return None if deep and _reaches_depth_limit()(part.tree) else part


@cache
def _reaches_depth_limit() -> etree.XPath:
    """Whether a tree has an element nested at libxml2's depth limit."""
    from lxml import etree

    return etree.XPath("boolean(" + "/*" * _DEPTH_LIMIT + ")", regexp=False)


def _parse(part: SchemaPart, blanks: list[tuple[int, int]]) -> None:
    from lxml import etree

    text = part.text
    for start, end in blanks:
        if part.start <= start < part.end:
            a, b = start - part.start, min(end, part.end) - part.start
            text = text[:a] + re.sub(r"[^\n]", " ", text[a:b]) + text[b:]
    part.source = text.encode("utf-8")
    try:
        parser = _blank_free_parser() if _blank_free(text) else _shared_parser()
        part.tree = etree.fromstring(part.source, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        part.error = (part.start + line_start(text, line), _clean(str(error.msg)))


def _clean(message: str) -> str:
    message = _XS_NAME.sub("xs:", message)
    return re.sub(r",? line \d+(, column \d+)?$", "", message).strip()


def _parser(resolver: etree.Resolver | None = None, *, blanks: bool = True) -> etree.XMLParser:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        remove_comments=True,
        remove_blank_text=not blanks,
    )
    parser.resolvers.add(resolver or nothing_external())
    return parser


@cache
def _shared_parser() -> etree.XMLParser:
    """The parser of schema texts read as they stand (lxml parsers may be shared)."""
    return _parser()


@cache
def _blank_free_parser() -> etree.XMLParser:
    """:func:`_shared_parser`, leaving out the white space between tags."""
    return _parser(blanks=False)


def _blank_free(text: str) -> bool:
    """Whether ``text`` may be parsed without the white space between its tags: that
    white space is no part of a schema (``XMLSchema`` drops it), and leaving it out makes
    the tree smaller, cheaper to copy for ``XMLSchema``. Not when a comment or CDATA section
    (or a DOCTYPE: all start with ``<!``) or a reference (``&amp;``, ``&#32;``) could join
    it to text that follows: the parse would keep it then, and libxml2 drops the blank run
    before a reference (`` \n&amp;`` would lose its space)."""
    return "<!" not in text and "&" not in text


def _xml_xsd() -> str:
    return resources.files("e2ee_sig").joinpath("data/xml.xsd").read_text("utf-8")


_REFERENCE_NAMES = ("import", "include", "redefine")


def _references(tree: etree._Element) -> Iterator[etree._Element]:
    """The schema's ``xs:import``, ``xs:include`` and ``xs:redefine`` elements."""
    return tree.iter(*(f"{{{XS}}}{name}" for name in _REFERENCE_NAMES))


def _rewrite_imports(tree: etree._Element, index: RootIndex | None) -> str | None:
    """Point each ``xs:import`` at a schema we have; the first outside schema needed
    (directly or through an imported XEP schema), else None."""
    for node in _references(tree):
        if node.tag != f"{{{XS}}}import":
            return node.get("schemaLocation", "an included schema")
        namespace = node.get("namespace", "")
        outside = _outside_of(namespace, index)
        if outside is not None:
            return outside
        node.set("schemaLocation", _SCHEME + quote(namespace, safe=""))
    return None


def _outside_of(namespace: str, index: RootIndex | None) -> str | None:
    """What outside schema importing ``namespace`` needs (None: all in the checkout),
    worked out once per index."""
    if index is None:
        return _outside(namespace, index, set())
    key = f"schemas.outside:{namespace}"
    if key not in index.derived:
        index.derived[key] = _outside(namespace, index, set())
    found = index.derived[key]
    return found if isinstance(found, str) else None


def _outside(namespace: str, index: RootIndex | None, seen: set[str]) -> str | None:
    """What outside schema importing ``namespace`` needs (None: all in the checkout)."""
    from lxml import etree

    if namespace == XML_NS or namespace in seen:
        return None
    found = index.schema_for(namespace) if index is not None and namespace else None
    if found is None:
        return namespace or "a schema without a namespace"
    seen.add(namespace)
    try:
        tree = etree.fromstring(_decl_free(found[1]).encode("utf-8"), _shared_parser())
    except etree.XMLSyntaxError:
        return f"{namespace} ({found[0].label}'s schema is not well-formed)"
    for node in _references(tree):
        if node.tag != f"{{{XS}}}import":
            return node.get("schemaLocation", "an included schema")
        outside = _outside(node.get("namespace", ""), index, seen)
        if outside is not None:
            return outside
    return None


def _resolver(index: RootIndex | None) -> etree.Resolver:
    """Schemas by namespace: xml.xsd and the other XEPs' schemas, imports rewritten."""
    return _resolver_class()(index)


@cache
def _resolver_class() -> type:
    from lxml import etree

    class Checkout(etree.Resolver):
        def __init__(self, index: RootIndex | None) -> None:
            super().__init__()
            self.index = index

        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            namespace = unquote(url[len(_SCHEME) :]) if url.startswith(_SCHEME) else None
            if namespace == XML_NS:
                return self.resolve_string(_xml_xsd(), context)
            found = _imported(namespace, self.index) if self.index and namespace else None
            return self.resolve_string(found or "", context)

    return Checkout


def _imported(namespace: str, index: RootIndex) -> bytes | None:
    """The schema some XEP gives for ``namespace``, its own imports rewritten (None: none,
    or not well-formed), worked out once per index."""
    from lxml import etree

    key = f"schemas.imported:{namespace}"
    if key not in index.derived:
        found = index.schema_for(namespace)
        text = None
        if found is not None:
            try:
                tree = etree.fromstring(_decl_free(found[1]).encode("utf-8"), _shared_parser())
            except etree.XMLSyntaxError:
                tree = None
            if tree is not None:
                _rewrite_imports(tree, index)
                text = etree.tostring(tree)
        index.derived[key] = text
    known = index.derived[key]
    return known if isinstance(known, bytes) else None


def _decl_free(text: str) -> str:
    start = schema_start(text)
    return text[start.start() :] if start else text


def compiled(part: SchemaPart, index: RootIndex | None, root_key: str) -> Compiled:
    """``part`` compiled (cached by its text per root). A schema that names no other
    schema is compiled from its parsed tree (``XMLSchema`` works on a copy); one that
    does is parsed again, its imports rewritten, by a parser that resolves them."""
    from lxml import etree

    key = (root_key, part.text)
    if key in _COMPILED:
        return _COMPILED[key]
    result = Compiled()
    if part.tree is not None:
        tree, external = part.tree, None
        if part.names_other_schemas:
            parser = _parser(_resolver(index), blanks=not _blank_free(part.text))
            tree = etree.fromstring(part.source, parser)
            external = _rewrite_imports(tree, index)
        if external is not None:
            result = Compiled(external=external)
        else:
            try:
                result = Compiled(schema=etree.XMLSchema(tree))
            except etree.XMLSchemaParseError as error:
                entry = error.error_log[0] if len(error.error_log) else None
                line = entry.line if entry is not None and entry.line else 1
                message = entry.message if entry is not None else str(error)
                result = Compiled(error=(line, _clean(message)))
    _COMPILED[key] = result
    return result


@per_document
def document_schemas(document: Document) -> tuple[tuple[SchemaPart, Compiled], ...]:
    """Each well-formed schema of ``document`` with its compilation (once per document)."""
    parts = [p for p in schema_parts(document) if p.tree is not None]
    if not parts:
        return ()
    naming = any(p.names_other_schemas for p in parts)
    index = root_index(document) if naming else None  # only imports are looked up in it
    key = str(document.root.path) if document.root else ""
    found = [(p, compiled(p, index, key)) for p in parts]
    outside = {p.target: c.external for p, c in found if c.external is not None}
    return tuple(  # a module of a multi-document schema shares its driver's outside imports
        (p, Compiled(external=outside[p.target]) if c.error and p.target in outside else c)
        for p, c in found
    )


def _at(document: Document, part: SchemaPart, offset: int) -> tuple[int, int]:
    return position(document, part.block.raw_offset(offset))


@rule("SCH001", "schema-well-formed", Severity.ERROR, content=True)
def schema_well_formed(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every ``xs:schema`` block is well-formed XML.

    Why: XEP-0001 §schema: a Standards Track XEP's schema is normative and is published as a
    file at xmpp.org/schemas/; a schema that does not parse is no schema at all. Reported at
    the exact place in the XEP, with the fix.

    Bad: ``<xml version='1.0' encoding='UTF-8'?>`` (no ``?`` after ``<``) before
    ``<xs:schema>``; ``<xs:element name='a'>`` never closed.
    Good: ``<?xml version='1.0' encoding='UTF-8'?>`` and every element closed.
    """
    reported: set[int] = set()
    for part in schema_parts(document):
        if id(part.block) in reported:
            continue
        if part.issue is not None:
            reported.add(id(part.block))
            yield issue_finding(document, part.block, part.issue, "schema: ")
        elif part.error is not None:
            line, column = _at(document, part, part.error[0])
            yield Finding(f"schema is not well-formed: {part.error[1]}", line, column)


@rule("SCH002", "schema-compiles", Severity.ERROR, content=True)
def schema_compiles(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every well-formed ``xs:schema`` compiles as an XML Schema.

    Why: XEP-0001 §schema and the XSF's schema publication: implementations validate against
    these schemas, and an invalid schema (a type without its ``xs:`` prefix, ``xs:attribute``
    before ``xs:sequence``, ``abstract`` on a simpleType) validates nothing. Imports are
    resolved against the other XEPs' schemas in the checkout and e2ee-sig's ``xml.xsd``; a
    schema importing an outside (RFC, W3C) schema is SCH003's note instead.

    Bad: ``<xs:complexType><xs:attribute name='jid' type='xs:string'/><xs:sequence>…``.
    Good: ``<xs:complexType><xs:sequence>…</xs:sequence><xs:attribute name='jid' …/>``.
    """
    for part, result in document_schemas(document):
        if result.error is not None:
            line_number, message = result.error
            line, column = _at(document, part, part.start + line_start(part.text, line_number))
            yield Finding(
                f"schema does not compile: {message}",
                line,
                column,
                hint=_hint(message),
            )


@rule("SCH003", "schema-external-import", Severity.WARNING, content=True)
def schema_external_import(document: Document, context: LintContext) -> Iterator[Finding]:
    """A schema that imports a schema from outside the XEPs is not compiled (a note).

    Why: e2ee-sig never fetches from the network; XEP schemas may import RFC schemas (XMPP
    stanza errors, streams) or W3C ones (XHTML) that no XEP defines. This says the schema was
    not checked, so that a clean run is not mistaken for a verified schema. ``xml:lang`` and
    the other ``xml:`` attributes are always resolved (e2ee-sig ships an ``xml.xsd``).

    Bad: (not a defect) ``<xs:import namespace='urn:ietf:params:xml:ns:xmpp-stanzas'/>``.
    Good: an import of a namespace some XEP in the checkout gives a schema for.
    """
    for part, result in document_schemas(document):
        if result.external is not None:
            line, column = _at(document, part, part.start)
            yield Finding(
                f"schema imports {result.external!r}, which no XEP here has a schema for: "
                "not compiled",
                line,
                column,
                hint="nothing to fix if it is an RFC or W3C schema; it is checked elsewhere",
            )


@rule("SCH004", "schema-target-namespace", Severity.WARNING, content=True)
def schema_target_namespace(document: Document, context: LintContext) -> Iterator[Finding]:
    """A schema's ``targetNamespace`` is a namespace this XEP defines, not a stale or foreign one.

    Why: XEP-0001 §schema: each XEP gives the schema of the namespaces it defines. Reported
    when the ``targetNamespace`` is never named by the XEP's examples, text or Registrar
    section and either another XEP of the checkout defines it (a copy-paste slip) or the XEP
    uses the same namespace with another version (the examples moved to ``:2``, the schema
    stayed at ``:1``). A schema-only namespace the XEP invents for its own types is fine.

    Bad: a schema with ``targetNamespace='urn:xmpp:widgets:1'`` in a XEP whose examples and
    Registrar section use ``urn:xmpp:widgets:2``.
    Good: ``targetNamespace='urn:xmpp:widgets:2'``.
    """
    parts = [p for p in schema_parts(document) if p.tree is not None and p.target]
    if not parts:
        return
    every = [block.text for block in blocks(document)]
    parts = [p for p in parts if not any(_names(text, p.target) for text in every)]
    if not parts:  # each named by another block: in the mentions, whatever the rest holds
        return
    texts = [text for text in every if not schema_start(text)]
    index = root_index(document)
    haystack: str | None = None
    used: set[str] | None = None
    for part in parts:
        others = sorted(
            {
                f.label
                for f in (index.definers.get(part.target, []) if index else [])
                if f.relpath != document.relpath
            }
        )
        base = _unversioned(part.target)
        if not others and base == part.target:
            continue  # nothing to report, whatever the XEP names
        haystack = _mentions(document, texts) if haystack is None else haystack
        if part.target in haystack:
            continue
        if others:
            why = f"; {', '.join(others)} defines it"
        elif base != part.target and base in haystack:  # else no other version is named
            used = set(NAMESPACE.findall(haystack)) if used is None else used
            versions = sorted(ns for ns in used if _unversioned(ns) == base)
            if not versions:
                continue
            why = f"; the XEP uses {', '.join(versions)}"
        else:
            continue
        line, column = _at(document, part, part.start)
        yield Finding(
            f"schema targetNamespace {part.target!r} is not a namespace this XEP defines{why}",
            line,
            column,
            hint="give the schema the namespace the XEP defines",
        )


def _names(text: str, target: str) -> bool:
    """Whether the block ``text`` names ``target`` and holds no schema."""
    return target in text and not schema_start(text)


def _unversioned(namespace: str) -> str:
    return re.sub(r":\d+$", "", namespace)


def _mentions(document: Document, texts: list[str]) -> str:
    """All of the document's text except its schemas, entities expanded where it matters
    (``texts``: those of its blocks that hold no schema)."""
    raw = document.raw.decode("utf-8", "replace")
    pieces = [raw, *texts]
    pieces += registrar_namespaces(document.raw, document_entities(document))
    for part in schema_parts(document):
        pieces[0] = pieces[0].replace(part.text, "")
    return "\n".join(pieces)


def standalone_part(text: str) -> SchemaPart | None:
    """Another XEP's schema text as a parsed part (None when it is not well-formed)."""
    start = schema_start(text)
    outcome = check(text)
    if start is None or outcome.issue is not None:
        return None
    part = SchemaPart(Block("code", 0, "", text), start.start(), len(text))
    _parse(part, outcome.blanks)
    return part if part.tree is not None else None


def _hint(message: str) -> str:
    if "content is not valid" in message:
        return (
            "order the children as XML Schema requires (in xs:complexType: xs:sequence or "
            "xs:choice first, then xs:attribute)"
        )
    if "not indicated by an import" in message:
        return "add <xs:import namespace='…'/> for that namespace"
    if "does not resolve" in message:
        return "define the type, or prefix a built-in type with xs: (xs:integer, xs:dateTime)"
    return "fix the schema so that an XML Schema processor (xmllint --schema) loads it"
