"""What rules produce: findings, fixes and the diagnostics reporters print."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from e2ee_sig.frozen import stored_directly


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Fixable(StrEnum):
    """Whether a rule can fix what it finds (as in ruff)."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    UNSAFE = "unsafe"
    NEVER = "never"


@dataclass(frozen=True)
class Edit:
    """Replace raw bytes ``start:end`` of the file with ``replacement``."""

    start: int
    end: int
    replacement: bytes


@dataclass(frozen=True)
class Fix:
    """The edits that mend one finding; ``safe`` fixes run with ``--fix`` alone."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@stored_directly
@dataclass(frozen=True)
class Finding:
    """A rule's report about one place in a document."""

    message: str
    line: int = 1
    column: int = 1
    hint: str | None = None
    fix: Fix | None = None
    end_column: int | None = None
    severity: Severity | None = None
    """``Severity.WARNING`` lowers this finding below its rule's default (the W part of a
    catalogue rule marked E/W); None keeps the rule's severity."""


@stored_directly
@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding placed in a file and stamped with its rule's code, name and severity."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    name: str = field(default="", compare=False)
    hint: str | None = field(default=None, compare=False)
    fix: Fix | None = field(default=None, compare=False, repr=False)
    end_column: int | None = field(default=None, compare=False)
    source: str | None = field(default=None, compare=False, repr=False)
    """Line ``line`` of the file as linted (recorded for the text report's snippet)."""
    shown: str | None = field(default=None, compare=False, repr=False)
    """The diagnostic as the text report shows it, rendered where the file was linted (by
    forked workers too, in parallel); None: the report renders it."""
