"""The package's shape: thin commands, one error path, one date type, documented rules, small
modules, and a ``--help`` that imports no heavy library."""

from __future__ import annotations

import ast
import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from e2ee_sig.lint.registry import all_rules

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "e2ee_sig"
COMMANDS = sorted((PACKAGE / "commands").glob("[a-z]*.py"))


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_docstring_says_why_and_shows_bad_and_good(code: str) -> None:
    doc = all_rules()[code].doc
    why, bad, good = (
        re.search(pattern, doc, re.M) for pattern in (r"^Why\b", r"\bBad:", r"\bGood:")
    )
    assert why and bad and good, f"{code}: the docstring needs 'Why', 'Bad:' and 'Good:' parts"
    assert why.start() < bad.start() < good.start()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", COMMANDS, ids=lambda path: path.stem)
def test_no_command_imports_another(module: Path) -> None:
    others = {f"e2ee_sig.commands.{path.stem}" for path in COMMANDS} - {
        f"e2ee_sig.commands.{module.stem}"
    }
    assert not _imports(module) & others


@pytest.mark.parametrize(
    "module",
    sorted([*(PACKAGE / "bundle").rglob("*.py"), *(PACKAGE / "stale").rglob("*.py")]),
    ids=lambda path: path.relative_to(PACKAGE).as_posix(),
)
def test_bundle_and_stale_modules_are_small(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 300


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\nfrom e2ee_sig.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('lxml', 'jinja2', 'rich', 'git')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_lint_loads_no_writing_code_nor_unused_formats(tmp_path: Path) -> None:
    root = Path(__file__).parent / "fixtures" / "xep-root"
    for name in ("xep.dtd", "xep.ent"):
        shutil.copy(root / name, tmp_path / name)
    draft = Path(__file__).parents[1] / "xeps" / "e2ee-recommendations.xml"
    (tmp_path / "inbox").mkdir()
    for copy in range(60):  # enough files for two workers
        shutil.copy(draft, tmp_path / "inbox" / f"draft-{copy}.xml")
    code = (
        "import sys\nfrom e2ee_sig.cli import main\n"
        f"try:\n    main(['lint', '--profile', 'xsf-ci', {str(tmp_path)!r}])\n"
        "except SystemExit:\n    pass\n"
        "unused = ('e2ee_sig.fsio.writing', 'e2ee_sig.fsio.temporary', 'e2ee_sig.lint.baseline',"
        " 'json', 'hashlib', 'tomllib', 'html', 'rich', 'jinja2', 'git')\n"
        "print(sorted(m for m in unused if m in sys.modules), 'e2ee_sig.xep.parse' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.stdout.strip().splitlines()[-1] == "[] True", result.stderr


def test_an_error_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(main, ["rules", "NOPE999"])
    assert result.exit_code == 2
    assert result.stderr == "e2ee-sig: error: no rule 'NOPE999' (see 'e2ee-sig rules')\n"


@pytest.mark.parametrize("text", ["2026-1-5", "2026-02-30", "yesterday"])
def test_every_date_option_accepts_and_refuses_the_same_text(tmp_path: Path, text: str) -> None:
    runs = {
        "new-xep": ["new-xep", "--no-input", "--date", text],
        "bump": ["bump", str(tmp_path / "x.xml"), "-m", "x", "--initials", "x", "--date", text],
        "stale": ["stale", str(tmp_path), "--now", text],
    }
    errors = set()
    for name, args in runs.items():
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, name
        (line,) = result.stderr.splitlines()
        errors.add(re.sub(r"\(--\w+ takes", "(takes", line))
    assert len(errors) == 1, errors


def test_an_interrupt_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    import e2ee_sig.lint.catalogue

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(e2ee_sig.lint.catalogue, "show_rules", interrupted)
    result = CliRunner().invoke(main, ["rules"])
    assert (result.exit_code, result.stderr) == (2, "e2ee-sig: error: interrupted\n")


def test_a_full_disk_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    import e2ee_sig.lint.catalogue

    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(e2ee_sig.lint.catalogue, "show_rules", full)
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 2
    assert result.stderr == "e2ee-sig: error: cannot write the output: No space left on device\n"


def test_a_closed_pipe_is_one_line_and_exit_2() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written (e2ee-sig rules | true)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "e2ee_sig", "rules"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("e2ee-sig: error: ") and len(result.stderr.splitlines()) == 1


def test_the_command_table_matches_each_commands_docstring() -> None:
    import click

    from e2ee_sig.cli import COMMANDS

    ctx = click.Context(main)
    for name, (_, _, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.name == name
        assert (command.help or "").splitlines()[0] == summary, name
