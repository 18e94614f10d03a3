"""The rules' fast paths find exactly what the plain regular expressions they replace find.

Each fast path (a byte search instead of a lazy scan, a literal search instead of a pattern
that starts with ``\\b``, a test for the words a match must hold) is compared with the plain
pattern on texts made of the pieces that matter to it, in every order.
"""

from __future__ import annotations

import bisect
import copy
import html
import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from e2ee_sig.lint.rules import _fragments as fragments
from e2ee_sig.lint.rules import e2ee, history
from e2ee_sig.lint.rules._codeblocks import hidden_spans, line_at, position
from e2ee_sig.lint.rules._literal import masked_bytes, scan_literal
from e2ee_sig.lint.rules.content import _may_say_defined, code_elements
from e2ee_sig.lint.rules.links import (
    _HTTP_LINK,
    _closest,
    _http_links,
    anchors,
    links,
    written,
)
from e2ee_sig.lint.rules.references import _cited, _declarations, citations
from e2ee_sig.lint.rules.template import PLACEHOLDER_WORDS, placeholder_words
from e2ee_sig.xep import Document, codeblocks, facts, parse_bytes, root_at, scope
from e2ee_sig.xep.official import _end_of_line
from e2ee_sig.xep.query import body_may_contain, may_contain, prose
from tests.xepfactory import make_xep


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=10).map("".join)


def _joined_bytes(pieces: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(pieces), max_size=10).map(b"".join)


MARKUP = [b"<!--", b"-->", b"<!-->", b"<![CDATA[", b"]]>", b"]", b"-", b"x", b"\n", b"<", b">"]
MARKUP += [b"<example>", b"<example caption='a'/>", b"</example >", b"<examples>", b"<code>"]
MARKUP += [b"</code>", b"</code\n>", b"<codex>"]


@settings(max_examples=400)
@given(_joined_bytes(MARKUP))
def test_comments_and_cdata_sections_are_found_as_a_lazy_regex_finds_them(raw: bytes) -> None:
    lazy = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)
    assert hidden_spans(raw) == [m.span() for m in lazy.finditer(raw)]
    assert masked_bytes(raw) == lazy.sub(lambda m: b" " * len(m.group()), raw)


@settings(max_examples=400)
@given(_joined_bytes(MARKUP))
def test_example_and_code_elements_are_found_as_a_lazy_regex_finds_them(raw: bytes) -> None:
    lazy = re.compile(rb"<(example|code)\b[^>]*>(.*?)</\1\s*>", re.S)
    assert list(code_elements(raw)) == [(m.start(), m[1], m[2]) for m in lazy.finditer(raw)]


_SPACE = st.sampled_from(["", " ", "\n", "\t", "\r\n", "  "])
_PLAIN_URL = ["#a", " x ", "é", ">", "/", "?q", "\x0b"]
_URL_PIECES = [*_PLAIN_URL, "&amp;", "&#x41;", "&r;", "\t", "\n", "\r", "\r\n"]
_ATTRIBUTE = st.tuples(
    st.sampled_from(["url", "url", "title", "urlx"]),
    _SPACE,
    _SPACE,
    st.sampled_from(["'", '"']),
    st.one_of(_joined(_PLAIN_URL), _joined(_URL_PIECES)),
).map(lambda a: f"{a[0]}{a[1]}={a[2]}{a[3]}{a[4].replace(a[3], '')}{a[3]}")
_LINK_TAG = st.tuples(
    st.sampled_from(["<link", "<linkx", "<link-a"]),
    st.lists(st.tuples(_SPACE.filter(bool), _ATTRIBUTE).map("".join), max_size=2).map("".join),
    _SPACE,
    st.sampled_from([">", "/>"]),
).map("".join)


@settings(max_examples=500)
@given(st.lists(st.one_of(_LINK_TAG, st.sampled_from(["text ", "<p>", "</link>"])), max_size=4))
@example(["<link url='&amp;'>", '<link url="&#x41;"/>'])
@example(["<link url=' a\tb '/>", "<link\nurl = 'a' title='b'>", '<link url="x\ny">'])
def test_plain_links_are_read_as_their_tag_and_attributes_read_them(pieces: list[str]) -> None:
    from unittest import mock

    from e2ee_sig.lint.rules import _literal

    raw = "".join(pieces).encode()
    fast = _literal._links(raw, 0)
    with mock.patch.object(_literal, "_PLAIN_LINK", re.compile(rb"(?!)")):  # (never matches)
        assert _literal._links(raw, 0) == fast


@settings(max_examples=400)
@given(_joined_bytes(MARKUP))
def test_block_tokens_are_the_lazy_regexs(raw: bytes) -> None:
    lazy = re.compile(
        rb"<!--.*?-->|<!\[CDATA\[(.*?)\]\]>|<(example|code)\b([^>]*?)(/?)>|</(example|code)\s*>",
        re.S,
    )
    found = [(m.span(), m.groups()) for m in codeblocks._TOKEN.finditer(raw)]
    assert found == [(m.span(), m.groups()) for m in lazy.finditer(raw)]


WORDS = [b"TODO", b"TBD", b"tbd", b"FIXME", b"tbc", b"TBC", b"x", b" ", b"_", b"1", b"-", b"T"]


@settings(max_examples=400)
@given(_joined_bytes([*WORDS, "é".encode()]), st.integers(0, 3))
def test_placeholder_words_are_the_patterns_matches(raw: bytes, start: int) -> None:
    expected = [(m.start(), m.group()) for m in PLACEHOLDER_WORDS.finditer(raw, start)]
    assert placeholder_words(raw, start) == expected


@settings(max_examples=400)
@given(_joined(["xmlns", "xmlns:a", "='", "'", '"', "a", "é", " ", "=", "_", "\n"]))
def test_namespace_declarations_start_a_word(text: str) -> None:
    plain = re.compile(r"""\bxmlns(?::[\w.-]+)?\s*=\s*(['"])(.*?)\1""", re.S)
    found = [(m.span(), m.groups()) for m in _declarations(text)]
    assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]


@settings(max_examples=400)
@given(_joined([".", "..", "…", "[", "]", " ", "a", "\n"]))
def test_an_elision_is_seen_without_the_regex(text: str) -> None:
    assert fragments._elides(text) == bool(fragments._ELISION.search(text))


@settings(max_examples=400)
@given(_joined(["C", "S", "Romeo", ":", " ", "\t", "\n", "<", "x", "\r", "ABCDEFGHI"]))
def test_a_transcript_line_is_found_at_any_line_start(text: str) -> None:
    plain = re.compile(r"^[ \t]*(?:[A-Z]{1,8}|[A-Z][a-z]+)[ \t]*:[ \t]*(?:<|$)", re.M)
    found = fragments._TRANSCRIPT_START.match(text) or fragments._TRANSCRIPT.search(text)
    assert bool(found) == bool(plain.search(text))
    if found:  # exm4: the cheap search that rules most texts out never rules out a transcript
        assert fragments._TRANSCRIPT_HINT.search(text)


@settings(max_examples=400)
@given(_joined(["defined ", "DEFINED ", "deﬁned ", "defıned ", "defİned ", "in ", "XEP-0001"]))
def test_a_defined_in_note_is_never_skipped(text: str) -> None:
    defined_in = re.compile(r"defined (?:in|by) XEP-(\d{4})\b", re.I)
    if defined_in.search(text):
        assert _may_say_defined(text)


class _Body:
    """A stand-in document whose body text is given (the per-document cache filled in)."""

    def __init__(self, text: str) -> None:
        self.cache = {
            "e2ee_sig.xep.query.body_text": text,
            "e2ee_sig.xep.query.lower_body_text": text.lower(),
        }


KEY_PIECES = ["public key", "Public Keys", "long-term key", "encryption keys", "key exchange"]
KEY_PIECES += ["KEY pairs", "certificate", "Certificates", "xkey", "keyx", " ", "-", "ſession"]
KEY_PIECES += ["K", "ey", "İ", "ı", "AES", "AES-256-GCM", "ECDH", "ECDSA", "xAES", "ciphertext"]


@settings(max_examples=400)
@given(_joined(KEY_PIECES), st.integers(1, 3))
def test_key_and_cipher_vocabulary_is_counted_as_a_scan_counts_it(text: str, count: int) -> None:
    body = _Body(text)
    keys = len(scope._KEY_TERMS.findall(text))
    ciphers = len(scope._CIPHER_TERMS.findall(text))
    assert scope._key_terms(body, count) == (keys >= count)  # type: ignore[arg-type]
    assert scope._cipher_terms(body, count) == (ciphers >= count)  # type: ignore[arg-type]


DELEGATES = ["their ", "THEIR ", "such ", "separate ", "own ", "profile", "Profiles", "x", " "]
DELEGATES += ["profiles of this ", "specification", "ſuch ", "ı", "İ", "their-own "]


@settings(max_examples=400)
@given(_joined(DELEGATES))
def test_a_profile_delegation_is_found_as_a_scan_finds_it(text: str) -> None:
    found = scope._DELEGATES.search(text) is not None
    assert scope._delegates(_Body(text)) == found  # type: ignore[arg-type]


@settings(max_examples=400)
@given(_joined(["established ", "other ", "encryption ", "ENCRYPTION ", "schemes", "ı", "ſ", "x"]))
def test_a_case_blind_phrase_is_never_ruled_out_wrongly(text: str) -> None:
    found = scope._USES_OTHER_ENCRYPTION.search(text)
    if found:
        assert body_may_contain(_Body(text), *scope._OTHER_ENCRYPTION_CUES)  # type: ignore[arg-type]


def test_a_long_s_or_dotless_i_keeps_the_case_blind_search() -> None:
    """``re.I`` takes ſ for s and ı for i; lower-casing does not, so such a body is searched."""
    text = "uſes other encryption ſchemes"
    assert scope._USES_OTHER_ENCRYPTION.search(text)
    assert "encryption scheme" not in text.lower()
    assert body_may_contain(_Body(text), "encryption scheme")  # type: ignore[arg-type]
    assert not body_may_contain(_Body("plain text"), "encryption scheme")  # type: ignore[arg-type]


# --- exm4 ---

FRAGMENTS = ["<a>", "</a>", "<b/>", "<x:c/>", "<!--", "-->", "<![CDATA[", "]]>", "<?p", "?>"]
FRAGMENTS += ["&amp;", "&u;", "&#x2026;", "...", "…", "\n", " ", "'", "<d e='1' e='2'/>", "<"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_joined(FRAGMENTS), max_size=6))
def test_examples_parsed_together_are_taken_only_when_each_passes_alone(texts: list[str]) -> None:
    fragments._OUTCOMES.clear()
    outcomes, parsed = fragments.check_all(texts)
    together = [(o.xml, o.issue, o.blanks, o.strict_text) for o in outcomes]
    fragments._OUTCOMES.clear()
    alone = [(o.xml, o.issue, o.blanks, o.strict_text) for o in map(fragments.check, texts)]
    fragments._OUTCOMES.clear()
    assert together == alone
    for text, part in parsed.items():  # each part holds its own text's parse
        alone_tree = fragments.parse_strictly(text)
        assert [(e.tag, e.text) for e in part.iter()][1:] == [
            (e.tag, e.text) for e in alone_tree.iter()
        ][1:]


