"""Sections and structure (catalogue §2.4): the sections every XEP must or should have.

Which XEP types the rules apply to, from XEP-0001 and XEP-0143:

* SEC001–SEC003 (Security, IANA, Registrar): XEP-0001 §security, §iana and §registrar say
  "every XMPP Extension Protocol specification must contain" them, so they apply to Standards
  Track, Informational, Historical and Humorous XEPs alike (XEP-0454, Historical, is reported).
  Procedural XEPs (and the legacy types SIG Formation and SIG Proposal) define a process, not
  a protocol (XEP-0001 §types-Procedural); none of the corpus's procedural documents has these
  sections (XEP-0002, XEP-0143, XEP-0381, XEP-0429), and they are not asked for them.
* SEC004 (XML Schema) applies to Standards Track XEPs that define XML of their own (see
  ``defines_protocol``; using ``disco#info`` in an example is not that): XEP-0001 §schema
  asks it of specifications "that define official XSF protocols" and XEP-0143
  §sections-schema makes it a condition of Council approval. It is therefore an error from
  Proposed on (Proposed, Draft, Final) and a warning for ProtoXEP, Experimental and
  Deferred documents; Deprecated, Retracted, Rejected and Obsolete ones are left alone.
* SEC005/SEC006 (Privacy, Accessibility) are template requirements since 2024-02-04 only: they
  apply, as warnings, to documents started on or after that date, whatever their type.
* SEC007's Introduction check applies to every type except Procedural; its Requirements check
  and SEC008 only to ProtoXEPs and Experimental XEPs started since 2024-02-04 (older documents
  are not restructured); SEC012 applies to every document.

The section rules are ``content`` rules: for Obsolete, Deferred, Retracted and Rejected XEPs the
engine lowers them to warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Edit, Finding, Fix, Fixable, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._util import (
    REGISTRAR_TOPICS,
    all_sections,
    example_namespaces,
    find_section,
    header_line,
    is_protoxep,
    line,
    normalise,
    own_namespaces,
    per_document,
    prose,
    registered_namespaces,
    schema_namespaces,
    sections,
    topic,
)
from e2ee_sig.xep import Document
from e2ee_sig.xep.edit import element_span
from e2ee_sig.xep.header import first_value
from e2ee_sig.xep.index import index_of

CORE_NAMESPACES = (
    "jabber:client",
    "jabber:server",
    "jabber:iq:roster",
    "http://etherx.jabber.org/streams",
    "urn:ietf:params:xml:ns:",
    "http://www.w3.org/",
)
PROCESS_TYPES = frozenset({"Procedural", "SIG Formation", "SIG Proposal"})
SCHEMA_REQUIRED = frozenset({"Proposed", "Draft", "Final"})
SCHEMA_EXPECTED = frozenset({"ProtoXEP", "Experimental", "Deferred"})
TEMPLATE_SECTIONS_SINCE = "2024-02-04"
SECURITY_TOPICS = ("Security Considerations", "Security")
IANA_TOPICS = ("IANA Considerations",)
REGISTRAR_ALL_TOPICS = (*REGISTRAR_TOPICS, "Jabber Registrar Considerations")
# The standard top-level sections in xep-template.xml order (XEP-0143 §sections).
STANDARD_ORDER = (
    ("Introduction",),
    ("Requirements",),
    ("Glossary",),
    ("Use Cases",),
    ("Business Rules",),
    ("Implementation Notes",),
    ("Accessibility Considerations",),
    ("Internationalization Considerations", "Internationalisation Considerations"),
    SECURITY_TOPICS,
    ("Privacy Considerations",),
    IANA_TOPICS,
    REGISTRAR_ALL_TOPICS,
    ("Design Considerations",),
    ("XML Schema", "XML Schemas", "Schema"),
    ("Acknowledgements", "Acknowledgments"),
)
_RANKS = {
    name.casefold(): rank
    for rank, names in reversed(tuple(enumerate(STANDARD_ORDER)))
    for name in names
}
"""Each standard section's place in :data:`STANDARD_ORDER`, by its case-folded name."""
NO_IANA = (
    "This document requires no interaction with the Internet Assigned Numbers Authority (IANA)."
)
NO_REGISTRAR = (
    "No namespaces or parameters need to be registered with the XMPP Registrar "
    "as a result of this document."
)
STANDARD_TEXT = {
    IANA_TOPICS: ("IANA Considerations", "iana", NO_IANA),
    REGISTRAR_ALL_TOPICS: ("XMPP Registrar Considerations", "registrar", NO_REGISTRAR),
}
_PLACEHOLDER = re.compile(
    r"(?:(?:strongly )?(?:required|recommended)|optional)(?: for protocol specifications)?\.?",
    re.I,
)
# Section text that says nothing: a to-do marker or a bare yes/no.
NON_ANSWER = re.compile(r"(?:TBD|TODO|FIXME|TBC|XXX+|yes|no|-+|\.\.\.|…)[.!]?", re.I)
SCHEMA_TOPIC = re.compile(r"\bschemas?\b", re.I)
_XS_SCHEMA = re.compile(r"<(?:[\w-]+:)?schema\b")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTRODUCTION = re.compile(r"introduction\b", re.I)
_REQUIREMENTS = re.compile(r"\b(requirements?|goals)\b", re.I)
_NAMESPACE_PARTS = re.compile(r"[:/#.]")
_INDENT = re.compile(rb"[ \t]*")


