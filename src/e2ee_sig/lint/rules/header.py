"""Header rules of the catalogue (``docs/rules.md`` §2.2) beyond the XSF CI.

The official checks already report the number (HDR003: XSF003, XSF005), the status (HDR004:
XSF004, XSF007), the type and approver values (XSF008, XSF009, XSF011) and a header that
breaks the DTD (XSF001). Missing required elements are the DTD's to report; these rules look
at what the elements say.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.dates import parse_iso_date
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.fix_builders import replace_element_text
from e2ee_sig.lint.messages import date_problem
from e2ee_sig.lint.model import Finding, Fixable, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._util import header_line, is_numbered, is_protoxep, line, normalise
from e2ee_sig.lint.rules.xsf_ci import TYPES
from e2ee_sig.xep import Document
from e2ee_sig.xep.header import first_children, read_author, text_of
from e2ee_sig.xep.vocab import SIG_VALUES

if TYPE_CHECKING:
    from lxml import etree

MAX_TITLE_WORDS = 9
MAX_ABSTRACT_SENTENCES = 2
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
PROTOXEP_TYPES = ("Standards Track", "Informational")
DEPENDENCY = re.compile(r"XEP-\d{4}|RFC [1-9]\d*|XMPP Core|XMPP IM")
_XEP = re.compile(r"XEP-\d{4}")
_XEP_AND_MORE = re.compile(r"XEP-\d{4}\s")
TEMPLATE_DEPENDENCIES = ("Etc.", "XEP-xxxx")
NO_XEPS = "0000"
GONE_STATUSES = ("Retracted", "Rejected", "Obsolete")
_STATUS = re.compile(rb"<status>\s*([A-Za-z]+)\s*</status>")
_NUMBERED_FILE = re.compile(r"xep-[0-9]{4}\.xml")
SHORTNAME_PLACEHOLDER = "NOT_YET_ASSIGNED"
NOT_APPLICABLE = ("n/a", "none")
PLACEHOLDERS = ("not yet assigned", "to be assigned", "to be issued", *NOT_APPLICABLE)
NCNAME = re.compile(r"[^\W\d][\w.\-]*")
_REFERENCE = re.compile(rb"&([\w.\-]+);")
SUPERSEDED_STATUSES = ("Deprecated", "Obsolete", "Retracted", "Rejected")
HEADER_ORDER = (
    "title",
    "abstract",
    "legal",
    "number",
    "status",
    "lastcall",
    "interim",
    "type",
    "sig",
    "approver",
    "dependencies",
    "supersedes",
    "supersededby",
    "shortname",
    "tags",
    "schemaloc",
    "registry",
    "discuss",
    "expires",
    "author",
    "revision",
    "councilnote",
)


@rule("HDR001", "title", Severity.WARNING, content=True)
def title(document: Document, context: LintContext) -> Iterator[Finding]:
    """The title is short (under 10 words), not empty and not the template's.

    Why: XEP-0143 §format-metadata; titles become the PR title, the Council agenda item and
    the list entry on xmpp.org. A missing ``<title>`` is a DTD error (XSF001).
    Bad: ``<title>XEP Template</title>``, ``<title></title>``.
    Good: ``<title>OMEMO Encryption</title>``.
    """
    field = document.header.title if document.header else None
    if field is None:
        return
    if not field.value:
        yield Finding("the title is empty", field.line)
    elif field.value == "XEP Template":
        yield Finding("the title is the template's 'XEP Template'", field.line)
    elif len(words := _title_words(field.value)) > MAX_TITLE_WORDS:
        yield Finding(
            f"the title {field.value!r} has {len(words)} words; keep it under "
            f"{MAX_TITLE_WORDS + 1}",
            field.line,
            hint="move the detail into the abstract",
        )


def _title_words(title: str) -> list[str]:
    """The title's words for the length check: a lone "-" or other mark does not count (left
    out only when there are too many words, since fewer never become too many)."""
    words = title.split()
    if len(words) <= MAX_TITLE_WORDS:
        return words
    return [w for w in words if any(c.isalnum() for c in w)]


@rule("HDR002", "abstract", Severity.WARNING, content=True)
def abstract(document: Document, context: LintContext) -> Iterator[Finding]:
    """The abstract is one or two sentences.

    Why: XEP-0143 §format-metadata ("a short description"); the abstract is shown, with
    whitespace collapsed, in the XEP list and in announcements. A missing ``<abstract>`` is
    a DTD error (XSF001).
    Bad: ``<abstract></abstract>``, a five-sentence summary of the protocol.
    Good: ``<abstract>This specification defines …</abstract>``.
    """
    field = document.header.abstract if document.header else None
    if field is None:
        return
    if not field.value:
        yield Finding("the abstract is empty", field.line, hint="write 'This specification …'")
        return
    if sum(map(field.text.count, ".!?")) < MAX_ABSTRACT_SENTENCES:
        return  # every sentence but the last ends on one of these: too few for too many
    sentences = len(_SENTENCE_END.split(normalise(field.text)))
    if sentences > MAX_ABSTRACT_SENTENCES:
        yield Finding(
            f"the abstract has {sentences} sentences; keep it to one or two",
            field.line,
            hint="move the detail into the Introduction",
        )


@rule("HDR005", "type-enum", Severity.WARNING)
def type_enum(document: Document, context: LintContext) -> Iterator[Finding]:
    """A ProtoXEP is Standards Track or Informational.

    Why: XEP-0143 §format-metadata: the type SHOULD be one of these two; Historical,
    Humorous and Procedural XEPs "are uncommon and usually written by the XMPP Extensions
    Editor team". Values outside the official list are XSF008's.
    Bad: ``<type>Historical</type>`` in ``inbox/``.
    Good: ``<type>Standards Track</type>``.
    """
    value = document.official.type
    if is_protoxep(document) and value in TYPES and value not in PROTOXEP_TYPES:
        field = document.header.type if document.header else None
        yield Finding(
            f"a ProtoXEP's type should be Standards Track or Informational, not {value!r}",
            field.line if field else header_line(document),
        )


@rule("HDR006", "approver", Severity.WARNING, fixable=Fixable.UNSAFE)
def approver(document: Document, context: LintContext) -> Iterator[Finding]:
    """A ProtoXEP's approver is the Council.

    Why: XEP-0143 §format-metadata ("SHOULD be Council"). XEP-0001 §types names the Editor
    for Humorous XEPs and allows the Board for Procedural ones, so those are left alone;
    a missing or unknown approver (XSF009) and the Board approving Standards Track or the
    Editor approving anything but Humorous (XSF011) are official errors already.
    Bad: ``<type>Informational</type>`` with ``<approver>Board</approver>`` in ``inbox/``.
    Good: ``<approver>Council</approver>``.
    """
    value, xep_type = document.official.approver, document.official.type
    if (
        not is_protoxep(document)
        or value != "Board"
        or xep_type in ("Standards Track", "Procedural")
    ):
        return
    field = document.header.approver if document.header else None
    if field is None:
        return
    yield Finding(
        f"a {xep_type} ProtoXEP should be approved by the Council, not the Board",
        field.line,
        fix=replace_element_text(document, field.element, "Council", safe=False),
    )


@rule("HDR007", "sig", Severity.WARNING, fixable=Fixable.SOMETIMES)
def sig(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<sig>`` is ``Standards`` (``None`` for process documents), without spaces around it.

    Why: xep-template.xml line 15; 384 of 397 XEPs write ``Standards``. ``extract-metadata``
    and the xmpp.org pages compare the value as written.
    Bad: ``<sig> Standards</sig>``, ``<sig>Standards JIG</sig>``.
    Good: ``<sig>Standards</sig>``.
    """
    field = document.header.sig if document.header else None
    if field is None:
        return
    if field.value not in SIG_VALUES:
        yield Finding(f"<sig> is {field.value!r}, not 'Standards' (or 'None')", field.line)
    elif field.text != field.value:
        yield Finding(
            f"<sig> has whitespace around {field.value!r}",
            field.line,
            fix=replace_element_text(document, field.element, field.value),
        )


