"""Broken and hostile files give one diagnostic naming the file, never a traceback or a leak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from e2ee_sig.cli import main
from tests.xepfactory import make_xep

SECRET = "e2ee-sig-test-secret-4f1c"


def _lint_json(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["lint", "--format", "json", *args])
    return (
        result.exit_code,
        json.loads(result.stdout) if result.stdout.strip() else {},
        result.output,
    )


def _bomb() -> str:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    ]
    return make_xep(internal_subset="\n  " + "\n  ".join(entities), abstract="&lol9;")


HOSTILE = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "truncated": make_xep().encode()[:700],
    "latin1": make_xep(title="Caf\xe9").encode("latin-1"),
    "utf16": make_xep().encode("utf-16"),
    "not-a-xep": b"<?xml version='1.0'?>\n<html><body>hi</body></html>\n",
    "billion-laughs": _bomb().encode(),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_broken_file_gives_one_diagnostic(case: str, tmp_path: Path) -> None:
    path = tmp_path / f"{case}.xml"
    path.write_bytes(HOSTILE[case])
    code, report, output = _lint_json(str(path))
    assert code == 1, output
    assert len(report["diagnostics"]) == 1
    assert report["diagnostics"][0]["path"] == str(path)
    assert report["diagnostics"][0]["code"] == "XSF000"
    assert "Traceback" not in output


@pytest.mark.parametrize("system", ["file://{secret}", "{secret}", "http://127.0.0.1:9/x"])
def test_external_entities_are_refused_and_never_read(system: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    declaration = f"\n  <!ENTITY leak SYSTEM '{system.format(secret=secret)}'>"
    path = tmp_path / "leak.xml"
    path.write_text(make_xep(internal_subset=declaration, abstract="&leak;"))
    code, report, output = _lint_json(str(path))
    assert code == 1
    assert SECRET not in output
    assert [d["code"] for d in report["diagnostics"]] == ["XSF000"]


def test_external_parameter_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "evil.dtd"
    secret.write_text(f'<!ENTITY abstractx "{SECRET}">')
    path = tmp_path / "pe.xml"
    path.write_text(make_xep(internal_subset=f"\n  <!ENTITY % evil SYSTEM '{secret}'>\n  %evil;"))
    code, report, output = _lint_json(str(path))
    assert code == 1 and SECRET not in output
    assert [d["code"] for d in report["diagnostics"]] == ["XSF000"]


def test_huge_file_is_a_diagnostic_not_a_hang(tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    text = make_xep()
    path.write_text(text.replace("</xep>", "<!--" + "x" * (30 * 1024 * 1024) + "-->\n</xep>"))
    code, report, _ = _lint_json(str(path))
    assert code == 1
    assert [d["code"] for d in report["diagnostics"]] == ["XSF000"]
    assert "MiB" in report["diagnostics"][0]["message"]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["lint", str(tmp_path / "nope.xml")])
    assert result.exit_code == 2
    assert "nope.xml" in result.output
