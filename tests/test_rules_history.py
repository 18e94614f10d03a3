"""REV020, REV021, HDR020: malformed versions, release-candidate order, numbered ProtoXEPs."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Severity
from tests.xepfactory import codes, lint_text, make_xep


def revisions(*versions: str) -> str:
    blocks = [
        f"  <revision>\n    <version>{v}</version>\n    <date>2026-0{9 - i}-01</date>\n"
        f"    <initials>ae</initials>\n    <remark><p>Change {i}.</p></remark>\n  </revision>"
        for i, v in enumerate(versions)
    ]
    return "\n".join(blocks)


def lint(select: str, *versions: str, new: bool = False, **kwargs: str):
    """Lint; with ``new`` every revision counts as added since a ``--changed-since`` base."""
    context = LintContext(baseline={}) if new else None
    text = make_xep(revisions=revisions(*versions), **kwargs)
    return lint_text(text, select=(select,), context=context)


@pytest.mark.parametrize("version", ["01.0", "1.", "1.0-rc1", "1.1.0-rc.1", "0.x", "666", "1.02"])
def test_malformed_new_version_is_an_error(version: str) -> None:
    found = lint("REV020", version, "0.1.0", new=True)
    assert codes(found) == ["REV020"] and found[0].severity is Severity.ERROR
    published = lint("REV020", version, "0.1.0")
    assert codes(published) == ["REV020"] and published[0].severity is Severity.WARNING


def test_malformed_old_version_is_a_warning_and_legacy_forms_pass() -> None:
    found = lint("REV020", "1.0.0", "0.x", "0.2", "0.1rc1")
    assert [(d.message, d.severity) for d in found] == [
        ("version '0.x' is malformed", Severity.WARNING)
    ]
    assert lint("REV020", "1.0.0", "1.0rc2", "0.9") == []


def test_release_candidates_come_before_their_release() -> None:
    found = lint("REV021", "2.4rc1", "2.4", "2.3", new=True)
    assert codes(found) == ["REV021"] and "2.4rc1" in found[0].message
    assert found[0].severity is Severity.ERROR
    assert codes(lint("REV021", "2.5.0", "2.5rc1", "2.5rc2")) == ["REV021"]  # rc1 above rc2
    assert lint("REV021", "2.5.1", "2.5rc1", "2.4") == []
    assert lint("REV021", "2.5.0", "2.5rc3", "2.5rc2", "2.5rc1", "2.4") == []


def test_rc_listed_above_a_later_rc() -> None:
    found = lint("REV021", "2.6.0", "2.5.0", "2.5rc1", "2.5rc2")
    assert codes(found) == ["REV021"] and found[0].severity is Severity.WARNING


def test_each_revision_has_the_severity_of_its_own_baseline_entry() -> None:
    known = {str(Path("xep-0999.xml").resolve()): frozenset({("0.x", "2026-08-01")})}
    text = make_xep(revisions=revisions("1.x", "0.x"))
    found = lint_text(text, select=("REV020",), context=LintContext(baseline=known))
    assert [(d.message, d.line, d.severity) for d in found] == [
        ("version '1.x' is malformed", _line_of(text, "1.x"), Severity.ERROR),
        ("version '0.x' is malformed", _line_of(text, "0.x"), Severity.WARNING),
    ]
    known = {str(Path("xep-0999.xml").resolve()): frozenset({("2.4rc1", "2026-09-01")})}
    text = make_xep(revisions=revisions("2.4rc1", "2.4", "2.3"))
    found = lint_text(text, select=("REV021",), context=LintContext(baseline=known))
    message = f"release candidate 2.4rc1 is listed above 2.4 (line {_line_of(text, '2.4')}), "
    assert [(d.message, d.line, d.severity) for d in found] == [
        (message + "which is newer", _line_of(text, "2.4rc1"), Severity.WARNING)
    ]


def _line_of(text: str, version: str) -> int:
    return text[: text.index(f"<version>{version}<")].count("\n") + 1


def test_numbered_file_with_status_protoxep() -> None:
    text = make_xep(status="ProtoXEP")
    found = lint_text(text, "xep-0999.xml", select=("HDR020",))
    assert codes(found) == ["HDR020"]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "<status>" in t)
    assert found[0].line == line
    assert lint_text(text, "widgets.xml", select=("HDR020",)) == []
