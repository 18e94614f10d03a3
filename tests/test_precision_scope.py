"""What is linted: the template and README are not XEPs; accepted inbox copies get one finding."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from tests.xepfactory import make_xep


def _codes_by_file(root: Path, *paths: str, profile: str = "default") -> dict[str, list[str]]:
    report = lint_paths(list(paths), LintOptions(profile=profile, jobs=1))
    found: dict[str, list[str]] = {}
    for d in report.diagnostics:
        found.setdefault(Path(d.path).name, []).append(d.code)
    return found


def test_folder_discovery_skips_template_and_readme(xep_root: Path) -> None:
    for name in ("xep-template.xml", "xep-README.xml"):
        (xep_root / name).write_text(make_xep(number="XXXX", status="ProtoXEP"), encoding="utf-8")
    (xep_root / "xep-0999.xml").write_text(make_xep(), encoding="utf-8")
    report = lint_paths([str(xep_root)], LintOptions(jobs=1))
    assert report.files == 1
    explicit = lint_paths([str(xep_root / "xep-template.xml")], LintOptions(jobs=1))
    assert explicit.files == 1 and explicit.diagnostics  # named on the command line: linted
    official = lint_paths([str(xep_root)], LintOptions(profile="xsf-ci", jobs=1))
    assert official.files == 3  # the official CI selection includes them


def test_accepted_inbox_copy_gets_one_finding(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(
        make_xep(title="Trust Messages (TM)", shortname="tm"), encoding="utf-8"
    )
    stale = make_xep(
        title="Trust  Messages",  # the numbered XEP adds its abbreviation
        number="XXXX",
        status="ProtoXEP",
        shortname="NOT_YET_ASSIGNED",
        sections="<section1 topic='Oops'><p>TODO</p></section1>",
    )
    (xep_root / "inbox" / "trust-messages.xml").write_text(stale, encoding="utf-8")
    report = lint_paths([str(xep_root / "inbox")], LintOptions(jobs=1))
    (only,) = report.diagnostics
    assert only.code == "XEP006"
    assert (
        "accepted as XEP-0999" in only.message and "remove inbox/trust-messages.xml" in only.message
    )
    official = lint_paths([str(xep_root / "inbox")], LintOptions(profile="xsf-ci", jobs=1))
    assert all(d.code != "XEP006" for d in official.diagnostics)


def test_same_shortname_counts_but_placeholders_do_not(xep_root: Path) -> None:
    (xep_root / "xep-0999.xml").write_text(
        make_xep(title="Widgets", shortname="NOT_YET_ASSIGNED"), encoding="utf-8"
    )
    (xep_root / "xep-0998.xml").write_text(
        make_xep(title="Gadgets", number="0998", shortname="gadgets"), encoding="utf-8"
    )
    inbox = xep_root / "inbox"
    proto = {"number": "XXXX", "status": "ProtoXEP"}
    (inbox / "other.xml").write_text(
        make_xep(title="Other", shortname="NOT_YET_ASSIGNED", **proto), encoding="utf-8"
    )
    (inbox / "gadgets.xml").write_text(
        make_xep(title="Gadgets, renamed", shortname="Gadgets", **proto), encoding="utf-8"
    )
    found = _codes_by_file(xep_root, str(inbox))
    assert found.get("gadgets.xml") == ["XEP006"]
    assert "XEP006" not in found.get("other.xml", [])
