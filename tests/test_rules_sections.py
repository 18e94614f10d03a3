"""SEC001–SEC008 and SEC012: each rule fires on a bad fixture and stays quiet on a good one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Severity
from e2ee_sig.xep.edit import apply_edits
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep

EXAMPLE = """<section1 topic='Protocol' anchor='protocol'>
  <example caption='Offer'><![CDATA[<iq type='get'>
    <offer xmlns='urn:xmpp:widgets:0'/>
  </iq>]]></example>
</section1>
"""
SCHEMA = """<section1 topic='XML Schema' anchor='schema'>
  <code><![CDATA[<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'
    targetNamespace='urn:xmpp:widgets:0' xmlns='urn:xmpp:widgets:0'/>]]></code>
</section1>"""
OLD_REVISION = """  <revision>
    <version>0.1</version>
    <date>2010-05-01</date>
    <initials>ae</initials>
    <remark><p>Initial published version.</p></remark>
  </revision>"""


def without(*topics: str, sections: str = SECTIONS) -> str:
    """``sections`` with the top-level sections titled ``topics`` removed."""
    for name in topics:
        sections, count = re.subn(
            rf"<section1 topic='{name}'.*?</section1>\n?", "", sections, flags=re.S
        )
        assert count == 1, name
    return sections


def lint(select: str, **overrides: str) -> list:
    return lint_text(make_xep(**overrides), select=(select,))


@pytest.mark.parametrize("code", ["SEC001", "SEC002", "SEC003", "SEC004", "SEC005", "SEC006"])
def test_the_default_fixture_is_clean(code: str) -> None:
    assert lint(code) == []
    assert lint(code, sections=EXAMPLE + SECTIONS + SCHEMA) == []


def test_security_section_missing_or_empty() -> None:
    found = lint("SEC001", sections=without("Security Considerations"))
    assert codes(found) == ["SEC001"] and found[0].severity is Severity.ERROR
    empty = SECTIONS.replace(
        "<p>A widget offer reveals which widgets an entity supports; entities SHOULD only answer\n"
        "  offers from contacts they trust.</p>",
        "<!-- to be written -->",
    )
    assert "empty" in lint("SEC001", sections=empty)[0].message


def test_procedural_documents_are_exempt() -> None:
    bare = without(
        "Security Considerations", "IANA Considerations", "XMPP Registrar Considerations"
    )
    for code in ("SEC001", "SEC002", "SEC003"):
        assert lint(code, sections=bare, xep_type="Procedural") == []
        assert codes(lint(code, sections=bare, xep_type="Historical")) == [code]


def test_inactive_documents_get_warnings() -> None:
    found = lint("SEC001", sections=without("Security Considerations"), status="Deferred")
    assert found[0].severity is Severity.WARNING


def test_iana_section_missing_with_unsafe_fix() -> None:
    text = make_xep(sections=without("IANA Considerations"))
    found = lint_text(text, select=("SEC002",))
    assert codes(found) == ["SEC002"]
    fix = found[0].fix
    assert fix is not None and not fix.safe
    fixed = apply_edits(text.encode(), [(e.start, e.end, e.replacement) for e in fix.edits])
    assert lint_text(fixed, select=("SEC",)) == []
    assert fixed.index(b"IANA Considerations") < fixed.index(b"XMPP Registrar Considerations")


def test_registrar_section_missing_and_legacy_title() -> None:
    assert codes(lint("SEC003", sections=without("XMPP Registrar Considerations"))) == ["SEC003"]
    legacy = SECTIONS.replace("XMPP Registrar Considerations", "Jabber Registrar Considerations")
    assert lint("SEC003", sections=legacy) == []


def test_both_fixes_are_one_edit_in_template_order() -> None:
    sections = without("IANA Considerations", "XMPP Registrar Considerations") + "\n" + SCHEMA
    text = make_xep(sections=sections)
    found = lint_text(text, select=("SEC002", "SEC003"))
    assert sorted(codes(found)) == ["SEC002", "SEC003"]
    assert found[0].fix is not None and found[0].fix.edits == found[1].fix.edits  # type: ignore[union-attr]
    edits = {(e.start, e.end, e.replacement) for d in found for e in d.fix.edits}  # type: ignore[union-attr]
    fixed = apply_edits(text.encode(), edits)
    assert lint_text(fixed, select=("SEC",)) == []
    order = [fixed.index(t) for t in (b"'IANA", b"'XMPP Registrar", b"'XML Schema")]
    assert order == sorted(order)
    assert fixed.replace(edits.pop()[2], b"") == text.encode()


def test_xml_schema_error_from_proposed_warning_before() -> None:
    sections = EXAMPLE + SECTIONS
    draft = lint("SEC004", sections=sections, status="Draft", number="0999")
    assert codes(draft) == ["SEC004"] and draft[0].severity is Severity.ERROR
    experimental = lint("SEC004", sections=sections)
    assert codes(experimental) == ["SEC004"] and experimental[0].severity is Severity.WARNING
    placeholder = sections + (
        "<section1 topic='XML Schema' anchor='schema'>"
        "<p>REQUIRED for protocol specifications.</p></section1>"
    )
    assert codes(lint("SEC004", sections=placeholder, status="Final")) == ["SEC004"]


def test_xml_schema_not_asked_of_other_types_or_explained_absence() -> None:
    sections = EXAMPLE + SECTIONS
    assert lint("SEC004", sections=sections, xep_type="Informational", status="Active") == []
    explained = sections + (
        "<section1 topic='XML Schema' anchor='schema'>"
        "<p>This document reuses the schema of XEP-0030.</p></section1>"
    )
    assert lint("SEC004", sections=explained, status="Draft") == []
    assert lint("SEC004", sections=sections, status="Obsolete") == []


@pytest.mark.parametrize(
    ("code", "topic"),
    [("SEC005", "Privacy Considerations"), ("SEC006", "Accessibility Considerations")],
)
def test_template_sections_for_new_documents_only(code: str, topic: str) -> None:
    found = lint(code, sections=without(topic))
    assert codes(found) == [code] and found[0].severity is Severity.WARNING
    old = OLD_REVISION
    assert lint(code, sections=without(topic), revisions=old) == []


def test_intro_and_requirements() -> None:
    assert lint("SEC007") == []
    no_reqs = lint("SEC007", sections=without("Requirements"))
    assert [d.message for d in no_reqs] == [
        "no 'Requirements' section (add it before 'Accessibility Considerations')"
    ]
    late_intro = without("Introduction") + SECTIONS[: SECTIONS.index("<section1 topic='Req")]
    assert "not 'Introduction'" in lint("SEC007", sections=late_intro)[0].message
    assert lint("SEC007", sections=without("Requirements"), status="Draft", number="0999") == []


def test_section_order() -> None:
    assert lint("SEC008") == []
    iana = re.search(r"<section1 topic='IANA.*?</section1>\n", SECTIONS, re.S).group(0)  # type: ignore[union-attr]
    swapped = iana + without("IANA Considerations")
    found = lint("SEC008", sections=swapped)
    assert codes(found) == ["SEC008"] and "should come before 'IANA" in found[0].message


def test_nesting() -> None:
    assert lint("SEC012") == []
    deep = SECTIONS.replace(
        "<p>The protocol is simple.</p>",
        "<section2 topic='a'><section3 topic='b'><section4 topic='c'><section5 topic='d'>"
        "<p>Deep.</p></section5></section4></section3></section2>",
    )
    assert codes(lint("SEC012", sections=deep)) == ["SEC012"]


def test_nesting_reports_every_section5_in_document_order() -> None:
    """SEC012 takes the section5 elements from the shared walk: the same elements, in the
    same order, as a filter of every section by its tag."""
    from e2ee_sig.xep import parse_bytes
    from e2ee_sig.xep.query import all_sections

    deep = SECTIONS.replace(
        "<p>The protocol is simple.</p>",
        "<section2 topic='a'><section3 topic='b'><section4 topic='c'>"
        "<section5 topic='first'><p>Deep.</p></section5><p>Between.</p>"
        "<section5 topic='second'><section5 topic='third'><p>Deeper.</p></section5></section5>"
        "</section4></section3></section2>",
    )
    text = make_xep(sections=deep)
    found = lint_text(text, select=("SEC012",))
    assert [f.message.split("'")[1] for f in found] == ["first", "second", "third"]
    document = parse_bytes(text.encode(), Path("xep-0999.xml"), "xep-0999.xml", None)
    filtered = [s.get("topic") for s in all_sections(document) if s.tag == "section5"]
    assert filtered == ["first", "second", "third"]


def test_corpus_reports_the_known_missing_sections(corpus: Path) -> None:
    expected = {
        "xep-0374.xml": "SEC001",
        "inbox/trust-messages.xml": "SEC001",
        "xep-0420.xml": "SEC002",
        "xep-0454.xml": "SEC003",
    }
    files = [str(corpus / name) for name in expected]
    report = lint_paths(files, LintOptions(select=("SEC",), jobs=1))
    found = {(Path(d.path).relative_to(corpus).as_posix(), d.code) for d in report.diagnostics}
    assert set(expected.items()) <= found
    assert ("xep-0420.xml", "SEC001") not in found  # XEP-0420 has its Security section


def test_corpus_schema_errors_only_for_advanced_xeps(corpus: Path) -> None:
    report = lint_paths([str(corpus)], LintOptions(select=("SEC004",)))
    errors = {Path(d.path).name for d in report.diagnostics if d.severity is Severity.ERROR}
    assert {"xep-0379.xml", "xep-0445.xml"} <= errors  # Proposed, schema still a placeholder
    for name in errors:
        status = re.search(rb"<status>(\w+)</status>", (corpus / name).read_bytes())
        assert status is not None and status.group(1) in (b"Proposed", b"Draft", b"Final")
