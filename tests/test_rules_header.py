"""Header catalogue rules HDR001-HDR017 (the parts the official XSF checks leave out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.xep.edit import apply_edits
from tests.xepfactory import codes, lint_text, make_xep

PROTOXEP = {"status": "ProtoXEP", "number": "XXXX"}
INBOX = "inbox/widgets.xml"
HEADER_CODES = tuple(f"HDR0{n:02d}" for n in (1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17))


def fixed(text: str, diagnostic: object) -> str:
    fix = diagnostic.fix  # type: ignore[attr-defined]
    assert fix is not None
    edits = [(e.start, e.end, e.replacement) for e in fix.edits]
    return apply_edits(text.encode(), edits).decode()


def test_default_xep_and_protoxep_are_clean(xep_root: Path) -> None:
    assert codes(lint_text(make_xep(), select=HEADER_CODES, root=xep_root)) == []
    protoxep = make_xep(**PROTOXEP)
    assert codes(lint_text(protoxep, INBOX, select=HEADER_CODES, root=xep_root)) == []


@pytest.mark.parametrize(
    ("title", "fires"),
    [
        ("XEP Template", True),
        ("  ", True),
        ("One Two Three Four Five Six Seven Eight Nine Ten", True),
        ("One Two Three Four Five Six Seven Eight Nine", False),
        ("OMEMO Encryption", False),
    ],
)
def test_title(title: str, fires: bool) -> None:
    assert codes(lint_text(make_xep(title=title), select=("HDR001",))) == (
        ["HDR001"] if fires else []
    )


def test_abstract() -> None:
    long = "This defines widgets. It uses discovery. It is simple. E.g. it has no state."
    found = lint_text(make_xep(abstract=long), select=("HDR002",))
    assert codes(found) == ["HDR002"] and "4 sentences" in found[0].message
    assert codes(lint_text(make_xep(abstract=""), select=("HDR002",))) == ["HDR002"]
    two = "This specification defines widgets, e.g. blue ones. They are negotiated."
    assert codes(lint_text(make_xep(abstract=two), select=("HDR002",))) == []


def test_type_enum_warns_for_uncommon_protoxep_types_only() -> None:
    found = lint_text(make_xep(xep_type="Historical", **PROTOXEP), INBOX, select=("HDR005",))
    assert codes(found) == ["HDR005"] and found[0].severity == "warning"
    informational = make_xep(xep_type="Informational", **PROTOXEP)
    assert codes(lint_text(informational, INBOX, select=("HDR005",))) == []
    # a numbered Historical XEP is fine; an unknown type is XSF008's
    assert codes(lint_text(make_xep(xep_type="Historical"), select=("HDR005",))) == []
    unknown = make_xep(xep_type="Extension", **PROTOXEP)
    assert codes(lint_text(unknown, INBOX, select=("HDR005",))) == []


def test_approver_warns_when_the_board_approves_a_protoxep() -> None:
    text = make_xep(xep_type="Informational", approver="<approver>Board</approver>", **PROTOXEP)
    found = lint_text(text, INBOX, select=("HDR006",))
    assert codes(found) == ["HDR006"]
    assert found[0].fix is not None and not found[0].fix.safe
    assert "<approver>Council</approver>" in fixed(text, found[0])
    council = make_xep(xep_type="Informational", **PROTOXEP)
    assert codes(lint_text(council, INBOX, select=("HDR006",))) == []
    # Board + Standards Track and a missing approver are official errors (XSF011, XSF009)
    board = make_xep(approver="<approver>Board</approver>", **PROTOXEP)
    assert codes(lint_text(board, INBOX, select=("HDR006",))) == []
    assert codes(lint_text(make_xep(approver="", **PROTOXEP), INBOX, select=("HDR006",))) == []


def test_sig_strips_whitespace_and_warns_on_other_values() -> None:
    text = make_xep().replace("<sig>Standards</sig>", "<sig> Standards</sig>")
    found = lint_text(text, select=("HDR007",))
    assert codes(found) == ["HDR007"]
    repaired = fixed(text, found[0])
    assert "<sig>Standards</sig>" in repaired
    assert codes(lint_text(repaired, select=("HDR007",))) == []
    jig = make_xep().replace("<sig>Standards</sig>", "<sig>Standards JIG</sig>")
    assert codes(lint_text(jig, select=("HDR007",))) == ["HDR007"]


def test_dependencies_template_leftovers_are_errors() -> None:
    deps = "<spec>XMPP Core</spec>\n    <spec>XEP-xxxx</spec>\n    <spec>Etc.</spec>"
    found = lint_text(make_xep(dependencies=deps), select=("HDR008",))
    assert [(d.code, str(d.severity)) for d in found] == [("HDR008", "error")] * 2


def test_dependencies_bad_forms_are_warnings_with_safe_fixes() -> None:
    deps = "<spec>RFC6120</spec>\n    <spec>XEP 361</spec>\n    <spec> XMPP IM</spec>"
    text = make_xep(dependencies=deps)
    found = lint_text(text, select=("HDR008",))
    assert [str(d.severity) for d in found] == ["warning"] * 3
    edits = [(e.start, e.end, e.replacement) for d in found for e in d.fix.edits]  # type: ignore[union-attr]
    text = apply_edits(text.encode(), edits).decode()
    assert "<spec>RFC 6120</spec>\n    <spec>XEP-0361</spec>\n    <spec>XMPP IM</spec>" in text
    assert codes(lint_text(text, select=("HDR008",))) == []


def test_dependencies_duplicates_and_named_xeps_warn() -> None:
    deps = "<spec>XEP-0030</spec>\n    <spec>XEP-0030</spec>\n    <spec>XEP-0327 Rayo</spec>"
    found = lint_text(make_xep(dependencies=deps), select=("HDR008",))
    assert [d.line for d in found] == [found[0].line, found[0].line + 1]
    assert "twice" in found[0].message and "'XEP-0327'" in (found[1].hint or "")
    others = "<spec>XHTML 1.0</spec>\n    <spec>draft-ietf-mls-protocol</spec>"
    assert codes(lint_text(make_xep(dependencies=others), select=("HDR008",))) == []


def test_deps_exist_reads_the_dependency_status_from_the_root(xep_root: Path) -> None:
    (xep_root / "xep-0030.xml").write_text(make_xep(number="0030", status="Obsolete"))
    (xep_root / "xep-0115.xml").write_text(make_xep(number="0115", status="Draft"))
    deps = "<spec>XEP-0030</spec>\n    <spec>XEP-0115</spec>\n    <spec>XEP-0500</spec>"
    found = lint_text(make_xep(dependencies=deps), select=("HDR009",), root=xep_root)
    assert [d.message for d in found] == [
        "dependency XEP-0030 is Obsolete: it is not to be implemented",
        "dependency XEP-0500 does not exist (no such number yet)",
    ]
    fine = make_xep(dependencies="<spec>XEP-0115</spec>")
    assert codes(lint_text(fine, select=("HDR009",), root=xep_root)) == []
    assert codes(lint_text(make_xep(dependencies=deps), select=("HDR009",))) == []  # no root


def test_supersede_pairs() -> None:
    superseded = make_xep().replace(
        "<supersededby/>", "<supersededby><spec>XEP-0777</spec></supersededby>"
    )
    found = lint_text(superseded, select=("HDR011",))
    assert codes(found) == ["HDR011"] and "'Experimental'" in found[0].message
    deprecated = superseded.replace("<status>Experimental</status>", "<status>Deprecated</status>")
    assert codes(lint_text(deprecated, select=("HDR011",))) == []
    itself = make_xep().replace("<supersedes/>", "<supersedes><spec>XEP-0999</spec></supersedes>")
    assert codes(lint_text(itself, select=("HDR011",))) == ["HDR011"]


def test_shortname_placeholder_in_a_numbered_xep_warns() -> None:
    found = lint_text(make_xep(shortname="NOT_YET_ASSIGNED"), select=("HDR012",))
    assert codes(found) == ["HDR012"] and "no shortname assigned" in found[0].message
    deferred = make_xep(shortname="NOT_YET_ASSIGNED", status="Deferred")
    assert codes(lint_text(deferred, select=("HDR012",))) == []
    procedural = make_xep(shortname="N/A", xep_type="Informational")
    assert codes(lint_text(procedural, select=("HDR012",))) == []


def test_shortname_protoxep_placeholders_and_ncname() -> None:
    text = make_xep(shortname="NOT YET ASSIGNED", **PROTOXEP)
    found = lint_text(text, INBOX, select=("HDR012",))
    assert codes(found) == ["HDR012"]
    assert "<shortname>NOT_YET_ASSIGNED</shortname>" in fixed(text, found[0])
    placeholder = make_xep(shortname="NOT_YET_ASSIGNED", **PROTOXEP)
    assert codes(lint_text(placeholder, INBOX, select=("HDR012",))) == []
    assert codes(lint_text(make_xep(shortname="jid\\20escaping"), select=("HDR012",))) == ["HDR012"]


def test_shortname_of_xep_0454_in_the_corpus(corpus: Path) -> None:
    report = lint_paths([str(corpus / "xep-0454.xml")], LintOptions(select=("HDR012",)))
    assert [d.code for d in report.diagnostics] == ["HDR012"]
    assert "NOT_YET_ASSIGNED" in report.diagnostics[0].message


def test_tags() -> None:
    tagged = (
        "\n  <tags>\n    <tag>template</tag>\n    <tag>e2ee</tag>\n    <tag>e2ee</tag>\n  </tags>"
    )
    found = lint_text(make_xep(header_extra=tagged), select=("HDR013",))
    assert codes(found) == ["HDR013", "HDR013"]
    good = "\n  <tags>\n    <tag>e2ee</tag>\n  </tags>"
    assert codes(lint_text(make_xep(header_extra=good), select=("HDR013",))) == []


def test_author_contact_error_when_unreachable_warning_when_half() -> None:
    nobody = "<author>\n    <firstname>A</firstname>\n    <surname>B</surname>\n  </author>"
    found = lint_text(make_xep(authors=nobody), select=("HDR014",))
    assert [(d.code, str(d.severity)) for d in found] == [("HDR014", "error")]
    email_only = nobody.replace("</surname>", "</surname>\n    <email>a@example.org</email>")
    found = lint_text(make_xep(authors=email_only), select=("HDR014",))
    assert [str(d.severity) for d in found] == ["warning"] and "no JID" in found[0].message
    uri_only = nobody.replace("</surname>", "</surname>\n    <uri>https://example.org/</uri>")
    assert [str(d.severity) for d in lint_text(make_xep(authors=uri_only), select=("HDR014",))] == [
        "warning"
    ]


def test_author_contact_points_at_the_entity_reference(xep_root: Path) -> None:
    text = make_xep(authors="&remko;")  # xep.ent: Remko Tronçon, uri only
    found = lint_text(text, select=("HDR014",), root=xep_root)
    assert codes(found) == ["HDR014"] and "no email address" in found[0].message
    assert found[0].line == text.splitlines().index("  &remko;") + 1


def test_no_interim() -> None:
    interim = make_xep().replace("<type>", "<interim/>\n  <type>")
    assert codes(lint_text(interim, select=("HDR015",))) == ["HDR015"]
    procedural = interim.replace("Standards Track", "Procedural")
    assert codes(lint_text(procedural, select=("HDR015",))) == []


def test_lastcall_dates() -> None:
    def with_lastcalls(*dates: str, status: str = "Proposed") -> str:
        calls = "".join(f"<lastcall>{d}</lastcall>\n  " for d in dates)
        return make_xep(status=status).replace("<type>", calls + "<type>")

    assert codes(lint_text(with_lastcalls("2026-02-10", "2025-12-01"), select=("HDR016",))) == []
    found = lint_text(with_lastcalls("2019-02-29"), select=("HDR016",))
    assert codes(found) == ["HDR016"] and str(found[0].severity) == "error"
    found = lint_text(with_lastcalls("2025-12-01", "2026-02-10"), select=("HDR016",))
    assert codes(found) == ["HDR016"] and "newest first" in (found[0].hint or "")
    proto = with_lastcalls("2026-02-10", status="ProtoXEP").replace("0999", "XXXX")
    found = lint_text(proto, INBOX, select=("HDR016",))
    assert [str(d.severity) for d in found] == ["warning"]


def test_header_order_names_the_misplaced_element(xep_root: Path) -> None:
    text = make_xep().replace("\n  <shortname>widgets</shortname>", "")
    text = text.replace("  <dependencies>", "  <shortname>widgets</shortname>\n  <dependencies>")
    found = lint_text(text, select=("HDR017",), root=xep_root)
    assert [d.message for d in found] == [
        "<shortname> is out of place: move it after <supersededby> and before <author>"
    ]
    assert "XSF001" in codes(lint_text(text, select=("XSF001",), root=xep_root))
    assert codes(lint_text(make_xep(), select=("HDR017",), root=xep_root)) == []
