"""Git facts for the stale report: the last commit touching each XEP and the commits its
revision history does not describe, apart from the tree-wide editorial ones (one ``git log``
pass, blobs read in two batches)."""

from __future__ import annotations

import re
from itertools import islice, takewhile
from pathlib import Path

from e2ee_sig.gitops.history import FileCommit, FileHistory, file_history
from e2ee_sig.gitops.repo import RepoError
from e2ee_sig.stale.editorial import TREE_WIDE, editorial_kind
from e2ee_sig.stale.model import Editorial, GitFacts, RevisionInfo, StaleReport
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
    unrecorded, editorial = _unrecorded(later, newest, history)
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


class _Revisions:
    """Whether a file's header holds a revision (``revision_pairs``), each distinct header
    parsed once; a header that cannot hold it (``_cannot_hold``) is not parsed at all."""

    def __init__(self) -> None:
        self.pairs: dict[bytes, set[tuple[str, str]]] = {}

    def held(self, head: bytes | None, revision: RevisionInfo) -> bool:
        if head is None or _cannot_hold(head, revision):
            return False
        pairs = self.pairs.get(head)
        if pairs is None:
            pairs = self.pairs[head] = revision_pairs(head)
        return (revision.version, revision.date) in pairs


# Text that a parse yields only from the same bytes (ASCII, no space, markup or references).
_PLAIN = re.compile(r"[0-9A-Za-z._+:/-]+")
_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")


def _cannot_hold(head: bytes, revision: RevisionInfo) -> bool:
    """True when ``revision_pairs(head)`` surely lacks ``revision``: its version or date is
    plain text missing from ``head``, an ASCII-compatible file in which a parse takes text
    only from the bytes themselves (no character references, no CDATA that could join text)."""
    if not (_PLAIN.fullmatch(revision.version) and _PLAIN.fullmatch(revision.date)):
        return False
    if head.lstrip()[:1] != b"<" or b"&#" in head or b"<![CDATA[" in head:
        return False
    declared = _ENCODING.match(head.lstrip())
    if declared is not None and declared[1].lower() not in (b"utf-8", b"utf8"):
        return False
    return revision.version.encode() not in head or revision.date.encode() not in head


def _unrecorded(
    later: dict[str, list[FileCommit]],
    newest: dict[str, RevisionInfo],
    history: FileHistory,
) -> tuple[dict[str, list[FileCommit]], dict[str, list[Editorial]]]:
    """For each path, of the commits authored after its newest revision's date (newest
    first), those before the commit that added that revision (the first whose parent's file
    lacks it), split into the unrecorded and the editorial ones (``stale.editorial``).

    Once added, a revision stays in the file, so the commits whose parent has it form a prefix
    of the list. Two ``git cat-file --batch`` rounds, each for all paths at once: the header of
    the oldest commit's parent (usually it lacks the revision: every commit is unrecorded),
    then the headers of the other paths' other parents, and both sides of each tree-wide
    commit (streamed: one blob at a time in memory)."""

    revisions = _Revisions()

    def lacks(heads: dict[str, bytes], path: str, commit: FileCommit) -> bool:
        return commit.before is None or not revisions.held(heads.get(commit.before), newest[path])

    found: dict[str, list[FileCommit]] = {}
    oldest = history.blobs((c[-1].before for c in later.values() if c and c[-1].before), _END)
    searched = {}
    for path, commits in later.items():
        if not commits or not lacks(oldest, path, commits[-1]):
            found[path] = commits
        else:
            searched[path] = commits[:-1]
    parents = list(dict.fromkeys(c.before for cs in searched.values() for c in cs if c.before))
    broad = {
        (c.before, c.after)
        for cs in (*found.values(), *searched.values())
        for c in cs
        if c.breadth >= TREE_WIDE and c.before and c.after
    }
    heads, kinds = _second_round(history, parents, sorted(broad))
    for path, commits in searched.items():
        first = next((i for i, c in enumerate(commits) if lacks(heads, path, c)), len(commits))
        found[path] = commits[:first]
    unrecorded: dict[str, list[FileCommit]] = {}
    editorial: dict[str, list[Editorial]] = {}
    for path, commits in found.items():
        unrecorded[path], editorial[path] = [], []
        for commit in commits:
            kind = kinds.get((commit.before, commit.after)) if commit.breadth >= TREE_WIDE else None
            if kind is None:
                unrecorded[path].append(commit)
            else:
                editorial[path].append(Editorial(commit, kind))
    return unrecorded, editorial


def _second_round(
    history: FileHistory, parents: list[str], pairs: list[tuple[str | None, str | None]]
) -> tuple[dict[str, bytes], dict[tuple[str | None, str | None], str | None]]:
    """The headers of ``parents`` and the editorial kind of each (before, after) blob pair."""
    stream = history.stream([*parents, *(sha for pair in pairs for sha in pair if sha)])
    heads = {}
    for sha, data in islice(stream, len(parents)):
        if data is not None:
            heads[sha] = data[: data.find(_END) + len(_END)] if _END in data else data
    kinds: dict[tuple[str | None, str | None], str | None] = {}
    for pair, ((_, before), (_, after)) in zip(
        pairs, zip(stream, stream, strict=True), strict=True
    ):
        kinds[pair] = editorial_kind(before, after) if before and after else None
    return heads, kinds