@rule("HDR008", "dependencies", Severity.ERROR, fixable=Fixable.SOMETIMES, mixed_severity=True)
def dependencies(document: Document, context: LintContext) -> Iterator[Finding]:
    """Each dependency is a distinct, real specification named like ``XEP-0030``.

    Why: XEP-0143 §format-metadata ("each specification MUST be identified by a distinct
    <spec/>"); template lines 17-21. The template's ``Etc.`` and ``XEP-xxxx`` left in place
    are errors. Near misses of the usual identifiers (``XEP-NNNN``, ``RFC NNNN`` with a
    space, ``XMPP Core``, ``XMPP IM``), surrounding whitespace and duplicates are warnings;
    other specifications (``XHTML 1.0``, ``draft-ietf-…``) are fine.
    Bad: ``<spec>Etc.</spec>``, ``<spec>RFC6120</spec>``, ``<spec>XEP 0361</spec>``.
    Good: ``<spec>RFC 6120</spec>``, ``<spec>XEP-0361</spec>``.
    """
    header = document.header
    if header is None:
        return
    seen: dict[str, int] = {}  # how many times each value came so far
    for spec in header.dependencies:
        value = spec.value
        seen[value] = times = seen.get(value, 0) + 1
        if value in TEMPLATE_DEPENDENCIES:
            yield Finding(
                f"the template's placeholder dependency {value!r} is still there",
                spec.line,
                hint="list the specifications this one depends on, or remove the <spec>",
            )
            continue
        if times == 2:
            yield Finding(
                f"dependency {value!r} is listed twice", spec.line, severity=Severity.WARNING
            )
        canonical = _canonical_dependency(value)
        if canonical is not None and canonical != spec.text:
            what = "whitespace around" if canonical == value else "the usual form of"
            yield Finding(
                f"write {canonical!r}, {what} dependency {spec.text.strip()!r}",
                spec.line,
                fix=replace_element_text(document, spec.element, canonical),
                severity=Severity.WARNING,
            )
        elif _XEP_AND_MORE.match(value):
            yield Finding(
                f"dependency {value!r} names more than the XEP number",
                spec.line,
                hint=f"write {value[:8]!r}",
                severity=Severity.WARNING,
            )


