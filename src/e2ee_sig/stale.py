"""Stale XEPs: the Editor's deferral rule, the XEP-0001 reading, git activity, and deferrals.

**The deferral rule** is exactly the one the XSF's ``tools/deferrals.py`` applies (see
``official-deferrals.md``): a root ``xep-NNNN.xml`` whose status is ``Experimental`` is stale
when the date of its *first* ``<revision>`` in document order is on or before the same
calendar day ``months`` (default 12) before ``now`` (default: today, UTC). Dates are read
like the official tool does (``strptime("%Y-%m-%d")``: ``2025-6-3`` is accepted), after
stripping surrounding whitespace.

**29 February.** The official tool computes the threshold with ``now.replace(year=year - 1)``
and crashes when ``now`` is 29 February. Here a day the earlier month lacks becomes that
month's last day: on 2024-02-29 the threshold is 2023-02-28, the same as on 2024-02-28, so
nothing becomes stale on a leap day that was not stale the day before and no day is skipped
(on 2024-03-01 the threshold is 2023-03-01). This is what ``deferrals.py`` computes on every
other day. Conversely a revision dated 2024-02-29 is stale from 2025-03-01 (on 2025-02-28 the
threshold is 2024-02-28). The same rule serves ``--months`` (31 March minus one month is the
last day of February).

**Malformed or missing dates** never abort the run (the official tool aborts on the first one
anywhere in the repository): an Experimental XEP whose first revision has no readable date is
reported with the state ``unknown`` and a problem naming the line and the text; other
statuses only get the problem.

**States**: ``stale``; ``due-soon`` when it will be stale within ``soon`` days; ``ok``;
``unknown`` (see above). Every other status than Experimental is ``ok`` (never deferred). The
**XEP-0001 reading** (since XEP-0001 1.25.0 only non-editorial revisions count as activity)
takes the newest revision whose MAJOR.MINOR differs from the next older one and applies the
same window to its date; it is reported next to the official state, not instead of it.

**Git**: one ``git log`` pass (``gitops.file_history``). For each XEP: the last commit that
touched it, and the *unrecorded changes*: newest first, the commits authored after its newest
revision's date, up to the commit that added that revision (its parent lacks it). Shallow
clones work (history ends at the boundary); a folder outside git gets no git fields and a note.
"""

from __future__ import annotations

import difflib
import re
from calendar import monthrange
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import date as Day
from importlib import resources
from itertools import pairwise, takewhile
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.dates import today_utc
from e2ee_sig.versions import deferral_version, parse_version
from e2ee_sig.xep import Document, load, root_at
from e2ee_sig.xep.root import is_xep_root

if TYPE_CHECKING:
    from e2ee_sig.gitops import FileCommit, FileHistory
    from e2ee_sig.xep.header import Revision

DEFAULT_MONTHS = 12
DEFAULT_SOON_DAYS = 60
XEP_GLOB = "xep-[0-9][0-9][0-9][0-9].xml"
INBOX = "inbox"
EXPERIMENTAL = "Experimental"
DEFERRED = "Deferred"
DEFER_REMARK = "Defer due to lack of activity."
COMMIT_MESSAGE = "XEP-{number:04d}: deferred due to lack of activity"
STATES = ("stale", "unknown", "due-soon", "ok")
_NUMBER = re.compile(r"(?:xep-?)?0*(\d{1,4})", re.I)
_SPACE = re.compile(r"\s+")


class StaleError(Exception):
    """The command cannot proceed (exit status 2); the message says why."""


# --- Dates ----------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` earlier; a day that month lacks becomes its last day
    (2024-02-29 minus 12 months is 2023-02-28)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < 1:
        return date.min
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def stale_from(last: date, months: int) -> date:
    """The first day on which a revision dated ``last`` is stale, i.e. the first ``now`` with
    ``months_before(now, months) >= last``: the same calendar day ``months`` later, or the
    first day of the next month when that month is shorter (2024-02-29 → 2025-03-01)."""
    year, month = divmod(last.year * 12 + last.month - 1 + months, 12)
    if year > date.max.year:
        return date.max
    length = monthrange(year, month + 1)[1]
    if last.day <= length:
        return date(year, month + 1, last.day)
    return date(year, month + 1, length) + timedelta(days=1)


