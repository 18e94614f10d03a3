"""The versions a diff compares: a file, the work tree, a git revision or the commit that
introduced a revision block. Every git call of the render package is here (through
gitpython and :mod:`e2ee_sig.gitops`), ready to be folded into gitops."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.render.stylesheet import RenderError

if TYPE_CHECKING:
    from git import Repo

VERSION_NUMBER = re.compile(r"\d+(?:\.\d+)+")
MAX_BYTES = 10 * 1024 * 1024


class VersionError(RenderError):
    """A version that cannot be found or read (exit status 2)."""


@dataclass(frozen=True)
class Version:
    label: str
    data: bytes


def _read(path: Path, label: str) -> Version:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise VersionError(f"{path}: over the {MAX_BYTES // 1048576} MiB limit")
        return Version(label, path.read_bytes())
    except OSError as error:
        raise VersionError(f"{path}: cannot read file: {error.strerror or error}") from None


def working_copy(file: Path) -> Version:
    """The file as it is on disk (uncommitted changes included)."""
    return _read(file, f"{file.name} (work tree)")


def _repository(file: Path) -> tuple[Repo, str]:
    from e2ee_sig.gitops import GitError, open_repo, work_tree

    try:
        repo = open_repo(file.resolve().parent)
    except GitError as error:
        raise VersionError(str(error)) from None
    top = work_tree(repo).resolve()
    if not file.resolve().is_relative_to(top):
        raise VersionError(f"{file}: outside the git work tree {top}")
    return repo, file.resolve().relative_to(top).as_posix()


def _version_pattern(version: str) -> re.Pattern[bytes]:
    return re.compile(rb"<version>\s*" + re.escape(version.encode()) + rb"\s*</version>")


def commit_introducing(repo: Repo, relpath: str, version: str) -> str | None:
    """The oldest commit whose ``relpath`` has a revision block numbered ``version``."""
    from e2ee_sig.gitops import file_at

    pattern = _version_pattern(version)
    for commit in reversed(list(repo.iter_commits(paths=relpath))):
        data = file_at(repo, commit.hexsha, relpath)
        if data is not None and pattern.search(data):
            return commit.hexsha
    return None


def read_version(spec: str, file: Path) -> Version:
    """What ``spec`` names for ``file``: a file path, a version number of the revision
    history (``0.8.3``: the commit that introduced it) or a git revision (``HEAD~1``)."""
    from e2ee_sig.gitops import GitError, file_at, resolve

    candidate = Path(spec)
    if candidate.is_file():
        return _read(candidate, spec)
    repo, relpath = _repository(file)
    if VERSION_NUMBER.fullmatch(spec):
        sha = commit_introducing(repo, relpath, spec)
        if sha is not None:
            return Version(f"{spec} ({sha[:7]})", file_at(repo, sha, relpath) or b"")
    try:
        sha = resolve(repo, spec)
    except GitError as error:
        hint = f" and no revision block {spec} in the history of {relpath}"
        raise VersionError(str(error) + (hint if VERSION_NUMBER.fullmatch(spec) else "")) from None
    data = file_at(repo, sha, relpath)
    if data is None:
        raise VersionError(f"{relpath} does not exist at {spec} ({sha[:7]})")
    return Version(f"{spec} ({sha[:7]})", data)
