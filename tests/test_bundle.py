"""``e2ee-sig bundle``: submissions checked and packaged from real (temporary) git repositories."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from tests.xepfactory import make_xep

DATE = "2026-01-05T12:00:00"
LATER = "2026-04-02T09:30:00"
REMARK = "Describe the widget handshake."


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["bundle", *map(str, args)])
    return result.exit_code, result.output


def with_revision(text: str, version: str, remark: str = REMARK, day: str = "2026-04-01") -> str:
    """``text`` with a new revision block before the first one."""
    block = (
        f"  <revision>\n    <version>{version}</version>\n    <date>{day}</date>\n"
        f"    <initials>ae</initials>\n    <remark><p>{remark}</p></remark>\n  </revision>\n"
    )
    return text.replace("  <revision>", block + "  <revision>", 1)


def identify(repo: git.Repo) -> git.Repo:
    with repo.config_writer() as config:
        config.set_value("user", "name", "Alex Example").set_value(
            "user", "email", "alex@example.org"
        )
    return repo


def commit(repo: git.Repo, message: str, files: dict[str, str], when: str = LATER) -> str:
    """Write ``files`` (relative path → text) and commit exactly them."""
    top = Path(repo.working_tree_dir or ".")
    for name, text in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text, encoding="utf-8")
    repo.index.add(list(files))
    return repo.index.commit(message, author_date=when, commit_date=when).hexsha


@pytest.fixture
def upstream(xep_root: Path) -> git.Repo:
    """An xsf/xeps-like repository: xep.dtd, xep.ent, two Experimental XEPs, a README."""
    repo = identify(git.Repo.init(xep_root, initial_branch="master"))
    files = {
        "xep-0998.xml": make_xep(number="0998"),
        "xep-0999.xml": make_xep(number="0999"),
        "README.md": "# XEPs\n",
    }
    commit(repo, "Initial XEPs", files, DATE)
    repo.index.add(["xep.dtd", "xep.ent"])
    repo.index.commit("DTD and entities", author_date=DATE, commit_date=DATE)
    return repo


@pytest.fixture
def clone(upstream: git.Repo, tmp_path: Path) -> git.Repo:
    """The author's clone: origin/HEAD points at master."""
    return identify(git.Repo.clone_from(upstream.working_tree_dir, tmp_path / "clone"))


def top_of(repo: git.Repo) -> Path:
    return Path(repo.working_tree_dir or ".")


def bundles_dir(repo: git.Repo) -> Path:
    return Path(repo.git_dir) / "e2ee-sig"


