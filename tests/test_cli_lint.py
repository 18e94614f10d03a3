"""``e2ee-sig lint`` as a user runs it: exit codes, paths, formats and configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from e2ee_sig import __version__
from e2ee_sig.cli import main
from tests.xepfactory import make_xep

PROJECT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(main, list(args))
    else:
        with runner.isolated_filesystem(temp_dir=cwd):
            result = runner.invoke(main, list(args))
    return result.exit_code, result.output


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_version_and_help_list_the_commands() -> None:
    code, output = run("--version")
    assert code == 0 and __version__ in output
    code, output = run("--help")
    for command in ("new-xep", "lint", "stale", "bundle"):
        assert command in output


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "e2ee_sig", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and __version__ in result.stdout


def test_clean_file_exits_0_and_broken_file_exits_1(xep_root: Path) -> None:
    good = write(xep_root, "xep-0999.xml", make_xep())
    bad = write(xep_root, "xep-0998.xml", make_xep(number="0998", status="Final "))
    assert run("lint", "--profile", "xsf-ci", str(good))[0] == 0
    code, output = run("lint", "--profile", "xsf-ci", str(bad))
    assert code == 1
    assert f"{bad}:13:" in output and "XSF007" in output


def test_json_has_the_documented_shape(xep_root: Path) -> None:
    bad = write(xep_root, "inbox/widget.xml", make_xep(number="0999", status="ProtoXEP"))
    code, output = run("lint", "--profile", "xsf-ci", "--format", "json", str(bad))
    data = json.loads(output)
    assert code == 1
    assert set(data) == {"files", "diagnostics"} and data["files"] == 1
    diagnostic = data["diagnostics"][0]
    assert set(diagnostic) == {"path", "line", "column", "code", "name", "severity", "message"}
    assert diagnostic["path"] == str(bad)
    assert diagnostic["code"] == "XSF005" and diagnostic["severity"] == "error"
    assert isinstance(diagnostic["line"], int) and isinstance(diagnostic["column"], int)


def test_directory_means_root_xeps_and_inbox(xep_root: Path) -> None:
    write(xep_root, "xep-0999.xml", make_xep())
    write(xep_root, "inbox/widget.xml", make_xep(number="XXXX", status="ProtoXEP"))
    write(xep_root, "notes/other.xml", "<not-linted/>")
    code, output = run("lint", "--profile", "xsf-ci", "--format", "json", str(xep_root))
    data = json.loads(output)
    assert code == 0 and data["files"] == 2


def test_paths_are_reported_as_given(xep_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(xep_root, "inbox/widget.xml", make_xep(number="12", status="ProtoXEP"))
    monkeypatch.chdir(xep_root)
    _code, output = run("lint", "--profile", "xsf-ci", "--format", "json", "inbox")
    assert {d["path"] for d in json.loads(output)["diagnostics"]} == {"inbox/widget.xml"}


def test_bad_option_and_missing_path_exit_2(tmp_path: Path) -> None:
    assert run("lint", "--profile", "nope", str(tmp_path))[0] == 2
    assert run("lint", str(tmp_path / "missing"))[0] == 2
    assert run("lint", "--select", "ZZZ999", str(tmp_path))[0] == 2


def test_standalone_draft_says_which_checks_were_skipped(tmp_path: Path) -> None:
    draft = write(tmp_path, "xeps/draft.xml", make_xep(number="XXXX", status="ProtoXEP"))
    result = CliRunner().invoke(main, ["lint", "--profile", "xsf-ci", str(draft)])
    assert result.exit_code == 0
    assert "skipped XSF001" in result.stderr


def test_the_sigs_workspace_is_clean_under_every_profile(corpus: Path) -> None:
    for profile in ("xsf-ci", "default", "e2ee"):
        code, output = run(
            "lint", "--profile", profile, "--xeps-root", str(corpus), str(PROJECT / "xeps")
        )
        assert code == 0, output
        assert "error" not in output.lower() or "0 error" in output


def test_configuration_file_sets_defaults_and_flags_win(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write(xep_root, "xep-0999.xml", make_xep(status="Final "))
    (xep_root / ".e2ee-sig.toml").write_text('ignore = ["XSF007"]\nprofile = "xsf-ci"\n')
    monkeypatch.chdir(xep_root)
    assert run("lint", str(bad))[0] == 0
    assert run("lint", "--select", "XSF007", str(bad))[0] == 1


def test_broken_configuration_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".e2ee-sig.toml").write_text("profile = [\n")
    monkeypatch.chdir(tmp_path)
    code, output = run("lint", ".")
    assert code == 2 and ".e2ee-sig.toml" in output


def test_output_formats(xep_root: Path) -> None:
    bad = write(xep_root, "xep-0999.xml", make_xep(status="Final "))
    code, github = run("lint", "--profile", "xsf-ci", "--format", "github", str(bad))
    assert code == 1
    assert github.splitlines()[0].startswith(f"::error file={bad},line=13,")
    code, sarif = run("lint", "--profile", "xsf-ci", "--format", "sarif", str(bad))
    log = json.loads(sarif)
    assert log["version"] == "2.1.0"
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "XSF007" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 13
    rule_ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert "XSF007" in rule_ids and result["ruleIndex"] == rule_ids.index("XSF007")


def test_statistics_counts_per_rule(xep_root: Path) -> None:
    write(xep_root, "xep-0999.xml", make_xep(status="Final ", approver=""))
    write(xep_root, "xep-0998.xml", make_xep(number="0998", approver=""))
    code, output = run("lint", "--profile", "xsf-ci", "--statistics", str(xep_root))
    counts = {line.split()[1]: int(line.split()[0]) for line in output.splitlines() if line.strip()}
    assert code == 1 and counts["XSF009"] == 2 and counts["XSF007"] == 1


def test_output_file(xep_root: Path, tmp_path: Path) -> None:
    good = write(xep_root, "xep-0999.xml", make_xep())
    target = tmp_path / "report.json"
    code, _ = run("lint", "--format", "json", "--output-file", str(target), str(good))
    assert code == 0 and json.loads(target.read_text())["files"] == 1


def test_rules_command_lists_and_explains() -> None:
    code, output = run("rules")
    assert code == 0 and "XSF007" in output and "status-defined" in output
    code, output = run("rules", "XSF013")
    assert code == 0 and "LEGALNOTICE" in output
    assert run("rules", "NOPE42")[0] == 2


def test_rules_lists_every_rule_module_including_suppressions() -> None:
    code, output = run("rules")
    listed = {line.split("\t")[0] for line in output.splitlines() if "\t" in line}
    assert code == 0
    assert {
        "SUP001",
        "XSF000",
        "XEP002",
        "HDR001",
        "REV001",
        "SEC001",
        "CNT001",
        "E2E001",
    } <= listed
