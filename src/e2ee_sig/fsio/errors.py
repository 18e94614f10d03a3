"""Why a file was refused: one-line errors, and the kinds of file that are not regular."""

from __future__ import annotations

import stat

from e2ee_sig.errors import E2eeSigError

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


def kind_of(mode: int) -> str:
    """What a ``st_mode`` describes, in words (``a FIFO (named pipe)``, ``a regular file``)."""
    return next((word for test, word in _KINDS if test(mode)), "a regular file")
