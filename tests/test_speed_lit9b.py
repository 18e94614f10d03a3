"""The literal scan finds citations with a search for ``&xep`` when the file references none of
the entities that link a fragment (``Document.referenced`` says which it references): it finds
what the regex over every byte finds (property tests, and every file of the corpus)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.lint.rules import _literal
from e2ee_sig.xep import load, root_at
from e2ee_sig.xep.parse import referenced_entities, with_xep_entities
from e2ee_sig.xep.root import entity_references

_NAMES = ["NSNOTE", "VNOTE", "xep0001", "x", "amp", "lt", "café", "a-b.c", "1a"]
_PIECES = ["&xep", "&xep0001;", "&NSNOTE;", "&VNOTE;", "&amp;", "&lt;", "&café;", "&a-b.c;"]
_PIECES += ["&1a;", "&x;", "&", ";", "xep", "<p>", "0"]
_BYTES = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text("0123456789 ax;&\n", max_size=6)), max_size=30
).map(lambda parts: "".join(parts).encode())


def _found(matches: Iterator[re.Match[bytes]]) -> list[tuple[tuple[int, int], bytes]]:
    return [(match.span(), match.group(1)) for match in matches]


@given(
    data=_BYTES,
    start=st.integers(0, 40),
    names=st.sets(st.sampled_from(_NAMES), max_size=4),
    predefined=st.booleans(),
)
def test_citations_found_from_each_literal_are_what_the_regex_finds(
    data: bytes, start: int, names: set[str], predefined: bool
) -> None:
    referenced = entity_references(data, predefined)
    linking = dict.fromkeys(names, ())
    fast = _found(_literal._reference_matches(data, start, linking, referenced))
    assert fast == _found(_literal._references_to(frozenset(names)).finditer(data, start))


def test_the_byte_search_is_taken_only_when_no_name_is_referenced() -> None:
    data = b"<p>&xep0001; &NSNOTE; &xep0002;</p>"
    referenced = entity_references(data, False)
    with patch.object(_literal, "_references_to", wraps=_literal._references_to) as per_name:
        searched = _found(_literal._reference_matches(data, 0, {"VNOTE": ()}, referenced))
        assert per_name.call_count == 0  # the search for ``&xep``
        assert searched == [((3, 12), b"xep0001"), ((22, 31), b"xep0002")]
        kept = _literal._reference_matches(data, 0, {"NSNOTE": ()}, referenced)
        assert per_name.call_count == 1
        assert _found(kept) == [
            ((3, 12), b"xep0001"),
            ((13, 21), b"NSNOTE"),
            ((22, 31), b"xep0002"),
        ]
        for calls, unsure in enumerate(({"amp": ()}, {"café": ()}), 2):  # (may not be in it)
            assert _found(_literal._reference_matches(data, 0, unsure, referenced)) == searched
            assert per_name.call_count == calls


def test_the_literal_scan_agrees_with_the_regex_on_the_corpus(corpus: Path) -> None:
    """On every corpus file: the scan with ``Document.referenced`` is the scan without it (the
    regex over every byte), and the entities inlined are the same."""
    root = root_at(corpus)
    paths = sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml"))
    assert paths
    searched = 0
    for path in paths:
        document = load(path, path.name, root)
        known = dataclasses.replace(document, cache={})
        unknown = dataclasses.replace(document, cache={}, referenced=None)
        assert _literal.scan_literal(known) == _literal.scan_literal(unknown), path.name
        if document.referenced is not None:
            searched += 1
            assert document.referenced == referenced_entities(document.raw, document.doctype, root)
            assert document.parsed_bytes == with_xep_entities(document.raw, document.doctype, root)
    assert searched > len(paths) // 2
