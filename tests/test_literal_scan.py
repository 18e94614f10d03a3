"""Links and entity references read from the bytes (``_literal.scan_literal``) give the
findings the entity-kept tree gives, on the documents where a byte reading is easily fooled
(cases found by an adversarial differential run against the tree-reading code)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from e2ee_sig.lint.batch import lint_paths
from e2ee_sig.lint.engine import LintOptions
from e2ee_sig.lint.rules import content, links, references
from tests.xepfactory import REVISIONS, SECTIONS, make_xep

MUC = "https://xmpp.org/extensions/xep-0060.html"
CASES = {
    "mention split by CDATA": {
        "revisions": REVISIONS.replace("Describe the negotiation.", "See XEP-0060."),
        "sections": SECTIONS.replace("The protocol is simple.", "Read XEP-<![CDATA[0060]]>."),
    },
    "default namespace from an ATTLIST": {
        "internal_subset": "\n  <!ATTLIST link xmlns CDATA #FIXED 'urn:x'>",
        "sections": SECTIONS.replace(
            "The protocol is simple.",
            f"<link url='#nosuch'>here</link>, <link url='{MUC}'>MUC</link>",
        ),
    },
    "default url from an ATTLIST": {
        "internal_subset": f"\n  <!ATTLIST link url CDATA '{MUC}'>",
        "sections": SECTIONS.replace("The protocol is simple.", "<link>MUC</link>"),
    },
    "reference in a link's url": {
        "sections": SECTIONS.replace(
            "The protocol is simple.", f"<link url='{MUC.replace('n', '&#x6e;', 1)}'>PubSub</link>"
        ),
    },
    "tokenized url from an ATTLIST": {
        "internal_subset": "\n  <!ATTLIST link url NMTOKENS #IMPLIED>",
        "sections": SECTIONS.replace("The protocol is simple.", "<link url='#a  b'>x</link>"),
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_byte_reading_finds_what_the_tree_finds(
    case: str, xsf_root: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(corpus / "xep-0060.xml", xsf_root / "xep-0060.xml")  # the XEP mentioned
    path = xsf_root / "xep-0999.xml"
    path.write_text(make_xep(**CASES[case]))
    options = LintOptions(select=["LNK", "REF", "CNT004", "CNT006"], jobs=1)
    from_bytes = lint_paths([str(path)], options).diagnostics
    for module in (content, links, references):
        monkeypatch.setattr(module, "scan_literal", lambda document: None)
    from_tree = lint_paths([str(path)], options).diagnostics
    assert from_bytes == from_tree
    assert any(d.code in ("LNK001", "CNT004") for d in from_tree) or "namespace" in case
    plain = {key: value for key, value in CASES[case].items() if key != "internal_subset"}
    text = make_xep(**plain).replace("<![CDATA[0060]]>", "0000")  # without what makes the case
    if text != make_xep(**CASES[case]):
        path.write_text(text)
        assert lint_paths([str(path)], options).diagnostics != from_tree
