"""Git facts for the stale report: the last commit touching each XEP and the commits its
revision history does not describe (one ``git log`` pass, blobs read in batches)."""

from __future__ import annotations

from itertools import takewhile
from pathlib import Path

from e2ee_sig.gitops import FileCommit, FileHistory, RepoError, file_history
from e2ee_sig.stale.model import GitFacts, RevisionInfo, StaleReport
from e2ee_sig.xep.header import revision_pairs
from e2ee_sig.xep.vocab import INBOX, XEP_GLOB


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
