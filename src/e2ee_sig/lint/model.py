"""What rules produce: findings, fixes and the diagnostics reporters print."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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


@dataclass(frozen=True, init=False)
class Finding:
    """A rule's report about one place in a document."""

    message: str
    line: int
    column: int
    hint: str | None
    fix: Fix | None
    end_column: int | None
    severity: Severity | None
    """``Severity.WARNING`` lowers this finding below its rule's default (the W part of a
    catalogue rule marked E/W); None keeps the rule's severity."""

    def __init__(
        self,
        message: str,
        line: int = 1,
        column: int = 1,
        hint: str | None = None,
        fix: Fix | None = None,
        end_column: int | None = None,
        severity: Severity | None = None,
    ) -> None:
        # Stored straight into the instance's dict: a frozen dataclass's own __init__ calls
        # object.__setattr__ once a field (about 1,000 instructions each; several thousand
        # findings and diagnostics a run).
        stored = self.__dict__
        stored["message"] = message
        stored["line"] = line
        stored["column"] = column
        stored["hint"] = hint
        stored["fix"] = fix
        stored["end_column"] = end_column
        stored["severity"] = severity


@dataclass(frozen=True, order=True, init=False)
class Diagnostic:
    """A finding placed in a file and stamped with its rule's code, name and severity."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    name: str = field(compare=False)
    hint: str | None = field(compare=False)
    fix: Fix | None = field(compare=False, repr=False)
    end_column: int | None = field(compare=False)
    source: str | None = field(compare=False, repr=False)
    """Line ``line`` of the file as linted (recorded for the text report's snippet)."""
    shown: str | None = field(compare=False, repr=False)
    """The diagnostic as the text report shows it, rendered where the file was linted (by
    forked workers too, in parallel); None: the report renders it."""

    def __init__(
        self,
        path: str,
        line: int,
        column: int,
        code: str,
        severity: Severity,
        message: str,
        name: str = "",
        hint: str | None = None,
        fix: Fix | None = None,
        end_column: int | None = None,
        source: str | None = None,
        shown: str | None = None,
    ) -> None:
        stored = self.__dict__  # (as in Finding: no object.__setattr__ call a field)
        stored["path"] = path
        stored["line"] = line
        stored["column"] = column
        stored["code"] = code
        stored["severity"] = severity
        stored["message"] = message
        stored["name"] = name
        stored["hint"] = hint
        stored["fix"] = fix
        stored["end_column"] = end_column
        stored["source"] = source
        stored["shown"] = shown