def state(repo: git.Repo) -> dict[str, object]:
    """What bundle must not change: status, HEAD, branch, index bytes and mtime, files."""
    index = Path(repo.git_dir) / "index"
    top = top_of(repo)
    files = {
        str(p.relative_to(top)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(top.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(top).parts
    }
    return {
        "index": (index.stat().st_mtime_ns, hashlib.sha256(index.read_bytes()).hexdigest()),
        "status": repo.git.execute(["git", "--no-optional-locks", "status", "--porcelain"]),
        "head": repo.head.commit.hexsha,
        "branch": repo.active_branch.name,
        "files": files,
        "branches": sorted(b.name for b in repo.branches),
    }


def bump_0999(clone: git.Repo, version: str = "0.3.0") -> str:
    text = with_revision(make_xep(number="0999"), version).replace(
        "The protocol is simple.", "The protocol is simple and has a handshake."
    )
    return commit(clone, "XEP-0999: describe the handshake", {"xep-0999.xml": text})


# --- The happy path -------------------------------------------------------------------------


def test_bundle_writes_a_verified_bundle_and_summary_and_changes_nothing(
    clone: git.Repo, upstream: git.Repo, tmp_path: Path
) -> None:
    top = top_of(clone)
    head = bump_0999(clone)
    (top / "README.md").write_text("# XEPs\n\nLocal notes.\n", encoding="utf-8")
    clone.index.add(["README.md"])
    (top / "README.md").write_text("# XEPs\n\nMore local notes.\n", encoding="utf-8")
    (top / "notes.txt").write_text("scratch\n", encoding="utf-8")
    before = state(clone)

    code, output = run(top)

    assert code == 0, output
    assert state(clone) == before
    out = bundles_dir(clone) / "bundles" / "xep-0999-0.3.0"
    bundle = out / "xep-0999-0.3.0.bundle"
    patches = sorted((out / "patches").glob("*.patch"))
    assert bundle.is_file() and len(patches) == 1
    clone.git.bundle("verify", str(bundle))
    summary = (out / "SUMMARY.md").read_text(encoding="utf-8")
    assert "XEP-0999: Example Widget Negotiation" in summary
    assert "0.2.0 → 0.3.0 (minor)" in summary
    assert REMARK in summary
    assert "alex@example.org" in summary and "Needs Author" in summary
    assert "`XEP-0999: describe the handshake`" in summary
    assert "`README.md` (staged)" in summary and "`notes.txt` (untracked)" in summary
    assert "Not included (uncommitted)" in output and "notes.txt" in output
    # The bundle carries exactly the author's commit, fetchable on top of upstream.
    fresh = git.Repo.clone_from(upstream.working_tree_dir, tmp_path / "fresh")
    fresh.git.fetch(str(bundle), "master:submitted")
    assert fresh.commit("submitted").hexsha == head


def test_patches_apply_to_upstream(clone: git.Repo, upstream: git.Repo, tmp_path: Path) -> None:
    bump_0999(clone)
    assert run(top_of(clone), "--out", tmp_path / "out")[0] == 0
    fresh = identify(git.Repo.clone_from(upstream.working_tree_dir, tmp_path / "fresh"))
    fresh.git.am(*map(str, sorted((tmp_path / "out" / "patches").glob("*.patch"))))
    assert "<version>0.3.0</version>" in (top_of(fresh) / "xep-0999.xml").read_text("utf-8")


def test_branch_is_created_at_head_without_checkout(clone: git.Repo) -> None:
    head = bump_0999(clone)
    code, output = run(top_of(clone), "--branch")
    assert code == 0, output
    assert clone.commit("xep-0999-0.3.0").hexsha == head
    assert clone.active_branch.name == "master"
    code, output = run(top_of(clone), "--branch=xep-0999-0.3.0")
    assert code == 2 and "already exists" in output


def test_explicit_base_and_out(clone: git.Repo, tmp_path: Path) -> None:
    first = bump_0999(clone, "0.2.1")
    text = with_revision(
        (top_of(clone) / "xep-0999.xml").read_text("utf-8"), "0.3.0", day="2026-04-02"
    )
    commit(clone, "XEP-0999: more", {"xep-0999.xml": text})
    code, output = run(top_of(clone), "--base", first, "--out", tmp_path / "o")
    assert code == 0, output
    summary = (tmp_path / "o" / "SUMMARY.md").read_text("utf-8")
    assert "0.2.1 → 0.3.0 (minor)" in summary
    assert len(list((tmp_path / "o" / "patches").glob("*.patch"))) == 1


# --- Checks that fail: exit 1, nothing written -------------------------------------------


def test_no_new_revision_block_exits_1_and_writes_nothing(clone: git.Repo) -> None:
    text = make_xep(number="0999").replace("The protocol is simple.", "The protocol is hard.")
    commit(clone, "XEP-0999: harder", {"xep-0999.xml": text})
    code, output = run(top_of(clone), "--branch")
    assert code == 1
    assert "no new revision block" in output and "Nothing written" in output
    assert not bundles_dir(clone).exists()
    assert sorted(b.name for b in clone.branches) == ["master"]


def test_force_writes_despite_a_failed_check(clone: git.Repo) -> None:
    text = make_xep(number="0999").replace("The protocol is simple.", "The protocol is hard.")
    commit(clone, "XEP-0999: harder", {"xep-0999.xml": text})
    code, output = run(top_of(clone), "--force")
    assert code == 1, output
    summary = bundles_dir(clone) / "bundles" / "xep-0999-0.2.0" / "SUMMARY.md"
    assert "no new revision block" in summary.read_text("utf-8")


def test_edited_top_block_is_not_a_new_one(clone: git.Repo) -> None:
    text = make_xep(number="0999").replace("<version>0.2.0</version>", "<version>0.3.0</version>")
    commit(clone, "XEP-0999: renumber", {"xep-0999.xml": text})
    code, output = run(top_of(clone))
    assert code == 1 and "instead of adding a new one" in output


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.0.0", "major bump (0.2.0 → 1.0.0) needs a status change"),
        ("0.2.0", "not above 0.2.0"),
        ("0.4", "x.y.z"),
    ],
)
def test_bump_must_fit_the_status(clone: git.Repo, version: str, message: str) -> None:
    bump_0999(clone, version)
    code, output = run(top_of(clone))
    assert code == 1 and message in output, output


