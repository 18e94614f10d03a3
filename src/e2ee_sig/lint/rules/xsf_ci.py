"""The XSF's official CI checks, one rule each (profile ``xsf-ci``).

Source: xsf/xeps ``tools/validate-xep0001-conformance.sh`` (checks 1-10) and the Makefile's
``xmllint --nonet --noout --noent --loaddtd --valid`` step. Values are compared exactly as the
script reads them (see :mod:`e2ee_sig.xep.official`), so these rules give the official verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.fix_builders import insert_legal_notice, insert_stylesheet_pi, replace_field_text
from e2ee_sig.lint.model import Finding, Fixable, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.versions import sort_version_reverse, versions_descending_like_xsf_ci
from e2ee_sig.xep import Document
from e2ee_sig.xep.official import STYLESHEET_HREF
from e2ee_sig.xep.vocab import APPROVERS, STATUSES, TYPES

if TYPE_CHECKING:
    from lxml import etree

NUMBERED_FILE = re.compile(r"xep-[0-9]{4}.xml")
LEGACY_TYPES = {
    **dict.fromkeys(
        ("0001", "0002", "0019", "0053", "0143", "0182", "0345", "0381", "0429", "0458"),
        "Procedural",
    ),
    **dict.fromkeys(("0006", "0010", "0069", "0139"), "SIG Formation"),
    "0007": "SIG Proposal",
}
LEGAL_NOTICE = b"&LEGALNOTICE;"
_LEGACY_NAME = re.compile(r"xep-(\d{4})\.xml")
_DOTTED_LINES = re.compile(r"[0-9]+(?:\.[0-9]+)*(?:\n[0-9]+(?:\.[0-9]+)*)*")


def shown(value: str) -> str:
    """A value quoted so that whitespace and newlines are visible."""
    return repr(value) if value else "missing or empty"


def _line(document: Document, *names: str) -> int:
    """The line of the first of the header elements ``names`` present (a missing element
    points at the one it follows), else the header's."""
    header = document.header
    for name in names:
        field = getattr(header, name, None) if header else None
        if field is not None and getattr(field, "line", None):
            return field.line
    return header.line if header else 1


def _allowed_types(document: Document) -> tuple[str, ...]:
    legacy = _LEGACY_NAME.fullmatch(document.name)
    extra = LEGACY_TYPES.get(legacy.group(1)) if legacy else None
    return (*TYPES, extra) if extra else TYPES


def _numbered(document: Document) -> bool:
    return NUMBERED_FILE.fullmatch(document.name) is not None


@rule("XSF000", "well-formed", Severity.ERROR, official=True)
def well_formed(document: Document, context: LintContext) -> Iterator[Finding]:
    """The file is a readable, UTF-8, well-formed XML document whose root is ``<xep>``.

    Why: nothing else can be checked otherwise, and the official CI fails such a file in its
    first step. External entities (other than ``xep.ent``) are refused, never loaded: a XEP
    has no business reading local files or the network. When this rule fires, no other rule
    runs on the file.

    Bad: an empty file, latin-1 bytes, a truncated document, ``<!ENTITY x SYSTEM
    "file:///etc/passwd">``, a billion-laughs entity bomb, a root element ``<html>``.
    Good: ``<?xml version='1.0' encoding='UTF-8'?>`` … ``<xep>…</xep>``.
    """
    if document.fatal is not None:
        problem = document.fatal
        yield Finding(problem.message, problem.line, problem.column)
        return
    doctype = document.doctype
    for entity in doctype.external if doctype else []:
        kind = "parameter entity" if entity.parameter else "entity"
        line = document.raw.count(b"\n", 0, entity.offset) + 1
        yield Finding(
            f"external {kind} '{entity.name}' ({entity.system!r}) is refused: "
            "XEPs may only use xep.ent and entities declared inline",
            line,
        )
    root = document.xml_root
    if root is not None and root.tag != "xep":
        tag = root.tag if isinstance(root.tag, str) else "?"
        yield Finding(f"not a XEP: the root element is <{tag}>, not <xep>", root.sourceline or 1)


@rule("XSF001", "dtd-valid", Severity.ERROR, official=True, needs_dtd=True, aliases=("XEP001",))
def dtd_valid(document: Document, context: LintContext) -> Iterator[Finding]:
    """The document is valid against the XEP root's ``xep.dtd`` (entity references kept).

    Why: check 1 of the official script, ``xmllint --noout --dtdvalid xep.dtd FILE``. Content
    that comes from an entity inside mixed content (``<p>``, ``<link>``) is not checked here;
    XSF002 does that for numbered XEPs.

    Bad: ``<header>`` children out of order, a missing ``<approver>`` is fine but a missing
    ``<revision>`` is not, an undeclared element such as ``<section1><foo/>``.
    Good: the order of xep-template.xml.
    """
    for error in document.official.literal_errors:
        yield Finding(f"DTD: {error.message}", error.line, error.column)


