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

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.dates import date_problem, today_utc
from e2ee_sig.errors import E2eeSigError
from e2ee_sig.fsio import FileRefused, locked_edit
from e2ee_sig.textdiff import unified_diff
from e2ee_sig.versions import Level, bump_version, filevercmp, parse_version
from e2ee_sig.xep import find_root, load, parse_bytes
from e2ee_sig.xep.edit import apply_edits, write_atomically
from e2ee_sig.xep.parse import MAX_BYTES, declared_encoding
from e2ee_sig.xep.policy import judge_bump, lowest_major, status_after_bump
from e2ee_sig.xep.revise import ByteEdit, NewRevision, ReviseError, insert_revision, replace_text
from e2ee_sig.xep.vocab import STATUSES, Status

if TYPE_CHECKING:
    from e2ee_sig.xep import Document
    from e2ee_sig.xep.header import Header, Revision

_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class BumpError(E2eeSigError):
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
        return unified_diff(self.old_raw, self.new_raw, self.display)


def checked_date(text: str | None) -> str:
    """``text`` if it is a real YYYY-MM-DD date; today (UTC) when None."""
    if text is None:
        return today_utc().isoformat()
    problem = date_problem(text)
    if problem:
        raise BumpError(problem)
    return text


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
    if old_status == Status.PROTOXEP:
        level = "patch"  # a ProtoXEP only ever goes to 0.0.(N+1)
    new_status = _new_status(old_status, status, level)
    level = level or _default_level(old_version, new_status)
    new_version = _next_version(old_version, level, old_status == Status.PROTOXEP)
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
    """Write ``plan`` to ``path`` under the file's lock, if it still holds the planned bytes."""
    try:
        write_atomically(path, plan.new_raw, expected=plan.old_raw)
    except FileRefused as refusal:
        raise BumpError(refusal.reason) from None


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
    problem = date_problem(newest)
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
        if status not in STATUSES:
            raise BumpError(f"unknown status {status!r}; expected one of: {', '.join(STATUSES)}")
        if Status.PROTOXEP in (status, old_status):
            raise BumpError(
                "a ProtoXEP changes status only when the Council accepts it"
                " (the XEP Editor assigns its number)"
            )
        return status
    if level == "major":
        raise BumpError("--level major needs a status change: add --status Draft, Active or Final")
    return status_after_bump(old_status, level)


def _default_level(old_version: str, new_status: str) -> Level:
    """Minor, or major when the new status needs a higher major version (1.0.0, 2.0.0)."""
    parsed = parse_version(old_version)
    return "major" if parsed is not None and parsed[0] < lowest_major(new_status) else "minor"


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


def bump_file(path: Path, request: BumpRequest) -> BumpPlan:
    """Plan the bump of one file and, unless ``request.dry_run``, write it (BumpError when the
    file is refused; it is then left as it was).

    The plan is made under the file's exclusive lock from the bytes the lock protects, so a
    concurrent bump waits and then stacks its block on top of this one instead of losing it.
    """
    if request.dry_run:
        return _plan_request(load(path, str(path)), request)
    try:
        with locked_edit(path, limit=MAX_BYTES) as file:
            document = parse_bytes(file.data, path, str(path), find_root(path))
            plan = _plan_request(document, request)
            file.replace(plan.new_raw)
    except FileRefused as refusal:
        raise BumpError(refusal.reason) from None
    return plan


def _plan_request(document: Document, request: BumpRequest) -> BumpPlan:
    return plan_bump(
        document,
        request.remarks,
        request.initials,
        request.level,
        checked_date(request.date),
        request.status,
    )
