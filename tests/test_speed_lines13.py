"""Session 13 (positions): fast paths checked against what they replace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules._codeblocks import LineCursor
from e2ee_sig.xep.edit import line_offsets

_RAW = st.lists(st.sampled_from([b"\n", b"x", b"\xc3\xa9", b"\r\n", b"  "]), max_size=40).map(
    b"".join
)


@settings(max_examples=300)
@given(_RAW, st.lists(st.integers(-3, 130), max_size=25))
def test_a_shared_cursor_counts_each_line_as_a_count_from_the_start_does(
    raw: bytes, offsets: list[int]
) -> None:
    cursor = LineCursor(raw)
    for offset in offsets:  # (in any order, repeated, past the end, negative)
        assert cursor.line(offset) == 1 + raw.count(b"\n", 0, offset)
    assert cursor.offsets == sorted(set(cursor.offsets))


@settings(max_examples=200)
@given(_RAW, st.data())
def test_a_column_from_the_last_newline_is_the_one_from_a_table_of_line_starts(
    raw: bytes, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(raw)))
    line = 1 + raw.count(b"\n", 0, start)
    assert start - raw.rfind(b"\n", 0, start) == start - line_offsets(raw)[line - 1] + 1