@rule(
    "XSF002",
    "dtd-valid-expanded",
    Severity.ERROR,
    official=True,
    needs_dtd=True,
    aliases=("XEP001",),
)
def dtd_valid_expanded(document: Document, context: LintContext) -> Iterator[Finding]:
    """A root ``xep-*`` file is valid with every entity expanded (the ``make`` check).

    Why: the CI runs ``xmllint --nonet --noout --noent --loaddtd --valid`` on root ``xep-*``
    files. It sees what entities put in place, so ``<link>&xep0060;</link>`` fails: the entity
    brings a ``<span>`` and a ``<note>``, which ``<link>`` may not hold. Undefined entities and
    a missing DOCTYPE fail here too.

    Bad: ``<link url='…'>&xep0060;</link>``.  Good: ``&xep0060;`` outside the ``<link>``.
    """
    errors = document.official.expanded_errors if document.is_root_xep_file else []
    if not errors:  # nearly every file: no need to learn what CNT006 or XSF001 report
        return
    already = {(e.line, e.message) for e in document.official.literal_errors}
    if not context.enabled or "CNT006" in context.enabled:  # CNT006 names the entity
        from e2ee_sig.lint.rules.content import entity_in_link_lines

        already |= {(at, m) for at in entity_in_link_lines(document) for m in _LINK_CHILD}
    for error in errors:
        if (error.line, error.message) not in already:
            yield Finding(f"DTD (entities expanded): {error.message}", error.line, error.column)


@rule("XSF003", "number-matches-filename", Severity.ERROR, official=True, aliases=("HDR003",))
def number_matches_filename(document: Document, context: LintContext) -> Iterator[Finding]:
    """A file named ``xep-NNNN.xml`` has ``<number>NNNN</number>``.

    Why: check 2.1 of the official script (the file name is the XEP's identity).
    Bad: ``xep-0384.xml`` with ``<number>384</number>``.  Good: ``<number>0384</number>``.
    """
    if not _numbered(document):
        return
    number = document.official.number
    if document.name != f"xep-{number}.xml":
        expected = document.name[4:8]
        yield Finding(
            f"<number> is {shown(number)} but the file name says {expected!r}",
            _line(document, "number"),
            hint=f"write <number>{expected}</number>",
        )


@rule("XSF004", "inbox-status", Severity.ERROR, official=True, fixable=Fixable.SOMETIMES)
def inbox_status(document: Document, context: LintContext) -> Iterator[Finding]:
    """A file not named ``xep-NNNN.xml`` (a ProtoXEP) has ``<status>ProtoXEP</status>``.

    Why: check 3.1 of the official script; XEP-0143 §format-metadata.
    Bad: ``<status>ProtoXep</status>``, ``<status>Experimental</status>`` in ``inbox/``.
    Good: ``<status>ProtoXEP</status>``.
    """
    if _numbered(document):
        return
    status = document.official.status
    if status != "ProtoXEP":
        fix = None
        if status.strip().lower() in ("protoxep", "proto"):
            fix = replace_field_text(document, "status", "ProtoXEP")
        yield Finding(
            f"a ProtoXEP must have status 'ProtoXEP'; <status> is {shown(status)}",
            _line(document, "status"),
            hint="only files named xep-NNNN.xml may have another status",
            fix=fix,
        )


@rule("XSF005", "inbox-number", Severity.ERROR, official=True, aliases=("HDR003",))
def inbox_number(document: Document, context: LintContext) -> Iterator[Finding]:
    """A ProtoXEP's ``<number>`` is exactly ``XXXX`` or ``xxxx``.

    Why: check 3.2 of the official script; the Editor's ``accept.py`` replaces that text.
    Bad: ``<number>xxxy</number>``, ``<number>0999</number>`` in ``inbox/``.
    Good: ``<number>XXXX</number>``.
    """
    if _numbered(document):
        return
    number = document.official.number
    if number not in ("XXXX", "xxxx"):
        yield Finding(
            f"a ProtoXEP's <number> must be 'XXXX' or 'xxxx'; it is {shown(number)}",
            _line(document, "number"),
        )


@rule("XSF006", "inbox-filename", Severity.ERROR, official=True)
def inbox_filename(document: Document, context: LintContext) -> Iterator[Finding]:
    """A ProtoXEP's file name does not start with ``xep-`` and a digit.

    Why: check 3.3 of the official script; names like ``xep-1.xml`` look like numbered XEPs.
    Bad: ``inbox/xep-0999-draft.xml``.  Good: ``inbox/omemo-mls.xml``.
    """
    if not _numbered(document) and re.match(r"xep-[0-9]", document.name):
        yield Finding(
            f"file name {document.name!r} starts with 'xep-' and a digit",
            1,
            hint="name the file after the shortname, e.g. inbox/<shortname>.xml",
        )


