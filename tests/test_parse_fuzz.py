"""Hypothesis mutates XEPs: parsing and every rule either report or pass, never crash."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.model import Severity
from e2ee_sig.xep import parse_bytes
from tests.xepfactory import lint_text, make_xep

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
