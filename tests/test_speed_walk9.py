"""The shared walk of the tree (``xep.query``) and the fast paths built on it, each compared
with the slower way it replaces."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.lint.rules import content, links
from e2ee_sig.xep import Document, query, scope
from tests.xepfactory import SECTIONS, lint_text, make_xep

WALKED = ["section1", "section2", "section3", "section4", "section5", "example", "code"]
WALKED += ["table", "img", "p", "x:img", "x:table", "x:example"]


def _document(xml: str) -> Document:
    root = etree.fromstring(xml)
    return Document(Path("x.xml"), "x.xml", xml.encode(), tree=root.getroottree())


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    tag, default = st.sampled_from(WALKED), st.sampled_from(["", " xmlns='u'"])
    return st.builds(
        lambda name, xmlns, inside: f"<{name}{xmlns}>{''.join(inside)}</{name}>",
        tag,
        default,
        st.lists(children, max_size=3),
    )


TREES = st.recursive(st.sampled_from(["t", "<!--c-->", "<?pi x?>"]), _element, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(TREES, max_size=4))
def test_the_shared_walk_finds_what_xpath_finds(parts: list[str]) -> None:
    document = _document(f"<r xmlns:x='v'>{''.join(parts)}</r>")
    root = document.xml_root
    assert root is not None
    levels = [f"//section{n}" for n in range(1, 6)]
    assert list(query.all_sections(document)) == root.xpath("|".join(levels))
    for level, path in enumerate(levels, 1):
        assert query.sections(document, level) == root.xpath(path)
    assert query.code_blocks(document) == root.xpath("//example|//code")
    assert list(query.images(document)) == root.xpath("//img")
    examples, tables = query.numbered_counts(document)
    assert (examples, tables) == (root.xpath("count(//example)"), root.xpath("count(//table)"))
    texts = query.code_texts(document)
    assert [(b, b.text or "") for b in root.xpath("//example|//code")] == list(texts)


def test_a_document_without_a_tree_has_no_landmarks() -> None:
    document = Document(Path("x.xml"), "x.xml", b"<x")
    assert query.all_sections(document) == () and query.sections(document, 3) == []
    assert query.images(document) == () and query.numbered_counts(document) == (0, 0)
    assert query.code_texts(document) == () and query.code_blocks(document) == []


CODE_PIECES = ["xmlns='a'", 'xmlns:p="b"', "xmlns = 'c'", "xmlns", "targetNamespace='d'"]
CODE_PIECES += ['targetNamespace="e"', "targetNamespace= 'f'", "targetNamespace", "'", "\n", "x"]


def _slow_in_code(document: Document, pattern: re.Pattern[str]) -> dict[str, int]:
    """What ``query._in_code`` found before it looked for a cue first."""
    found: dict[str, int] = {}
    for block in query.code_blocks(document):
        text = block.text or ""
        for match in pattern.finditer(text):
            if match.group(1) not in found:
                found[match.group(1)] = query.line(block) + text.count("\n", 0, match.start())
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["example", "code"]),
            st.lists(st.sampled_from(CODE_PIECES), max_size=6).map("".join),
        ),
        max_size=4,
    )
)
def test_namespaces_in_code_are_found_as_without_the_cue(blocks: list[tuple[str, str]]) -> None:
    body = "\n".join(f"<{tag}><![CDATA[{text}]]></{tag}>" for tag, text in blocks)
    document = _document(f"<r>\n{body}\n</r>")
    assert query.example_namespaces(document) == _slow_in_code(document, query._XMLNS)
    slow = _slow_in_code(document, query._TARGET_NAMESPACE)
    assert query.schema_namespaces(document) == slow


ANCHORS = ["a", "b", "ab", "example-1", "table-2", "registrar"]


def _xep(anchors: list[str], targets: list[str]) -> str:
    sections = "".join(
        f"<section2 topic='S{i}'{f' anchor={a!r}' if a else ''}><p>x</p></section2>"
        for i, a in enumerate(anchors)
    )
    linked = " ".join(f"<link url='#{t}'>{i}</link>" for i, t in enumerate(targets))
    body = f"<section1 topic='Protocol' anchor='protocol'><p>{linked}</p>{sections}</section1>"
    return make_xep(
        sections=SECTIONS + "\n" + body + "\n<table caption='t'><tr><td>x</td></tr></table>"
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["", *ANCHORS]), max_size=4),
    st.lists(st.sampled_from(["", "nope", "registar", *ANCHORS]), max_size=4),
)
def test_links_to_sections_are_settled_as_from_every_anchor(
    anchors: list[str], targets: list[str]
) -> None:
    text = _xep(anchors, targets)
    fast = lint_text(text, select=("LNK001",))
    with mock.patch.object(links, "section_anchors", lambda document: frozenset()):
        slow = lint_text(text, select=("LNK001",))
    assert [(f.line, f.column, f.message, f.hint) for f in fast] == [
        (f.line, f.column, f.message, f.hint) for f in slow
    ]


def test_section_anchors_are_anchors() -> None:
    document = _document(
        "<r><section1 anchor='a'><section2 anchor=''/><section2 anchor='b'/></section1>"
        "<p anchor='c'/><example/><table/></r>"
    )
    assert links.section_anchors(document) == {"a", "b"}
    assert links.section_anchors(document) <= links.anchors(document)
    assert {"c", "example-1", "table-1"} <= links.anchors(document)


def test_images_are_checked_from_the_shared_walk() -> None:
    image = "<img src='https://example.org/x.png'/>"
    text = make_xep(sections=SECTIONS.replace("<p>The protocol is simple.</p>", f"<p>{image}</p>"))
    found = lint_text(text, select=("CNT007",))
    assert [f.code for f in found] == ["CNT007"]
    assert found[0].line == next(i for i, t in enumerate(text.splitlines(), 1) if image in t)
    assert lint_text(text.replace("https://example.org/x.png", "data:,x"), select=("CNT007",)) == []


def test_patterns_compiled_on_first_use_match_as_before() -> None:
    assert content._markup("xep0030", {}) and not content._markup("widgets", {})
    assert scope.parse_number("XEP-0384") == 384 and scope.parse_number("xep-0001.xml") == 1
    assert scope._names_a_family(b"<x xmlns='urn:xmpp:omemo:2'/>")
    assert not scope._names_a_family(b"<x xmlns='urn:xmpp:omemonot'/>")
    raw = b"<?xml version='1.0'?>\n<?e2ee-sig role = 'Payload' ?>\n<xep/>"
    assert scope.declared_role(Document(Path("x.xml"), "x.xml", raw)) == "payload"
