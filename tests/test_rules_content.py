"""CNT001–CNT010: each rule fires on a bad fixture and stays quiet on a good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.model import Severity
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep

REGISTRAR = """<section1 topic='XMPP Registrar Considerations' anchor='registrar'>
  <p>No namespaces or parameters need to be registered with the XMPP Registrar
  as a result of this document.</p>
</section1>"""
REGISTERED = """<section1 topic='XMPP Registrar Considerations' anchor='registrar'>
  <p>The XMPP Registrar shall include 'urn:xmpp:widgets:0' in its registry of protocol
  namespaces.</p>
</section1>"""


def with_body(body: str, sections: str = SECTIONS) -> str:
    return sections + f"\n<section1 topic='Protocol' anchor='protocol'>\n{body}\n</section1>"


def schema(target: str, default: str | None = None, note: str = "") -> str:
    default = default or target
    return with_body(
        f"<code><![CDATA[<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'\n"
        f"    targetNamespace='{target}'\n    xmlns='{default}'>\n"
        f"  <xs:annotation><xs:documentation>{note}</xs:documentation></xs:annotation>\n"
        f"</xs:schema>]]></code>"
    )


def lint(select: str, body: str | None = None, root: Path | None = None, **overrides: str):
    if body is not None:
        overrides["sections"] = with_body(body)
    return lint_text(make_xep(**overrides), select=(select,), root=root)


@pytest.mark.parametrize("code", ["CNT001", "CNT002", "CNT006", "CNT007", "CNT008", "CNT010"])
def test_the_default_fixture_is_clean(code: str) -> None:
    assert lint(code) == []


def test_example_caption() -> None:
    found = lint("CNT001", "<example><![CDATA[<iq/>]]></example>")
    assert codes(found) == ["CNT001"] and found[0].severity is Severity.WARNING
    assert lint("CNT001", "<example caption='Offer'><![CDATA[<iq/>]]></example>") == []


def test_example_cdata() -> None:
    found = lint("CNT002", "<example caption='Offer'>&lt;iq type='get'/&gt;</example>")
    assert codes(found) == ["CNT002"] and found[0].column == 1
    assert lint("CNT002", "<example caption='Offer'><![CDATA[<iq type='get'/>]]></example>") == []
    between = "<code><![CDATA[<a xmlns=']]>&lt;ns&gt;<![CDATA['/>]]></code>"
    assert codes(lint("CNT002", between)) == ["CNT002"]
    assert lint("CNT002", "<code><![CDATA[<a x=']]>&amp;<![CDATA['/>]]></code>") == []


def test_entity_refs_needs_the_entity(xep_root: Path) -> None:
    link = "<p>See <link url='https://xmpp.org/extensions/xep-0060.html'>pubsub</link>.</p>"
    found = lint("CNT004", link, root=xep_root)
    assert codes(found) == ["CNT004"] and "&xep0060;" in found[0].message
    assert lint("CNT004", link) == []  # no XEP root: no xep.ent to know the entity
    section = "<p>See <link url='https://xmpp.org/extensions/xep-0060.html#impl'>here</link>.</p>"
    assert lint("CNT004", section, root=xep_root) == []
    assert lint("CNT004", root=xep_root) == []


def test_entity_refs_bare_mention_without_entity(xep_root: Path) -> None:
    bare = "<p>Nodes work as in XEP-0060.</p><p>Again XEP-0060 and <cite>XEP-0163</cite>.</p>"
    found = lint("CNT004", bare, root=xep_root)
    assert [d.message for d in found] == ["XEP-0060 is mentioned but never cited with &xep0060;"]
    cited = "<p>Nodes work as in &xep0060;.</p><p>Later XEP-0060.</p>"
    assert lint("CNT004", cited, root=xep_root) == []


@pytest.mark.parametrize("with_root", [True, False])
def test_no_entity_in_link(xep_root: Path, with_root: bool) -> None:
    root = xep_root if with_root else None
    bad = "<p>Use <link url='https://xmpp.org/extensions/xep-0060.html#x'>&xep0060; §6</link>.</p>"
    found = lint("CNT006", bad, root=root)
    assert codes(found) == ["CNT006"] and found[0].severity is Severity.ERROR
    assert "<cite>XEP-0060</cite>" in (found[0].hint or "")
    good = bad.replace("&xep0060;", "<cite>XEP-0060</cite>")
    assert lint("CNT006", good, root=root) == []


def test_text_entity_inside_link_is_fine(xep_root: Path) -> None:
    subset = "\n  <!ENTITY ns 'urn:xmpp:widgets:0'>"
    text = make_xep(
        internal_subset=subset, sections=with_body("<p><link url='#ns'>&ns;</link></p>")
    )
    assert lint_text(text, select=("CNT006",), root=xep_root) == []


def test_img_data_uri() -> None:
    assert codes(lint("CNT007", "<p><img src='https://example.org/a.png'/></p>")) == ["CNT007"]
    assert lint("CNT007", "<p><img src='data:image/png;base64,iVBORw0KGgo='/></p>") == []


def test_namespace_form() -> None:
    legacy = lint("CNT008", sections=schema("http://jabber.org/protocol/widgets"))
    assert codes(legacy) == ["CNT008"] and "legacy" in legacy[0].message
    assert codes(lint("CNT008", sections=schema("urn:xmpp:widgets"))) == ["CNT008"]
    assert lint("CNT008", sections=schema("urn:xmpp:widgets:0")) == []
    assert lint("CNT008", sections=schema("urn:xmpp:widgets:0:offer")) == []
    old = lint("CNT008", sections=schema("urn:xmpp:widgets"), status="Draft", number="0999")
    assert old == []  # only namespaces still being minted


def test_ns_registered() -> None:
    unregistered = schema("urn:xmpp:widgets:0")
    found = lint("CNT009", sections=unregistered)
    assert codes(found) == ["CNT009"] and "urn:xmpp:widgets:0" in found[0].message
    registered = unregistered.replace(REGISTRAR, REGISTERED)
    assert REGISTERED in registered
    assert lint("CNT009", sections=registered) == []


def test_schema_consistency() -> None:
    mismatch = lint("CNT010", sections=schema("urn:xmpp:widgets:1", "urn:xmpp:widgets:0"))
    assert codes(mismatch) == ["CNT010"]
    wrong = schema("urn:xmpp:widgets:0", note="The protocol is defined in XEP-0380.")
    assert codes(lint("CNT010", sections=wrong)) == ["CNT010"]
    right = schema("urn:xmpp:widgets:0", note="The protocol is defined in XEP-0999.")
    assert lint("CNT010", sections=right) == []
    assert lint("CNT010", sections=wrong, status="ProtoXEP", number="XXXX") == []


def test_corpus_entity_in_link_of_xep_0384(corpus: Path) -> None:
    report = lint_paths([str(corpus / "xep-0384.xml")], LintOptions(select=("CNT006",)))
    lines = [d.line for d in report.diagnostics]
    assert 430 in lines and all(d.code == "CNT006" for d in report.diagnostics)


def test_corpus_xep_0420_does_not_register_its_namespace(corpus: Path) -> None:
    report = lint_paths([str(corpus / "xep-0420.xml")], LintOptions(select=("CNT009",)))
    assert ["urn:xmpp:sce:1" in d.message for d in report.diagnostics] == [True]


def test_corpus_schema_mismatch_in_xep_0234(corpus: Path) -> None:
    report = lint_paths([str(corpus / "xep-0234.xml")], LintOptions(select=("CNT010",)))
    assert any("file-transfer:errors:0" in d.message for d in report.diagnostics)
