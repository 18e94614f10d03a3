"""The fast paths of the sch15 speed pass agree with the slow ones they replace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules.template import _NOT_CAPITALS, PLACEHOLDER_WORDS, placeholder_words

PIECES = [b"tb", b"TB", b"Tb", b"t", b"b", b"B", b"c", b"C", b"d", b"D", b"e", b"x", b" ", b"_"]
PIECES += [b"tbd", b"TBC", b"outbound", "é".encode(), b"\n"]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map(b"".join), st.integers(0, 3))
def test_placeholder_words_led_by_tbc_or_tbd_are_the_patterns_matches(
    raw: bytes, start: int
) -> None:
    """Only a ``tb`` before a ``c`` or a ``d`` is looked at: no ``tb`` before anything else
    (``tbe``, ``tb_``, ``tb`` at the end) starts a word of the pattern."""
    expected = [(m.start(), m.group()) for m in PLACEHOLDER_WORDS.finditer(raw, start)]
    assert placeholder_words(raw, start) == expected
    capitals = raw.translate(None, _NOT_CAPITALS)
    assert placeholder_words(raw, start, raw.lower(), capitals) == expected
