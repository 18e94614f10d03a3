"""Session 14 (load): the regex-led search for the tool's name against the byte search it
replaces (never timings: those are measured in benchmarks/)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.xep import Document

_TOOL_BYTES = st.lists(st.sampled_from([b"e", b"2", b"-", b"s", b"i", b"g", b"x", b"e2ee-sig"]))


@given(st.builds(b"".join, _TOOL_BYTES))
def test_a_document_names_the_tool_where_its_bytes_hold_it(raw: bytes) -> None:
    # (the slow path: the plain byte search the regex-led one replaces)
    document = Document(Path("x.xml"), "x.xml", raw)
    assert document.names_tool is (b"e2ee-sig" in raw)
