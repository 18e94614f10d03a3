"""Safe file access for every command: bounded reads, locked and checked rewrites, new outputs.

* :func:`read_capped` reads regular files only (a FIFO or a device is refused at once, never
  waited on) and never more than a byte cap, whatever ``st_size`` says.
* :func:`locked_edit` is the one read-modify-write: it follows a symlink to its target, refuses
  anything that is not a regular file or is read-only, takes an advisory ``fcntl`` lock on the
  target, re-checks just before replacing that the bytes on disk are still the bytes it read,
  and replaces them atomically keeping mode, owner, hard links and the file's line endings to
  the caller (see :func:`line_ending`).
* :func:`write_output` creates or replaces an output file the command owns, never renaming over
  a device, a FIFO, a socket or a folder.

Temporary files are named ``.<name>.e2ee-sig.<pid>.<random>.tmp`` beside the target; they are
removed on any exit (SIGTERM and SIGHUP included), and one left by a killed process (its pid no
longer running) is removed the next time that file is written.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import signal
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from e2ee_sig.errors import E2eeSigError

LOCK_TIMEOUT = 30.0
TEMP_MARK = ".e2ee-sig."
_TEMP = re.compile(r"^\.(?P<name>.+)\.e2ee-sig\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(E2eeSigError, OSError):
    """A file cannot be read or written safely; the message is one line (exit status 2).

    Also an ``OSError`` (``strerror`` is the reason) so callers that turn write errors into
    one-line messages keep doing so.
    """

    exit_code = 2

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.strerror = reason
        self.name = name
        self.reason = reason


class ReadRefused(FileRefused):
    """A file cannot be read: not a regular file, over the size cap, or unreadable."""


class WriteRefused(FileRefused):
    """A file cannot be written: not a regular file, read-only, locked, or changed meanwhile."""


def display_name(path: str | os.PathLike[str]) -> str:
    """``path`` as printable text: bytes that are not UTF-8 become U+FFFD, never an error."""
    return os.fsencode(path).decode("utf-8", "replace")


def kind_of(mode: int) -> str:
    """What a ``st_mode`` describes, in words (``a FIFO (named pipe)``, ``a regular file``)."""
    return next((word for test, word in _KINDS if test(mode)), "a regular file")


def line_ending(data: bytes) -> bytes:
    """The line ending ``data`` mostly uses: ``b"\\r\\n"`` or ``b"\\n"`` (the default)."""
    crlf = data.count(b"\r\n")
    return b"\r\n" if crlf and crlf * 2 >= data.count(b"\n") else b"\n"


def with_line_ending(text: bytes, ending: bytes) -> bytes:
    """``text`` (written with ``\\n``) using ``ending`` for every line break."""
    return text.replace(b"\r\n", b"\n").replace(b"\n", ending) if ending != b"\n" else text


# --- reading ----------------------------------------------------------------------------------


def _read_fd(fd: int, limit: int, name: str) -> bytes:
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise ReadRefused(name, f"file is over the {_size(limit)} limit")
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit // 1048576} MiB" if limit >= 1048576 else f"{limit} bytes"


def _open_regular(path: str | os.PathLike[str], flags: int, error: type[FileRefused]) -> int:
    """Open without blocking on a FIFO, then refuse anything but a regular file."""
    name = display_name(path)
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except OSError as failure:
        raise error(name, failure.strerror or str(failure)) from failure
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise error(name, f"is {kind_of(mode)}, not a regular file")
    os.set_blocking(fd, True)
    return fd


def _read_regular(path: str | os.PathLike[str], read: Callable[[int, str], bytes]) -> bytes:
    """``read(fd, name)`` on the regular file ``path`` opened for reading (see ``_open_regular``);
    OSError becomes :class:`ReadRefused`."""
    fd = _open_regular(path, os.O_RDONLY, ReadRefused)
    try:
        return read(fd, display_name(path))
    except FileRefused:
        raise
    except OSError as failure:
        raise ReadRefused(display_name(path), f"cannot read: {failure.strerror}") from failure
    finally:
        os.close(fd)


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing (never hanging) on anything else and
    reading at most ``limit`` bytes: a larger file raises :class:`ReadRefused`."""
    return _read_regular(path, lambda fd, name: _read_fd(fd, limit, name))


def read_through(path: str | os.PathLike[str], marker: bytes, limit: int) -> bytes:
    """The start of the regular file ``path`` up to and including the first ``marker`` (the
    whole file when it has none), read in small chunks; :class:`ReadRefused` past ``limit``."""

    def read(fd: int, name: str) -> bytes:
        data = b""
        while True:
            chunk = os.read(fd, 16384 if len(data) < 65536 else 1 << 20)
            if not chunk:
                return data
            start = max(0, len(data) - len(marker))
            data += chunk
            end = data.find(marker, start)
            if end >= 0:
                return data[: end + len(marker)]
            if len(data) > limit:
                raise ReadRefused(name, f"file is over the {_size(limit)} limit")

    return _read_regular(path, read)


# --- writing ----------------------------------------------------------------------------------


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_temporary(name: str) -> bool:
    """Whether ``name`` is one of this module's temporary files (to be ignored by scans)."""
    return _TEMP.match(name) is not None


def clean_stale_temporaries(folder: Path, name: str) -> None:
    """Remove temporary files for ``name`` in ``folder`` left by processes no longer running."""
    with suppress(OSError):
        for entry in os.scandir(folder):
            match = _TEMP.match(entry.name)
            if match and match["name"] == name and not _pid_running(int(match["pid"])):
                with suppress(OSError):
                    os.unlink(entry.path)


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}.{secrets.token_hex(4)}.tmp")


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While a temporary file exists, SIGTERM/SIGHUP unwind (so ``finally`` cleans up)."""

    def unwind(number: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + number)

    saved = {}
    try:
        for number in (signal.SIGTERM, signal.SIGHUP):
            saved[number] = signal.signal(number, unwind)
    except ValueError:  # not the main thread: signals cannot be caught here
        pass
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _write_temporary(target: Path, data: bytes, like: os.stat_result | None) -> Path:
    """Write ``data`` to a new temporary file beside ``target`` with ``like``'s mode and owner."""
    temporary = _temporary_name(target)
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as failure:
        raise WriteRefused(
            display_name(target),
            f"cannot write in {display_name(target.parent)}: {failure.strerror or failure}",
        ) from failure
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            if like is not None:
                with suppress(OSError):
                    os.fchown(stream.fileno(), like.st_uid, like.st_gid)
            os.fchmod(stream.fileno(), like.st_mode & 0o7777 if like else 0o666 & ~_umask())
    except BaseException as failure:
        temporary.unlink(missing_ok=True)
        if isinstance(failure, OSError):
            raise WriteRefused(
                display_name(target), f"cannot write: {failure.strerror or failure}"
            ) from failure
        raise
    return temporary


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


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
        current = _read_fd(self.fd, self.limit, display_name(self.path))
        if current != self.data or os.stat(self.target).st_ino != os.fstat(self.fd).st_ino:
            raise WriteRefused(
                display_name(self.path),
                "changed while being edited; nothing written (run the command again)",
            )
        like = os.fstat(self.fd)
        clean_stale_temporaries(self.target.parent, self.target.name)
        with _signals_raise():
            temporary = _write_temporary(self.target, data, like)
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
        fd = _open_regular(target, os.O_RDONLY, WriteRefused)
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
            data = _read_fd(fd, limit, name)
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
    with _signals_raise():
        temporary = _write_temporary(target, data, existing)
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
