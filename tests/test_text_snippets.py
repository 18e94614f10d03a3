"""The text report's source lines: recorded by the process that linted the file, or read
back from the file; the same report either way, and never the bytes of a file that is not XML."""

from __future__ import annotations

import io
from pathlib import Path

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.reporters import text
from tests.xepfactory import make_xep


def _report(paths: list[Path], recorded: bool) -> tuple[str, list[str | None]]:
    report = lint_paths([str(p) for p in paths], LintOptions(source_lines=recorded))
    text._source_lines.cache_clear()
    out = io.StringIO()
    text.full(report, out)
    return out.getvalue(), [d.source for d in report.diagnostics]


def test_recorded_source_lines_give_the_report_read_from_the_files(xep_root: Path) -> None:
    draft = xep_root / "inbox" / "draft.xml"
    draft.write_text(make_xep(number="0999", status="Experimental\t", approver=""))
    recorded, sources = _report([draft], recorded=True)
    read_back, none = _report([draft], recorded=False)
    assert recorded == read_back
    assert any(sources) and not any(none)
    lines = draft.read_text().splitlines()
    assert "Experimental" in recorded
    assert all(s is None or s in lines for s in sources)


def test_a_file_that_is_not_xml_is_never_echoed(xep_root: Path) -> None:
    secret = xep_root / "inbox" / "secret.xml"
    secret.write_text("password = hunter2\n")
    report, sources = _report([secret], recorded=True)
    assert "XSF000" in report
    assert "hunter2" not in report
    assert sources == [None] * len(sources)
