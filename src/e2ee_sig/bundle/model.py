"""What ``e2ee-sig bundle`` knows about a submission: its XEP files, verdicts and outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from e2ee_sig.errors import E2eeSigError
from e2ee_sig.gitops import Change, CommitInfo, DirtyFile
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.versions import bump_level
from e2ee_sig.xep.policy import Approval

LISTED_DIRTY = 20


class BundleError(E2eeSigError):
    """The submission cannot be prepared at all (exit status 2)."""


@dataclass(frozen=True)
class Verdict:
    """A verdict on the submission: errors stop it (unless forced), warnings are reported."""

    severity: Severity
    message: str
    path: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.severity}: {where}{self.message}"


@dataclass(frozen=True)
class RevisionFacts:
    """A revision block added since the base."""

    version: str
    date: str
    initials: str
    remark: list[str]


@dataclass(frozen=True)
class LintResult:
    """Diagnostics of the committed file; ``inherited`` holds the (code, message) of errors from
    non-official rules the file already had at the base, which do not block the submission
    (every official XSF CI error does)."""

    diagnostics: list[Diagnostic]
    inherited: frozenset[tuple[str, str]] = frozenset()

    def is_inherited(self, diagnostic: Diagnostic) -> bool:
        return (diagnostic.code, diagnostic.message) in self.inherited

    @property
    def blocking(self) -> list[Diagnostic]:
        return [
            d for d in self.diagnostics if d.severity is Severity.ERROR and not self.is_inherited(d)
        ]


@dataclass
class XepFacts:
    """One XEP file of the submission, as committed at HEAD, compared with the base."""

    path: str
    protoxep: bool
    number: str
    title: str
    status: str
    old_status: str | None
    approver: str
    old_version: str | None
    new_version: str
    new_revisions: list[RevisionFacts]
    approval: Approval
    lint: LintResult

    @property
    def identifier(self) -> str:
        return f"ProtoXEP {self.path}" if self.protoxep else f"XEP-{self.number}"

    @property
    def level(self) -> str | None:
        if self.old_version is None:
            return "new"
        return bump_level(self.old_version, self.new_version)

    @property
    def slug(self) -> str:
        stem = Path(self.path).stem
        return (
            f"protoxep-{stem}-{self.new_version}" if self.protoxep else f"{stem}-{self.new_version}"
        )


@dataclass
class Plan:
    """Everything the checks and the summary need about ``base..head``."""

    top: Path
    base: str
    base_label: str
    head: str
    ref: str
    commits: list[CommitInfo]
    xeps: list[XepFacts]
    other_changes: list[Change]
    checks: list[Verdict]
    not_included: list[DirtyFile]
    pr_title: str
    name: str

    @property
    def failed(self) -> list[Verdict]:
        return [c for c in self.checks if c.severity is Severity.ERROR]


@dataclass
class BundleRequest:
    """The command line of ``e2ee-sig bundle``."""

    path: Path = Path(".")
    base: str | None = None
    out: Path | None = None
    branch: str | None = None
    """A branch to create at HEAD: None for none, "" for the default name."""
    allow_multiple: bool = False
    force: bool = False
    into: Path | None = None
    """With ``into``, ``path`` is a workspace draft to submit into this clone of xsf/xeps."""
    today: date | None = None
    when: datetime | None = None
    """Date of the ``--into`` commit (default: now)."""


@dataclass
class BundleResult:
    plan: Plan
    out: Path | None = None
    files: list[Path] = field(default_factory=list)
    branch: str | None = None
    inside_work_tree: bool = False
    """The outputs were written inside the work tree (they show up as untracked files)."""