def _canonical_dependency(value: str) -> str | None:
    """The usual spelling of a XEP/RFC/XMPP identifier, or None for other specifications."""
    if DEPENDENCY.fullmatch(value):
        return value
    if xep := re.fullmatch(r"(?i)xep[\s-]*(\d{1,4})", value):
        return f"XEP-{int(xep.group(1)):04d}"
    if rfc := re.fullmatch(r"(?i)rfc[\s-]*0*([1-9]\d*)", value):
        return f"RFC {rfc.group(1)}"
    if xmpp := re.fullmatch(r"(?i)xmpp[\s-]*(core|im)", value):
        return "XMPP Core" if xmpp.group(1).lower() == "core" else "XMPP IM"
    return None


@rule("HDR009", "deps-exist", Severity.WARNING)
def deps_exist(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every ``XEP-NNNN`` dependency exists and is not Retracted, Rejected or Obsolete.

    Why: XEP-0001 §states: such XEPs are not to be implemented, so a spec must not build on
    them. Needs the XEP root (``xep-NNNN.xml`` next to ``xep.dtd``); skipped without one.
    A number is reported missing only above the root's highest XEP (copies may have gaps);
    XEPs that are themselves Deprecated, Obsolete, Retracted or Rejected are left alone.
    Bad: ``<spec>XEP-0027</spec>`` (Obsolete), ``<spec>XEP-9999</spec>``.
    Good: ``<spec>XEP-0373</spec>``.
    """
    header, root = document.header, document.root
    if header is None or root is None or header.value("status") in SUPERSEDED_STATUSES:
        return
    last = _last_number(root.path)
    if last == NO_XEPS:
        return  # a root with only xep.dtd and xep.ent tells nothing about other XEPs
    for spec in header.dependencies:
        if not _XEP.fullmatch(spec.value):
            continue
        status = _xep_status(root.path, spec.value[4:])
        if status is None and spec.value[4:] > last:
            yield Finding(f"dependency {spec.value} does not exist (no such number yet)", spec.line)
        elif status in GONE_STATUSES:
            yield Finding(
                f"dependency {spec.value} is {status}: it is not to be implemented",
                spec.line,
                hint="depend on the XEP that replaces it, or remove the <spec>",
            )


@lru_cache(maxsize=64)
def _last_number(root: Path) -> str:
    """The highest number of a ``xep-NNNN.xml`` in ``root`` (a partial copy may have gaps,
    so only numbers above it are reported as not existing). The names ``root.glob`` would
    match, from one ``listdir`` without a ``Path`` for each."""
    try:
        names = os.listdir(root)
    except OSError:
        return NO_XEPS
    return max((name[4:8] for name in names if _NUMBERED_FILE.fullmatch(name)), default=NO_XEPS)


@lru_cache(maxsize=4096)
def _xep_status(root: Path, number: str) -> str | None:
    """The status of ``xep-NUMBER.xml`` in ``root`` ("" if unreadable), None if absent (the
    file opened by its joined name: no ``Path`` is made for it)."""
    try:
        with open(os.path.join(root, f"xep-{number}.xml"), "rb") as file:
            start = file.read(4096)
    except OSError:
        return None
    found = _STATUS.search(start)
    return found.group(1).decode() if found else ""


@rule("HDR011", "supersede-pairs", Severity.WARNING)
def supersede_pairs(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<supersedes>`` and ``<supersededby>`` make sense within the file.

    Why: XEP-0001 §approval-info: a superseded XEP becomes Deprecated or Obsolete (or was
    never approved: Retracted, Rejected); a XEP supersedes neither itself nor the XEP that
    supersedes it. Only this file is read (the other side of each pair is not checked).
    Bad: ``<status>Active</status>`` with ``<supersededby><spec>XEP-0335</spec>…``.
    Good: ``<status>Deprecated</status>`` with ``<supersededby><spec>XEP-0335</spec>…``.
    """
    header = document.header
    if header is None or not (header.supersedes or header.supersededby):
        return  # (most XEPs: nothing to compare)
    own = f"XEP-{header.value('number')}"
    later = {s.value for s in header.supersededby}
    for spec in (*header.supersedes, *header.supersededby):
        if spec.value == own:
            yield Finding(f"{own} names itself in <supersedes> or <supersededby>", spec.line)
    for spec in header.supersedes:
        if spec.value in later:
            yield Finding(f"{spec.value} is both superseded by and superseding this XEP", spec.line)
    status = header.value("status")
    if header.supersededby and status not in SUPERSEDED_STATUSES and status != "ProtoXEP":
        spec = header.supersededby[0]
        yield Finding(
            f"superseded by {spec.value}, yet the status is {status!r}",
            spec.line,
            hint="a superseded XEP is Deprecated or Obsolete",
        )


@rule("HDR012", "shortname", Severity.WARNING, fixable=Fixable.SOMETIMES)
def shortname(document: Document, context: LintContext) -> Iterator[Finding]:
    """The shortname is an XML NCName, assigned once the XEP is numbered.

    Why: XEP-0053 §namespaces (the Registrar assigns shortnames), ``xep.xsd`` (an NCName).
    A ProtoXEP writes ``NOT_YET_ASSIGNED``; the other placeholders ``extract-metadata``
    accepts (``N/A``, ``None``, ``Not yet assigned``, ``TO BE ASSIGNED``, ``TO BE ISSUED``)
    are not NCNames. A numbered, active XEP with a placeholder has not
    been given its shortname (``N/A`` is accepted for documents other than Standards Track;
    Deferred and inactive XEPs are left alone). A missing ``<shortname>`` is a DTD error (XSF001).
    Bad: ``<shortname>N/A</shortname>`` in ``inbox/``; ``NOT_YET_ASSIGNED`` in XEP-0454.
    Good: ``<shortname>NOT_YET_ASSIGNED</shortname>`` in ``inbox/``; ``omemo`` in XEP-0384.
    """
    field = document.header.shortname if document.header else None
    if field is None:
        return
    value = field.value
    placeholder = value == SHORTNAME_PLACEHOLDER or normalise(value).lower() in PLACEHOLDERS
    if is_protoxep(document):
        if placeholder and value != SHORTNAME_PLACEHOLDER:
            yield Finding(
                f"write the placeholder {SHORTNAME_PLACEHOLDER!r}, not {value!r}",
                field.line,
                fix=replace_element_text(document, field.element, SHORTNAME_PLACEHOLDER),
            )
        elif not placeholder and not NCNAME.fullmatch(value):
            yield Finding(f"shortname {value!r} is not an XML NCName", field.line)
        return
    if not placeholder:
        if not NCNAME.fullmatch(value):
            yield Finding(f"shortname {value!r} is not an XML NCName", field.line)
        return
    inactive = document.header_value("status") in (*SUPERSEDED_STATUSES, "Deferred")
    not_applicable = normalise(value).lower() in NOT_APPLICABLE
    if inactive or (not_applicable and document.header_value("type") != "Standards Track"):
        return
    yield Finding(
        f"no shortname assigned ({value!r}) to a numbered XEP",
        field.line,
        hint="ask the XMPP Registrar for one (usually the namespace's last segment)",
    )


@rule("HDR013", "tags", Severity.WARNING)
def tags(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<tag>`` values are non-empty, distinct, and not the template's ``template``.

    Why: the ``tags`` element of the DTD feeds the xmpp.org XEP list filters; commit
    ``e4fdc477``. Its place (after ``<shortname>``) is the DTD's (HDR017).
    Bad: ``<tags><tag>template</tag></tags>``.  Good: ``<tags><tag>encryption</tag></tags>``.
    """
    header = document.header
    seen: set[str] = set()
    for tag in header.tags if header else []:
        value = tag.value
        if not value:
            yield Finding("empty <tag>", tag.line)
        elif value == "template":
            yield Finding("the template's tag 'template' is still there", tag.line)
        elif value in seen:
            yield Finding(f"tag {value!r} is listed twice", tag.line)
        seen.add(value)


@rule("HDR014", "author-contact", Severity.ERROR, mixed_severity=True)
def author_contact(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every author can be reached: an email address and a JID.

    Why: XEP-0143 §format-metadata REQUIRES "some combination of the <email/>, <jid/>, and
    <uri/> elements" (error when all are missing); XEP-0001 §submission asks for both an
    email address and a JID (warning when one is missing). Authors marked ``<authornote/>``
    (in memoriam entries of ``xep.ent``) are left alone.
    Bad: ``<author><firstname>A</firstname><surname>B</surname></author>``.
    Good: the same with ``<email>a@example.org</email><jid>a@example.org</jid>``.
    """
    header = document.header
    if header is None:
        return
    authors = header.children.get("author", [])  # elements: an Author is built for a finding
    lines: list[int] = []  # each author's line, worked out for the first finding
    for position, author in enumerate(authors):
        children = first_children(author)
        if "authornote" in children:
            continue
        email, jid = _filled(children.get("email")), _filled(children.get("jid"))
        if email and jid:
            continue
        lines = lines or _author_lines(document, authors)
        where = lines[position]
        who = read_author(author).name or "an author"
        if not (email or jid) and not _filled_element(children.get("uri")):
            yield Finding(
                f"author {who} has neither an email address nor a JID",
                where,
                hint="add <email>…</email> and <jid>…</jid> to the <author>",
            )
        else:
            missing, tag = ("email address", "email") if not email else ("JID", "jid")
            yield Finding(
                f"author {who} has no {missing}",
                where,
                hint=f"add <{tag}>…</{tag}> to the <author> (XEP-0001 asks for both)",
                severity=Severity.WARNING,
            )


def _filled(element: etree._Element | None) -> bool:
    """Whether ``element`` is there with text (``Field.value`` not empty)."""
    return element is not None and bool(text_of(element).strip())


def _filled_element(element: object) -> bool:
    return element is not None and bool(normalise(getattr(element, "text", None) or ""))


def _author_lines(document: Document, authors: list[etree._Element]) -> list[int]:
    """Each author's line; for one that comes from an entity (``&paulschaub;``), the line
    of the reference (the n-th author entity reference in the header)."""
    header = document.header
    assert header is not None
    lines = [a.sourceline or 0 for a in authors]
    if min(lines, default=header.line) >= header.line:  # no author from an entity
        return lines
    declarations = document.root.entities.declarations if document.root else {}
    start = document.raw.find(b"<header")
    references = iter(
        document.raw.count(b"\n", 0, m.start()) + 1
        for m in _REFERENCE.finditer(document.raw, max(start, 0))
        if _declares_author(declarations.get(m.group(1), b""))
    )
    return [at if at >= header.line else next(references, header.line) for at in lines]


@lru_cache(maxsize=4096)
def _declares_author(value: bytes) -> bool:
    """Whether an entity's declared ``value`` holds an ``<author>`` (once per value: the same
    bytes come back for every XEP, and a bytes object keeps its hash, so ``&LEGALNOTICE;``'s
    2.8 KB are not searched again for each)."""
    return b"<author" in value


@rule("HDR015", "no-interim", Severity.WARNING)
def no_interim(document: Document, context: LintContext) -> Iterator[Finding]:
    """No ``<interim/>`` in a numbered XEP that is not Procedural.

    Why: docs/PROCESSING.md:106; ``<interim/>`` marks interim versions of process documents.
    Bad: ``<interim/>`` in a Standards Track XEP.  Good: no ``<interim/>``.
    """
    header = document.header
    if header is None or "interim" not in header.children:
        return
    if not is_numbered(document) or header.value("type") == "Procedural":
        return
    for element in header.children["interim"]:
        yield Finding(
            f"<interim/> in {document.header_value('type') or 'a'} XEP-"
            f"{document.header_value('number')}: only Procedural XEPs have interim versions",
            line(element),
            hint="remove the <interim/> element",
        )


@rule("HDR016", "lastcall", Severity.ERROR, mixed_severity=True)
def lastcall(document: Document, context: LintContext) -> Iterator[Finding]:
    """``<lastcall>`` dates are real YYYY-MM-DD dates, newest first, and only after a Last Call.

    Why: XEP-0001 §proposal (Last Calls are issued for accepted XEPs); ``xep.xsl`` parses the
    first ``<lastcall>`` as a date to print "Last Call ends …", so a bad date breaks the
    page. A ProtoXEP has had no Last Call (warning).
    Bad: ``<lastcall>2025-13-01</lastcall>``; ``2017-02-11`` above ``2017-03-01``.
    Good: ``<lastcall>2025-10-28</lastcall>`` above ``<lastcall>2025-01-06</lastcall>``.
    """
    header = document.header
    if header is None or not header.lastcall:
        return
    if is_protoxep(document):
        yield Finding(
            "a ProtoXEP has no Last Call", header.lastcall[0].line, severity=Severity.WARNING
        )
    previous: date | None = None
    for field in header.lastcall:
        when = parse_iso_date(field.value)
        if when is None:
            yield Finding(
                f"<lastcall> date {date_problem(field.value)}",
                field.line,
                hint="write the real date of the Last Call's end, as YYYY-MM-DD",
            )
            continue
        if previous is not None and when > previous:
            yield Finding(
                f"last call {field.value} stands below the older {previous.isoformat()}",
                field.line,
                hint="list <lastcall> dates newest first",
            )
        previous = when


@rule("HDR017", "header-order", Severity.ERROR, needs_dtd=True)
def header_order(document: Document, context: LintContext) -> Iterator[Finding]:
    """The ``<header>`` children come in the DTD's order; this names the one out of place.

    Why: ``xep.dtd`` ``<!ELEMENT header …>``. The DTD check (XSF001) fails such a file with a
    message that lists the whole content model; this rule says which element to move. It
    only reports when the DTD check fails too.
    Bad: ``<shortname>`` before ``<dependencies>``.
    Good: title, abstract, legal, number, status, lastcall*, interim*, type, sig,
    approver, dependencies, supersedes, supersededby, shortname, tags?, schemaloc*,
    registry?, discuss?, expires?, author+, revision+, councilnote?.
    """
    header = document.header
    if header is None or not document.official.literal_errors:
        return
    rank = {tag: index for index, tag in enumerate(HEADER_ORDER)}
    children = [
        c for c in header.element.iterchildren() if isinstance(c.tag, str) and c.tag in rank
    ]
    kept = _longest_ordered(children, rank)
    for index, child in enumerate(children):
        if index in kept:
            continue
        after = [children[k].tag for k in kept if rank[children[k].tag] <= rank[child.tag]]
        before = [children[k].tag for k in kept if rank[children[k].tag] > rank[child.tag]]
        place = " and ".join(
            [
                *([f"after <{after[-1]}>"] if after else []),
                *([f"before <{before[0]}>"] if before else []),
            ]
        )
        yield Finding(
            f"<{child.tag}> is out of place: move it {place}",
            line(child),
            hint="header order: " + ", ".join(HEADER_ORDER),
        )


def _longest_ordered(children: list, rank: dict[str, int]) -> list[int]:
    """Indexes of the longest run of ``children`` already in header order (the rest move)."""
    best: list[list[int]] = []
    for index, child in enumerate(children):
        fits = [run for run in best if rank[children[run[-1]].tag] <= rank[child.tag]]
        best.append([*max(fits, key=len, default=[]), index])
    return max(best, key=len, default=[])