def runs(context: LintContext, code: str) -> bool:
    """Whether rule ``code`` runs in this lint (a context that lists no rules runs them all):
    a rule leaves a fact to the more specific rule that reports it."""
    return not context.enabled or code in context.enabled


@per_document
def _type(document: Document) -> str:
    """The header's type, whitespace collapsed (worked out once, as is the status: the rules
    of this module ask for each several times a document)."""
    return normalise(document.header_value("type"))


@per_document
def _status(document: Document) -> str:
    return normalise(document.header_value("status"))


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is only a template placeholder such as ``REQUIRED.``."""
    return _PLACEHOLDER.fullmatch(normalise(text)) is not None


@per_document
def _ranked(document: Document) -> tuple[tuple[int, etree._Element], ...]:
    """The top-level standard sections with their place in :data:`STANDARD_ORDER`."""
    ranked = ((_RANKS.get(topic(s).casefold()), s) for s in sections(document))
    return tuple((rank, s) for rank, s in ranked if rank is not None)


@per_document
def titled_sections(document: Document) -> tuple[tuple[etree._Element, str], ...]:
    """Every section (:func:`all_sections`) with its ``topic`` attribute as written."""
    return tuple((s, s.get("topic", "")) for s in all_sections(document))


def _successor(document: Document, topics: tuple[str, ...]) -> etree._Element | None:
    """The first top-level standard section that comes after ``topics`` in template order."""
    rank = STANDARD_ORDER.index(topics)
    return next((s for r, s in _ranked(document) if r > rank), None)


def where_missing(document: Document, topics: tuple[str, ...]) -> int:
    """The line where a missing standard section belongs: the section it comes before, else
    the last top-level section (it goes after that), never ``<header>`` or ``</xep>``."""
    successor = _successor(document, topics)
    if successor is not None:
        return line(successor)
    top = sections(document)
    return line(top[-1]) if top else header_line(document)


def placement(document: Document, topics: tuple[str, ...]) -> str:
    """Where a missing standard section goes, in words: "before 'IANA Considerations'"."""
    successor = _successor(document, topics)
    if successor is not None:
        return f"before '{topic(successor)}'"
    top = sections(document)
    return f"after '{topic(top[-1])}'" if top else "as the first section"


def section_or_place(document: Document, topics: tuple[str, ...]) -> int:
    """The line of the standard section ``topics`` if present, else where it belongs."""
    section = find_section(document, *topics)
    return line(section) if section is not None else where_missing(document, topics)


def _texts(element: etree._Element) -> Iterator[str]:
    """The texts :func:`prose` joins that are not blank, in order (read lazily)."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.text and not node.text.isspace():
            yield node.text
        if node is not element and node.tail and not node.tail.isspace():
            yield node.tail


