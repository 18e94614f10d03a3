"""``e2ee-sig stale``: report stale XEPs for the SIG meeting and apply deferrals."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from e2ee_sig.commands._common import CONTEXT, DAY, config, split
from e2ee_sig.errors import E2eeSigError, print_error
from e2ee_sig.stale.render import WRITERS, default_format, writer
from e2ee_sig.xep.policy import DEFERRAL_MONTHS
from e2ee_sig.xep.vocab import SIG_SCOPES

if TYPE_CHECKING:
    from e2ee_sig.stale.model import StaleReport


@click.command(context_settings=CONTEXT)
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--now",
    type=DAY,
    help="Judge as on this day (default: today, UTC).",
)
@click.option(
    "--months",
    type=click.IntRange(1, 1200),
    default=DEFERRAL_MONTHS,
    show_default=True,
    help="Months without a revision before an Experimental XEP is deferred.",
)
@click.option(
    "--soon",
    "soon_days",
    metavar="DAYS",
    type=click.IntRange(0, 3650),
    default=60,
    show_default=True,
    help="'due-soon' when a XEP will be stale within DAYS.",
)
@click.option(
    "--sig",
    type=click.Choice(SIG_SCOPES),
    help="Only the SIG's encryption XEPs (list shipped with the package; config: sig-xeps).",
)
@click.option(
    "--number",
    "numbers",
    multiple=True,
    metavar="N",
    help="Only these XEPs (repeatable or comma-separated: 384, 0384, XEP-0384).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(WRITERS)),
    help="Output (default: table on a terminal, else markdown: the meeting agenda section).",
)
@click.option("--defer", is_flag=True, help="Defer every stale XEP in place (needs --initials).")
@click.option("--initials", help="The Editor's initials for the revision block: 'XEP Editor (XX)'.")
@click.option("--commit", is_flag=True, help="With --defer: one git commit per deferred XEP.")
@click.option("--dry-run", is_flag=True, help="With --defer: show the diff, change nothing.")
@click.option(
    "--date",
    "stamp",
    type=DAY,
    help="With --defer: date of the deferral's revision block (default: today, UTC; --now "
    "only sets the day the XEPs are judged on).",
)
@click.option(
    "--since",
    metavar="REF",
    help="Markdown: also list each XEP changed from REF (the last meeting's tag or commit) to "
    "HEAD with its rendered diff; with -o the diffs are written and linked.",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the markdown agenda to DIR/agenda.md and, with --since, each diff to "
    "DIR/diff-<name>.html beside it (relative links: publish the folder as it is).",
)
def stale(
    root: Path | None,
    now: date | None,
    months: int,
    soon_days: int,
    sig: str | None,
    numbers: tuple[str, ...],
    output_format: str | None,
    defer: bool,
    initials: str | None,
    commit: bool,
    dry_run: bool,
    stamp: date | None,
    since: str | None,
    out: Path | None,
) -> None:
    """Report stale XEPs for the SIG meeting and apply deferrals.

    An Experimental XEP whose first revision is dated on or before the same day --months ago is
    'stale' (the Editor's deferrals.py rule); 'due-soon' within --soon days. Also shown: the
    XEP-0001 reading (patch revisions are no activity), git commits after the newest revision
    ('unrecorded changes'), and the inbox ProtoXEPs' age. ROOT is an xsf/xeps checkout
    (default: config xeps-root, else the nearest folder up with xep-NNNN.xml files).

    --since REF adds "Changed since REF" to the markdown agenda: each XEP whose committed file
    differs between REF and HEAD, with its header changes ("0.8.3 → 0.9.0, status
    Experimental") and its rendered diff. With -o DIR the agenda is DIR/agenda.md and each diff
    DIR/diff-xep-NNNN.html, linked relatively; without -o nothing is written and each XEP shows
    the 'e2ee-sig diff' command that renders it.

    \b
    Examples:
      e2ee-sig stale ~/src/xeps
      e2ee-sig stale --sig e2ee --format markdown > agenda.md
      e2ee-sig stale --now 2026-06-30 --format json
      e2ee-sig stale --number 384,373 --soon 90
      e2ee-sig stale --defer --initials XYZ --dry-run
      e2ee-sig stale --defer --initials XYZ --commit
      e2ee-sig stale --now 2027-01-15 --defer --initials XYZ --date 2027-01-16
      e2ee-sig stale --sig e2ee --since meeting-2026-11 -o agenda/

    Exit status: 0 nothing stale, 1 something stale or undatable (after --defer: undatable
    only), 2 usage error or a deferral that cannot be made.
    """
    from e2ee_sig.dates import today_utc
    from e2ee_sig.stale.judging import build_report, discover_root
    from e2ee_sig.stale.model import StaleOptions

    if not defer and (initials or commit or dry_run or stamp):
        raise E2eeSigError("--initials, --commit, --dry-run and --date only apply with --defer")
    if defer and not (initials and initials.strip()):
        raise E2eeSigError("--defer needs --initials (the Editor's, for 'XEP Editor (XX)')")
    if commit and dry_run:
        raise E2eeSigError("--commit and --dry-run exclude each other")
    if (since is not None or out is not None) and (
        defer or output_format not in (None, "markdown")
    ):
        raise E2eeSigError("--since and -o apply to the markdown agenda (not --defer or --format)")
    wanted = _numbers(split(numbers)) if numbers else []
    settings = config()
    root = root or settings.path("xeps-root") or discover_root(Path.cwd())
    if root is None:
        raise E2eeSigError("no xep-NNNN.xml files here or above: give ROOT (an xsf/xeps checkout)")
    options = StaleOptions(
        root=root,
        now=now or today_utc(),
        months=months,
        soon_days=soon_days,
        numbers=wanted,
        sig=sig,
        sig_xeps=settings.get("sig-xeps"),
        documents=defer,
    )
    with _spinner(sys.stderr.isatty()) as progress:
        report = build_report(options, progress)
    if defer:
        sys.exit(_defer(report, (initials or "").strip(), stamp or today_utc(), commit, dry_run))
    if since is not None or out is not None:
        from e2ee_sig.stale.diffs import agenda_markdown, make_folder, save_agenda

        if out is not None:
            make_folder(out)
        with _spinner(sys.stderr.isatty()) as progress:
            text = agenda_markdown(report, since, out, progress)
        if out is None:
            sys.stdout.write(text)
        else:
            click.echo(f"Wrote {save_agenda(text, out)}", err=True)
        sys.exit(report.exit_code)
    writer(output_format or default_format())(report, sys.stdout)
    sys.exit(report.exit_code)


def _numbers(texts: list[str]) -> list[int]:
    from e2ee_sig.xep.scope import parse_number

    try:
        return [parse_number(n) for n in texts]
    except ValueError as error:
        raise E2eeSigError(f"--number: {error}") from error


@contextmanager
def _spinner(enabled: bool) -> Iterator[Callable[[str], None] | None]:
    """A spinner with the current step on a terminal's stderr; nothing on a pipe."""
    if not enabled:
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status("") as status:
        yield lambda message: status.update(message)


def _defer(report: StaleReport, initials: str, stamp: date, commit: bool, dry_run: bool) -> int:
    """Defer every stale XEP (or show the diffs), each on its own; the exit status."""
    from e2ee_sig.stale.deferral import (
        DeferralAborted,
        DeferralCommits,
        apply_deferral,
        plan_deferral,
        start_commits,
    )
    from e2ee_sig.stale.model import StaleError

    stale = sorted(report.stale, key=lambda e: e.number or 0)
    commits: DeferralCommits | None = None
    if commit and not dry_run and stale:
        commits = start_commits(report.options.root, stale)
    failed = 0
    done: list[str] = []
    for entry in stale:
        try:
            deferral = plan_deferral(entry, initials, stamp, report.options.now)
            if dry_run:
                sys.stdout.write(deferral.diff())
                continue
            apply_deferral(deferral)
            sha = commits.commit(deferral) if commits is not None else None
        except DeferralAborted as error:
            print_error(error)
            return 2
        except StaleError as error:
            print_error(error)
            failed += 1
            continue
        committed = f", committed {sha[:12]}" if sha else ""
        done.append(f"XEP-{entry.number:04d}: deferred, version {deferral.version}{committed}")
        if commits is None:
            click.echo(done.pop())
    for line in done:  # with --commit, told once every commit is made (or none is kept)
        click.echo(line)
    if failed:
        return 2
    if dry_run:
        return 1 if stale or report.unknown else 0
    return 1 if report.unknown else 0
