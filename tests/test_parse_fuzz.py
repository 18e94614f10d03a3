"""Hypothesis mutates XEPs: parsing and every rule either report or pass, never crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.model import Severity
from e2ee_sig.xep import parse_bytes
from tests.xepfactory import CORPUS, lint_text, make_xep

BASE = make_xep().encode()
SNIPPETS = [
    b"<",
    b">",
    b"&",
    b"&LEGALNOTICE;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"-->",
    b"\xff",
    b"\x00",
    b"</header>",
    b"<revision>",
    b"%ents;",
    b"&#0;",
    b"\r\n",
    b"\xe2\x80",
    b"'",
    b'"',
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(BASE)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "truncate"]))
        if action == "insert":
            data[position:position] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=8))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 40))]
        else:
            del data[position:]
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_xep_never_crashes(raw: bytes) -> None:
    diagnostics = lint_text(raw)
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1 and diagnostic.code and diagnostic.message


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_status_text_is_judged_exactly(status: str) -> None:
    text = make_xep(status=status.replace("&", "&amp;").replace("<", "&lt;").replace("]]>", ""))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    document = parse_bytes(text.encode(), Path("xep-0999.xml"), "xep-0999.xml", None)
    if document.tree is None:
        return
    diagnostics = lint_text(text, select=("XSF007",))
    expected_ok = document.official.status in (
        [
            "ProtoXEP",
            "Experimental",
            "Proposed",
            "Draft",
            "Active",
            "Final",
            "Retracted",
            "Obsolete",
            "Deferred",
            "Rejected",
            "Deprecated",
        ]
    )
    assert (not any(d.severity is Severity.ERROR for d in diagnostics)) == expected_ok


DRAFT = (Path(__file__).resolve().parents[1] / "xeps" / "e2ee-recommendations.xml").read_bytes()


@st.composite
def mutated_draft(draw: st.DrawFn) -> bytes:
    """The SIG's draft (every section an E2EE spec has) with a few spliced snippets."""
    data = bytearray(DRAFT)
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[position:position] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=8))
        else:
            del data[position : position + draw(st.integers(1, 200))]
    return bytes(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_draft(), st.sampled_from(["inbox/draft.xml", "xep-0999.xml"]))
def test_every_rule_survives_a_mutated_encryption_draft(raw: bytes, name: str) -> None:
    root = CORPUS if (CORPUS / "xep.dtd").is_file() else None
    diff_mode = LintContext(profile="e2ee", baseline={})
    for context in (LintContext(profile="e2ee"), diff_mode):
        diagnostics = lint_text(raw, name, select=("ALL",), root=root, context=context)
        assert all(d.line >= 1 and d.code and d.message for d in diagnostics)