def parse_date(text: str) -> date | None:
    """A revision date as ``deferrals.py`` reads it (``%Y-%m-%d``), surrounding space allowed."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


def parse_number(text: str) -> int:
    """``384``, ``0384``, ``XEP-0384`` or ``xep-0384.xml`` → 384 (ValueError otherwise)."""
    match = _NUMBER.fullmatch(text.strip().removesuffix(".xml"))
    if match is None:
        raise ValueError(f"{text!r} is not a XEP number")
    return int(match.group(1))


# --- The SIG's list -------------------------------------------------------------------------


def sig_numbers(configured: Sequence[str | int] | None = None) -> list[int]:
    """The SIG's encryption XEPs: ``configured`` (``sig-xeps`` in the configuration) when
    given, else the list shipped in ``e2ee_sig/data/sig_xeps.txt``."""
    if configured is not None:
        try:
            return sorted({parse_number(str(item)) for item in configured})
        except ValueError as error:
            raise StaleError(f"sig-xeps: {error}") from error
    text = resources.files("e2ee_sig").joinpath("data/sig_xeps.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return sorted({parse_number(line) for line in lines if line})


# --- The report model -----------------------------------------------------------------------


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


@dataclass
class GitFacts:
    """The last commit touching a file and the commits its revision history does not describe."""

    last_commit: FileCommit | None
    unrecorded: list[FileCommit]
    since: RevisionInfo | None


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
        return self.status == EXPERIMENTAL

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
    months: int = DEFAULT_MONTHS
    soon_days: int = DEFAULT_SOON_DAYS
    numbers: Sequence[int] = ()
    sig: str | None = None
    sig_xeps: Sequence[str | int] | None = None

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


# --- Reading the XEPs -----------------------------------------------------------------------


def _revision_info(revision: Revision) -> RevisionInfo:
    version = revision.version.value if revision.version else ""
    text = revision.date.text if revision.date else ""
    return RevisionInfo(version, text.strip(), revision.line, parse_date(text))


def _date_problems(revisions: list[Revision]) -> list[str]:
    """Problems with the first revision's date (the one the deferral rule reads)."""
    if not revisions:
        return ["no <revision> block: the deferral rule cannot date this XEP"]
    first = revisions[0]
    if first.date is None:
        return [f"line {first.line}: the first <revision> has no <date>"]
    text = first.date.text
    if parse_date(text) is None:
        return [f"line {first.date.line}: <date>{text}</date> is not a YYYY-MM-DD date"]
    if text != text.strip():
        return [
            f"line {first.date.line}: <date> has whitespace around {text.strip()!r} "
            "(the Editor's deferrals.py aborts on it)"
        ]
    return []


def _judge(revision: RevisionInfo | None, applies: bool, options: StaleOptions) -> Judgement:
    if revision is None or revision.day is None:
        return Judgement(revision, "unknown" if applies else "ok", None)
    if not applies:
        return Judgement(revision, "ok", None)
    start = stale_from(revision.day, options.months)
    if options.now >= start:
        state = "stale"
    elif (start - options.now).days <= options.soon_days:
        state = "due-soon"
    else:
        state = "ok"
    return Judgement(revision, state, start)


def _major_minor(revision: Revision) -> tuple[int, int] | str:
    text = revision.version.value if revision.version else ""
    parsed = parse_version(text)
    return (parsed[0], (*parsed, 0)[1]) if parsed else text


def activity_revision(revisions: list[Revision]) -> Revision | None:
    """XEP-0001 §editorial: the newest revision that is not a patch-level update of the next
    older one (the oldest revision always counts)."""
    for newer, older in pairwise(revisions):
        if _major_minor(newer) != _major_minor(older):
            return newer
    return revisions[-1] if revisions else None


def _newest(revisions: list[RevisionInfo]) -> RevisionInfo | None:
    """The revision with the latest readable date (the first one on ties)."""
    dated = [r for r in revisions if r.day is not None]
    return max(dated, key=lambda r: r.day or date.min) if dated else None


