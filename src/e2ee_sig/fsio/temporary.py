"""Temporary files beside a target: named ``.<name>.e2ee-sig.<pid>.<random>.tmp``, removed on
any exit (SIGTERM and SIGHUP included), and removed later when left by a killed process."""

from __future__ import annotations

import os
import re
import secrets
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from e2ee_sig.fsio.errors import WriteRefused
from e2ee_sig.fsio.reading import display_name

TEMP_MARK = ".e2ee-sig."
_TEMP = re.compile(r"^\.(?P<name>.+)\.e2ee-sig\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")


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
def signals_raise() -> Iterator[None]:
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


def write_temporary(target: Path, data: bytes, like: os.stat_result | None) -> Path:
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
