"""SCH001–SCH004: schema blocks parse, compile (imports from the checkout only), match the XEP."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.lint.model import Severity
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep

XS = "xmlns:xs='http://www.w3.org/2001/XMLSchema'"


def schema_xep(schema: str, registrar_ns: str = "urn:xmpp:widgets:0", **kwargs: str) -> str:
    registrar = (
        "<section1 topic='XMPP Registrar Considerations' anchor='registrar'>"
        f"<p>The XMPP Registrar shall include '{registrar_ns}' in its registry.</p></section1>"
    )
    sections = SECTIONS.split("<section1 topic='XMPP Registrar")[0] + registrar
    body = (
        "<section1 topic='XML Schema' anchor='schema'>\n"
        f"<code><![CDATA[{schema}]]></code>\n</section1>"
    )
    return make_xep(sections=sections + "\n" + body, **kwargs)


def schema(body: str, target: str = "urn:xmpp:widgets:0", head: str = "") -> str:
    return (
        f"{head}<xs:schema {XS}\n    targetNamespace='{target}'\n    xmlns='{target}'\n"
        f"    elementFormDefault='qualified'>\n{body}\n</xs:schema>"
    )


GOOD = (
    "<xs:element name='widget'><xs:complexType>"
    "<xs:attribute name='id' type='xs:string'/></xs:complexType></xs:element>"
)


def lint(text: str, select: str, root: Path | None = None, name: str = "xep-0999.xml"):
    return lint_text(text, name, select=(select,), root=root)


def position(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def test_a_good_schema_passes_every_rule() -> None:
    assert lint(schema_xep(schema(GOOD)), "SCH") == []


def test_not_well_formed_schema_is_reported_where_it_breaks() -> None:
    broken = schema("<xs:element name='widget'>\n  <xs:complexType/>\n")
    text = schema_xep(broken)
    found = lint(text, "SCH001")
    assert codes(found) == ["SCH001"] and found[0].severity is Severity.ERROR
    assert (found[0].line, found[0].column) == position(text, "<xs:element name='widget'>")
    assert "never closed" in found[0].message


def test_broken_xml_declaration_is_reported() -> None:
    text = schema_xep(schema(GOOD, head="<xml version='1.0' encoding='UTF-8'?>\n"))
    found = lint(text, "SCH001")
    assert codes(found) == ["SCH001"] and "unexpected '?'" in found[0].message
    assert lint(schema_xep(schema(GOOD, head="<?xml version='1.0'?>\n")), "SCH") == []


def test_attribute_before_sequence_does_not_compile() -> None:
    body = (
        "<xs:element name='trust'>\n  <xs:complexType>\n"
        "    <xs:attribute name='usage' type='xs:string'/>\n"
        "    <xs:sequence><xs:element name='key' type='xs:string'/></xs:sequence>\n"
        "  </xs:complexType>\n</xs:element>"
    )
    text = schema_xep(schema(body))
    found = lint(text, "SCH002")
    assert codes(found) == ["SCH002"] and "complexType" in found[0].message
    assert (found[0].line, found[0].column) == position(text, "<xs:sequence>")
    assert "xs:sequence" in (found[0].hint or "")


def test_unprefixed_builtin_type_does_not_compile() -> None:
    body = "<xs:simpleType name='n'><xs:restriction base='integer'/></xs:simpleType>"
    assert codes(lint(schema_xep(schema(body)), "SCH002")) == ["SCH002"]


def test_xml_lang_is_resolved_by_the_shipped_xml_xsd() -> None:
    body = (
        "<xs:import namespace='http://www.w3.org/XML/1998/namespace'"
        " schemaLocation='http://www.w3.org/2001/xml.xsd'/>\n"
        "<xs:element name='text'><xs:complexType><xs:simpleContent>"
        "<xs:extension base='xs:string'><xs:attribute ref='xml:lang'/></xs:extension>"
        "</xs:simpleContent></xs:complexType></xs:element>"
    )
    assert lint(schema_xep(schema(body)), "SCH") == []


def test_outside_schemas_are_a_warning_not_an_error() -> None:
    body = "<xs:import namespace='urn:ietf:params:xml:ns:xmpp-stanzas'/>\n" + GOOD
    found = lint(schema_xep(schema(body)), "SCH")
    assert codes(found) == ["SCH003"] and found[0].severity is Severity.WARNING


def test_imports_resolve_against_other_xeps_of_the_checkout(xep_root: Path) -> None:
    gadget = schema(
        "<xs:simpleType name='size'><xs:restriction base='xs:integer'/></xs:simpleType>",
        target="urn:xmpp:gadgets:0",
    )
    (xep_root / "xep-0998.xml").write_text(
        schema_xep(gadget, registrar_ns="urn:xmpp:gadgets:0", number="0998")
    )
    body = (
        "<xs:import namespace='urn:xmpp:gadgets:0'"
        " schemaLocation='http://www.xmpp.org/schemas/gadgets.xsd'/>\n"
        "<xs:element name='widget' type='g:size' xmlns:g='urn:xmpp:gadgets:0'/>"
    )
    assert lint(schema_xep(schema(body)), "SCH", root=xep_root) == []
    wrong = body.replace("g:size", "g:colour")
    assert codes(lint(schema_xep(schema(wrong)), "SCH", root=xep_root)) == ["SCH002"]


def test_includes_are_never_read_from_disk(xep_root: Path) -> None:
    (xep_root.parent / "secret.xsd").write_text(schema(GOOD))
    body = "<xs:include schemaLocation='../secret.xsd'/>"
    found = lint(schema_xep(schema(body)), "SCH", root=xep_root)
    assert codes(found) == ["SCH003"] and "secret.xsd" in found[0].message


def test_stale_target_namespace_version() -> None:
    text = schema_xep(schema(GOOD, target="urn:xmpp:widgets:1"), registrar_ns="urn:xmpp:widgets:2")
    found = lint(text, "SCH004")
    assert codes(found) == ["SCH004"] and "urn:xmpp:widgets:2" in found[0].message
    assert lint(schema_xep(schema(GOOD, target="urn:xmpp:widgets:0")), "SCH004") == []


def test_a_target_namespace_named_by_an_example_is_this_xeps() -> None:
    text = schema_xep(schema(GOOD, target="urn:xmpp:widgets:1"), registrar_ns="urn:xmpp:widgets:2")
    example = "<example><![CDATA[<widget xmlns='urn:xmpp:widgets:1'/>]]></example>\n"
    named = text.replace("<section1 topic='XML Schema'", example + "<section1 topic='XML Schema'")
    assert lint(named, "SCH004") == []
    assert codes(lint(named.replace("widgets:1'/>", "widgets:3'/>"), "SCH004")) == ["SCH004"]


def test_a_target_namespace_another_xep_defines(xep_root: Path) -> None:
    (xep_root / "xep-0998.xml").write_text(
        schema_xep(schema(GOOD, target="urn:xmpp:gadgets:0"), "urn:xmpp:gadgets:0", number="0998")
    )
    found = lint(schema_xep(schema(GOOD, target="urn:xmpp:gadgets:0")), "SCH004", root=xep_root)
    assert codes(found) == ["SCH004"] and "XEP-0998 defines it" in found[0].message
    unnamed = schema_xep(schema(GOOD, target="urn:xmpp:unnamed:1"))
    assert lint(unnamed, "SCH004", root=xep_root) == []
