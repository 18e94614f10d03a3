"""Forked lint workers: same results as one process, in order, whatever a child does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from e2ee_sig.lint import workers
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lint.workers import run_forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")

ORDER = [0, 11, 3, 7, 1, 10, 2, 9, 4, 8, 5, 6]  # handed out in this order, any order works


def _diagnostic(index: int) -> Diagnostic:
    return Diagnostic(f"file-{index}.xml", index + 1, 1, "XSF001", Severity.ERROR, "x" * index)


def _lint(index: int) -> list[Diagnostic]:
    return [_diagnostic(index)] * (index % 3)


def test_forked_results_equal_the_serial_ones_in_order() -> None:
    ticks: list[int] = []
    found = run_forked(_lint, ORDER, 3, ticks.append)
    assert found == [_lint(i) for i in range(12)]
    assert sum(ticks) == 12


def test_every_process_takes_work_from_the_shared_queue() -> None:
    parent = os.getpid()

    def slow_in_the_parent(index: int) -> list[Diagnostic]:
        if os.getpid() == parent and index != ORDER[0]:
            import time

            time.sleep(0.05)  # the children, quicker, take most of the queue meanwhile
        return [Diagnostic("x.xml", 1, 1, "XSF001", Severity.ERROR, str(os.getpid()))]

    found = run_forked(slow_in_the_parent, ORDER, 3, None)
    by_parent = sum(d[0].message == str(parent) for d in found)
    assert 1 <= by_parent < 12 // 2  # the first file, and far fewer than an even share


def test_results_larger_than_a_pipe_buffer_arrive_whole() -> None:
    def bulky(index: int) -> list[Diagnostic]:
        if index != 5:
            return []
        return [
            Diagnostic("big.xml", line, 1, "CNT001", Severity.WARNING, "y" * 500)
            for line in range(1, 4000)
        ]

    found = run_forked(bulky, ORDER, 2, None)
    assert len(found[5]) == 3999
    assert sum(map(len, found)) == 3999


def test_a_child_that_dies_has_its_files_linted_by_the_parent() -> None:
    parent = os.getpid()

    def dying(index: int) -> list[Diagnostic]:
        if os.getpid() != parent:
            os._exit(3)  # a crashed worker: the item it took is never sent
        return _lint(index)

    assert run_forked(dying, ORDER, 3, None) == [_lint(i) for i in range(12)]


def test_an_error_in_the_parent_leaves_no_child_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    forked: list[int] = []
    real_fork = workers._fork

    def recording_fork(lint_one: object, work: object, queue: int) -> workers._Child:
        child = real_fork(lint_one, work, queue)  # type: ignore[arg-type]
        forked.append(child.pid)
        return child

    def failing(index: int) -> list[Diagnostic]:
        if os.getpid() != parent:
            import time

            time.sleep(0.2)  # slow children: the parent surely takes an item of its own
        elif index != ORDER[0]:
            raise KeyboardInterrupt
        return _lint(index)

    monkeypatch.setattr(workers, "_fork", recording_fork)
    with pytest.raises(KeyboardInterrupt):
        run_forked(failing, ORDER, 3, None)
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):  # reaped: no zombie left
            os.waitpid(pid, os.WNOHANG)


def test_the_smallest_file_goes_first_then_the_largest(tmp_path: Path) -> None:
    from e2ee_sig.lint.batch import _largest_first, _sizes
    from e2ee_sig.lint.discovery import Target

    sizes = {"a.xml": 30, "b.xml": 5, "c.xml": 90, "d.xml": 60}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    targets = [Target(tmp_path / name, name, None) for name in sizes]
    order = [targets[index].display for index in _largest_first(_sizes(targets))]
    assert order == ["b.xml", "c.xml", "d.xml", "a.xml"]
