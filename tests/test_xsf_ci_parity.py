"""The xsf-ci profile gives the official CI's verdict on every fixture.

The expected verdicts in fixtures/xsf_ci/expected.json were produced by running the XSF's
conformance checks and ``xmllint`` (see fixtures/xsf_ci/regenerate.py), not by this project.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Severity
from tests.xepfactory import SECTIONS, make_xep

FIXTURES = Path(__file__).parent / "fixtures" / "xsf_ci"
CASES = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))

# Official check names (validate script output) → the rule that must report them.
CHECK_RULES = {
    "number": "XSF003",
    "proto": "XSF004",
    "xxxx": "XSF005",
    "name": "XSF006",
    "status": "XSF007",
    "type": "XSF008",
    "approver": "XSF009",
    "versions": "XSF010",
    "board": "XSF011",
    "editor": "XSF011",
    "xsl": "XSF012",
    "legal": "XSF013",
}


def _lint_case(name: str, root: Path) -> list:
    case = CASES[name]
    target = root / case["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "cases" / name / case["path"], target)
    report = lint_paths([str(target)], LintOptions(profile="xsf-ci", jobs=1))
    return report.diagnostics


@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict_matches_official_ci(name: str, xsf_root: Path) -> None:
    diagnostics = _lint_case(name, xsf_root)
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    assert failed == (CASES[name]["verdict"] == "FAIL"), [(d.code, d.message) for d in diagnostics]


@pytest.mark.parametrize(
    "name",
    sorted(n for n, c in CASES.items() if c["failed_checks"] and "DTD" not in c["failed_checks"]),
)
def test_each_failed_official_check_has_its_rule(name: str, xsf_root: Path) -> None:
    codes = {d.code for d in _lint_case(name, xsf_root)}
    if "XSF000" in codes:  # an unusable file gets one line, not one per check
        return
    expected = {CHECK_RULES[check] for check in CASES[name]["failed_checks"]}
    assert expected <= codes


def test_a_file_with_its_own_declarations_reports_only_its_own_dtd_errors(xsf_root: Path) -> None:
    """libxml2's log may still hold an earlier parse's errors: they are not this file's."""
    broken = xsf_root / "xep-0001.xml"
    broken.write_text(make_xep(number="0001", shortname="x</shortname<!-- x -->>"))
    declaring = xsf_root / "xep-0461.xml"
    declaring.write_text(
        make_xep(
            number="0461",
            internal_subset="\n  <!ATTLIST section2 topic CDATA 'TODO'>",
            sections=SECTIONS.replace("The protocol is simple.", "The protocol <bogus/> is."),
        )
    )
    options = LintOptions(profile="xsf-ci", jobs=1)
    alone = lint_paths([str(declaring)], options).diagnostics
    after_another = lint_paths([str(broken), str(declaring)], options).diagnostics
    assert any("bogus" in d.message for d in alone)
    assert [d for d in after_another if d.path == str(declaring)] == alone
