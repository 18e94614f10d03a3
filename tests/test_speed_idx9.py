"""The namespaces a file may give a schema for, read from its bytes: every one its schemas
hold is among them (or the bytes cannot tell), and lookups through them find what asking
every file finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from e2ee_sig.xep import index, root_at
from e2ee_sig.xep.facts import XepFacts, read_facts

SCHEMA = "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' "
ENTITIES = [
    "<!ENTITY ns 'urn:x:1'>",
    "<!ENTITY quoted \"'urn:q'\">",
    "<!ENTITY empty ''>",
    "<!ENTITY tag '&lt;urn&gt;'>",
    "<!ENTITY word 'target'>",
    "<!ENTITY tail 'urn:avatar:data'>",
    "<!ENTITY head 'espace'>",
    "<!ENTITY head 'espace'><!ENTITY word 'target'><!ENTITY empty ''>",
    "<!ENTITY rest \"espace='urn:r'\"><!ENTITY start '&amp; targ'>",
    "<!ENTITY lt 'target'>",
    "<!ENTITY schema 'http://www.w3.org/2001/XMLSchema'>",
]
PIECES = ["<example>", "</example>", "<code>", "</code>", "<code/>", "<example caption='>'>"]
PIECES += ["<![CDATA[", "]]>", "<!--", "-->", "<!-- c -->", "</code >", "<codex>"]
PIECES += [SCHEMA, "<xs:schema", ">", "/>", "</xs:schema>", "&schema;", "XMLSchema"]
PIECES += ["targetNamespace", "target", "Namespace", "Names", "pace", "N", "t", "e", "x"]
PIECES += ["=", " ", "\n", "\x1c", "\u00a0", "'", '"', "urn:a", "urn:b:é", "<", "&", ";", "]"]
PIECES += ["&ns;", "&quoted;", "&empty;", "&tag;", "&word;", "&tail;", "&head;", "&lt;"]
PIECES += ["&amp;", "&apos;", "&quot;", "&#116;", "&#x4e;", "&#39;", "&#61;", "&unknown;"]
PIECES += ["targetNamespace='urn:a'", "targetNamespace=']]>&ns;<![CDATA['", "\udcff"]
PIECES += [f"<code><![CDATA[{SCHEMA}targetNamespace='urn:c'>", "]]></code>"]


OPENERS = [
    f"<code><![CDATA[{SCHEMA}",
    f"<example>{SCHEMA}",
    "<code>&lt;xs:schema xmlns:xs='&schema;' ",
]
OPENERS += [f"<code><![CDATA[{SCHEMA}]]>", f"<example caption='a'><![CDATA[{SCHEMA}]]><![CDATA["]
CLOSERS = ["/>]]></code>", "/></example>", "/></code>", "]]></code>", ""]
JOINTS = ["]]><![CDATA[", "<!-- c -->", "]]><!-- c --><![CDATA[", "</code>", "<code/>"]
JOINTS += ["&empty;", "&word;", "&head;", "&#116;", "&#x4e;", "&lt;", "]]>&empty;<![CDATA[", " "]
ASSIGNMENTS = ["\n=\x1c", "\xa0=", "=&#32;", "]]>=<![CDATA["]
QUOTES = ["&apos;", "&quot;", "]]>'", "'<![CDATA[", "&#39;"]
VALUES = ["]]>&ns;<![CDATA[", "]]>&quoted;<![CDATA[", "]]>&tag;<![CDATA[", "&ns;"]
VALUES += ["urn:&amp;b", "u]]>&ns;<![CDATA[", "<!-- c -->urn:a", "", "]]>&apos;<![CDATA[", "é"]


def _mostly(plain: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """One of ``plain`` three times in four, else one of ``odd``."""
    return st.sampled_from(plain * (3 * len(odd)) + odd * len(plain))


SPELLINGS = ["&word;Namespace", "targetNam&head;", "targe&#116;Namespace", "t&#97;rgetNamespace"]
SPELLINGS += ["target&#x4e;amespace", "targetNamespac&#101;", "target&empty;Namespace"]
SPELLINGS += ["targetNam&rest;", "&start;etNamespace"]


@st.composite
def _target(draw: st.DrawFn) -> str:
    """A ``targetNamespace`` assignment, maybe cut by markup or spelled with references."""
    word = draw(_mostly(["targetNamespace"], SPELLINGS))
    cut = draw(st.integers(0, len(word)))
    return "".join(
        [
            word[:cut],
            draw(_mostly([""], JOINTS)),
            word[cut:],
            draw(_mostly(["=", " = "], ASSIGNMENTS)),
            draw(_mostly(["'", '"'], QUOTES)),
            draw(_mostly(["urn:a", "urn:b"], VALUES)),
            draw(_mostly(["'", '"'], QUOTES)),
        ]
    )


_PIECES = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
_BLOCK = st.tuples(st.sampled_from(OPENERS), _PIECES, _target(), _PIECES, st.sampled_from(CLOSERS))
_BODY = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40),
    st.lists(_BLOCK.map("".join), min_size=1, max_size=3),
)


def _file(entities: list[str], pieces: list[str]) -> bytes:
    body = "".join(pieces).encode("utf-8", "surrogateescape")
    return b"<!DOCTYPE xep [%s]>\n<xep>" % "".join(entities).encode() + body + b"</xep>"


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(ENTITIES), max_size=4), _BODY)
@example([], ["<code>", SCHEMA, "target<!-- -->Namespace='urn:a'/>", "</code>"])
@example([], ["<code>", SCHEMA, "targetName<code/>space='urn:a'/></code>"])
@example(["<!ENTITY ns 'urn:x:1'>"], ["<code>", SCHEMA, "targetNamespace='&ns;'/></code>"])
@example(["<!ENTITY head 'espace'>"], ["<code>", SCHEMA, "targetNam&head;='u'/></code>"])
@example(["<!ENTITY rest \"espace='urn:r'\">"], ["<code>", SCHEMA, "targetNam&rest;/></code>"])
@example(["<!ENTITY start '&amp; targ'>"], ["<code>", SCHEMA, "&start;etNamespace='u'/></code>"])
def test_the_namespaces_read_from_the_bytes_hold_every_one_the_schemas_hold(
    entities: list[str], pieces: list[str]
) -> None:
    read = read_facts(_file(entities, pieces), "xep-0001.xml")
    event(f"schemas: {bool(read.schemas)}, the bytes tell: {read.schema_targets is not None}")
    if read.schema_targets is not None:
        assert set(read.schemas) <= read.schema_targets


def _schema(target: str, entities: str = "") -> XepFacts:
    block = f"<code><![CDATA[{SCHEMA}{target}><xs:element name='w'/></xs:schema>]]></code>"
    return read_facts(b"<!DOCTYPE xep [%s]><xep>%s</xep>" % (entities.encode(), block.encode()), "")


@pytest.mark.parametrize(
    ("target", "entities", "expected"),
    [
        ("targetNamespace='urn:a'", "", {"urn:a"}),
        ('targetNamespace = "urn:a"\n xmlns="urn:a"', "", {"urn:a"}),
        ("targetNamespace=']]>&ns;<![CDATA['", "<!ENTITY ns 'urn:x:1'>", {"urn:x:1"}),
        ("targetNamespace=']]>&unknown;<![CDATA['", "", {"\u2026"}),
        ("targetNamespace=''", "", set()),
        ("xmlns='urn:a'", "<!ENTITY ns 'urn:xmpp:avatar:data'>", set()),
    ],
)
def test_plain_and_entity_targets_are_read_from_the_bytes(
    target: str, entities: str, expected: set[str]
) -> None:
    read = _schema(target, entities)
    assert set(read.schemas) == expected
    assert read.schema_targets is not None and expected <= read.schema_targets


@pytest.mark.parametrize(
    ("target", "entities"),
    [
        ("target]]><!-- c --><![CDATA[Namespace='urn:a'", ""),
        ("target]]><![CDATA[Namespace='urn:a'", ""),
        ("targetNa]]><![CDATA[mespace='urn:a'", ""),
        ("targetNamespace]]><![CDATA[='urn:a'", ""),
        ("targetNamespace=]]>&apos;urn:a&apos;<![CDATA[", ""),
        ("targetNamespace='u]]>&ns;<![CDATA['", "<!ENTITY ns 'rn:a'>"),
        ("]]>&word;<![CDATA[Namespace='urn:a'", "<!ENTITY word 'target'>"),
        ("target]]>&#78;<![CDATA[amespace='urn:a'", ""),
        ("targetNamespace\xa0='urn:a'", ""),
    ],
)
def test_markup_or_a_reference_that_may_change_a_target_leaves_the_bytes_unsure(
    target: str, entities: str
) -> None:
    read = _schema(target, entities)
    assert read.schema_targets is None
    assert list(read.schemas) == ["urn:a"]  # what the text of the block says


def test_a_lookup_reads_the_schemas_of_the_files_that_may_give_one_only() -> None:
    built = index.RootIndex()
    sure = [_schema(f"targetNamespace='urn:{n}'") for n in "abc"]
    unsure = _schema("target]]><![CDATA[Namespace='urn:b'")
    for number, read in enumerate([*sure, unsure], start=1):
        read.number, read.relpath = f"{number:04d}", f"xep-{number:04d}.xml"
        built.add(read)
    found = built.schema_for("urn:b")
    assert found is not None and found[0] is sure[1]
    assert ["schemas" in vars(read) for read in [*sure, unsure]] == [False, True, False, False]
    assert built.schema_for("urn:none") is None
    assert ["schemas" in vars(read) for read in [*sure, unsure]] == [False, True, False, True]


def test_lookups_over_the_corpus_find_what_asking_every_file_finds(corpus: Path) -> None:
    index.clear()
    built = index.index_of(root_at(corpus))
    ordered = sorted(built.files, key=lambda f: (not f.number.isdigit(), f.relpath))
    wanted = {"", "urn:xmpp:nothing:0", "jabber:client"}
    for read in ordered:
        wanted |= set(read.schemas) | set(read.schema_targets or ()) | read.namespaces
    for namespace in sorted(wanted):
        expected = next(
            ((f, f.schemas[namespace]) for f in ordered if namespace in f.schemas), None
        )
        assert built.schema_for(namespace) == expected, namespace
    index.clear()


def test_the_bytes_of_every_corpus_file_tell_which_schemas_it_gives(corpus: Path) -> None:
    for path in sorted([*corpus.glob("xep-*.xml"), *corpus.glob("inbox/*.xml")]):
        read = read_facts(path.read_bytes(), path.name)
        assert read.schema_targets is not None, path.name
        assert set(read.schemas) <= read.schema_targets, path.name
