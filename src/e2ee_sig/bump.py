"""``e2ee-sig bump``: choose the next version by the XEP-0001/0143 rules and add a revision block.

Rules (XEP-0001 §discussion, §editorial, §approval-std; XEP-0143 §format-metadata; xsf/xeps
``docs/TRIAGING.md`` steps 3-5):

* a ProtoXEP stays ``0.0.N`` and goes to ``0.0.(N+1)`` whatever the level;
* ``patch`` is an editorial change; ``minor`` (the default) a substantive one, which returns a
  Deferred XEP to Experimental;
* ``major`` only together with a status change: Draft and Active are 1.0.0 and up, Final 2.0.0
  and up;
* legacy versions continue in three parts (``1.2`` → ``1.3.0`` for minor, ``1.2.1`` for patch).

The edit inserts one block before the first ``<revision>`` (and, for a status change, replaces
the text of ``<status>``); every other byte of the file stays as it was.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from e2ee_sig.dates import ISO_DATE, parse_iso_date, today_utc
from e2ee_sig.versions import (
    MAJOR_RANGE_BY_STATUS,
    Level,
    bump_level,
    bump_version,
    filevercmp,
    is_semver3,
    parse_version,
)
from e2ee_sig.xep.edit import apply_edits, write_atomically
from e2ee_sig.xep.revise import ByteEdit, NewRevision, ReviseError, insert_revision, replace_text

if TYPE_CHECKING:
    from e2ee_sig.xep import Document
    from e2ee_sig.xep.header import Header, Revision

PROTOXEP = "ProtoXEP"
DEFERRED = "Deferred"
EXPERIMENTAL = "Experimental"
_PROTOXEP_VERSION = re.compile(r"0\.0\.[0-9]+")
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class BumpError(Exception):
    """A bump that cannot or must not be made; the message is one line."""


@dataclass(frozen=True)
class BumpPlan:
    """The new revision of one file and the bytes it will have."""

    display: str
    old_raw: bytes
    new_raw: bytes
    edits: tuple[ByteEdit, ...]
    revision: NewRevision
    old_version: str
    level: Level
    old_status: str
    new_status: str

    @property
    def new_version(self) -> str:
        return self.revision.version

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    def summary(self) -> str:
        """``xep-0384.xml: 0.9.1 → 0.10.0 (minor)``, plus the status change if any."""
        line = f"{self.display}: {self.old_version} → {self.new_version} ({self.level})"
        if self.status_changed:
            line += f"; status {self.old_status} → {self.new_status}"
        return line

    def diff(self) -> str:
        """The change as a unified diff."""
        old = self.old_raw.decode("utf-8", "replace").splitlines(keepends=True)
        new = self.new_raw.decode("utf-8", "replace").splitlines(keepends=True)
        return "".join(difflib.unified_diff(old, new, f"a/{self.display}", f"b/{self.display}"))


def judge_bump(old_version: str, new_version: str, old_status: str, new_status: str) -> str | None:
    """Why the step to ``new_version``/``new_status`` breaks the version rules, or None if it fits.

    What can be judged without reading the change: a ProtoXEP stays 0.0.N; any other new
    version is x.y.z and above the old one; a major bump comes with a status change; a minor
    bump of a Deferred XEP returns it to Experimental; the major version fits the new status.
    Whether a patch bump was really editorial needs a human.
    """
    if new_status == PROTOXEP:
        if not _PROTOXEP_VERSION.fullmatch(new_version):
            return f"a ProtoXEP's version must be 0.0.N; {new_version!r} is not"
    elif not is_semver3(new_version):
        return f"version {new_version!r} is not x.y.z (three numbers, as the XSF triage requires)"
    level = bump_level(old_version, new_version)
    if level == "none" or (
        level is None and filevercmp(new_version.encode(), old_version.encode()) <= 0
    ):
        return f"version {new_version} is not above {old_version}"
    if level == "major" and old_status == new_status:
        return f"a major bump ({old_version} → {new_version}) needs a status change"
    if level == "minor" and old_status == new_status == DEFERRED:
        return "a substantive (minor) change to a Deferred XEP returns it to Experimental"
    return _major_problem(new_version, new_status)


def _major_problem(version: str, status: str) -> str | None:
    parsed = parse_version(version)
    low, high = MAJOR_RANGE_BY_STATUS.get(status, (0, None))
    if parsed is None or parsed[0] < low:
        return f"status {status} needs version {low}.0.0 or above; {version} is below"
    if high is not None and parsed[0] > high:
        return f"status {status} needs a version below {high + 1}.0.0; {version} is not"
    return None


def checked_date(text: str | None) -> str:
    """``text`` if it is a real YYYY-MM-DD date; today (UTC) when None."""
    if text is None:
        return today_utc().isoformat()
    problem = _date_problem(text)
    if problem:
        raise BumpError(problem)
    return text


def _date_problem(text: str) -> str | None:
    if not ISO_DATE.fullmatch(text):
        return f"date {text!r} is not YYYY-MM-DD"
    if parse_iso_date(text) is None:
        return f"date {text} does not exist"
    return None


def plan_bump(
    document: Document,
    remarks: Sequence[str],
    initials: str,
    level: Level | None = None,
    date: str | None = None,
    status: str | None = None,
) -> BumpPlan:
    """Decide the next revision of ``document`` and the edits that add it (nothing is written).

    ``level`` defaults to minor (or major when ``status`` needs a higher major version);
    ``date`` to today (UTC); ``status`` is an explicit status change (needed for major).
    Raises :class:`BumpError` when the rules forbid the bump or the file cannot take it.
    """
    header = _header(document)
    top = header.revisions[0] if header.revisions else None
    if top is None:
        raise BumpError("the header has no <revision> block")
    old_version = top.version.value if top.version else ""
    old_status = header.value("status")
    if not old_version:
        raise BumpError(f"the newest revision (line {top.line}) has no <version>")
    if not old_status:
        raise BumpError("the header has no <status>")
    revision_date = checked_date(date)
    _check_newest_date(top, old_version, revision_date)
    if old_status == PROTOXEP:
        level = "patch"  # a ProtoXEP only ever goes to 0.0.(N+1)
    new_status = _new_status(old_status, status, level)
    level = level or _default_level(old_version, new_status)
    new_version = _next_version(old_version, level, old_status == PROTOXEP)
    problem = judge_bump(old_version, new_version, old_status, new_status)
    if problem:
        raise BumpError(problem)
    _check_above_all(header.revisions, new_version)
    revision = NewRevision(new_version, revision_date, _one_line(initials), _remarks(remarks))
    _check_text(document, revision)
    try:
        edits = [insert_revision(document, revision)]
        if new_status != old_status and header.status is not None:
            edits.append(replace_text(document, header.status.element, new_status))
    except ReviseError as error:
        raise BumpError(str(error)) from None
    new_raw = apply_edits(document.raw, edits)
    _check_result(document, new_raw, revision, new_status, len(header.revisions) + 1)
    return BumpPlan(
        display=document.display,
        old_raw=document.raw,
        new_raw=new_raw,
        edits=tuple(edits),
        revision=revision,
        old_version=old_version,
        level=level,
        old_status=old_status,
        new_status=new_status,
    )


def apply_bump(path: Path, plan: BumpPlan) -> None:
    """Write ``plan`` to ``path`` in one atomic rename, if the file is still as it was planned."""
    try:
        current = path.read_bytes()
    except OSError as error:
        raise BumpError(f"cannot read file: {error.strerror or error}") from None
    if current != plan.old_raw:
        raise BumpError("the file changed since it was read; run bump again")
    try:
        write_atomically(path, apply_edits(current, plan.edits))
    except OSError as error:
        raise BumpError(f"cannot write file: {error.strerror or error}") from None


def _header(document: Document) -> Header:
    if document.fatal is not None:
        problem = document.fatal
        where = f" (line {problem.line})" if document.raw else ""
        raise BumpError(f"cannot read the XEP: {problem.message}{where}")
    header = document.header
    if header is None:
        raise BumpError("no <header> in a <xep> root element")
    return header


def _check_newest_date(top: Revision, version: str, revision_date: str) -> None:
    newest = top.date.value if top.date else ""
    problem = _date_problem(newest)
    if problem:
        raise BumpError(f"the newest revision ({version}): {problem}; fix it first")
    if newest > revision_date:
        raise BumpError(
            f"the newest revision ({version}) is dated {newest}, after {revision_date};"
            f" give --date {newest} or later"
        )


def _check_above_all(revisions: Sequence[Revision], new_version: str) -> None:
    """The new version must sort above every existing one, not only the top one."""
    for revision in revisions[1:]:
        version = revision.version.value if revision.version else ""
        if filevercmp(new_version.encode(), version.encode()) <= 0:
            raise BumpError(
                f"version {new_version} would not be above the revision {version} on line"
                f" {revision.line}; put the revisions in order first"
            )


def _new_status(old_status: str, status: str | None, level: Level | None) -> str:
    """The status after the bump: an explicit change, or Experimental for a revived Deferred XEP."""
    if status is not None and status != old_status:
        from e2ee_sig.lint.rules.xsf_ci import STATUSES

        if status not in STATUSES:
            raise BumpError(f"unknown status {status!r}; expected one of: {', '.join(STATUSES)}")
        if PROTOXEP in (status, old_status):
            raise BumpError(
                "a ProtoXEP changes status only when the Council accepts it"
                " (the XEP Editor assigns its number)"
            )
        return status
    if level == "major":
        raise BumpError("--level major needs a status change: add --status Draft, Active or Final")
    if old_status == DEFERRED and level in (None, "minor"):
        return EXPERIMENTAL
    return old_status


def _default_level(old_version: str, new_status: str) -> Level:
    """Minor, or major when the new status needs a higher major version (1.0.0, 2.0.0)."""
    parsed = parse_version(old_version)
    low = MAJOR_RANGE_BY_STATUS.get(new_status, (0, None))[0]
    return "major" if parsed is not None and parsed[0] < low else "minor"


def _next_version(old_version: str, level: Level, protoxep: bool) -> str:
    parsed = parse_version(old_version)
    if parsed is None:
        raise BumpError(
            f"the newest version {old_version!r} is not numbers and dots; add this block by hand"
        )
    if len(parsed) > 3:
        raise BumpError(
            f"the newest version {old_version} has {len(parsed)} parts; XEP versions have at"
            " most three (x.y.z), so fix it by hand first"
        )
    try:
        return bump_version(old_version, level, protoxep=protoxep)
    except ValueError:
        raise BumpError(
            f"a ProtoXEP's version must be 0.0.N but the newest is {old_version};"
            " fix it by hand first"
        ) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _remarks(remarks: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(_one_line(text) for text in remarks)
    if not cleaned or not all(cleaned):
        raise BumpError("give at least one --remark, none of them empty")
    return cleaned


def _check_text(document: Document, revision: NewRevision) -> None:
    """Initials and remarks must be characters XML allows, in the file's encoding."""
    from e2ee_sig.xep.parse import declared_encoding

    if not revision.initials:
        raise BumpError("the initials are empty")
    texts = (revision.initials, *revision.remarks)
    for text in texts:
        bad = _NOT_XML_CHAR.search(text)
        if bad:
            raise BumpError(f"U+{ord(bad.group()):04X} cannot appear in an XML document")
    encoding = declared_encoding(document.raw)
    if encoding not in (None, "utf-8", "utf8") and not all(text.isascii() for text in texts):
        raise BumpError(f"the file is declared {encoding}; use ASCII remarks and initials")


