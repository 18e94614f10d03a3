"""Text output: ``path:line:col: CODE message``, then the source line, a caret and a hint."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import TextIO

from e2ee_sig.fsio import FileRefused, display_name, read_capped
from e2ee_sig.lint.batch import LintReport
from e2ee_sig.lint.model import Diagnostic, Finding, Severity
from e2ee_sig.xep.parse import MAX_BYTES

_TOKEN = re.compile(r"<[^<>]{0,60}>|\S{1,60}")
_ERROR = Severity.ERROR  # (read once: an enum member is read through a hook, ~900 instructions)
Placed = Finding | Diagnostic
"""Where a report reads the line, column, message and hint of what it shows."""


@lru_cache(maxsize=64)
def _source_lines(path: str) -> tuple[str, ...]:
    """The lines of ``path`` for snippets; none for a file that is not XML (a symlink to a
    credentials file must never be echoed) or that cannot be read as a regular file."""
    try:
        raw = read_capped(path, MAX_BYTES)
    except FileRefused:
        return ()
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return ()
    return tuple(raw.decode("utf-8", "replace").splitlines())


@lru_cache(maxsize=4096)
def _shown(path: str) -> str:
    return display_name(path)


def _headline(path: str, code: str, severity: Severity, place: Placed) -> str:
    where = f"{_shown(path)}:{place.line}:{place.column}"
    level = "" if severity is _ERROR else " [warning]"
    return f"{where}: {code}{level} {place.message}"


def _snippet(source: str | None, place: Placed) -> str:
    """The source line under a gutter, with a caret under the span found ('' when the line
    is unknown)."""
    if source is None:
        return ""
    if "\t" in source:
        source = source.expandtabs(4)
    source = source.rstrip()
    if len(source) > 160:
        source = source[:157] + "..."
    number = str(place.line)
    gutter = " " * len(number)
    start = max(place.column - 1, len(source) - len(source.lstrip()))
    start = min(start, max(len(source) - 1, 0))
    end = (place.end_column - 1) if place.end_column else start + _token(source[start:])
    caret = " " * start + "^" * max(1, end - start)
    return f"{gutter} |\n{number} | {source}\n{gutter} | {caret}\n"


def shown(path: str, code: str, severity: Severity, place: Placed, source: str | None) -> str:
    """How the full report shows a finding of rule ``code`` in ``path``: a headline, the
    source line (``source``, None when unknown) with a caret, a hint, a blank line. The lint
    engine calls it where the file is linted (by forked workers too, in parallel), and records
    the result as :attr:`Diagnostic.shown`."""
    shown = f"{_headline(path, code, severity, place)}\n{_snippet(source, place)}"
    hint = place.hint or (place.fix.description if place.fix else None)
    if not hint:
        return shown + "\n"
    pad = " " * len(str(place.line))
    fixable = " [fixable with --fix]" if place.fix and place.fix.safe else ""
    return f"{shown}{pad} = hint: {hint}{fixable}\n\n"


def _shown_now(diagnostic: Diagnostic) -> str:
    """:func:`shown` for a diagnostic the engine did not render (its source line read from
    the file now when it was not recorded either)."""
    source = diagnostic.source
    if source is None:
        lines = _source_lines(diagnostic.path)
        if 1 <= diagnostic.line <= len(lines):
            source = lines[diagnostic.line - 1]
    return shown(diagnostic.path, diagnostic.code, diagnostic.severity, diagnostic, source)


def _token(text: str) -> int:
    """Length of the tag or word at the start of ``text``, the part a bare column points at."""
    match = _TOKEN.match(text)
    return len(match.group(0)) if match else 1


def _summary(report: LintReport) -> str:
    errors = report.errors
    warnings = len(report.diagnostics) - errors
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    if not report.diagnostics:
        return f"All checks passed ({files})."
    counts = f"{errors} error{'s' * (errors != 1)} and {warnings} warning{'s' * (warnings != 1)}"
    return f"Found {counts} in {files}."


def full(report: LintReport, stream: TextIO) -> None:
    """Every diagnostic with its source line, a caret and a hint, then a summary."""
    parts = [d.shown or _shown_now(d) for d in report.diagnostics]
    parts.append(_summary(report) + "\n")
    stream.write("".join(parts))


def concise(report: LintReport, stream: TextIO) -> None:
    """One line per diagnostic, then a summary (in one write)."""
    lines = [_headline(d.path, d.code, d.severity, d) for d in report.diagnostics]
    lines.append(_summary(report))
    lines.append("")
    stream.write("\n".join(lines))


def statistics(report: LintReport, stream: TextIO) -> None:
    """How often each rule fired, most frequent first (``--statistics``)."""
    counts = Counter((d.code, d.name) for d in report.diagnostics)
    fixable = Counter(d.code for d in report.diagnostics if d.fix and d.fix.safe)
    for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = " [*]" if fixable[code] else ""
        stream.write(f"{count:6d}  {code:<7} {name}{mark}\n")
