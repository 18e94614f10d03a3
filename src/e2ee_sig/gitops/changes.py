"""What changed: commits and files between two commits, uncommitted work, and the files
changed since a ref for ``lint --changed-since``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.gitops.repo import (
    file_at,
    has_commits,
    open_repo,
    resolve,
    work_tree,
)

if TYPE_CHECKING:
    from git import Repo


@dataclass
class ChangedFiles:
    """XEP files changed between a ref and the work tree, with their revisions at the ref."""

    paths: list[str] = field(default_factory=list)
    baseline: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    shared: list[str] = field(default_factory=list)


def changed_since(ref: str, paths: Sequence[str]) -> ChangedFiles:
    """XML files under ``paths`` that differ between ``ref`` and the work tree (added,
    copied, modified, renamed; not deleted), and the (version, date) of every revision each
    had at ``ref``, keyed by the resolved path; also the changed shared files (``xep.ent``,
    ``xep.dtd``, ``xep.xsl``) anywhere in the repository."""
    from e2ee_sig.xep.header import revision_pairs
    from e2ee_sig.xep.root import SHARED_FILES

    anchors = [Path(p).resolve() for p in paths]
    repo = open_repo(anchors[0] if anchors[0].is_dir() else anchors[0].parent)
    base = resolve(repo, ref)
    top = Path(repo.working_tree_dir or ".").resolve()
    names = set(repo.git.diff("--name-only", "-z", "--diff-filter=ACMR", base, "--").split("\0"))
    names |= set(repo.untracked_files)
    result = ChangedFiles()
    for name in sorted(names):
        file = top / name
        if Path(name).name in SHARED_FILES:
            result.shared.append(str(file))
        if not name.endswith(".xml") or not file.is_file():
            continue
        if not any(file == a or a in file.parents for a in anchors):
            continue
        result.paths.append(str(file))
        old = file_at(repo, base, name)
        result.baseline[str(file)] = frozenset(revision_pairs(old)) if old else frozenset()
    return result


# --- Submission bundles (``e2ee-sig bundle``) -------------------------------------------------
# Everything here only reads the user's repository or writes refs, bundle files and temporary
# worktrees: never the work tree, the index, HEAD or the current branch. Porcelain commands that
# refresh the index as a side effect (``git status``, ``git diff`` against the work tree) are
# avoided in favour of plumbing.


@dataclass(frozen=True)
class CommitInfo:
    """One commit of a submission, as the summary lists it."""

    sha: str
    subject: str
    author: str
    date: str


@dataclass(frozen=True)
class Change:
    """A file changed between two commits: git's status letter (A, M, D, R, C, T), its path
    and, for renames and copies, the path it came from."""

    status: str
    path: str
    old_path: str | None = None


@dataclass(frozen=True)
class DirtyFile:
    """An uncommitted change: ``state`` is "staged", "modified", "deleted" or "untracked"."""

    path: str
    state: str


def commits_between(repo: Repo, base: str, head: str) -> list[CommitInfo]:
    """The commits in ``base..head``, oldest first."""
    commits = reversed(list(repo.iter_commits(f"{base}..{head}")))
    return [
        CommitInfo(
            c.hexsha,
            str(c.summary),
            str(c.author.name),
            c.authored_datetime.date().isoformat(),
        )
        for c in commits
    ]


def changes_between(repo: Repo, base: str, head: str) -> list[Change]:
    """Files that differ between the commits ``base`` and ``head`` (renames detected)."""
    listing = repo.git.diff_tree("-r", "-z", "-M", "--name-status", "--no-commit-id", base, head)
    fields = listing.split("\0")
    changes, index = [], 0
    while index < len(fields) - 1:
        status = fields[index][:1]
        if status in "RC":
            changes.append(Change(status, fields[index + 2], fields[index + 1]))
            index += 3
        else:
            changes.append(Change(status, fields[index + 1]))
            index += 2
    return changes


def _work_tree_blobs(repo: Repo, top: Path, paths: Sequence[str]) -> dict[str, str | None]:
    """The blob id ``git add`` would store for each work-tree file in ``paths`` (None when
    unreadable), through ``git hash-object`` so that git's clean filters (``core.autocrlf``,
    ``eol``/``text`` attributes, ``filter=``) apply; nothing is written. A symlink's blob is
    its target's name, as git stores it."""
    import hashlib
    import os

    blobs: dict[str, str | None] = {}
    regular = []
    for path in paths:
        file = top / path
        if file.is_symlink():
            target = os.readlink(file).encode()
            blobs[path] = hashlib.sha1(b"blob %d\0" % len(target) + target).hexdigest()
        elif file.is_file():
            regular.append(path)
        else:
            blobs[path] = None
    if regular:
        from git import GitCommandError

        try:
            hashed = repo.git.hash_object("--", *regular).split()
        except GitCommandError:  # an unreadable file: counted as modified
            hashed = []
        if len(hashed) != len(regular):
            hashed = [None] * len(regular)
        blobs.update(zip(regular, hashed, strict=True))
    return blobs


def dirty_files(repo: Repo) -> list[DirtyFile]:
    """Uncommitted changes (staged, modified, deleted, untracked but not ignored), found
    without refreshing or writing the index: the files whose stat data differ from the index
    are confirmed by asking git for the blob each would become (its line-ending and clean
    filters applied), so a checkout under ``core.autocrlf`` or ``eol=crlf`` is clean."""
    top = work_tree(repo)
    found: dict[str, str] = {}
    has_head = has_commits(repo)
    staged = repo.git.diff_index("--cached", "--name-only", "-z", "HEAD") if has_head else ""
    for path in filter(None, staged.split("\0")):
        found[path] = "staged"
    candidates = [p for p in repo.git.diff_files("--name-only", "-z").split("\0") if p]
    staged_blobs = {}
    if candidates:
        listing = repo.git.ls_files(
            "--stage", "-z", "--", *candidates, env={"GIT_LITERAL_PATHSPECS": "1"}
        )
        for entry in listing.split("\0"):
            if entry:
                info, path = entry.split("\t", 1)
                staged_blobs[path] = info.split()[1]
    present = [p for p in candidates if (top / p).exists() or (top / p).is_symlink()]
    blobs = _work_tree_blobs(repo, top, present)
    for path in candidates:
        if path not in blobs:
            found.setdefault(path, "deleted")
        elif blobs[path] is None or blobs[path] != staged_blobs.get(path):
            found.setdefault(path, "modified")
    untracked = repo.git.ls_files("--others", "--exclude-standard", "-z")
    for path in filter(None, untracked.split("\0")):
        found[path] = "untracked"
    return [DirtyFile(path, state) for path, state in sorted(found.items())]
