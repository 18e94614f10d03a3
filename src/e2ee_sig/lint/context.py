"""What a lint run knows besides the document: profile, enabled rules, today, git baseline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from e2ee_sig.dates import today_utc


@dataclass(frozen=True, eq=False)
class LintContext:
    """Shared, read-only settings for every rule of one run."""

    profile: str = "default"
    enabled: frozenset[str] = frozenset()
    today: date = field(default_factory=today_utc)
    baseline: dict[str, frozenset[tuple[str, str]]] | None = None
    changed_shared: frozenset[str] = frozenset()
    selected: frozenset[str] = frozenset()
    """Rules named explicitly (``--select``/``--extend-select``): they report legacy history."""
    source_lines: bool = False
    """Record each diagnostic's source line (the text report shows it)."""

    def is_new(self, path: Path, revision: tuple[str, str]) -> bool:
        """Whether a (version, date) revision was added since the ``--changed-since`` base
        (every revision counts as new without one)."""
        if self.baseline is None:
            return True
        return revision not in self.baseline.get(str(path.resolve()), frozenset())
