"""On the real corpus: the hand-judged true findings (docs/precision.md) are still reported,
and the false ones found in that sample stay fixed."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import LintReport, lint_paths
from e2ee_sig.lint.engine import LintOptions

TRUE_FINDINGS = Path(__file__).parent / "fixtures" / "precision" / "true_findings.json"


def _fingerprint(corpus: Path, path: str, code: str, line: int) -> str:
    lines = (corpus / path).read_text(encoding="utf-8", errors="replace").splitlines()
    text = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
    return hashlib.sha256(f"{code}\0{text}".encode()).hexdigest()[:16]


@functools.cache
def _lint(corpus: Path) -> LintReport:
    return lint_paths([str(corpus)], LintOptions())


@pytest.fixture
def report(corpus: Path) -> LintReport:
    """The default-profile report on the whole corpus (linted once per test session)."""
    return _lint(corpus)


def _reported(report: LintReport, corpus: Path) -> set[tuple[str, str, str]]:
    found = set()
    for d in report.diagnostics:
        path = Path(d.path).resolve().relative_to(corpus.resolve()).as_posix()
        found.add((path, d.code, _fingerprint(corpus, path, d.code, d.line)))
    return found


def test_no_true_finding_of_the_judged_sample_is_lost(report: LintReport, corpus: Path) -> None:
    recorded = json.loads(TRUE_FINDINGS.read_text(encoding="utf-8"))["findings"]
    assert len(recorded) >= 150
    reported = _reported(report, corpus)
    lost = [r for r in recorded if (r["path"], r["code"], r["fingerprint"]) not in reported]
    assert lost == []


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("xep-0116.xml", "CNT002"),  # pseudo-code with entity references
        ("xep-0391.xml", "E2E013"),  # carries established encryption schemes
        ("xep-0106.xml", "SEC004"),  # only disco#info in its examples
        ("xep-template.xml", "SEC010"),  # not a XEP
        ("inbox/xep-sce.xml", "E2E008"),  # stale copy of XEP-0420: XEP006 only
    ],
)
def test_false_findings_of_the_sample_stay_fixed(
    report: LintReport, corpus: Path, path: str, code: str
) -> None:
    assert not [d for d in report.diagnostics if d.path.endswith(path) and d.code == code]


def test_every_file_of_an_accepted_inbox_copy_has_one_finding(report: LintReport) -> None:
    stale = {d.path for d in report.diagnostics if d.code == "XEP006"}
    assert stale
    assert all(d.code == "XEP006" for d in report.diagnostics if d.path in stale)
