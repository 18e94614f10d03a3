"""``stale --format table``: a rich table sorted by urgency, colours on a terminal."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table

from e2ee_sig.stale.model import STATES, StaleReport, XepEntry
from e2ee_sig.stale.render.common import day_text, open_protoxeps, scope_text, shown, version_date

_STYLES = {"stale": "bold red", "unknown": "magenta", "due-soon": "yellow", "ok": "green"}


def write_table(report: StaleReport, stream: TextIO) -> None:
    """A table sorted by urgency (and one for inbox ProtoXEPs), colours on a terminal."""
    options = report.options
    console = Console(file=stream, highlight=False)
    table = Table(title=f"Stale XEPs on {options.now.isoformat()} ({scope_text(options)})")
    for name, justify in [
        ("XEP", "right"), ("Title", "left"), ("Status", "left"), ("Last revision", "left"),
        ("Age", "right"), ("State", "left"), ("Stale from", "left"), ("XEP-0001", "left"),
        ("Git", "left"),
    ]:  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for entry in shown(report):
        table.add_row(
            f"{entry.number:04d}",
            entry.title,
            entry.status,
            version_date(entry.official.revision),
            str(entry.age_days) if entry.age_days is not None else "?",
            f"[{_STYLES[entry.state]}]{entry.state}[/]",
            day_text(entry.official.stale_from) or "",
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
    inbox = open_protoxeps(report)
    if inbox:
        protos = Table(title="ProtoXEPs in the inbox (not yet accepted)")
        for name in ("File", "Title", "Last revision", "Age"):
            protos.add_column(name, overflow="fold")
        for proto in inbox:
            age = str(proto.age_days) if proto.age_days is not None else "?"
            protos.add_row(proto.path, proto.title, version_date(proto.official.revision), age)
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
