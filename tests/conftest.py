"""Shared fixtures: the real corpus (skipped when absent) and a XEP root built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.xepfactory import CORPUS


@pytest.fixture
def corpus() -> Path:
    """``../shared/corpus``: the real xsf/xeps files; tests using it skip when it is absent."""
    if not (CORPUS / "xep.dtd").is_file():
        pytest.skip("../shared/corpus is not available")
    return CORPUS


@pytest.fixture
def xep_root(tmp_path: Path, corpus: Path) -> Path:
    """An empty xsf/xeps-like root: xep.dtd and xep.ent from the corpus, and an inbox/."""
    root = tmp_path / "xeps-root"
    (root / "inbox").mkdir(parents=True)
    for name in ("xep.dtd", "xep.ent"):
        (root / name).write_bytes((corpus / name).read_bytes())
    return root
