"""The history of many files in one ``git log`` pass, and their blobs read in batches.

Plain ``git`` subprocesses, no gitpython: ``rev-parse`` (where the folder sits in the work
tree, whether the clone is shallow, whether HEAD has a commit), one ``log --raw -z`` walk, and
``cat-file --batch`` for the blobs a caller asks for."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    from io import BufferedReader

    from git import Repo

from e2ee_sig.fsio import widen_pipe
from e2ee_sig.gitops.repo import RepoError

_RECORD = b"\x1e"
_UNIT = b"\x1f"
_NO_BLOB = "0" * 40
_UNSEEN = "\0"  # no path holds a NUL byte
_NOT_A_REPOSITORY = 128
# git's default cache of delta bases (96 MiB) is most of its memory on a long history, and
# buys nothing on a walk that reads each tree once.
_SMALL_CACHE = ("-c", "core.deltaBaseCacheLimit=8m")
PIPE_SIZE = 1 << 20


def _buffered() -> dict[str, str]:
    """The environment with ``GIT_FLUSH=0``: on a pipe, git would otherwise flush its output
    after every commit (a small write and a wake-up of the reader each)."""
    return {**os.environ, "GIT_FLUSH": "0"}


@dataclass(frozen=True)
class FileCommit:
    """A non-merge commit that touched one file: its sha, the author's calendar day
    (YYYY-MM-DD), its subject, the file's blob before it (None when the commit added the
    file, e.g. at a shallow clone's boundary) and after it (None when it deleted the file),
    and how many files of the history's selection the commit touched."""

    sha: str
    authored: str
    subject: str
    before: str | None
    after: str | None = None
    breadth: int = 1


