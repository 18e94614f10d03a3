"""``stale --format table``: a rich table sorted by urgency, colours on a terminal."""

from __future__ import annotations

from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from e2ee_sig.stale.model import STATES, StaleReport, XepEntry
from e2ee_sig.stale.render.common import (
    day_text,
    editorial_commits,
    editorial_text,
    open_protoxeps,
    scope_text,
    shown,
    version_date,
)

# Numbers, dates and states are never split; the title and git facts wrap at spaces. Below
# WIDE columns the table keeps only the columns marked True (it fits 80 columns).
WIDE = 120
_COLUMNS: list[tuple[str, bool, dict[str, Any]]] = [
    ("XEP", True, {"justify": "right", "no_wrap": True, "min_width": 4}),
    ("Title", True, {"min_width": 12, "ratio": 2, "overflow": "fold"}),
    ("Status", False, {"no_wrap": True}),
    ("Last revision", True, {"min_width": 12}),
    ("Age", True, {"justify": "right", "no_wrap": True}),
    ("State", True, {"no_wrap": True}),
    ("Stale from", False, {"no_wrap": True}),
    ("XEP-0001", False, {"no_wrap": True}),
    ("Git", True, {"min_width": 12, "ratio": 1, "overflow": "fold"}),
]
_STYLES = {"stale": "bold red", "unknown": "magenta", "due-soon": "yellow", "ok": "green"}


def write_table(report: StaleReport, stream: TextIO) -> None:
    """A table sorted by urgency (and one for inbox ProtoXEPs), colours on a terminal."""
    options = report.options
    console = Console(file=stream, highlight=False)
    table = Table(title=f"Stale XEPs on {options.now.isoformat()} ({scope_text(options)})")
    narrow = console.width < WIDE
    kept = [not narrow or compact for _, compact, _ in _COLUMNS]
    for (name, _, settings), keep in zip(_COLUMNS, kept, strict=True):
        if keep:
            table.add_column(name, **settings)
    for entry in shown(report):
        cells = [
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
        ]
        table.add_row(*(cell for cell, keep in zip(cells, kept, strict=True) if keep))
    counts = ", ".join(f"{sum(e.state == s for e in report.xeps)} {s}" for s in STATES)
    table.caption = (
        f"{counts} · window {options.months} months · due soon = within {options.soon_days} days"
    )
    console.print(table)
    inbox = open_protoxeps(report)
    if inbox:
        protos = Table(title="ProtoXEPs in the inbox (not yet accepted)")
        for name in ("File", "Title", "Last revision", "Age"):
            protos.add_column(name, overflow="fold", no_wrap=name in ("File", "Age"))
        for proto in inbox:
            age = str(proto.age_days) if proto.age_days is not None else "?"
            protos.add_row(proto.path, proto.title, version_date(proto.official.revision), age)
        console.print(protos)
    for editorial in editorial_commits(report):
        console.print(f"editorial {editorial_text(editorial)}", overflow="fold")
    for entry in (e for e in [*report.xeps, *report.protoxeps] if e.problems):
        for problem in entry.problems:
            console.print(f"[magenta]problem[/] {entry.path}: {problem}")
    for note in report.notes:
        console.print(f"note: {note}")


def _git_cell(entry: XepEntry) -> str:
    if entry.git is None:
        return ""
    last = entry.git.last_commit.authored if entry.git.last_commit else "—"
    cell = f"last {last}"
    if entry.unrecorded:
        cell += f"; [yellow]{len(entry.git.unrecorded)} unrecorded[/]"
    if entry.git.editorial:
        cell += f"; {len(entry.git.editorial)} editorial"
    return cell
