"""The shortcuts of REF001-REF004 and LNK001-LNK002, each compared with the slower way it
replaces: a finding's column read from its line's bytes (not from ``Document.lines``), and
REF003's look at a block's bytes before its sentence is worked out."""

from __future__ import annotations

import types
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.context import LintContext
from e2ee_sig.lint.registry import all_rules
from e2ee_sig.lint.rules import _literal, links, references
from e2ee_sig.lint.rules._codeblocks import column_of
from e2ee_sig.xep import Document, load, root_at
from e2ee_sig.xep.facts import NAMESPACE
from e2ee_sig.xep.index import root_index

BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"]
PIECES = st.sampled_from(["a", "&xep0001;", "é", " ", "\n", "\n", "<p>", "x", *BREAKS])
NORMATIVE = tuple(word.encode() for word in ("MUST", "SHALL", "REQUIRED"))


def _document(raw: bytes) -> Document:
    return Document(Path("x.xml"), "x.xml", raw)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(PIECES, max_size=30).map("".join),
    st.sampled_from([b"", b"\xff", b"\xe2\x80", b"\xc2"]),
    st.integers(0, 12),
    st.sampled_from(["&xep0001;", "a", "é", "x a"]),
    st.integers(0, 200),
    st.sampled_from(["none", "on the line", "anywhere"]),
)
def test_a_column_read_from_the_line_is_the_column_of_the_split_lines(
    text: str, junk: bytes, line: int, wanted: str, at: int, offset_kind: str
) -> None:
    raw = junk + text.encode() + junk
    offset = None
    if offset_kind != "none" and raw:  # a byte the caller saw the text at
        offset = min(at, len(raw) - 1)
        if offset_kind == "on the line":
            line = raw.count(b"\n", 0, offset) + 1
    expected = column_of(_document(raw), line, wanted)
    assert links.column_at(_document(raw), line, wanted, offset) == expected
    split = _document(raw)
    assert split.lines is not None  # (already split: that answer)
    assert links.column_at(split, line, wanted, offset) == expected


def test_the_line_is_counted_only_for_the_first_lines() -> None:
    raw = b"x\n" * (links._COUNTED_LINES + 10) + b"&xep0001;\n"
    document = _document(raw)
    assert links.column_at(document, 3, "x") == 1 and "lines" not in vars(document)
    assert links.column_at(document, links._COUNTED_LINES + 11, "&xep0001;") == 1
    assert "lines" in vars(document)  # (too far down: split)
    crlf = _document(b"a\r\nb x\r\n")
    assert links.column_at(crlf, 2, "x", 4) == 3 and "lines" in vars(crlf)


LETTERS = ["MU", "ST", "SH", "ALL", "REQ", "UIRED", "M", "U", "S", "T", "must", " ", ".", "x"]
MARKS = ["<b>", "</b>", "<br/>", "<!-- c -->", "<?p i?>", "<![CDATA[", "]]>", "&#77;", "&#x55;"]
MARKUP = st.sampled_from([*LETTERS, *MARKS, "&amp;", "&lt;", "&xep0001;", ";", ">", "&", "<"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(MARKUP, max_size=12).map("".join))
def test_a_block_whose_bytes_cannot_hold_a_word_has_no_such_word_in_its_text(data: str) -> None:
    raw = data.encode()
    text = _literal.Scan.text(types.SimpleNamespace(raw=raw), 0, len(raw))  # type: ignore[arg-type]
    if any(word.decode() in " ".join(text.split()) for word in NORMATIVE):
        assert references.may_hold_capitals(raw, NORMATIVE)


def test_may_hold_capitals_examples() -> None:
    assert not references.may_hold_capitals(b"Clients <em>should</em> do it.", NORMATIVE)
    assert references.may_hold_capitals(b"Clients MUST do it.", NORMATIVE)
    assert references.may_hold_capitals(b"MU<em>ST</em>", NORMATIVE)
    assert references.may_hold_capitals(b"&#77;UST", NORMATIVE)
    assert references.may_hold_capitals(b"<![CDATA[MU]]>ST", NORMATIVE)


CHECKED = ("REF001", "REF002", "REF003", "REF004", "LNK001", "LNK002")


def _findings(path: Path, root: object) -> dict[str, list[object]]:
    document = load(path, path.name, root)  # type: ignore[arg-type]
    rules, context = all_rules(), LintContext()
    return {code: list(rules[code].check(document, context)) for code in CHECKED}


def test_the_shortcuts_find_what_the_slow_way_finds_on_the_corpus(corpus: Path) -> None:
    """On every corpus file: the REF and LNK findings (columns included) are those found with
    the columns read from ``Document.lines`` and every sentence worked out."""
    root = root_at(corpus)
    paths = sorted(corpus.glob("*.xml")) + sorted((corpus / "inbox").glob("*.xml"))
    assert len(paths) > 300
    every = always = 0
    for path in paths:
        fast = _findings(path, root)
        slow_column = lambda document, line, text, offset=None: column_of(document, line, text)  # noqa: E731
        with (
            mock.patch.object(links, "column_at", slow_column),
            mock.patch.object(references, "column_at", slow_column),
            mock.patch.object(references.Sentences, "may_hold", lambda *_: True),
        ):
            slow = _findings(path, root)
        assert fast == slow, path.name
        every += sum(map(len, fast.values()))
        always += len(fast["REF003"])
    assert every > 100 and always > 10  # (the corpus has such findings)
    index = root_index(load(paths[0], paths[0].name, root))
    assert index is not None
    remembered = references._undefined(index)
    assert sum(remembered.values()) and len(remembered) > 100
    for namespace, undefined in remembered.items():  # REF004's verdicts, kept per index
        assert undefined == (
            NAMESPACE.fullmatch(namespace) is not None
            and namespace not in references.NOT_XEP_NAMESPACES
            and references._PLACEHOLDER.search(namespace) is None
            and not index.defined(namespace)
        ), namespace


def test_an_offset_on_another_line_than_the_reported_one_is_not_used() -> None:
    """The line reported is the element's, the offset where the text was seen: when they are
    on different lines, the column is looked up on the reported line, as before (cases the
    differential fuzz of the ninth speed pass found)."""
    raw = b"<p>See <link\nurl='#nosuch'>x</link>.</p>\n<p>a <em>b\n</em>&xep0096; c</p>\n"
    cases = [(2, "#nosuch", raw.index(b"<link")), (3, "&xep0096;", raw.index(b"&xep0096;"))]
    for line, text, offset in cases:
        expected = column_of(_document(raw), line, text)
        assert links.column_at(_document(raw), line, text, offset) == expected
    assert [column_of(_document(raw), line, text) for line, text, _ in cases] == [6, 1]
