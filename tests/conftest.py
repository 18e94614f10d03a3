"""Shared fixtures: the real corpus (skipped when absent), a XEP root with the small test DTD
(never skipped) and one with the XSF's own DTD (skipped without the corpus)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.xepfactory import CORPUS

# Property tests check what is found, not how fast: a busy CI machine must not fail them on
# hypothesis's 200 ms per-example deadline (speed is measured in benchmarks/).
settings.register_profile("e2ee-sig", deadline=None)
settings.load_profile("e2ee-sig")

TEST_DTD = Path(__file__).resolve().parent / "fixtures" / "xep-root"


@pytest.fixture
def corpus() -> Path:
    """``../shared/corpus``: the real xsf/xeps files; tests using it skip when it is absent."""
    if not (CORPUS / "xep.dtd").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the corpus is missing at {CORPUS}")
        pytest.skip("../shared/corpus is not available")
    return CORPUS


def _root(tmp_path: Path, source: Path) -> Path:
    root = tmp_path / "xeps-root"
    (root / "inbox").mkdir(parents=True)
    for name in ("xep.dtd", "xep.ent"):
        (root / name).write_bytes((source / name).read_bytes())
    return root


@pytest.fixture
def xep_root(tmp_path: Path) -> Path:
    """An empty xsf/xeps-like root: the small xep.dtd and xep.ent written for the tests
    (tests/fixtures/xep-root), and an inbox/."""
    return _root(tmp_path, TEST_DTD)


@pytest.fixture
def xsf_root(tmp_path: Path, corpus: Path) -> Path:
    """An empty xsf/xeps-like root with the XSF's own xep.dtd and xep.ent from the corpus, for
    tests about what the real DTD accepts."""
    return _root(tmp_path, corpus)