@settings(max_examples=300, deadline=None)
@given(_joined(FRAGMENTS))
def test_an_example_with_no_elision_written_holds_none(text: str) -> None:
    try:
        wrapper = fragments.parse_strictly(text)
    except etree.XMLSyntaxError:
        return
    if any(fragments.holds_elision(node) for node in wrapper.iter("*")):
        assert fragments.may_hold_elision(text)


@settings(max_examples=300)
@given(_joined_bytes([b"\n", b"x", b"\xc3\xa9", b"\r\n"]), st.lists(st.integers(0, 40)))
def test_positions_are_counted_as_a_table_of_line_starts_says(
    raw: bytes, offsets: list[int]
) -> None:
    starts = [0] + [at + 1 for at in range(len(raw)) if raw[at : at + 1] == b"\n"]
    document = _Raw(raw)
    for offset in offsets:
        offset = min(offset, len(raw))
        line = bisect.bisect_right(starts, offset)
        column = len(raw[starts[line - 1] : offset].decode("utf-8", "replace")) + 1
        assert position(document, offset) == (line, column)  # type: ignore[arg-type]
        mirrored = len(raw) - offset  # (the cursor moves both ways between the two)
        assert line_at(document, mirrored) == 1 + raw.count(b"\n", 0, mirrored)  # type: ignore[arg-type]


