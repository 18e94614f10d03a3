"""The whole real corpus lints without crashing; real E2EE XEPs show the known problems."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.discovery import NOT_XEPS
from e2ee_sig.lint.engine import LintOptions


def test_every_corpus_file_lints_under_every_profile(corpus: Path) -> None:
    for profile in ("xsf-ci", "default", "e2ee"):
        report = lint_paths([str(corpus)], LintOptions(profile=profile))
        root_files = list(corpus.glob("xep-*.xml"))
        if profile != "xsf-ci":  # the template and README are not XEPs
            root_files = [p for p in root_files if p.name not in NOT_XEPS]
        assert report.files == len(root_files) + len(list((corpus / "inbox").glob("*.xml")))
        assert all(d.line >= 1 for d in report.diagnostics)
        crashed = [d for d in report.diagnostics if d.message.startswith("internal error")]
        assert crashed == [], crashed[:3]


def test_official_failures_of_known_xeps(corpus: Path) -> None:
    files = [str(corpus / name) for name in ("xep-0384.xml", "xep-0027.xml", "xep-0001.xml")]
    report = lint_paths(files, LintOptions(profile="xsf-ci", jobs=1))
    by_file: dict[str, set[str]] = {}
    for d in report.diagnostics:
        by_file.setdefault(Path(d.path).name, set()).add(d.code)
    assert by_file.get("xep-0384.xml") == {"XSF002"}  # <link>&xep0060;</link>: make check only
    assert by_file.get("xep-0027.xml") == {"XSF009"}  # no <approver>
    assert "xep-0001.xml" not in by_file


def test_parallel_and_serial_runs_agree(corpus: Path) -> None:
    serial = lint_paths([str(corpus)], LintOptions(jobs=1))
    parallel = lint_paths([str(corpus)], LintOptions(jobs=2))
    assert serial.diagnostics == parallel.diagnostics
