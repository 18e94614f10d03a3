"""The versions a diff compares: a file, the work tree, a git revision or the commit that
introduced a revision block (git through :mod:`e2ee_sig.gitops`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.render.stylesheet import RenderError

VERSION_NUMBER = re.compile(r"\d+(?:\.\d+)+")
MAX_BYTES = 10 * 1024 * 1024


class VersionError(RenderError):
    """A version that cannot be found or read (exit status 2)."""


@dataclass(frozen=True)
class Version:
    label: str
    data: bytes


def _read(path: Path, label: str) -> Version:
    from e2ee_sig.fsio import FileRefused, read_capped

    try:
        return Version(label, read_capped(path, MAX_BYTES))
    except FileRefused as error:
        raise VersionError(str(error)) from None
    except OSError as error:
        raise VersionError(f"{path}: cannot read file: {error.strerror or error}") from None


def working_copy(file: Path) -> Version:
    """The file as it is on disk (uncommitted changes included)."""
    return _read(file, f"{file.name} (work tree)")


def _version_pattern(version: str) -> re.Pattern[bytes]:
    return re.compile(rb"<version>\s*" + re.escape(version.encode()) + rb"\s*</version>")


def read_version(spec: str, file: Path) -> Version:
    """What ``spec`` names for ``file``: a file path, a version number of the revision
    history (``0.8.3``: the commit that introduced it) or a git revision (``HEAD~1``)."""
    from e2ee_sig.gitops import RepoError, commit_introducing, file_at, repo_of_file, resolve

    candidate = Path(spec)
    if candidate.is_file():
        return _read(candidate, spec)
    try:
        repo, relpath = repo_of_file(file)
    except RepoError as error:
        raise VersionError(str(error)) from None
    if VERSION_NUMBER.fullmatch(spec):
        sha = commit_introducing(repo, relpath, _version_pattern(spec))
        if sha is not None:
            return Version(f"{spec} ({sha[:7]})", file_at(repo, sha, relpath) or b"")
    try:
        sha = resolve(repo, spec)
    except RepoError as error:
        hint = f" and no revision block {spec} in the history of {relpath}"
        raise VersionError(str(error) + (hint if VERSION_NUMBER.fullmatch(spec) else "")) from None
    data = file_at(repo, sha, relpath)
    if data is None:
        raise VersionError(f"{relpath} does not exist at {spec} ({sha[:7]})")
    return Version(f"{spec} ({sha[:7]})", data)
