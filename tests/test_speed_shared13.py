"""Session 13 (shared caches): fast paths checked against what they replace."""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from pathlib import Path
from typing import NamedTuple

from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.xep import Document
from e2ee_sig.xep.query import per_document


class _Pair(NamedTuple):
    left: int
    right: int


class _Items(list[int]):
    pass


VALUES: list[object] = [[1], {2}, {3: 4}, (5,), _Pair(6, 7), frozenset({8}), "9", b"10", 11]
VALUES += [None, True, Counter("ab"), OrderedDict(c=1), defaultdict(list, d=[1]), _Items([12])]
VALUES += [object(), Path("x")]


@given(st.lists(st.sampled_from(range(len(VALUES))), min_size=1, max_size=30))
def test_a_shared_value_is_copied_exactly_when_it_is_a_list_set_or_dict(order: list[int]) -> None:
    # (the kinds in any order: which to copy is worked out once a type)
    document = Document(Path("xep-0001.xml"), "xep-0001.xml", b"")
    for index in order:
        value = VALUES[index]

        def read(document: Document, value: object = value) -> object:
            return value

        read.__qualname__ = f"read{index}"
        shared = per_document(read)
        got = shared(document)
        if isinstance(value, (list, set, dict)):
            expected = value.copy()  # (what every hit handed out before)
            assert got is not value and got == expected and type(got) is type(expected)
        else:
            assert got is value