class _Raw:
    """A stand-in document with raw bytes and an empty per-document cache."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.cache: dict[str, object] = {}


# --- sch4 ---
SCHEMA_START = "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
SCHEMA_PROLOG = [" ", "\n", "\r", "\t", "\x0c", "\xa0", "<?xml version='1.0'?>", "<?xml?>"]
SCHEMA_PROLOG += ["<?xml-stylesheet href='a'?>", "<?pi?>", "<!-- c -->", "<!DOCTYPE x>", "?>", "x"]
SCHEMA_BODY = ["<xs:element name='a'/>", "<a>", "</a>", "<stream:a/>", "<b:a/>", "text", "..."]
SCHEMA_BODY += ["&lt;", "&x;", "]]>", "<!-- c -->", "<?pi?>", "<?xml?>", "<", "\n", " "]
SCHEMA_BODY += ["</xs:schema>", SCHEMA_START]


@settings(max_examples=400)
@given(_joined(SCHEMA_PROLOG), _joined(SCHEMA_BODY), _joined(SCHEMA_PROLOG))
def test_a_lone_schema_is_the_part_the_fragment_check_gives(
    prolog: str, body: str, tail: str
) -> None:
    _assert_lone_schema_is_checked(prolog + SCHEMA_START + body + "</xs:schema>" + tail)


def test_a_lone_schema_at_the_depth_limit_is_the_part_the_fragment_check_gives() -> None:
    for depth in (254, 255, 256):
        nested = "<a>" * (depth - 1) + "</a>" * (depth - 1)
        _assert_lone_schema_is_checked(
            "<?xml version='1.0'?>\n" + SCHEMA_START + nested + "</xs:schema>"
        )


def _assert_lone_schema_is_checked(text: str) -> None:
    from lxml import etree

    from e2ee_sig.lint.rules._codeblocks import Block
    from e2ee_sig.lint.rules.schemas import checked_parts, lone_schema
    from e2ee_sig.xep.facts import schema_starts

    block = Block("code", 0, "", text)
    starts = schema_starts(text)
    lone = lone_schema(block, starts[0]) if len(starts) == 1 else None
    if lone is None:
        return
    [checked] = checked_parts(block, starts)
    assert (lone.start, lone.end, lone.issue, lone.error) == (
        checked.start,
        checked.end,
        checked.issue,
        checked.error,
    )
    assert lone.source == checked.source and checked.tree is not None
    assert etree.tostring(lone.tree) == etree.tostring(checked.tree)


# --- sec4 ---
SPELLINGS = [b"TODO", b"ToDo", b"todo", b"TBD", b"Tbd", b"tbd", b"tbc", b"TBC", b"FIXME", b"fixMe"]
SPELLINGS += [b"XEP-", b"xep-", b"Xep-", b"xxxx", b"XxXx", b"x", b"X", b"_", b" ", "é".encode()]


@settings(max_examples=400)
@given(_joined_bytes(SPELLINGS), st.integers(0, 3))
def test_placeholder_and_unnumbered_words_are_found_through_the_lowered_bytes(
    raw: bytes, start: int
) -> None:
    from e2ee_sig.lint.rules.template import UNNUMBERED_XEP, unnumbered_xeps

    words = [(m.start(), m.group()) for m in PLACEHOLDER_WORDS.finditer(raw, start)]
    assert placeholder_words(raw, start, raw.lower()) == words
    unnumbered = [(m.start(), m.group()) for m in UNNUMBERED_XEP.finditer(raw, start)]
    assert unnumbered_xeps(raw, start, raw.lower()) == unnumbered


@settings(max_examples=400)
@given(_joined_bytes([b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<", b">", b"x", b"]", b"-"]))
def test_text_positions_are_found_by_a_bounded_look_back(raw: bytes) -> None:
    from e2ee_sig.lint.rules.template import _in_text

    for at in range(len(raw) + 1):
        in_cdata = raw.rfind(b"<![CDATA[", 0, at) > raw.rfind(b"]]>", 0, at)
        in_comment = raw.rfind(b"<!--", 0, at) > raw.rfind(b"-->", 0, at)
        plain = in_cdata or (not in_comment and raw.rfind(b"<", 0, at) < raw.rfind(b">", 0, at))
        assert _in_text(raw, at) == plain


INLINE = ["<b/>", "<b>x</b>", "<!-- x -->", "<?pi y?>", " ", "\n", "\xa0", "a b", "TBD.", "."]
INLINE += ["REQUIRED.", "OPTIONAL.", "RECOMMENDED.", "STRONGLY RECOMMENDED.", "REQUIRED for"]
INLINE += [" protocol specifications."]
PARAGRAPH = st.lists(st.sampled_from(INLINE), max_size=4).map(lambda t: f"<p>{''.join(t)}</p>")
SECTION = st.lists(st.one_of(st.sampled_from(INLINE), PARAGRAPH), max_size=8).map("".join)


@settings(max_examples=400)
@given(SECTION)
def test_a_sections_text_is_read_only_as_far_as_needed(content: str) -> None:
    from lxml import etree

    from e2ee_sig.lint.rules.sections import NON_ANSWER, has_prose, lone_prose
    from e2ee_sig.lint.rules.template import (
        PLACEHOLDER_PARAGRAPHS,
        _maybe_placeholders,
        _short_plain,
    )
    from e2ee_sig.xep.query import prose

    section = etree.fromstring(f"<xep><section1>{content}</section1></xep>")[0]
    text = prose(section)
    assert has_prose(section) == bool(text)
    alone = lone_prose(section)
    assert alone is None or alone == text
    if NON_ANSWER.fullmatch(text):
        assert alone == text
    candidates = list(_maybe_placeholders(section))
    for paragraph in section.iter("p"):
        if _short_plain(paragraph) and prose(paragraph) in PLACEHOLDER_PARAGRAPHS:
            assert paragraph in candidates


@settings(max_examples=400)
@given(_joined(["<!--", "-->", "<", "xs:", "x:y:", "schema", "schemas", " ", ">", "-"]))
def test_an_xs_schema_outside_comments_is_found_as_before(code: str) -> None:
    from e2ee_sig.lint.rules.sections import _COMMENT, _XS_SCHEMA, _has_xs_schema

    assert _has_xs_schema(code) == (_XS_SCHEMA.search(_COMMENT.sub("", code)) is not None)


@settings(max_examples=200)
@given(_joined_bytes([b"\n", b"\r\n", b"x", b" "]), st.integers(1, 12))
def test_a_lines_start_is_its_offset(raw: bytes, number: int) -> None:
    from e2ee_sig.lint.rules.sections import _line_start
    from e2ee_sig.xep.edit import line_offsets

    offsets = line_offsets(raw)
    if number <= len(offsets):
        assert _line_start(raw, number) == offsets[number - 1]


# --- misc4 ---


PLAIN_PRIMITIVES = {
    "HKDF": re.compile(r"\bHKDF\b"),
    "X25519": re.compile(r"\b(?:X|Curve)25519\b"),
    "Ed25519": re.compile(r"\bEd25519\b"),
    "XEdDSA": re.compile(r"\bXEdDSA\b"),
    "HMAC": re.compile(r"\bHMAC\b"),
    "AES": re.compile(r"\bAES\b"),
    "ChaCha20-Poly1305": re.compile(r"\b(?:ChaCha20|Poly1305)\b"),
    "Double Ratchet": re.compile(r"\bDouble ?Ratchet\b", re.I),
    "X3DH": re.compile(r"\bX3DH\b"),
    "MLS": re.compile(r"\bMLS\b|Messaging Layer Security"),
    "OpenPGP": re.compile(r"\bOpenPGP\b"),
    "SHA-2": re.compile(r"\bSHA-?(?:256|384|512)\b"),
}
PRIMITIVE_PIECES = ["HKDF", "hkdf", "X25519", "Curve", "25519", "Ed25519", "XEdDSA", "HMAC"]
PRIMITIVE_PIECES += ["AES", "ChaCha20", "Poly1305", "Double", "DOUBLE ", "double", " ", "Ratchet"]
PRIMITIVE_PIECES += ["rATCHET", "X3DH", "MLS", "Messaging Layer Security", "Layer", "OpenPGP"]
PRIMITIVE_PIECES += ["SHA", "-", "256", "512", "x", "_", "1", "ſ", "K", "İ", "ı", "é"]


@settings(max_examples=400)
@given(_joined(PRIMITIVE_PIECES))
def test_primitives_are_found_as_the_plain_word_patterns_find_them(text: str) -> None:
    for name, _, pattern, _ in e2ee.PRIMITIVES:
        plain = PLAIN_PRIMITIVES[name]
        assert [m.span() for m in pattern.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]


@settings(max_examples=400)
@given(_joined(PRIMITIVE_PIECES))
def test_a_named_primitive_is_never_ruled_out(text: str) -> None:
    for primitive in e2ee.PRIMITIVES:
        if primitive[2].search(text):
            assert e2ee._may_name(_Body(text), primitive)  # type: ignore[arg-type]


@settings(max_examples=400)
@given(_joined(["priv", "PRIV", "Secret", "ſecret", "prİv", "prıv", "x", "<", ">", " ", "=", "'"]))
def test_a_secret_word_is_never_ruled_out(text: str) -> None:
    if re.search(r"priv|secret", text, re.I):
        assert may_contain(text, *e2ee._SECRET_WORDS)


@settings(max_examples=400)
@given(_joined(["0", "1", "10", "01", ".", "rc", "2", "x", "-", " "]))
def test_a_version_is_well_formed_as_one_of_the_three_forms_says(version: str) -> None:
    forms = (history.SEMANTIC, history.LEGACY_TWO_PART, history.LEGACY_RC.pattern)
    assert history._valid(version) == any(re.fullmatch(form, version) for form in forms)


PROSE_PIECES = ["<b>", "</b>", "<i/>", "a ", "b", "<!--c-->", "<?pi x?>", "&e;", "<![CDATA[d]]>"]
PROSE_PIECES += [" ", "\n", "é", "<u>t</u>"]


def _plain_prose(element: etree._Element) -> str:
    """Every element's text, then each child's prose and tail, in document order."""

    def texts(node: etree._Element) -> list[str]:
        if not isinstance(node.tag, str):  # a comment, PI or entity reference: no text
            return []
        parts = [node.text or ""]
        for child in node:
            parts += [*texts(child), child.tail or ""]
        return parts

    return " ".join(" ".join(texts(element)).split())


@settings(max_examples=400)
@given(_joined(PROSE_PIECES))
def test_prose_reads_the_texts_a_tag_test_reads(markup: str) -> None:
    parser = etree.XMLParser(recover=True, resolve_entities=False)
    document = f'<!DOCTYPE p [<!ENTITY e "E">]><p>x {markup} y</p>'
    element = etree.fromstring(document.encode(), parser)
    for node in element.iter():
        if isinstance(node.tag, str):
            assert prose(node) == _plain_prose(node)


def test_prose_reads_a_nested_element_before_its_tail() -> None:
    element = etree.fromstring("<p>see <link>the <b>XSF</b> site</link> for more</p>")
    assert prose(element) == "see the XSF site for more"


# --- lnk4 ---
# The links, citations and anchors read from the bytes (lint/rules/_literal.py) are what the
# tree with entity references kept says, on documents made of the pieces that matter: links,
# references in text, attributes, comments and CDATA, after elements and CDATA, in blocks
# nested in blocks and in the header, and multi-line tags.


LITERAL_ROOT = Path(__file__).resolve().parent / "fixtures" / "xep-root"
LITERAL_SUBSET = """
  <!ENTITY w3 "<link url='http://www.w3.org/x'>W3C</link>">
  <!ENTITY LEGALNOTICE "<legal><p>Legal &amp; <link url='#legal'>terms</link>.</p></legal>">
  <!ENTITY xep0001 "<span class='ref'>XEP-0001</span><note>XEP-0001 &lt;x&gt;</note>">
  <!ENTITY xep0002 "<span class='ref'>XEP-0002</span>">
  <!ENTITY NSNOTE "<note>See <link url='#ns'>the namespace</link>.</note>">
  <!ENTITY e "">
  <!ENTITY t "text">"""
LITERAL_LEAVES = ["a", " ", "\n", "It MUST. Then ", "see. ", "&amp;", "&#65;", "&#x2019;", "&e;"]
LITERAL_LEAVES += ["&t;", "&xep0001;", "&xep0002;", "&NSNOTE;", "<![CDATA[c &xep0001; <p>]]>"]
LITERAL_LEAVES += ["<!-- &xep0002; <link url='#c'/> -->", "<br/>", "<link url='#a'/>", "<em/>"]
LITERAL_LEAVES += ["<link url='#b'>t</link>", "<link\n url=' #ns&#x20;'\n>t</link>", "XEP-0001"]
LITERAL_LEAVES += [
    "<em a='&t;' b='x>y'>e</em>",
    "<link url='https://xmpp.org/extensions/xep-0001.html'/>",
]
LITERAL_LEAVES += ["<link url='http://xmpp.org/a'/>", "<link-x data-url='http://w3.org'/>"]
LITERAL_TAGS = ["p", "li", "note", "em", "td", "section2 anchor='s'", "link url='#d'", "header"]


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(LITERAL_TAGS), st.lists(children, max_size=4)).map(
        lambda parts: f"<{parts[0]}>{''.join(parts[1])}</{parts[0].split()[0]}>"
    )


LITERAL_BODY = st.recursive(st.sampled_from(LITERAL_LEAVES), _element, max_leaves=16)


def _literal_document(sections: list[str], remark: str) -> Document:
    text = make_xep(
        sections="\n".join(sections),
        internal_subset=LITERAL_SUBSET,
        revisions=f"<revision><version>0.1</version><remark>{remark}</remark></revision>",
    )
    return parse_bytes(
        text.encode(), LITERAL_ROOT / "xep-0999.xml", "xep-0999.xml", root_at(LITERAL_ROOT)
    )


def _cited_in_body(document: Document) -> list[tuple[str, int, str]]:
    """Each ``&xepNNNN;`` in the body: its number, line and the sentence around it."""
    found = citations(document)
    return [
        (number, found.line(place), found.sentences.around(number, key))
        for number, place, key in found.candidates
        if found.in_body(key)
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            LITERAL_BODY.map(lambda body: f"<section1 topic='T' anchor='t'>{body}</section1>"),
            st.sampled_from(["&xep0002;", "<!-- c -->", "\n", "<link url='#r'/>"]),
        ),
        max_size=4,
    ),
    LITERAL_BODY,
)
def test_links_and_citations_are_read_from_the_bytes_as_the_literal_tree_has_them(
    sections: list[str], remark: str
) -> None:
    document = _literal_document(sections, remark)
    scan = scan_literal(document)
    if scan is None:
        assert document.tree is None or document.parse_errors
        return
    assert [m.span() for m in _http_links(document)] == [
        m.span() for m in _HTTP_LINK.finditer(masked_bytes(document.raw))
    ]
    found = links(document)
    cited = _cited_in_body(document)
    hand = [(scan.line(end), url) for start, end, url in scan.links if start > scan.body]
    document.cache.clear()
    document.cache["e2ee_sig.lint.rules._literal.scan_literal"] = None
    assert links(document) == found
    assert _cited_in_body(document) == cited
    tree = document.literal_tree
    assert tree is not None
    body = [part for part in tree.getroot() if isinstance(part.tag, str) and part.tag != "header"]
    assert [
        (ln.sourceline, ln.get("url", "").strip()) for p in body for ln in p.iter("link")
    ] == hand
    for url, _, _ in found:
        if written(document, url[1:]):
            assert url[1:] in anchors(document)


# --- lead4 ---


@settings(max_examples=400)
@given(_joined_bytes([b"\n", b"x", b"</header>", b"<header>", b"\r\n"]), st.integers(1, 12))
def test_the_end_of_a_line_is_where_splitting_finds_it(raw: bytes, line: int) -> None:
    pieces = raw.split(b"\n", line)
    expected = len(raw) - len(pieces[-1]) - 1 if len(pieces) > line else None
    assert _end_of_line(raw, line, raw.find(b"</header>")) == expected


FACT_PIECES = [b"targetNamespace", b"targetnamespace", b"=", b" ", b"'", b'"', b"urn:x", b"]]>"]
FACT_PIECES += [b"<![CDATA[", b"<", b"<section1", b"<SECTION1", b"<section10", b">", b"topic"]
FACT_PIECES += [b"XMPP ", b"Registrar", b"REGISTRAR", b"Considerations", b"\n"]
FACT_PIECES += [
    b"<section1 topic='Registrar Considerations'",
    b"<SECTION1 TOPIC='REGISTRAR CONSIDERATIONS'",
]
FACT_PIECES += [b"targetNamespace='urn:x'", b"targetNamespace=']]>urn:x<![CDATA['"]


@settings(max_examples=500)
@given(_joined_bytes(FACT_PIECES), st.integers(min_value=0, max_value=120))
def test_literal_led_patterns_match_where_search_matches(raw: bytes, end: int) -> None:
    for pattern, literal in (
        (facts._RAW_TARGET, b"targetNamespace"),
        (facts.TARGET_NAMESPACE, b"targetNamespace"),
        (facts._REGISTRAR, b"<section1"),
    ):
        for bound in (None, end):
            found = facts.first_match(pattern, raw, literal, bound)
            expected = pattern.search(raw, 0, len(raw) if bound is None else bound)
            assert _span_and_groups(found) == _span_and_groups(expected)


def _span_and_groups(match: re.Match[bytes] | None) -> object:
    return (match.span(), match.groups()) if match else None


def test_the_registrar_section_is_a_lower_case_tag_with_a_topic_in_any_case() -> None:
    section = b"<section1 topic='%s'><p>urn:xmpp:a:0</p></section1>"
    for topic in (b"XMPP Registrar Considerations", b"registrar  CONSIDERATIONS"):
        assert facts.registrar_namespaces(section % topic, {}) == ["urn:xmpp:a:0"]
    assert facts.registrar_namespaces(section.upper(), {}) == []  # not a section1 element


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["A", "B", "b"])), max_size=8))
def test_the_section_of_a_line_is_the_last_one_started(sections: list[tuple[int, str]]) -> None:
    from lxml import etree

    from e2ee_sig.lint.rules.template import _section_of

    elements = []
    for number, title in sections:
        element = etree.Element("section2", topic=title)
        element.sourceline = number
        elements.append(element)
    starts = sorted(elements, key=lambda e: e.sourceline)
    lines = [e.sourceline for e in starts]
    plain = sorted((number, title) for number, title in sections)
    for at_line in range(8):
        expected = next((f" of '{t}'" for n, t in reversed(plain) if n <= at_line), "")
        assert _section_of(starts, lines, at_line) == expected


@settings(max_examples=300)
@given(st.text("abn-s", max_size=8), st.lists(st.text("abn-s", max_size=9), max_size=12))
def test_the_closest_anchor_is_what_difflib_finds_among_all(anchor: str, known: list[str]) -> None:
    import difflib

    expected = difflib.get_close_matches(anchor, known, n=1, cutoff=0.75)
    assert list(_closest.__wrapped__(anchor, tuple(known))) == expected


CITING = ["XEP-0030", "&xep0030;", "xep-0030.html", "RFC", " ", "\u00a0", "-", "3920", "7622"]
CITING += ["&rfc3920;", "rfc7622", "é", "x", "</header>", "0"]


def _cited_in_text(spec: str, body: str) -> bool | None:
    """REF002's test on the decoded body, as it was."""
    xep = re.search(r"XEP-(\d{4})", spec)
    if xep:
        number = xep.group(1)
        return f"&xep{number};" in body or f"XEP-{number}" in body or f"xep-{number}.html" in body
    rfc = re.search(r"RFC\s*-?\s*(\d+)", spec, re.I)
    if rfc is None or spec.strip().casefold() in {"xmpp core", "xmpp im"}:
        return None
    n = rfc.group(1)
    if n in ("6120", "6121"):
        return None
    return f"&rfc{n};" in body or bool(re.search(rf"RFC\s*-?\s*{n}\b", body)) or f"rfc{n}" in body


