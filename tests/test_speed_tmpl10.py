"""The fast paths of the tmpl10 speed pass agree with the slow ones they replace."""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.xep.edit import Span, element_span


def _old_element_span(raw: bytes, element: etree._Element) -> Span | None:
    """``element_span`` before tmpl10: through a table of every line's offset."""
    tag = element.tag
    if not isinstance(tag, str) or not element.sourceline:
        return None
    name = re.escape(tag.encode())
    lengths = [len(piece) + 1 for piece in raw.split(b"\n")[:-1]]
    offsets = [0]
    for length in lengths:
        offsets.append(offsets[-1] + length)
    line_start = offsets[min(element.sourceline, len(offsets)) - 1]
    for match in re.finditer(rb"<" + name + rb"(?:\s[^<>]*)?(/?)>", raw):
        if bisect_right(offsets, match.end() - 1) != element.sourceline:
            if match.start() > line_start + 4096:
                return None
            continue
        if match.group(1):
            return Span(match.start(), match.end(), match.end(), match.end())
        close = re.compile(rb"</" + name + rb"\s*>")
        end = close.search(raw, match.end())
        if end is None:
            return None
        return Span(match.start(), match.end(), end.start(), end.end())
    return None


_SPACE = st.sampled_from(["", " ", "\n", "\n\n", "  \n ", "\r\n"])
_TEXT = st.sampled_from(["", "x", "\n", "a\nb", "<!-- <p>\n -->", "<![CDATA[<p>\n]]>", "&amp;"])


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> str:
    """A small XML element (tags that repeat, start tags over several lines, comments and
    CDATA sections holding tag-like text)."""
    tag = draw(st.sampled_from(["p", "section1", "note", "p2"]))
    attributes = draw(
        st.lists(
            st.tuples(_SPACE, st.sampled_from(["a='1'", 'b="x>y"', "c='\n'"])),
            max_size=2,
            unique_by=lambda pair: pair[1],
        )
    )
    head = f"<{tag}" + "".join(f"{s or ' '}{a}" for s, a in attributes) + draw(_SPACE)
    if depth >= 3 or draw(st.booleans()):
        return head + ("/>" if draw(st.booleans()) else f"></{tag}{draw(_SPACE)}>")
    children = draw(st.lists(_trees(depth + 1), max_size=3))
    body = draw(_TEXT) + "".join(child + draw(_TEXT) for child in children)
    return f"{head}>{body}</{tag}>"


@settings(max_examples=300)
@given(_trees(), st.sampled_from(["", "<?xml version='1.0'?>\n", "\n\n\n"]), _TEXT)
def test_element_span_is_the_table_search(tree: str, prolog: str, tail: str) -> None:
    raw = (prolog + "<root>\n" + tree + tail + "\n</root>\n").encode()
    root = etree.fromstring(raw)
    for element in root.iter():
        assert element_span(raw, element) == _old_element_span(raw, element)


def test_element_span_of_a_line_past_the_end_and_of_later_lines() -> None:
    """A line number the bytes do not reach finds nothing; a start tag spread over lines is
    found by the line of its ``>``, and a same-named tag on an earlier line is passed by."""
    raw = b"<r>\n<p>a</p><p\n  x='1'\n>b</p>\n</r>\n"
    root = etree.fromstring(raw)
    second = root[1]
    assert second.sourceline == 4
    span = element_span(raw, second)
    assert span is not None and raw[span.start : span.end] == b"<p\n  x='1'\n>b</p>"
    assert element_span(raw, root[0]) == Span(4, 7, 8, 12)
    root[0].sourceline = 99
    assert element_span(raw, root[0]) is None is _old_element_span(raw, root[0])
    root[0].sourceline = 3  # a line with no <p ...> ending on it
    assert element_span(raw, root[0]) is None is _old_element_span(raw, root[0])


def test_corpus_element_spans(corpus: Path) -> None:
    """The spans of every section and revision of the corpus files are what they were."""
    files = sorted(corpus.rglob("*.xml"))
    assert len(files) > 300
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    for path in files[::7]:
        raw = path.read_bytes()
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError:
            continue
        for element in root.iter("section1", "section2", "revision", "remark", "title"):
            assert element_span(raw, element) == _old_element_span(raw, element), path


_OLD_MAYBE_PLACEHOLDERS = etree.XPath(
    "descendant-or-self::p[not(*)]"
    "[node()[not(self::text())] or string-length() <= 80]"
    "[contains(., 'REQUIRED') or contains(., 'OPTIONAL') or contains(., 'RECOMMENDED')]"
)
"""SEC010's search before tmpl10 (``template._MAYBE_PLACEHOLDERS``)."""

_PARAGRAPH_PIECES = st.sampled_from(
    [
        "REQUIRED.",
        "OPTIONAL",
        "RECOMMENDED",
        "REQ",
        "UIRED",
        "é" * 30,
        "x" * 35,
        " ",
        "\n",
        "<![CDATA[REQUIRED]]>",
        "<![CDATA[]]>",
        "<![CDATA[x]]>REQUIRED.",
        "<!-- REQUIRED -->",
        "<?pi OPTIONAL?>",
        "<em>x</em>",
        "<em/>",
        "&req;",
        "&#82;EQUIRED",
        "&lt;",
    ]
)


@settings(max_examples=400)
@given(st.lists(st.lists(_PARAGRAPH_PIECES, max_size=6), max_size=5), st.booleans(), st.booleans())
def test_maybe_placeholders_are_the_xpaths(
    paragraphs: list[list[str]], resolve: bool, strip_cdata: bool
) -> None:
    """Text, CDATA (kept as nodes or not), comments, processing instructions, markup and
    entities (expanded or kept as nodes), around the 80 characters (not bytes) of
    ``string-length``."""
    from e2ee_sig.lint.rules.template import _maybe_placeholders

    body = "".join(f"<p>{''.join(pieces)}</p>" for pieces in paragraphs)
    text = f"<!DOCTYPE xep [<!ENTITY req 'REQUIRED'>]><xep><section1>{body}</section1><p/></xep>"
    parser = etree.XMLParser(
        resolve_entities=resolve, load_dtd=True, no_network=True, strip_cdata=strip_cdata
    )
    root = etree.fromstring(text.encode(), parser)
    assert list(_maybe_placeholders(root)) == _OLD_MAYBE_PLACEHOLDERS(root)


def test_corpus_maybe_placeholders(corpus: Path) -> None:
    """Every corpus file as the linter parses it: the same paragraphs as the XPath."""
    from e2ee_sig.lint.rules.template import _maybe_placeholders
    from e2ee_sig.xep import load

    files = sorted(corpus.rglob("*.xml"))
    assert len(files) > 300
    found = 0
    for path in files:
        root = load(path).xml_root
        if root is not None:
            expected = _OLD_MAYBE_PLACEHOLDERS(root)
            assert list(_maybe_placeholders(root)) == expected, path
            found += len(expected)
    assert found > 20
