"""``e2ee-sig stale`` output: JSON, the SIG meeting's markdown agenda section, a rich table;
and one invocation from options to exit status (``run_stale``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from e2ee_sig.stale import (
    STATES,
    RevisionInfo,
    StaleError,
    StaleOptions,
    StaleReport,
    XepEntry,
    apply_deferral,
    build_report,
    check_committable,
    plan_deferral,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from e2ee_sig.gitops import FileCommit

XEP_URL = "https://xmpp.org/extensions/xep-{number:04d}.html"
MAX_SUBJECTS = 5


# --- JSON -----------------------------------------------------------------------------------


def _revision(revision: RevisionInfo | None) -> dict[str, str] | None:
    return {"version": revision.version, "date": revision.date} if revision else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


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
        "stale_from": _day(official.stale_from),
        "days_left": days_left,
        "xep0001": {
            "activity": _revision(xep0001.revision),
            "state": xep0001.state,
            "stale_from": _day(xep0001.stale_from),
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
        "scope": _scope_text(options),
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
    json.dump(report_json(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


# --- Shared helpers -------------------------------------------------------------------------


def _scope_text(options: StaleOptions) -> str:
    if options.numbers:
        return "XEP " + ", ".join(f"{n:04d}" for n in sorted(options.numbers))
    return "the SIG's encryption XEPs" if options.sig else "all XEPs"


def urgency(entry: XepEntry) -> tuple[int, date, int]:
    """Sort key: stale (longest overdue first), unknown, due soon (soonest first), unrecorded
    changes, the rest."""
    rank = STATES.index(entry.state) if entry.state != "ok" else 3 + (not entry.unrecorded)
    return (rank, entry.official.stale_from or date.max, entry.number or 0)


def _shown(report: StaleReport) -> list[XepEntry]:
    """Table rows: every XEP asked for by number, else the Experimental ones and any with a
    flag or problem."""
    rows = report.xeps
    if not report.options.numbers:
        rows = [e for e in rows if e.experimental or e.flags or e.problems]
    return sorted(rows, key=urgency)


def _version_date(revision: RevisionInfo | None) -> str:
    return f"{revision.version} ({revision.date})" if revision else "—"


def _recent(report: StaleReport) -> list[XepEntry]:
    """XEPs whose newest revision is at most ``soon_days`` old (and not in the future)."""
    now, window = report.options.now, report.options.soon_days
    return [
        e
        for e in report.xeps
        if e.newest and e.newest.day and 0 <= (now - e.newest.day).days <= window
    ]


def _open_protoxeps(report: StaleReport) -> list[XepEntry]:
    """Inbox ProtoXEPs not yet accepted (no numbered XEP has their title), oldest first."""
    waiting = [p for p in report.protoxeps if p.accepted_as is None]
    return sorted(waiting, key=lambda p: -(p.age_days or 0))


def _unrecorded_text(entry: XepEntry) -> str:
    assert entry.git is not None
    commits = entry.git.unrecorded
    subjects = "; ".join(f"“{c.subject}”" for c in commits[:MAX_SUBJECTS])
    more = f" and {len(commits) - MAX_SUBJECTS} more" if len(commits) > MAX_SUBJECTS else ""
    plural = "s" * (len(commits) != 1)
    return (
        f"{len(commits)} commit{plural} since {_version_date(entry.git.since)}, "
        f"last on {commits[0].authored}: {subjects}{more}"
    )


# --- Markdown -------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _link(entry: XepEntry) -> str:
    return f"[XEP-{entry.number:04d}]({XEP_URL.format(number=entry.number)})"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _section(title: str, items: list[Any], body: Callable[[], list[str]]) -> list[str]:
    return ["", f"### {title} ({len(items)})", "", *(body() if items else ["None."])]


def write_markdown(report: StaleReport, stream: TextIO) -> None:
    """The agenda section for a SIG meeting: overdue, due soon, unrecorded changes, recently
    updated, the inbox, and problems."""
    options = report.options
    stale = sorted(report.stale, key=urgency)
    only_xep0001 = [e for e in report.xeps if e.xep0001.state == "stale" and e.state != "stale"]
    due = sorted((e for e in report.xeps if e.state == "due-soon"), key=urgency)
    unrecorded = [e for e in report.xeps if e.unrecorded]
    recent = _recent(report)
    inbox = _open_protoxeps(report)
    problems = [e for e in [*report.xeps, *report.protoxeps] if e.problems]
    lines = [
        f"## Stale XEPs — {options.now.isoformat()}",
        "",
        f"Scope: {_scope_text(options)}. An Experimental XEP is deferred when its latest "
        f"revision is {options.months} months old (XEP-0001; the Editor's `deferrals.py`).",
    ]
    lines += [f"Note: {note}." for note in report.notes]
    lines += _section(
        "Overdue",
        stale,
        lambda: _table(
            ["XEP", "Title", "Last revision", "Stale since", "Age (days)"],
            [
                [
                    _link(e),
                    e.title,
                    _version_date(e.official.revision),
                    _day(e.official.stale_from) or "",
                    str(e.age_days),
                ]
                for e in stale
            ],
        ),
    )
    lines += _section(
        "Overdue only under XEP-0001 §editorial (patch revisions do not count)",
        only_xep0001,
        lambda: [
            f"- {_link(e)} {e.title}: last non-editorial revision "
            f"{_version_date(e.xep0001.revision)}, latest {_version_date(e.official.revision)}"
            for e in only_xep0001
        ],
    )
    lines += _section(
        f"Due soon (within {options.soon_days} days)",
        due,
        lambda: _table(
            ["XEP", "Title", "Last revision", "Stale on", "Days left"],
            [
                [
                    _link(e),
                    e.title,
                    _version_date(e.official.revision),
                    _day(e.official.stale_from) or "",
                    str((e.official.stale_from - options.now).days)
                    if e.official.stale_from
                    else "",
                ]
                for e in due
            ],
        ),
    )
    lines += _section(
        "Unrecorded changes (commits after the newest revision)",
        unrecorded,
        lambda: [f"- {_link(e)} {e.title}: {_unrecorded_text(e)}" for e in unrecorded],
    )
    lines += _section(
        f"Recently updated (last {options.soon_days} days)",
        recent,
        lambda: [f"- {_link(e)} {e.title}: {_version_date(e.newest)}" for e in recent],
    )
    if not options.numbers:
        lines += _section(
            "ProtoXEPs in the inbox",
            inbox,
            lambda: _table(
                ["File", "Title", "Last revision", "Age (days)"],
                [
                    [
                        f"`{p.path}`",
                        p.title,
                        _version_date(p.official.revision),
                        str(p.age_days) if p.age_days is not None else "?",
                    ]
                    for p in inbox
                ],
            ),
        )
    lines += _section(
        "Problems",
        problems,
        lambda: [f"- `{e.path}`: {problem}" for e in problems for problem in e.problems],
    )
    stream.write("\n".join(lines) + "\n")


# --- Rich table -----------------------------------------------------------------------------

_STYLES = {"stale": "bold red", "unknown": "magenta", "due-soon": "yellow", "ok": "green"}


def write_table(report: StaleReport, stream: TextIO) -> None:
    """A table sorted by urgency (and one for inbox ProtoXEPs), colours on a terminal."""
    from rich.console import Console
    from rich.table import Table

    options = report.options
    console = Console(file=stream, highlight=False)
    table = Table(title=f"Stale XEPs on {options.now.isoformat()} ({_scope_text(options)})")
    for name, justify in [
        ("XEP", "right"), ("Title", "left"), ("Status", "left"), ("Last revision", "left"),
        ("Age", "right"), ("State", "left"), ("Stale from", "left"), ("XEP-0001", "left"),
        ("Git", "left"),
    ]:  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for entry in _shown(report):
        table.add_row(
            f"{entry.number:04d}",
            entry.title,
            entry.status,
            _version_date(entry.official.revision),
            str(entry.age_days) if entry.age_days is not None else "?",
            f"[{_STYLES[entry.state]}]{entry.state}[/]",
            _day(entry.official.stale_from) or "",
            f"[{_STYLES[entry.xep0001.state]}]{entry.xep0001.state}[/]"
            if entry.experimental
            else "",
            _git_cell(entry),
        )
    counts = ", ".join(f"{sum(e.state == s for e in report.xeps)} {s}" for s in STATES)
    table.caption = (
        f"{counts} · window {options.months} months · due soon = within {options.soon_days} days"
    )
    console.print(table)
    inbox = _open_protoxeps(report)
    if inbox:
        protos = Table(title="ProtoXEPs in the inbox (not yet accepted)")
        for name in ("File", "Title", "Last revision", "Age"):
            protos.add_column(name, overflow="fold")
        for proto in inbox:
            age = str(proto.age_days) if proto.age_days is not None else "?"
            protos.add_row(proto.path, proto.title, _version_date(proto.official.revision), age)
        console.print(protos)
    for entry in (e for e in [*report.xeps, *report.protoxeps] if e.problems):
        for problem in entry.problems:
            console.print(f"[magenta]problem[/] {entry.path}: {problem}")
    for note in report.notes:
        console.print(f"note: {note}")


def _git_cell(entry: XepEntry) -> str:
    if entry.git is None:
        return ""
    last = entry.git.last_commit.authored if entry.git.last_commit else "—"
    if entry.unrecorded:
        return f"last {last}; [yellow]{len(entry.git.unrecorded)} unrecorded[/]"
    return f"last {last}"


WRITERS = {"json": write_json, "markdown": write_markdown, "table": write_table}


# --- One invocation -------------------------------------------------------------------------


@dataclass
class StaleRequest:
    """The command line of ``e2ee-sig stale``, merged with the configuration."""

    options: StaleOptions
    output_format: str
    defer: bool = False
    initials: str | None = None
    commit: bool = False
    dry_run: bool = False


@contextmanager
def _status(enabled: bool) -> Iterator[Callable[[str], None] | None]:
    """A spinner with the current step on a terminal's stderr; nothing on a pipe."""
    if not enabled:
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status("") as status:
        yield lambda message: status.update(message)


