"""The load path's fast paths of session 14 give what the plain code they replace gives.

The plain form is kept here as the reference and compared with the fast one on inputs made
of the pieces that matter to it.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import official

_PLAIN_ENTITY_INSIDE = re.compile(
    rb"<(status|type|approver|version)\b[^>]*>(?:(?!</\1).)*?&[A-Za-z_:]", re.S
)
"""The regex ``official._ENTITY_INSIDE`` was (a lazy loop tried at every character)."""

HEADER_PIECES = [b"<status", b"<type", b"<approver", b"<version", b"</status", b"</type"]
HEADER_PIECES += [b"</approver", b"</version", b"<versions", b"<status-x", b"<type_", b"<"]
HEADER_PIECES += [b">", b"/>", b"&", b"&x;", b"&:", b"&_", b"&#10;", b"&1", b"&lt;", b"a"]
HEADER_PIECES += [b" ", b"\n", b"'>'", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<header>"]


@settings(max_examples=1500)
@given(st.lists(st.sampled_from(HEADER_PIECES), max_size=14).map(b"".join), st.integers(0, 80))
@example(b"<version>&x;</version>", 11)
@example(b"<version>&x;</version>", 10)
@example(b"<status", 7)
@example(b"<status>&", 9)
@example(b"<type a='>'>&x;", 99)
def test_an_entity_inside_a_read_value_is_found_as_the_regex_finds_it(raw: bytes, end: int) -> None:
    end = min(end, len(raw))
    expected = _PLAIN_ENTITY_INSIDE.search(raw, 0, end) is not None
    assert (official._ENTITY_INSIDE.search(raw, 0, end) is not None) == expected
