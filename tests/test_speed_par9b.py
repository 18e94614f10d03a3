"""A forked run stats its files once, for both the default jobs and the work order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from e2ee_sig.lint import batch
from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.xep import index
from tests.test_background import _large_root

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def test_a_forked_run_stats_its_files_once(xep_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _large_root(xep_root)
    index.clear()
    alone = lint_paths([str(root)], LintOptions(jobs=1)).diagnostics
    stats: list[int] = []
    sizes = batch._sizes
    monkeypatch.setattr(batch, "_sizes", lambda targets: stats.append(1) or sizes(targets))
    monkeypatch.setattr(batch, "_cores", lambda: 2)
    monkeypatch.setattr(batch, "PARALLEL_MIN_WORK", 0)  # the default jobs: two, forked
    index.clear()
    assert lint_paths([str(root)], LintOptions()).diagnostics == alone
    assert stats == [1]  # shared by the default jobs and the largest-first order
    index.clear()
    assert lint_paths([str(root)], LintOptions(jobs=1)).diagnostics == alone
    assert stats == [1]  # one process: no sizes needed


def test_the_order_breaks_ties_by_position() -> None:
    assert batch._largest_first([5, 9, 5, 1, 9]) == [3, 1, 4, 0, 2]
