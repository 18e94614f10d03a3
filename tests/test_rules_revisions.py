"""Revision history rules REV001-REV013, with and without a ``--changed-since`` baseline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Diagnostic
from tests.xepfactory import codes, lint_text, make_xep

NAME = "xep-0999.xml"
INBOX = "inbox/widgets.xml"
TODAY = date(2026, 11, 25)
REV_CODES = tuple(f"REV0{n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13))


def rev(version: str, when: str, initials: str = "ae", remark: str = "<p>Change.</p>") -> str:
    return (
        f"  <revision>\n    <version>{version}</version>\n    <date>{when}</date>\n"
        f"    <initials>{initials}</initials>\n    <remark>{remark}</remark>\n  </revision>"
    )


def history(*blocks: str) -> str:
    return "\n".join(blocks)


def lint(
    text: str,
    code: str,
    *,
    name: str = NAME,
    base: set[tuple[str, str]] | None = None,
) -> list[Diagnostic]:
    """Lint with only ``code``; ``base`` are the (version, date) pairs at the diff base."""
    baseline = None if base is None else {str(Path(name).resolve()): frozenset(base)}
    return lint_text(
        text, name, select=(code,), context=LintContext(today=TODAY, baseline=baseline)
    )


def severities(found: list[Diagnostic]) -> list[str]:
    return [str(d.severity) for d in found]


OLD = rev("0.1.0", "2025-12-01")
BASE = {("0.1.0", "2025-12-01")}


def test_default_xep_and_protoxep_have_no_revision_findings() -> None:
    assert codes(lint_text(make_xep(), select=REV_CODES)) == []
    protoxep = make_xep(
        status="ProtoXEP",
        number="XXXX",
        revisions=history(rev("0.0.2", "2026-02-01"), rev("0.0.1", "2026-01-01")),
    )
    assert codes(lint_text(protoxep, INBOX, select=REV_CODES)) == []


def test_rev001_empty_fields() -> None:
    empty_date = make_xep(revisions=history(rev("0.2.0", ""), OLD))
    found = lint(empty_date, "REV001")
    assert codes(found) == ["REV001"] and severities(found) == ["error"]
    assert "<date> is empty" in found[0].message
    empty_initials = make_xep(revisions=history(rev("0.2.0", "2026-03-01", initials=""), OLD))
    assert severities(lint(empty_initials, "REV001")) == ["warning"]
    old_empty_remark = make_xep(revisions=history(rev("0.2.0", "2026-03-01"), rev("0.1", "", "")))
    found = lint(old_empty_remark, "REV001")
    assert severities(found) == ["warning", "warning"]
    blank_p = make_xep(revisions=history(rev("0.2.0", "2026-03-01", remark="<p> </p>"), OLD))
    assert "<remark> is empty" in lint(blank_p, "REV001")[0].message


def test_rev001_missing_field_without_dtd_only() -> None:
    missing = make_xep(revisions=OLD.replace("    <initials>ae</initials>\n", ""))
    found = lint(missing, "REV001")
    assert codes(found) == ["REV001"] and "<initials> is missing" in found[0].message


def test_rev001_leaves_missing_elements_to_the_dtd(xep_root: Path) -> None:
    missing = make_xep(revisions=OLD.replace("    <initials>ae</initials>\n", ""))
    found = lint_text(missing, select=("REV001", "XSF001"), root=xep_root)
    assert codes(found) == ["XSF001"]


def test_rev002_version_format() -> None:
    legacy_top = make_xep(revisions=history(rev("0.2", "2026-03-01"), OLD))
    found = lint(legacy_top, "REV002")
    assert codes(found) == ["REV002"] and severities(found) == ["warning"]
    assert severities(lint(legacy_top, "REV002", base=BASE)) == ["error"]
    rc = make_xep(revisions=history(rev("1.1.0-rc.1", "2026-03-01"), OLD))
    assert severities(lint(rc, "REV002", base=BASE)) == ["error"]
    legacy_below = make_xep(revisions=history(rev("0.2.0", "2026-03-01"), rev("0.1", "2025-12-01")))
    assert lint(legacy_below, "REV002") == []
    assert lint(legacy_below, "REV002", base={("0.1", "2025-12-01")}) == []


def test_rev003_adjacent_duplicates_only() -> None:
    duplicate = make_xep(revisions=history(rev("0.1.0", "2026-03-01"), OLD))
    found = lint(duplicate, "REV003")
    assert codes(found) == ["REV003"] and severities(found) == ["warning"]
    assert severities(lint(duplicate, "REV003", base=BASE)) == ["error"]
    apart = make_xep(revisions=history(rev("0.1.0", "2026-03-01"), rev("0.0.9", "2026-01-01"), OLD))
    both = lint_text(apart, select=("REV003", "XSF010"))
    assert codes(both) == ["XSF010"], "a duplicate out of order is XSF010's alone"
    assert lint(make_xep(), "REV003") == []


@pytest.mark.parametrize("bad", ["2011-1-23", "2024-30-30", "2025-02-29", "23 Jan 2011"])
def test_rev004_invalid_dates(bad: str) -> None:
    found = lint(make_xep(revisions=history(rev("0.2.0", bad), OLD)), "REV004")
    assert codes(found) == ["REV004"] and severities(found) == ["error"]
    older = lint(
        make_xep(revisions=history(rev("0.2.0", "2026-03-01"), rev("0.1.0", bad))), "REV004"
    )
    assert severities(older) == ["warning"]


def test_rev004_valid_leap_day() -> None:
    assert lint(make_xep(revisions=history(rev("0.2.0", "2024-02-29"), OLD)), "REV004") == []


def test_rev005_future_date() -> None:
    tomorrow = make_xep(revisions=history(rev("0.2.0", "2026-11-26"), OLD))
    found = lint(tomorrow, "REV005")
    assert codes(found) == ["REV005"] and "after today (2026-11-25)" in found[0].message
    assert lint(make_xep(revisions=history(rev("0.2.0", "2026-11-25"), OLD)), "REV005") == []


def test_rev006_inversion_is_a_warning_without_baseline() -> None:
    inverted = make_xep(revisions=history(rev("0.2.0", "2025-11-01"), OLD))
    found = lint(inverted, "REV006")
    assert codes(found) == ["REV006"] and severities(found) == ["warning"]
    assert lint(make_xep(), "REV006") == []


def test_rev006_new_top_before_previous_top_is_one_error() -> None:
    inverted = make_xep(revisions=history(rev("0.2.0", "2025-11-01"), OLD))
    found = lint(inverted, "REV006", base=BASE)
    assert severities(found) == ["error"] and "previous top revision 0.1.0" in found[0].message
    old_inversion = make_xep(
        revisions=history(rev("0.3.0", "2026-03-01"), rev("0.2.0", "2025-01-01"), OLD)
    )
    base = {("0.2.0", "2025-01-01"), ("0.1.0", "2025-12-01")}
    assert severities(lint(old_inversion, "REV006", base=base)) == ["warning"]


def test_rev007_protoxep_versions() -> None:
    def proto(*blocks: str) -> str:
        return make_xep(status="ProtoXEP", number="XXXX", revisions=history(*blocks))

    found = lint(proto(rev("0.1", "2026-01-01")), "REV007", name=INBOX)
    assert codes(found) == ["REV007"] and severities(found) == ["error"]
    not_first = lint(proto(rev("0.0.2", "2026-01-01")), "REV007", name=INBOX)
    assert severities(not_first) == ["warning"] and "0.0.1" in not_first[0].message
    old_wrong = proto(rev("0.0.2", "2026-02-01"), rev("0.0.1.1", "2026-01-01"))
    assert severities(lint(old_wrong, "REV007", name=INBOX)) == ["warning"]
    good = proto(rev("0.0.2", "2026-02-01"), rev("0.0.1", "2026-01-01"))
    assert lint(good, "REV007", name=INBOX) == []


@pytest.mark.parametrize(
    ("status", "version", "fires"),
    [
        ("Draft", "0.9.0", True),
        ("Experimental", "1.0.0", True),
        ("Deferred", "1.2.0", True),
        ("Final", "1.5.0", True),
        ("Draft", "1.0.0", False),
        ("Active", "1.3", False),
        ("Final", "2.1.0", False),
        ("Obsolete", "0.3.0", False),
        ("Experimental", "0.9.1", False),
    ],
)
def test_rev008_version_fits_status(status: str, version: str, fires: bool) -> None:
    text = make_xep(status=status, revisions=history(rev(version, "2026-03-01"), OLD))
    assert codes(lint(text, "REV008")) == (["REV008"] if fires else [])


def test_rev009_needs_a_new_block_in_diff_mode_only() -> None:
    text = make_xep()
    base = {("0.2.0", "2026-03-01"), ("0.1.0", "2025-12-01")}
    found = lint(text, "REV009", base=base)
    assert codes(found) == ["REV009"] and "needs a new revision block" in found[0].message
    assert lint(text, "REV009") == []
    assert lint(text, "REV009", base={("0.1.0", "2025-12-01")}) == []


@pytest.mark.parametrize(
    ("status", "old", "new", "fires"),
    [
        ("Experimental", "0.2.0", "0.2.1", False),
        ("Experimental", "0.2.0", "0.3.0", False),
        ("Experimental", "0.2.0", "1.0.0", True),
        ("Deferred", "0.2", "0.3.0", False),
        ("Draft", "0.9.0", "1.0.0", False),
        ("Active", "0.9.0", "1.0.0", False),
        ("Draft", "1.2.0", "2.0.0", True),
        ("Final", "1.2.0", "2.0.0", False),
        ("Final", "1.2.0", "3.0.0", True),
        ("Draft", "1.2.0", "1.3.0", False),
        ("ProtoXEP", "0.0.1", "0.0.2", False),
        ("ProtoXEP", "0.0.1", "0.0.3", True),
    ],
)
def test_rev009_bump_level_fits_status(status: str, old: str, new: str, fires: bool) -> None:
    text = make_xep(
        status=status, revisions=history(rev(new, "2026-03-01"), rev(old, "2025-12-01"))
    )
    found = lint(text, "REV009", base={(old, "2025-12-01")})
    assert codes(found) == (["REV009"] if fires else [])


def test_rev010_one_new_block_per_change() -> None:
    text = make_xep(revisions=history(rev("0.1.2", "2026-03-02"), rev("0.1.1", "2026-03-01"), OLD))
    found = lint(text, "REV010", base=BASE)
    assert codes(found) == ["REV010"] and "0.1.2, 0.1.1" in found[0].message
    assert lint(text, "REV010") == []
    assert lint(text, "REV010", base=set()) == [], "a new file brings its history"
    assert lint(text, "REV010", base=BASE | {("0.1.1", "2026-03-01")}) == []


def test_rev013_substantive_change_reactivates_a_deferred_xep() -> None:
    minor = history(rev("0.2.0", "2026-03-02"), OLD)
    deferred = make_xep(status="Deferred", revisions=minor)
    found = lint(deferred, "REV013", base=BASE)
    assert codes(found) == ["REV013"] and "0.1.0 → 0.2.0" in found[0].message
    assert found[0].line == deferred.splitlines().index("  <status>Deferred</status>") + 1
    assert lint(make_xep(status="Experimental", revisions=minor), "REV013", base=BASE) == []
    patch = make_xep(status="Deferred", revisions=history(rev("0.1.1", "2026-03-02"), OLD))
    assert lint(patch, "REV013", base=BASE) == [], "an editorial change leaves it Deferred"
    assert lint(deferred, "REV013") == [], "only judged with --changed-since"


@pytest.mark.parametrize(
    ("remark", "fires"),
    [
        ("TODO", True),
        ("<p>…</p>", True),
        ("Fixed<p>typos</p>", True),
        ("<p>One.</p><p>Two.</p>", True),
        ("Fix typos.", False),
        ("<ul><li>One.</li><li>Two.</li></ul>", False),
        ("<p>Describe the TODO list feature.</p>", False),
    ],
)
def test_rev012_remark_format(remark: str, fires: bool) -> None:
    text = make_xep(revisions=history(rev("0.2.0", "2026-03-01", remark=remark), OLD))
    assert codes(lint(text, "REV012")) == (["REV012"] if fires else [])


def test_rev012_ignores_older_remarks() -> None:
    text = make_xep(
        revisions=history(rev("0.2.0", "2026-03-01"), rev("0.1.0", "2025-12-01", remark="TBD"))
    )
    assert lint(text, "REV012") == []


def corpus_codes(corpus: Path, name: str, *select: str) -> list[Diagnostic]:
    report = lint_paths([str(corpus / name)], LintOptions(select=select, today=TODAY, jobs=1))
    return report.diagnostics


def test_corpus_xep0384_dates_out_of_order(corpus: Path) -> None:
    found = corpus_codes(corpus, "xep-0384.xml", "REV006")
    assert [(d.code, str(d.severity)) for d in found] == [("REV006", "warning")]
    assert "0.3.0" in found[0].message and "0.2.2" in found[0].message


def test_corpus_known_history_problems(corpus: Path) -> None:
    assert codes(corpus_codes(corpus, "xep-0155.xml", "REV003")) == ["REV003"]
    found = corpus_codes(corpus, "inbox/new-muc.xml", "REV007")
    assert codes(found) == ["REV007"] and "'0.1'" in found[0].message
    assert codes(corpus_codes(corpus, "xep-0420.xml", "REV012")) == ["REV012"]


def test_corpus_has_no_revision_errors_outside_the_inbox_protoxeps(corpus: Path) -> None:
    """Calibration: on the published XEPs, history rules only warn (no MUST is broken)."""
    report = lint_paths([str(corpus)], LintOptions(select=("REV",), today=TODAY))
    errors = sorted(
        {(d.code, Path(d.path).name) for d in report.diagnostics if d.severity == "error"}
    )
    assert errors == [
        ("REV007", "ibr-token.xml"),
        ("REV007", "new-muc.xml"),
        ("REV007", "peptzo.xml"),
        ("REV007", "xep-happy-eyeballs.xml"),
    ]


def test_xsf010_points_at_the_block_that_is_out_of_place() -> None:
    blocks = [rev("0.3.0", "2026-03-01"), rev("0.1.0", "2026-01-01"), rev("0.2.0", "2026-02-01")]
    text = make_xep(revisions=history(*blocks))
    (found,) = lint_text(text, select=("XSF010",))
    lines = text.splitlines()
    second, third = (
        i + 1 for i, line in enumerate(lines) if "<version>0." in line and "0.3.0" not in line
    )
    assert found.line == third - 1  # the <revision> line of 0.2.0, under 0.1.0
    assert f"0.2.0 comes after 0.1.0 (line {second - 1})" in found.message
    assert found.message.endswith("0.3.0 0.1.0 0.2.0")
    assert found.hint == "move the 0.2.0 revision block above the 0.1.0 one (newest first)"


def test_xsf010_without_a_version_per_block_points_at_the_first_block() -> None:
    versionless = rev("0.1.0", "2026-01-01").replace("<version>0.1.0</version>", "")
    text = make_xep(
        revisions=history(rev("0.1.0", "2026-02-01"), versionless, rev("0.2.0", "2026-03-01"))
    )
    (found,) = lint_text(text, select=("XSF010",))
    first = next(i + 1 for i, line in enumerate(text.splitlines()) if "<revision>" in line)
    assert found.line == first
    assert found.message == "revision versions are not in descending order: 0.1.0 0.2.0"
