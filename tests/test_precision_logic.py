"""Regression tests for the logic errors and double reports found on the real corpus (#14)."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.messages import date_problem, plural
from tests.test_rules_e2ee import FILLER, replaced, spec
from tests.xepfactory import SECTIONS as PLAIN_SECTIONS
from tests.xepfactory import codes, lint_text, make_xep

PROTOXEP = {"number": "XXXX", "status": "ProtoXEP", "shortname": "NOT_YET_ASSIGNED"}
OWN_EXAMPLE = """<section1 topic='Protocol' anchor='protocol'>
  <example caption='Offer'><![CDATA[<offer xmlns='urn:xmpp:widgets:0'/>]]></example>
</section1>"""


def messages(text: str, code: str, **kwargs: object) -> list[str]:
    return [d.message for d in lint_text(text, select=(code,), **kwargs) if d.code == code]  # type: ignore[arg-type]


def test_a_lone_dash_is_not_a_title_word() -> None:
    nine = "Host Meta 2 - One Method To Rule Them All"
    assert messages(make_xep(title=nine), "HDR001") == []
    (message,) = messages(make_xep(title=nine + " Today"), "HDR001")
    assert "has 10 words" in message and nine in message


def test_code_mixing_markup_with_escaped_arrows_is_not_asked_for_cdata() -> None:
    mixed = (
        "<section1 topic='Flow' anchor='flow'><code>A &lt;- <strong>B</strong></code></section1>"
    )
    assert messages(make_xep(sections=PLAIN_SECTIONS + mixed), "CNT002") == []
    escaped = "<section1 topic='Flow' anchor='flow'><code>&lt;iq type='get'/&gt;</code></section1>"
    (message,) = messages(make_xep(sections=PLAIN_SECTIONS + escaped), "CNT002")
    assert "&lt;i" in message and "CDATA" in message


def test_a_comment_in_an_example_is_not_a_schema() -> None:
    commented = """<section1 topic='Protocol' anchor='protocol'><example caption='x'><![CDATA[
<!-- <xs:schema targetNamespace='urn:xmpp:a:1' xmlns='urn:xmpp:b:0'> -->
<offer xmlns='urn:xmpp:widgets:0'/>]]></example></section1>"""
    assert messages(make_xep(sections=PLAIN_SECTIONS + commented), "CNT010") == []


def test_fragment_sub_namespaces_have_the_right_form() -> None:
    example = OWN_EXAMPLE.replace("urn:xmpp:widgets:0", "urn:xmpp:widgets:0#create")
    proto = make_xep(sections=PLAIN_SECTIONS + example, **{**PROTOXEP, "shortname": "widgets"})
    assert messages(proto, "CNT008", name="inbox/widgets.xml") == []
    bad = example.replace("urn:xmpp:widgets:0#create", "urn:xmpp:widgets:create#x")
    proto = make_xep(sections=PLAIN_SECTIONS + bad, **{**PROTOXEP, "shortname": "widgets"})
    assert len(messages(proto, "CNT008", name="inbox/widgets.xml")) == 1


def test_using_disco_info_in_an_example_does_not_make_a_protocol() -> None:
    disco = OWN_EXAMPLE.replace("urn:xmpp:widgets:0", "http://jabber.org/protocol/disco#info")
    draft = {"status": "Draft", "revisions": _revision("1.0.0")}
    assert messages(make_xep(sections=PLAIN_SECTIONS + disco, **draft), "SEC004") == []
    (message,) = messages(make_xep(sections=PLAIN_SECTIONS + OWN_EXAMPLE, **draft), "SEC004")
    assert "'urn:xmpp:widgets:0'" in message and "Draft" in message


def _revision(version: str, date: str = "2025-12-01") -> str:
    return (
        f"<revision><version>{version}</version><date>{date}</date><initials>ae</initials>"
        "<remark><p>Change.</p></remark></revision>"
    )


def test_first_protoxep_version_found_in_any_block() -> None:
    upside_down = _revision("0.0.1") + _revision("0.0.2", "2025-11-01")
    proto = make_xep(revisions=upside_down, **PROTOXEP)
    assert not [m for m in messages(proto, "REV007", name="inbox/a.xml") if "first" in m]
    late = _revision("0.0.3") + _revision("0.0.2", "2025-11-01")
    (message,) = messages(make_xep(revisions=late, **PROTOXEP), "REV007", name="inbox/a.xml")
    assert "0.0.1" in message and "0.0.2" in message


def test_security_considerations_saying_only_tbd_or_yes() -> None:
    for text in ("TBD.", "Yes."):
        sections = PLAIN_SECTIONS.replace(
            "A widget offer reveals which widgets an entity supports; entities SHOULD only answer\n"
            "  offers from contacts they trust.",
            text,
        )
        assert sections != PLAIN_SECTIONS
        found = lint_text(make_xep(sections=sections), select=("SEC001", "SEC011"))
        assert [(d.code, d.message) for d in found] == [
            ("SEC001", f"the 'Security Considerations' section says only {text!r}")
        ]


def test_an_impossible_day_is_named_as_such() -> None:
    assert date_problem("2019-02-29") == ("'2019-02-29' does not exist: February 2019 has 28 days")
    assert date_problem("2020-02-29") is None
    assert date_problem("29 Feb 2019") == "'29 Feb 2019' is not a YYYY-MM-DD date"
    header = make_xep(header_extra="", status="Draft").replace(
        "<status>Draft</status>", "<status>Draft</status>\n  <lastcall>2019-02-29</lastcall>"
    )
    (message,) = messages(header, "HDR016")
    assert "does not exist" in message and "YYYY-MM-DD date" not in message


def test_plurals() -> None:
    assert (plural(1, "word"), plural(2, "word"), plural(0, "entry", "entries")) == (
        "1 word",
        "2 words",
        "0 entries",
    )
    one_word = spec(replaced(FILLER, "Secure."))
    (message,) = messages(one_word, "E2E001")
    assert "has 1 word;" in message


# --- one fact, one diagnostic ---


def test_entity_in_link_is_one_cnt006_and_keeps_the_official_verdict(xsf_root: Path) -> None:
    linked = PLAIN_SECTIONS.replace(
        "as described in &xep0030;.",
        "as described in <link url='https://xmpp.org/extensions/xep-0030.html'>&xep0030;</link>.",
    )
    target = xsf_root / "xep-0999.xml"
    target.write_text(make_xep(sections=linked), encoding="utf-8")
    default = lint_paths([str(target)], LintOptions(jobs=1)).diagnostics
    assert [d.code for d in default if d.code in ("CNT006", "XSF002")] == ["CNT006"]
    assert lint_paths([str(target)], LintOptions(jobs=1)).exit_code == 1
    official = lint_paths([str(target)], LintOptions(profile="xsf-ci", jobs=1))
    assert {d.code for d in official.diagnostics} == {"XSF002"} and official.exit_code == 1


def test_missing_privacy_section_of_an_encryption_spec_is_one_finding() -> None:
    missing = replaced(
        "<section1 topic='Privacy Considerations' anchor='privacy'>\n"
        "  <p>Device lists are public and reveal how many devices a user has.</p>\n"
        "</section1>\n",
        "",
    )
    found = codes(lint_text(spec(missing), select=("SEC005", "E2E004")))
    assert found == ["E2E004"]


def test_template_text_in_the_schema_section_is_one_finding() -> None:
    schema = (
        "<section1 topic='XML Schema' anchor='schema'>"
        "<p>REQUIRED for protocol specifications.</p></section1>"
    )
    found = lint_text(
        make_xep(sections=PLAIN_SECTIONS + OWN_EXAMPLE + schema), select=("SEC004", "SEC010")
    )
    assert [d.code for d in found] == ["SEC004"]
    assert "REQUIRED for protocol specifications." in found[0].message


def test_whole_document_findings_point_where_text_belongs() -> None:
    text = spec(
        replaced(
            "<section1 topic='Trust' anchor='trust'>\n  <p>Clients MUST let users compare "
            "fingerprints.</p>\n</section1>\n",
            "",
        )
    )
    lines = text.splitlines()
    security = next(i for i, s in enumerate(lines, 1) if "topic='Security Considerations'" in s)
    (trust,) = lint_text(text, select=("E2E013",))
    assert trust.line == security
    no_sections = make_xep(
        title="Widget Encryption",
        sections="<section1 topic='Introduction' anchor='intro'><p>Hi.</p></section1>",
    )
    for d in lint_text(no_sections):
        assert 1 <= d.line <= len(no_sections.splitlines())
        assert "<header" not in no_sections.splitlines()[d.line - 1] or d.code.startswith(
            ("XSF", "HDR")
        )


def test_crypto_reference_points_at_the_term() -> None:
    uncited = (
        replaced(
            "<p>Widget Crypt encrypts one-to-one messages end to end.</p>",
            "<li>First item, and keys are then derived with HKDF.</li>",
        )
        .replace("<li>", "<ul><li>", 1)
        .replace("</li>", "</li></ul>", 1)
    )
    text = spec(uncited)
    (found,) = lint_text(text, select=("E2E011",))
    row = text.splitlines()[found.line - 1]
    assert row[found.column - 1 : found.column + 3] == "HKDF"


def test_code_with_entity_references_is_not_asked_for_cdata() -> None:
    code = "<section1 topic='K' anchor='k'><code>&xep0030; = '&lt;fp&gt;'</code></section1>"
    assert messages(make_xep(sections=PLAIN_SECTIONS + code), "CNT002") == []


def test_beyond_the_scope_states_a_limit() -> None:
    bare = replaced(
        "The attacker controls the servers. Widget Crypt does not protect against metadata\n"
        "    analysis.",
        "The attacker controls the servers. Key authenticity is beyond the scope of this document.",
    )
    assert messages(spec(bare), "E2E002", profile="e2ee") == []
