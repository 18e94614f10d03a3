"""Examples against schemas (EXM002, EXM003): what the examples show, the schemas allow.

Each well-formed XML example is read from a strict parse inside a synthetic root that
declares the XMPP prefixes (``stream:``, ``db:``) and ``jabber:client`` as the default
namespace: the parse EXM001 made of the examples together, or one of the example alone.
Every subtree whose namespace has a compiling schema is validated on its own;
subtrees with an elision inside (``…``, ``<!-- ... -->``) are skipped, and so are elements the
schema does not declare at the top level (a child shown on its own).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import Block, line_start, position
from e2ee_sig.lint.rules._fragments import (
    Element,
    Outcome,
    check,
    holds_elision,
    may_hold_elision,
    parse_strictly,
)
from e2ee_sig.lint.rules.examples import checked, parsed_examples
from e2ee_sig.lint.rules.schemas import (
    Compiled,
    SchemaPart,
    compiled,
    document_schemas,
    schema_parts,
)
from e2ee_sig.xep import Document
from e2ee_sig.xep.index import root_index
from e2ee_sig.xep.parsers import LINE_LIMIT

_NOT_JUDGED = ("No matching global declaration", "No matching global element declaration")
"""The element is not declared at the top level, or is foreign content another schema owns."""
_XS_NAME = re.compile(r"\{[^}]*\}")
_ELEMENT = re.compile(r"^Element '([^']+)'")
_PLACEHOLDER = re.compile(r"atomic type 'xs:(?:base64Binary|hexBinary)'")

Subtree = tuple[Block, "etree._Element", Element | None, int]
"""An example's subtree with the checker's record of it (None: the strict parser took the
example as it stands, and :func:`_elided` walks the subtree when asked), and the line of
its parse the example's text starts on."""
_SUBTREE_ROOTS = etree.XPath("* | .//*[namespace-uri() != namespace-uri(..)]", regexp=False)
"""The elements of an example (the children of the element holding it) that are at its top
or in another namespace than their parent, in document order. (Without lxml's EXSLT regular
expression functions, which it registers for each call and removes after it: none is used,
and a call costs about 13 % less.)"""
_ROOT_NAMESPACES = frozenset(parse_strictly("").nsmap.values())
"""The namespaces the synthetic root around an example declares."""


def _strict_text(text: str, outcome: Outcome) -> str:
    for start, end in outcome.blanks:
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return text


def subtrees(document: Document, namespaces: tuple[str, ...] = ()) -> list[Subtree]:
    """Each example element whose parent is in another namespace (or is the example's top),
    with the checker's record of it; with ``namespaces``, only those in one of them (the
    other examples are not parsed, the other elements not read)."""
    parsed = parsed_examples(document)
    roots = _roots_in(namespaces)
    found: list[Subtree] = []
    for block, outcome in checked(document):
        if not outcome.xml or outcome.issue is not None:
            continue
        if namespaces and not any(may_hold(block.text, ns) for ns in namespaces):
            continue
        part = parsed.get(block.text)
        if part is not None and part.sourceline + block.text.count("\n") < LINE_LIMIT:
            found += ((block, node, None, part.sourceline) for node in roots(part))
        else:
            found += (
                (block, node, record, 1) for node, record in _block_subtrees(block.text, namespaces)
            )
    return found


@lru_cache(maxsize=64)
def _roots_in(namespaces: tuple[str, ...]) -> etree.XPath:
    """:data:`_SUBTREE_ROOTS`, or with ``namespaces`` those of its elements that are in one
    of them, found by name tests (no function called on each element)."""
    if not namespaces:
        return _SUBTREE_ROOTS
    prefixes = {f"n{i}": namespace for i, namespace in enumerate(namespaces)}
    return etree.XPath(
        " | ".join(f"{n}:* | .//{n}:*[not(parent::{n}:*)]" for n in prefixes),
        namespaces=prefixes,
        regexp=False,  # (as for _SUBTREE_ROOTS)
    )


