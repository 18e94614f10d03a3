"""One ``e2ee-sig lint`` invocation: options in, report and fixes out, an exit status back."""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from e2ee_sig.errors import E2eeSigError, print_error
from e2ee_sig.fsio import FileRefused
from e2ee_sig.lint.batch import LintReport, lint_paths
from e2ee_sig.lint.discovery import inside_folders
from e2ee_sig.lint.options import LintOptions

PROGRESS_THRESHOLD = 20


@dataclass(eq=False)
class LintRequest:
    """The command line of ``e2ee-sig lint``, merged with the configuration file."""

    paths: list[str]
    profile: str = "default"
    output_format: str = "text"
    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    xeps_root: Path | None = None
    jobs: int | None = None
    statistics: bool = False
    output_file: Path | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    changed_since: str | None = None
    baseline_file: Path | None = None
    write_baseline_file: Path | None = None


@contextmanager
def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    """A progress bar on a terminal's stderr once there are many files; nothing on a pipe."""
    if not enabled:
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("linting"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
        console=Console(stderr=True),
    )
    task = bar.add_task("lint", total=None)

    def start(total: int) -> None:
        bar.update(task, total=total)
        if total >= PROGRESS_THRESHOLD:
            bar.start()

    def advance(count: int) -> None:
        bar.advance(task, count)

    try:
        yield start, advance
    finally:
        if bar.live.is_started:
            bar.stop()


def _options(request: LintRequest) -> tuple[LintOptions, list[str]]:
    options = LintOptions(
        profile=request.profile,
        select=request.select,
        ignore=request.ignore,
        extend_select=request.extend_select,
        xeps_root=request.xeps_root,
        jobs=request.jobs,
        source_lines=request.output_format == "text" and not request.statistics,
    )
    paths = request.paths
    if request.changed_since:
        from e2ee_sig.gitops import changed_since

        changes = changed_since(request.changed_since, paths)
        options.baseline = changes.baseline
        options.changed_shared = frozenset(changes.shared)
        paths, skipped = inside_folders(changes.paths, [str(p) for p in paths])
        for note in skipped:
            print(f"note: {note}", file=sys.stderr)
    return options, paths


def _write(report: LintReport, request: LintRequest, stream: TextIO) -> None:
    if request.statistics:
        from e2ee_sig.lint.reporters.text import statistics

        statistics(report, stream)
        return
    from e2ee_sig.lint.reporters import reporter

    reporter(request.output_format)(report, stream)


def _lint(request: LintRequest, options: LintOptions, paths: list[str]) -> LintReport:
    if not paths:
        return LintReport(0, [], [f"no XEP files changed since {request.changed_since}"])
    show_progress = sys.stderr.isatty() and request.output_format in ("text", "concise")
    with _progress(show_progress) as (start, advance):
        return lint_paths(paths, options, advance, start)


def _apply_fixes(request: LintRequest, report: LintReport) -> tuple[str | None, int]:
    """Fix (or diff) what can be fixed; returns the diff text with ``--diff`` and the exit
    status so far (2 when a file was refused, with ``--diff`` 1 when errors remain)."""
    from e2ee_sig.lint.batch import relint
    from e2ee_sig.lint.fixer import fix_files
    from e2ee_sig.lint.model import Severity

    outcome = fix_files(
        report.diagnostics,
        request.unsafe_fixes,
        write=not request.diff,
        relint=lambda path, raw: relint(report, path, raw),
    )
    for refused in outcome.refused:
        print_error(refused)
    status = 2 if outcome.refused else 0
    results = outcome.results
    if request.diff:
        fixed_paths = {r.path for r in results}
        unfixed = sum(
            d.severity is Severity.ERROR and d.path not in fixed_paths for d in report.diagnostics
        )
        remaining = unfixed + sum(r.remaining_errors for r in results)
        return "".join(r.diff() for r in results), status or int(bool(results or remaining))
    fixed = sum(r.fixed for r in results)
    if fixed:
        print(
            f"Fixed {fixed} problem{'s' * (fixed != 1)} "
            f"in {len(results)} file{'s' * (len(results) != 1)}.",
            file=sys.stderr,
        )
    return None, status


def _write_baseline(report: LintReport, file: Path) -> int:
    """Record every finding of ``report`` in ``file``; nothing is reported, exit 0."""
    from e2ee_sig.lint.baseline import write

    count = write(report.diagnostics, file)
    print(
        f"Recorded {count} finding{'s' * (count != 1)} in {file}; "
        f"'e2ee-sig lint --baseline {file}' now reports only new ones.",
        file=sys.stderr,
    )
    return 0


def _apply_baseline(report: LintReport, file: Path) -> None:
    """Keep only the findings ``file`` does not record, and say how many were left out."""
    from e2ee_sig.lint.baseline import new_findings

    fresh = new_findings(report.diagnostics, file)
    known = len(report.diagnostics) - len(fresh)
    report.diagnostics = fresh
    if known:
        report.notes.append(
            f"{known} known finding{'s' * (known != 1)} in baseline {file} not shown"
        )


def run_lint(request: LintRequest) -> int:
    """Run lint as asked; print the report; return the exit status (0 or 1; E2eeSigError when
    it cannot proceed)."""
    options, paths = _options(request)
    report = _lint(request, options, paths)
    fix_status = 0
    if request.fix or request.diff:
        diff, fix_status = _apply_fixes(request, report)
        if diff is not None:
            sys.stdout.write(diff)
            return fix_status
        report = _lint(request, options, paths)
    if request.write_baseline_file is not None:
        return _write_baseline(report, request.write_baseline_file)
    if request.baseline_file is not None:
        _apply_baseline(report, request.baseline_file)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if request.output_file is not None:
        buffer = io.StringIO()
        _write(report, request, buffer)
        try:
            from e2ee_sig.fsio import write_report

            write_report(request.output_file, buffer.getvalue().encode("utf-8"))
        except FileRefused as error:
            raise E2eeSigError(f"cannot write the report: {error}") from error
    else:
        _write(report, request, sys.stdout)
    return fix_status or report.exit_code
