"""Rendered diffs in the workflow: ``bundle`` writes one per changed XEP and links it from
SUMMARY.md; ``stale --since REF`` links each XEP changed since REF (real temporary git
repositories made with gitpython)."""

from __future__ import annotations

import re
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from tests.test_bundle import bump_0999, commit, identify, top_of
from tests.xepfactory import make_xep

DATE = "2026-01-05T12:00:00"


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*map(str, args)])
    return result.exit_code, result.output


@pytest.fixture
def upstream(xep_root: Path) -> git.Repo:
    """An xsf/xeps-like repository with two XEPs, xep.dtd and xep.ent."""
    repo = identify(git.Repo.init(xep_root, initial_branch="master"))
    files = {"xep-0998.xml": make_xep(number="0998"), "xep-0999.xml": make_xep(number="0999")}
    commit(repo, "Initial XEPs", files, DATE)
    repo.index.add(["xep.dtd", "xep.ent"])
    repo.index.commit("DTD and entities", author_date=DATE, commit_date=DATE)
    return repo


@pytest.fixture
def clone(upstream: git.Repo, tmp_path: Path) -> git.Repo:
    """The author's clone: origin/HEAD points at master."""
    return identify(git.Repo.clone_from(upstream.working_tree_dir, tmp_path / "clone"))


def markdown_links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)]+)\)", text)


# --- bundle ---------------------------------------------------------------------------------


def test_bundle_writes_and_links_the_rendered_diff(clone: git.Repo, tmp_path: Path) -> None:
    bump_0999(clone)
    out = tmp_path / "out"
    status, output = invoke("bundle", top_of(clone), "--out", out)
    assert status == 0, output
    page = (out / "diff-xep-0999.html").read_text(encoding="utf-8")
    assert "<ins>and has a handshake.</ins>" in page or re.search(
        r"<ins>[^<]*handshake[^<]*</ins>", page
    )
    assert "0.2.0 → 0.3.0" in page
    summary = (out / "SUMMARY.md").read_text(encoding="utf-8")
    assert "diff-xep-0999.html" in markdown_links(summary)
    assert "diff-xep-0999.html" in output
    assert not (out / "diff-xep-0998.html").exists()