def has_prose(element: etree._Element) -> bool:
    """Whether :func:`prose` of ``element`` is not empty (stops at the first text)."""
    return next(_texts(element), None) is not None


def lone_prose(element: etree._Element) -> str | None:
    """:func:`prose` of ``element`` when one text makes it (None for two or more texts,
    which make two words at least; read up to the second text only)."""
    texts = list(islice(_texts(element), 2))
    return normalise(texts[0]) if len(texts) == 1 else None


def _missing_or_empty(
    document: Document, topics: tuple[str, ...]
) -> tuple[etree._Element | None, Finding | None]:
    section = find_section(document, *topics)
    if section is None:
        return None, Finding(
            f"no '{topics[0]}' section (add it {placement(document, topics)})",
            where_missing(document, topics),
        )
    if not has_prose(section):
        return section, Finding(f"the '{topic(section)}' section is empty", line(section))
    return section, None


@per_document
def non_answer(document: Document) -> tuple[etree._Element, str] | None:
    """The Security Considerations section with its text when that says nothing ('TBD.')."""
    section = find_section(document, *SECURITY_TOPICS)
    text = lone_prose(section) if section is not None else None  # a non-answer is one word
    return (section, text) if section is not None and text and NON_ANSWER.fullmatch(text) else None


def _protocol_document(document: Document) -> bool:
    return _type(document) not in PROCESS_TYPES


@per_document
def _insert_sections(document: Document) -> Fix | None:
    """Insert the standard "nothing to register" IANA and Registrar sections that are missing.

    Both missing sections are inserted by one edit, so that SEC002's and SEC003's fixes are the
    same edit (applied once) and keep the template order. Unsafe: only the author knows that
    nothing needs registering.
    """
    missing = [t for t in (IANA_TOPICS, REGISTRAR_ALL_TOPICS) if find_section(document, *t) is None]
    root = document.xml_root
    if not missing or root is None:
        return None
    raw = document.raw
    newline = b"\r\n" if b"\r" in raw and b"\r\n" in raw else b"\n"  # (memchr first)
    successor = _successor(document, missing[-1])
    if successor is not None:
        offset = _line_start(raw, line(successor))
        indent = _INDENT.match(raw, offset).group(0)  # type: ignore[union-attr]
        prefix = b""
    else:
        span = element_span(raw, root)
        if span is None:
            return None
        offset, indent = span.content_end, b""
        before = raw[raw.rfind(b"\n", 0, offset) + 1 : offset]
        prefix = newline if before.strip() else b""
    text = prefix
    for topics in missing:
        name, anchor, sentence = STANDARD_TEXT[topics]
        text += (
            f"<section1 topic='{name}' anchor='{anchor}'>".encode()
            + newline
            + indent
            + f"  <p>{sentence}</p>".encode()
            + newline
            + indent
            + b"</section1>"
            + newline
            + indent
        )
    names = " and ".join(f"'{STANDARD_TEXT[t][0]}'" for t in missing)
    return Fix(
        f"insert {names} stating that nothing is registered", (Edit(offset, offset, text),), False
    )


def _line_start(raw: bytes, number: int) -> int:
    """The byte offset where line ``number`` (1-based, at most the last line) starts."""
    return len(raw) - len(raw.split(b"\n", number - 1)[-1])