def test_a_major_bump_is_reported_once(clone: git.Repo) -> None:
    bump_0999(clone, "1.0.0")
    code, output = run(top_of(clone))
    assert code == 1
    assert output.count("needs a status change") == 1, output
    assert "REV008" not in output and "REV009" not in output


def test_major_bump_with_advancement_to_stable_fits(clone: git.Repo) -> None:
    text = with_revision(make_xep(number="0999", status="Draft"), "1.0.0")
    commit(clone, "XEP-0999: advance to Stable", {"xep-0999.xml": text})
    code, output = run(top_of(clone))
    assert code == 0, output
    summary = (bundles_dir(clone) / "bundles" / "xep-0999-1.0.0" / "SUMMARY.md").read_text()
    assert "Experimental → Draft" in summary and "Needs Council" in summary


def test_lint_errors_fail_the_submission(clone: git.Repo) -> None:
    text = with_revision(make_xep(number="0999", status="Bogus"), "0.3.0")
    commit(clone, "XEP-0999: odd status", {"xep-0999.xml": text})
    code, output = run(top_of(clone))
    assert code == 1 and "xep-0999.xml:" in output and "lint error" in output


def test_two_xeps_need_allow_multiple(clone: git.Repo) -> None:
    files = {
        "xep-0998.xml": with_revision(make_xep(number="0998"), "0.2.1"),
        "xep-0999.xml": with_revision(make_xep(number="0999"), "0.2.1"),
    }
    commit(clone, "XEP-0998, XEP-0999: typos", files)
    code, output = run(top_of(clone))
    assert code == 1 and "2 XEPs changed (XEP-0998, XEP-0999)" in output
    assert not bundles_dir(clone).exists()
    code, output = run(top_of(clone), "--allow-multiple")
    assert code == 0, output
    assert "Suggested PR title: XEP-0998, XEP-0999: typos" in output


def protoxep(shortname: str = "widgets-draft", title: str = "Widget Drafts") -> str:
    revision = (
        "  <revision>\n    <version>0.0.1</version>\n    <date>2026-04-01</date>\n"
        "    <initials>ae</initials>\n    <remark><p>First draft.</p></remark>\n  </revision>"
    )
    return make_xep(
        number="XXXX", status="ProtoXEP", shortname=shortname, title=title, revisions=revision
    )


def test_protoxep_with_a_numbered_xep_is_out_of_scope(clone: git.Repo) -> None:
    files = {
        "inbox/widgets-draft.xml": protoxep(),
        "xep-0999.xml": with_revision(make_xep(number="0999"), "0.2.1"),
    }
    commit(clone, "ProtoXEP: Widget Drafts", files)
    code, output = run(top_of(clone))
    assert code == 1 and "cannot be submitted together with changes to XEP-0999" in output


def test_two_protoxeps_are_out_of_scope(clone: git.Repo) -> None:
    files = {"inbox/a.xml": protoxep("a", "A"), "inbox/b.xml": protoxep("b", "B")}
    commit(clone, "ProtoXEPs", files)
    code, output = run(top_of(clone), "--allow-multiple")
    assert code == 1 and "more than one ProtoXEP" in output


def test_protoxep_alone_gets_its_title(clone: git.Repo) -> None:
    commit(clone, "Add a draft", {"inbox/widgets-draft.xml": protoxep()})
    code, output = run(top_of(clone))
    assert code == 0, output
    assert "Suggested PR title: ProtoXEP: Widget Drafts" in output