@rule(
    "XSF007",
    "status-defined",
    Severity.ERROR,
    official=True,
    fixable=Fixable.SOMETIMES,
    aliases=("HDR004",),
)
def status_defined(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<status>`` is exactly one of the XEP-0001 states.

    Why: check 4 of the official script (``tools/xeplib.py`` Status). The comparison is exact:
    surrounding spaces, a comment or CDATA inside the element, or an entity make it fail.
    Bad: ``<status>Final </status>``, ``<status>Stable</status>``.
    Good: ``<status>Draft</status>`` (Stable is written Draft).
    """
    status = document.official.status
    if status in STATUSES:
        return
    fix = None
    close = _close_match(status, STATUSES)
    if close is not None:
        fix = replace_field_text(document, "status", close)
    yield Finding(
        f"<status> is {shown(status)}; expected one of: {', '.join(STATUSES)}",
        _line(document, "status"),
        hint=f"did you mean {close!r}?" if close else None,
        fix=fix,
    )


@rule("XSF008", "type-defined", Severity.ERROR, official=True, fixable=Fixable.SOMETIMES)
def type_defined(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<type>`` is exactly one of the types the official CI accepts for this file.

    Why: check 5 of the official script. Historical, Humorous, Informational, Organizational
    and Standards Track everywhere; Procedural, SIG Formation or SIG Proposal only for the
    legacy files it lists by name (XEP-0001, 0002, 0006, 0007, …).
    Bad: ``<type>Standards track</type>``, ``<type>Procedural</type>`` in ``inbox/``.
    Good: ``<type>Standards Track</type>``.
    """
    value = document.official.type
    if value in TYPES:  # allowed everywhere: no need to look for a legacy file name
        return
    allowed = _allowed_types(document)
    if value in allowed:
        return
    close = _close_match(value, allowed)
    yield Finding(
        f"<type> is {shown(value)}; expected one of: {', '.join(allowed)}",
        _line(document, "type"),
        hint=f"did you mean {close!r}?" if close else None,
        fix=replace_field_text(document, "type", close) if close else None,
    )


@rule("XSF009", "approver-defined", Severity.ERROR, official=True, fixable=Fixable.SOMETIMES)
def approver_defined(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<approver>`` is exactly ``Board``, ``Council`` or ``Editor``.

    Why: check 6 of the official script; XEP-0001 §types names the approving bodies. A missing
    ``<approver>`` (the DTD allows it) fails too: it is the most common failure in the repo.
    Bad: no ``<approver>``, ``<approver>XMPP Council</approver>``.
    Good: ``<approver>Council</approver>``.
    """
    value = document.official.approver
    if value in APPROVERS:
        return
    close = _close_match(value, APPROVERS)
    yield Finding(
        f"<approver> is {shown(value)}; expected one of: {', '.join(APPROVERS)}",
        _line(document, "approver", "sig", "type"),
        hint="add <approver>Council</approver> after <sig>" if not value else None,
        fix=replace_field_text(document, "approver", close) if close else None,
    )


@rule("XSF010", "versions-descending", Severity.ERROR, official=True)
def versions_descending(document: Document, context: LintContext) -> Iterator[Finding]:
    """Revision versions run from newest to oldest, as GNU ``sort -Vr`` orders them.

    Why: check 7 of the official script; XEP-0143 says to place a new revision before the
    existing ones. Ties are broken like ``sort``: ``2.00`` may stand above ``2.0`` but not
    below it; a space inside a version always fails.
    Bad: ``0.1`` above ``0.2``.  Good: ``0.2``, ``0.1.1``, ``0.1``.
    """
    found = document.official.versions
    if descending_like_xsf_ci(found):
        return
    header = document.header
    revisions = header.revisions if header else []
    line = revisions[0].line if revisions else _line(document, "title")
    order = " ".join(found.split())
    versions = found.split()
    own = [_only_version(revision.element) for revision in revisions]
    misplaced = _first_rise(versions) if own == versions else None
    if misplaced is None:
        yield Finding(f"revision versions are not in descending order: {order}", line)
        return
    above = revisions[misplaced - 1]
    yield Finding(
        f"revision versions are not in descending order: {versions[misplaced]} comes after "
        f"{versions[misplaced - 1]} (line {above.line}); the order is {order}",
        revisions[misplaced].line or line,
        hint=f"move the {versions[misplaced]} revision block above the "
        f"{versions[misplaced - 1]} one (newest first)",
    )


def descending_like_xsf_ci(found: str) -> bool:
    """:func:`versions_descending_like_xsf_ci`, quicker for the usual value: dotted numbers,
    one per line, which ``sort -Vr`` leaves in place exactly when each one is at or above the
    next one by its numbers, then by its bytes (``2.00`` above ``2.0``)."""
    if not _DOTTED_LINES.fullmatch(found):
        return versions_descending_like_xsf_ci(found)
    keys = [([*map(int, version.split("."))], version) for version in found.split("\n")]
    return all(upper >= lower for upper, lower in pairwise(keys))


def _only_version(revision: etree._Element) -> str | None:
    """The text of ``revision``'s one ``<version>`` when it is a single plain word (the
    n-th word of the official value is then the n-th block's); None otherwise."""
    found = revision.findall("version")
    words = (found[0].text or "").split() if len(found) == 1 and len(found[0]) == 0 else []
    return words[0] if len(words) == 1 else None


def _first_rise(versions: list[str]) -> int | None:
    """The index of the first version that ``sort -Vr`` would put above the one before it."""
    for index in range(1, len(versions)):
        pair = [versions[index - 1].encode(), versions[index].encode()]
        if sort_version_reverse(pair) != pair:
            return index
    return None


@rule("XSF011", "approver-type", Severity.ERROR, official=True)
def approver_type(document: Document, context: LintContext) -> Iterator[Finding]:
    """The Board approves no Standards Track XEP; the Editor approves only Humorous ones.

    Why: check 8 of the official script; XEP-0001 §types.
    Bad: ``<type>Standards Track</type>`` with ``<approver>Board</approver>``.
    Good: ``<approver>Council</approver>``.
    """
    approver, xep_type = document.official.approver, document.official.type
    if approver == "Board" and xep_type == "Standards Track":
        yield Finding(
            "the Board does not approve Standards Track XEPs",
            _line(document, "approver"),
            hint="use <approver>Council</approver>",
        )
    if approver == "Editor" and xep_type != "Humorous":
        yield Finding(
            f"the Editor approves only Humorous XEPs; <type> is {shown(xep_type)}",
            _line(document, "approver"),
            hint="use <approver>Council</approver>",
        )


@rule(
    "XSF012",
    "stylesheet-pi",
    Severity.ERROR,
    official=True,
    fixable=Fixable.SOMETIMES,
    aliases=("XEP003",),
)
def stylesheet_pi(document: Document, context: LintContext) -> Iterator[Finding]:
    """The document has ``<?xml-stylesheet type='text/xsl' href='xep.xsl'?>``.

    Why: check 9 of the official script; xep-template.xml line 6. The script greps for
    ``href='xep.xsl'`` (either quote) inside a top-level ``xml-stylesheet`` instruction.
    Bad: no instruction, ``href = 'xep.xsl'``, ``href='./xep.xsl'``.
    Good: ``<?xml-stylesheet type='text/xsl' href='xep.xsl'?>`` right after the DOCTYPE.
    """
    if STYLESHEET_HREF.search(document.official.stylesheets):
        return
    yield Finding(
        "no <?xml-stylesheet … href='xep.xsl'?> processing instruction",
        1,
        hint="add <?xml-stylesheet type='text/xsl' href='xep.xsl'?> before <xep>",
        fix=insert_stylesheet_pi(document),
    )


@rule(
    "XSF013",
    "legal-notice",
    Severity.ERROR,
    official=True,
    fixable=Fixable.SOMETIMES,
    aliases=("XEP004",),
)
def legal_notice(document: Document, context: LintContext) -> Iterator[Finding]:
    """The file contains the ``&LEGALNOTICE;`` entity reference.

    Why: check 10 of the official script; XEP-0001 §submission requires the XSF IPR notice.
    The script searches the raw bytes, so a copy of the notice's text does not count.
    Bad: an inline ``<legal>`` block, ``&PUBLICDOMAINNOTICE;``.
    Good: ``&LEGALNOTICE;`` after ``<abstract>``.
    """
    if document.raw.find(LEGAL_NOTICE) >= 0:  # (``in`` first tries an integer: an exception)
        return
    yield Finding(
        "the legal notice entity &LEGALNOTICE; is missing",
        _line(document, "abstract"),
        hint="put &LEGALNOTICE; on the line after </abstract>",
        fix=insert_legal_notice(document),
    )


_LINK_CHILD = tuple(
    f"Element {name} is not declared in link list of possible children" for name in ("span", "note")
)


def _close_match(value: str, allowed: tuple[str, ...] | list[str]) -> str | None:
    """The allowed value ``value`` was meant to be (whitespace or case slips only)."""
    cleaned = " ".join(value.split()).lower()
    matches = [a for a in allowed if a.lower() == cleaned]
    return matches[0] if len(matches) == 1 else None
