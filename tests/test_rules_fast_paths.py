"""The rules' fast paths find exactly what the plain regular expressions they replace find.

Each fast path (a byte search instead of a lazy scan, a literal search instead of a pattern
that starts with ``\\b``, a test for the words a match must hold) is compared with the plain
pattern on texts made of the pieces that matter to it, in every order.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.rules import _fragments as fragments
from e2ee_sig.lint.rules._codeblocks import hidden_spans
from e2ee_sig.lint.rules.content import _may_say_defined, code_elements
from e2ee_sig.lint.rules.links import _masked
from e2ee_sig.lint.rules.references import _declarations
from e2ee_sig.lint.rules.template import PLACEHOLDER_WORDS, placeholder_words
from e2ee_sig.xep import codeblocks, scope
from e2ee_sig.xep.query import body_may_contain


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
    assert _masked(raw) == lazy.sub(lambda m: b" " * len(m.group()), raw)


@settings(max_examples=400)
@given(_joined_bytes(MARKUP))
def test_example_and_code_elements_are_found_as_a_lazy_regex_finds_them(raw: bytes) -> None:
    lazy = re.compile(rb"<(example|code)\b[^>]*>(.*?)</\1\s*>", re.S)
    assert list(code_elements(raw)) == [(m.start(), m[1], m[2]) for m in lazy.finditer(raw)]


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
        _MAYBE_PLACEHOLDERS,
        PLACEHOLDER_PARAGRAPHS,
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
    candidates = _MAYBE_PLACEHOLDERS(section)
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