def _entry(document: Document, number: int | None, options: StaleOptions) -> XepEntry:
    header = document.header
    if document.fatal is not None or header is None:
        fatal = document.fatal
        problem = f"line {fatal.line}: {fatal.message}" if fatal else "no <header> element"
        unknown = Judgement(None, "unknown" if number is not None else "ok", None)
        return XepEntry(
            path=document.display,
            number=number,
            title="",
            status="",
            official=unknown,
            xep0001=unknown,
            age_days=None,
            newest=None,
            problems=[problem],
        )
    experimental = number is not None and header.value("status") == EXPERIMENTAL
    revisions = header.revisions
    infos = [_revision_info(r) for r in revisions]
    first = infos[0] if infos else None
    activity = activity_revision(revisions)
    newest = _newest(infos)
    age = (options.now - first.day).days if first and first.day else None
    return XepEntry(
        path=document.display,
        number=number,
        title=_SPACE.sub(" ", header.value("title")),
        status=header.value("status"),
        official=_judge(first, experimental, options),
        xep0001=_judge(_revision_info(activity) if activity else None, experimental, options),
        age_days=age,
        newest=newest,
        problems=_date_problems(revisions),
        document=document,
    )


def _load_all(root: Path, files: Iterable[Path]) -> list[Document]:
    """Parse ``files``, each shown by its path relative to ``root`` (with the root's entities
    when it has ``xep.dtd``)."""
    xep_root = root_at(root) if is_xep_root(root) else None
    return [load(file, file.relative_to(root).as_posix(), xep_root) for file in files]


def discover_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``xep-NNNN.xml`` files."""
    for folder in (start.resolve(), *start.resolve().parents):
        if next(folder.glob(XEP_GLOB), None) is not None:
            return folder
    return None


def _title_key(title: str) -> str:
    return _SPACE.sub(" ", title).strip().casefold()


def build_report(
    options: StaleOptions, progress: Callable[[str], None] | None = None
) -> StaleReport:
    """Read every XEP of ``options.root`` (and the inbox), judge each, add git facts. The
    ``git log`` runs in a thread while the XEPs are parsed."""
    from concurrent.futures import ThreadPoolExecutor

    step = progress or (lambda message: None)
    root = options.root
    if not root.is_dir():
        raise StaleError(f"{root}: not a folder")
    files = sorted(root.glob(XEP_GLOB))
    if not files:
        raise StaleError(f"{root}: no xep-NNNN.xml files (is it an xsf/xeps checkout?)")
    by_number = {int(file.name[4:8]): file for file in files}
    wanted = _scope(options, by_number)
    with ThreadPoolExecutor(1) as pool:
        history = pool.submit(_history, root)
        step(f"reading {len(by_number)} XEPs")
        entries = {
            int(doc.name[4:8]): _entry(doc, int(doc.name[4:8]), options)
            for doc in _load_all(root, by_number.values())
        }
        xeps = [entries[number] for number in sorted(wanted)]
        protoxeps = _protoxeps(options, entries.values(), step) if not options.numbers else []
        report = StaleReport(options, xeps, protoxeps, git_available=False)
        step("reading git history")
        _add_git(report, history.result())
    return report


def _scope(options: StaleOptions, by_number: dict[int, Path]) -> set[int]:
    if options.numbers:
        missing = sorted(set(options.numbers) - set(by_number))
        if missing:
            names = ", ".join(f"xep-{n:04d}.xml" for n in missing)
            raise StaleError(f"{options.root}: no {names}")
        return set(options.numbers)
    if options.sig:
        return set(sig_numbers(options.sig_xeps)) & set(by_number)
    return set(by_number)


def _protoxeps(
    options: StaleOptions, accepted: Iterable[XepEntry], step: Callable[[str], None]
) -> list[XepEntry]:
    inbox = options.root / INBOX
    files = sorted(inbox.glob("*.xml")) if inbox.is_dir() else []
    if not files:
        return []
    step(f"reading {len(files)} ProtoXEPs")
    titles = {_title_key(e.title): e.number for e in accepted if e.title}
    documents = _load_all(options.root, files)
    if options.sig:
        from e2ee_sig.xep.scope import is_encryption_spec

        documents = [d for d in documents if is_encryption_spec(d)]
    protoxeps = []
    for document in documents:
        entry = _entry(document, None, options)
        entry.accepted_as = titles.get(_title_key(entry.title))
        protoxeps.append(entry)
    return protoxeps


# --- Git ------------------------------------------------------------------------------------


def _history(root: Path) -> FileHistory | str:
    """The history of the XEP files, or why there is none."""
    from e2ee_sig.gitops import GitError, file_history

    try:
        return file_history(root, [XEP_GLOB, f"{INBOX}/*.xml"])
    except GitError as error:
        return str(error)


def _add_git(report: StaleReport, history: FileHistory | str) -> None:
    if isinstance(history, str):
        report.notes.append(f"no git information: {history}")
        return
    report.git_available = True
    report.shallow = history.shallow
    if history.shallow:
        report.notes.append(
            "shallow clone: commit facts cover only the fetched history "
            "(git fetch --unshallow for all of it)"
        )
    if not history.commits:
        report.notes.append("no commits touch these XEP files (untracked, or an empty history)")
    entries = [*report.xeps, *report.protoxeps]
    later = {e.path: _later_commits(history.commits.get(e.path, []), e.newest) for e in entries}
    newest = {e.path: e.newest for e in entries if e.newest}
    unrecorded = _unrecorded(later, newest, history)
    for entry in entries:
        commits = history.commits.get(entry.path, [])
        entry.git = GitFacts(commits[0] if commits else None, unrecorded[entry.path], entry.newest)


def _later_commits(commits: list[FileCommit], newest: RevisionInfo | None) -> list[FileCommit]:
    """Newest first, the commits authored after ``newest``'s date (none without a date)."""
    if newest is None or newest.day is None:
        return []
    day = newest.day.isoformat()
    return list(takewhile(lambda commit: commit.authored > day, commits))


