"""The load path's fast paths of session 14 give what the plain code they replace gives.

Each plain form is kept here as the reference and compared with the fast one on inputs made
of the pieces that matter to it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import official, root

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


REFERENCE_PIECES = [b"&", b"&x;", b"&lt;", b"&amp;", b"&amp", b"&ltx;", b"&a.b-c:d;", b"&1;"]
REFERENCE_PIECES += [b"&#10;", b";", b"x", b" ", b"\n", b"\r\n", b"lt;", b"&_:;", b"&\n;"]


@settings(max_examples=800)
@given(st.lists(st.sampled_from(REFERENCE_PIECES), max_size=30).map(b"".join), st.integers(1, 12))
@example(b"&x;\n&y;", 1)
@example(b"&x;", 1)
@example(b"\n&x;\n", 1)
def test_references_read_in_parts_are_those_of_the_whole(data: bytes, reach: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(root, "_SCAN_REACH", reach)
        for predefined, pattern in ((True, root._REFERENCE), (False, root._OTHER_REFERENCE)):
            assert root.entity_references(data, predefined) == set(pattern.findall(data))
