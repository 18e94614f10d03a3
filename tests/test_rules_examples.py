"""EXM001: example well-formedness, with exact positions and real-world shapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e2ee_sig.lint.model import Severity
from e2ee_sig.lint.rules import _fragments as fragments
from e2ee_sig.lint.rules._fragments import check
from e2ee_sig.xep.codeblocks import read_blocks
from tests.xepfactory import SECTIONS, codes, lint_text, make_xep


def xep_with(example: str, status: str = "Experimental", subset: str = "") -> str:
    body = f"<section1 topic='Protocol' anchor='protocol'>\n{example}\n</section1>"
    return make_xep(sections=SECTIONS + "\n" + body, status=status, internal_subset=subset)


def exm(example: str, **kwargs: str):
    return [d for d in lint_text(xep_with(example, **kwargs), select=("EXM001",))]


def line_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``text``."""
    at = text.index(needle)
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


OMEMO_SHAPE = """<example caption='Fetching a device&apos;s bundle information'><![CDATA[
<iq type='get' from='romeo@montague.lit' to='juliet@capulet.lit' id='fetch1'>
  <pubsub xmlns='http://jabber.org/protocol/pubsub'>
    <items node=']]>&nsbundles;<![CDATA['>
      <item id='31415'/>
    <items>
  </pubsub>
</iq>]]></example>"""


def test_start_tag_written_for_end_tag_is_reported_at_its_exact_place() -> None:
    subset = "\n  <!ENTITY nsbundles 'urn:xmpp:omemo:2:bundles'>"
    text = xep_with(OMEMO_SHAPE, subset=subset)
    found = lint_text(text, select=("EXM001",))
    assert codes(found) == ["EXM001"] and found[0].severity is Severity.ERROR
    # the second <items>: after a CDATA section split by an entity reference
    lines = text.splitlines()
    expected_line = next(i for i, t in enumerate(lines, 1) if t == "    <items>")
    assert (found[0].line, found[0].column) == (expected_line, 5)
    assert f"<items> at {expected_line}:5 is never closed" in found[0].message
    assert found[0].hint == "did you mean </items>?"


def test_column_after_non_ascii_text_counts_characters() -> None:
    example = "<example caption='x'><![CDATA[<body>Grüße…</body><a b='1' b='2'/>]]></example>"
    text = xep_with(example)
    found = lint_text(text, select=("EXM001",))
    assert (found[0].line, found[0].column) == line_of(text, "b='2'")
    assert "appears twice" in found[0].message


@pytest.mark.parametrize(
    ("example", "wanted", "needle"),
    [
        ("<retract id='a'>\n  <reason/>\n</reject>", "</reject> at", "</reject>"),
        ("<mechanisms>\n  <mechanism>PLAIN<mechanism>\n</mechanisms>", "never closed", None),
        ("<iq type='set' to'hag66@shakespeare.example' id='1'/>", "has no '='", "to'hag"),
        ("<iq type=set id='1'/>", "is not quoted", "set id"),
        ("<body>Fish & chips</body>", "unescaped '&'", "& chips"),
        ("<iq id='1' id='2'/>", "appears twice", "id='2'"),
        ("<message from='room@chat.example\n  id='p4'/>", "runs over a line end", "'room@"),
        ("<items node=''urn:xmpp:a:0'/>", "has an empty value", "''urn"),
        ("<xml version='1.0' encoding='UTF-8'?>\n<a/>", "unexpected '?'", "?>\n<a/>"),
        ("<-- a comment -->\n<a/>", "starts no tag", "<--"),
        ("<presence to='a@b'\n  <x/>\n</presence>", "unexpected '<'", "<x/>"),
        ("<a><b></a>", "never closed", "<b>"),
        ("</message>", "has no start tag", "</message>"),
        ("<iq type='result' id='x'>", "never closed", "<iq"),
    ],
)
def test_each_kind_of_syntax_error_is_reported_where_it_is(
    example: str, wanted: str, needle: str | None
) -> None:
    text = xep_with(f"<example caption='x'><![CDATA[{example}]]></example>")
    found = lint_text(text, select=("EXM001",))
    assert codes(found) == ["EXM001"] and wanted in found[0].message
    if needle is not None:
        assert (found[0].line, found[0].column) == line_of(text, needle)