def _has_revision(data: bytes | None, revision: RevisionInfo) -> bool:
    from e2ee_sig.xep.header import revision_pairs

    if data is None:
        return False
    end = data.find(b"</header>")
    head = data[: end + len(b"</header>")] if end >= 0 else data
    return (revision.version, revision.date) in revision_pairs(head)


def _unrecorded(
    later: dict[str, list[FileCommit]],
    newest: dict[str, RevisionInfo],
    history: FileHistory,
) -> dict[str, list[FileCommit]]:
    """For each path, of the commits authored after its newest revision's date (newest
    first), those before the commit that added that revision (the first whose parent's file
    lacks it).

    Once added, a revision stays in the file, so the commits whose parent has it form a prefix
    of the list. The oldest one's parent is checked first (usually every commit is
    unrecorded); otherwise the boundary is searched by halves. Every round reads the blobs of
    all paths in one ``git cat-file --batch``."""

    def has(blobs: dict[str, bytes], path: str, index: int) -> bool:
        before = later[path][index].before
        return before is not None and _has_revision(blobs.get(before), newest[path])

    found: dict[str, list[FileCommit]] = {}
    oldest = history.blobs(c[-1].before for c in later.values() if c and c[-1].before)
    bounds = {}
    for path, commits in later.items():
        if not commits or has(oldest, path, len(commits) - 1):
            found[path] = commits
        elif len(commits) > 1:
            bounds[path] = (0, len(commits) - 1)
        else:
            found[path] = []
    while bounds:
        middles = {path: (low + high) // 2 for path, (low, high) in bounds.items()}
        shas = (later[path][middle].before for path, middle in middles.items())
        blobs = history.blobs(sha for sha in shas if sha)
        for path, middle in middles.items():
            low, high = bounds.pop(path)
            low, high = (middle + 1, high) if has(blobs, path, middle) else (low, middle)
            if low < high:
                bounds[path] = (low, high)
            else:
                found[path] = later[path][:low]
    return found


# --- Deferral -------------------------------------------------------------------------------


@dataclass
class Deferral:
    """The edit that defers one stale XEP: bytes before and after, and the new version."""

    entry: XepEntry
    path: Path
    before: bytes
    after: bytes
    version: str

    def diff(self) -> str:
        """A unified diff of the edit (``a/`` and ``b/`` paths relative to the XEP root)."""
        old = self.before.decode("utf-8", "replace").splitlines(keepends=True)
        new = self.after.decode("utf-8", "replace").splitlines(keepends=True)
        name = self.entry.path
        return "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"))


