"""One function run in a forked process while this one goes on, its result sent back pickled.

Lint uses it to build a XEP root's index on the second core while the first imports the rules:
the index is serial work every worker needs, so overlapping it is time off the whole run. A
process that cannot be forked, dies or sends something unreadable costs only time: the caller
gets None and does the work itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

_Result = TypeVar("_Result")
_CHUNK = 1 << 20


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (a pipe may take it in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Background(Generic[_Result]):
    """A forked process computing one value; :meth:`result` waits for it."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid = pid
        self._fd: int | None = fd

    @classmethod
    def start(cls, work: Callable[[], _Result]) -> Background[_Result] | None:
        """Fork a process that runs ``work`` and sends back its result (None: cannot fork)."""
        if not hasattr(os, "fork"):
            return None
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the child: work, send, leave without running the parent's exit code
            status = 1
            try:
                os.close(read_end)
                write_all(write_end, pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))
                os.close(write_end)  # the end of the result now, not once this process is gone
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        return cls(pid, read_end)

    def result(self) -> _Result | None:
        """The value ``work`` returned, once the process has sent it; None when it failed."""
        fd = self._fd
        if fd is None:
            return None
        chunks = []
        try:
            while chunk := os.read(fd, _CHUNK):
                chunks.append(chunk)
            value: _Result | None = pickle.loads(b"".join(chunks))  # our own child's output
        except Exception:  # it died half-way or sent garbage
            value = None
        status = self._reap(kill=False)
        return value if status == 0 else None

    def cancel(self) -> None:
        """Stop the process if it is still working and forget it."""
        self._reap(kill=True)

    def _reap(self, kill: bool) -> int | None:
        """Close the pipe, wait for the process (killing it first when ``kill``); its exit
        status, or None when it was already reaped."""
        if self._fd is None:
            return None
        os.close(self._fd)
        self._fd = None
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status)