@settings(max_examples=400)
@given(
    st.sampled_from(["XEP-0030", "RFC 3920", "rfc 7622", "XMPP Core", "RFC 6120", "Other"]),
    _joined(CITING),
)
def test_a_dependency_is_found_cited_as_in_the_decoded_body(spec: str, text: str) -> None:
    raw = ("<header/>" + text).encode()
    start = max(raw.find(b"</header>"), 0)
    assert _cited(spec, raw, start) == _cited_in_text(spec, raw[start:].decode())


# --- sch5 ---
SCHEMA_TAGS = ["XMLSchema", "www.w3.org/2001/", "http://", "<xs:schema", "<schema", "xs:", "'"]
SCHEMA_TAGS += [" xmlns:xs='", " xmlns='", ">", "x", " ", "\n"]


@settings(max_examples=400)
@given(_joined(SCHEMA_TAGS))
def test_a_block_without_xmlschema_holds_no_schema_start(text: str) -> None:
    from e2ee_sig.xep.facts import schema_starts

    assert "XMLSchema" in text or schema_starts(text) == []


# --- sec5 ---
TITLE_PIECES = ["TODO", "ToDo", "tbd", "TBC", "FIXME", "FIXMEs", "x", "_", " ", "\n", "é", "-"]


@settings(max_examples=400)
@given(st.lists(_joined(TITLE_PIECES), max_size=6))
def test_placeholder_titles_are_found_by_one_search_over_the_joined_titles(
    titles: list[str],
) -> None:
    from e2ee_sig.lint.rules.template import PLACEHOLDER_TITLE

    joined = PLACEHOLDER_TITLE.search("\n".join(titles)) is not None
    assert joined == any(PLACEHOLDER_TITLE.search(title) for title in titles)


MARK = b"TODO"
VALUE_PIECES = [b"x", b" ", b">", b"/", b"=", MARK]
HIDDEN_PIECES = [*VALUE_PIECES, b"<", b"<a b='", b"'", b'"', b"]", b"-"]


def _attributes(quote: bytes) -> st.SearchStrategy[bytes]:
    other = b'"' if quote == b"'" else b"'"
    value = _joined_bytes([*VALUE_PIECES, other])
    return value.map(lambda v: b" b=" + quote + v + quote)


_MARKUP_PART = st.one_of(
    _joined_bytes([b"x", b" ", b">", b"'", b'"', MARK]).map(lambda t: (t, True)),
    _joined_bytes(HIDDEN_PIECES).map(lambda t: (b"<![CDATA[" + t + b"]]>", True)),
    _joined_bytes([p for p in HIDDEN_PIECES if p != b"-"]).map(
        lambda t: (b"<!-- " + t + b" -->", False)
    ),
    st.lists(st.one_of(_attributes(b"'"), _attributes(b'"')), max_size=3).map(
        lambda attributes: (b"<a" + b"".join(attributes) + b">", False)
    ),
    st.sampled_from([b"</a>", b"<br/>", b"<?pi x TODO?>"]).map(lambda t: (t, False)),
)


@settings(max_examples=500)
@given(st.lists(_MARKUP_PART, max_size=8))
def test_a_word_is_text_outside_tags_attribute_values_comments_and_pis(
    parts: list[tuple[bytes, bool]],
) -> None:
    from e2ee_sig.lint.rules.template import _in_text

    raw, expected = b"<xep>", []
    for part, in_text in parts:
        at = part.find(MARK)
        while at >= 0:
            expected.append((len(raw) + at, in_text))
            at = part.find(MARK, at + 1)
        raw += part
    assert [(at, _in_text(raw, at)) for at, _ in expected] == expected


@settings(max_examples=400)
@given(_joined_bytes([*SPELLINGS, b"REQUIRED", b"OPTIONAL", b".", b"2001-09-14", b"-", b"0"]))
def test_a_cue_of_capitals_is_in_the_file_only_if_in_its_capitals(raw: bytes) -> None:
    from e2ee_sig.lint.rules.template import _NOT_CAPITALS, LEFTOVER_CUES

    capitals = raw.translate(None, _NOT_CAPITALS)
    for cue in (*LEFTOVER_CUES, b"TODO", b"FIXME"):
        assert cue in capitals or cue not in raw
    for start in (0, 2):
        words = placeholder_words(raw, start, raw.lower())
        assert placeholder_words(raw, start, raw.lower(), capitals) == words


# --- lead5 ---


@settings(max_examples=300)
@given(_joined_bytes([b"\n", b"\r\n", b"\r", b"x", b"\xc3\xa9", b""]))
def test_line_offsets_are_where_each_newline_ends(raw: bytes) -> None:
    from e2ee_sig.xep.edit import line_offsets

    expected = [0, *(m.end() for m in re.finditer(rb"\n", raw))]
    assert list(line_offsets(raw)) == expected
    assert list(line_offsets(raw)) == expected  # (asked again: the same answer)


# --- exm5 ---
BLOCK_PIECES = [b"<example caption='a&amp;b'>", b"<code>", b"</example>", b"</code >", b"<code/>"]
BLOCK_PIECES += [b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<p>", b"x", b"&lt;", b"&ns;", b"&#x41;"]
BLOCK_PIECES += [b"&u;", b"&", b"\xc3\xa9", b"\xe2", b"<!DOCTYPE", b"<examples>", b">", b"\n"]


def _plainly_added(block: codeblocks.Block, text: str, raw_start: int, exact: bool) -> None:
    if text:
        block.pieces.append(codeblocks.Piece(len(block.text), raw_start, exact))
        block.text += text


def _plain_text(block: codeblocks.Block, raw: bytes, start: int, entities: dict[str, str]) -> None:
    """Character data added reference by reference, each offset counted from the start."""
    text = raw.decode("utf-8", "replace")
    block.has_markup = block.has_markup or "<" in text
    position = 0
    for reference in codeblocks._REFERENCE.finditer(text):
        plain = text[position : reference.start()]
        _plainly_added(block, plain, start + len(text[:position].encode()), True)
        name = reference.group(1)
        if name.startswith("#"):
            value = html.unescape(reference.group(0))
        else:
            value = codeblocks.PREDEFINED.get(name) or codeblocks._entity_text(
                entities.get(name, "\u2026")
            )
        _plainly_added(block, value, start + len(text[: reference.start()].encode()), False)
        position = reference.end()
    _plainly_added(block, text[position:], start + len(text[:position].encode()), True)


def _plain_blocks(raw: bytes, entities: dict[str, str]) -> list[codeblocks.Block]:
    """The blocks read token by token, as every token of :data:`codeblocks._TOKEN` says."""
    found: list[codeblocks.Block] = []
    current: codeblocks.Block | None = None
    last = 0
    for token in codeblocks._TOKEN.finditer(raw):
        if current is not None and token.start() > last:
            _plain_text(current, raw[last : token.start()], last, entities)
        last = token.end()
        if raw.startswith(b"<!--", token.start()):
            continue
        if token.start(1) >= 0:
            if current is not None:
                _plainly_added(current, token[1].decode("utf-8", "replace"), token.start(1), True)
        elif token.start(2) >= 0 and current is None:
            caption = codeblocks._caption(codeblocks._CAPTION.search(token[3]))
            found.append(codeblocks.Block(token[2].decode(), token.start(), caption))
            current = None if token[4] else found[-1]
        elif current is not None and token[5] == current.kind.encode():
            current = None
    return found


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(BLOCK_PIECES), max_size=12).map(b"".join))
@example(b"<code><![CDATA[x]]></example>&lt;</code><![CDATA[<example>]]><!-- <code> -->")
def test_blocks_are_read_as_the_tokens_one_by_one_read_them(raw: bytes) -> None:
    entities = {"ns": "urn:x", "u": "<b>"}
    assert codeblocks.read_blocks(raw, entities) == _plain_blocks(raw, entities)


# --- lnk5 ---
# The byte reading (lint/rules/_literal.py) and REF004 (references.py) find what the plain
# searches and patterns find.


@settings(max_examples=300)
@given(_joined_bytes([b"<", b"?", b"<?", b"x", b">"]), st.integers(0, 3))
def test_an_instruction_is_found_from_its_question_mark(masked: bytes, start: int) -> None:
    from e2ee_sig.lint.rules._literal import _instruction

    assert _instruction(masked, start) == (masked.find(b"<?", start) >= 0)


@settings(max_examples=400)
@given(_joined([".", "!", "?", " ", "\n", "\u00a0", "A", "a", "&", "<", "x. ", ". B", "&xep0001;"]))
def test_sentences_end_where_the_lookbehind_split_ends_them(text: str) -> None:
    from e2ee_sig.lint.rules.references import _sentence_at

    collapsed = " ".join(text.split())
    plain = re.compile(r"(?<=[.!?])\s+(?=[A-Z&<])").split(collapsed)
    expected = next((s for s in plain if "&xep0001;" in s), collapsed)
    assert _sentence_at(collapsed, collapsed.find("&xep0001;")) == expected


QUALIFYING = ["OLD", "old", "older", "bold", "Since", "\u017fince", "chang", "e", "s", " ", "x"]
QUALIFYING += ["no", "longer", "in favor of", "IN FAVOUR OF", "pa\u017ft", "past", "\u00e9", "_"]
QUALIFYING += ["\u212a", "\u0130", "Supersedes", "replaced", "REMOVED", "added", "History", "-"]


@settings(max_examples=500)
@given(_joined(QUALIFYING))
def test_a_qualified_sentence_is_found_as_the_pattern_finds_it(sentence: str) -> None:
    from e2ee_sig.lint.rules.references import _QUALIFIED, _qualified

    assert _qualified(sentence) == (_QUALIFIED.search(sentence) is not None)


# --- xsf5 ---


VERSION_PIECES = ["0", "1", "2", "10", "01", "00", ".", "\n", " ", "-n", "-e", "a", "1.0", "1.00"]


@settings(max_examples=500)
@given(_joined(VERSION_PIECES))
def test_dotted_versions_are_judged_as_the_sort_emulation_judges_them(found: str) -> None:
    from e2ee_sig.lint.rules.xsf_ci import descending_like_xsf_ci
    from e2ee_sig.versions import versions_descending_like_xsf_ci

    assert descending_like_xsf_ci(found) == versions_descending_like_xsf_ci(found)


HEADER_TEXT_PIECES = ["a", " ", "\n", "&amp;", "&lt;", "&gt;", "&#13;", "<!--c-->", "<?p x?>"]
HEADER_TEXT_PIECES += ["&e;", "<b>x</b>", "<b/>", "<b>&e;</b>"]


