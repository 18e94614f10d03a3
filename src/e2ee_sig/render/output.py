"""Write a command's output: to stdout, or to a file through :mod:`e2ee_sig.fsio` (atomic,
never over a folder; into a FIFO or character device named as the destination)."""

from __future__ import annotations

import sys
from pathlib import Path

from e2ee_sig.fsio import write_report


def emit(data: bytes, out: Path | None) -> None:
    """``data`` to ``out``, or to stdout when there is no ``out``."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_report(out, data)
