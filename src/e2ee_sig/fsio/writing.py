"""Locked, re-checked rewrites of users' files, new output files, and line endings."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.fsio.errors import ReadRefused, WriteRefused, kind_of
from e2ee_sig.fsio.reading import display_name, open_regular, read_fd
from e2ee_sig.fsio.temporary import clean_stale_temporaries, signals_raise, write_temporary

LOCK_TIMEOUT = 30.0


def _install(temporary: Path, target: Path, like: os.stat_result | None) -> None:
    """Put ``temporary``'s bytes at ``target``: a rename, or an in-place copy for hard links."""
    try:
        if like is not None and like.st_nlink > 1:
            data = temporary.read_bytes()
            fd = os.open(target, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.write(fd, data)
                os.ftruncate(fd, len(data))
                os.fsync(fd)
            finally:
                os.close(fd)
            temporary.unlink()
        else:
            os.replace(temporary, target)
    except OSError as failure:
        raise WriteRefused(
            display_name(target), f"cannot replace: {failure.strerror or failure}"
        ) from failure


def _regular_target(path: Path) -> Path:
    """The regular file ``path`` names (a symlink's target); refuse anything else."""
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except OSError as failure:
        raise WriteRefused(display_name(path), f"{failure.strerror or failure}") from failure
    if not stat.S_ISREG(mode):
        raise WriteRefused(display_name(path), f"is {kind_of(mode)}, not a regular file")
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteRefused(display_name(path), "is read-only; not changing it")
    return target


@dataclass
class LockedFile:
    """A regular file held under an exclusive advisory lock: ``data`` is what was read."""

    path: Path
    target: Path
    data: bytes
    fd: int
    limit: int

    def replace(self, data: bytes) -> None:
        """Replace the file with ``data`` unless it changed since :attr:`data` was read
        (once per lock: the lock stays on the replaced file until the block ends)."""
        os.lseek(self.fd, 0, os.SEEK_SET)
        current = read_fd(self.fd, self.limit, display_name(self.path))
        if current != self.data or os.stat(self.target).st_ino != os.fstat(self.fd).st_ino:
            raise WriteRefused(
                display_name(self.path),
                "changed while being edited; nothing written (run the command again)",
            )
        like = os.fstat(self.fd)
        clean_stale_temporaries(self.target.parent, self.target.name)
        with signals_raise():
            temporary = write_temporary(self.target, data, like)
            try:
                _install(temporary, self.target, like)
            finally:
                temporary.unlink(missing_ok=True)
        self.data = data


def _lock(fd: int, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as failure:
            if failure.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise WriteRefused(name, f"cannot lock: {failure.strerror}") from failure
        if time.monotonic() > deadline:
            raise WriteRefused(name, "another process holds its lock; try again later")
        time.sleep(0.02)


@contextmanager
def locked_edit(
    path: str | os.PathLike[str], limit: int = 64 * 1048576, timeout: float = LOCK_TIMEOUT
) -> Iterator[LockedFile]:
    """Hold ``path`` (a regular file, or a symlink to one) under an exclusive lock, read.

    Another e2ee-sig process editing the same file waits for the lock (up to ``timeout``
    seconds) and then reads the bytes this one wrote. A writer that takes no lock is caught by
    :meth:`LockedFile.replace`, which refuses to replace bytes that changed since the read.
    """
    given = Path(path)
    target = _regular_target(given)
    name = display_name(given)
    while True:
        fd = open_regular(target, os.O_RDONLY, WriteRefused)
        try:
            _lock(fd, name, timeout)
            if os.fstat(fd).st_ino == os.stat(target).st_ino:
                break  # still the file at the path, not one replaced while we waited
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        try:
            data = read_fd(fd, limit, name)
        except ReadRefused as failure:
            raise WriteRefused(failure.name, failure.reason) from failure
        yield LockedFile(given, target, data, fd, limit)
    finally:
        os.close(fd)  # releases the lock


def rewrite(path: str | os.PathLike[str], expected: bytes, data: bytes) -> None:
    """Replace ``path``'s bytes ``expected`` with ``data`` (refused if they are not there)."""
    with locked_edit(path) as file:
        if file.data != expected:
            raise WriteRefused(
                display_name(path),
                "changed since it was read; nothing written (run the command again)",
            )
        file.replace(data)


def write_output(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> None:
    """Create (or, with ``overwrite``, replace) the output file ``path`` atomically.

    A symlink is followed to its target; a folder, FIFO, device or socket at the path is refused
    and left alone; an existing file is kept when ``overwrite`` is false.
    """
    given = Path(path)
    target = Path(os.path.realpath(given))
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as failure:
        raise WriteRefused(display_name(given), f"{failure.strerror or failure}") from failure
    if existing is not None:
        if not stat.S_ISREG(existing.st_mode):
            raise WriteRefused(
                display_name(given), f"is {kind_of(existing.st_mode)}, not a regular file"
            )
        if not overwrite:
            raise WriteRefused(display_name(given), "already exists")
        if not existing.st_mode & 0o222:
            raise WriteRefused(display_name(given), "is read-only; not changing it")
    clean_stale_temporaries(target.parent, target.name)
    with signals_raise():
        temporary = write_temporary(target, data, existing)
        try:
            if existing is None and not overwrite:
                try:
                    os.link(temporary, target)  # fails if something appeared meanwhile
                except OSError as failure:
                    raise WriteRefused(
                        display_name(given), f"cannot create: {failure.strerror or failure}"
                    ) from failure
            else:
                _check_still_regular(target, given)
                _install(temporary, target, existing)
        finally:
            temporary.unlink(missing_ok=True)


def write_report(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a report to ``path``: into a FIFO or character device named as the destination
    (``/dev/stderr``, a shell's process substitution), else as :func:`write_output` does."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        try:
            with open(path, "wb") as stream:
                stream.write(data)
        except OSError as failure:
            raise WriteRefused(display_name(path), failure.strerror or str(failure)) from failure
        return
    write_output(path, data)


def _check_still_regular(target: Path, given: Path) -> None:
    with suppress(FileNotFoundError):
        mode = os.lstat(target).st_mode
        if not stat.S_ISREG(mode):
            raise WriteRefused(display_name(given), f"is {kind_of(mode)}, not a regular file")
