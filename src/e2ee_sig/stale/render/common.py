"""What every stale output shares: the scope line, the urgency order, and the rows shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from e2ee_sig.gitops import FileCommit
from e2ee_sig.stale.model import STATES, RevisionInfo, StaleOptions, StaleReport, XepEntry

MAX_SUBJECTS = 5


def day_text(day: date | None) -> str | None:
    return day.isoformat() if day else None


def scope_text(options: StaleOptions) -> str:
    if options.numbers:
        return "XEP " + ", ".join(f"{n:04d}" for n in sorted(options.numbers))
    return "the SIG's encryption XEPs" if options.sig else "all XEPs"


def urgency(entry: XepEntry) -> tuple[int, date, int]:
    """Sort key: stale (longest overdue first), unknown, due soon (soonest first), unrecorded
    changes, the rest."""
    rank = STATES.index(entry.state) if entry.state != "ok" else 3 + (not entry.unrecorded)
    return (rank, entry.official.stale_from or date.max, entry.number or 0)


def shown(report: StaleReport) -> list[XepEntry]:
    """Table rows: every XEP asked for by number, else the Experimental ones and any with a
    flag or problem."""
    rows = report.xeps
    if not report.options.numbers:
        rows = [e for e in rows if e.experimental or e.flags or e.problems]
    return sorted(rows, key=urgency)


def version_date(revision: RevisionInfo | None) -> str:
    return f"{revision.version} ({revision.date})" if revision else "—"


def recent(report: StaleReport) -> list[XepEntry]:
    """XEPs whose newest revision is at most ``soon_days`` old (and not in the future)."""
    now, window = report.options.now, report.options.soon_days
    return [
        e
        for e in report.xeps
        if e.newest and e.newest.day and 0 <= (now - e.newest.day).days <= window
    ]


def open_protoxeps(report: StaleReport) -> list[XepEntry]:
    """Inbox ProtoXEPs not yet accepted (no numbered XEP has their title), oldest first."""
    waiting = [p for p in report.protoxeps if p.accepted_as is None]
    return sorted(waiting, key=lambda p: -(p.age_days or 0))


def unrecorded_text(entry: XepEntry) -> str:
    assert entry.git is not None
    commits = entry.git.unrecorded
    subjects = "; ".join(f"“{c.subject}”" for c in commits[:MAX_SUBJECTS])
    more = f" and {len(commits) - MAX_SUBJECTS} more" if len(commits) > MAX_SUBJECTS else ""
    plural = "s" * (len(commits) != 1)
    return (
        f"{len(commits)} commit{plural} since {version_date(entry.git.since)}, "
        f"last on {commits[0].authored}: {subjects}{more}"
    )


@dataclass
class EditorialCommit:
    """A tree-wide editorial commit and the XEPs it touched after their newest revision."""

    commit: FileCommit
    kind: str
    xeps: list[XepEntry]


def editorial_commits(report: StaleReport) -> list[EditorialCommit]:
    """Each editorial commit once (newest first), with the XEPs it concerns."""
    found: dict[str, EditorialCommit] = {}
    for entry in report.xeps:
        for editorial in entry.git.editorial if entry.git else []:
            sha = editorial.commit.sha
            found.setdefault(sha, EditorialCommit(editorial.commit, editorial.kind, []))
            found[sha].xeps.append(entry)
    return sorted(found.values(), key=lambda e: e.commit.authored, reverse=True)


def editorial_text(editorial: EditorialCommit, limit: int = MAX_SUBJECTS) -> str:
    """One line: the commit, its kind, and the XEPs it touched."""
    commit, numbers = editorial.commit, [f"XEP-{e.number:04d}" for e in editorial.xeps]
    more = f" and {len(numbers) - limit} more" if len(numbers) > limit else ""
    return (
        f"{commit.sha[:10]} {commit.authored} “{commit.subject}” ({editorial.kind}): "
        f"{', '.join(numbers[:limit])}{more}"
    )
