"""The text report rendered where its diagnostics are found (by forked workers too) is the
report rendered at the end of the run (never timings: those are measured in benchmarks/)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from e2ee_sig.lint import batch, engine
from e2ee_sig.lint.batch import LintReport, lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.reporters import text
from tests.xepfactory import make_xep


def _text_report(paths: list[str], jobs: int, recorded: bool = True) -> tuple[str, LintReport]:
    report = lint_paths(paths, LintOptions(source_lines=recorded, jobs=jobs))
    out = io.StringIO()
    text.full(report, out)
    return out.getvalue(), report


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_text_report_rendered_by_workers_is_the_one_rendered_at_the_end(
    xep_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 2)
    paths = []
    for number in range(4):
        path = xep_root / "inbox" / f"draft-{number}.xml"
        body = make_xep(number=f"099{number}", status="Experimental\t", approver="")
        deep = "<p>a\tb <link url='http://xmpp.org/x'>x</link></p>\n" * 150
        path.write_text(body.replace("</section1>", deep + "</section1>", 1))
        paths.append(str(path))
    forked, report = _text_report(paths, jobs=2)
    serial, _ = _text_report(paths, jobs=1)
    text._source_lines.cache_clear()
    read_back, unrendered = _text_report(paths, jobs=1, recorded=False)
    assert forked == serial == read_back
    assert all(d.shown for d in report.diagnostics)
    assert not any(d.shown for d in unrendered.diagnostics)
    assert any(d.line > engine._HEAD_LINES and d.source for d in report.diagnostics)
    assert "[warning]" in forked and " = hint: " in forked
