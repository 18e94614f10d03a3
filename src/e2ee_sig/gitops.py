"""Everything that touches git, through gitpython."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from git import Repo


class GitError(Exception):
    """A git operation cannot proceed (not a repository, unknown ref, shallow history …)."""


def open_repo(path: Path) -> Repo:
    """The repository containing ``path``."""
    from git import InvalidGitRepositoryError, NoSuchPathError, Repo

    try:
        return Repo(path, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError) as error:
        raise GitError(f"{path}: not inside a git repository") from error


def resolve(repo: Repo, ref: str) -> str:
    """The commit hex sha ``ref`` names, or GitError."""
    from git import BadName, GitCommandError

    try:
        return repo.commit(ref).hexsha
    except (BadName, GitCommandError, ValueError) as error:
        shallow = " (the clone is shallow: fetch more history)" if is_shallow(repo) else ""
        raise GitError(f"unknown git revision {ref!r}{shallow}") from error


def is_shallow(repo: Repo) -> bool:
    return Path(repo.git_dir, "shallow").exists()


def file_at(repo: Repo, commit: str, relpath: str) -> bytes | None:
    """The content of ``relpath`` (repository-relative) at ``commit``, or None."""
    try:
        return repo.commit(commit).tree[relpath].data_stream.read()
    except KeyError:
        return None


@dataclass
class ChangedFiles:
    """XEP files changed between a ref and the work tree, with their revisions at the ref."""

    paths: list[str] = field(default_factory=list)
    baseline: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)


def changed_since(ref: str, paths: Sequence[str]) -> ChangedFiles:
    """XML files under ``paths`` that differ between ``ref`` and the work tree (added,
    copied, modified, renamed; not deleted), and the (version, date) of every revision each
    had at ``ref``, keyed by the resolved path."""
    from e2ee_sig.xep.header import revision_pairs

    anchors = [Path(p).resolve() for p in paths]
    repo = open_repo(anchors[0] if anchors[0].is_dir() else anchors[0].parent)
    base = resolve(repo, ref)
    top = Path(repo.working_tree_dir or ".").resolve()
    names = set(repo.git.diff("--name-only", "--diff-filter=ACMR", base, "--").splitlines())
    names |= set(repo.untracked_files)
    result = ChangedFiles()
    for name in sorted(names):
        file = top / name
        if not name.endswith(".xml") or not file.is_file():
            continue
        if not any(file == a or a in file.parents for a in anchors):
            continue
        result.paths.append(str(file))
        old = file_at(repo, base, name)
        result.baseline[str(file)] = frozenset(revision_pairs(old)) if old else frozenset()
    return result
