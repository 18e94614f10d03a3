"""``e2ee-sig lint``: check XEP files against the XSF's rules."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from e2ee_sig.commands._common import CONTEXT, config, split
from e2ee_sig.errors import EXIT_FINDINGS
from e2ee_sig.lint.options import PROFILES
from e2ee_sig.lint.reporters import FORMATS


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    help="Rule set: xsf-ci = exactly the official XSF CI; e2ee = default + E2EE rules as errors.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS)),
    help="Output format (default: text).",
)
@click.option(
    "--select", multiple=True, help="Only these rule codes, prefixes or names (e.g. SEC,HDR012)."
)
@click.option("--extend-select", multiple=True, help="Add rules to the profile's set.")
@click.option("--ignore", multiple=True, help="Leave out these rule codes, prefixes or names.")
@click.option(
    "--xeps-root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with xep.dtd and xep.ent (default: found by walking up from each file).",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: by input size)."
)
@click.option(
    "--statistics", is_flag=True, help="Print how often each rule fired instead of each diagnostic."
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here.",
)
@click.option(
    "--fix", is_flag=True, help="Apply safe fixes in place (only the bytes of each problem change)."
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Show the fixes as a unified diff; change nothing.")
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only XEP files changed since git REF; revision rules judge only revisions added since.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not recorded in this file (see --write-baseline).",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record today's findings in this file (for --baseline in CI) and exit 0.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found.")
def lint(
    paths: tuple[str, ...],
    profile: str | None,
    output_format: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    xeps_root: Path | None,
    jobs: int | None,
    statistics: bool,
    output_file: Path | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    changed_since: str | None,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    exit_zero: bool,
) -> None:
    """Check XEP files against the XSF's rules.

    PATHS are XEP files or folders (an xsf/xeps checkout: its xep-*.xml and inbox/*.xml; any
    other folder: its *.xml). Default: the current folder.

    \b
    Examples:
      e2ee-sig lint xeps/
      e2ee-sig lint --profile xsf-ci xep-0384.xml inbox/omemo-mls.xml
      e2ee-sig lint --changed-since origin/master --format github
      e2ee-sig lint --select SEC,E2E --statistics .
      e2ee-sig lint --fix inbox/my-draft.xml
      e2ee-sig lint --write-baseline .e2ee-sig-baseline.json .   (once; commit the file)
      e2ee-sig lint --baseline .e2ee-sig-baseline.json .         (in CI: only new findings)

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
    """
    with _collector_paused():  # (before the lint modules are imported)
        from e2ee_sig.lint.runner import LintRequest, run_lint

        settings = config()
        request = LintRequest(
            paths=list(paths) or ["."],
            profile=profile or settings.get("profile", "default"),
            output_format=output_format or settings.get("format", "text"),
            select=split(select) or settings.get("select", []),
            extend_select=split(extend_select) + settings.get("extend-select", []),
            ignore=split(ignore) + ([] if select else settings.get("ignore", [])),
            xeps_root=xeps_root or settings.path("xeps-root"),
            jobs=jobs or settings.get("jobs"),
            statistics=statistics,
            output_file=output_file,
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            diff=diff,
            changed_since=changed_since,
            baseline_file=baseline_file,
            write_baseline_file=write_baseline_file,
        )
        status = run_lint(request)
    sys.exit(0 if exit_zero and status == EXIT_FINDINGS else status)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for a run, then restarted as it was: what a run
    frees, reference counting frees (documents, their trees and caches), and the collections
    its allocations would start walk everything the run keeps (~30 ms on the corpus). Forked
    workers inherit the pause, so none of them writes to the pages it shares with the parent.
    What the run keeps is then frozen, as the caller's objects are, or when the caller froze
    none, moved to the oldest generation: either way unexamined by the next young collection
    (which would walk it all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            frozen = gc.get_freeze_count()
            gc.freeze()
            if not frozen:
                gc.unfreeze()
            gc.enable()
