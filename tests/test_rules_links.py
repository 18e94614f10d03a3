"""LNK001–LNK003: internal links, deep links into other XEPs, https for hosts that serve it."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.xep.edit import apply_edits
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep


def xep_with(body: str, subset: str = "", number: str = "0999") -> str:
    section = f"<section1 topic='Protocol' anchor='protocol'>\n{body}\n</section1>"
    return make_xep(sections=SECTIONS + "\n" + section, internal_subset=subset, number=number)


def lint(text: str, select: str, root: Path | None = None):
    return lint_text(text, select=(select,), root=root)


def test_internal_link_to_a_missing_anchor_with_a_suggestion() -> None:
    text = xep_with("<p>See <link url='#registar'>the registrar</link>.</p>")
    found = lint(text, "LNK001")
    assert codes(found) == ["LNK001"] and found[0].hint == "did you mean #registrar?"
    line = text.splitlines().index("<p>See <link url='#registar'>the registrar</link>.</p>") + 1
    assert (found[0].line, found[0].column) == (line, 19)


def test_existing_and_generated_anchors_pass() -> None:
    body = (
        "<p><link url='#security'>a</link> <link url='#appendix-revs'>b</link>"
        " <link url='#example-1'>c</link> <link url='#sect-idm123'>d</link></p>"
        "<example caption='x'><![CDATA[<a/>]]></example>"
    )
    assert lint(xep_with(body), "LNK001") == []


def test_links_from_entities_are_reported_at_the_reference(xsf_root: Path) -> None:
    text = xep_with("<p>The namespace is urn:xmpp:widgets:0 &NSNOTE;.</p>")
    found = lint(text, "LNK001", root=xsf_root)
    assert codes(found) == ["LNK001"] and "&NSNOTE; links #ns" in found[0].message
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "&NSNOTE;" in t)
    assert found[0].line == line
    with_ns = text.replace("anchor='protocol'", "anchor='ns'")
    assert lint(with_ns, "LNK001", root=xsf_root) == []


def test_deep_links_are_checked_against_the_other_xep(xep_root: Path) -> None:
    (xep_root / "xep-0998.xml").write_text(xep_with("<p>x</p>", number="0998"))
    good = "<p><link url='https://xmpp.org/extensions/xep-0998.html#protocol'>x</link></p>"
    bad = good.replace("#protocol", "#protocl")
    missing = good.replace("0998", "0997").replace("#protocol", "#nothing")
    assert lint(xep_with(good), "LNK002", root=xep_root) == []
    found = lint(xep_with(bad), "LNK002", root=xep_root)
    assert codes(found) == ["LNK002"] and found[0].hint == "did you mean #protocol?"
    assert lint(xep_with(missing), "LNK002", root=xep_root) == []  # XEP-0997 is not here


def test_http_links_to_https_hosts_get_a_byte_exact_fix() -> None:
    body = (
        "<p><link url='http://xmpp.org/extensions/'>a</link>"
        ' <link url="http://datatracker.ietf.org/doc/rfc6120/">b</link>'
        " <link url='http://example.com/'>c</link></p>"
        "<example caption='x'><![CDATA[<a href='http://xmpp.org/'/>]]></example>"
        "<!-- <link url='http://www.w3.org/'>d</link> -->"
    )
    text = xep_with(body)
    found = lint(text, "LNK003")
    assert codes(found) == ["LNK003", "LNK003"]
    edits = [(e.start, e.end, e.replacement) for d in found if d.fix for e in d.fix.edits]
    after = apply_edits(text.encode(), edits).decode()
    expected = text.replace("'http://xmpp.org/extensions/'", "'https://xmpp.org/extensions/'")
    expected = expected.replace('"http://datatracker', '"https://datatracker')
    assert after == expected
