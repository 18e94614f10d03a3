"""``lint --fix``/``--diff``, ``--changed-since`` with a real git repository, and suppression."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from tests.xepfactory import codes, lint_text, make_xep

DATE = "2026-01-05T12:00:00"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def lines_changed(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new), "a fix added or removed lines"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_fix_changes_only_the_status_line_and_the_file_then_passes(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(status="Final "), encoding="utf-8")
    before = path.read_bytes()
    assert run("lint", "--profile", "xsf-ci", str(path))[0] == 1
    code, _ = run("lint", "--profile", "xsf-ci", "--fix", str(path))
    after = path.read_bytes()
    assert code == 0
    assert lines_changed(before, after) == [
        (b"  <status>Final </status>", b"  <status>Final</status>")
    ]
    assert run("lint", "--profile", "xsf-ci", str(path))[0] == 0


def test_diff_shows_the_fix_and_changes_nothing(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(make_xep(status="ProtoXep"), encoding="utf-8")
    before = path.read_bytes()
    code, output = run("lint", "--profile", "xsf-ci", "--diff", str(path))
    assert path.read_bytes() == before
    assert "-  <status>ProtoXep</status>" in output
    assert "+  <status>ProtoXEP</status>" in output
    assert code == 1


def test_fix_inserts_missing_stylesheet_and_legal_notice(xep_root: Path) -> None:
    text = make_xep().replace("<?xml-stylesheet type='text/xsl' href='xep.xsl'?>\n", "")
    text = text.replace("&LEGALNOTICE;", "")
    path = xep_root / "xep-0999.xml"
    path.write_text(text, encoding="utf-8")
    assert {"XSF012", "XSF013"} <= set(codes(lint_text(text, profile="xsf-ci", root=xep_root)))
    run("lint", "--profile", "xsf-ci", "--fix", str(path))
    fixed = path.read_text(encoding="utf-8")
    assert "href='xep.xsl'" in fixed and "&LEGALNOTICE;" in fixed
    assert run("lint", "--profile", "xsf-ci", str(path))[0] == 0


def test_github_format_prints_one_workflow_command_per_diagnostic(xep_root: Path) -> None:
    path = xep_root / "xep-0999.xml"
    path.write_text(
        make_xep(status="Final ", approver="<approver>Boss</approver>"), encoding="utf-8"
    )
    _, report = run("lint", "--profile", "xsf-ci", "--format", "json", str(path))
    code, github = run("lint", "--profile", "xsf-ci", "--format", "github", str(path))
    commands = [line for line in github.splitlines() if line.startswith("::")]
    assert code == 1
    assert len(commands) == len(json.loads(report)["diagnostics"]) == 2
    assert all(line.startswith(f"::error file={path},line=") for line in commands)


def _commit(repo: git.Repo, message: str) -> None:
    repo.index.add([p for p in repo.untracked_files] + [d.a_path for d in repo.index.diff(None)])
    repo.index.commit(message, author_date=DATE, commit_date=DATE)


@pytest.fixture
def xeps_repo(xep_root: Path) -> git.Repo:
    repo = git.Repo.init(xep_root)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test").set_value("user", "email", "t@example.org")
    for number in ("0997", "0998", "0999"):
        (xep_root / f"xep-{number}.xml").write_text(make_xep(number=number), encoding="utf-8")
    _commit(repo, "Initial XEPs")
    return repo


def test_changed_since_lints_only_the_changed_file(xeps_repo: git.Repo) -> None:
    root = Path(xeps_repo.working_tree_dir or ".")
    base = xeps_repo.head.commit.hexsha
    (root / "xep-0997.xml").write_text(make_xep(number="0997", status="Final "), "utf-8")
    changed = make_xep(number="0998").replace(
        "  <revision>\n    <version>0.2.0",
        "  <revision>\n    <version>0.3.0</version>\n    <date>2026-04-01</date>\n"
        "    <initials>ae</initials>\n    <remark><p>More.</p></remark>\n  </revision>\n"
        "  <revision>\n    <version>0.2.0",
        1,
    )
    (root / "xep-0998.xml").write_text(changed, "utf-8")
    _commit(xeps_repo, "XEP-0998: more")
    (root / "xep-0997.xml").write_text(make_xep(number="0997"), "utf-8")
    _commit(xeps_repo, "XEP-0997: revert")
    _, output = run("lint", "--format", "json", "--changed-since", base, str(root))
    report = json.loads(output)
    assert report["files"] == 1, output
    assert {d["path"] for d in report["diagnostics"]} <= {str(root / "xep-0998.xml")}


def test_changed_since_unknown_ref_is_a_usage_error(xeps_repo: git.Repo) -> None:
    root = Path(xeps_repo.working_tree_dir or ".")
    code, output = run("lint", "--changed-since", "no-such-ref", str(root))
    assert code == 2 and "no-such-ref" in output


def test_changed_since_outside_git_is_a_usage_error(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(make_xep(), "utf-8")
    code, output = run("lint", "--changed-since", "HEAD", str(xep_root))
    assert code == 2 and "git" in output.lower()


def test_comment_suppresses_the_next_element_only() -> None:
    assert "HDR012" in codes(lint_text(make_xep(shortname="N/A"), select=("HDR012",)))
    directive = "<!-- e2ee-sig: ignore HDR012 -->\n  "
    before_name = make_xep(shortname="N/A").replace("<shortname>", directive + "<shortname>", 1)
    assert codes(lint_text(before_name, select=("HDR012", "SUP001"))) == []
    before_type = make_xep(shortname="N/A").replace("<type>", directive + "<type>", 1)
    assert sorted(codes(lint_text(before_type, select=("HDR012", "SUP001")))) == [
        "HDR012",
        "SUP001",
    ]


def test_ignore_file_and_unused_suppression() -> None:
    broken = make_xep(shortname="N/A")
    whole_file = broken.replace("<xep>", "<?e2ee-sig ignore-file HDR012?>\n<xep>", 1)
    assert "HDR012" not in codes(lint_text(whole_file, select=("HDR012", "SUP001")))
    unused = make_xep().replace("<xep>", "<!-- e2ee-sig: ignore-file HDR012 -->\n<xep>", 1)
    found = lint_text(unused, select=("HDR012", "SUP001"))
    assert codes(found) == ["SUP001"]
    assert "HDR012" in found[0].message


def test_a_crashing_rule_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from e2ee_sig.lint.registry import all_rules

    def broken(document: object, context: object) -> list[object]:
        raise KeyError("boom")

    rule = all_rules()["HDR001"]
    monkeypatch.setitem(all_rules(), "HDR001", type(rule)(**{**rule.__dict__, "check": broken}))
    found = lint_text(make_xep(), select=("HDR001",))
    assert codes(found) == ["HDR001"]
    assert "internal error" in found[0].message and "KeyError" in found[0].message


def test_changed_since_reports_edits_to_xep_ent(xeps_repo: git.Repo) -> None:
    root = Path(xeps_repo.working_tree_dir or ".")
    base = xeps_repo.head.commit.hexsha
    with (root / "xep.ent").open("a", encoding="utf-8") as ent:
        ent.write('<!ENTITY rfc9420 "MLS">\n')
    changed = (root / "xep-0998.xml").read_text("utf-8").replace("widgets", "gadgets")
    (root / "xep-0998.xml").write_text(changed, "utf-8")
    code, output = run(
        "lint", "--format", "json", "--select", "CNT005", "--changed-since", base, str(root)
    )
    report = json.loads(output)
    assert code == 1 and [d["code"] for d in report["diagnostics"]] == ["CNT005"]
    assert "xep.ent" in report["diagnostics"][0]["message"]
    xeps_repo.git.checkout("--", "xep.ent")
    code, output = run(
        "lint", "--format", "json", "--select", "CNT005", "--changed-since", base, str(root)
    )
    assert code == 0 and json.loads(output)["diagnostics"] == []
