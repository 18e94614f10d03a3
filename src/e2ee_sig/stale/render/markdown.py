"""``stale --format markdown``: the stale-XEP section of a SIG meeting agenda, from the
``agenda.md.j2`` template shipped in ``e2ee_sig/data/reports``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from e2ee_sig.reports import render_template
from e2ee_sig.stale.model import StaleReport, XepEntry
from e2ee_sig.stale.render.common import (
    EditorialCommit,
    day_text,
    editorial_commits,
    open_protoxeps,
    recent,
    scope_text,
    unrecorded_text,
    urgency,
    version_date,
)

XEP_URL = "https://xmpp.org/extensions/xep-{number:04d}.html"


@dataclass
class Section:
    """One ``###`` section: a table (``head`` and ``rows``) or a list (``items``)."""

    title: str
    count: int
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def _link(entry: XepEntry) -> str:
    return f"[XEP-{entry.number:04d}]({XEP_URL.format(number=entry.number)})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _editorial_item(editorial: EditorialCommit) -> str:
    commit, links = editorial.commit, ", ".join(_link(e) for e in editorial.xeps)
    return (
        f"`{commit.sha[:10]}` {commit.authored} “{commit.subject}” ({editorial.kind}, "
        f"{len(editorial.xeps)} XEPs): {links}"
    )


def sections(report: StaleReport) -> list[Section]:
    """Overdue, due soon, unrecorded changes, recently updated, the inbox, and problems."""
    options = report.options
    stale = sorted(report.stale, key=urgency)
    only_xep0001 = [e for e in report.xeps if e.xep0001.state == "stale" and e.state != "stale"]
    due = sorted((e for e in report.xeps if e.state == "due-soon"), key=urgency)
    unrecorded = [e for e in report.xeps if e.unrecorded]
    updated = recent(report)
    editorial = editorial_commits(report)
    inbox = open_protoxeps(report)
    problems = [e for e in [*report.xeps, *report.protoxeps] if e.problems]
    found = [
        Section(
            "Overdue",
            len(stale),
            ["XEP", "Title", "Last revision", "Stale since", "Age (days)"],
            [
                [
                    _link(e),
                    e.title,
                    version_date(e.official.revision),
                    day_text(e.official.stale_from) or "",
                    str(e.age_days),
                ]
                for e in stale
            ],
        ),
        Section(
            "Overdue only under XEP-0001 §editorial (patch revisions do not count)",
            len(only_xep0001),
            items=[
                f"{_link(e)} {e.title}: last non-editorial revision "
                f"{version_date(e.xep0001.revision)}, latest {version_date(e.official.revision)}"
                for e in only_xep0001
            ],
        ),
        Section(
            f"Due soon (within {options.soon_days} days)",
            len(due),
            ["XEP", "Title", "Last revision", "Stale on", "Days left"],
            [
                [
                    _link(e),
                    e.title,
                    version_date(e.official.revision),
                    day_text(e.official.stale_from) or "",
                    str((e.official.stale_from - options.now).days)
                    if e.official.stale_from
                    else "",
                ]
                for e in due
            ],
        ),
        Section(
            "Unrecorded changes (commits after the newest revision)",
            len(unrecorded),
            items=[f"{_link(e)} {e.title}: {unrecorded_text(e)}" for e in unrecorded],
        ),
        Section(
            "Tree-wide editorial commits after the newest revision (no revision block needed)",
            len(editorial),
            items=[_editorial_item(e) for e in editorial],
        ),
        Section(
            f"Recently updated (last {options.soon_days} days)",
            len(updated),
            items=[f"{_link(e)} {e.title}: {version_date(e.newest)}" for e in updated],
        ),
    ]
    if not options.numbers:
        found.append(
            Section(
                "ProtoXEPs in the inbox",
                len(inbox),
                ["File", "Title", "Last revision", "Age (days)"],
                [
                    [
                        f"`{p.path}`",
                        p.title,
                        version_date(p.official.revision),
                        str(p.age_days) if p.age_days is not None else "?",
                    ]
                    for p in inbox
                ],
            )
        )
    found.append(
        Section(
            "Problems",
            len(problems),
            items=[f"`{e.path}`: {problem}" for e in problems for problem in e.problems],
        )
    )
    return found


def write_markdown(report: StaleReport, stream: TextIO) -> None:
    """The agenda section for a SIG meeting."""
    options = report.options
    stream.write(
        render_template(
            "agenda.md.j2",
            now=options.now.isoformat(),
            scope=scope_text(options),
            months=options.months,
            notes=report.notes,
            sections=sections(report),
            filters={"cell": _cell},
        )
    )
