"""Bounded reads of regular files: never a FIFO or device, never more than a byte cap."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from e2ee_sig.fsio.errors import FileRefused, ReadRefused, kind_of


def display_name(path: str | os.PathLike[str]) -> str:
    """``path`` as printable text: bytes that are not UTF-8 become U+FFFD, never an error."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_fd(fd: int, limit: int, name: str | os.PathLike[str], size: int | None = None) -> bytes:
    """The rest of the regular file open at ``fd``; :class:`ReadRefused` past ``limit`` bytes
    (``name``, a path or its display name, is shown then).

    The first read asks for one byte more than the file's size (``size`` when the caller
    just opened the file and knows it: no second ``fstat``; a buffer of the right size, not a
    megabyte per call); a short read that brings exactly that size is the end of the file.
    Files that do not know their size (/proc, /sys) are read until a read brings nothing.
    """
    if size is not None:
        expected = size
    else:
        try:
            expected = max(os.fstat(fd).st_size - os.lseek(fd, 0, os.SEEK_CUR), 0)
        except OSError:
            expected = 0
    chunks, total = [], 0
    wanted = min(expected + 1, limit + 1)
    while total <= limit:
        chunk = os.read(fd, wanted)
        chunks.append(chunk)
        total += len(chunk)
        if not chunk or (len(chunk) < wanted and total == expected):
            break
        wanted = min(1 << 20, limit + 1 - total)
    if total > limit:
        raise ReadRefused(display_name(name), f"file is over the {_size(limit)} limit")
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit // 1048576} MiB" if limit >= 1048576 else f"{limit} bytes"


def open_regular(path: str | os.PathLike[str], flags: int, error: type[FileRefused]) -> int:
    """Open without blocking on a FIFO, then refuse anything but a regular file."""
    return _open_regular(path, flags, error)[0]


def _open_regular(
    path: str | os.PathLike[str], flags: int, error: type[FileRefused]
) -> tuple[int, os.stat_result]:
    """:func:`open_regular`, with the file's status (its one ``fstat``)."""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except OSError as failure:
        raise error(display_name(path), failure.strerror or str(failure)) from failure
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise error(display_name(path), f"is {kind_of(status.st_mode)}, not a regular file")
    os.set_blocking(fd, True)
    return fd, status


def _read_regular(path: str | os.PathLike[str], read: Callable[[int, int], bytes]) -> bytes:
    """``read(fd, size)`` on the regular file ``path`` opened for reading (see
    ``open_regular``; ``size`` from its ``fstat``); OSError becomes :class:`ReadRefused`.
    The path's display name is worked out only for an error."""
    fd, status = _open_regular(path, os.O_RDONLY, ReadRefused)
    try:
        return read(fd, status.st_size)
    except FileRefused:
        raise
    except OSError as failure:
        raise ReadRefused(display_name(path), f"cannot read: {failure.strerror}") from failure
    finally:
        os.close(fd)


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path``, refusing (never hanging) on anything else and
    reading at most ``limit`` bytes: a larger file raises :class:`ReadRefused`."""
    return _read_regular(path, lambda fd, size: read_fd(fd, limit, path, size))


def read_through(path: str | os.PathLike[str], marker: bytes, limit: int) -> bytes:
    """The start of the regular file ``path`` up to and including the first ``marker`` (the
    whole file when it has none), read in small chunks; :class:`ReadRefused` past ``limit``."""

    def read(fd: int, size: int) -> bytes:
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
                raise ReadRefused(display_name(path), f"file is over the {_size(limit)} limit")

    return _read_regular(path, read)


def line_ending(data: bytes) -> bytes:
    """The line ending ``data`` mostly uses: ``b"\\r\\n"`` or ``b"\\n"`` (the default)."""
    crlf = data.count(b"\r\n")
    return b"\r\n" if crlf and crlf * 2 >= data.count(b"\n") else b"\n"


def with_line_ending(text: bytes, ending: bytes) -> bytes:
    """``text`` (written with ``\\n``) using ``ending`` for every line break."""
    return text.replace(b"\r\n", b"\n").replace(b"\n", ending) if ending != b"\n" else text


def widen_pipe(fd: int, size: int) -> None:
    """Let the pipe at ``fd`` hold ``size`` bytes where the system allows it (Linux): the
    process writing into it then goes on while the reader is busy, instead of waiting for
    each 64 KiB to be read."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
    except (ImportError, AttributeError, OSError):
        pass
