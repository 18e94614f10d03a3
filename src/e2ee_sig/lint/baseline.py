"""Known findings (``lint --baseline FILE``): report only what is new since FILE was written.

A repository adopts the default profile in CI at once by recording today's findings
(``--write-baseline FILE``) and failing only on findings that are not in the record, the way
ruff, pylint and eslint projects adopt new rules. This is unrelated to ``--changed-since``
(which compares revision blocks with a git base).

Each finding is recorded by file, rule code and a *fingerprint*: a hash of the message
(line numbers inside it left out) and of the source line it points at (whitespace left out),
so that it survives lines inserted or removed above it. Paths are stored relative to the
baseline file. A recorded file that no longer exists (renamed, or an accepted ProtoXEP moved
out of ``inbox/``) lends its findings to files with the same code and fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.errors import E2eeSigError
from e2ee_sig.fsio import write_output
from e2ee_sig.lint.model import Diagnostic

FORMAT_VERSION = 1
_LINE_NUMBERS = re.compile(r"\b(lines?) \d+(?:(?:, | and )\d+)*")


class BaselineError(E2eeSigError):
    """The baseline file cannot be read or written (a usage error, exit status 2)."""


@dataclass(frozen=True, order=True)
class KnownFinding:
    """One recorded finding: where (relative to the baseline file), which rule, which fact."""

    path: str
    code: str
    fingerprint: str


def fingerprint(diagnostic: Diagnostic, source_line: str) -> str:
    """A short hash of what the finding says and of the text it points at."""
    message = _LINE_NUMBERS.sub(r"\1 N", diagnostic.message)
    text = "\0".join((diagnostic.code, message, " ".join(source_line.split())))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class _Sources:
    """The lines of each linted file, read once."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self._lines:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._lines[path] = text.splitlines()
        lines = self._lines[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""


def known(diagnostics: Iterable[Diagnostic], base: Path) -> list[KnownFinding]:
    """The record of ``diagnostics``, with paths relative to the folder ``base``."""
    sources = _Sources()
    return [
        KnownFinding(_relative(d.path, base), d.code, fingerprint(d, sources.line(d.path, d.line)))
        for d in diagnostics
    ]


def write(diagnostics: Iterable[Diagnostic], file: Path) -> int:
    """Record ``diagnostics`` in ``file`` (written atomically); returns how many."""
    record = sorted(known(diagnostics, file.resolve().parent))
    data = {
        "version": FORMAT_VERSION,
        "tool": "e2ee-sig lint",
        "findings": [
            {"path": k.path, "code": k.code, "fingerprint": k.fingerprint} for k in record
        ],
    }
    try:
        write_output(file, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot write baseline {file}: {error.strerror}") from error
    return len(record)


def read(file: Path) -> list[KnownFinding]:
    """The findings recorded in ``file``."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        entries = data["findings"] if data.get("version") == FORMAT_VERSION else None
        if not isinstance(entries, list):
            raise ValueError("not an e2ee-sig baseline (version 1)")
        return [
            KnownFinding(str(e["path"]), str(e["code"]), str(e["fingerprint"])) for e in entries
        ]
    except OSError as error:
        raise BaselineError(f"cannot read baseline {file}: {error.strerror}") from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BaselineError(f"baseline {file} is not a valid baseline file ({error})") from error


def new_findings(diagnostics: list[Diagnostic], file: Path) -> list[Diagnostic]:
    """The ``diagnostics`` that the baseline ``file`` does not record.

    Each recorded finding excuses one diagnostic with the same path, code and fingerprint;
    the findings of recorded files that no longer exist excuse diagnostics with the same code
    and fingerprint in any file.
    """
    base = file.resolve().parent
    remaining = Counter(read(file))
    orphans = Counter(
        (k.code, k.fingerprint) for k in remaining.elements() if not (base / k.path).exists()
    )
    fresh = []
    for diagnostic, entry in zip(diagnostics, known(diagnostics, base), strict=True):
        if remaining[entry]:
            remaining[entry] -= 1
        elif orphans[(entry.code, entry.fingerprint)]:
            orphans[(entry.code, entry.fingerprint)] -= 1
        else:
            fresh.append(diagnostic)
    return fresh


def _relative(path: str, base: Path) -> str:
    """``path`` relative to ``base``, with forward slashes (absolute when elsewhere)."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(resolved, base)).as_posix()
