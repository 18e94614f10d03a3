"""Apply rule fixes: byte edits only, under the file's lock, or a unified diff instead.

The edits are computed again from the bytes read under the lock (never from an earlier read),
so two ``lint --fix`` runs on one file cannot apply offsets to bytes that moved: the second
finds the file already fixed. A file that cannot be written (read-only, not a regular file,
changed by a writer that takes no lock) is refused and reported; the others are still fixed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from e2ee_sig.fsio import FileRefused, display_name, locked_edit, read_capped
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.textdiff import unified_diff
from e2ee_sig.xep.edit import apply_edits
from e2ee_sig.xep.parse import MAX_BYTES

Relint = Callable[[str, bytes], list[Diagnostic]]


@dataclass(frozen=True)
class FixResult:
    """What fixing did to one file, and how many errors its fixed bytes still have."""

    path: str
    fixed: int
    before: bytes
    after: bytes
    remaining_errors: int = 0

    def diff(self) -> str:
        return unified_diff(self.before, self.after, display_name(self.path))


@dataclass
class FixOutcome:
    """The files changed (or that would change) and the files that were refused."""

    results: list[FixResult] = field(default_factory=list)
    refused: list[FileRefused] = field(default_factory=list)


def fixable(diagnostics: Iterable[Diagnostic], unsafe: bool) -> dict[str, list[Diagnostic]]:
    """Diagnostics with a fix that may be applied, grouped by path."""
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        if diagnostic.fix is not None and (diagnostic.fix.safe or unsafe):
            by_path[diagnostic.path].append(diagnostic)
    return by_path


def _fixed(path: str, before: bytes, relint: Relint, unsafe: bool) -> FixResult:
    found = fixable(relint(path, before), unsafe).get(path, [])
    edits = {(e.start, e.end, e.replacement) for d in found for e in d.fix.edits}  # type: ignore[union-attr]
    after = apply_edits(before, edits)
    remaining = sum(d.severity is Severity.ERROR for d in relint(path, after)) if found else 0
    return FixResult(path, len(found), before, after, remaining)


def fix_files(
    diagnostics: Iterable[Diagnostic], unsafe: bool, write: bool, relint: Relint
) -> FixOutcome:
    """Fix the files of ``diagnostics`` that have fixes; with ``write`` false only compute.

    ``relint(path, data)`` lints ``data`` as the bytes of ``path``: the edits come from it.
    """
    outcome = FixOutcome()
    for path in fixable(diagnostics, unsafe):
        try:
            if not write:
                result = _fixed(path, read_capped(path, MAX_BYTES), relint, unsafe)
            else:
                with locked_edit(path, MAX_BYTES) as file:
                    result = _fixed(path, file.data, relint, unsafe)
                    if result.after != result.before:
                        file.replace(result.after)
        except FileRefused as refused:
            outcome.refused.append(refused)
            continue
        if result.after != result.before:
            outcome.results.append(result)
    return outcome
