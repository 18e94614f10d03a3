"""The load path's fast paths of session 15 give what the plain code they replace gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import official

HEADER_PIECES = [b"<status", b"<type", b"<approver", b"<version", b"</status", b"</type"]
HEADER_PIECES += [b"</approver", b"</version", b"<versions", b"<status-x", b"<type_", b"<"]
HEADER_PIECES += [b">", b"/>", b"&", b"&x;", b"&:", b"&_", b"&#10;", b"&1", b"&lt;", b"a"]
HEADER_PIECES += [b" ", b"\n", b"'>'", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<header>"]
HEADER_PIECES += [b"&X", b"&&", b"&\n", b"</", b"/"]


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(HEADER_PIECES), max_size=16).map(b"".join), st.integers(0, 90))
@example(b"<version>&x;</version>", 11)
@example(b"<version>&x;</version>", 10)
@example(b"<version>&x;</version>", 12)
@example(b"<status>&", 9)
@example(b"<status>&a", 9)
@example(b"<status>&a", 10)
@example(b"<type a='&x;'>&x;", 99)
@example(b"<type>&x;</type&y", 99)
@example(b"<type>&x</type>&y;", 99)
@example(b"&x;<version>&#10;</version>", 99)
def test_an_entity_inside_is_searched_for_up_to_the_last_reference_as_in_the_whole(
    raw: bytes, end: int
) -> None:
    end = min(end, len(raw))
    expected = official._ENTITY_INSIDE.search(raw, 0, end) is not None
    assert official._entity_inside(raw, end) == expected
