"""The history of many files in one ``git log`` pass, and their blobs read in batches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from git import Repo

from e2ee_sig.gitops.repo import _git_error, has_commits, is_shallow, open_repo, work_tree

_RECORD = "\x1e"
_UNIT = "\x1f"
_NO_BLOB = "0" * 40


@dataclass(frozen=True)
class FileCommit:
    """A non-merge commit that touched one file: its sha, the author's calendar day
    (YYYY-MM-DD), its subject, and the file's blob before it (None when the commit added the
    file, e.g. at a shallow clone's boundary)."""

    sha: str
    authored: str
    subject: str
    before: str | None


@dataclass
class FileHistory:
    """The commits touching each file, newest first, keyed by the path relative to the folder
    the history was asked for."""

    repo: Repo
    commits: dict[str, list[FileCommit]]
    shallow: bool

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The content of each blob in ``shas`` the object database holds (a shallow clone
        lacks some), read in one ``git cat-file --batch``."""
        from subprocess import PIPE

        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        process = self.repo.git.cat_file("--batch", as_process=True, istream=PIPE)
        output, _ = process.proc.communicate("".join(f"{sha}\n" for sha in wanted).encode())
        found, position = {}, 0
        for sha in wanted:
            end = output.index(b"\n", position)
            header = output[position:end].split()
            position = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                found[sha] = output[position : position + size]
                position += size + 1
            elif len(header) == 3:
                position += int(header[2]) + 1
        return found


def file_history(folder: Path, patterns: Sequence[str]) -> FileHistory:
    """Every non-merge commit of HEAD's history touching a file that matches one of
    ``patterns`` (``fnmatch`` globs relative to ``folder``, such as ``xep-*.xml``), from one
    ``git log``; RepoError when ``folder`` is not inside a git work tree.

    The globs are applied here, not as git pathspecs: git matching them against every tree
    entry of every commit is slower than listing all changes."""
    from fnmatch import fnmatchcase

    from git.exc import GitError

    repo = open_repo(folder)
    top = work_tree(repo)
    prefix = folder.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    history = FileHistory(repo, {}, is_shallow(repo))
    if not has_commits(repo):
        return history
    try:
        output = repo.git.log(
            "--no-merges",
            "--no-renames",
            "--raw",
            "--no-abbrev",
            f"--format={_RECORD}%H{_UNIT}%as{_UNIT}%s",
            *(["--", prefix] if prefix else []),
        )
    except GitError as error:
        raise _git_error(error, f"git log in {top}") from error
    wanted: dict[str, bool] = {}
    for record in output.split(_RECORD)[1:]:
        heading, _, changes = record.partition("\n")
        sha, authored, subject = heading.split(_UNIT, 2)
        for line in changes.splitlines():
            info, tab, path = line.partition("\t")
            if not tab or not path.startswith(prefix):
                continue
            relpath = path[len(prefix) :]
            if relpath not in wanted:
                wanted[relpath] = any(fnmatchcase(relpath, p) for p in patterns)
            if wanted[relpath]:
                before = info.split()[2]
                commit = FileCommit(sha, authored, subject, None if before == _NO_BLOB else before)
                history.commits.setdefault(relpath, []).append(commit)
    return history


def commit_introducing(repo: Repo, relpath: str, pattern: re.Pattern[bytes]) -> str | None:
    """The oldest commit whose version of ``relpath`` matches ``pattern`` (``bytes``)."""
    from e2ee_sig.gitops.repo import file_at

    for commit in reversed(list(repo.iter_commits(paths=relpath))):
        data = file_at(repo, commit.hexsha, relpath)
        if data is not None and pattern.search(data):
            return commit.hexsha
    return None
