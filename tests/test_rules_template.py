"""Anchors and template leftovers: SEC009, SEC010 (with its unsafe fix) and SEC011."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Diagnostic
from e2ee_sig.xep.edit import apply_edits
from tests.xepfactory import REVISIONS, SECTIONS, codes, lint_text, make_xep

TEMPLATE_CODES = ("SEC009", "SEC010", "SEC011")
INBOX = "inbox/widgets.xml"


def with_sections(extra: str, *, replace: tuple[str, str] | None = None, **overrides: str) -> str:
    """The default XEP with ``extra`` sections appended (and one text replaced)."""
    body = SECTIONS if replace is None else SECTIONS.replace(*replace)
    assert replace is None or body != SECTIONS, "the replacement did not apply"
    return make_xep(sections=body + "\n" + extra, **overrides)


def lint(text: str, code: str, name: str = "xep-0999.xml") -> list[Diagnostic]:
    return lint_text(text, name, select=(code,))


def severities(found: list[Diagnostic]) -> list[str]:
    return [str(d.severity) for d in found]


def test_default_xep_is_clean() -> None:
    assert codes(lint_text(make_xep(), select=TEMPLATE_CODES)) == []


def test_sec009_missing_anchors_are_one_warning() -> None:
    text = with_sections(
        "<section1 topic='Discovery'>\n  <p>Ask.</p>\n"
        "  <section2 topic='Response'><p>Answer.</p></section2>\n</section1>"
    )
    found = lint(text, "SEC009")
    assert severities(found) == ["warning"]
    assert "2 sections without an anchor" in found[0].message and "'Response'" in found[0].message


def test_sec009_duplicate_anchor_is_an_error() -> None:
    text = with_sections("<section1 topic='Errors' anchor='reqs'>\n  <p>None.</p>\n</section1>")
    found = lint(text, "SEC009")
    assert severities(found) == ["error"]
    assert "'reqs'" in found[0].message and "'Requirements'" in found[0].message
    unique = with_sections("<section1 topic='Errors' anchor='errors'><p>None.</p></section1>")
    assert lint(unique, "SEC009") == []


def test_sec010_placeholder_in_a_must_section_is_an_error() -> None:
    security = (
        "A widget offer reveals which widgets an entity supports; entities SHOULD only answer"
    )
    text = make_xep(
        sections=SECTIONS.replace(security, "REQUIRED.").replace(
            "  offers from contacts they trust.", ""
        )
    )
    found = lint(text, "SEC010")
    assert severities(found) == ["error"] and "'Security Considerations'" in found[0].message


def test_sec010_placeholder_in_an_optional_section_is_a_warning() -> None:
    text = with_sections(
        "<section1 topic='Glossary' anchor='glossary'>\n  <p>OPTIONAL.</p>\n</section1>"
    )
    found = lint(text, "SEC010")
    assert severities(found) == ["warning"] and "'OPTIONAL.'" in found[0].message


def test_sec010_ignores_comments_and_real_sentences() -> None:
    text = with_sections(
        "<section1 topic='Glossary' anchor='glossary'>\n"
        "  <!-- <p>REQUIRED.</p> PLEASE REMOVE THIS SECTION -->\n"
        "  <p>Support for widgets is REQUIRED.</p>\n</section1>"
    )
    assert lint(text, "SEC010") == []


def test_sec010_styling_section_and_template_revision() -> None:
    styling = (
        "<section1 topic='XEP Styling Examples (1st Level Heading)' anchor='styling'>\n"
        "  <p>PLEASE REMOVE THIS SECTION. These are just examples.</p>\n"
        "  <p>OPTIONAL.</p>\n</section1>"
    )
    found = lint(with_sections(styling), "SEC010")
    assert len(found) == 1 and "Styling Examples" in found[0].message
    assert found[0].fix is not None and not found[0].fix.safe
    revision = (
        "  <revision>\n    <version>0.0.1</version>\n    <date>2001-09-14</date>\n"
        "    <initials>psa</initials>\n    <remark><p>First draft.</p></remark>\n  </revision>"
    )
    template_history = make_xep(status="ProtoXEP", number="XXXX", revisions=revision)
    found = lint(template_history, "SEC010", INBOX)
    assert codes(found) == ["SEC010"] and "2001-09-14" in found[0].message


def test_sec010_please_remove_outside_the_styling_section() -> None:
    text = with_sections(
        "<section1 topic='Notes' anchor='notes'>\n  <p>PLEASE REMOVE THIS SECTION.</p>\n</section1>"
    )
    assert severities(lint(text, "SEC010")) == ["error"]


def test_sec010_unsafe_fix_removes_only_the_placeholder_section() -> None:
    glossary = "<section1 topic='Glossary' anchor='glossary'>\n  <p>OPTIONAL.</p>\n</section1>\n"
    text = make_xep(
        sections=SECTIONS.replace(
            "<section1 topic='Accessibility", glossary + "<section1 topic='Accessibility"
        )
    )
    (found,) = lint(text, "SEC010")
    assert found.fix is not None and found.fix.safe is False
    edits = [(e.start, e.end, e.replacement) for e in found.fix.edits]
    after = apply_edits(text.encode(), edits).decode()
    assert after == make_xep()
    assert lint(after, "SEC010") == []


def test_sec010_no_fix_when_the_section_has_real_content() -> None:
    text = with_sections(
        "<section1 topic='Glossary' anchor='glossary'>\n  <p>OPTIONAL.</p>\n"
        "  <p>Widget: a thing.</p>\n</section1>"
    )
    (found,) = lint(text, "SEC010")
    assert found.fix is None


def test_sec010_drops_to_a_warning_for_deferred_xeps() -> None:
    text = with_sections(
        "<section1 topic='IANA Considerations' anchor='iana2'>\n  <p>REQUIRED.</p>\n</section1>",
        status="Deferred",
    )
    assert severities(lint(text, "SEC010")) == ["warning"]


def test_sec011_placeholder_words_with_position() -> None:
    text = with_sections(
        "<section1 topic='Open Issues' anchor='open'>\n"
        "  <ul><li>tbc</li><li>A TODO: item</li></ul>\n</section1>"
    )
    found = lint(text, "SEC011")
    assert [d.message for d in found] == [
        "placeholder 'tbc' left in the text of 'Open Issues'",
        "placeholder 'TODO' left in the text of 'Open Issues'",
    ]
    line = text.splitlines()[found[0].line - 1]
    assert line[found[0].column - 1 : found[0].end_column - 1] == "tbc"
    assert line[found[1].column - 1 : found[1].end_column - 1] == "TODO"


def test_sec011_unnumbered_xep_reference_in_a_schema() -> None:
    schema = (
        "<section1 topic='XML Schema' anchor='schema'>\n<code><![CDATA[\n"
        "<xs:schema>\n  <xs:annotation><xs:documentation>\n"
        "    XEP-xxxx: http://xmpp.org/extensions/xep-xxxx.html\n"
        "  </xs:documentation></xs:annotation>\n</xs:schema>\n]]></code>\n</section1>"
    )
    found = lint(with_sections(schema), "SEC011")
    assert [d.message for d in found] == ["placeholder 'XEP-xxxx' left in the text of 'XML Schema'"]
    protoxep = with_sections(schema, status="ProtoXEP", number="XXXX")
    assert lint(protoxep, "SEC011", INBOX) == [], "a ProtoXEP names itself XEP-xxxx"


def test_sec011_ignores_comments_header_attributes_and_longer_words() -> None:
    text = with_sections(
        "<section1 topic='Notes' anchor='todo'>\n  <!-- TODO: expand -->\n"
        "  <p>TODOs, Mastodon, FIXMEs and XEP-xxxxy are words.</p>\n</section1>",
        header_extra="\n  <tags><tag>TODO</tag></tags>",
    )
    assert lint(text, "SEC011") == []


def test_sec011_placeholder_section_title() -> None:
    text = with_sections("<section1 topic='TBD' anchor='later'>\n  <p>Later.</p>\n</section1>")
    found = lint(text, "SEC011")
    assert codes(found) == ["SEC011"] and "section title 'TBD'" in found[0].message


WORDS = st.sampled_from(["TODO", "TBD", "tbc", "FIXME", "widget", "todo", "TODOs", "x"])


@given(st.lists(WORDS, max_size=8), st.lists(WORDS, max_size=8))
def test_sec011_counts_words_in_text_never_in_comments(said: list[str], hidden: list[str]) -> None:
    text = with_sections(
        f"<section1 topic='Notes' anchor='notes'>\n  <p>{' '.join(said)}</p>\n"
        f"  <!-- {' '.join(hidden)} -->\n</section1>"
    )
    expected = [w for w in said if w in ("TODO", "TBD", "tbc", "FIXME")]
    assert [d.message.split("'")[1] for d in lint(text, "SEC011")] == expected


def corpus_findings(corpus: Path, name: str, *select: str) -> list[Diagnostic]:
    report = lint_paths([str(corpus / name)], LintOptions(select=select, jobs=1))
    return report.diagnostics


def test_corpus_xep0384_tbc(corpus: Path) -> None:
    found = corpus_findings(corpus, "xep-0384.xml", "SEC011")
    assert [d.message for d in found] == ["placeholder 'tbc' left in the text of 'Requirements'"]
    assert found[0].line == 274


def test_corpus_xep0380_xep_xxxx_in_schema(corpus: Path) -> None:
    found = corpus_findings(corpus, "xep-0380.xml", "SEC011")
    assert [(d.line, d.message) for d in found] == [
        (303, "placeholder 'XEP-xxxx' left in the text of 'XML Schema'")
    ]


def test_corpus_trust_messages_template_placeholders(corpus: Path) -> None:
    found = corpus_findings(corpus, "inbox/trust-messages.xml", "SEC010")
    errors = [d for d in found if d.severity == "error"]
    assert [d.line for d in errors] == [233, 236]
    assert "'IANA Considerations'" in errors[0].message
    assert all(d.fix is not None for d in errors)


def test_corpus_template_itself_is_flagged(corpus: Path) -> None:
    found = corpus_findings(corpus, "xep-template.xml", "SEC010")
    messages = " ".join(d.message for d in found)
    assert "Styling Examples" in messages and "2001-09-14" in messages
    assert sum(d.severity == "error" for d in found) == 5


# Values written without their own byte cue (a comment or a character reference inside them)
# are still found once any cue of the rule is in the file (found by a differential run).
REQUIRED_SOMEWHERE = ("The protocol is simple.", "Support is REQUIRED.")


def test_sec010_sample_revision_with_a_comment_inside_its_date() -> None:
    revision = (
        "<revision><version>0.0.1</version><date>2001-09<!-- x -->-14</date>"
        "<initials>psa</initials><remark><p>First draft.</p></remark></revision>"
    )
    text = with_sections("", replace=REQUIRED_SOMEWHERE, revisions=revision)
    assert any("sample revision" in d.message for d in lint(text, "SEC010"))


def test_sec010_placeholder_paragraph_spelled_with_a_reference() -> None:
    text = with_sections(
        "<!-- 2001-09-14 -->", replace=("The protocol is simple.", "&#82;EQUIRED.")
    )
    assert any("placeholder paragraph 'REQUIRED.'" in d.message for d in lint(text, "SEC010"))


def test_sec010_styling_section_with_a_long_s() -> None:
    styling = "<section1 topic='XEP \u017ftyling Examples' anchor='styling'><p>x</p></section1>"
    text = with_sections(styling, replace=REQUIRED_SOMEWHERE)
    assert any("tyling Examples' section" in d.message for d in lint(text, "SEC010"))


def test_sec011_title_spelled_with_a_reference() -> None:
    text = with_sections(
        "<section1 topic='&#84;ODO' anchor='todo'><p>Text.</p></section1>",
        revisions=REVISIONS.replace("Describe the negotiation.", "todo: describe it."),
    )
    assert any("section title 'TODO'" in d.message for d in lint(text, "SEC011"))


def test_sec011_a_word_in_an_attribute_value_after_a_greater_than_sign_is_not_text() -> None:
    text = with_sections(
        "<section1 topic='a > TODO' anchor='todo'>\n  <p>Text.</p>\n"
        "  <p>See <link url='https://example.org/?a>b&amp;FIXME'>it</link>.</p>\n</section1>"
    )
    assert [d.message for d in lint(text, "SEC011")] == [
        "section title 'a > TODO' is a placeholder"
    ]
