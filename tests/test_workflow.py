"""The toolkit's whole workflow, command after command: new-xep → lint → bump → bundle → stale."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from tests.xepfactory import make_xep

COMMIT_DATE = "2026-01-05T12:00:00"


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def commit_all(repo: git.Repo, message: str) -> None:
    repo.git.add("--all")
    repo.index.commit(message, author_date=COMMIT_DATE, commit_date=COMMIT_DATE)


@pytest.fixture
def clone(xep_root: Path) -> git.Repo:
    """A clone of an xsf/xeps-like repository with one Experimental XEP, dated 2025-12-01."""
    upstream = git.Repo.init(xep_root)
    with upstream.config_writer() as config:
        config.set_value("user", "name", "Editor").set_value("user", "email", "ed@example.org")
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    commit_all(upstream, "XEP-0999: accepted")
    repo = git.Repo.clone_from(str(xep_root), xep_root.parent / "clone")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Author").set_value("user", "email", "ae@example.org")
    return repo


def test_a_draft_goes_from_new_xep_to_a_council_bundle(clone: git.Repo, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace" / "xeps"
    workspace.mkdir(parents=True)
    root = Path(clone.working_tree_dir or ".")
    code, output = run(
        "new-xep", "--no-input", "--template", "encryption", "--title", "OMEMO over MLS",
        "--shortname", "omemo-mls", "--abstract", "This specification defines OMEMO over MLS.",
        "--author", "Alice Example <alice@example.org>", "--jid", "alice@example.org",
        "--date", "2026-11-01", "--output", workspace / "omemo-mls.xml",
    )  # fmt: skip
    draft = workspace / "omemo-mls.xml"
    assert code == 0 and draft.is_file(), output

    code, output = run("lint", "--format", "json", "--xeps-root", root, draft)
    diagnostics = json.loads(output)["diagnostics"]
    assert code == 0 and diagnostics, "a fresh draft has no errors, but a to-do list"
    assert {d["severity"] for d in diagnostics} == {"warning"}

    code, output = run(
        "bump", draft, "-m", "Describe the MLS group setup.", "--initials", "ae",
        "--date", "2026-11-20",
    )  # fmt: skip
    assert code == 0 and "0.0.1 → 0.0.2" in output, output

    head, branch = clone.head.commit.hexsha, clone.active_branch.name
    code, output = run("bundle", "--into", root, draft)
    assert code == 0, output
    assert (clone.head.commit.hexsha, clone.active_branch.name) == (head, branch)
    assert not clone.is_dirty(untracked_files=True)
    tip = clone.commit("protoxep/omemo-mls")
    assert tip.message.strip() == "ProtoXEP: OMEMO over MLS"
    assert tip.tree["inbox/omemo-mls.xml"].data_stream.read() == draft.read_bytes()


def test_an_update_is_bumped_committed_and_bundled(clone: git.Repo) -> None:
    root = Path(clone.working_tree_dir or ".")
    xep = root / "xep-0999.xml"
    code, output = run("bump", xep, "-m", "Add widget colours.", "--initials", "ae",
                       "--date", "2026-11-20")  # fmt: skip
    assert code == 0 and "0.2.0 → 0.3.0" in output, output
    commit_all(clone, "XEP-0999: add widget colours")
    (root / "notes.txt").write_text("not part of the submission\n", encoding="utf-8")

    code, output = run("lint", "--profile", "xsf-ci", "--changed-since", "origin/HEAD", root)
    assert code == 0, output
    out = root.parent / "submission"
    code, output = run("bundle", root, "--out", out)
    assert code == 0, output
    summary = (out / "SUMMARY.md").read_text(encoding="utf-8")
    assert "XEP-0999" in summary and "0.3.0" in summary
    bundles = list(out.glob("*.bundle"))
    assert len(bundles) == 1
    clone.git.bundle("verify", str(bundles[0]))
    assert (root / "notes.txt").is_file() and clone.untracked_files == ["notes.txt"]


def test_stale_reports_then_defers_the_xep(clone: git.Repo) -> None:
    root = Path(clone.working_tree_dir or ".")
    code, output = run("stale", root, "--now", "2026-11-25", "--format", "json")
    entry = next(x for x in json.loads(output)["xeps"] if x["number"] == 999)
    assert code == 0 and entry["state"] == "ok"
    code, output = run("stale", root, "--now", "2027-03-02", "--format", "json")
    entry = next(x for x in json.loads(output)["xeps"] if x["number"] == 999)
    assert code == 1 and entry["state"] == "stale"

    code, output = run(
        "stale", root, "--now", "2027-03-02", "--defer", "--initials", "ed", "--commit"
    )
    assert code == 0, output
    assert clone.head.commit.message.strip() == "XEP-0999: deferred due to lack of activity"
    assert "<status>Deferred</status>" in (root / "xep-0999.xml").read_text(encoding="utf-8")
    assert run("lint", "--profile", "xsf-ci", root / "xep-0999.xml")[0] == 0
