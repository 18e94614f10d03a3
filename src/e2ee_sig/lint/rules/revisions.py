"""Revision history rules (catalogue §2.3, REV001–REV012).

History is judged the way the XSF judges a pull request: what a change adds must follow
today's rules, what it inherits may keep its legacy form. A revision is *new* when it was
added since the ``--changed-since`` base; without a base, only the top revision is treated
as new (it is the one a pending change would have added). Problems in new revisions are
errors; the same problems in older revisions are warnings or tolerated, as each rule says.
Findings about inherited history (older revisions, and without a base the two-part versions
and duplicate versions that predate the rules) are reported only with ``--changed-since`` or
when the rule is named by ``--select``/``--extend-select``.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from e2ee_sig.dates import parse_iso_date
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.messages import date_problem
from e2ee_sig.lint.model import Finding, Severity
from e2ee_sig.lint.registry import rule
from e2ee_sig.lint.rules._util import header_line, prose
from e2ee_sig.versions import (
    bump_level,
    bump_version,
    is_semver3,
    parse_version,
)
from e2ee_sig.xep import Document
from e2ee_sig.xep.header import Field, Revision
from e2ee_sig.xep.policy import MAJOR_RANGE_BY_STATUS, major_problem

REVISION_FIELDS = ("version", "date", "initials", "remark")
PROTOXEP_VERSION = re.compile(r"0\.0\.([1-9][0-9]*)")
FIRST_PROTOXEP = "0.0.1"
_FIRST = re.compile(r"(?<![\d.])0\.0\.1(?![\d.])")
MAJOR_RELEASES = {"Draft": "1.0.0", "Active": "1.0.0", "Final": "2.0.0"}
PLACEHOLDER_REMARK = re.compile(
    r"(?:TODO|TBD|FIXME|XXX+|tbc|\.\.\.|…|lorem ipsum.*|-+)\.?", re.IGNORECASE
)
_LOREM = re.compile("lorem", re.IGNORECASE)
TOLERATED = Severity.WARNING


def _value(revision: Revision, name: str) -> str:
    found: Field | None = getattr(revision, name)
    return found.value if found is not None else ""


def _pair(revision: Revision) -> tuple[str, str]:
    return _value(revision, "version"), _value(revision, "date")


def _revisions(document: Document) -> list[Revision]:
    header = document.header
    return header.revisions if header else []


def _top(document: Document) -> Revision | None:
    header = document.header
    return header.top_revision if header else None


def _new_flags(document: Document, context: LintContext) -> list[bool]:
    """For each revision, whether it is judged as new (see the module docstring)."""
    revisions = _revisions(document)
    if context.baseline is None:
        return [index == 0 for index in range(len(revisions))]
    return [context.is_new(document.path, _pair(r)) for r in revisions]


def _judged(
    document: Document, context: LintContext, only_new: bool
) -> list[tuple[Revision, bool]]:
    """The revisions a rule looks at, each with whether it is new: every one, or only the new
    ones (without a base, the top revision alone: the others' flags are not worked out)."""
    if context.baseline is None and only_new:
        top = _top(document)
        return [(top, True)] if top is not None else []
    judged = zip(_revisions(document), _new_flags(document, context), strict=True)
    return [(revision, new) for revision, new in judged if new or not only_new]


def _severity(new: bool) -> Severity | None:
    """Errors for new revisions; older ones are only warned about."""
    return None if new else TOLERATED


def _triage_severity(new: bool, context: LintContext) -> Severity | None:
    """For checks ``triage.sh`` makes on added blocks only: an error for a revision known
    to be new (``--changed-since``), else a warning."""
    return None if new and context.baseline is not None else TOLERATED


def _history_hidden(context: LintContext, code: str) -> bool:
    """Whether findings about inherited history (blocks written before today's rule, such as
    two-part versions) stay hidden: they show only with ``--changed-since`` or when the rule is
    named by ``--select``/``--extend-select`` (a context listing no rules shows everything)."""
    return context.baseline is None and bool(context.enabled) and code not in context.selected


def _line(revision: Revision, name: str) -> int:
    found: Field | None = getattr(revision, name)
    return (found.line if found is not None else 0) or revision.line or 1


def _previous_top(revisions: list[Revision], new: list[bool]) -> Revision | None:
    """The newest revision the base already had (None for a file new since the base)."""
    return next((r for r, is_new in zip(revisions, new, strict=True) if not is_new), None)


def _label(revision: Revision) -> str:
    return _value(revision, "version") or f"at line {revision.line}"


@rule("REV001", "rev-fields", Severity.ERROR, mixed_severity=True)
def rev_fields(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every revision has a non-empty ``version``, ``date``, ``initials`` and ``remark``.

    Why: the DTD requires the four elements (``<!ELEMENT revision (version, date, initials,
    remark)>``); a missing one is left to XSF001 when the DTD is at hand. The Editor's tools
    need the values: ``xeplib`` parses the date, ``triage.sh`` and ``accept.py`` read the
    version, so an empty version or date in a new revision is an error. Empty initials or
    remarks only spoil the changelog mail (``"{remark} ({initials})"``): warnings, as are
    empty fields in older revisions.

    Bad: ``<date></date>``, ``<initials/>``, ``<remark><p> </p></remark>``.
    Good: ``<initials>ps</initials>``, ``<remark><p>Clarify key exchange.</p></remark>``.
    """
    dtd_checked = document.root is not None and ("XSF001" in context.enabled or not context.enabled)
    for revision, new in _judged(document, context, _history_hidden(context, "REV001")):
        for name in REVISION_FIELDS:
            found: Field | None = getattr(revision, name)
            if found is None and dtd_checked:
                continue
            if found is None or not found.value:
                state = "missing" if found is None else "empty"
                yield Finding(
                    f"revision {_label(revision)}: <{name}> is {state}",
                    _line(revision, name),
                    severity=_severity(new and name in ("version", "date")),
                )


@rule("REV002", "version-format", Severity.ERROR, mixed_severity=True)
def version_format(document: Document, context: LintContext) -> Iterator[Finding]:
    """A new revision's version has three numeric parts, ``MAJOR.MINOR.PATCH``.

    Why: ``tools/triage.sh`` fails a pull request whose added revision block is not
    ``^[0-9]+\\.[0-9]+\\.[0-9]+$`` ("version is not semver format"). Legacy forms (``1.2``,
    ``1.21rc1``) in older revisions are history and tolerated. Without ``--changed-since`` the
    rule reports nothing unless named by ``--select`` (then the top revision is warned about):
    120-odd published XEPs still end on a two-part version from before the rule. ProtoXEP
    versions are checked by REV007.

    Bad: a new ``<version>0.4</version>``, ``<version>1.1.0-rc.1</version>``.
    Good: ``<version>0.4.0</version>`` (a two-part ``0.3`` is bumped to ``0.3.1`` or ``0.4.0``).
    """
    if document.header_value("status") == "ProtoXEP" or _history_hidden(context, "REV002"):
        return  # without a base the top version is history: see the rule's documentation
    revisions = _revisions(document)
    for revision, new in zip(revisions, _new_flags(document, context), strict=True):
        version = _value(revision, "version")
        if not new or not version or is_semver3(version):
            continue
        yield Finding(
            f"version {version!r} is not MAJOR.MINOR.PATCH",
            _line(revision, "version"),
            hint="write three numbers, e.g. 0.4.0; bump a legacy 0.3 to 0.3.1 or 0.4.0",
            severity=_triage_severity(new, context),
        )


@rule("REV003", "version-desc", Severity.ERROR, mixed_severity=True)
def version_desc(document: Document, context: LintContext) -> Iterator[Finding]:
    """No two revisions carry the same version.

    Why: a new revision must "iterate the <version/> element" (XEP-0143 §format-metadata),
    and ``tools/triage.sh`` requires the new top version to differ from the old one. The order
    itself is checked by XSF010 (the official ``sort -Vr`` check), which lets equal versions
    stand next to each other; this rule reports exactly those. A duplicate is an error for a
    revision added since ``--changed-since``, else a warning (XEP-0155 and XEP-0287 have
    one at the top since years).

    Bad: two blocks with ``<version>0.3.0</version>``.  Good: ``0.3.1`` above ``0.3.0``.
    """
    if _history_hidden(context, "REV003"):
        return  # without a base no revision is known to be new: all of it is history
    revisions = _revisions(document)
    new = _new_flags(document, context)
    for index in range(len(revisions) - 1):
        upper, lower = revisions[index], revisions[index + 1]
        version = _value(upper, "version")
        if version and version == _value(lower, "version"):
            yield Finding(
                f"version {version} is used twice (revisions at lines {upper.line} "
                f"and {lower.line})",
                _line(upper, "version"),
                hint="give the newer revision the next version",
                severity=_triage_severity(new[index], context),
            )


@rule("REV004", "date-valid", Severity.ERROR, mixed_severity=True)
def date_valid(document: Document, context: LintContext) -> Iterator[Finding]:
    """Every revision date is ``YYYY-MM-DD`` and a real calendar date.

    Why: XEP-0143 §format-metadata ("The format for the <date/> element is yyyy-mm-dd"),
    ``xep.xsd`` (``xs:date``); the Editor's ``xeplib`` parses it with ``strptime`` and
    deferral depends on it. Bad dates in older revisions are warnings.

    Bad: ``2011-1-23``, ``2024-30-30``, ``23 Jan 2011``.  Good: ``2011-01-23``.
    """
    for revision, new in _judged(document, context, _history_hidden(context, "REV004")):
        text = _value(revision, "date")
        if text and parse_iso_date(text) is None:
            yield Finding(
                f"revision {_label(revision)}: date {date_problem(text)}",
                _line(revision, "date"),
                hint="write the day the revision was made, as YYYY-MM-DD",
                severity=_severity(new),
            )


@rule("REV005", "date-not-future", Severity.ERROR)
def date_not_future(document: Document, context: LintContext) -> Iterator[Finding]:
    """A new revision is not dated after today.

    Why: the Editor's tools stamp revisions with the current UTC date, and a future date
    would hold off deferral (XEP-0001 §discussion: twelve months without an update). Today
    is the run's reference date (``LintContext.today``).

    Bad: ``<date>2099-01-01</date>`` on the top revision.  Good: today's date or earlier.
    """
    for revision, _ in _judged(document, context, only_new=True):
        when = parse_iso_date(_value(revision, "date"))
        if when is not None and when > context.today:
            yield Finding(
                f"revision {_label(revision)} is dated {when}, after today ({context.today})",
                _line(revision, "date"),
            )


@rule("REV006", "date-desc", Severity.ERROR, mixed_severity=True)
def date_desc(document: Document, context: LintContext) -> Iterator[Finding]:
    """Revision dates do not increase from top to bottom.

    Why: implied by XEP-0143 §format-metadata (a new revision goes *before* the existing
    ones) and relied on by the deferral tools, which read the top date. Old inversions are
    warnings (eleven published XEPs have one, XEP-0384 among them); with ``--changed-since``
    a newly added top revision dated before the previous top revision is an error.

    Bad: ``0.3.0`` dated 2018-07-31 above ``0.2.2`` dated 2018-11-03.
    Good: each revision dated on or after the one below it.
    """
    reported_top = False
    if context.baseline is not None:
        reported_top = yield from _dated_before_previous_top(document, context)
    if _history_hidden(context, "REV006"):
        return
    revisions = _revisions(document)
    dates = [parse_iso_date(_value(r, "date")) for r in revisions]
    for index in range(len(revisions) - 1):
        upper, lower = dates[index], dates[index + 1]
        if upper and lower and upper < lower and not (index == 0 and reported_top):
            yield Finding(
                f"revision {_label(revisions[index])} ({upper}) is dated before revision "
                f"{_label(revisions[index + 1])} below it ({lower})",
                _line(revisions[index], "date"),
                severity=TOLERATED,
            )


def _dated_before_previous_top(
    document: Document, context: LintContext
) -> Generator[Finding, None, bool]:
    """REV006's finding for a new top revision dated before the base's top one (with a base
    only); returns whether it was reported."""
    revisions = _revisions(document)
    new = _new_flags(document, context)
    previous = _previous_top(revisions, new)
    if previous is None or not new[0]:
        return False
    top_date = parse_iso_date(_value(revisions[0], "date"))
    previous_date = parse_iso_date(_value(previous, "date"))
    if not (top_date and previous_date and top_date < previous_date):
        return False
    yield Finding(
        f"new revision {_label(revisions[0])} is dated {top_date}, before the previous "
        f"top revision {_label(previous)} ({previous_date})",
        _line(revisions[0], "date"),
        hint="date the new revision today",
    )
    return True


@rule("REV007", "proto-version", Severity.ERROR, mixed_severity=True)
def proto_version(document: Document, context: LintContext) -> Iterator[Finding]:
    """A ProtoXEP's versions are all ``0.0.N``, starting at ``0.0.1``.

    Why: ``docs/PROCESSING.md`` ("Make sure the version is 0.0.1 and the status is
    ProtoXEP"), XEP-0143 §format-metadata (first version "SHOULD be 0.0.1", then "0.0.2"
    after "0.0.1"); ``tools/accept.py`` derives the published version from the last one
    (0.0.3 → 0.1.0, but 0.1 → 0.2.0). Wrong older versions are warnings; a first version
    other than 0.0.1 is a warning (a SHOULD).

    Bad: ``<version>0.1</version>`` or ``0.0.3.1`` in ``inbox/``.  Good: ``0.0.1``, ``0.0.2``.
    """
    if document.header_value("status") != "ProtoXEP":
        return
    revisions = _revisions(document)
    new_flags = _new_flags(document, context)
    hidden = _history_hidden(context, "REV007")
    for revision, new in zip(revisions, new_flags, strict=True):
        version = _value(revision, "version")
        if hidden and not new:
            continue
        if version and not PROTOXEP_VERSION.fullmatch(version):
            yield Finding(
                f"a ProtoXEP's versions are 0.0.N; {version!r} is not",
                _line(revision, "version"),
                hint="the Editor assigns 0.1.0 on acceptance",
                severity=_severity(new),
            )
    if not revisions or (hidden and not new_flags[-1]):
        return
    if any(_FIRST.search(_block_text(r)) for r in revisions):
        return  # 0.0.1 is there (maybe in a malformed or misplaced block): XSF010's business
    oldest = revisions[-1]
    first = _value(oldest, "version")
    if PROTOXEP_VERSION.fullmatch(first):
        yield Finding(
            f"a ProtoXEP's first version should be {FIRST_PROTOXEP}; the oldest revision "
            f"(line {oldest.line}) is {first}",
            _line(oldest, "version"),
            hint=f"number the first revision {FIRST_PROTOXEP} (XEP-0143)",
            severity=TOLERATED,
        )


def _block_text(revision: Revision) -> str:
    """Everything written in a revision block, tags aside (finds a version in any child)."""
    return " ".join(revision.element.itertext())


@rule("REV008", "version-status", Severity.ERROR)
def version_status(document: Document, context: LintContext) -> Iterator[Finding]:
    """The top version's major number fits the status.

    Why: XEP-0001 §approval-std and §mods: a XEP becomes 1.0 when it advances to Draft
    (Stable) or Active and 2.0 when it becomes Final; Experimental, Proposed and Deferred
    XEPs stay below 1.0.

    Bad: ``<status>Draft</status>`` with top version ``0.9.0``; Experimental with ``1.0.0``.
    Good: Draft with ``1.0.0`` or later, Final with ``2.0.0`` or later.
    """
    status = document.header_value("status")
    top = _top(document)
    if status not in MAJOR_RANGE_BY_STATUS or top is None:
        return
    version = _value(top, "version")
    problem = major_problem(version, status) if parse_version(version) else None
    if problem:
        yield Finding(problem, _line(top, "version"))


@rule("REV009", "bump-level", Severity.ERROR)
def bump_level_fits(document: Document, context: LintContext) -> Iterator[Finding]:
    """A changed XEP gains a revision block whose version bump fits its status.

    Why (only with ``--changed-since``): ``docs/TRIAGING.md`` labels a pull request without a
    new block "Needs Version Block"; ``tools/triage.sh`` compares the new top version with the
    base. A ProtoXEP goes from 0.0.N to 0.0.N+1 (XEP-0143); an Experimental or Deferred XEP
    takes a patch (editorial) or minor bump; the major number changes only together with the
    status: 1.0.0 for Draft or Active, 2.0.0 for Final (XEP-0001 §approval-std).

    Bad: an edited section with no new ``<revision>``; Experimental ``0.4.1`` → ``1.0.0``.
    Good: a new block ``0.4.2`` (editorial) or ``0.5.0`` above ``0.4.1``.
    """
    if context.baseline is None:
        return
    revisions = _revisions(document)
    new = _new_flags(document, context)
    if not any(new):
        yield Finding(
            "the file changed but needs a new revision block",
            revisions[0].line if revisions else header_line(document),
            hint="add one with `e2ee-sig bump`",
        )
        return
    previous = _previous_top(revisions, new)
    if previous is None or not new[0]:
        return
    old, current = _value(previous, "version"), _value(revisions[0], "version")
    problem = _bump_problem(document.header_value("status"), old, current)
    if problem:
        yield Finding(problem, _line(revisions[0], "version"))


def _bump_problem(status: str, old: str, new: str) -> str | None:
    """Why going from ``old`` to ``new`` does not fit ``status`` (None when it does)."""
    level = bump_level(old, new)
    if level in (None, "none"):
        return None  # a malformed or non-increasing version is REV002's, XSF010's or REV003's
    if status == "ProtoXEP":
        if not PROTOXEP_VERSION.fullmatch(old):
            return None  # REV007
        expected = bump_version(old, "patch", protoxep=True)
        if new != expected:
            return f"a ProtoXEP revision after {old} is {expected}, not {new}"
        return None
    if level != "major":
        return None
    release = MAJOR_RELEASES.get(status)
    if new == release:
        return None
    if release is None:
        return (
            f"{old} → {new} is a major bump, which only comes with advancing to Draft, "
            f"Active (1.0.0) or Final (2.0.0); status {status} takes a patch or minor bump"
        )
    return f"advancing to {status} gives version {release}, not {new}"


@rule("REV010", "one-block-per-pr", Severity.WARNING)
def one_block_per_pr(document: Document, context: LintContext) -> Iterator[Finding]:
    """A change adds at most one revision block to an existing XEP.

    Why (only with ``--changed-since``): ``docs/PROCESSING.md`` tells the Editor to squash
    several new revision blocks into one before merging. A file new since the base (a new
    ProtoXEP, an acceptance) may bring its whole history.

    Bad: new blocks 0.5.1 and 0.5.2 in one pull request.  Good: one block 0.5.1 listing both.
    """
    if context.baseline is None:
        return
    revisions = _revisions(document)
    new = _new_flags(document, context)
    added = [r for r, is_new in zip(revisions, new, strict=True) if is_new]
    if len(added) > 1 and _previous_top(revisions, new) is not None:
        versions = ", ".join(_label(r) for r in added)
        yield Finding(
            f"{len(added)} new revision blocks ({versions}); the Editor squashes them into one",
            added[0].line,
            hint="merge their remarks into the top block and delete the others",
        )


@rule("REV013", "deferred-reactivation", Severity.WARNING)
def deferred_reactivation(document: Document, context: LintContext) -> Iterator[Finding]:
    """A substantive change to a Deferred XEP also sets its status back to Experimental.

    Why (only with ``--changed-since``): XEP-0001 §discussion and ``docs/TRIAGING.md`` step 5.3:
    a Deferred XEP that gets a non-editorial update returns to Experimental. An editorial
    (patch) revision leaves it Deferred. ``e2ee-sig bump`` makes this change for you.

    Bad: ``<status>Deferred</status>`` with a new block 0.4.0 above 0.3.2.
    Good: ``<status>Experimental</status>`` with that block, or a new block 0.3.3 (editorial).
    """
    if context.baseline is None or document.header_value("status") != "Deferred":
        return
    revisions = _revisions(document)
    new = _new_flags(document, context)
    previous = _previous_top(revisions, new)
    if previous is None or not new[0]:
        return
    old, current = _value(previous, "version"), _value(revisions[0], "version")
    if bump_level(old, current) in ("minor", "major"):
        header = document.header
        status = header.status if header else None
        yield Finding(
            f"{old} → {current} is a substantive change, but the XEP is still Deferred",
            status.line if status is not None and status.line else header_line(document),
            hint="set <status>Experimental</status> (e2ee-sig bump does this)",
        )


def may_be_placeholder(value: str) -> bool:
    """Whether a remark whose text (stripped) is ``value`` may read as a placeholder. Its
    prose then has no space, so it is ``value`` itself, unless it starts with lorem ipsum,
    whose "lorem" stands in one piece of text."""
    return PLACEHOLDER_REMARK.fullmatch(value) is not None or _LOREM.search(value) is not None


@rule("REV012", "remark-format", Severity.WARNING)
def remark_format(document: Document, context: LintContext) -> Iterator[Finding]:
    """A new revision's remark says what changed, as text, one ``<p>`` or one ``<ul>``.

    Why: ``xep.xsd`` allows a remark of exactly one ``<p>`` or one ``<ul>``; the changelog
    mail (``tools/extract-metadata.py``) flattens it into one line, and text mixed with
    ``<p>``/``<ul>`` or several paragraphs read badly there. A placeholder remark tells
    readers nothing. Bare text, as ``accept.py`` writes it, is fine.

    Bad: ``<remark>TODO</remark>``, ``<remark>…</remark>``, ``<remark>Fixes<p>a</p></remark>``,
    ``<remark><p>a</p><p>b</p></remark>``.
    Good: ``<remark><ul><li>a</li><li>b</li></ul></remark>``.
    """
    for revision, _ in _judged(document, context, only_new=True):
        remark = revision.remark
        if remark is None or remark.element is None or not remark.value:
            continue
        element = remark.element
        text = prose(element) if may_be_placeholder(remark.value) else ""
        children = [c for c in element if isinstance(c.tag, str)]
        loose = (element.text or "").strip() or any((c.tail or "").strip() for c in children)
        if PLACEHOLDER_REMARK.fullmatch(text):
            problem = f"the remark {text!r} is a placeholder; say what changed"
        elif children and loose:
            problem = "the remark mixes bare text with <p>/<ul>; use one <p> or one <ul>"
        elif sum(c.tag == "p" for c in children) > 1:
            problem = "the remark has several <p>; list the changes in one <ul>"
        else:
            continue
        yield Finding(f"revision {_label(revision)}: {problem}", _line(revision, "remark"))
