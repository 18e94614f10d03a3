"""``stale --format json``: every field of the report, for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from e2ee_sig.jsonout import write_indented
from e2ee_sig.stale.model import STATES, RevisionInfo, StaleReport, XepEntry
from e2ee_sig.stale.render.common import day_text, scope_text

if TYPE_CHECKING:
    from datetime import date

    from e2ee_sig.gitops import FileCommit


def _revision(revision: RevisionInfo | None) -> dict[str, str] | None:
    return {"version": revision.version, "date": revision.date} if revision else None


def _commit(commit: FileCommit | None) -> dict[str, str] | None:
    if commit is None:
        return None
    return {"sha": commit.sha, "date": commit.authored, "subject": commit.subject}


def _git(entry: XepEntry) -> dict[str, Any] | None:
    if entry.git is None:
        return None
    unrecorded = entry.git.unrecorded
    return {
        "last_commit": _commit(entry.git.last_commit),
        "unrecorded_changes": {
            "since": _revision(entry.git.since),
            "count": len(unrecorded),
            "last_date": unrecorded[0].authored if unrecorded else None,
            "subjects": [c.subject for c in unrecorded],
        },
        "editorial_changes": [
            {**(_commit(e.commit) or {}), "kind": e.kind} for e in entry.git.editorial
        ],
    }


def entry_json(entry: XepEntry, now: date) -> dict[str, Any]:
    """One XEP: the fixed fields of the issue first, then the extra ones."""
    official, xep0001 = entry.official, entry.xep0001
    days_left = (official.stale_from - now).days if official.stale_from else None
    return {
        "number": entry.number,
        "path": entry.path,
        "title": entry.title,
        "status": entry.status,
        "last_revision": _revision(official.revision),
        "age_days": entry.age_days,
        "state": entry.state,
        "stale_from": day_text(official.stale_from),
        "days_left": days_left,
        "xep0001": {
            "activity": _revision(xep0001.revision),
            "state": xep0001.state,
            "stale_from": day_text(xep0001.stale_from),
        },
        "flags": entry.flags,
        "problems": entry.problems,
        "git": _git(entry),
    }


def protoxep_json(entry: XepEntry) -> dict[str, Any]:
    return {
        "path": entry.path,
        "title": entry.title,
        "last_revision": _revision(entry.official.revision),
        "age_days": entry.age_days,
        "accepted_as": entry.accepted_as,
        "problems": entry.problems,
        "git": _git(entry),
    }


def report_json(report: StaleReport) -> dict[str, Any]:
    options = report.options
    return {
        "now": options.now.isoformat(),
        "months": options.months,
        "soon_days": options.soon_days,
        "root": str(options.root),
        "scope": scope_text(options),
        "git": {
            "available": report.git_available,
            "shallow": report.shallow,
            "notes": report.notes,
        },
        "summary": {state: sum(e.state == state for e in report.xeps) for state in STATES},
        "xeps": [entry_json(e, options.now) for e in report.xeps],
        "protoxeps": [protoxep_json(e) for e in report.protoxeps],
    }


def write_json(report: StaleReport, stream: TextIO) -> None:
    write_indented(report_json(report), stream)
