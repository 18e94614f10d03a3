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


# --- lnk4 ---
# The links, citations and anchors read from the bytes (lint/rules/_literal.py) are what the
# tree with entity references kept says, on documents made of the pieces that matter: links,
# references in text, attributes, comments and CDATA, after elements and CDATA, in blocks
# nested in blocks and in the header, and multi-line tags.

from pathlib import Path  # noqa: E402

from e2ee_sig.lint.rules._literal import scan_literal  # noqa: E402
from e2ee_sig.lint.rules.links import (  # noqa: E402
    _HTTP_LINK,
    _closest,
    _http_links,
    anchors,
    links,
    written,
)
from e2ee_sig.lint.rules.references import _cited, citations  # noqa: E402
from e2ee_sig.xep import Document, parse_bytes, root_at  # noqa: E402
from tests.xepfactory import make_xep  # noqa: E402

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
        m.span() for m in _HTTP_LINK.finditer(_masked(document.raw))
    ]
    found = links(document)
    cited = [(c.number, c.line, c.sentence()) for c in citations(document)]
    hand = [(line, url) for start, line, url in scan.links if start > scan.body]
    document.cache.clear()
    document.cache["e2ee_sig.lint.rules._literal.scan_literal"] = None
    assert links(document) == found
    assert [(c.number, c.line, c.sentence()) for c in citations(document)] == cited
    tree = document.literal_tree
    assert tree is not None
    body = [part for part in tree.getroot() if isinstance(part.tag, str) and part.tag != "header"]
    assert [
        (ln.sourceline, ln.get("url", "").strip()) for p in body for ln in p.iter("link")
    ] == hand
    for url, _, _ in found:
        if written(document, url[1:]):
            assert url[1:] in anchors(document)


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