@pytest.mark.parametrize(
    "example",
    [
        "<message to='a@b'>\n  <body>Hi</body>\n  ...\n",
        "<message to='a@b'>\n  [...]\n</message>",
        "<iq type='result' ... />",
        "<iq type='set' id='…'>\n  <query xmlns='jabber:iq:roster'>…\n</iq>",
        "<!-- ... -->\n  </query>\n</iq>",
        "...\n</pubsub>\n</iq>",
        "<?xml version='1.0'?>\n<stream:stream xmlns='jabber:client' to='example.com'>",
        "</stream:stream>",
        "<stream:features><db:dialback/></stream:features>",
        "<message><body>a</body></message>\n<message><body>b</body></message>",
        "<trust-message xmlns='urn:xmpp:trust-messages:0' encryption='urn:xmpp:omemo:2'>",
        '{\n  "jid": "juliet@capulet.lit"\n}',
        "_xmpp-client._tcp.example.net. 86400 IN SRV 5 0 5222 xmpp.example.net.",
        "xmpp:romeo@montague.net?message;body=Hi",
        "C: <stream:stream to='example.com'>\nS: <stream:stream from='example.com'>",
        "U: hello\nS: world & more",
        "<!ELEMENT widget (#PCDATA)>",
        "<any-char> ::= [#x20-#xD7FF] | <other>",
        "<a x='&amp;&#10;&#x41;'>&lt;text&gt;</a>",
    ],
)
def test_elisions_transcripts_and_other_notations_are_not_flagged(example: str) -> None:
    assert exm(f"<example caption='x'><![CDATA[{example}]]></example>") == []


def test_code_blocks_and_escaped_examples_are_read_too() -> None:
    assert codes(exm("<code><![CDATA[<a><b></a>]]></code>")) == ["EXM001"]
    assert codes(exm("<example caption='x'>&lt;a&gt;&lt;b&gt;&lt;/a&gt;</example>")) == ["EXM001"]
    assert exm("<code>widget = 1 &lt; 2</code>") == []


def test_schemas_are_left_to_the_schema_rules() -> None:
    schema = (
        "<code><![CDATA[<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
        "<xs:element name='a'></xs:schema>]]></code>"
    )
    assert exm(schema) == []


def test_inactive_documents_get_warnings() -> None:
    found = exm("<example caption='x'><![CDATA[<a><b></a>]]></example>", status="Deferred")
    assert found and found[0].severity is Severity.WARNING


def test_blocks_map_text_offsets_back_to_bytes() -> None:
    raw = b"<x><example caption='c'><![CDATA[<a>\xc3\xa9]]>&ns;<![CDATA[<b/>]]></example></x>"
    [block] = read_blocks(raw, {"ns": "urn:x"})
    assert block.text == "<a>\u00e9urn:x<b/>" and block.caption == "c"
    assert raw[block.raw_offset(block.text.index("<b/>")) :].startswith(b"<b/>")
    assert raw[block.raw_offset(block.text.index("urn:x")) :].startswith(b"&ns;")
    assert raw[block.raw_offset(1) :].startswith(b"a>")


def test_commented_out_examples_are_skipped() -> None:
    assert read_blocks(b"<!-- <example><![CDATA[<a>]]></example> --><p/>") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/='\"&;!?[]-. abx:\n\u2026", max_size=80))
