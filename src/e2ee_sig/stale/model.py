"""What ``e2ee-sig stale`` knows about each XEP: revisions, verdicts, git facts, the report."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from datetime import date as Day
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.dates import today_utc
from e2ee_sig.errors import E2eeSigError
from e2ee_sig.xep.policy import DEFERRAL_MONTHS
from e2ee_sig.xep.vocab import Status

if TYPE_CHECKING:
    from e2ee_sig.gitops import FileCommit
    from e2ee_sig.xep import Document

DEFAULT_SOON_DAYS = 60
STATES = ("stale", "unknown", "due-soon", "ok")


class StaleError(E2eeSigError):
    """The command cannot proceed (exit status 2); the message says why."""


# What ``strptime("%Y-%m-%d")`` accepts (its own patterns for %Y, %m and %d, Unicode digits too).
_DATE = re.compile(r"(\d\d\d\d)-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])", re.I)


def parse_date(text: str) -> date | None:
    """A revision date as ``deferrals.py`` reads it (``%Y-%m-%d``), surrounding space allowed."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


@dataclass(frozen=True)
class RevisionInfo:
    """A revision's version and date as written (``day`` is None when the date is unreadable)."""

    version: str
    date: str
    line: int
    day: Day | None


@dataclass(frozen=True)
class Judgement:
    """The deferral verdict for one reading: which revision counts, from when it is stale."""

    revision: RevisionInfo | None
    state: str
    stale_from: date | None


@dataclass(frozen=True)
class Editorial:
    """A tree-wide editorial commit after the newest revision, and its kind (``markup``,
    ``entities`` or ``status``: see ``stale.editorial``)."""

    commit: FileCommit
    kind: str


@dataclass
class GitFacts:
    """The last commit touching a file and the commits its revision history does not describe."""

    last_commit: FileCommit | None
    unrecorded: list[FileCommit]
    since: RevisionInfo | None
    editorial: list[Editorial] = field(default_factory=list)


@dataclass
class XepEntry:
    """One root ``xep-NNNN.xml`` (or inbox ProtoXEP when ``number`` is None) in the report."""

    path: str
    number: int | None
    title: str
    status: str
    official: Judgement
    xep0001: Judgement
    age_days: int | None
    newest: RevisionInfo | None
    problems: list[str] = field(default_factory=list)
    git: GitFacts | None = None
    accepted_as: int | None = None
    document: Document | None = field(default=None, repr=False)

    @property
    def state(self) -> str:
        return self.official.state

    @property
    def experimental(self) -> bool:
        return self.status == Status.EXPERIMENTAL

    @property
    def unrecorded(self) -> bool:
        return bool(self.git and self.git.unrecorded)

    @property
    def flags(self) -> list[str]:
        found = []
        if self.unrecorded:
            found.append("unrecorded-changes")
        if self.problems:
            found.append("date-problem")
        if self.experimental and self.official.state != self.xep0001.state:
            found.append("xep0001-differs")
        return found


@dataclass
class StaleOptions:
    """What ``e2ee-sig stale`` is asked (dates and windows already validated)."""

    root: Path
    now: date = field(default_factory=today_utc)
    months: int = DEFERRAL_MONTHS
    soon_days: int = DEFAULT_SOON_DAYS
    numbers: Sequence[int] = ()
    sig: str | None = None
    sig_xeps: Sequence[str | int] | None = None
    documents: bool = False  # parse each stale XEP whole (what --defer edits)

    def __post_init__(self) -> None:
        self.root = self.root.resolve()


@dataclass
class StaleReport:
    """Every XEP in scope, the inbox ProtoXEPs, and what git could tell."""

    options: StaleOptions
    xeps: list[XepEntry]
    protoxeps: list[XepEntry]
    git_available: bool
    shallow: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def stale(self) -> list[XepEntry]:
        return [e for e in self.xeps if e.state == "stale"]

    @property
    def unknown(self) -> list[XepEntry]:
        return [e for e in self.xeps if e.state == "unknown"]

    @property
    def exit_code(self) -> int:
        """1 when a XEP is stale or cannot be judged, else 0."""
        return 1 if self.stale or self.unknown else 0