def may_hold(text: str, namespace: str) -> bool:
    """Whether a strict parse of the example ``text`` may hold an element in ``namespace``
    (not empty): the synthetic root declares it, or some ``xmlns`` attribute of ``text``
    does, whose value is written as it stands unless it holds a reference or white space
    (which turns into a space)."""
    return namespace in text or namespace in _ROOT_NAMESPACES or "&" in text or " " in namespace


@lru_cache(maxsize=2048)
def _block_subtrees(
    text: str, namespaces: tuple[str, ...]
) -> tuple[tuple[etree._Element, Element | None], ...]:
    """The subtrees of one well-formed example's text (in ``namespaces``, see
    :func:`subtrees`), remembered by text (bounded) so that an edited document re-parses
    only the examples that changed. The elements are shared: callers must not modify them."""
    outcome = check(text)
    try:
        wrapper = parse_strictly(_strict_text(text, outcome))
    except etree.XMLSyntaxError:
        return ()  # an undeclared prefix or entity: nothing to validate reliably
    roots = _roots_in(namespaces)(wrapper)
    if outcome.strict_text is not None:  # taken as it stands: recorded from this very parse
        return tuple((node, None) for node in roots)
    elements = [e for e in wrapper.iterdescendants() if isinstance(e.tag, str)]
    if len(elements) != len(outcome.elements):
        return ()
    wanted = set(roots)
    return tuple(
        (node, record)
        for node, record in zip(elements, outcome.elements, strict=True)
        if node in wanted
    )


def _elided(text: str, node: etree._Element, record: Element | None) -> bool:
    """Whether something is elided in the subtree ``node`` of the example ``text``."""
    if record is not None:
        return record.contains_elision
    return may_hold_elision(text) and holds_elision(node)


def _namespace(element: etree._Element) -> str:
    """The namespace of ``element`` ("" for none), read from its tag without a QName."""
    tag: str = element.tag  # type: ignore[assignment]
    return tag[1 : tag.find("}")] if tag.startswith("{") else ""


def _text_line(line: int | None, first: int) -> int | None:
    """Line ``line`` of a parse as a line of the example's text, which starts on ``first``."""
    return line - first + 1 if line else None


def _schemas_by_namespace(
    pairs: tuple[tuple[SchemaPart, Compiled], ...],
) -> dict[str, tuple[etree.XMLSchema, SchemaPart]]:
    """Each target namespace's first compiling schema, with its part."""
    found: dict[str, tuple[etree.XMLSchema, SchemaPart]] = {}
    for part, result in pairs:
        if result.schema is not None and part.target and part.tree is not None:
            found.setdefault(part.target, (result.schema, part))
    return found


def _validate(
    document: Document,
    subtree: Subtree,
    schema: tuple[etree.XMLSchema, SchemaPart],
    whose: str,
) -> Finding | None:
    block, node, _, first = subtree
    validator, part = schema
    errors = _errors(validator, node)
    if errors is None:
        return None
    name = node.tag.rpartition("}")[2]
    node_line = _text_line(node.sourceline, first) or 1
    if not errors and name not in part.declared:
        message = f"<{name}> is not declared in {whose}"
        line, column = position(document, block.raw_offset(line_start(block.text, node_line)))
        return Finding(
            message, line, column, hint="declare the element in the schema, or correct its name"
        )
    if not errors:
        return None
    message, error_line = errors[0]
    offset = line_start(block.text, _text_line(error_line, first) or node_line)
    line, column = position(document, block.raw_offset(offset))
    return Finding(
        f"example does not match {whose}: {_message(message)}",
        line,
        column,
        hint="correct the example, or the schema if the example is right",
    )


@lru_cache(maxsize=4096)
def _errors(
    validator: etree.XMLSchema, node: etree._Element
) -> tuple[tuple[str, int | None], ...] | None:
    """None when ``node`` validates, else the errors judged (message, line). Remembered
    (bounded) for the shared subtrees of unchanged examples and the cached schemas."""
    if validator.validate(copy.copy(node)):  # (deep) a validation notes each xs:ID in it
        return None
    return tuple(
        (e.message, e.line)
        for e in validator.error_log
        if not _message(e.message).split(": ", 1)[-1].startswith(_NOT_JUDGED)
        and not _PLACEHOLDER.search(e.message)
    )