def test_the_fragment_checker_never_crashes(text: str) -> None:
    outcome = check(text)
    if outcome.issue is not None:
        assert 0 <= outcome.issue.offset <= len(text)
        assert all(0 <= ref <= len(text) for ref in outcome.issue.refs)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.just("<e/>") | st.text(alphabet="abc .", max_size=5),
        lambda inner: st.builds(lambda a, b: f"<n a='1'>{a}{b}</n>", inner, inner),
        max_leaves=8,
    )
)
def test_well_formed_fragments_pass(fragment: str) -> None:
    assert check("<r>" + fragment + "</r>").issue is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["cdata", "entity", "escaped"]), st.text("ab<>é\n x", min_size=1)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_character_maps_back_to_its_bytes(parts: list[tuple[str, str]]) -> None:
    raw = b"<x><example caption='c'>"
    for kind, text in parts:
        if kind == "cdata":
            raw += b"<![CDATA[" + text.encode() + b"]]>"
        elif kind == "entity":
            raw += b"&ns;"
        else:
            raw += text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
    raw += b"</example></x>"
    [block] = read_blocks(raw, {"ns": "urn:x"})
    ends = [p.text_start for p in block.pieces[1:]] + [len(block.text)]
    for piece, end in zip(block.pieces, ends, strict=True):
        for index in range(piece.text_start, end if piece.exact else piece.text_start):
            assert raw[block.raw_offset(index) :].startswith(block.text[index].encode())


def test_example_checks_are_remembered_by_text_in_a_bounded_cache() -> None:
    """The editor re-lints on every pause: an unchanged example is not checked again, an
    edited one is, and the memo cannot grow without bound."""
    good = "<iq type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>"
    first = check(good)
    assert check(good) is first and first.issue is None
    assert check(good.replace("</iq>", "<iq>")).issue is not None
    assert 0 < fragments.REMEMBERED <= 10_000


def test_the_example_memo_forgets_the_least_recently_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "REMEMBERED", 2)
    monkeypatch.setattr(fragments, "_OUTCOMES", type(fragments._OUTCOMES)())
    first, second, third = (check(f"<x{n}/>") for n in range(3))
    assert list(fragments._OUTCOMES) == ["<x1/>", "<x2/>"]
    assert check("<x2/>") is third and check("<x1/>") is second
    assert check("<x0/>") is not first  # forgotten, judged again


def test_examples_parsed_together_are_judged_as_when_parsed_one_by_one() -> None:
    """One strict parse serves many examples only when each would pass alone: a part that
    leaves a comment, CDATA section or processing instruction open, or that closes more than
    it opens, is found by parsing the parts on their own."""
    texts = [
        "<a/>",
        "<g>&amp;</g>",
        "<h xml:id='x'/>",
        "<h xml:id='x'/>",
        "<b><!-- open",
        "--></b><c>",
        "<d><![CDATA[",
        "]]></d>",
        "<?pi",
        "?><e/>",
        "</f>",
        "<i/><!--",  # with the next part: well-formed together, one part fewer
        "--><j/>",
    ]
    for group, taken in (
        (texts[:3], set(texts[:3])),
        (["<a/>", "<i/><!--", "--><j/>"], set()),
        (["<a/>", "<b><!-- open", "--></b><c>"], {"<a/>"}),  # the part before the error
    ):
        accepted = set(fragments._accept(group))
        fragments._OUTCOMES.clear()
        assert accepted == taken
    outcomes, parsed = fragments.check_all(texts)
    assert set(parsed) <= {"<a/>", "<g>&amp;</g>", "<h xml:id='x'/>"}
    together = [(o.xml, o.issue, o.blanks) for o in outcomes]
    fragments._OUTCOMES.clear()
    assert together == [(o.xml, o.issue, o.blanks) for o in map(check, texts)]


def test_an_edited_example_is_judged_again_after_a_clean_lint() -> None:
    good = (
        "<example><![CDATA[<message to='juliet@example.com'><body>Hi</body></message>]]></example>"
    )
    assert exm(good) == []
    assert [d.code for d in exm(good.replace("</body>", "<body>"))] == ["EXM001"]
