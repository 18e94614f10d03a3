"""File and document level rules of the catalogue (``docs/rules.md`` §2.1) beyond the XSF CI.

XEP001 (DTD validity), XEP003 (stylesheet PI) and XEP004 (``&LEGALNOTICE;``) are official
checks (XSF001/XSF002, XSF012, XSF013); XEP005's numbered half is XSF003 and its
``xep-[0-9]`` half is XSF006. This module adds what they leave out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.xep import Document
from e2ee_sig.xep.doctype import XEP_ENT
from e2ee_sig.xep.facts import NumberedXep
from e2ee_sig.xep.index import index_of

TEMPLATE_DOCTYPE = "<!DOCTYPE xep SYSTEM 'xep.dtd' [ <!ENTITY % ents SYSTEM 'xep.ent'> %ents; ]>"
_UNDEFINED = re.compile(r"Entity '([^']+)' not defined")
_INBOX_NAME = re.compile(r"[a-z0-9-]+\.xml")
_NUMBERED_NAME = re.compile(r"xep-[0-9]")


def _doctype_line(document: Document) -> int:
    return document.raw.count(b"\n", 0, max(document.raw.find(b"<!DOCTYPE"), 0)) + 1


def _make_check_covers(document: Document) -> bool:
    """Whether XSF002 (the ``make`` check) already reports a missing or foreign DOCTYPE and
    undefined entities for this file."""
    return document.is_root_xep_file and document.root is not None


@rule("XEP002", "doctype-ents", Severity.ERROR)
def doctype_ents(document: Document, context: LintContext) -> Iterator[Finding]:
    """The DOCTYPE names ``xep.dtd`` and pulls in ``xep.ent`` through ``%ents;``.

    Why: xep-template.xml lines 2-5. Without the ``%ents;`` reference, ``&LEGALNOTICE;`` and
    every ``&xepNNNN;`` are undefined and the XEP does not build. Entities of the document's
    own (rare) are declared inside the same internal subset, between ``[`` and ``]``.
    For root ``xep-*`` files, the official ``make`` check (XSF002) already reports a missing
    DOCTYPE, another DTD and undefined entities; this rule then only checks ``%ents;``.

    Bad: ``<!DOCTYPE xep SYSTEM 'xep.dtd'>``; ``<!ENTITY % ents SYSTEM 'xep.ent'>`` without
    ``%ents;`` (inbox/iap.xml); ``&myproto;`` used but declared nowhere.
    Good: ``<!DOCTYPE xep SYSTEM 'xep.dtd' [ <!ENTITY % ents SYSTEM 'xep.ent'> %ents; ]>``.
    """
    doctype = document.doctype
    covered = _make_check_covers(document)
    if doctype is None:
        if not covered:
            yield Finding("the document has no DOCTYPE", 1, hint=f"add {TEMPLATE_DOCTYPE}")
        return
    if not covered:
        system = (doctype.system or "").replace("\\", "/").rsplit("/", 1)[-1]
        if doctype.name != "xep" or system != "xep.dtd":
            yield Finding(
                f"the DOCTYPE is {doctype.name!r} from {doctype.system!r}, "
                "not 'xep' from 'xep.dtd'",
                _doctype_line(document),
                hint=f"use {TEMPLATE_DOCTYPE}",
            )
    if not doctype.declared_ents_pe:
        yield Finding(
            f"the DOCTYPE does not declare the {XEP_ENT} parameter entity",
            _doctype_line(document),
            hint="add <!ENTITY % ents SYSTEM 'xep.ent'> and %ents; inside the DOCTYPE's [ ]",
        )
    elif not doctype.references_xep_ent:
        yield Finding(
            f"the {XEP_ENT} parameter entity is declared but never referenced, so its "
            "entities (&LEGALNOTICE;, &xepNNNN;, …) are undefined",
            _doctype_line(document),
            hint="add %ents; on the line after <!ENTITY % ents SYSTEM 'xep.ent'>",
        )
    elif not covered and document.root is not None:  # without a root, xep.ent is unknown
        yield from _undeclared_entities(document)


def _undeclared_entities(document: Document) -> Iterator[Finding]:
    """Entities the body uses that neither ``xep.ent`` nor the internal subset declares."""
    for problem in document.parse_errors:
        undefined = _UNDEFINED.fullmatch(problem.message)
        if undefined:
            yield Finding(
                f"entity &{undefined.group(1)}; is declared neither in {XEP_ENT} "
                "nor inside the DOCTYPE",
                problem.line,
                problem.column,
                hint=f'declare it inside the DOCTYPE\'s [ ]: <!ENTITY {undefined.group(1)} "…">',
            )


def _in_inbox(document: Document) -> bool:
    """Whether the file lies in an ``inbox`` folder (the path test only when needed)."""
    return document.relpath.startswith("inbox/") or document.path.parent.name == "inbox"


@rule("XEP005", "filename", Severity.WARNING)
def filename(document: Document, context: LintContext) -> Iterator[Finding]:
    """An inbox file name does not start with ``xep-``.

    Why: docs/PROCESSING.md:78 ("not xep-"); the official CI (XSF006) forbids only
    ``xep-`` followed by a digit, and XSF003 checks numbered files. ``xep-`` names make a
    ProtoXEP look like a numbered XEP; the Editor renames them to ``[a-z0-9-]+.xml``.

    Bad: ``inbox/xep-happy-eyeballs.xml``.  Good: ``inbox/happy-eyeballs.xml``.
    """
    name = document.name
    if not name.startswith("xep-") or _NUMBERED_NAME.match(name) or not _in_inbox(document):
        return
    suggestion = re.sub(r"[^a-z0-9-]+", "-", name[4:-4].lower()).strip("-") + ".xml"
    yield Finding(
        f"inbox file name {name!r} starts with 'xep-'",
        1,
        hint=f"rename it to inbox/{suggestion}" if _INBOX_NAME.fullmatch(suggestion) else None,
    )


def accepted_as(document: Document) -> NumberedXep | None:
    """The numbered XEP an inbox ProtoXEP became: same title or same assigned shortname as
    an ``xep-NNNN.xml`` of its root (None when it is not in an inbox or has no match)."""
    header, root = document.header, document.root
    if header is None or root is None or header.value("status") != "ProtoXEP":
        return None
    if not _in_inbox(document):
        return None
    return index_of(root).find(header.value("title"), header.value("shortname"))


@rule("XEP006", "accepted-protoxep", Severity.WARNING)
def accepted_protoxep(document: Document, context: LintContext) -> Iterator[Finding]:
    """An inbox ProtoXEP that has been accepted as a numbered XEP is reported once, alone.

    Why: docs/PROCESSING.md: on acceptance the Editor publishes the ProtoXEP as
    ``xep-NNNN.xml``; a copy left in ``inbox/`` is stale, and its findings (fixed or not in the
    numbered XEP) are noise. A ProtoXEP counts as accepted when a root ``xep-NNNN.xml`` has the
    same title or the same assigned shortname. When this rule fires, it replaces every other
    finding of the file.

    Bad: ``inbox/trust-messages.xml`` next to ``xep-0434.xml`` ("Trust Messages (TM)").
    Good: the inbox copy removed.
    """
    accepted = accepted_as(document)
    if accepted is None:
        return
    header = document.header
    field = header.title if header is not None else None
    yield Finding(
        f"accepted as XEP-{accepted.number} ({accepted.title}); remove {document.relpath}",
        field.line if field is not None else 1,
        hint=f"edit xep-{accepted.number}.xml instead; this inbox copy is no longer published",
    )
