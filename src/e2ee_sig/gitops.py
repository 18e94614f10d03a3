"""Everything that touches git, through gitpython."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.errors import E2eeSigError

if TYPE_CHECKING:
    from git import Repo


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
    names = set(repo.git.diff("--name-only", "--diff-filter=ACMR", base, "--").splitlines())
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

UPSTREAM_CANDIDATES = ("origin/main", "origin/master", "main", "master")


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


def _git_error(error: Exception, doing: str) -> RepoError:
    """A one-line RepoError from a failed git command."""
    from git import GitCommandError

    if isinstance(error, GitCommandError):
        lines = [line.strip() for line in str(error.stderr or "").splitlines() if line.strip()]
        detail = next((line for line in lines if "fatal:" in line or "error:" in line), None)
        detail = (detail or (lines[-1] if lines else f"exit status {error.status}")).strip("'")
        return RepoError(f"{doing}: {detail.removeprefix('stderr: ')}")
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


def _blob_sha(file: Path) -> str | None:
    """The blob id git would give ``file`` (symlinks: their target), or None if unreadable."""
    import hashlib
    import os

    try:
        data = os.readlink(file).encode() if file.is_symlink() else file.read_bytes()
    except OSError:
        return None
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def dirty_files(repo: Repo) -> list[DirtyFile]:
    """Uncommitted changes (staged, modified, deleted, untracked but not ignored), found
    without refreshing or writing the index: unstaged candidates are confirmed by content."""
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
    for path in candidates:
        file = top / path
        if not file.exists() and not file.is_symlink():
            found.setdefault(path, "deleted")
        elif _blob_sha(file) != staged_blobs.get(path):
            found.setdefault(path, "modified")
    untracked = repo.git.ls_files("--others", "--exclude-standard", "-z")
    for path in filter(None, untracked.split("\0")):
        found[path] = "untracked"
    return [DirtyFile(path, state) for path, state in sorted(found.items())]


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

    holder = Path(tempfile.mkdtemp(prefix="e2ee-sig-worktree-"))
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


def commit_only(repo: Repo, relpath: str, message: str) -> str:
    """Commit the work-tree content of the tracked file ``relpath`` (relative to the top of
    the work tree) alone, leaving anything else that is staged as it is; return the sha."""
    from git import GitCommandError

    try:
        repo.git.commit("--quiet", "--only", "-m", message, "--", relpath)
    except GitCommandError as error:
        raise _git_error(error, f"git commit {relpath}") from error
    return repo.head.commit.hexsha