def _xsf_ci_errors(document: Document, today: date) -> list[str]:
    from e2ee_sig.lint.context import LintContext
    from e2ee_sig.lint.engine import LintOptions, enabled_rules, lint_document
    from e2ee_sig.lint.model import Severity

    rules = enabled_rules(LintOptions(profile="xsf-ci"))
    context = LintContext(profile="xsf-ci", enabled=frozenset(rules), today=today)
    found = lint_document(document, rules, context)
    return [f"{d.code} {d.message}" for d in found if d.severity is Severity.ERROR]


def plan_deferral(entry: XepEntry, initials: str, today: date) -> Deferral:
    """The deferral edit for a stale entry: status Deferred, a MAJOR.(MINOR+1).0 revision
    block before the first one (``XEP Editor (initials)``), every other byte unchanged. The
    result must pass the xsf-ci checks whenever the input did (StaleError otherwise)."""
    from e2ee_sig.xep import parse_bytes
    from e2ee_sig.xep.edit import apply_edits
    from e2ee_sig.xep.revise import NewRevision, ReviseError, insert_revision, replace_text

    document = entry.document
    header = document.header if document else None
    first = entry.official.revision
    if document is None or header is None or header.status is None or first is None:
        raise StaleError(f"{entry.path}: cannot defer a XEP without a header and revisions")
    try:
        version = deferral_version(first.version)
        edits = [
            replace_text(document, header.status.element, DEFERRED),
            insert_revision(
                document,
                NewRevision(version, today.isoformat(), f"XEP Editor ({initials})", [DEFER_REMARK]),
            ),
        ]
    except (ReviseError, ValueError) as error:
        raise StaleError(f"{entry.path}: cannot defer: {error}") from error
    after = apply_edits(document.raw, edits)
    if not _xsf_ci_errors(document, today):
        edited = parse_bytes(after, document.path, document.display, document.root)
        broken = _xsf_ci_errors(edited, today)
        if broken:
            raise StaleError(
                f"{entry.path}: the deferral would fail the xsf-ci checks: {broken[0]}"
            )
    return Deferral(entry, document.path, document.raw, after, version)


def check_committable(root: Path, entries: Sequence[XepEntry]) -> None:
    """StaleError unless every entry's file is tracked and has no uncommitted change."""
    from e2ee_sig.gitops import GitError, dirty_files, open_repo, work_tree

    try:
        repo = open_repo(root)
        top = work_tree(repo)
        if not repo.head.is_valid():
            raise StaleError(f"{top}: the repository has no commits yet")
        dirty = {d.path: d.state for d in dirty_files(repo)}
    except GitError as error:
        raise StaleError(f"--commit: {error}") from error
    for entry in entries:
        relpath = (root.resolve() / entry.path).relative_to(top).as_posix()
        if relpath in dirty:
            raise StaleError(
                f"{entry.path} has uncommitted changes ({dirty[relpath]}): "
                "commit or stash them before --defer --commit"
            )


def apply_deferral(deferral: Deferral, commit: bool) -> str | None:
    """Write the deferral atomically; with ``commit``, commit that file alone and return the
    commit's sha."""
    from e2ee_sig.xep.edit import write_atomically

    write_atomically(deferral.path, deferral.after)
    if not commit:
        return None
    from e2ee_sig.gitops import GitError, commit_only, open_repo, work_tree

    try:
        repo = open_repo(deferral.path.parent)
        relpath = deferral.path.resolve().relative_to(work_tree(repo)).as_posix()
        message = COMMIT_MESSAGE.format(number=deferral.entry.number)
        return commit_only(repo, relpath, message)
    except GitError as error:
        raise StaleError(str(error)) from error
