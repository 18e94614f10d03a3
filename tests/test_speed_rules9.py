"""The fast paths of the hot rules give what the plain paths give: byte searches for rare
literals (``_literal.finditer_at``) find what the regex engine's scan finds, a plain block's
text built at once is the text built piece by piece (each piece a real ``Piece``), and a URL
read with one search is the URL read with the four tests (property tests, and every file of
the corpus)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from e2ee_sig.lint.rules import _literal, content
from e2ee_sig.xep import Document, load, root_at
from e2ee_sig.xep import codeblocks as codeblocks_module
from e2ee_sig.xep.codeblocks import Block, Piece, read_blocks

SEARCHES = [  # (pattern, literal, offset): its use (``#``), and literals of a few bytes
    (content._BARE_XEP, b"XEP-", 0),
    (content._XEP_REFERENCE, b"&xep", 0),
    (content._ASCII_CHARACTER, b"#", 1),
]
_PIECES = ["XEP-", "XEP", "EP-", "&xep", "&#", "&#88;", "&#x58;", "#", "&", ";", "x", "_"]
_BYTES = st.lists(
    st.one_of(st.sampled_from(_PIECES), st.text("0123456789 aX-;\n", max_size=6)), max_size=30
).map(lambda parts: "".join(parts).encode())


def _plain_finditer(
    pattern: re.Pattern[bytes], data: bytes, literal: bytes, offset: int = 0, pos: int = 0
) -> Iterator[re.Match[bytes]]:
    return pattern.finditer(data, pos)


def _found(matches: Iterator[re.Match[bytes]]) -> list[tuple[tuple[int, int], tuple[object, ...]]]:
    return [(match.span(), match.groups()) for match in matches]


@given(data=_BYTES, pos=st.integers(0, 40), which=st.integers(0, len(SEARCHES) - 1))
def test_finditer_at_finds_what_finditer_finds(data: bytes, pos: int, which: int) -> None:
    pattern, literal, offset = SEARCHES[which]
    fast = _found(_literal.finditer_at(pattern, data, literal, offset, pos))
    assert fast == _found(pattern.finditer(data, pos))


def test_finditer_at_can_tell_a_difference() -> None:
    data = b"&#88;EP-0001 and XEP-0002 XEP-00033 &xep0004;"
    assert _found(_literal.finditer_at(content._BARE_XEP, data, b"XEP-")) == [
        ((17, 25), (b"0002",))
    ]
    assert _found(_literal.finditer_at(content._ASCII_CHARACTER, data, b"#", 1)) == [((0, 5), ())]
    assert _found(_literal.finditer_at(content._BARE_XEP, data, b"XEP-", pos=18)) == []


def _add_piece_by_piece(block: Block, body: re.Match[bytes]) -> None:
    """What read_blocks did before :func:`codeblocks._add_plain`: one ``_add`` per part,
    each piece made by ``Piece(...)``."""
    for group in (1, 2, 3):
        text = body.group(group).decode("utf-8", "replace")
        if text:
            block.pieces.append(Piece(len(block.text), body.start(group), True))
            block.text += text


def _blocks(raw: bytes) -> list[tuple[str, int, str, str, list[Piece], bool]]:
    found = read_blocks(raw, {"ns": "urn:x"})
    assert all(type(piece) is Piece for block in found for piece in block.pieces)
    return [(b.kind, b.raw_start, b.caption, b.text, b.pieces, b.has_markup) for b in found]


_BODY = st.text(" \n<>&;]x\u00e9abc", max_size=8)


@given(before=_BODY, cdata=_BODY, after=_BODY, kind=st.sampled_from(["example", "code"]))
def test_a_plain_block_read_at_once_is_read_piece_by_piece(
    before: str, cdata: str, after: str, kind: str
) -> None:
    raw = f"<p>x</p><{kind}>{before}<![CDATA[{cdata}]]>{after}</{kind}>\n".encode()
    raw += b"<code>&ns;&#x41;<![CDATA[a]]>&lt;</code>"  # (not plain: read piece by piece)
    raw += b"<example>\xff<![CDATA[<a/>]]></example>"  # (bytes that are not UTF-8)
    fast = _blocks(raw)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(codeblocks_module, "_add_plain", _add_piece_by_piece)
        assert fast == _blocks(raw)


def _documents(corpus: Path) -> Iterator[Document]:
    root = root_at(corpus)
    for path in sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml")):
        yield load(path, path.name, root)


def _cnt004(document: Document) -> tuple[object, ...]:
    document.cache.clear()
    scan = _literal.scan_literal(document)
    return (
        scan,
        content._bare_candidates(document),
        content._may_mention_bare(document, scan) if scan is not None else None,
    )


def test_the_fast_paths_agree_on_the_corpus(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On every corpus file: the literal scan and CNT004's candidates with the byte searches
    and with the regex scans, the URL gate always open, and the blocks read at once and piece
    by piece."""
    checked = 0
    for document in _documents(corpus):
        fast = (_cnt004(document), _blocks(document.raw))
        with monkeypatch.context() as patched:
            patched.setattr(content, "finditer_at", _plain_finditer)
            patched.setattr(_literal, "_URL_SPACE_OR_REFERENCE", re.compile(b""))
            patched.setattr(codeblocks_module, "_add_plain", _add_piece_by_piece)
            slow = (_cnt004(document), _blocks(document.raw))
        assert fast == slow, document.display
        checked += fast[0][0] is not None
    assert checked > 300  # the scan read most files


def _default_namespace_at_each_literal(masked: bytes, start: int) -> bool:
    """What ``_literal._default_namespace`` did before: the pattern matched at each ``xmlns``
    that ``bytes.find`` finds."""
    at = start - 1
    while (at := masked.find(b"xmlns", at + 1)) >= 0:
        if _literal._DEFAULT_NAMESPACE.match(masked, at) and _literal._in_tag(masked, at):
            return True
    return False


_NAMESPACE_PIECES = ["xmlns", "xmlns='a'", 'xmlns = "b"', "xmlns=''", "xmlns:x='c'", "xmlnsxmlns"]
_NAMESPACE_PIECES += ["<p ", "<p>", "</p>", ">", "'", '"', "=", " ", "xmlns='xmlns='d'"]


@given(
    data=st.lists(
        st.one_of(st.sampled_from(_NAMESPACE_PIECES), st.text("xmlns= '<>a", max_size=6)),
        max_size=20,
    ).map(lambda parts: "".join(parts).encode()),
    start=st.integers(0, 30),
)
def test_default_namespaces_found_by_the_regex_search_are_those_found_at_each_literal(
    data: bytes, start: int
) -> None:
    assert _literal._default_namespace(data, start) == _default_namespace_at_each_literal(
        data, start
    )


def test_default_namespaces_can_tell_a_difference() -> None:
    data = b"<p title=\"xmlns=''\">xmlns='a' <q xmlns:x='b'/><r xmlns = 'c'/></p>"
    assert _literal._default_namespace(data, 0)
    assert not _literal._default_namespace(data, data.index(b"xmlns = ") + 1)
    assert not _literal._default_namespace(data[: data.index(b"<r")], 0)
