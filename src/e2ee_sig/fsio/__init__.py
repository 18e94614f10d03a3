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

Modules: :mod:`.errors` (the refusals), :mod:`.reading`, :mod:`.temporary` (temporary files),
:mod:`.writing`, each loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from e2ee_sig.lazy import module_attributes

if TYPE_CHECKING:
    from e2ee_sig.fsio.errors import FileRefused, ReadRefused, WriteRefused, kind_of
    from e2ee_sig.fsio.reading import (
        display_name,
        line_ending,
        read_capped,
        read_through,
        widen_pipe,
        with_line_ending,
    )
    from e2ee_sig.fsio.temporary import TEMP_MARK, clean_stale_temporaries, is_temporary
    from e2ee_sig.fsio.writing import (
        LOCK_TIMEOUT,
        LockedFile,
        locked_edit,
        rewrite,
        write_output,
        write_report,
    )

_HOMES = {
    **dict.fromkeys(
        ("FileRefused", "ReadRefused", "WriteRefused", "kind_of"), "e2ee_sig.fsio.errors"
    ),
    **dict.fromkeys(
        (
            "display_name",
            "line_ending",
            "read_capped",
            "read_through",
            "widen_pipe",
            "with_line_ending",
        ),
        "e2ee_sig.fsio.reading",
    ),
    **dict.fromkeys(
        ("TEMP_MARK", "clean_stale_temporaries", "is_temporary"), "e2ee_sig.fsio.temporary"
    ),
    **dict.fromkeys(
        (
            "LOCK_TIMEOUT",
            "LockedFile",
            "locked_edit",
            "rewrite",
            "write_output",
            "write_report",
        ),
        "e2ee_sig.fsio.writing",
    ),
}
"""Where each name lives: a module is imported on first use (linting never loads the
writing half, which pulls in ``secrets`` and ``hashlib``)."""

__all__ = [
    "LOCK_TIMEOUT",
    "TEMP_MARK",
    "FileRefused",
    "LockedFile",
    "ReadRefused",
    "WriteRefused",
    "clean_stale_temporaries",
    "display_name",
    "is_temporary",
    "kind_of",
    "line_ending",
    "locked_edit",
    "read_capped",
    "read_through",
    "rewrite",
    "widen_pipe",
    "with_line_ending",
    "write_output",
    "write_report",
]


__getattr__ = module_attributes(__name__, _HOMES)