@rule("SEC001", "security-section", Severity.ERROR, content=True)
def security_section(document: Document, context: LintContext) -> Iterator[Finding]:
    """A 'Security Considerations' section exists and says something.

    Why: XEP-0001 §security ("Every XMPP Extension Protocol specification must contain a
    section entitled 'Security Considerations'") and XEP-0143 §sections-security ("Even if
    there are no security features or concerns related to your proposal, you MUST note that
    fact"). Procedural XEPs are exempt (see the module documentation).

    A section saying only "TBD." or "Yes." says nothing.

    Bad: no such section (XEP-0374, inbox/trust-messages.xml), ``<section1 topic='Security
    Considerations'/>``, or one whose text is only ``<p>TBD.</p>``.
    Good: ``<section1 topic='Security Considerations' anchor='security'><p>This protocol
    introduces no security considerations beyond those of RFC 6120.</p></section1>``.
    """
    if not _protocol_document(document):
        return
    section, finding = _missing_or_empty(document, SECURITY_TOPICS)
    said = non_answer(document) if section is not None and finding is None else None
    if said is not None:
        finding = Finding(f"the '{topic(said[0])}' section says only {said[1]!r}", line(said[0]))
    if finding is not None:
        yield Finding(
            finding.message,
            finding.line,
            hint="describe the threats the protocol addresses and does not address (RFC 3552); "
            "if there are none, say so",
        )


@rule("SEC002", "iana-section", Severity.ERROR, fixable=Fixable.UNSAFE, content=True)
def iana_section(document: Document, context: LintContext) -> Iterator[Finding]:
    """An 'IANA Considerations' section exists and says something.

    Why: XEP-0001 §iana ("Whether or not a XEP requires registration of parameters with the
    IANA, that fact must be noted and explained in a distinct section of the XEP entitled 'IANA
    Considerations'"); XEP-0143 §sections-iana ("This section is REQUIRED"). The unsafe fix
    inserts the standard sentence of XEP-0143 before the Registrar (or later standard) section.

    Bad: no such section (XEP-0420).
    Good: ``<section1 topic='IANA Considerations' anchor='iana'><p>This document requires no
    interaction with the Internet Assigned Numbers Authority (IANA).</p></section1>``.
    """
    yield from _required_section(
        document, IANA_TOPICS, f"if nothing is registered, write: {NO_IANA}"
    )


@rule("SEC003", "registrar-section", Severity.ERROR, fixable=Fixable.UNSAFE, content=True)
def registrar_section(document: Document, context: LintContext) -> Iterator[Finding]:
    """An 'XMPP Registrar Considerations' section exists and says something.

    Why: XEP-0001 §registrar ("Whether or not a XEP requires registration of protocol
    namespaces or parameters with the XMPP Registrar, that fact must be noted and explained in
    a distinct section of the XEP entitled 'XMPP Registrar Considerations'"); XEP-0053
    §registries. The legacy title 'Jabber Registrar Considerations' is accepted. The unsafe
    fix inserts the standard "nothing to register" sentence before the Design Considerations,
    XML Schema or Acknowledgements section (or at the end).

    Bad: no such section (XEP-0454).
    Good: ``<section1 topic='XMPP Registrar Considerations' anchor='registrar'><p>No
    namespaces or parameters need to be registered with the XMPP Registrar as a result of this
    document.</p></section1>``.
    """
    yield from _required_section(
        document,
        REGISTRAR_ALL_TOPICS,
        f"list the namespaces and registry entries this document defines, or write: {NO_REGISTRAR}",
    )


def _required_section(document: Document, topics: tuple[str, ...], hint: str) -> Iterator[Finding]:
    """The finding for a protocol document's missing or empty section (one of ``topics``);
    a missing one comes with the unsafe fix inserting the standard sections."""
    if not _protocol_document(document):
        return
    section, finding = _missing_or_empty(document, topics)
    if finding is not None:
        yield Finding(
            finding.message,
            finding.line,
            hint=hint,
            fix=_insert_sections(document) if section is None else None,
        )


def _has_schema(document: Document) -> bool:
    """A schema section with an ``xs:schema``, a section explaining why there is none, or a
    ``<schemaloc>`` in the header (the schema is published separately, e.g. XEP-0313)."""
    header = document.header
    if header is not None and header.child("schemaloc") is not None:
        return True
    for section, name in reversed(titled_sections(document)):  # the schema comes last
        if not _schema_topic(name):  # whitespace: no word boundary
            continue
        if any(_has_xs_schema(c.text or "") for c in section.iter("code")):
            return True
        text = prose(section)
        if text and not is_placeholder(text):
            return True
    return False


