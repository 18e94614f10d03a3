"""REF001–REF004: citations of inactive XEPs, dependencies, example namespaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2ee_sig.xep import index as xep_index
from e2ee_sig.xep import root_at
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep


def xep_with(body: str, **kwargs: str) -> str:
    section = f"<section1 topic='Protocol' anchor='protocol'>\n{body}\n</section1>"
    return make_xep(sections=SECTIONS + "\n" + section, **kwargs)


def registrar(namespace: str) -> str:
    return SECTIONS.split("<section1 topic='XMPP Registrar")[0] + (
        "<section1 topic='XMPP Registrar Considerations' anchor='registrar'>"
        f"<p>The XMPP Registrar shall include '{namespace}' in its registry.</p></section1>"
    )


@pytest.fixture
def checkout(xep_root: Path) -> Path:
    """A root with XEP-0096 (Deprecated), XEP-0234 and XEP-0300 (Standards Track)."""
    xep_index.clear()
    (xep_root / "xep-0096.xml").write_text(make_xep(number="0096", status="Deprecated"))
    for number, namespace in (
        ("0234", "urn:xmpp:jingle:apps:file-transfer:5"),
        ("0300", "urn:xmpp:hashes:2"),
    ):
        (xep_root / f"xep-{number}.xml").write_text(
            make_xep(number=number, status="Stable", sections=registrar(namespace))
        )
    return xep_root


def lint(text: str, select: str, root: Path):
    return lint_text(text, select=(select,), root=root)


def test_citing_a_deprecated_xep(checkout: Path) -> None:
    found = lint(xep_with("<p>Files are offered as in &xep0096;.</p>"), "REF001", checkout)
    assert codes(found) == ["REF001"] and "Deprecated" in found[0].message
    qualified = "<p>This replaces the legacy &xep0096; protocol.</p>"
    assert lint(xep_with(qualified), "REF001", checkout) == []
    assert lint(xep_with("<p>Files are offered as in &xep0234;.</p>"), "REF001", checkout) == []


def test_dependencies_never_cited(checkout: Path) -> None:
    deps = "<spec>XMPP Core</spec>\n    <spec>XEP-0115</spec>\n    <spec>RFC 4122</spec>"
    text = xep_with("<p>Identifiers are UUIDs (RFC 4122).</p>", dependencies=deps)
    found = lint(text, "REF002", checkout)
    assert [d.message for d in found] == ["dependency 'XEP-0115' is never cited in the body"]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "<spec>XEP-0115" in t)
    assert found[0].line == line


def test_normative_citation_not_listed(checkout: Path) -> None:
    body = "<p>Files MUST be hashed as in &xep0300;. See also &xep0234;.</p>"
    found = lint(xep_with(body), "REF003", checkout)
    assert codes(found) == ["REF003"] and "XEP-0300" in found[0].message
    listed = xep_with(body, dependencies="<spec>XEP-0300</spec>")
    assert lint(listed, "REF003", checkout) == []
    informative = "<p>Files MUST NOT be hashed as in &xep0300;.</p>"
    assert lint(xep_with(informative), "REF003", checkout) == []


def test_undefined_example_namespace_names_the_likely_version(checkout: Path) -> None:
    example = (
        "<example caption='Hash'><![CDATA[<hash xmlns='urn:xmpp:hashes:1' algo='sha-256'/>"
        "<file xmlns='urn:xmpp:jingle:apps:file-transfer:5'/>"
        "<x xmlns='urn:xmpp:widgets:0'/><y xmlns='urn:xmpp:example'/>"
        "<z xmlns='urn:xmpp:hashes:3'/>]]></example>"
    )
    text = xep_with(example)
    found = lint(text, "REF004", checkout)
    assert [d.message for d in found] == [
        "namespace 'urn:xmpp:hashes:1' is not defined by any XEP in this checkout; "
        "XEP-0300 defines urn:xmpp:hashes:2"
    ]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "hashes:1" in t)
    assert (found[0].line, found[0].column) == (
        line,
        text.splitlines()[line - 1].index("urn:xmpp:hashes:1") + 1,
    )


def test_without_a_root_cross_document_rules_are_quiet() -> None:
    text = xep_with("<p>Files MUST be offered as in &xep0096;.</p>")
    assert lint_text(text, select=("REF001", "REF003", "REF004")) == []


def test_the_index_never_reads_files_outside_the_root(checkout: Path) -> None:
    outside = checkout.parent / "elsewhere.xml"
    outside.write_text(make_xep(number="0995", status="Obsolete"))
    (checkout / "xep-0995.xml").symlink_to(outside)
    xep_index.clear()
    index = xep_index.index_of(root_at(checkout))
    assert "0995" not in index.xeps and "0096" in index.xeps
    assert "0995" not in index.by_number and "0096" in index.by_number


def test_the_index_is_kept_per_root_until_cleared(checkout: Path) -> None:
    root = root_at(checkout)
    index = xep_index.index_of(root)
    assert xep_index.index_of(root) is index
    (checkout / "xep-0097.xml").write_text(make_xep(number="0097", status="Obsolete"))
    assert "0097" not in xep_index.index_of(root).xeps
    xep_index.clear(checkout / "inbox" / "..")
    rebuilt = xep_index.index_of(root)
    assert rebuilt is not index
    assert rebuilt.xeps["0097"].status == "Obsolete"
    assert rebuilt.by_number["0097"].status == "Obsolete"