def test_only_other_files_changed(clone: git.Repo) -> None:
    commit(clone, "README", {"README.md": "# XEPs, edited\n"})
    code, output = run(top_of(clone))
    assert code == 1 and "no XEP file" in output


# --- Cannot proceed: exit 2 ----------------------------------------------------------------


def test_not_a_git_repository(tmp_path: Path) -> None:
    code, output = run(tmp_path)
    assert code == 2 and "not inside a git repository" in output


def test_no_commits_since_base(clone: git.Repo) -> None:
    code, output = run(top_of(clone))
    assert code == 2 and "no commits since the base" in output


def test_detached_head(clone: git.Repo) -> None:
    bump_0999(clone)
    clone.git.checkout("--detach", "--quiet")
    code, output = run(top_of(clone))
    assert code == 2 and "HEAD is detached" in output


def test_no_upstream_branch(xep_root: Path) -> None:
    repo = identify(git.Repo.init(xep_root, initial_branch="work"))
    commit(repo, "XEP-0999", {"xep-0999.xml": make_xep(number="0999")}, DATE)
    code, output = run(xep_root)
    assert code == 2 and "--base" in output


def git_cli(*args: str | Path) -> None:
    subprocess.run(["git", *map(str, args)], check=True, capture_output=True)


def test_shallow_clone_missing_the_given_base(upstream: git.Repo, tmp_path: Path) -> None:
    oldest = upstream.head.commit.parents[0].hexsha
    commit(upstream, "Tweak", {"README.md": "# XEPs!\n"}, DATE)
    git_cli(
        "clone", "--quiet", "--depth", "1", f"file://{upstream.working_tree_dir}", tmp_path / "s"
    )
    shallow = identify(git.Repo(tmp_path / "s"))
    bump_0999(shallow)
    code, output = run(tmp_path / "s", "--base", oldest)
    assert code == 2 and "shallow" in output


def test_shallow_clone_missing_the_merge_base(upstream: git.Repo, tmp_path: Path) -> None:
    fork = upstream.head.commit.hexsha
    commit(upstream, "Tweak", {"README.md": "# XEPs!\n"}, DATE)
    upstream.git.branch("side", fork)
    url = f"file://{upstream.working_tree_dir}"
    git_cli("clone", "--quiet", "--depth", "1", "--no-single-branch", url, tmp_path / "s")
    shallow = identify(git.Repo(tmp_path / "s"))
    shallow.git.checkout("--quiet", "-b", "work", "origin/side")
    bump_0999(shallow)
    code, output = run(tmp_path / "s")
    assert code == 2 and "shallow" in output and "--unshallow" in output


# --- --into: a workspace draft into a clone -----------------------------------------------


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "workspace" / "xeps" / "my-draft.xml"
    path.parent.mkdir(parents=True)
    path.write_text(protoxep(), encoding="utf-8")
    return path


def test_into_commits_the_draft_on_a_new_branch(clone: git.Repo, draft: Path) -> None:
    base = clone.head.commit.hexsha
    before = state(clone)
    code, output = run("--into", top_of(clone), draft)
    assert code == 0, output
    after = state(clone)
    assert after.pop("branches") == ["master", "protoxep/widgets-draft"]
    before.pop("branches")
    assert after == before
    tip = clone.commit("protoxep/widgets-draft")
    assert tip.message.strip() == "ProtoXEP: Widget Drafts"
    assert [p.hexsha for p in tip.parents] == [base]
    assert tip.tree["inbox/widgets-draft.xml"].data_stream.read() == draft.read_bytes()
    assert list(tip.stats.files) == ["inbox/widgets-draft.xml"]
    assert len(clone.git.worktree("list").splitlines()) == 1
    out = bundles_dir(clone) / "bundles" / "protoxep-widgets-draft-0.0.1"
    clone.git.bundle("verify", str(out / "protoxep-widgets-draft-0.0.1.bundle"))
    assert "Suggested PR title: `ProtoXEP: Widget Drafts`" in (out / "SUMMARY.md").read_text()


