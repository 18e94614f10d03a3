"""exm15: EXM001's parse of examples together is built by one join (not a string for each part
first), and EXM002's subtree searches run without lxml's regular expression functions. Against
the slow paths."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.lint.rules import _fragments as fragments
from e2ee_sig.lint.rules import examples, validation
from e2ee_sig.xep import load, root_at

_PIECES = ["<a>", "</a>", "<b/>", "\n", " ", "text", "</e2ee-sig-fragment>", "\u00e9", ""]
_TEXTS = st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), min_size=1)


def _together_part_by_part(texts: list[str]) -> str:
    """The parse of ``texts`` together as built before exm15."""
    parts = "\n".join(f"<{fragments._PART}>{text}</{fragments._PART}>" for text in texts)
    return f"{fragments.ROOT_OPEN}\n{parts}\n{fragments.ROOT_CLOSE}"


@given(texts=_TEXTS)
def test_the_parts_are_joined_as_one_by_one(texts: list[str]) -> None:
    assert fragments._together(texts) == _together_part_by_part(texts)


def _with_regexp(search: etree.XPath, namespaces: dict[str, str]) -> etree.XPath:
    return etree.XPath(search.path, namespaces=namespaces)  # (regexp=True: lxml's default)


def test_the_subtree_searches_find_what_they_find_with_regexp(corpus: Path) -> None:
    """On every corpus file: each parsed example's subtree roots, in every namespace of it
    and in none, are the elements found with lxml's regular expression functions."""
    root = root_at(corpus)
    compared = 0
    for path in sorted(corpus.glob("*.xml")):
        document = load(path, path.name, root)
        for part in examples.parsed_examples(document).values():
            searches = [(validation._SUBTREE_ROOTS, {})]
            for namespace in sorted({etree.QName(e).namespace or "" for e in part.iter("*")}):
                searches.append((validation._roots_in((namespace,)), {"n0": namespace}))
            for search, namespaces in searches:
                assert search(part) == _with_regexp(search, namespaces)(part), document.display
                compared += 1
    assert compared > 500  # most parsed examples were searched
