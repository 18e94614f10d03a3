"""EXM002/EXM003: examples validated against this XEP's schemas, and others' on request."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ee_sig.lint.engine import LintOptions, enabled_rules
from e2ee_sig.xep import index as xep_index
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep

SCHEMA = """<code><![CDATA[<?xml version='1.0' encoding='UTF-8'?>
<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'
    targetNamespace='urn:xmpp:widgets:0' xmlns='urn:xmpp:widgets:0'
    elementFormDefault='qualified'>
  <xs:element name='widget'>
    <xs:complexType>
      <xs:sequence><xs:element name='part' minOccurs='0' type='xs:string'/></xs:sequence>
      <xs:attribute name='size' type='xs:integer' use='required'/>
    </xs:complexType>
  </xs:element>
</xs:schema>]]></code>"""


def xep_with(example: str, schema: str = SCHEMA, number: str = "0999") -> str:
    body = f"<section1 topic='Protocol' anchor='protocol'>\n{example}\n{schema}\n</section1>"
    return make_xep(sections=SECTIONS + "\n" + body, number=number)


def example(xml: str) -> str:
    return f"<example caption='x'><![CDATA[<message to='a@b'>\n{xml}\n</message>]]></example>"


def lint(text: str, select: str = "EXM002", root: Path | None = None):
    return lint_text(text, select=(select,), root=root)


def test_valid_examples_pass() -> None:
    good = example("<widget xmlns='urn:xmpp:widgets:0' size='3'><part>a</part></widget>")
    assert lint(xep_with(good)) == []


def test_invalid_attribute_value_is_reported_on_its_line() -> None:
    bad = example("<widget xmlns='urn:xmpp:widgets:0'\n        size='large'/>")
    text = xep_with(bad)
    found = lint(text)
    assert codes(found) == ["EXM002"] and "size" in found[0].message
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "size='large'" in t)
    assert (found[0].line, found[0].column) == (line, 9)


def test_element_missing_from_the_schema() -> None:
    found = lint(xep_with(example("<opt-out xmlns='urn:xmpp:widgets:0'/>")))
    assert [d.message for d in found] == ["<opt-out> is not declared in this XEP's schema"]


def test_elided_subtrees_and_children_shown_alone_are_skipped() -> None:
    elided = example("<widget xmlns='urn:xmpp:widgets:0' size='x'>…</widget>")
    child = example("<part xmlns='urn:xmpp:widgets:0'>a</part>")
    assert lint(xep_with(elided)) == [] and lint(xep_with(child)) == []


def test_other_xeps_schemas_only_on_request(xep_root: Path) -> None:
    xep_index.clear()
    (xep_root / "xep-0998.xml").write_text(xep_with("", number="0998"))
    text = xep_with(example("<widget xmlns='urn:xmpp:widgets:0' size='x'/>"), schema="")
    assert "EXM003" not in enabled_rules(LintOptions())
    assert "EXM003" in enabled_rules(LintOptions(extend_select=("EXM003",)))
    found = lint(text, "EXM003", root=xep_root)
    assert codes(found) == ["EXM003"] and "XEP-0998's schema" in found[0].message


def test_rules_lists_opt_in_rules_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    from e2ee_sig.lint.catalogue import show_rules

    show_rules()
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("EXM003"))
    assert row.split("\t")[4] == "opt-in"


def test_a_namespace_written_with_a_reference_is_still_validated() -> None:
    bad = example("<widget xmlns='urn:xmpp:widgets&#x3a;0' size='large'/>")
    found = lint(xep_with(bad))
    assert codes(found) == ["EXM002"] and "size" in found[0].message


def test_the_default_namespace_of_the_examples_is_validated_without_being_written() -> None:
    schema = SCHEMA.replace("urn:xmpp:widgets:0", "jabber:client")
    bad = "<example caption='x'><![CDATA[<widget size='large'/>]]></example>"
    found = lint(xep_with(bad, schema=schema))
    assert codes(found) == ["EXM002"] and "size" in found[0].message