def test_into_refuses_a_dirty_inbox_file(clone: git.Repo, draft: Path) -> None:
    (top_of(clone) / "inbox").mkdir()
    (top_of(clone) / "inbox" / "widgets-draft.xml").write_text("local edits\n", "utf-8")
    code, output = run("--into", top_of(clone), draft)
    assert code == 2 and "inbox/widgets-draft.xml" in output and "uncommitted" in output
    assert sorted(b.name for b in clone.branches) == ["master"]


def test_into_with_a_failing_draft_writes_nothing(clone: git.Repo, draft: Path) -> None:
    draft.write_text(protoxep().replace("<version>0.0.1</version>", "<version>0.1.0</version>"))
    code, output = run("--into", top_of(clone), draft)
    assert code == 1 and "must be 0.0.N" in output
    assert sorted(b.name for b in clone.branches) == ["master"]
    assert not bundles_dir(clone).exists()
    assert len(clone.git.worktree("list").splitlines()) == 1


def test_into_needs_a_draft(clone: git.Repo) -> None:
    code, output = run("--into", top_of(clone))
    assert code == 2 and "DRAFT" in output


# --- What is judged: the committed files ---------------------------------------------------


def test_uncommitted_changes_to_the_xep_are_not_judged_or_included(clone: git.Repo) -> None:
    bump_0999(clone)
    (top_of(clone) / "xep-0999.xml").write_text("<broken", encoding="utf-8")
    code, output = run(top_of(clone))
    assert code == 0, output
    assert "xep-0999.xml: has uncommitted changes (not included)" in output
    patch = next((bundles_dir(clone) / "bundles" / "xep-0999-0.3.0" / "patches").glob("*"))
    assert "<broken" not in patch.read_text("utf-8")


@pytest.fixture
def marker_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A temporary non-official error rule that fires on the text 'LEGACY-MARKER'."""
    from e2ee_sig.lint.model import Finding, Severity
    from e2ee_sig.lint.registry import RULES, Rule, all_rules

    def check(document, context):  # type: ignore[no-untyped-def]
        if b"LEGACY-MARKER" in document.raw:
            yield Finding("the legacy marker is present")

    all_rules()
    monkeypatch.setitem(RULES, "TST999", Rule("TST999", "legacy-marker", Severity.ERROR, check))
    yield "TST999"


def test_unofficial_errors_already_at_the_base_do_not_block(
    upstream: git.Repo, tmp_path: Path, marker_rule: str
) -> None:
    marked = make_xep(number="0999").replace("The protocol is simple.", "LEGACY-MARKER")
    commit(upstream, "Mark", {"xep-0999.xml": marked}, DATE)
    clone = identify(git.Repo.clone_from(upstream.working_tree_dir, tmp_path / "c"))
    commit(clone, "XEP-0999: bump", {"xep-0999.xml": with_revision(marked, "0.3.0")})
    code, output = run(top_of(clone))
    assert code == 0, output
    assert f"{marker_rule} the legacy marker is present (already at the base" in output


def test_unofficial_errors_new_since_the_base_block(clone: git.Repo, marker_rule: str) -> None:
    marked = make_xep(number="0999").replace("The protocol is simple.", "LEGACY-MARKER")
    commit(clone, "XEP-0999: mark", {"xep-0999.xml": with_revision(marked, "0.3.0")})
    code, output = run(top_of(clone))
    assert code == 1 and marker_rule in output and "1 lint error(s)" in output


def test_into_uses_the_file_name_when_the_shortname_is_unassigned(
    clone: git.Repo, draft: Path
) -> None:
    draft.write_text(protoxep(shortname="N/A"), encoding="utf-8")
    code, output = run("--into", top_of(clone), draft)
    assert code == 0, output
    tip = clone.commit("protoxep/my-draft")
    assert list(tip.stats.files) == ["inbox/my-draft.xml"]


def test_into_rejects_base(clone: git.Repo, draft: Path) -> None:
    code, output = run("--into", top_of(clone), "--base", "HEAD", draft)
    assert code == 2 and "--base" in output
