"""What ``e2ee-sig lint`` can be told (its profiles and options) and the error for a wrong
call: what a run needs before its rules, in a module that loads none of them.
:func:`e2ee_sig.lint.batch.lint_paths` starts the XEP index readers first and loads the
engine, the document model and the rules while they read: each millisecond of start-up
before the readers fork delays the whole run, one after it shares the cores with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from e2ee_sig.errors import E2eeSigError

PROFILES = ("default", "xsf-ci", "e2ee")


class LintUsageError(E2eeSigError):
    """A problem with how lint was called (exit status 2)."""


@dataclass(eq=False)
class LintOptions:
    """Everything ``e2ee-sig lint`` can be told."""

    profile: str = "default"
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    extend_select: Sequence[str] = ()
    xeps_root: Path | None = None
    jobs: int | None = None
    today: date | None = None
    baseline: dict[str, frozenset[tuple[str, str]]] | None = None
    changed_shared: frozenset[str] = frozenset()
    source_lines: bool = False  # record the source line of each diagnostic (text report)
