"""Forked lint workers: same results as one process, in order, whatever a child does."""

from __future__ import annotations

import os

import pytest

from e2ee_sig.lint import workers
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lint.workers import run_forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _diagnostic(index: int) -> Diagnostic:
    return Diagnostic(f"file-{index}.xml", index + 1, 1, "XSF001", Severity.ERROR, "x" * index)


def _lint(index: int) -> list[Diagnostic]:
    return [_diagnostic(index)] * (index % 3)


SHARES = [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]


def test_forked_results_equal_the_serial_ones_in_order() -> None:
    ticks: list[int] = []
    found = run_forked(_lint, SHARES, ticks.append)
    assert found == [_lint(i) for i in range(12)]
    assert sum(ticks) == 12


def test_results_larger_than_a_pipe_buffer_arrive_whole() -> None:
    def bulky(index: int) -> list[Diagnostic]:
        return (
            [
                Diagnostic("big.xml", line, 1, "CNT001", Severity.WARNING, "y" * 500)
                for line in range(1, 400)
            ]
            if index == 5
            else []
        )

    found = run_forked(bulky, SHARES, None)
    assert len(found[5]) == 399
    assert sum(map(len, found)) == 399


def test_a_child_that_dies_has_its_files_linted_by_the_parent() -> None:
    parent = os.getpid()

    def dying(index: int) -> list[Diagnostic]:
        if os.getpid() != parent and index == 4:
            os._exit(3)  # a crashed worker: it sent index 1, never 4 or 7 or 10
        return _lint(index)

    assert run_forked(dying, SHARES, None) == [_lint(i) for i in range(12)]


def test_an_error_in_the_parent_leaves_no_child_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    forked: list[int] = []
    real_fork = workers._fork

    def recording_fork(lint_one: object, share: list[int]) -> workers._Child:
        child = real_fork(lint_one, share)  # type: ignore[arg-type]
        forked.append(child.pid)
        return child

    def failing(index: int) -> list[Diagnostic]:
        if os.getpid() == parent and index == 3:
            raise KeyboardInterrupt
        return _lint(index)

    monkeypatch.setattr(workers, "_fork", recording_fork)
    with pytest.raises(KeyboardInterrupt):
        run_forked(failing, SHARES, None)
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ChildProcessError):  # reaped: no zombie left
            os.waitpid(pid, os.WNOHANG)
