"""Forked workers for large lint runs: no pool, no pickled rules, the parent working too.

The parent has already imported everything, compiled the DTD, read ``xep.ent`` and linted
the first file (which loads what rules load on first use). It then writes the rest of the
work, largest files first, into a pipe that every process reads from, four bytes (one item)
at a time: a pipe hands each read whole to one reader, so whoever is free takes the next
item and the processes finish together, however unevenly the files or the cores run. Each
child forked from the parent streams one length-prefixed pickle per file back through its
own pipe and leaves with ``os._exit`` (no interpreter teardown); the parent collects them in
between its own files, so progress keeps moving. A child that dies, sends something
unreadable or cannot be started costs only time: the parent lints what is missing itself.

A child's pickles come from one pickler and go to one unpickler, whose memos last the run:
what the files share (the classes, severities, rule codes and names) is sent and rebuilt once
a child, not once a file (the pickler's memo keeps each object it sent alive, so no id is
reused; nothing sent is changed afterwards). A diagnostic goes as its constructor's arguments,
which the parent passes back in one call (the default, a state dict, costs both sides more).
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import io
import os
import pickle
import select
import signal
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter

from e2ee_sig.background import write_all
from e2ee_sig.fsio import widen_pipe
from e2ee_sig.lint.model import Diagnostic

_FRAME = struct.Struct("<Q")
_ITEM = struct.Struct("<I")
_CHUNK = 1 << 16
_RESULTS_PIPE = 1 << 20
_QUEUE_ITEMS = 15_000  # 60 kB of items: the work pipe is filled before anyone reads it
_ARGUMENTS = attrgetter(*(f.name for f in fields(Diagnostic)))  # (its __init__ takes them so)


@dataclass(eq=False)
class _Child:
    """A forked worker: its process, the read end of its results pipe, what it has sent (the
    frame being read, and the unpickler that reads every frame of this child in turn)."""

    pid: int
    fd: int
    buffer: bytearray = field(default_factory=bytearray)
    open: bool = True
    frame: io.BytesIO = field(default_factory=io.BytesIO)
    unpickler: pickle.Unpickler = field(init=False)

    def __post_init__(self) -> None:
        self.unpickler = pickle.Unpickler(self.frame)


@dataclass(frozen=True, eq=False)
class _Work:
    """The files after the first, in the order they are handed out, in items of ``size``."""

    order: Sequence[int]
    size: int

    def item(self, number: int) -> Sequence[int]:
        return self.order[number * self.size : (number + 1) * self.size]


def run_forked(
    lint_one: Callable[[int], list[Diagnostic]],
    order: Sequence[int],
    jobs: int,
    progress: Callable[[int], None] | None,
) -> list[list[Diagnostic]]:
    """``lint_one(i)`` for every index in ``order`` (the first here, before forking; the rest
    by whichever of ``jobs`` processes is free, in that order); the results in index order."""
    results: dict[int, list[Diagnostic]] = {}
    children: list[_Child] = []
    gc.freeze()  # what is loaded now lives for the run: no collection walks it (2-3 % of CPU)
    try:
        for index in order[:1]:  # first, so that the children inherit what it warms up
            _record(results, index, lint_one(index), progress)
        work = _Work(order[1:], -(-len(order[1:]) // _QUEUE_ITEMS) or 1)
        queue = _queue(-(-len(work.order) // work.size))
        try:
            for _ in range(jobs - 1):
                try:
                    children.append(_fork(lint_one, work, queue))
                except OSError:  # no more processes (a pids limit): fewer hands, same work
                    break
            while (number := _take(queue)) is not None:
                for index in work.item(number):
                    _record(results, index, lint_one(index), progress)
                    _collect(children, results, progress, wait=False)
        finally:
            os.close(queue)
        while any(child.open for child in children):
            _collect(children, results, progress, wait=True)
    finally:
        gc.unfreeze()
        for child in children:
            _reap(child)
    for index in order:  # what a failed child took but never sent
        if index not in results:
            _record(results, index, lint_one(index), progress)
    return [results[index] for index in sorted(results)]


def _record(
    results: dict[int, list[Diagnostic]],
    index: int,
    found: list[Diagnostic],
    progress: Callable[[int], None] | None,
) -> None:
    results[index] = found
    if progress:
        progress(1)


def _queue(items: int) -> int:
    """The read end of a pipe holding item numbers ``0 .. items-1``, its write end closed."""
    read_end, write_end = os.pipe()
    try:
        write_all(write_end, b"".join(_ITEM.pack(number) for number in range(items)))
    finally:
        os.close(write_end)
    return read_end


def _take(queue: int) -> int | None:
    """The next item number, or None when the work is all taken."""
    data = os.read(queue, _ITEM.size)
    return _ITEM.unpack(data)[0] if len(data) == _ITEM.size else None


def _pickler(frame: io.BytesIO) -> pickle.Pickler:
    """The pickler of a child's results, writing each into ``frame``."""
    pickler = pickle.Pickler(frame, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Diagnostic: _as_arguments}
    return pickler


def _as_arguments(diagnostic: Diagnostic) -> tuple[type[Diagnostic], tuple[object, ...]]:
    return Diagnostic, _ARGUMENTS(diagnostic)


def _fork(lint_one: Callable[[int], list[Diagnostic]], work: _Work, queue: int) -> _Child:
    read_end, write_end = os.pipe()
    widen_pipe(read_end, _RESULTS_PIPE)  # a child seldom waits for the parent to read
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
            frame = io.BytesIO()
            pickler = _pickler(frame)
            while (number := _take(queue)) is not None:
                for index in work.item(number):
                    pickler.dump((index, lint_one(index)))
                    data = frame.getvalue()
                    frame.seek(0)
                    frame.truncate()
                    write_all(write_end, _FRAME.pack(len(data)) + data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, read_end)


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
        frame = child.frame
        frame.seek(0)
        frame.truncate()
        frame.write(child.buffer[_FRAME.size : _FRAME.size + size])
        frame.seek(0)
        del child.buffer[: _FRAME.size + size]
        try:
            index, found = child.unpickler.load()  # our own child's output
        except Exception:  # a corrupt frame: treat the child as failed from here on
            child.open = False
            return
        if index not in results:
            _record(results, index, found, progress)


def _reap(child: _Child) -> None:
    """Close the pipe and wait for the child (killing it first if it is still working)."""
    if child.open:
        child.open = False
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
    os.close(child.fd)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(child.pid, 0)
