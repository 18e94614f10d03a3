"""Apply rule fixes: byte edits only, atomic writes, or a unified diff instead."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.lint.model import Diagnostic
from e2ee_sig.textdiff import unified_diff
from e2ee_sig.xep.edit import apply_edits, write_atomically


@dataclass(frozen=True)
class FixResult:
    """What fixing did to one file."""

    path: str
    fixed: int
    before: bytes
    after: bytes

    def diff(self) -> str:
        return unified_diff(self.before, self.after, self.path)


def fixable(diagnostics: Iterable[Diagnostic], unsafe: bool) -> dict[str, list[Diagnostic]]:
    """Diagnostics with a fix that may be applied, grouped by path."""
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        if diagnostic.fix is not None and (diagnostic.fix.safe or unsafe):
            by_path[diagnostic.path].append(diagnostic)
    return by_path


def fix_files(diagnostics: Iterable[Diagnostic], unsafe: bool, write: bool) -> list[FixResult]:
    """Apply the fixes of ``diagnostics``; write each changed file atomically if ``write``."""
    results = []
    for path, found in fixable(diagnostics, unsafe).items():
        file = Path(path)
        before = file.read_bytes()
        edits = {(e.start, e.end, e.replacement) for d in found for e in d.fix.edits}  # type: ignore[union-attr]
        after = apply_edits(before, edits)
        if after == before:
            continue
        if write:
            write_atomically(file, after)
        results.append(FixResult(path, len(found), before, after))
    return results
