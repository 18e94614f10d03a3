"""The XSF's version and status rules, defined once for ``bump``, REV008/REV009, ``bundle``
and the deferral of stale XEPs.

Sources: XEP-0001 §approval-std, §mods, §discussion, §editorial (which version goes with which
status; a substantive change revives a Deferred XEP), XEP-0143 (a ProtoXEP stays 0.0.N), xsf/xeps
``docs/TRIAGING.md`` (who approves a change) and ``tools/deferrals.py`` (when and how an
Experimental XEP is deferred).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from e2ee_sig.versions import bump_level, filevercmp, is_semver3, parse_version
from e2ee_sig.xep.vocab import (
    AUTHOR_APPROVED_STATUSES,
    PROCEDURAL,
    PROTOXEP_VERSION,
    Status,
)

# The lowest and highest major version a status allows (XEP-0001 §approval-std, §mods).
MAJOR_RANGE_BY_STATUS: dict[str, tuple[int, int | None]] = {
    Status.EXPERIMENTAL: (0, 0),
    Status.PROPOSED: (0, 0),
    Status.DEFERRED: (0, 0),
    Status.DRAFT: (1, None),
    Status.ACTIVE: (1, None),
    Status.FINAL: (2, None),
}

# The Editor's deferral (tools/deferrals.py): window, remark, initials and commit message.
DEFERRAL_MONTHS = 12
DEFER_REMARK = "Defer due to lack of activity."
DEFER_INITIALS = "XEP Editor ({initials})"
DEFER_COMMIT_MESSAGE = "XEP-{number:04d}: deferred due to lack of activity"


def major_problem(version: str, status: str) -> str | None:
    """Why the major number of ``version`` does not fit ``status`` (None when it does); a
    status without a range takes any version of numbers and dots."""
    parsed = parse_version(version)
    low, high = MAJOR_RANGE_BY_STATUS.get(status, (0, None))
    if parsed is None or parsed[0] < low:
        return f"status {status} needs version {low}.0.0 or above; {version} is below"
    if high is not None and parsed[0] > high:
        return f"status {status} needs a version below {high + 1}.0.0; {version} is not"
    return None


def lowest_major(status: str) -> int:
    """The lowest major version ``status`` allows (0 for statuses without a range)."""
    return MAJOR_RANGE_BY_STATUS.get(status, (0, None))[0]


def judge_bump(old_version: str, new_version: str, old_status: str, new_status: str) -> str | None:
    """Why the step to ``new_version``/``new_status`` breaks the version rules, or None if it fits.

    What can be judged without reading the change: a ProtoXEP stays 0.0.N; any other new
    version is x.y.z and above the old one; a major bump comes with a status change; a minor
    bump of a Deferred XEP returns it to Experimental; the major version fits the new status.
    Whether a patch bump was really editorial needs a human.
    """
    if new_status == Status.PROTOXEP:
        if not PROTOXEP_VERSION.fullmatch(new_version):
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
    if level == "minor" and old_status == new_status == Status.DEFERRED:
        return "a substantive (minor) change to a Deferred XEP returns it to Experimental"
    return major_problem(new_version, new_status)


def status_after_bump(old_status: str, level: str | None) -> str:
    """The status a bump without an explicit change leaves: a substantive (minor) change
    returns a Deferred XEP to Experimental; anything else keeps the status."""
    if old_status == Status.DEFERRED and level in (None, "minor"):
        return Status.EXPERIMENTAL
    return old_status


@dataclass(frozen=True)
class Approval:
    """Who must approve a change (GIT004) and the label the Editor will apply."""

    label: str
    who: str


def approval(status: str, approver: str, xep_type: str, authors: list[str]) -> Approval:
    """GIT004: the authors for Experimental, Deferred or Proposed XEPs, else the approver."""
    body = approver or ("Board" if xep_type == PROCEDURAL else "Council")
    if status == Status.PROTOXEP:
        return Approval("ProtoXEP", f"the {body} votes on accepting it after the Editor's triage")
    if status in AUTHOR_APPROVED_STATUSES:
        who = ", ".join(authors) or "the authors (none listed)"
        return Approval("Needs Author", f"the authors, unless you are one: {who}")
    return Approval(f"Needs {body}", f"the {body}")


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` earlier; a day that month lacks becomes its last day
    (2024-02-29 minus 12 months is 2023-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < 1:
        return date.min
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def stale_from(last: date, months: int = DEFERRAL_MONTHS) -> date:
    """The first day on which a revision dated ``last`` is stale, i.e. the first ``now`` with
    ``months_before(now, months) >= last``: the same calendar day ``months`` later, or the
    first day of the next month when that month is shorter (2024-02-29 → 2025-03-01)."""
    year, month = divmod(last.year * 12 + last.month - 1 + months, 12)
    if year > date.max.year:
        return date.max
    length = monthrange(year, month + 1)[1]
    if last.day <= length:
        return date(year, month + 1, last.day)
    return date(year, month + 1, length) + timedelta(days=1)
