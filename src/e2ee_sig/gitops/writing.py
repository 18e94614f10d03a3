"""Writing through git: bundles, patch series, commits made in a temporary worktree or of one
file alone; the user's work tree, index and HEAD are left as they were."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from git import Repo

from e2ee_sig.gitops.repo import RepoError, _git_error


def create_bundle(repo: Repo, file: Path, refs: Sequence[str], base: str) -> None:
    """Write a git bundle of ``refs`` minus ``base``'s history to ``file`` and verify it."""
    from git import GitCommandError

    try:
        repo.git.bundle("create", str(file), *refs, f"^{base}")
    except GitCommandError as error:
        raise _git_error(error, f"git bundle create {file.name}") from error
    try:
        repo.git.bundle("verify", str(file))
    except GitCommandError as error:
        raise _git_error(error, f"git bundle verify {file.name}") from error


def format_patches(repo: Repo, base: str, head: str, folder: Path) -> list[Path]:
    """Write the patch series ``base..head`` into ``folder`` (``git format-patch``)."""
    from git import GitCommandError

    folder.mkdir(parents=True, exist_ok=True)
    try:
        written = repo.git.format_patch("--no-color", "-o", str(folder), f"{base}..{head}")
    except GitCommandError as error:
        raise _git_error(error, "git format-patch") from error
    return [Path(line) for line in written.splitlines() if line.strip()]


@contextmanager
def temporary_worktree(repo: Repo, commit: str) -> Iterator[Path]:
    """A detached worktree of ``repo`` at ``commit`` in a temporary folder, removed on exit;
    the repository's own checkout is not touched."""
    import shutil
    import tempfile

    from git import GitCommandError

    try:
        holder = Path(tempfile.mkdtemp(prefix="e2ee-sig-worktree-"))
    except OSError as error:
        raise RepoError(f"cannot make a temporary worktree: {error.strerror or error}") from error
    folder = holder / "worktree"
    try:
        repo.git.worktree("add", "--detach", "--quiet", str(folder), commit)
    except GitCommandError as error:
        shutil.rmtree(holder, ignore_errors=True)
        raise _git_error(error, "git worktree add") from error
    try:
        yield folder
    finally:
        try:
            repo.git.worktree("remove", "--force", str(folder))
        except GitCommandError:
            shutil.rmtree(folder, ignore_errors=True)
            repo.git.worktree("prune")
        shutil.rmtree(holder, ignore_errors=True)


def commit_file(
    worktree: Path, relpath: str, data: bytes, message: str, when: datetime | None = None
) -> str:
    """Write ``relpath`` in ``worktree``, commit it alone with ``message`` (dated ``when``, or
    now) and return the new commit's sha."""
    from git import GitCommandError, Repo

    file = worktree / relpath
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(data)
    repo = Repo(worktree)
    env = {}
    if when is not None:
        stamp = when.isoformat()
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    try:
        repo.git.add("--", relpath)
        repo.git.commit("--quiet", "-m", message, "--", relpath, env=env)
    except GitCommandError as error:
        raise _git_error(error, f"git commit in {worktree}") from error
    return repo.head.commit.hexsha


# --- File history and deferral commits (``e2ee-sig stale``) ---------------------------------
# One ``git log --raw`` over HEAD's history for the XEP files, parsed once; blobs are read only
# when asked for. Works on shallow clones (the history simply ends at the shallow boundary).


def commit_only(repo: Repo, relpath: str, message: str) -> str:
    """Commit the work-tree content of the tracked file ``relpath`` (relative to the top of
    the work tree) alone, leaving anything else that is staged as it is; return the sha."""
    from git import GitCommandError

    try:
        repo.git.commit("--quiet", "--only", "-m", message, "--", relpath)
    except GitCommandError as error:
        raise _git_error(error, f"git commit {relpath}") from error
    return repo.head.commit.hexsha


def undo_commits(repo: Repo, original: str, relpaths: Sequence[str]) -> None:
    """Move HEAD's branch back to ``original`` (only if it is still where this program left
    it) and reset the index entries of ``relpaths`` to ``original``; nothing else is touched."""
    from git import GitCommandError

    current = repo.head.commit.hexsha
    try:
        repo.git.update_ref("-m", "e2ee-sig: undo its own commits", "HEAD", original, current)
        if relpaths:
            repo.git.reset("--quiet", original, "--", *relpaths)
    except GitCommandError as error:
        raise _git_error(error, "undoing the commits") from error
