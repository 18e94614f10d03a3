"""Text output: ``path:line:col: CODE message``, then the source line, a caret and a hint."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import TextIO

from e2ee_sig.fsio import FileRefused, display_name, read_capped
from e2ee_sig.lint.batch import LintReport
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.xep.parse import MAX_BYTES

_TOKEN = re.compile(r"<[^<>]{0,60}>|\S{1,60}")


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


def _headline(diagnostic: Diagnostic) -> str:
    where = f"{_shown(diagnostic.path)}:{diagnostic.line}:{diagnostic.column}"
    level = "" if diagnostic.severity is Severity.ERROR else " [warning]"
    return f"{where}: {diagnostic.code}{level} {diagnostic.message}"


def _snippet(diagnostic: Diagnostic) -> str:
    """The source line under a gutter, with a caret under the span found ('' when the line
    is unknown)."""
    source = diagnostic.source
    if source is None:  # not recorded when the file was linted: read it now
        lines = _source_lines(diagnostic.path)
        if not 1 <= diagnostic.line <= len(lines):
            return ""
        source = lines[diagnostic.line - 1]
    if "\t" in source:
        source = source.expandtabs(4)
    source = source.rstrip()
    if len(source) > 160:
        source = source[:157] + "..."
    number = str(diagnostic.line)
    gutter = " " * len(number)
    start = max(diagnostic.column - 1, len(source) - len(source.lstrip()))
    start = min(start, max(len(source) - 1, 0))
    end = (diagnostic.end_column - 1) if diagnostic.end_column else start + _token(source[start:])
    caret = " " * start + "^" * max(1, end - start)
    return f"{gutter} |\n{number} | {source}\n{gutter} | {caret}\n"


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
    parts: list[str] = []
    for diagnostic in report.diagnostics:
        parts += (_headline(diagnostic), "\n", _snippet(diagnostic))
        hint = diagnostic.hint or (diagnostic.fix.description if diagnostic.fix else None)
        if hint:
            pad = " " * len(str(diagnostic.line))
            fixable = " [fixable with --fix]" if diagnostic.fix and diagnostic.fix.safe else ""
            parts.append(f"{pad} = hint: {hint}{fixable}\n")
        parts.append("\n")
    parts.append(_summary(report) + "\n")
    stream.write("".join(parts))


def concise(report: LintReport, stream: TextIO) -> None:
    """One line per diagnostic, then a summary."""
    stream.writelines(_headline(d) + "\n" for d in report.diagnostics)
    stream.write(_summary(report) + "\n")


def statistics(report: LintReport, stream: TextIO) -> None:
    """How often each rule fired, most frequent first (``--statistics``)."""
    counts = Counter((d.code, d.name) for d in report.diagnostics)
    fixable = Counter(d.code for d in report.diagnostics if d.fix and d.fix.safe)
    for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = " [*]" if fixable[code] else ""
        stream.write(f"{count:6d}  {code:<7} {name}{mark}\n")
