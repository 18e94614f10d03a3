"""Examples (EXM001–EXM003): examples are well-formed XML and match the schemas.

``content`` rules: for inactive XEPs the engine lowers them to warnings. Every block is read
from the raw file once (:mod:`._codeblocks`), so positions are exact even inside CDATA
sections split by entity references.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._codeblocks import Block, blocks, position
from e2ee_sig.lint.rules._fragments import Issue, Outcome, check_all
from e2ee_sig.xep import Document
from e2ee_sig.xep.facts import schema_start
from e2ee_sig.xep.query import per_document


def is_schema(block: Block) -> bool:
    """A block holding an XML Schema (the schema rules judge those)."""
    return schema_start(block.text) is not None


def checked(document: Document) -> list[tuple[Block, Outcome]]:
    """Each XML example or code block (schemas left out) with what the checker found."""
    return list(_judged(document)[0])


def parsed_examples(document: Document) -> dict[str, etree._Element]:
    """The strict parse of examples :func:`checked` found well-formed as they stand, by
    text (see :func:`check_all`: not every one of them, none in a document without a schema
    to validate them against; read only)."""
    return _judged(document)[1]


@per_document
def _judged(
    document: Document,
) -> tuple[list[tuple[Block, Outcome]], dict[str, etree._Element]]:
    judged: list[Block] = []
    schemas = False  # (EXM002 validates examples against them: it needs their parse trees)
    for block in blocks(document):
        if block.has_markup:
            continue
        if is_schema(block):
            schemas = True
        else:
            judged.append(block)
    outcomes, parsed = check_all([block.text for block in judged], trees=schemas)
    return list(zip(judged, outcomes, strict=True)), parsed


def where(document: Document, block: Block, offset: int) -> str:
    line, column = position(document, block.raw_offset(offset))
    return f"{line}:{column}"


def issue_finding(document: Document, block: Block, issue: Issue, prefix: str = "") -> Finding:
    """A finding at ``issue``'s exact place, its message naming the places it refers to."""
    line, column = position(document, block.raw_offset(issue.offset))
    places = [where(document, block, ref) for ref in issue.refs]
    return Finding(prefix + issue.message.format(*places), line, column, hint=issue.hint)


@rule("EXM001", "example-well-formed", Severity.ERROR, content=True)
def example_well_formed(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every XML ``<example>`` (and XML ``<code>``) is well-formed, read as fragments.

    Why: XEP-0143 §format-contents: examples show the exact XML an implementation sends, and
    readers copy them; XSF editors sweep XEPs by hand for mismatched and unclosed tags. A block
    is read as a sequence of fragments with the XMPP prefixes (``stream:``, ``db:``) allowed,
    ``<?xml?>`` declarations and an unbalanced ``<stream:stream>`` accepted, and elisions
    (``...``, ``…``, ``[...]``, ``<!-- ... -->``) standing for left-out content (an element
    with an elision inside may stay open). Blocks that are not XML (JSON, DNS records, URIs,
    ``C:``/``S:`` transcripts, code, DTDs) are not judged; schemas are SCH001's. The first
    problem of each block is reported at its exact line and column.

    Bad: ``<items node='urn:xmpp:omemo:2:bundles'><item id='31415'/><items>`` (a start tag
    where the end tag was meant), ``<retract …></reject>``, ``<join to'hag66@…'/>``.
    Good: ``<items node='urn:xmpp:omemo:2:bundles'><item id='31415'/></items>``,
    ``<message>…</message>`` with ``…`` for an elided body.
    """
    for block, outcome in checked(document):
        if outcome.issue is not None:
            yield issue_finding(document, block, outcome.issue)
