"""Document-level catalogue rules: XEP002 doctype-ents, XEP005 filename."""

from __future__ import annotations

from pathlib import Path

from tests.xepfactory import codes, lint_text, make_xep

PROTOXEP = {"status": "ProtoXEP", "number": "XXXX"}


def test_doctype_ents_quiet_on_the_template_doctype(xep_root: Path) -> None:
    assert codes(lint_text(make_xep(), select=("XEP002",), root=xep_root)) == []
    inbox = lint_text(make_xep(**PROTOXEP), "inbox/widgets.xml", select=("XEP002",), root=xep_root)
    assert codes(inbox) == []


def test_doctype_ents_fires_when_ents_is_declared_but_not_referenced() -> None:
    text = make_xep().replace("%ents;\n", "")
    found = lint_text(text, select=("XEP002",))
    assert codes(found) == ["XEP002"]
    assert "never referenced" in found[0].message and found[0].line == 2


def test_doctype_ents_fires_without_the_xep_ent_declaration() -> None:
    text = make_xep().replace("<!ENTITY % ents SYSTEM 'xep.ent'>", "").replace("%ents;\n", "")
    found = lint_text(text, "inbox/widgets.xml", select=("XEP002",))
    assert codes(found) == ["XEP002"] and "does not declare" in found[0].message


def test_doctype_ents_reports_a_foreign_dtd_for_inbox_files_only(xep_root: Path) -> None:
    text = make_xep(**PROTOXEP).replace("SYSTEM 'xep.dtd'", "SYSTEM 'other.dtd'")
    found = lint_text(text, "inbox/widgets.xml", select=("XEP002",), root=xep_root)
    assert codes(found) == ["XEP002"] and "'other.dtd'" in found[0].message
    # a root xep-* file: the official make check (XSF002) reports it, not XEP002
    numbered = make_xep().replace("SYSTEM 'xep.dtd'", "SYSTEM 'other.dtd'")
    assert codes(lint_text(numbered, select=("XEP002",), root=xep_root)) == []


def test_doctype_ents_reports_an_undeclared_entity_in_an_inbox_file(xep_root: Path) -> None:
    sections = "<section1 topic='Intro' anchor='intro'><p>See &myproto;.</p></section1>"
    text = make_xep(sections=sections, **PROTOXEP)
    found = lint_text(text, "inbox/widgets.xml", select=("XEP002",), root=xep_root)
    assert codes(found) == ["XEP002"]
    assert "&myproto;" in found[0].message
    assert found[0].line == text.splitlines().index(sections) + 1
    declared = make_xep(
        sections=sections, internal_subset="\n  <!ENTITY myproto 'My Protocol'>", **PROTOXEP
    )
    assert codes(lint_text(declared, "inbox/w.xml", select=("XEP002",), root=xep_root)) == []


def test_filename_warns_for_inbox_names_starting_with_xep() -> None:
    found = lint_text(make_xep(**PROTOXEP), "inbox/xep-happy_eyeballs.xml", select=("XEP005",))
    assert codes(found) == ["XEP005"]
    assert found[0].severity == "warning"
    assert found[0].hint == "rename it to inbox/happy-eyeballs.xml"


def test_filename_quiet_for_good_names_and_for_what_xsf_rules_report() -> None:
    text = make_xep(**PROTOXEP)
    assert codes(lint_text(text, "inbox/happy-eyeballs.xml", select=("XEP005",))) == []
    # xep- and a digit is XSF006's; numbered files are XSF003's
    assert codes(lint_text(text, "inbox/xep-0999-draft.xml", select=("XEP005",))) == []
    assert codes(lint_text(make_xep(), "xep-0999.xml", select=("XEP005",))) == []
