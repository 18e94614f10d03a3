"""``lint --baseline`` / ``--write-baseline`` and legacy history shown only on request."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from e2ee_sig.cli import main
from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from tests.xepfactory import SECTIONS, make_xep

CAPTIONLESS = "<section1 topic='Example' anchor='ex'><example><![CDATA[<a/>]]></example></section1>"


def _lint(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["lint", "--format", "concise", *args])
    return result.exit_code, result.output


def _write(path: Path, sections: str) -> None:
    path.write_text(make_xep(sections=sections), encoding="utf-8")


def test_baseline_hides_known_findings_and_reports_new_ones(xep_root: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    _write(xep, SECTIONS + CAPTIONLESS)
    record = xep_root / "baseline.json"
    code, _ = _lint("--write-baseline", str(record), str(xep))
    assert code == 0
    entries = json.loads(record.read_text(encoding="utf-8"))["findings"]
    assert [e["code"] for e in entries] == ["CNT001"] and entries[0]["path"] == "xep-0999.xml"
    code, output = _lint("--baseline", str(record), str(xep))
    assert "CNT001" not in output and code == 0
    # lines inserted above the known finding: still known
    _write(
        xep,
        "<section1 topic='New' anchor='new'>\n<p>More.</p>\n\n\n</section1>\n"
        + SECTIONS
        + CAPTIONLESS,
    )
    assert "CNT001" not in _lint("--baseline", str(record), str(xep))[1]
    # a second, new finding of the same rule is reported
    _write(
        xep,
        SECTIONS + CAPTIONLESS + "\n" + CAPTIONLESS.replace("<a/>", "<b/>").replace("'ex'", "'x'"),
    )
    code, output = _lint("--baseline", str(record), str(xep))
    assert output.count("CNT001") == 1


def test_a_renamed_file_keeps_its_known_findings(xep_root: Path) -> None:
    proto = xep_root / "inbox" / "widgets.xml"
    _write(proto, SECTIONS + CAPTIONLESS)
    record = xep_root / "baseline.json"
    assert _lint("--select", "CNT001", "--write-baseline", str(record), str(proto))[0] == 0
    renamed = xep_root / "inbox" / "gadgets.xml"
    proto.rename(renamed)
    assert "CNT001" not in _lint("--select", "CNT001", "--baseline", str(record), str(renamed))[1]


def test_an_unreadable_baseline_is_a_usage_error(tmp_path: Path, xep_root: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    _write(xep, SECTIONS)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, output = _lint("--baseline", str(broken), str(xep))
    assert code == 2 and "not a valid baseline" in output
    code, output = _lint("--baseline", str(tmp_path / "missing.json"), str(xep))
    assert code == 2 and "cannot read baseline" in output


def test_two_part_versions_are_history_unless_selected(xep_root: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    legacy = make_xep().replace("<version>0.2.0</version>", "<version>0.2</version>")
    xep.write_text(legacy, encoding="utf-8")
    default = lint_paths([str(xep)], LintOptions(jobs=1)).diagnostics
    assert "REV002" not in {d.code for d in default}
    selected = lint_paths([str(xep)], LintOptions(select=("REV002",), jobs=1)).diagnostics
    assert [d.code for d in selected] == ["REV002"]
    extended = lint_paths([str(xep)], LintOptions(extend_select=("REV",), jobs=1)).diagnostics
    assert "REV002" in {d.code for d in extended}
    everything = lint_paths([str(xep)], LintOptions(select=("ALL",), jobs=1)).diagnostics
    assert "REV002" not in {d.code for d in everything}  # ALL names no rule in particular


def test_content_of_closed_xeps_is_history_unless_selected(xep_root: Path) -> None:
    xep = xep_root / "xep-0999.xml"
    retracted = make_xep(status="Retracted", sections=SECTIONS + CAPTIONLESS)
    xep.write_text(retracted, encoding="utf-8")
    assert "CNT001" not in {d.code for d in lint_paths([str(xep)], LintOptions(jobs=1)).diagnostics}
    selected = lint_paths([str(xep)], LintOptions(select=("CNT001",), jobs=1)).diagnostics
    assert [d.code for d in selected] == ["CNT001"]
    deferred = xep_root / "xep-0998.xml"
    deferred.write_text(
        make_xep(number="0998", status="Deferred", sections=SECTIONS + CAPTIONLESS),
        encoding="utf-8",
    )
    found = lint_paths([str(deferred)], LintOptions(jobs=1)).diagnostics
    assert [d.severity.value for d in found if d.code == "CNT001"] == ["warning"]