@dataclass
class FileHistory:
    """The commits touching each file, newest first, keyed by the path relative to the folder
    the history was asked for."""

    folder: Path
    commits: dict[str, list[FileCommit]]
    shallow: bool

    def blobs(self, shas: Iterable[str], through: bytes | None = None) -> dict[str, bytes]:
        """The content of each blob in ``shas`` the object database holds (a shallow clone
        lacks some), read in one ``git cat-file --batch``; with ``through``, only each blob's
        start up to and including the first ``through``."""
        found = {}
        for sha, data in self.stream(dict.fromkeys(shas)):
            if data is not None:
                found[sha] = data if through is None else _through(data, through)
        return found

    def stream(self, shas: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each of ``shas`` with its blob's content (None when missing or not a blob), in
        order, from one ``git cat-file --batch`` whose output is read as it comes: only one
        blob is held at a time."""
        wanted = list(shas)
        if not wanted:
            return
        try:
            process = subprocess.Popen(  # --buffer: all requests are written at once
                ["git", *_SMALL_CACHE, "cat-file", "--batch", "--buffer"],
                cwd=self.folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise RepoError(f"cannot run git: {error.strerror or error}") from error
        assert process.stdin is not None and process.stdout is not None
        widen_pipe(process.stdout.fileno(), PIPE_SIZE)
        request = "".join(f"{sha}\n" for sha in wanted).encode()
        writer = threading.Thread(target=_feed, args=(process.stdin, request), daemon=True)
        writer.start()
        try:
            for sha in wanted:
                header = process.stdout.readline().split()
                if not header:
                    raise RepoError(f"git cat-file in {self.folder}: output ended early")
                size = int(header[2]) if len(header) == 3 else -1
                data = None
                if size >= 0:
                    data = process.stdout.read(size)
                    process.stdout.read(1)  # the newline after the content
                yield sha, data if header[1:2] == [b"blob"] else None
        finally:  # stdout closed first: a consumer that stops early must not leave git (and
            process.stdout.close()  # the writer feeding it) blocked on a full pipe
            if writer.is_alive():
                process.kill()
            writer.join()
            process.wait()


def _feed(stdin: IO[bytes], request: bytes) -> None:
    try:
        stdin.write(request)
        stdin.close()
    except OSError:  # git stopped reading: its output says what went wrong
        pass


def _through(data: bytes, marker: bytes) -> bytes:
    cut = data.find(marker)
    return data if cut < 0 else data[: cut + len(marker)]


def _failure(folder: Path, command: str, done: subprocess.CompletedProcess[bytes]) -> RepoError:
    lines = done.stderr.decode(errors="replace").splitlines()
    if done.returncode == _NOT_A_REPOSITORY and any("not a git repository" in x for x in lines):
        return RepoError(f"{folder}: not inside a git repository")
    detail = next((x for x in lines if "fatal:" in x or "error:" in x), None)
    detail = detail or (lines[-1] if lines else f"exit status {done.returncode}")
    return RepoError(f"git {command} in {folder}: {detail.strip()}")


def _locate(folder: Path) -> tuple[str, bool, bool]:
    """``folder``'s path from the top of its work tree (``""`` or ending in ``/``), whether
    the clone is shallow, and whether HEAD has a commit."""
    args = ("rev-parse", "--show-prefix", "--is-shallow-repository", "--verify", "-q", "HEAD")
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except OSError as error:
        raise RepoError(f"cannot run git: {error.strerror or error}") from error
    lines = done.stdout.decode(errors="surrogateescape").splitlines()
    if len(lines) < 2 or done.returncode not in (0, 1):
        if done.returncode == 0 or b"work tree" in done.stderr:
            raise RepoError(f"{folder}: a bare repository has no work tree")
        raise _failure(folder, "rev-parse", done)
    return lines[0], lines[1] == "true", done.returncode == 0 and len(lines) > 2


def file_history(
    folder: Path, patterns: Sequence[str], hold: threading.Event | None = None
) -> FileHistory:
    """Every non-merge commit of HEAD's history touching a file that matches one of
    ``patterns`` (``fnmatch`` globs relative to ``folder``, such as ``xep-*.xml``), from one
    ``git log``; RepoError when ``folder`` is not inside a git work tree.

    The globs are applied here, not as git pathspecs: git matching them against every tree
    entry of every commit is slower than listing all changes. The output is parsed as it
    comes, while git walks on. With ``hold`` (when another thread of the caller is busy), the
    output is only collected until ``hold`` is set: parsing it meanwhile would make the two
    threads take turns on the interpreter lock at every read and parse, slowing both."""
    folder = folder.resolve()
    prefix, shallow, has_head = _locate(folder)
    history = FileHistory(folder, {}, shallow)
    if not has_head:
        return history
    command = (
        *_SMALL_CACHE,
        "log",
        "--no-merges",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "-z",
        "--format=%x1e%H%x1f%as%x1f%s",
        "HEAD",
        *(["--", "."] if prefix else []),  # a pathspec slows the walk: only for a subfolder
    )
    reader = _LogReader(history.commits, prefix, patterns)
    held: list[bytes] = []

    def consume(chunk: bytes) -> None:
        if hold is not None and not hold.is_set():
            held.append(chunk)
            return
        if held:
            reader.feed(b"".join(held))
            held.clear()
        reader.feed(chunk)

    _stream(folder, command, consume)
    if held:
        if hold is not None:
            hold.wait()
        reader.feed(b"".join(held))
    reader.close()
    return history


class _LogReader:
    """Parses ``git log --raw -z`` records (each starting with ``\x1e``) into per-file
    commits, fed in chunks of any size."""

    def __init__(
        self, commits: dict[str, list[FileCommit]], prefix: str, patterns: Sequence[str]
    ) -> None:
        self.commits = commits
        self.prefix = prefix
        self.patterns = patterns
        self.wanted: dict[bytes, str | None] = {}
        self.rest = b""
        self.started = False

    def feed(self, chunk: bytes) -> None:
        records = (self.rest + chunk).split(_RECORD)
        self.rest = records.pop()
        if not self.started and records:
            self.started = True
            records = records[1:]  # what precedes the first record (nothing)
        for record in records:
            self._record(record)

    def close(self) -> None:
        if self.started:
            self._record(self.rest)
        self.rest = b""

    def _keep(self, path: bytes) -> str | None:
        from fnmatch import fnmatchcase

        relpath = path.decode(errors="surrogateescape").removeprefix(self.prefix)
        kept = relpath if any(fnmatchcase(relpath, p) for p in self.patterns) else None
        self.wanted[path] = kept
        return kept

    def _record(self, record: bytes) -> None:
        heading, _, changes = record.partition(b"\0")
        fields = changes.lstrip(b"\n").split(b"\0")
        wanted = self.wanted
        touched = []
        for info, path in zip(fields[::2], fields[1::2], strict=False):
            kept = wanted.get(path, _UNSEEN)
            if kept is _UNSEEN:
                kept = self._keep(path)
            if kept is not None:
                touched.append((kept, info))
        if not touched:
            return
        sha, authored, subject = heading.decode(errors="replace").split("\x1f", 2)
        for relpath, info in touched:
            parts = info.split()
            before, after = parts[2].decode(), parts[3].decode()
            commit = FileCommit(
                sha,
                authored,
                subject,
                None if before == _NO_BLOB else before,
                None if after == _NO_BLOB else after,
                len(touched),
            )
            self.commits.setdefault(relpath, []).append(commit)


def _stream(folder: Path, args: Sequence[str], consume: Callable[[bytes], None]) -> None:
    """Run ``git args`` in ``folder`` and hand its output to ``consume`` as it comes;
    RepoError when it fails (its error output is read alongside, so git never blocks on it)."""
    try:
        process = subprocess.Popen(
            ["git", *args],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_buffered(),
        )
    except OSError as error:
        raise RepoError(f"cannot run git: {error.strerror or error}") from error
    assert process.stdout is not None and process.stderr is not None
    widen_pipe(process.stdout.fileno(), PIPE_SIZE)
    errors: list[bytes] = []
    drain = threading.Thread(target=_drain, args=(process.stderr, errors), daemon=True)
    drain.start()
    try:
        while chunk := cast("BufferedReader", process.stdout).read1(PIPE_SIZE):
            consume(chunk)
    finally:
        process.stdout.close()
        drain.join()
        process.stderr.close()
        process.wait()
    if process.returncode:
        done = subprocess.CompletedProcess(process.args, process.returncode, b"", errors[0])
        raise _failure(folder, args[0] if args[0] != "-c" else args[2], done)


def _drain(stream: IO[bytes], into: list[bytes]) -> None:
    into.append(stream.read())


def commit_introducing(repo: Repo, relpath: str, pattern: re.Pattern[bytes]) -> str | None:
    """The oldest commit whose version of ``relpath`` matches ``pattern`` (``bytes``)."""
    from e2ee_sig.gitops.repo import file_at

    for commit in reversed(list(repo.iter_commits(paths=relpath))):
        data = file_at(repo, commit.hexsha, relpath)
        if data is not None and pattern.search(data):
            return commit.hexsha
    return None