def _error(message: str) -> None:
    print(f"e2ee-sig: error: {message}", file=sys.stderr)


def _defer(request: StaleRequest, report: StaleReport) -> int:
    """Defer every stale XEP (or show the diffs); the exit status."""
    stale = sorted(report.stale, key=lambda e: e.number or 0)
    initials = request.initials or ""
    if request.commit and not request.dry_run and stale:
        check_committable(request.options.root, stale)
    failed = 0
    for entry in stale:
        try:
            deferral = plan_deferral(entry, initials, request.options.now)
            if request.dry_run:
                sys.stdout.write(deferral.diff())
                continue
            sha = apply_deferral(deferral, request.commit)
        except StaleError as error:
            _error(str(error))
            failed += 1
            continue
        committed = f", committed {sha[:12]}" if sha else ""
        print(f"XEP-{entry.number:04d}: deferred, version {deferral.version}{committed}")
    if failed:
        return 2
    if request.dry_run:
        return 1 if stale or report.unknown else 0
    return 1 if report.unknown else 0


def run_stale(request: StaleRequest) -> int:
    """Build the report, print it (or defer), return the exit status (0, 1 or 2)."""
    try:
        with _status(sys.stderr.isatty()) as progress:
            report = build_report(request.options, progress)
        if request.defer:
            return _defer(request, report)
    except StaleError as error:
        _error(str(error))
        return 2
    WRITERS[request.output_format](report, sys.stdout)
    return report.exit_code


def default_format() -> str:
    """``table`` on a terminal, ``markdown`` on a pipe or file."""
    return "table" if sys.stdout.isatty() else "markdown"