def _schema_topic(name: str) -> bool:
    """Whether :data:`SCHEMA_TOPIC` finds something in ``name`` (first a literal search: a
    pattern that starts with ``\\b`` and ignores case is tried at every character; no
    character but an ASCII letter matches one of ``chema`` regardless of case)."""
    return "chema" in name.lower() and SCHEMA_TOPIC.search(name) is not None


def _has_xs_schema(code: str) -> bool:
    """Whether ``code`` holds an ``xs:schema`` element outside comments."""
    return _XS_SCHEMA.search(_COMMENT.sub("", code) if "<!--" in code else code) is not None


@rule("SEC004", "xml-schema", Severity.ERROR, content=True, mixed_severity=True)
def xml_schema(document: Document, context: LintContext) -> Iterator[Finding]:
    """A Standards Track protocol has an 'XML Schema' section with its ``xs:schema``.

    Why: XEP-0001 §schema ("specifications that define official XSF protocols must include a
    schema") and §approval-std; XEP-0143 §sections-schema ("An XML Schema is required in order
    for protocols to be approved by the XMPP Council"). Error from Proposed on (Proposed,
    Draft, Final); a warning while the document is a ProtoXEP, Experimental or Deferred;
    nothing for Deprecated, Retracted, Rejected or Obsolete XEPs. Only documents that define
    XML of their own are protocols here (a schema ``targetNamespace``, an example namespace
    named after the shortname, or a namespace listed in Registrar Considerations; an example
    that merely uses ``disco#info`` is not a protocol of its own); a
    schema section that explains why no schema is needed counts, a ``REQUIRED for protocol
    specifications.`` placeholder does not. A ``<schemaloc>`` in the header counts.

    Bad: a Draft XEP whose examples define ``urn:xmpp:widgets:0`` and no schema.
    Good: ``<section1 topic='XML Schema' anchor='schema'><code><![CDATA[<xs:schema …
    targetNamespace='urn:xmpp:widgets:0'>…</xs:schema>]]></code></section1>``.
    """
    finding = missing_schema(document)
    if finding is not None:
        yield finding


@per_document
def missing_schema(document: Document) -> Finding | None:
    """SEC004's finding for ``document`` (None when it has its schema or needs none)."""
    if _type(document) != "Standards Track":
        return None
    status = _status(document)
    if status not in SCHEMA_REQUIRED | SCHEMA_EXPECTED:
        return None
    # The schema first: most of these documents have one, and then the namespaces that
    # defines_protocol gathers (for this alone, in many documents) are never read.
    if _has_schema(document) or not defines_protocol(document):
        return None
    required = status in SCHEMA_REQUIRED
    section = next((s for s in sections(document) if SCHEMA_TOPIC.search(topic(s))), None)
    text = prose(section) if section is not None else ""
    what = (
        f"the '{topic(section)}' section holds only the template's {text!r}"
        if section is not None and is_placeholder(text)
        else f"the '{topic(section)}' section has no xs:schema"
        if section is not None
        else f"no XML Schema section for {_namespaces_shown(document)}"
    )
    when = f"required for a {status} XEP" if required else "required before Proposed"
    return Finding(
        f"{what} ({when})",
        line(section) if section is not None else where_missing(document, STANDARD_ORDER[13]),
        hint="add <section1 topic='XML Schema' anchor='schema'> with the xs:schema in <code>",
        severity=None if required else Severity.WARNING,
    )


def defines_protocol(document: Document) -> bool:
    """Whether the document defines XML of its own: a schema target, a namespace it names
    after its shortname or registers, or (with a XEP root at hand) an example namespace that
    no other XEP's schema defines. Using ``disco#info`` in an example is not a protocol."""
    if schema_namespaces(document):
        return True
    return any(True for group in _namespace_groups(document) for _ in group)


def _defined_namespaces(document: Document) -> list[str]:
    return sorted({ns for group in _namespace_groups(document) for ns in group})


