"""Header and history defects editors fix by hand: REV020, REV021, HDR020.

Kept apart from ``revisions.py`` and ``header.py``: these rules judge what those leave alone
(a version that is neither semantic nor a legacy form, release-candidate order, a numbered
file still marked ProtoXEP).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._util import header_line, is_numbered
from e2ee_sig.xep import Document
from e2ee_sig.xep.header import Revision
from e2ee_sig.xep.query import per_document

SEMANTIC = r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
LEGACY_TWO_PART = r"(0|[1-9]\d*)\.(0|[1-9]\d*)"
"""The patterns of the two plain forms: only :data:`_WELL_FORMED`, which joins them with
:data:`LEGACY_RC`'s, is compiled (each compiled alone was never used, ~0.4 ms at start-up)."""
WARNING = Severity.WARNING
LEGACY_RC = re.compile(r"(?P<release>(0|[1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?)rc(?P<rc>\d+)")
_WELL_FORMED = re.compile("|".join((SEMANTIC, LEGACY_TWO_PART, LEGACY_RC.pattern)))


@per_document
def _revisions(document: Document) -> tuple[tuple[str, int], ...]:
    """Each revision with a ``<version>``: its version text and its index in the header's
    revisions (once per document: two rules ask; the :class:`Revision`, its line and its date
    are read only for a finding), without a proxy for every child, as ``Revision.child``
    would make."""
    header = document.header
    found = []
    for index, revision in enumerate(header.children.get("revision", ()) if header else ()):
        element = _first_version(revision)
        if element is not None:
            found.append(((element.text or "").strip(), index))
    return tuple(found)


def _first_version(revision: etree._Element) -> etree._Element | None:
    """The first ``<version>`` child of ``revision``: its first child, as the DTD has it
    (one proxy, no iterator), else the first that lxml's tag filter finds."""
    first = revision[0] if len(revision) else None
    if first is not None and first.tag == "version":
        return first
    return next(revision.iterchildren("version"), None)


def _revision(document: Document, index: int) -> Revision:
    """The header's revision number ``index`` (counted from the top)."""
    header = document.header
    assert header is not None
    return header.revisions[index]


def _line(revision: Revision) -> int:
    """The line of the revision's ``<version>``."""
    element = revision.child("version")
    return (element.sourceline if element is not None else None) or revision.line


def _severity(
    document: Document, context: LintContext, version: str, revision: Revision
) -> Severity | None:
    """An error for a revision added since the ``--changed-since`` base, else a warning
    (published history is not failed)."""
    if context.baseline is None:
        return WARNING
    date_element = revision.child("date")
    date = "" if date_element is None else (date_element.text or "").strip()
    return None if context.is_new(document.path, (version, date)) else WARNING


def _release(version: str) -> tuple[int, ...]:
    """``(2, 4, 0)`` for ``2.4``, ``2.4.0`` and ``2.4rc1`` (the release an rc leads to)."""
    rc = LEGACY_RC.fullmatch(version)
    parts = tuple(int(p) for p in (rc.group("release") if rc else version).split("."))
    return parts + (0,) * (3 - len(parts))


@rule("REV020", "version-malformed", Severity.ERROR, mixed_severity=True)
def version_malformed(document: Document, context: LintContext) -> Iterator[Finding]:
    """A revision's version is ``MAJOR.MINOR.PATCH`` or a legacy form, never malformed.

    Why: XEP-0001 §revisions and ``tools/triage.sh``; the XSF's tools sort versions
    (``sort -V``), and a version such as ``01.0``, ``1.``, ``1.0-rc1``, ``x.y`` or ``666``
    sorts wrongly or not at all. Distinct from REV002 (a *legacy* two-part ``1.2`` or
    ``1.21rc1``, tolerated in old revisions): a malformed version is an error in a revision
    added since ``--changed-since``, else a warning. Numbers have no leading zeros.

    Bad: ``<version>01.0</version>``, ``<version>1.1.0-rc.1</version>``, ``<version>0.x</version>``.
    Good: ``<version>1.0.0</version>``; in old revisions also ``1.0`` or ``2.5rc1``.
    """
    for version, index in _revisions(document):
        if not version or _valid(version):
            continue
        revision = _revision(document, index)
        yield Finding(
            f"version {version!r} is malformed",
            _line(revision),
            hint="write MAJOR.MINOR.PATCH without leading zeros, e.g. 1.0.0 or 0.3.1",
            severity=_severity(document, context, version, revision),
        )


@rule("REV021", "rc-order", Severity.ERROR, mixed_severity=True)
def rc_order(document: Document, context: LintContext) -> Iterator[Finding]:
    """A release candidate (``2.4rc1``) is older than its release and its later candidates.

    Why: XEP-0001 §revisions: the revision history is newest first. ``2.4rc2`` comes before
    ``2.4`` (or ``2.4.0``) and after ``2.4rc1``; listing it above its release says the
    candidate replaced the release. ``sort -V`` (XSF010) orders ``2.4rc1`` *after* ``2.4``,
    so the official check cannot see this. An error for a revision added since
    ``--changed-since``, else a warning.

    Bad: ``2.4rc1`` above ``2.4``; ``2.5rc1`` above ``2.5rc2``.
    Good: ``2.5.0``, then ``2.5rc3``, ``2.5rc2``, ``2.5rc1``, then ``2.4``.
    """
    versions = _revisions(document)
    for position, (version, index) in enumerate(versions):
        rc = LEGACY_RC.fullmatch(version) if "rc" in version else None
        if rc is None:
            continue
        for older, older_index in versions[position + 1 :]:
            older_rc = LEGACY_RC.fullmatch(older)
            same = _valid(older) and _release(older) == _release(version)
            if same and (older_rc is None or int(older_rc.group("rc")) > int(rc.group("rc"))):
                revision = _revision(document, index)
                yield Finding(
                    f"release candidate {version} is listed above {older} "
                    f"(line {_line(_revision(document, older_index))}), which is newer",
                    _line(revision),
                    hint=f"move {older} above {version}",
                    severity=_severity(document, context, version, revision),
                )
                break


def _valid(version: str) -> bool:
    """Semantic, or a legacy two-part or release-candidate version."""
    return _WELL_FORMED.fullmatch(version) is not None


@rule("HDR020", "numbered-protoxep", Severity.ERROR)
def numbered_protoxep(document: Document, context: LintContext) -> Iterator[Finding]:
    """A numbered ``xep-NNNN.xml`` does not have status ProtoXEP.

    Why: XEP-0001 §approval: a ProtoXEP lives in ``inbox/`` until the Council accepts it; the
    Editor then gives it a number, renames it ``xep-NNNN.xml`` and sets it Experimental. A
    numbered file still marked ProtoXEP was renamed without the status change (XSF004
    checks the opposite: inbox files must be ProtoXEP).

    Bad: ``xep-0999.xml`` with ``<status>ProtoXEP</status>``.
    Good: ``xep-0999.xml`` with ``<status>Experimental</status>``, or ``inbox/widgets.xml``.
    """
    if is_numbered(document) and document.header_value("status") == "ProtoXEP":
        header = document.header
        status = header.status if header else None
        yield Finding(
            "a numbered XEP file has status ProtoXEP",
            status.line if status else header_line(document),
            hint="set <status>Experimental</status> (accepted XEPs), or move it to inbox/",
        )
