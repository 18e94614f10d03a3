"""Git facts for the stale report: the last commit touching each XEP and the commits its
revision history does not describe, apart from the tree-wide editorial ones (one ``git log``
pass, blobs read in two batches)."""

from __future__ import annotations

import threading
from itertools import takewhile
from pathlib import Path

from e2ee_sig.gitops.history import FileCommit, FileHistory, file_history
from e2ee_sig.gitops.repo import RepoError
from e2ee_sig.stale.blobs import BlobFacts, is_broad
from e2ee_sig.stale.model import Editorial, GitFacts, RevisionInfo, StaleReport
from e2ee_sig.xep.vocab import INBOX, XEP_GLOB


def read_history(root: Path, hold: threading.Event | None = None) -> FileHistory | str:
    """The history of the XEP files, or why there is none (see ``file_history`` for
    ``hold``)."""
    try:
        return file_history(root, [XEP_GLOB, f"{INBOX}/*.xml"], hold)
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
    unrecorded, editorial = _unrecorded(later, newest, history, BlobFacts())
    for entry in entries:
        commits = history.commits.get(entry.path, [])
        last = commits[0] if commits else None
        entry.git = GitFacts(last, unrecorded[entry.path], entry.newest, editorial[entry.path])


def _later_commits(commits: list[FileCommit], newest: RevisionInfo | None) -> list[FileCommit]:
    """Newest first, the commits authored after ``newest``'s date (none without a date)."""
    if newest is None or newest.day is None:
        return []
    day = newest.day.isoformat()
    return list(takewhile(lambda commit: commit.authored > day, commits))


def _unrecorded(
    later: dict[str, list[FileCommit]],
    newest: dict[str, RevisionInfo],
    history: FileHistory,
    facts: BlobFacts,
) -> tuple[dict[str, list[FileCommit]], dict[str, list[Editorial]]]:
    """For each path, of the commits authored after its newest revision's date (newest
    first), those before the commit that added that revision (the first whose parent's file
    lacks it), split into the unrecorded and the editorial ones (``stale.editorial``).

    Once added, a revision stays in the file, so the commits whose parent has it form a prefix
    of the list. Two ``git cat-file --batch`` rounds (``BlobFacts.read``), each for all paths
    at once: the header of the oldest commit's parent (usually it lacks the revision: every
    commit is unrecorded), then the headers of the other paths' other parents, and both sides
    of each tree-wide commit (streamed: one blob at a time in memory, each read once)."""

    def lacks(path: str, commit: FileCommit) -> bool:
        return commit.before is None or not facts.held(commit.before, newest[path])

    found: dict[str, list[FileCommit]] = {}
    oldest = [(c[-1].before, newest[p]) for p, c in later.items() if c and c[-1].before]
    facts.read(history, oldest, [])
    searched = {}
    for path, commits in later.items():
        if not commits or not lacks(path, commits[-1]):
            found[path] = commits
        else:
            searched[path] = commits[:-1]
    parents = [(c.before, newest[p]) for p, cs in searched.items() for c in cs if c.before]
    broad = {
        (c.before or "", c.after or "")
        for cs in (*found.values(), *searched.values())
        for c in cs
        if is_broad(c)
    }
    facts.read(history, parents, sorted(broad))
    for path, commits in searched.items():
        first = next((i for i, c in enumerate(commits) if lacks(path, c)), len(commits))
        found[path] = commits[:first]
    unrecorded: dict[str, list[FileCommit]] = {}
    editorial: dict[str, list[Editorial]] = {}
    for path, commits in found.items():
        unrecorded[path], editorial[path] = [], []
        for commit in commits:
            pair = (commit.before or "", commit.after or "")
            kind = facts.kind(pair) if is_broad(commit) else None
            if kind is None:
                unrecorded[path].append(commit)
            else:
                editorial[path].append(Editorial(commit, kind))
    return unrecorded, editorial