@settings(max_examples=300)
@given(st.lists(_joined(HEADER_TEXT_PIECES), min_size=1, max_size=3))
def test_official_values_are_the_escaped_text_nodes_joined(contents: list[str]) -> None:
    from e2ee_sig.xep.official import _ESCAPES, _value

    markup = "".join(f"<version>{content}</version>" for content in contents)
    document = f"<!DOCTYPE r [<!ENTITY e 'x'>]><r>{markup}</r>".encode()
    parser = etree.XMLParser(resolve_entities=False)
    elements = list(etree.fromstring(document, parser))
    nodes = [node.translate(_ESCAPES) for e in elements for node in e.xpath("text()") if node]
    assert _value(elements, has_cdata=False) == "\n".join(nodes).rstrip("\n")


REMARK_PIECES = ["TODO", "tbc", "lorem", "ipsum", " ipsum", "lor", "em", "x", ".", "…", "-"]
REMARK_PIECES += [" ", "\n", "<p>", "</p>", "<!--c-->", "ſ", "İ", "ı", "K"]


@settings(max_examples=500)
@given(_joined(REMARK_PIECES))
def test_a_placeholder_remark_is_never_skipped(markup: str) -> None:
    from e2ee_sig.lint.rules.revisions import PLACEHOLDER_REMARK, may_be_placeholder
    from e2ee_sig.xep.header import text_of

    try:
        element = etree.fromstring(f"<remark>{markup}</remark>")
    except etree.XMLSyntaxError:
        return
    if PLACEHOLDER_REMARK.fullmatch(prose(element)):
        assert may_be_placeholder(text_of(element).strip())


def test_lorem_ipsum_in_two_paragraphs_may_be_a_placeholder() -> None:
    from e2ee_sig.lint.rules.revisions import PLACEHOLDER_REMARK, may_be_placeholder
    from e2ee_sig.xep.header import text_of

    element = etree.fromstring("<remark><p>Lorem</p><p>ipsum</p></remark>")
    assert PLACEHOLDER_REMARK.fullmatch(prose(element))
    assert not PLACEHOLDER_REMARK.fullmatch(text_of(element))
    assert may_be_placeholder(text_of(element))


@settings(max_examples=300)
@given(_joined(["A", "b", "1", ".", "!", "?", " ", "\n", "(", "'", "é"]))
def test_an_abstract_with_one_full_stop_has_at_most_two_sentences(text: str) -> None:
    from e2ee_sig.lint.rules.header import _SENTENCE_END, normalise

    if sum(map(text.count, ".!?")) < 2:
        assert len(_SENTENCE_END.split(normalise(text))) <= 2


# --- cnt5 ---


@settings(max_examples=300, deadline=None)
@given(st.lists(LITERAL_BODY.map(lambda b: f"<section1 topic='T'>{b}</section1>"), max_size=3))
def test_an_entity_in_a_link_is_never_ruled_out(sections: list[str]) -> None:
    from e2ee_sig.lint.rules.content import _may_have_entity_in_link

    document = _literal_document(sections, "r")
    tree = document.literal_tree
    assert tree is not None
    if any(True for link in tree.getroot().iter("link") for _ in link.iter(etree.Entity)):
        assert _may_have_entity_in_link(document)


def _plain_bare_candidates(document: Document) -> set[str]:
    """CNT004's candidates as they were read: one search of the bytes per number."""
    raw = document.raw
    known = document.root.entities.declarations.keys() if document.root else frozenset()
    scan = scan_literal(document)
    cited = {name[3:].encode() for _, _, name in scan.references} if scan is not None else set()
    bounded = re.compile(rb"\bXEP-(\d{4})\b")
    return {
        number.decode()
        for number in set(bounded.findall(raw)) - cited
        if b"xep" + number in known and b"&xep" + number + b";" not in raw
    } - {document.header_value("number")}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(LITERAL_BODY.map(lambda b: f"<section1 topic='T'>{b}</section1>"), max_size=3),
    _joined(["XEP-0002", "XEP-0003", "xXEP-0002", "XEP-00021", "&xep0003;", "<!--", "-->", " "]),
)
def test_bare_mentions_are_the_numbers_and_places_a_search_per_number_finds(
    sections: list[str], remark: str
) -> None:
    from e2ee_sig.lint.rules.content import _bare_candidates

    document = _literal_document(sections, remark)
    candidates = _bare_candidates(document)
    assert set(candidates) == _plain_bare_candidates(document)
    for number, places in candidates.items():
        needle = re.compile(rb"\bXEP-" + number.encode() + rb"\b")
        assert places == [m.start() for m in needle.finditer(document.raw)]


TRUST_PIECES = ["fingerprint", "trust ", "model", "blind ", "tofu", "key ", "verification"]
TRUST_PIECES += ["verify ", "the ", "contact's ", "keys", "certificate ", "chain", "x.509", "x"]
TRUST_PIECES += ["pkix", "signed by a ", "issued by a ", "ca", "threat", "s", "attacker"]
TRUST_PIECES += ["adversaries", "not ", "does ", "provide", "protect", "out of ", "scope", "é"]
TRUST_PIECES += ["beyond ", "a", "_", "-", "outside "]


@settings(max_examples=500)
@given(_joined(TRUST_PIECES))
def test_threat_and_trust_words_are_found_from_their_starts_as_a_search_finds_them(
    text: str,
) -> None:
    for pattern, starts in (
        (e2ee._THREAT, e2ee._THREAT_STARTS),
        (e2ee._NOT_PROTECTED, e2ee._NOT_PROTECTED_STARTS),
        (e2ee._TRUST, e2ee._TRUST_STARTS),
    ):
        assert e2ee._found_from(pattern, text, starts) == (pattern.search(text) is not None)


OTHER_PIECES = ["established ", "other ", "existing ", "end-to-end ", "encryption ", "schemes"]
OTHER_PIECES += ["ENCRYPTION ", "Other ", "protocol", "mechanisms", "method", "x", " ", "ı", "ſ"]
OTHER_PIECES += ["another "]


@settings(max_examples=500)
@given(_joined(OTHER_PIECES))
def test_other_encryption_schemes_are_found_near_their_cues_as_a_search_finds_them(
    text: str,
) -> None:
    found = scope._USES_OTHER_ENCRYPTION.search(text) is not None
    assert scope._uses_other_encryption(_Body(text)) == found  # type: ignore[arg-type]


@settings(max_examples=500)
@given(_joined(["urn:xmpp:", "omemo", "OMEMO", "jingle", ":jet", ":", "-", "x", "2", "sce", "ß"]))
def test_a_family_namespace_of_the_shortname_has_a_shortname_of_a_family(namespace: str) -> None:
    from e2ee_sig.xep.query import _stem

    if scope._NAMESPACE.match(namespace) and _stem(namespace):
        assert _stem(namespace).startswith(scope._FAMILY_STEMS)


@settings(max_examples=500)
@given(_joined([*PRIMITIVE_PIECES, "Messaging ", "Security", "\n", "\u00a0", "Layer "]))
def test_a_primitive_named_in_a_text_may_be_named(text: str) -> None:
    for primitive in e2ee.PRIMITIVES:
        if primitive[2].search(text):
            assert e2ee._may_name(_Body(text), primitive)  # type: ignore[arg-type]


SECRET_PIECES = ["<", ">", "/>", "priv", "PRIV", "Secret", "secret", "key", "=", "'", '"', " "]
SECRET_PIECES += ["x", "ab12", "-", ":", "_", "ſ", "é", "\n", "<private>", "v=", "a1b2c3d4e5"]


@settings(max_examples=500)
@given(_joined(SECRET_PIECES))
def test_secret_values_are_found_from_their_names_as_a_scan_finds_them(text: str) -> None:
    expected = [(m.span(), m.groups()) for m in e2ee._SECRET_VALUE.finditer(text)]
    assert [(m.span(), m.groups()) for m in e2ee._secret_values(text)] == expected


def test_header_facts_come_from_the_header_only() -> None:
    body = b"<![CDATA[<status>Draft</status><supersededby><spec>XEP-0002</spec></supersededby>]]>"
    raw = b"<xep><header><number>0001</number></header><section1>%s</section1></xep>" % body
    read = facts.read_facts(raw, "xep-0001.xml")
    assert (read.number, read.status, read.superseded_by) == ("0001", "", "")
    without_end = facts.read_facts(b"<xep><header><status>Final</status>", "xep-0001.xml")
    assert without_end.status == "Final"


def test_the_header_ends_at_its_end_tag_outside_cdata_and_the_doctype() -> None:
    header = b"<header><abstract><![CDATA[</header>]]></abstract><number>0027</number></header>"
    doctype = b"<!DOCTYPE xep [<!ENTITY e '</header>'>]>"
    for raw in (b"<xep>" + header, doctype + b"<xep>" + header):
        assert facts.read_facts(raw, "xep-0027.xml").number == "0027"
    unclosed = b"<xep><header><![CDATA[</header><number>1</number>"
    assert facts.read_facts(unclosed, "xep-0001.xml").number == "1"  # the whole text


# --- blk6 ---
# Examples checked together without a tree (a document with no schema) are judged as when
# checked together with one: namespace errors are only logged, xml:id values not checked there.
NO_TREE_FRAGMENTS = [*FRAGMENTS, "<f xml:id='1x'/>", "<g xmlns:p=''/>", "<p:h/>", "<i xmlns='r'/>"]


def _judged(texts: list[str], trees: bool) -> tuple[list[tuple[object, ...]], list[str]]:
    fragments._OUTCOMES.clear()
    outcomes, parsed = fragments.check_all(texts, trees=trees)
    fragments._OUTCOMES.clear()
    return [(o.xml, o.issue, o.blanks, o.strict_text) for o in outcomes], list(parsed)


@settings(max_examples=300, deadline=None)
@given(st.lists(_joined(NO_TREE_FRAGMENTS), max_size=6))
def test_examples_checked_together_without_a_tree_are_judged_as_with_one(texts: list[str]) -> None:
    without, parsed = _judged(texts, trees=False)
    assert without == _judged(texts, trees=True)[0]
    assert all("xml:id" in text for text in parsed)  # (the tree's parser checks those)


@settings(max_examples=1000)
@given(
    st.lists(st.sampled_from([*BLOCK_PIECES, b"&#160;", b"&lt;&lt;", b"&\xc3\xa9;"]), max_size=12)
)
def test_references_are_read_as_one_by_one_with_each_offset_counted(parts: list[bytes]) -> None:
    raw = b"<code>" + b"".join(parts).replace(b"</code", b"") + b"</code>"
    entities = {"ns": "urn:x", "u": "<b>", "\u00e9": "e"}
    assert codeblocks.read_blocks(raw, entities) == _plain_blocks(raw, entities)


