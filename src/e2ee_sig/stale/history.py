"""Git facts for the stale report: the last commit touching each XEP and the commits its
revision history does not describe (one ``git log`` pass, blobs read in batches)."""

from __future__ import annotations

from itertools import takewhile
from pathlib import Path

from e2ee_sig.gitops import FileCommit, FileHistory, RepoError, file_history
from e2ee_sig.stale.model import GitFacts, RevisionInfo, StaleReport
from e2ee_sig.xep.header import revision_pairs
from e2ee_sig.xep.vocab import INBOX, XEP_GLOB

_END = b"</header>"


def read_history(root: Path) -> FileHistory | str:
    """The history of the XEP files, or why there is none."""
    try:
        return file_history(root, [XEP_GLOB, f"{INBOX}/*.xml"])
    except RepoError as error:
        return str(error)


def add_git(report: StaleReport, history: FileHistory | str) -> None:
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
    return data is not None and (revision.version, revision.date) in revision_pairs(data)


def _unrecorded(
    later: dict[str, list[FileCommit]],
    newest: dict[str, RevisionInfo],
    history: FileHistory,
) -> dict[str, list[FileCommit]]:
    """For each path, of the commits authored after its newest revision's date (newest
    first), those before the commit that added that revision (the first whose parent's file
    lacks it).

    Once added, a revision stays in the file, so the commits whose parent has it form a prefix
    of the list. Two ``git cat-file --batch`` rounds, each reading the headers of all paths at
    once: the oldest commit's parent (usually it lacks the revision: every commit is
    unrecorded), then, for the other paths, the parents of all their other commits."""

    def lacks(blobs: dict[str, bytes], path: str, commit: FileCommit) -> bool:
        return commit.before is None or not _has_revision(blobs.get(commit.before), newest[path])

    found: dict[str, list[FileCommit]] = {}
    oldest = history.blobs((c[-1].before for c in later.values() if c and c[-1].before), _END)
    searched = {}
    for path, commits in later.items():
        if not commits or not lacks(oldest, path, commits[-1]):
            found[path] = commits
        else:
            searched[path] = commits
    shas = (c.before for commits in searched.values() for c in commits[:-1] if c.before)
    blobs = history.blobs(shas, _END)
    for path, commits in searched.items():
        first = next(i for i, commit in enumerate(commits) if lacks(blobs, path, commit))
        found[path] = commits[:first]
    return found
