"""CNT004's candidates (XEPs mentioned ``XEP-NNNN`` and never cited ``&xepNNNN;``) read from
``Document.referenced`` are what searching the bytes for each citation finds: on made-up
files (property tests) and on every file of the corpus. Comments and CDATA sections, told
by the byte after each ``<!``, are blanked as the lazy regex finds them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules import content
from e2ee_sig.lint.rules._literal import masked_bytes
from e2ee_sig.xep import Document, load, root_at
from e2ee_sig.xep.parse import parse_bytes
from tests.xepfactory import CORPUS

_PIECES = ["XEP-0001", "XEP-0030", "XEP-0045 ", "&xep0001;", "&xep0030;", "&xep0045;", " "]
_PIECES += ["<em>XEP-0030</em>", "<!-- &xep0045; -->", "<![CDATA[&xep0030;]]>", "x", "&lt;"]
_BODY = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


def _documents(corpus: Path) -> Iterator[Document]:
    root = root_at(corpus)
    for path in sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml")):
        yield load(path, path.name, root)


def _both(document: Document) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The candidates with ``Document.referenced`` and with the bytes searched instead."""
    document.cache.clear()
    fast = content._bare_candidates(document)
    searched = dataclasses.replace(document, referenced=None, cache={})
    return fast, content._bare_candidates(searched)


@pytest.mark.skipif(not (CORPUS / "xep.ent").is_file(), reason="no corpus")
@settings(max_examples=400)
@given(body=_BODY)
def test_the_candidates_are_the_same_without_the_set_of_references(body: str) -> None:
    raw = (CORPUS / "xep-0001.xml").read_bytes()
    raw = raw.replace(b"</section1>", f"<p>{body}</p></section1>".encode(), 1)
    path = CORPUS / "xep-0999.xml"
    document = parse_bytes(raw, path, path.name, root_at(CORPUS))
    if document.tree is None:
        return  # (not well-formed)
    fast, searched = _both(document)
    assert fast == searched


def test_the_candidates_are_the_same_on_the_corpus(corpus: Path) -> None:
    compared = 0
    for document in _documents(corpus):
        if document.tree is None or not content._entities(document):
            continue
        fast, searched = _both(document)
        assert fast == searched, document.display
        compared += document.referenced is not None and bool(fast)
    assert compared > 20  # files with candidates, read from the set


_MARKUP = [b"<!", b"!", b"<", b"-", b"--", b"-->", b"<!-", b"<![CDATA", b"[CDATA[", b"]]>", b"]"]
_MARKUP += [b"<!DOCTYPE x>", b"<!ENTITY a 'b'>", b"x", b"\n"]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(_MARKUP), max_size=12).map(b"".join))
def test_comments_and_cdata_are_blanked_as_the_lazy_regex_finds_them(raw: bytes) -> None:
    lazy = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)
    assert masked_bytes(raw) == lazy.sub(lambda m: b" " * len(m.group()), raw)