# --- sch6 ---
EXAMPLE_NAMESPACES = ["urn:x", "urn:y", "urn: x", "jabber:client", "urn:x:1"]
EXAMPLE_TAGS = ["a", "p:b", "stream:c", "db:d"]
EXAMPLE_XMLNS = ["", " xmlns='urn:x'", " xmlns:p='urn:x'", " xmlns='urn:y'", " xmlns:p='urn:y'"]
EXAMPLE_XMLNS += [" xmlns='urn:&#120;'", " xmlns:p='urn:&amp;x'", " xmlns='urn:\tx'"]
EXAMPLE_XMLNS += [" xmlns='urn: x'", " xmlns='jabber:client'", " xmlns:p='jabber:client'"]
EXAMPLE_XMLNS += [" xmlns='urn:x:1'", " xmlns:p='urn:x:1'"]
_EXAMPLE_START = st.tuples(st.sampled_from(EXAMPLE_TAGS), st.sampled_from(EXAMPLE_XMLNS))
_EXAMPLE_ELEMENT = st.recursive(
    _EXAMPLE_START.map(lambda start: f"<{start[0]}{start[1]}/>"),
    lambda inner: st.tuples(_EXAMPLE_START, st.lists(inner, max_size=3)).map(
        lambda parts: f"<{''.join(parts[0])}>{''.join(parts[1])}</{parts[0][0]}>"
    ),
    max_leaves=8,
)


@settings(max_examples=400)
@given(st.lists(_EXAMPLE_ELEMENT, min_size=1, max_size=3).map("\n".join))
def test_the_subtrees_in_some_namespaces_are_the_subtrees_in_them(text: str) -> None:
    from itertools import permutations

    from e2ee_sig.lint.rules import validation

    try:
        wrapper = fragments.parse_strictly(text)
    except etree.XMLSyntaxError:
        return  # an undeclared prefix
    every = validation._SUBTREE_ROOTS(wrapper)
    for count in (1, 2):
        for namespaces in permutations(EXAMPLE_NAMESPACES, count):
            expected = [node for node in every if validation._namespace(node) in namespaces]
            assert validation._roots_in(namespaces)(wrapper) == expected
            assert not expected or any(validation.may_hold(text, ns) for ns in namespaces)


# --- lit6 ---
# The byte reading's masking and tag patterns (lint/rules/_literal.py), and CNT006's markup
# test before the entity-kept tree (lint/rules/content.py), find what the plain versions find.

BANG_MARKUP = [b"<!", b"!", b"<", b"--", b"-->", b"<!-->", b"[CDATA[", b"<![CDATA[", b"]", b"]]"]
BANG_MARKUP += [b"]]>", b">", b"x", b"\n", b"<!DOCTYPE", b"<!-- a ]]> -->", b"<![CDATA[ --> ]]>"]


@settings(max_examples=600)
@given(_joined_bytes(BANG_MARKUP))
def test_comments_and_cdata_are_masked_from_each_bang_as_a_lazy_regex_finds_them(
    raw: bytes,
) -> None:
    from e2ee_sig.lint.rules._literal import cdata_end

    lazy = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)
    assert masked_bytes(raw) == lazy.sub(lambda m: b" " * len(m.group()), raw)
    for start in range(len(raw) + 1):
        assert cdata_end(raw, start) == raw.find(b"]]>", start)


TAG_PIECES = ["<", "</", "link", "p", " ", "\n", "url=", "'", '"', "#a", ">", "/", "=", "x"]


@settings(max_examples=600)
@given(_joined(TAG_PIECES))
def test_tags_are_matched_as_the_pattern_with_one_alternation_per_byte_matches_them(
    text: str,
) -> None:
    from e2ee_sig.lint.rules._literal import _TAG
    from e2ee_sig.lint.rules.content import _LINK_OPEN

    plain_tag = re.compile(rb"""<(/?)([^\s/>]+)(?:[^>'"]|'[^']*'|"[^"]*")*>""")
    plain_link = re.compile(rb"""<link(?:\s(?:[^>'"]|'[^']*'|"[^"]*")*)?>""")
    raw = text.encode()
    for at in range(len(raw)):
        for fast, plain in ((_TAG, plain_tag), (_LINK_OPEN, plain_link)):
            expected = plain.match(raw, at)
            found = fast.match(raw, at)
            assert (found and (found.span(), found.groups())) == (
                expected and (expected.span(), expected.groups())
            )


def _plain_entities_in_links(document: Document) -> list[tuple[str, int, int]]:
    """CNT006's markup entities in links, read from the entity-kept tree with no byte test."""
    from e2ee_sig.lint.rules.content import _markup
    from e2ee_sig.xep.query import line

    tree = document.literal_tree
    assert tree is not None
    declarations = document.root.entities.declarations if document.root else {}
    return [
        (entity.name, entity.sourceline or line(link), line(link))
        for link in tree.getroot().iter("link")
        for entity in link.iter(etree.Entity)
        if _markup(entity.name, declarations)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(LITERAL_BODY.map(lambda b: f"<section1 topic='T'>{b}</section1>"), max_size=3))
def test_markup_entities_in_links_are_what_the_entity_kept_tree_holds(
    sections: list[str],
) -> None:
    from e2ee_sig.lint.rules.content import _entities_in_links

    document = _literal_document(sections, "r")
    assert _entities_in_links(document) == _plain_entities_in_links(document)


def test_a_file_past_the_line_limit_is_not_read_from_the_bytes() -> None:
    from e2ee_sig.xep.parsers import LINE_LIMIT

    base = make_xep(sections="<section1 topic='T'><p>&xep0001;PAD</p></section1>")
    for padding, readable in ((LINE_LIMIT - 2, True), (LINE_LIMIT - 1, False)):
        text = base.replace("PAD", "\n" * (padding - base.count("\n")))
        document = parse_bytes(
            text.encode(), LITERAL_ROOT / "xep-0999.xml", "xep-0999.xml", root_at(LITERAL_ROOT)
        )
        assert text.count("\n") == padding
        assert document.tree is not None and not document.parse_errors
        assert (scan_literal(document) is not None) is readable


# --- sec6 ---
NAMING_PIECES = ["HKDF", "HK", "DF", "X25519", "Curve", "25519", "Ed25519", "XEdDSA", "AES", " "]
NAMING_PIECES += ["ChaCha20", "Poly1305", "Double", "Ratchet", "X3DH", "MLS", "Messaging ", "x"]
NAMING_PIECES += ["Layer ", "Security", "OpenPGP", "SHA-", "256", "\u00a0", "<![CDATA[", "]]>"]
NAMING_PIECES += ["<!-- AES -->", "<em>", "</em>", "<p>", "</p>", "<li>", "</li>", "<td>", "</td>"]
NAMING_PIECES += ["<p>HKDF</p>", "<td>AES</td>", "<li>MLS</li>", "<p>X3DH<em>AES</em></p>"]
NAMING_PIECES += ["<?pi HKDF?>", "&#65;ES", "</section1><section1 topic='b'>", "<section2>"]


def _naming_document(body: str) -> Document | None:
    sections = f"<section1 topic='a' anchor='a'>{body}</section1>"
    raw = make_xep(sections=sections).encode()
    document = parse_bytes(raw, Path("xep-0999.xml"), "xep-0999.xml", None)
    return document if document.xml_root is not None else None


@settings(max_examples=400, deadline=None)
@given(_joined(NAMING_PIECES))
def test_the_first_paragraph_naming_a_primitive_is_found_among_those_holding_its_words(
    body: str,
) -> None:
    document = _naming_document(body)
    if document is None:
        return  # not well-formed
    root = document.xml_root
    assert root is not None
    paragraphs = [p for s in root.iterchildren("section1") for p in s.iter("p", "li", "td")]
    for primitive in e2ee.PRIMITIVES:
        pattern = primitive[2]
        plain = next((p for p in paragraphs if pattern.search(prose(p))), None)
        assert e2ee._first_naming(document, primitive) is plain


@settings(max_examples=400, deadline=None)
@given(_joined(["x", " ", "<![CDATA[y]]>", "<![CDATA[]]>", "<!--c-->", "<?p i?>", "&#65;", "<b/>"]))
def test_a_citation_text_is_the_joined_text_iterator(text: str) -> None:
    element = etree.fromstring(f"<link>{text}</link>", etree.XMLParser(strip_cdata=False))
    assert e2ee._joined_text(element) == " ".join(element.itertext())


@settings(max_examples=300)
@given(_joined(["TODO", "TBD", "tbd", "FIXME", "tbc", "TBC", "T", "x", " ", "\n", "_", "ſ"]))
def test_a_placeholder_title_holds_one_of_the_words(joined: str) -> None:
    from e2ee_sig.lint.rules.template import PLACEHOLDER_TITLE, PLACEHOLDER_TITLE_WORDS

    if PLACEHOLDER_TITLE.search(joined):
        assert any(word in joined for word in PLACEHOLDER_TITLE_WORDS)


@settings(max_examples=300)
@given(st.lists(_joined(["XEP ", "xep ", " ", "\t", "Styling ", "ſtyling ", "Examples", "x"])))
def test_a_styling_title_is_in_the_joined_titles_case_folded(titles: list[str]) -> None:
    from e2ee_sig.lint.rules.template import STYLING_TOPIC

    if any(title.lstrip().casefold().startswith(STYLING_TOPIC) for title in titles):
        assert STYLING_TOPIC in "\n".join(titles).casefold()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "a", "b", " a", "a\u00a0"]), min_size=1, max_size=5))
def test_sections_with_anchors_all_their_own_have_no_anchor_finding(anchors: list[str]) -> None:
    from e2ee_sig.lint.context import LintContext
    from e2ee_sig.lint.rules.template import anchors as anchor_rule

    sections = "".join(
        f"<section1 topic='t{n}' anchor='{a}'><p>x</p></section1>" for n, a in enumerate(anchors)
    )
    raw = make_xep(sections=sections).encode()
    document = parse_bytes(raw, Path("xep-0999.xml"), "xep-0999.xml", None)
    stripped = [a.strip() for a in anchors]
    own = all(stripped) and len(set(stripped)) == len(stripped)
    assert (list(anchor_rule(document, LintContext())) == []) == own


@settings(max_examples=300)
@given(
    st.sampled_from(["XEP-0030", "XEP-0001", "RFC 3920", "XMPP Core", "Other"]),
    _joined(CITING),
)
def test_a_dependency_referenced_in_the_body_is_cited(spec: str, text: str) -> None:
    raw = ("<header/>" + text).encode()
    start = max(raw.find(b"</header>"), 0)
    referenced = {m.group(1).decode() for m in re.finditer(rb"&(\w+);", raw[start:])}
    assert _cited(spec, raw, start, referenced) == _cited(spec, raw, start)


LONG_INLINE = ["\xa0" * 40, "x" * 40, "<!---->", "<![CDATA[REQUIRED.]]>", "<?pi?>", "REQUIRED."]
LONG_INLINE += ["OPTIONAL.", " ", "<b/>", "REQUIRED for protocol specifications."]