def _namespace_groups(document: Document) -> Iterator[Iterable[str]]:
    """The namespaces the document defines besides its schema targets, group by group
    (the cheapest first, so that a test for any stops early)."""
    yield own_namespaces(document)
    yield registered_namespaces(document) or ()
    shortname = document.header_value("shortname").casefold()
    if len(shortname) > 2:  # legacy forms too: http://jabber.org/protocol/<shortname>
        yield (
            ns
            for ns in example_namespaces(document)
            if shortname in _NAMESPACE_PARTS.split(ns.casefold())
        )
    if document.root is not None:
        yield _unknown_namespaces(document)


def _unknown_namespaces(document: Document) -> list[str]:
    """Example namespaces that no other XEP of the root defines and that are not the core
    (RFC 6120/6121) or W3C ones: the document's own, whatever their form."""
    assert document.root is not None
    owners = index_of(document.root).schema_owners
    number = {document.header_value("number")}
    return [
        ns
        for ns in example_namespaces(document)
        if not ns.startswith(CORE_NAMESPACES) and owners.get(ns, number) <= number
    ]


def _namespaces_shown(document: Document) -> str:
    names = sorted(schema_namespaces(document)) or _defined_namespaces(document)
    shown = ", ".join(repr(n) for n in names[:2])
    return shown + (f" and {len(names) - 2} more" if len(names) > 2 else "")


@per_document
def _current_template(document: Document) -> bool:
    """Whether the document was started from the current template: no revision (with a
    readable date) before 2024-02-04.

    ProtoXEPs in ``inbox/`` stay there after acceptance, so the date counts for them too.
    Each date is read from its element (:func:`~e2ee_sig.xep.header.first_value`), without
    a :class:`~e2ee_sig.xep.header.Revision` for every block.
    """
    header = document.header
    revisions = header.children.get("revision", ()) if header else ()
    return not any(
        (date := first_value(revision, "date")) is not None
        and _DATE.fullmatch(date)
        and date < TEMPLATE_SECTIONS_SINCE
        for revision in reversed(revisions)  # the oldest comes last
    )


def _template_section(document: Document, name: str, anchor: str) -> Iterator[Finding]:
    if not _current_template(document):
        return
    topics = next(t for t in STANDARD_ORDER if name in t)
    if find_section(document, name) is None:
        yield Finding(
            f"no '{name}' section (xep-template.xml requires it since {TEMPLATE_SECTIONS_SINCE}; "
            f"add it {placement(document, topics)})",
            where_missing(document, topics),
            hint=f"add <section1 topic='{name}' anchor='{anchor}'>; if there is nothing to "
            "consider, say so",
        )


def _being_written(document: Document) -> bool:
    """A ProtoXEP or Experimental XEP started from the current template."""
    active = _status(document) in ("ProtoXEP", "Experimental") or is_protoxep(document)
    return active and _current_template(document)


@rule("SEC005", "privacy-section", Severity.WARNING, content=True)
def privacy_section(document: Document, context: LintContext) -> Iterator[Finding]:
    """A document started since 2024-02-04 has a 'Privacy Considerations' section.

    Why: xep-template.xml marks it REQUIRED since commit 810f594d (2024-02-04); XEP-0001 and
    XEP-0143 do not ask for it, hence a warning, and only for ProtoXEPs and for XEPs whose
    oldest revision is from that date or later (older documents came from an older template).

    Bad: a ProtoXEP without the section.
    Good: ``<section1 topic='Privacy Considerations' anchor='privacy'><p>Offers reveal which
    widgets a client supports.</p></section1>``. For an encryption spec, E2E004 reports the
    missing section instead (with what the section must say).
    """
    missing = list(_template_section(document, "Privacy Considerations", "privacy"))
    if missing and runs(context, "E2E004"):
        from e2ee_sig.xep.scope import applies  # imports the rules: not at the top

        if applies(document, "E2E004"):
            return
    yield from missing


