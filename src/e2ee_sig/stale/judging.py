"""Reading the XEPs of a checkout and judging each by the deferral rule and XEP-0001."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.stale.history import add_git, read_history
from e2ee_sig.stale.model import (
    Judgement,
    RevisionInfo,
    StaleError,
    StaleOptions,
    StaleReport,
    XepEntry,
    parse_date,
)
from e2ee_sig.stale.reading import HeaderFacts, RevisionHead, document_facts, read_header
from e2ee_sig.versions import parse_version
from e2ee_sig.xep.policy import stale_from
from e2ee_sig.xep.vocab import INBOX, XEP_GLOB, Status

if TYPE_CHECKING:
    from e2ee_sig.gitops import FileHistory
    from e2ee_sig.xep import Document
    from e2ee_sig.xep.root import XepRoot

_SPACE = re.compile(r"\s+")


# --- Reading the XEPs -----------------------------------------------------------------------


def _revision_info(revision: RevisionHead) -> RevisionInfo:
    version = revision.version.value if revision.version else ""
    text = revision.date.text if revision.date else ""
    return RevisionInfo(version, text.strip(), revision.line, parse_date(text))


def _date_problems(revisions: tuple[RevisionHead, ...]) -> list[str]:
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


def _major_minor(revision: RevisionHead) -> tuple[int, int] | str:
    text = revision.version.value if revision.version else ""
    parsed = parse_version(text)
    return (parsed[0], (*parsed, 0)[1]) if parsed else text


def activity_revision(revisions: tuple[RevisionHead, ...]) -> RevisionHead | None:
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


def _entry(facts: HeaderFacts, number: int | None, options: StaleOptions) -> XepEntry:
    if facts.problem is not None:
        unknown = Judgement(None, "unknown" if number is not None else "ok", None)
        return XepEntry(
            path=facts.display,
            number=number,
            title="",
            status="",
            official=unknown,
            xep0001=unknown,
            age_days=None,
            newest=None,
            problems=[facts.problem],
        )
    experimental = number is not None and facts.status == Status.EXPERIMENTAL
    revisions = facts.revisions
    infos = [_revision_info(r) for r in revisions]
    first = infos[0] if infos else None
    activity = activity_revision(revisions)
    newest = _newest(infos)
    age = (options.now - first.day).days if first and first.day else None
    return XepEntry(
        path=facts.display,
        number=number,
        title=_SPACE.sub(" ", facts.title),
        status=facts.status,
        official=_judge(first, experimental, options),
        xep0001=_judge(_revision_info(activity) if activity else None, experimental, options),
        age_days=age,
        newest=newest,
        problems=_date_problems(revisions),
    )


def _read_all(root: Path, files: Iterable[Path]) -> list[HeaderFacts]:
    """The header facts of each of ``files`` (see ``stale.reading``), shown by their path
    relative to ``root``."""
    xep_root = cache(lambda: _xep_root(root))
    return [read_header(file, file.relative_to(root).as_posix(), xep_root) for file in files]


def _xep_root(root: Path) -> XepRoot | None:
    from e2ee_sig.xep import root_at
    from e2ee_sig.xep.root import is_xep_root

    return root_at(root) if is_xep_root(root) else None


def _load_all(root: Path, files: Iterable[Path]) -> list[Document]:
    """Parse ``files`` whole (with the root's entities when it has ``xep.dtd``)."""
    from e2ee_sig.xep import load

    xep_root = _xep_root(root)
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
    step = progress or (lambda message: None)
    root = options.root
    if not root.is_dir():
        raise StaleError(f"{root}: not a folder")
    files = sorted(root.glob(XEP_GLOB))
    if not files:
        raise StaleError(f"{root}: no xep-NNNN.xml files (is it an xsf/xeps checkout?)")
    by_number = {int(file.name[4:8]): file for file in files}
    wanted = _scope(options, by_number)
    history = _Background(read_history, root)
    try:
        step(f"reading {len(by_number)} XEPs")
        entries = {
            number: _entry(facts, number, options)
            for number, facts in zip(by_number, _read_all(root, by_number.values()), strict=True)
        }
        if options.documents:
            _attach_documents(root, [e for e in entries.values() if e.state == "stale"])
        xeps = [entries[number] for number in sorted(wanted)]
        protoxeps = _protoxeps(options, entries.values(), step) if not options.numbers else []
    finally:
        history.release()
    report = StaleReport(options, xeps, protoxeps, git_available=False)
    step("reading git history")
    add_git(report, history.result())
    return report


class _Background:
    """``read_history`` in a thread while the XEPs are read (a plain thread: the
    ``concurrent.futures`` import costs more than this saves on small inputs). Git walks
    meanwhile; its output is parsed once ``release`` says the XEPs are read."""

    def __init__(
        self, action: Callable[[Path, threading.Event], FileHistory | str], root: Path
    ) -> None:
        self._outcome: list[FileHistory | str | BaseException] = []
        self._hold = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(action, root), daemon=True)
        self._thread.start()

    def release(self) -> None:
        self._hold.set()

    def _run(
        self, action: Callable[[Path, threading.Event], FileHistory | str], root: Path
    ) -> None:
        try:
            self._outcome.append(action(root, self._hold))
        except BaseException as error:  # re-raised in the caller's thread by result()
            self._outcome.append(error)

    def result(self) -> FileHistory | str:
        self.release()
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _attach_documents(root: Path, entries: list[XepEntry]) -> None:
    """Give each entry its whole parsed file (what a deferral edits)."""
    for entry, document in zip(
        entries, _load_all(root, [root / e.path for e in entries]), strict=True
    ):
        entry.document = document


def _scope(options: StaleOptions, by_number: dict[int, Path]) -> set[int]:
    if options.numbers:
        missing = sorted(set(options.numbers) - set(by_number))
        if missing:
            names = ", ".join(f"xep-{n:04d}.xml" for n in missing)
            raise StaleError(f"{options.root}: no {names}")
        return set(options.numbers)
    if options.sig:
        from e2ee_sig.xep.scope import sig_numbers

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
    if options.sig:  # the scope reads dependencies and namespaces: the whole file
        from e2ee_sig.xep.scope import is_encryption_spec

        documents = _load_all(options.root, files)
        headers = [document_facts(d) for d in documents if is_encryption_spec(d)]
    else:
        headers = _read_all(options.root, files)
    protoxeps = []
    for facts in headers:
        entry = _entry(facts, None, options)
        entry.accepted_as = titles.get(_title_key(entry.title))
        protoxeps.append(entry)
    return protoxeps