def _message(message: str) -> str:
    """``<x>, attribute 'type': …`` for libxml2's ``Element '{ns}x', attribute 'type': …``."""
    return _ELEMENT.sub(_element_tag, _XS_NAME.sub("", message))


def _element_tag(element: re.Match[str]) -> str:
    return f"<{element[1]}>"


@rule("EXM002", "example-schema-valid", Severity.WARNING, content=True)
def example_schema_valid(document: Document, context: LintContext) -> Iterator[Finding]:
    """Examples in a namespace this XEP gives a schema for validate against that schema.

    Why: XEP-0001 §schema: the schema is normative, and the examples illustrate it; when they
    disagree one of them is wrong (an element missing from the schema, a misspelt
    attribute), and implementers cannot tell which. Only this XEP's own compiling schemas
    are used (EXM003 checks other XEPs' namespaces on request); subtrees with an elision
    inside and elements the schema does not declare globally are skipped.

    Bad: ``<opt-out xmlns='urn:xmpp:omemo:2'/>`` in an example when the schema declares no
    ``opt-out`` element.
    Good: the schema declares every element and attribute the examples use.
    """
    schemas = _schemas_by_namespace(document_schemas(document))
    if not schemas:
        return
    for subtree in subtrees(document, tuple(schemas)):
        block, node, record, _ = subtree
        if _elided(block.text, node, record):
            continue
        finding = _validate(document, subtree, schemas[_namespace(node)], "this XEP's schema")
        if finding is not None:
            yield finding


@rule("EXM003", "example-other-schema-valid", Severity.WARNING, content=True, opt_in=True)
def example_other_schema_valid(document: Document, context: LintContext) -> Iterator[Finding]:
    """Examples in another XEP's namespace validate against that XEP's schema (opt-in).

    Why: examples often embed other protocols (pubsub, data forms, hashes), and a stale
    attribute or element name there is as wrong as in the XEP's own namespace. The schema is
    found through the namespace → defining-XEP map of the checkout (Registrar sections and
    schemas). Opt-in (``--extend-select EXM003``): other XEPs' schemas are not always in step
    with their own examples, so findings here need judgement.

    Bad: ``<hash xmlns='urn:xmpp:hashes:2' algorithm='sha-256'>`` (XEP-0300 calls it ``algo``).
    Good: ``<hash xmlns='urn:xmpp:hashes:2' algo='sha-256'>``.
    """
    index = root_index(document)
    if index is None:
        return
    own = {p.target for p in schema_parts(document)}
    key = str(document.root.path) if document.root else ""
    cache: dict[str, tuple[tuple[etree.XMLSchema, SchemaPart], str] | None] = {}
    for subtree in subtrees(document):
        block, node, record, _ = subtree
        namespace = _namespace(node)
        if namespace in own or _elided(block.text, node, record):
            continue
        if namespace not in cache:
            cache[namespace] = _other_schema(namespace, index, key)
        found = cache[namespace]
        if found is not None:
            finding = _validate(document, subtree, found[0], f"{found[1]}'s schema")
            if finding is not None:
                yield finding


def _other_schema(
    namespace: str, index: object, key: str
) -> tuple[tuple[etree.XMLSchema, SchemaPart], str] | None:
    from e2ee_sig.lint.rules.schemas import standalone_part
    from e2ee_sig.xep.index import RootIndex

    if not isinstance(index, RootIndex):
        return None
    found = index.schema_for(namespace)
    if found is None:
        return None
    part = standalone_part(found[1])
    result = compiled(part, index, key) if part is not None else None
    schema = result.schema if result is not None else None
    if schema is None or part is None:
        return None
    return (schema, part), found[0].label