@settings(max_examples=400)
@given(st.lists(_joined(LONG_INLINE), max_size=4))
@example(["<!---->REQUIRED." + "\xa0" * 80])
@example(["REQUIRED." + "\xa0" * 80, "<?pi?>OPTIONAL." + "\xa0" * 80])
def test_a_long_placeholder_candidate_is_kept_when_its_text_may_be_short(texts: list[str]) -> None:
    from e2ee_sig.lint.rules.template import (
        PLACEHOLDER_PARAGRAPHS,
        _maybe_placeholders,
        _short_plain,
    )

    parser = etree.XMLParser(strip_cdata=False)
    paragraphs = "".join(f"<p>{text}</p>" for text in texts)
    section = etree.fromstring(f"<xep><section1>{paragraphs}</section1></xep>", parser)[0]
    candidates = list(_maybe_placeholders(section))
    for paragraph in section.iter("p"):
        if _short_plain(paragraph) and prose(paragraph) in PLACEHOLDER_PARAGRAPHS:
            assert paragraph in candidates


@settings(max_examples=300)
@given(_joined(["MUST", "SHALL", "REQUIRED", "NOT", " ", "\n", "x", "_", "MUS", "T", "é"]))
def test_a_normative_sentence_is_found_as_the_pattern_finds_it(sentence: str) -> None:
    from e2ee_sig.lint.rules.references import _NORMATIVE, _normative

    assert _normative(sentence) == (_NORMATIVE.search(sentence) is not None)


# --- hdr6 ---
NAME_PIECES = ["xep-", "0", "9", "12", "\u0661", "\uff10", ".xml", ".XML", "x", "-", ".", "\n"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_joined(NAME_PIECES), st.booleans()), max_size=6))
def test_the_highest_number_comes_from_the_names_the_glob_matches(
    entries: list[tuple[str, bool]],
) -> None:
    import tempfile

    from e2ee_sig.lint.rules.header import NO_XEPS, _last_number

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, is_folder in entries:
            path = root / name
            if not name.strip(".") or path.exists():
                continue
            if is_folder:
                path.mkdir()
            else:
                path.touch()
        globbed = (p.name[4:8] for p in root.glob("xep-[0-9][0-9][0-9][0-9].xml"))
        assert _last_number.__wrapped__(root) == max(globbed, default=NO_XEPS)


@settings(max_examples=300)
@given(_joined(["0", "1", "2", ".", "rc", "r", "c", "RC", "-", "x"]))
def test_a_release_candidate_version_holds_rc(version: str) -> None:
    if history.LEGACY_RC.fullmatch(version):
        assert "rc" in version


@settings(max_examples=100)
@given(
    st.lists(st.sampled_from(["<revision/>", "<!--c-->", "<author/>", "<revision><v/></revision>"]))
)
def test_the_top_revision_is_the_first_of_the_revisions(children: list[str]) -> None:
    from e2ee_sig.xep.header import Header

    element = etree.fromstring(f"<header>{''.join(children)}</header>")
    top_first, revisions_first = Header(element), Header(element)
    top = top_first.top_revision
    assert top_first.revisions[:1] == ([top] if top is not None else [])
    revisions = revisions_first.revisions
    assert [r.element for r in revisions] == element.findall("revision")
    assert revisions_first.top_revision is (revisions[0] if revisions else None)


# --- lead7 ---
_LANDMARK_TAGS = ["section1", "section2", "section3", "section5", "section6", "example", "code"]
_LANDMARK_TREES = st.recursive(
    st.sampled_from([*_LANDMARK_TAGS, "p"]).map(lambda tag: f"<{tag}/>"),
    lambda inner: st.tuples(st.sampled_from([*_LANDMARK_TAGS, "p", "div"]), st.lists(inner)).map(
        lambda pair: f"<{pair[0]}>{''.join(pair[1])}</{pair[0]}>"
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LANDMARK_TREES, max_size=6))
def test_sections_and_blocks_read_in_one_walk_are_each_walk_s(parts: list[str]) -> None:
    from e2ee_sig.xep import query

    raw = f"<xep><header/>{''.join(parts)}</xep>".encode()
    document = parse_bytes(raw, Path("xep-0001.xml"), "xep-0001.xml", None)
    root = document.xml_root
    assert root is not None
    assert query.all_sections(document) == tuple(root.iter(*query.SECTION_TAGS))
    for level in range(1, 7):
        assert query.sections(document, level) == list(root.iter(f"section{level}"))
    assert query.code_blocks(document) == list(root.iter("example", "code"))


def test_the_accepted_protoxep_rule_runs_once_per_document() -> None:
    from e2ee_sig.lint.engine import LintOptions, lint_context, lint_document
    from e2ee_sig.lint.model import Severity
    from e2ee_sig.lint.registry import Rule

    calls: list[str] = []

    def counted(document: Document, context: object) -> list[object]:
        calls.append(document.display)
        return []

    rules = {"XEP006": Rule("XEP006", "accepted-protoxep", Severity.WARNING, counted)}
    raw = make_xep().encode()
    document = parse_bytes(raw, Path("inbox/x.xml"), "inbox/x.xml", None)
    lint_document(document, rules, lint_context(LintOptions(), rules))
    assert calls == ["inbox/x.xml"]


# --- lit7 ---
NUMBERED_PIECES = ["<example/>", "<table/>", "<x:example/>", "<example xmlns='u'/>", "<!--c-->"]
NUMBERED_PIECES += ["<p>", "</p>", "<?pi x?>", "t"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NUMBERED_PIECES), max_size=8))
def test_examples_and_tables_are_counted_as_xpath_counts_them(pieces: list[str]) -> None:
    from e2ee_sig.xep.query import numbered_counts

    try:
        root = etree.fromstring(f"<r xmlns:x='v'>{''.join(pieces)}</r>")
    except etree.XMLSyntaxError:
        return  # (unbalanced <p>)
    document = Document(Path("x.xml"), "x.xml", b"", tree=root.getroottree())
    examples, tables = numbered_counts(document)
    assert examples == etree.XPath("count(//example)")(root)
    assert tables == etree.XPath("count(//table)")(root)


def test_the_line_limit_is_found_from_the_last_reference_as_from_the_whole_file() -> None:
    from e2ee_sig.xep.parsers import LINE_LIMIT

    base = make_xep(sections="<section1 topic='T'><p>PAD&xep0001;\n\n</p></section1>")
    for padding, readable in ((LINE_LIMIT - 2, True), (LINE_LIMIT - 1, False)):
        text = base.replace("PAD", "\n" * (padding - base.count("\n")))
        document = parse_bytes(
            text.encode(), LITERAL_ROOT / "xep-0999.xml", "xep-0999.xml", root_at(LITERAL_ROOT)
        )
        assert text.count("\n") == padding
        assert document.tree is not None and not document.parse_errors
        assert (scan_literal(document) is not None) is readable


# --- sch7 ---
SCHEMA_TAGS = ["xs:element", "xs:complexType", "xs:sequence", "xs:choice", "xs:simpleType"]
SCHEMA_TAGS += ["xs:annotation", "xs:documentation", "xs:restriction", "xs:attribute", "b"]
SCHEMA_TAGS += ["xs:import", "xs:include", "redefine"]
SCHEMA_ATTRIBUTES = [
    "",
    " namespace='urn:x'",
    " name='e'",
    " name='f' type='xs:string'",
    " base='xs:string'",
]
SCHEMA_ATTRIBUTES += [" xml:space='preserve'", " xml:space='default'", " xml:space='x'"]
SCHEMA_ATTRIBUTES += [" name='g' xml:space='preserve'", " value='1'", " type='t'"]
SCHEMA_TEXT = [" ", "\n", "\t", "\r\n", "x", "&#32;", "&#x9;", "&amp;", "<?pi x?>", "<xs:any/>"]
SCHEMA_TEXT += ["<!-- c -->", "<![CDATA[ ]]>", "<![CDATA[x]]>"]
_SCHEMA_START = st.tuples(st.sampled_from(SCHEMA_TAGS), st.sampled_from(SCHEMA_ATTRIBUTES))
_SCHEMA_ELEMENT = st.recursive(
    st.one_of(
        st.sampled_from(SCHEMA_TEXT), _SCHEMA_START.map(lambda start: f"<{''.join(start)}/>")
    ),
    lambda inner: st.tuples(_SCHEMA_START, st.lists(inner, max_size=4)).map(
        lambda parts: f"<{''.join(parts[0])}>{''.join(parts[1])}</{parts[0][0]}>"
    ),
    max_leaves=12,
)
SCHEMA_INSTANCES = [b"<e>x</e>", b"<e/>", b"<f> y </f>", b"<g><f>z</f></g>", b"<e><f/></e>"]


@settings(max_examples=500)
@given(
    st.lists(_SCHEMA_ELEMENT, max_size=4).map("".join),
    st.sampled_from(["", " xml:space='preserve'", " xml:space='default'"]),
)
@example("<xs:sequence>\n<!-- c -->x</xs:sequence>", "")
@example("<b>\n<![CDATA[x]]></b>", "")
@example("<b>\n<x</b>", "")
@example("<b>\n&x;</b>", "")
@example("<xs:element> \r\n&amp;</xs:element>", "")  # (a blank run before a reference)
def test_a_schema_parsed_without_blank_text_compiles_and_validates_as_with_it(
    body: str, space: str
) -> None:
    from e2ee_sig.lint.rules import schemas
    from e2ee_sig.lint.rules._codeblocks import Block

    text = f"<?xml version='1.0'?>\n{SCHEMA_START[:-1]}{space}>{body}\n</xs:schema>"
    part = schemas.SchemaPart(Block("code", 0, "", text), 0, len(text))
    schemas._parse(part, [])
    try:
        with_blanks = etree.fromstring(text.encode(), schemas._shared_parser())
    except etree.XMLSyntaxError as error:
        assert part.tree is None and part.error is not None
        assert part.error[1] == schemas._clean(str(error.msg))
        return
    assert part.tree is not None and part.error is None
    references = next(schemas._references(part.tree), None) is not None
    assert part.names_other_schemas == references
    assert etree.tostring(_without_blank_text(part.tree)) == etree.tostring(
        _without_blank_text(with_blanks)
    )
    assert _compiled_outcome(part.tree) == _compiled_outcome(with_blanks)


def _without_blank_text(tree: etree._Element) -> etree._Element:
    """A copy of ``tree`` without the white space text XMLSchema drops before it reads a
    schema (libxml2's ``xmlSchemaCleanupDoc``: all of it, except under xml:space='preserve')."""
    tree = copy.deepcopy(tree)
    for element in tree.iter(etree.Element):
        if _xml_space(element) == "preserve":
            continue
        if element.text is not None and not element.text.strip(" \t\r\n"):
            element.text = None
        for child in element:
            if child.tail is not None and not child.tail.strip(" \t\r\n"):
                child.tail = None
    return tree


def _xml_space(element: etree._Element) -> str | None:
    """The xml:space value in force at ``element`` (libxml2's ``xmlNodeGetSpacePreserve``)."""
    for holder in (element, *element.iterancestors()):
        value = holder.get("{http://www.w3.org/XML/1998/namespace}space")
        if value in ("preserve", "default"):
            return value
    return None


