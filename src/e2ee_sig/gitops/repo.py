"""Opening a repository, naming commits and branches (gitpython, imported when used)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from git import Repo

from e2ee_sig.errors import E2eeSigError

UPSTREAM_CANDIDATES = ("origin/main", "origin/master", "main", "master")


class RepoError(E2eeSigError):
    """A git operation cannot proceed (not a repository, unknown ref, shallow history …)."""


def open_repo(path: Path) -> Repo:
    """The repository containing ``path``."""
    from git import InvalidGitRepositoryError, NoSuchPathError, Repo

    try:
        return Repo(path, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError) as error:
        raise RepoError(f"{path}: not inside a git repository") from error


def resolve(repo: Repo, ref: str) -> str:
    """The commit hex sha ``ref`` names, or RepoError."""
    from git import BadName, GitCommandError

    try:
        return repo.commit(ref).hexsha
    except (BadName, GitCommandError, ValueError) as error:
        shallow = " (the clone is shallow: fetch more history)" if is_shallow(repo) else ""
        raise RepoError(f"unknown git revision {ref!r}{shallow}") from error


def is_shallow(repo: Repo) -> bool:
    return Path(repo.git_dir, "shallow").exists()


def file_at(repo: Repo, commit: str, relpath: str) -> bytes | None:
    """The content of ``relpath`` (repository-relative) at ``commit``, or None."""
    try:
        return repo.commit(commit).tree[relpath].data_stream.read()
    except KeyError:
        return None


def _git_error(error: Exception, doing: str) -> RepoError:
    """A one-line RepoError from a failed git command."""
    from git import GitCommandError

    if isinstance(error, GitCommandError):
        lines = [line.strip() for line in str(error.stderr or "").splitlines() if line.strip()]
        detail = next((line for line in lines if "fatal:" in line or "error:" in line), None)
        detail = detail or (lines[-1] if lines else f"exit status {error.status}")
        return RepoError(f"{doing}: {detail.removeprefix('stderr: ').strip(chr(39))}")
    return RepoError(f"{doing}: {error}")


def work_tree(repo: Repo) -> Path:
    """The top folder of ``repo``'s work tree (RepoError for a bare repository)."""
    if repo.bare or repo.working_tree_dir is None:
        raise RepoError(f"{repo.git_dir}: a bare repository has no work tree")
    return Path(repo.working_tree_dir).resolve()


def common_git_dir(repo: Repo) -> Path:
    """The repository's own git directory (shared by all its worktrees)."""
    return Path(repo.common_dir).resolve()


def current_branch(repo: Repo) -> str:
    """The checked-out branch's name; RepoError when HEAD is detached."""
    if repo.head.is_detached:
        raise RepoError(
            f"{work_tree(repo)}: HEAD is detached (at {repo.head.commit.hexsha[:12]}): "
            "check out the branch with your work first"
        )
    return repo.active_branch.name


def upstream_branch(repo: Repo) -> str:
    """The upstream default branch: what origin/HEAD points to, else origin/main,
    origin/master, main or master (RepoError when none exists)."""
    from git import GitCommandError

    try:
        target = repo.git.symbolic_ref("--quiet", "refs/remotes/origin/HEAD")
        return target.removeprefix("refs/remotes/")
    except GitCommandError:
        pass
    for candidate in UPSTREAM_CANDIDATES:
        try:
            repo.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}")
            return candidate
        except GitCommandError:
            continue
    raise RepoError(
        "cannot find the upstream default branch (origin/HEAD, "
        f"{', '.join(UPSTREAM_CANDIDATES)}): give --base REF"
    )


def merge_base(repo: Repo, ref: str, head: str = "HEAD") -> str:
    """The best common ancestor of ``ref`` and ``head``; RepoError when there is none (in a
    shallow clone that usually means the history holding it was not fetched)."""
    from git import GitCommandError

    ref_sha, head_sha = resolve(repo, ref), resolve(repo, head)
    try:
        return repo.git.merge_base(ref_sha, head_sha).strip()
    except GitCommandError as error:
        if is_shallow(repo):
            raise RepoError(
                f"the shallow clone's history does not reach the common ancestor of {ref} and "
                "HEAD: fetch more history (git fetch --unshallow) or give --base"
            ) from error
        raise RepoError(f"{ref} and HEAD have no common history: give --base REF") from error


def check_branch_name(repo: Repo, name: str) -> None:
    """RepoError unless ``name`` is a valid branch name that does not exist yet."""
    from git import GitCommandError

    try:
        repo.git.check_ref_format("--branch", name)
    except GitCommandError as error:
        raise RepoError(f"{name!r} is not a valid branch name") from error
    if f"refs/heads/{name}" in {ref.path for ref in repo.branches}:
        raise RepoError(f"branch {name!r} already exists")


def create_branch(repo: Repo, name: str, commit: str) -> None:
    """Create branch ``name`` at ``commit`` without checking it out."""
    check_branch_name(repo, name)
    repo.create_head(name, commit)


def delete_branch(repo: Repo, name: str) -> None:
    """Delete branch ``name`` (one this program created), merged or not."""
    repo.delete_head(name, force=True)


def has_commits(repo: Repo) -> bool:
    """Whether HEAD points at a commit (false in a repository with no commits yet)."""
    return bool(repo.head.is_valid())


def repo_of_file(file: Path) -> tuple[Repo, str]:
    """The repository ``file`` belongs to, and its path there (``/``-separated)."""
    repo = open_repo(file.resolve().parent)
    top = work_tree(repo).resolve()
    if not file.resolve().is_relative_to(top):
        raise RepoError(f"{file}: outside the git work tree {top}")
    return repo, file.resolve().relative_to(top).as_posix()


_OPERATIONS_IN_PROGRESS = (
    ("MERGE_HEAD", "a merge"),
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase or git am"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
    ("BISECT_LOG", "a bisect"),
)


def check_can_commit(repo: Repo) -> str:
    """The branch HEAD is on, when a commit can be made there now: RepoError for a detached
    HEAD, a branch with no commits yet, or a merge, rebase, cherry-pick, revert or bisect in
    progress (the one git-state check of every command that commits)."""
    top = work_tree(repo)
    for marker, operation in _OPERATIONS_IN_PROGRESS:
        if Path(repo.git_dir, marker).exists():
            raise RepoError(f"{top}: {operation} is in progress: finish or abort it first")
    branch = current_branch(repo)
    if not has_commits(repo):
        raise RepoError(f"{top}: branch {branch!r} has no commits yet: make a first commit")
    return branch