@rule("SEC006", "accessibility-section", Severity.WARNING, content=True)
def accessibility_section(document: Document, context: LintContext) -> Iterator[Finding]:
    """A document started since 2024-02-04 has an 'Accessibility Considerations' section.

    Why: xep-template.xml marks it REQUIRED since 2024-02-04 (not XEP-0001 or XEP-0143), so
    a warning, for ProtoXEPs and XEPs whose oldest revision is from that date or later.

    Bad: a ProtoXEP without the section.
    Good: ``<section1 topic='Accessibility Considerations' anchor='access'><p>This protocol
    has no user interface.</p></section1>``.
    """
    yield from _template_section(document, "Accessibility Considerations", "access")


@rule("SEC007", "intro-reqs", Severity.WARNING, content=True)
def intro_reqs(document: Document, context: LintContext) -> Iterator[Finding]:
    """The first section is the Introduction; a ProtoXEP or Experimental XEP has Requirements.

    Why: XEP-0143 §sections-intro (the introduction "provides the rationale") and
    §sections-reqs ("Every XEP document SHOULD include a section describing the requirements");
    the template calls Requirements "STRONGLY RECOMMENDED". Requirements are asked only of
    documents still being written from the current template (ProtoXEP or Experimental, started
    since 2024-02-04): older documents are not restructured. Titles such as 'Requirements and
    Approach' or 'Goals' count.
    Procedural XEPs are exempt.

    Bad: a ProtoXEP that starts with 'Protocol' and has no Requirements.
    Good: ``<section1 topic='Introduction'>…<section1 topic='Requirements'>…``.
    """
    if not _protocol_document(document):
        return
    top = sections(document)
    if not top:
        return
    if not _INTRODUCTION.match(topic(top[0])):
        yield Finding(
            f"the first section is '{topic(top[0])}', not 'Introduction'",
            line(top[0]),
            hint="start with <section1 topic='Introduction' anchor='intro'>",
        )
    if not _being_written(document):
        return
    if not any(_REQUIREMENTS.search(topic(s)) for s in top):
        yield Finding(
            f"no 'Requirements' section (add it {placement(document, ('Requirements',))})",
            where_missing(document, ("Requirements",)),
            hint="add <section1 topic='Requirements' anchor='reqs'> listing what the protocol "
            "must achieve",
        )


@rule("SEC008", "section-order", Severity.WARNING, content=True)
def section_order(document: Document, context: LintContext) -> Iterator[Finding]:
    """The standard sections of a ProtoXEP or Experimental XEP follow the template order.

    Why: xep-template.xml; XEP-0143 §sections ("usually in something like the order shown"):
    Introduction, Requirements, Glossary, Use Cases, Business Rules, Implementation Notes,
    Accessibility, Internationalization, Security, Privacy, IANA, Registrar, Design
    Considerations, XML Schema, Acknowledgements. Other sections may stand anywhere. Only the
    first section out of order is reported, and only for ProtoXEPs and Experimental XEPs
    started since 2024-02-04.

    Bad: 'IANA Considerations' before 'Security Considerations'.
    Good: Security, Privacy, IANA, Registrar, XML Schema.
    """
    if not _being_written(document):
        return
    highest: tuple[int, etree._Element] | None = None
    for rank, section in _ranked(document):
        if highest is not None and rank < highest[0]:
            yield Finding(
                f"'{topic(section)}' should come before '{topic(highest[1])}' "
                f"(line {line(highest[1])}; xep-template.xml order)",
                line(section),
                hint=f"move the '{topic(section)}' section up",
            )
            return
        highest = (rank, section)


@rule("SEC012", "nesting", Severity.WARNING)
def nesting(document: Document, context: LintContext) -> Iterator[Finding]:
    """Sections nest no deeper than ``<section4>``.

    Why: XEP-0143 §format-contents ("you can nest <section2/> sections, and so on down to
    <section4/>"); the DTD allows ``section5``, but the XSF stylesheet and readers do not
    expect it.

    Bad: ``<section5 topic='Detail'>``.  Good: fold the detail into its ``<section4>``.
    """
    for section in sections(document, 5):  # (found by the shared walk: no tag read here)
        yield Finding(
            f"'{topic(section)}' is a section5; XEP-0143 nests sections down to section4",
            line(section),
            hint="fold it into its section4, or promote the subtree one level",
        )
