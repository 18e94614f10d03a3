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
from tests.test_bundle import (
    bump_0999,
    clone,
    commit,
    identify,
    top_of,
    upstream,
    with_revision,
)
from tests.xepfactory import make_xep

__all__ = ["clone", "upstream"]  # the fixtures of test_bundle, used here too


def invoke(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*map(str, args)])
    return result.exit_code, result.output


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
    assert "- `diff-xep-0999.html`" in summary.split("## Files")[1]
    assert "diff-xep-0999.html" in output
    assert not (out / "diff-xep-0998.html").exists()


def test_bundle_rerun_into_its_own_folder_replaces_its_diff_pages(
    clone: git.Repo, tmp_path: Path
) -> None:
    bump_0999(clone)
    out = tmp_path / "out"
    assert invoke("bundle", top_of(clone), "--out", out)[0] == 0
    (out / "diff-xep-0999.html").write_text("stale page", encoding="utf-8")
    status, output = invoke("bundle", top_of(clone), "--out", out)
    assert status == 0, output
    assert "diff-xep-0999.html" in (out / ".e2ee-sig-bundle").read_text(encoding="utf-8")
    assert "stale page" not in (out / "diff-xep-0999.html").read_text(encoding="utf-8")


def test_bundle_of_a_new_xep_has_no_diff_and_says_so(clone: git.Repo, tmp_path: Path) -> None:
    commit(clone, "XEP-0997: new", {"xep-0997.xml": make_xep(number="0997")})
    out = tmp_path / "out"
    status, output = invoke("bundle", top_of(clone), "--out", out, "--force")
    assert status in (0, 1), output
    assert (out / "SUMMARY.md").is_file(), output
    summary = (out / "SUMMARY.md").read_text(encoding="utf-8")
    assert "no earlier version at the base" in summary
    assert not list(out.glob("diff-*.html"))


def test_bundle_diff_follows_an_accepted_protoxep_renamed(
    upstream: git.Repo, tmp_path: Path
) -> None:
    proto = make_xep(number="XXXX", status="ProtoXEP")
    commit(upstream, "ProtoXEP: widgets", {"inbox/widgets.xml": proto})
    clone = identify(git.Repo.clone_from(upstream.working_tree_dir, tmp_path / "accept"))
    clone.git.mv("inbox/widgets.xml", "xep-0997.xml")
    accepted = with_revision(make_xep(number="0997"), "0.3.0")
    commit(clone, "XEP-0997: accepted", {"xep-0997.xml": accepted})
    out = tmp_path / "out"
    status, output = invoke("bundle", top_of(clone), "--out", out, "--force")
    assert status in (0, 1), output
    page = (out / "diff-xep-0997.html").read_text(encoding="utf-8")
    assert "status ProtoXEP → Experimental" in page
    assert "diff-xep-0997.html" in markdown_links((out / "SUMMARY.md").read_text("utf-8"))


# --- stale --since ----------------------------------------------------------------------------


@pytest.fixture
def meeting(upstream: git.Repo) -> Path:
    """Tag ``meeting`` on the first commits, then XEP-0999 changed and a ProtoXEP added."""
    upstream.create_tag("meeting")
    text = with_revision(make_xep(number="0999"), "0.3.0").replace(
        "The protocol is simple.", "The protocol is simple and has a handshake."
    )
    proto = make_xep(number="XXXX", status="ProtoXEP")
    commit(upstream, "XEP-0999: handshake", {"xep-0999.xml": text, "inbox/widgets.xml": proto})
    return top_of(upstream)


def stale_since(root: Path, *args: str | Path) -> tuple[int, str]:
    return invoke("stale", root, "--now", "2026-04-10", "--since", "meeting", *args)


def since_section(markdown: str) -> str:
    return markdown[markdown.index("### Changed since meeting") :]


def test_stale_since_writes_and_links_diffs_of_changed_xeps_only(
    meeting: Path, tmp_path: Path
) -> None:
    out = tmp_path / "agenda"
    status, output = stale_since(meeting, "-o", out)
    assert status in (0, 1), output
    agenda = (out / "agenda.md").read_text(encoding="utf-8")
    section = since_section(agenda)
    assert markdown_links(section).count("diff-xep-0999.html") == 1
    assert "XEP-0998" not in section and "diff-xep-0998" not in agenda
    assert "0.2.0 → 0.3.0" in section
    assert "new since meeting" in section
    assert sorted(p.name for p in out.iterdir()) == ["agenda.md", "diff-xep-0999.html"]
    page = (out / "diff-xep-0999.html").read_text(encoding="utf-8")
    assert re.search(r"<ins>[^<]*handshake[^<]*</ins>", page)
    assert "### Overdue" in agenda  # the agenda itself is still there


def test_stale_since_without_output_writes_nothing_and_shows_the_command(
    meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    status, output = stale_since(meeting, "--format", "markdown")
    assert status in (0, 1), output
    section = since_section(output)
    assert re.search(r"`e2ee-sig diff [0-9a-f]{12} [0-9a-f]{12} xep-0999.xml`", section)
    assert "xep-0998" not in section
    assert not list(elsewhere.iterdir())
    assert not list(meeting.glob("diff-*.html"))


def test_stale_since_with_nothing_changed(meeting: Path) -> None:
    status, output = invoke("stale", meeting, "--since", "HEAD", "--format", "markdown")
    assert status in (0, 1), output
    section = output[output.index("### Changed since HEAD (0)") :]
    assert "None." in section and "diff" not in section


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "no-such-ref"], "unknown git revision 'no-such-ref'"),
        (["--since", "meeting", "--format", "json"], "--since and -o apply to the markdown"),
    ],
)
def test_stale_since_usage_errors(meeting: Path, args: list[str], message: str) -> None:
    status, output = invoke("stale", meeting, *args)
    assert status == 2
    assert message in output and "Traceback" not in output


def test_stale_since_a_version_that_does_not_parse_is_said_not_hidden(
    upstream: git.Repo, tmp_path: Path
) -> None:
    upstream.create_tag("meeting")
    commit(upstream, "broken", {"xep-0998.xml": make_xep(number="0998") + "<oops"})
    root = top_of(upstream)
    out = tmp_path / "agenda"
    status, output = invoke("stale", root, "--since", "meeting", "-o", out)
    assert status in (0, 1), output
    section = since_section((out / "agenda.md").read_text(encoding="utf-8"))
    assert "no rendered diff:" in section
    assert "diff-xep-0998.html" in markdown_links(section)
    assert "no rendered diff" in (out / "diff-xep-0998.html").read_text(encoding="utf-8")
