"""Forked workers for large lint runs: no pool, no pickled rules, the parent working too.

The parent has already imported everything, compiled the DTD, read ``xep.ent`` and linted
one file (which loads what rules load on first use); each child forked from it lints its
share of the targets with that state and streams one length-prefixed pickle per target back
through a pipe, then leaves with ``os._exit`` (no interpreter teardown). The parent lints the
first share itself, collecting what the children sent in between files (so progress keeps
moving and no child waits on a full pipe for long). A child that dies or sends something
unreadable, or one that cannot be started, costs only time: the parent lints what is missing
itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from e2ee_sig.lint.model import Diagnostic

_FRAME = struct.Struct("<Q")
_CHUNK = 1 << 16


@dataclass
class _Child:
    """A forked worker: its process, the read end of its pipe, what it owes and has sent."""

    pid: int
    fd: int
    share: list[int]
    buffer: bytearray = field(default_factory=bytearray)
    open: bool = True


def run_forked(
    lint_one: Callable[[int], list[Diagnostic]],
    shares: list[list[int]],
    progress: Callable[[int], None] | None,
) -> list[list[Diagnostic]]:
    """``lint_one(i)`` for every index in ``shares``, the first share in this process and
    each other share in a forked child; the results in index order."""
    results: dict[int, list[Diagnostic]] = {}
    children: list[_Child] = []
    own = shares[0]
    gc.freeze()  # what is loaded now lives for the run: no collection walks it (2-3 % of CPU)
    try:
        for index in own[:1]:  # first, so that the children inherit what it warms up
            results[index] = lint_one(index)  # (compiled patterns, modules loaded on use)
            if progress:
                progress(1)
        rest = own[1:]
        for number, share in enumerate(shares[1:], 1):
            try:
                children.append(_fork(lint_one, share))
            except OSError:  # no more processes (a pids limit): the rest is linted here
                rest += [index for unforked in shares[number:] for index in unforked]
                break
        for index in rest:
            results[index] = lint_one(index)
            if progress:
                progress(1)
            _collect(children, results, progress, wait=False)
        while any(child.open for child in children):
            _collect(children, results, progress, wait=True)
    finally:
        gc.unfreeze()
        for child in children:
            _reap(child)
    for child in children:  # a child that failed: its missing files are linted here
        for index in child.share:
            if index not in results:
                results[index] = lint_one(index)
                if progress:
                    progress(1)
    return [results[index] for index in sorted(results)]


def _fork(lint_one: Callable[[int], list[Diagnostic]], share: list[int]) -> _Child:
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the child: lint, stream, leave without running the parent's exit code
        status = 1
        try:
            os.close(read_end)
            gc.freeze()  # (again: what the parent loaded since) pages stay shared
            for index in share:
                data = pickle.dumps((index, lint_one(index)), pickle.HIGHEST_PROTOCOL)
                _write_all(write_end, _FRAME.pack(len(data)) + data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, read_end, share)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _collect(
    children: list[_Child],
    results: dict[int, list[Diagnostic]],
    progress: Callable[[int], None] | None,
    wait: bool,
) -> None:
    """Read what the children have sent (blocking until one sends, when ``wait``)."""
    open_children = [child for child in children if child.open]
    if not open_children:
        return
    poller = select.poll()  # not select(): any descriptor number works
    for child in open_children:
        poller.register(child.fd, select.POLLIN)
    ready = {fd for fd, _ in poller.poll(None if wait else 0)}
    for child in open_children:
        if child.fd in ready:
            _read(child, results, progress)


def _read(
    child: _Child, results: dict[int, list[Diagnostic]], progress: Callable[[int], None] | None
) -> None:
    chunk = os.read(child.fd, _CHUNK)
    if not chunk:
        child.open = False
        return
    child.buffer += chunk
    while len(child.buffer) >= _FRAME.size:
        (size,) = _FRAME.unpack_from(child.buffer)
        if len(child.buffer) < _FRAME.size + size:
            break
        frame = bytes(child.buffer[_FRAME.size : _FRAME.size + size])
        del child.buffer[: _FRAME.size + size]
        try:
            index, found = pickle.loads(frame)  # our own child's output
        except Exception:  # a corrupt frame: treat the child as failed from here on
            child.open = False
            return
        if index in child.share and index not in results:
            results[index] = found
            if progress:
                progress(1)


def _reap(child: _Child) -> None:
    """Close the pipe and wait for the child (killing it first if it is still working)."""
    if child.open:
        child.open = False
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
    os.close(child.fd)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(child.pid, 0)