def _check_result(
    document: Document, new_raw: bytes, revision: NewRevision, status: str, count: int
) -> None:
    """Re-parse the edited bytes: the new block must be the first of ``count`` revisions."""
    from e2ee_sig.xep import parse_bytes

    header = parse_bytes(new_raw, document.path, document.display, document.root).header
    top = header.revisions[0] if header is not None and header.revisions else None
    placed = (
        top is not None
        and len(header.revisions) == count  # type: ignore[union-attr]
        and top.version is not None
        and top.version.value == revision.version
        and header.value("status") == status  # type: ignore[union-attr]
    )
    if not placed:
        raise BumpError("the revision block cannot be placed cleanly here; add it by hand")


@dataclass(frozen=True)
class BumpRequest:
    """What ``e2ee-sig bump`` was asked to do."""

    paths: Sequence[Path]
    remarks: Sequence[str]
    initials: str
    level: Level | None = None
    status: str | None = None
    date: str | None = None
    dry_run: bool = False


def run_bump(request: BumpRequest) -> int:
    """Bump each file on its own (a file is either fully bumped or untouched); exit status."""
    from e2ee_sig.xep import load

    try:
        revision_date = checked_date(request.date)
    except BumpError as error:
        _error(str(error))
        return 2
    failed = False
    for path in request.paths:
        display = str(path)
        try:
            plan = plan_bump(
                load(path, display),
                request.remarks,
                request.initials,
                request.level,
                revision_date,
                request.status,
            )
            if request.dry_run:
                click.echo(plan.diff(), nl=False)
            else:
                apply_bump(path, plan)
        except BumpError as error:
            _error(f"{display}: {error}")
            failed = True
            continue
        click.echo(plan.summary() + (" [dry run: nothing written]" if request.dry_run else ""))
    return 2 if failed else 0


def _error(message: str) -> None:
    click.echo(f"e2ee-sig: error: {message}", err=True)