def _compiled_outcome(tree: etree._Element) -> object:
    """What compiling ``tree`` gives: the errors, or how each instance validates."""
    try:
        schema = etree.XMLSchema(tree)
    except etree.XMLSchemaParseError as error:
        return [(e.line, e.message) for e in error.error_log]
    outcome = []
    for instance in SCHEMA_INSTANCES:
        valid = schema.validate(etree.fromstring(instance))
        outcome.append((valid, [(e.line, e.message) for e in schema.error_log]))
    return outcome


SCHEMA_START_PIECES = ["<", "</", "xs:", "a.b-c:", "schema", "schemas", " ", "\n", ">", "'", "é"]
SCHEMA_START_PIECES += ["www.w3.org/2001/XMLSchema", "http://www.w3.org/2001/XMLSchema'", "x"]
SCHEMA_START_PIECES += [SCHEMA_START, "</xs:schema>", "<schema:schema "]


@settings(max_examples=600)
@given(_joined(SCHEMA_START_PIECES))
def test_every_schema_start_is_each_start_the_pattern_finds(text: str) -> None:
    from e2ee_sig.lint.rules.schemas import every_schema_start
    from e2ee_sig.xep.facts import schema_starts

    assert every_schema_start(text) == schema_starts(text)


# --- hdr7 ---
@settings(max_examples=300)
@given(
    st.lists(
        st.sampled_from(
            [
                "<date>2001-09-14</date>",
                "<date> 2001-09-14\n</date>",
                "<date>2001<!--c-->-09-14</date>",
                "<date>2001-<b>09</b>-14</date>",
                "<date>2001-09-15</date>",
                "<date/>",
                "<initials>psa</initials>",
                "<initials>ps<?pi x?>a</initials>",
                "<initials>psb</initials>",
                "<n:date xmlns:n='urn:n'>2001-09-14</n:date>",
                "<?date 2001-09-14?>",
                "<!--date-->",
                "<version>1</version>",
            ]
        ),
        max_size=6,
    )
)
def test_a_revision_s_first_value_is_its_field_s_value(children: list[str]) -> None:
    from e2ee_sig.xep.header import Revision, first_value

    element = etree.fromstring(f"<revision>{''.join(children)}</revision>")
    revision = Revision(element)
    for tag in ("date", "initials", "version"):
        field = getattr(revision, tag)
        assert first_value(element, tag) == (field.value if field is not None else None)


@settings(max_examples=400)
@given(_joined_bytes([*SPELLINGS, b"XEP-0001", b"XEP-XXXX", b"XEP-xX", b"-"]), st.integers(0, 3))
@example(b"XEP-XXXX", 0)
@example(b" XEP-xxxx", 0)
def test_no_unnumbered_xep_without_its_start_in_the_capitals(raw: bytes, start: int) -> None:
    from e2ee_sig.lint.rules.template import _NOT_CAPITALS, unnumbered_xeps

    capitals = raw.translate(None, _NOT_CAPITALS)
    expected = unnumbered_xeps(raw, start, raw.lower())
    assert unnumbered_xeps(raw, start, raw.lower(), capitals) == expected


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(
            [
                "<version>1</version>",
                "<version/>",
                "<date/>",
                "<!--version-->",
                "<?version?>",
                "<n:version xmlns:n='urn:n'/>",
                "<v>x</v>",
                "text",
            ]
        ),
        max_size=5,
    )
)
def test_a_revision_s_first_version_is_the_tag_filter_s(children: list[str]) -> None:
    element = etree.fromstring(f"<revision>{''.join(children)}</revision>")
    assert history._first_version(element) is next(element.iterchildren("version"), None)


# --- sec7 ---
XEP_CITING = [b"XEP-", b"&xep", b"xep-", b"0030", b"003", b"0", b";", b".html", b".htm", b"x"]


@settings(max_examples=400)
@given(_joined_bytes(XEP_CITING), st.integers(min_value=0, max_value=12))
def test_a_xep_is_found_cited_from_the_places_of_its_number(raw: bytes, start: int) -> None:
    from e2ee_sig.lint.rules.references import _xep_cited

    needles = (b"&xep0030;", b"XEP-0030", b"xep-0030.html")
    expected = any(raw.find(needle, start) >= 0 for needle in needles)
    assert _xep_cited(raw, start, b"0030") == expected


@settings(max_examples=400)
@given(_joined(["s", "S", "\u017f", "chema", "CHEMA", "c", "\u216d", "hema", "Schemas", " ", "x"]))
def test_a_schema_topic_is_found_after_a_literal_search(name: str) -> None:
    from e2ee_sig.lint.rules.sections import SCHEMA_TOPIC, _schema_topic

    assert _schema_topic(name) == (SCHEMA_TOPIC.search(name) is not None)


@settings(max_examples=300)
@given(
    st.lists(
        _joined(["xmlns", "xmlns:a", "='", "'", '"', "urn:x", " urn:x", "urn:y ", " ", "=", "a"]),
        max_size=4,
    )
)
def test_declared_namespaces_are_read_in_order_of_first_use(texts: list[str]) -> None:
    from e2ee_sig.lint.rules.references import _XMLNS, _first_declaration

    first: dict[str, tuple[int, int]] = {}  # what REF004 read match by match before
    for block, text in enumerate(texts):
        for match in _declarations(text):
            first.setdefault(match.group(2).strip(), (block, match.start(2)))
    blocks = list(enumerate(texts))
    declared = dict.fromkeys(value for _, text in blocks for _, value in _XMLNS.findall(text))
    namespaces = list(dict.fromkeys(value.strip() for value in declared))
    assert namespaces == list(first)
    assert [_first_declaration(blocks, n) for n in namespaces] == list(first.values())  # type: ignore[arg-type]


# --- blk7 ---
# A block's start tag is read with a possessive loop over its attributes: the same spans and
# groups as the lazy ``[^>]*?`` it replaces, with slashes anywhere in the attributes.
START_TAG_PIECES = [b"<example", b"<code", b" ", b"a='", b"'", b"/", b"/>", b">", b"x", b"\n"]
START_TAG_PIECES += [b"</code>", b"<![CDATA[", b"]]>", b"<!--", b"-->"]


@settings(max_examples=500)
@given(_joined_bytes(START_TAG_PIECES))
def test_start_tags_are_read_as_the_lazy_regex_reads_them(raw: bytes) -> None:
    lazy = re.compile(
        rb"<!--[^-]*(?:-(?!->)[^-]*)*-->|<!\[CDATA\[([^\]]*(?:\](?!\]>)[^\]]*)*)\]\]>"
        rb"|<(example|code)\b([^>]*?)(/?)>|</(example|code)\s*>"
    )
    for at in range(len(raw)):
        expected = lazy.match(raw, at)
        found = codeblocks._TOKEN.match(raw, at)
        assert (found and (found.span(), found.groups())) == (
            expected and (expected.span(), expected.groups())
        )


def _together_and_alone(
    texts: list[str], trees: bool
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], dict[str, etree._Element]]:
    """The outcomes of ``texts`` checked together and each checked alone (nothing remembered
    from one to the other), and the elements the check together kept."""
    fragments._OUTCOMES.clear()
    outcomes, parsed = fragments.check_all(texts, trees=trees)
    fragments._OUTCOMES.clear()
    alone = [fragments.check(text) for text in texts]
    fragments._OUTCOMES.clear()
    return (
        [(o.xml, o.issue, o.blanks, o.strict_text) for o in outcomes],
        [(o.xml, o.issue, o.blanks, o.strict_text) for o in alone],
        parsed,
    )


# Examples that a failed parse together did not take are parsed once each: the outcomes are
# those of checking each alone, and each element kept holds the text's own strict parse.
ALONE_FRAGMENTS = [*NO_TREE_FRAGMENTS, "<a><b></a>", "</z>"]


@settings(max_examples=300, deadline=None)
@given(st.lists(_joined(ALONE_FRAGMENTS), max_size=8), st.booleans())
def test_examples_after_a_bad_one_are_judged_as_alone(texts: list[str], trees: bool) -> None:
    texts = ["<a><b></a>", *texts]  # (the parse together fails in its first part)
    together, alone, parsed = _together_and_alone(texts, trees)
    assert together == alone
    for text, element in parsed.items():
        assert trees or "xml:id" in text
        own = fragments.parse_strictly(text)
        assert element.sourceline == 1
        assert [(e.tag, e.text, e.sourceline) for e in element.iter()][1:] == [
            (e.tag, e.text, e.sourceline) for e in own.iter()
        ][1:]


# --- lead7 (EXM001) ---
# A joint parse that logged an error takes no example it did not show well-formed, even when
# lxml accepts the parse (it raises only when the log's last entry is an error, so a later
# warning such as a relative namespace URI hid an earlier namespace error).
HIDDEN_ERROR_FRAGMENTS = [*ALONE_FRAGMENTS, "<a :=''/>", "<:a/>", "<a b:=''/>", "<v xmlns='c'/>"]


@settings(max_examples=400, deadline=None)
@given(st.lists(_joined(HIDDEN_ERROR_FRAGMENTS), max_size=6), st.booleans())
@example(["<a :=''/>", "<v xmlns='c'/>"], True)
@example(["<a b:=''/>", "<v xmlns='c'/>"], False)
def test_examples_checked_together_are_judged_as_alone(texts: list[str], trees: bool) -> None:
    together, alone, _ = _together_and_alone(texts, trees)
    assert together == alone


REVISION_DATES = [
    "<date>2024-02-04</date>",
    "<date>2024-02-03</date>",
    "<date> 2001-09-14\n</date>",
    "<date>2019<!--c-->-01-02</date>",
    "<date>2010-<b>09</b>-14</date>",
    "<date>soon</date>",
    "<date/>",
    "<n:date xmlns:n='urn:n'>2001-09-14</n:date>",
    "<?date 2001-09-14?>",
    "<version>1</version>",
]


@settings(max_examples=400)
@given(st.lists(st.lists(st.sampled_from(REVISION_DATES), max_size=3), max_size=4))
def test_the_current_template_is_told_from_each_revision_s_first_date(
    revisions: list[list[str]],
) -> None:
    from e2ee_sig.lint.rules.sections import (
        _DATE,
        TEMPLATE_SECTIONS_SINCE,
        _current_template,
    )

    blocks = "".join(f"<revision>{''.join(children)}</revision>" for children in revisions)
    raw = f"<xep><header><title>t</title>{blocks}</header></xep>".encode()
    document = parse_bytes(raw, Path("xep-0999.xml"), "xep-0999.xml", None)
    assert document.header is not None
    dated = [r.date.value for r in document.header.revisions if r.date is not None]
    old = any(_DATE.fullmatch(date) and date < TEMPLATE_SECTIONS_SINCE for date in dated)
    assert _current_template(document) is not old
