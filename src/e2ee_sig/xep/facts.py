"""What one XEP file says about itself, read from its bytes with light regular expressions
(number, status, type, shortname, header texts, the namespaces it defines, those it may
give a schema for, its schemas and anchors): the facts the root index
(:mod:`e2ee_sig.xep.index`) gathers for every XEP."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from e2ee_sig.xep.codeblocks import PREDEFINED, entity_values, read_blocks, reference_value
from e2ee_sig.xep.doctype import entity_declarations

_FIELD = {
    name: (
        re.compile(rb"<" + name.encode() + rb">\s*([^<]*?)\s*</" + name.encode() + rb">"),
        b"<" + name.encode() + b">",
    )
    for name in ("number", "status", "type", "shortname")
}
"""Each header field :func:`read_facts` reads: its pattern, and the start tag it starts with."""
_SUPERSEDED_BY = re.compile(rb"<supersededby>(?:\s*<spec>([^<]*)</spec>)")
_ANCHOR = re.compile(rb"""anchor\s*=\s*(?:'([^']*)'|"([^"]*)")""")
_REGISTRAR = re.compile(
    rb"""<section1\b[^>]*topic\s*=\s*['"](?i:(?:XMPP\s+)?Registrar\s+Considerations)['"]"""
)
"""The Registrar section's start tag (its topic in any case; the tag, as XML has it, only
in lower case, like the end of the section in :data:`_SECTION1`)."""
_SECTION1 = re.compile(rb"<section1\b|</xep\s*>")
_ENTITY_REF = re.compile(r"&([A-Za-z_][\w.-]*);")
_NAMESPACE_KINDS = (
    ("urn:xmpp:", r"urn:xmpp:[A-Za-z0-9.:_+/-]*[A-Za-z0-9]"),
    (
        "jabber.org/protocol/",
        r"https?://jabber\.org/protocol/[A-Za-z0-9._/-]*[A-Za-z0-9](?:#[A-Za-z0-9_-]+)?",
    ),
    ("jabber:", r"jabber:(?:iq|x|client|server|component)(?::[A-Za-z0-9_.-]*[A-Za-z0-9])?"),
)
"""Each kind of XMPP namespace: what every one of its names holds, and its pattern."""
NAMESPACE = re.compile("(?:" + "|".join(pattern for _, pattern in _NAMESPACE_KINDS) + ")")
_NAMESPACE_OF_KIND = tuple((literal, re.compile(pattern)) for literal, pattern in _NAMESPACE_KINDS)
_RAW_TARGET = re.compile(rb"""targetNamespace\s*=\s*['"](?:\]\]>)?([^'"<]*?)(?:<!\[CDATA\[)?['"]""")
_TARGET = re.compile(r"""targetNamespace\s*=\s*['"]([^'"]+)['"]""")
SCHEMA_START = re.compile(r"<(?:[\w.-]+:)?schema\b[^>]*www\.w3\.org/2001/XMLSchema", re.S)
_SCHEMA_NAMESPACE = "www.w3.org/2001/XMLSchema"
HEAD_BYTES = 16384
SCHEMA_REACH = 512
"""How far from the first ``targetNamespace`` the XML Schema namespace is looked for first."""
_HEADER_FIELD = {
    name: (re.compile(rf"<{name}>(.*?)</{name}>".encode(), re.S), f"<{name}>".encode())
    for name in ("title", "shortname", "status", "type")
}
"""Each header value :func:`read_header` reads: its pattern, and the start tag it starts with."""
_ENTITY = re.compile(r"&[\w.-]+;")
_ABBREVIATION = re.compile(r"\s*\([^()]*\)$")
_NO_SHORTNAME = frozenset({"not_yet_assigned", "not yet assigned", "to be assigned", "n/a", "none"})
TARGET_NAMESPACE = re.compile(rb"""targetNamespace\s*=\s*['"]([^'"]+)['"]""")
TARGET_WORD = b"targetNamespace"
"""What every match of :data:`TARGET_NAMESPACE` and :data:`_RAW_TARGET` starts with."""
_WORD = "targetNamespace"
_WORD_STARTS = tuple(_WORD[:end] for end in range(1, len(_WORD)))
_WORD_ENDS = tuple(_WORD[start:] for start in range(1, len(_WORD)))
_NAMESPACE_WORD = re.compile(
    rb"N(?:amespace|[acemps]{0,7}(?:<!--|<!\[CDATA\[|\]\]>|</?(?:example|code)\b))"
)
"""``Namespace``, or an ``N`` and some of its letters before something :func:`read_blocks`
drops (a comment, a CDATA mark, an example or code tag): where a block's text may spell it."""
_SPACES = rb"[\t\n\x0b\x0c\r\x1c-\x1f ]*"  # (the ASCII characters ``\s`` matches in text)
_ASSIGNMENT = re.compile(_SPACES + rb"(?:=" + _SPACES + rb"""(?:['"]([^'"]*)(['"])?)?)?""")
"""What follows a ``targetNamespace``: spaces, maybe ``=``, spaces, a quote, the value up to
the next quote and that quote."""
_CHARACTER_REFERENCE = re.compile(rb"&#([0-9xa-fA-F]+);")
HASH_STEPS = 1024  # (the most ``#`` in one corpus file: 675)
BANG_STEPS = 1024  # (the most ``!`` in one corpus file: 281)
_BLOCK_TAGS = (b"<example", b"<code", b"</example", b"</code")


def first_match(
    pattern: re.Pattern[bytes], raw: bytes, literal: bytes, end: int | None = None
) -> re.Match[bytes] | None:
    """What ``pattern.search(raw, 0, end)`` finds, for a pattern whose every match starts
    with ``literal``: the pattern is tried only where a byte search finds the literal, not at
    every byte."""
    end = len(raw) if end is None else end
    at = raw.find(literal, 0, end)
    while at >= 0:
        if match := pattern.match(raw, at, end):
            return match
        at = raw.find(literal, at + 1, end)
    return None


def occurrences(raw: bytes, literal: bytes) -> list[int]:
    """Where ``literal`` starts in ``raw``, in order."""
    found = []
    at = raw.find(literal)
    while at >= 0:
        found.append(at)
        at = raw.find(literal, at + 1)
    return found


def matches_at(
    pattern: re.Pattern[bytes], raw: bytes, starts: list[int]
) -> Iterator[re.Match[bytes]]:
    """What ``pattern.finditer(raw)`` finds, for a pattern whose every match starts with a
    literal, given where that literal starts (:func:`occurrences`): one byte search serves two
    patterns that start with the same word."""
    end = 0
    for at in starts:
        if at >= end and (match := pattern.match(raw, at)):
            yield match
            end = match.end()


def schema_start(text: str) -> re.Match[str] | None:
    """The first ``xs:schema`` start tag of ``text`` (:data:`SCHEMA_START`), if any; text
    without the XML Schema namespace is passed over without a regex scan."""
    return SCHEMA_START.search(text) if _SCHEMA_NAMESPACE in text else None


def schema_starts(text: str) -> list[int]:
    """Where each ``xs:schema`` start tag of ``text`` begins."""
    return [m.start() for m in SCHEMA_START.finditer(text)] if _SCHEMA_NAMESPACE in text else []


@dataclass(frozen=True)
class NumberedXep:
    """What the header of ``xep-NNNN.xml`` says as text (entities decoded, whitespace
    collapsed)."""

    number: str
    title: str
    shortname: str
    status: str
    type: str


def title_key(title: str) -> str:
    """A title as compared: whitespace collapsed, case folded, without a trailing
    abbreviation ("Trust Messages (TM)" is "trust messages"); '' for entity-made titles."""
    folded = _ABBREVIATION.sub("", " ".join(title.split())).casefold()
    return "" if _ENTITY.search(folded) else folded


def shortname_key(shortname: str) -> str:
    """An assigned shortname, case folded; '' for the placeholders of unassigned ones."""
    folded = " ".join(shortname.split()).casefold()
    return "" if folded in _NO_SHORTNAME else folded


def read_header(raw: bytes, number: str) -> NumberedXep:
    """The header values of a numbered XEP, from the first bytes of its file (up to the first
    ``</header>`` among them)."""
    end = raw.find(b"</header>", 0, HEAD_BYTES)
    end = end if end >= 0 else HEAD_BYTES
    values = {}
    for name, (pattern, literal) in _HEADER_FIELD.items():
        found = first_match(pattern, raw, literal, end)
        text = found.group(1).decode("utf-8", "replace") if found else ""
        values[name] = " ".join(html.unescape(text).split())
    return NumberedXep(number, **values)


@dataclass
class XepFacts:
    """What one XEP file says about itself."""

    relpath: str
    number: str
    status: str
    type: str
    shortname: str
    namespaces: frozenset[str]
    """Namespaces it defines: named in its Registrar section or a schema's targetNamespace."""
    superseded_by: str = ""
    raw: bytes = field(default=b"", repr=False, compare=False)
    values: dict[str, str] = field(default_factory=dict, repr=False)
    path: str = field(default="", repr=False, compare=False)
    """The file it was read from: a copy pickled for another process leaves ``raw`` behind,
    and reads the file again if asked for its anchors or schemas."""
    schema_targets: frozenset[str] | None = None
    """Every namespace :attr:`schemas` may hold, and maybe others (:func:`schema_targets`);
    None when the bytes cannot tell."""

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        if self.path:
            state["raw"] = b""
            state.pop("_bytes", None)
        return state

    @cached_property
    def _bytes(self) -> bytes:
        if self.raw or not self.path:
            return self.raw
        from e2ee_sig.fsio import FileRefused, read_capped
        from e2ee_sig.xep.parse import MAX_BYTES

        try:
            return read_capped(self.path, MAX_BYTES)
        except FileRefused:
            return b""

    @cached_property
    def anchors(self) -> frozenset[str]:
        """Its ``anchor='…'`` values (read from the file on first use: only the XEPs that
        others link into are asked)."""
        text = _without_comments(self._bytes)
        return frozenset(
            (m.group(1) or m.group(2)).decode("utf-8", "replace") for m in _ANCHOR.finditer(text)
        )

    @cached_property
    def schemas(self) -> dict[str, str]:
        """Schema text by targetNamespace (read from the file on first use; none without
        the XML Schema namespace in the file or one of its own entities)."""
        found: dict[str, str] = {}
        raw = self._bytes
        if b"XMLSchema" not in raw and not _in_values("XMLSchema", self.values):
            return found
        for block in read_blocks(raw, self.values):
            if schema_start(block.text):
                target = _TARGET.search(block.text)
                if target:
                    found.setdefault(target.group(1), block.text)
        return found

    @property
    def label(self) -> str:
        return f"XEP-{self.number}" if self.number.isdigit() else self.relpath


def _in_values(text: str, values: Mapping[str, str]) -> bool:
    return any(text in value for value in values.values())


def _field(raw: bytes, end: int, name: str) -> str:
    """The header field ``name`` (searched before ``end``, the end of the header)."""
    pattern, literal = _FIELD[name]
    match = first_match(pattern, raw, literal, end)
    return match.group(1).decode("utf-8", "replace") if match else ""


def read_facts(
    raw: bytes, relpath: str, path: str = "", target_starts: list[int] | None = None
) -> XepFacts:
    """The facts of one XEP file, from its bytes (read from ``path``, when given);
    ``target_starts``: where ``targetNamespace`` stands in them, when the caller has looked."""
    text = _without_comments(raw)
    prolog = raw[: max(raw.find(b"<xep"), 0)]
    values = entity_values(entity_declarations(prolog) if b"<!ENTITY" in prolog else {})
    namespaces = set(registrar_namespaces(text, values))
    schema = _names_schema_namespace(raw, target_starts)
    if schema:
        if target_starts is None:
            target_starts = occurrences(raw, TARGET_WORD)
        for match in matches_at(_RAW_TARGET, raw, target_starts):
            target = match.group(1).decode("utf-8", "replace")
            namespaces.add(_ENTITY_REF.sub(lambda m: values.get(m.group(1), m.group(0)), target))
    end = _header_end(text)
    superseded = text.find(b"<supersededby>", 0, end)  # (most XEPs have none: no regex scan)
    return XepFacts(
        relpath,
        _field(text, end, "number"),
        _field(text, end, "status"),
        _field(text, end, "type"),
        _field(text, end, "shortname"),
        frozenset(namespaces),
        ", ".join(
            m.decode("utf-8", "replace").strip()
            for m in (_SUPERSEDED_BY.findall(text, superseded, end) if superseded >= 0 else ())
        ),
        raw,
        values,
        path,
        schema_targets(raw, values) if schema or _in_values("XMLSchema", values) else frozenset(),
    )


def _names_schema_namespace(raw: bytes, target_starts: list[int] | None) -> bool:
    """Whether ``raw`` holds ``XMLSchema``: looked for beside its first ``targetNamespace``
    first (where a schema's start tag names both), the whole file only when it is not there."""
    if target_starts:
        at = target_starts[0]
        if raw.find(b"XMLSchema", max(at - SCHEMA_REACH, 0), at + SCHEMA_REACH) >= 0:
            return True
    return b"XMLSchema" in raw


def _header_end(text: bytes) -> int:
    """Where the header ends: the first ``</header>`` after the root's start tag that no
    CDATA section holds (the end of ``text`` when there is none; ``text`` has no comments)."""
    at = max(text.find(b"<xep"), 0)  # (past the DOCTYPE, whose entity values may hold one)
    while (end := text.find(b"</header>", at)) >= 0:
        cdata = text.rfind(b"<![CDATA[", at, end)
        if cdata < 0 or text.find(b"]]>", cdata, end) >= 0:
            return end
        closed = text.find(b"]]>", end)
        if closed < 0:
            break
        at = closed + 3
    return len(text)


def _without_comments(raw: bytes) -> bytes:
    """``raw`` without its comments (what ``<!--.*?-->`` finds, found by byte searches)."""
    at = _comment_start(raw, 0)
    if at < 0:
        return raw
    pieces, last = [], 0
    for start, end in _comments(raw, at):
        pieces.append(raw[last:start])
        last = end
    pieces.append(raw[last:])
    return b"".join(pieces)


def _comments(raw: bytes, at: int) -> Iterator[tuple[int, int]]:
    """The comments of ``raw``, the first at ``at``."""
    while at >= 0:
        end = raw.find(b"-->", at + 4)
        if end < 0:
            return  # an opener never closed: no later one closes either
        yield at, end + 3
        at = _comment_start(raw, end + 3)


def _comment_start(raw: bytes, at: int) -> int:
    """``raw.find(b"<!--", at)``, found from each ``!``: a one-byte search runs many times
    faster than a search for the four bytes, and ``!`` is rare (past :data:`BANG_STEPS` of
    them, the four-byte search finds the rest)."""
    find = raw.find
    bang = find(b"!", at + 1)
    try:
        for _ in range(BANG_STEPS):
            if bang < 0:
                return -1
            if raw[bang + 1] == 0x2D and raw[bang - 1] == 0x3C and raw[bang + 2] == 0x2D:  # "<!--"
                return bang - 1
            bang = find(b"!", bang + 1)
    except IndexError:  # (a "!" among the last two bytes: no "--" after it)
        return -1
    return find(b"<!--", bang - 1) if bang >= 0 else -1


def registrar_namespaces(raw: bytes, values: Mapping[str, str]) -> list[str]:
    """Namespaces named in the Registrar Considerations section, entities expanded."""
    start = first_match(_REGISTRAR, raw, b"<section1")
    if start is None:
        return []
    end = _SECTION1.search(raw, start.end())
    section = raw[start.start() : end.start() if end else len(raw)].decode("utf-8", "replace")
    if "&" in section:
        section = _ENTITY_REF.sub(lambda m: values.get(m.group(1), m.group(0)), section)
    return namespaces_in(section)


def namespaces_in(text: str) -> list[str]:
    """What ``NAMESPACE.findall(text)`` finds; when ``text`` holds what only one kind of
    namespace holds, that kind's pattern finds them: a scan led by its literal, several times
    faster than trying each kind at every character."""
    kinds = [pattern for literal, pattern in _NAMESPACE_OF_KIND if literal in text]
    if len(kinds) > 1:
        return NAMESPACE.findall(text)
    return kinds[0].findall(text) if kinds else []


def schema_targets(raw: bytes, values: Mapping[str, str]) -> frozenset[str] | None:
    """Every namespace a schema of the file ``raw`` may be given for (a superset of the keys
    of :attr:`XepFacts.schemas`, its entities ``values``), from byte searches instead of
    reading its blocks; None when the bytes cannot tell (a reference that may spell part of
    a ``targetNamespace``, a word or value cut by markup)."""
    if _spelling_reference(raw, values):
        return None
    found: set[str] = set()
    for match in _NAMESPACE_WORD.finditer(raw):
        before = _target_before(raw, match.start())
        if before is False:
            continue
        targets = (
            _assigned(raw, match.end(), values) if before and match[0] == b"Namespace" else None
        )
        if targets is None:
            return None
        found.update(targets)
    return frozenset(found)


def _spelling_reference(raw: bytes, values: Mapping[str, str]) -> bool:
    """Whether a character or entity reference of ``raw`` may give a letter of a
    ``targetNamespace`` in the text of a block (or nothing at all, joining two halves)."""
    names = [
        name.encode()
        for name in values
        if name not in PREDEFINED and _may_spell(reference_value(name, values))
    ]
    if any(b"&" + name + b";" in raw for name in names):
        return True
    return any(
        _may_spell(reference_value("#" + m[1].decode(), values)) for m in _character_references(raw)
    )


def _character_references(raw: bytes) -> Iterator[re.Match[bytes]]:
    """What ``_CHARACTER_REFERENCE.finditer(raw)`` finds, found from each ``#``: a one-byte
    search runs many times faster than the regular expression's scan, and ``#`` is rare (a
    file with more than :data:`HASH_STEPS` of them is scanned by the regex from there)."""
    at = raw.find(b"#", 1)
    for _ in range(HASH_STEPS):
        if at < 0:
            return
        if raw[at - 1] == 0x26 and (match := _CHARACTER_REFERENCE.match(raw, at - 1)):  # "&"
            yield match
        at = raw.find(b"#", at + 1)
    if at >= 0:  # (the matches before ended before this "#": one match holds one "#")
        yield from _CHARACTER_REFERENCE.finditer(raw, at - 1)


def _may_spell(text: str) -> bool:
    """Whether ``text`` put next to other text may give part of a ``targetNamespace``."""
    return (
        text in _WORD or _WORD in text or text.endswith(_WORD_STARTS) or text.startswith(_WORD_ENDS)
    )


def _target_before(raw: bytes, at: int) -> bool | None:
    """Whether ``target`` ends at ``at`` (True), may end there in the text of a block once a
    token :func:`read_blocks` drops is left out (None), or not (False)."""
    for letter in b"tegrat":
        at -= 1
        if at < 0 or raw[at] != letter:
            return None if at >= 0 and _token_ends(raw, at + 1) else False
    return True


def _token_ends(raw: bytes, end: int) -> bool:
    """Whether a comment, CDATA mark or example or code tag may end at ``end``."""
    if raw.endswith((b"<![CDATA[", b"]]>", b"-->"), 0, end):
        return True
    if not raw.endswith(b">", 0, end):
        return False
    start = raw.rfind(b">", 0, end - 1) + 1
    return any(raw.find(tag, start, end) >= 0 for tag in _BLOCK_TAGS)


def _assigned(raw: bytes, at: int, values: Mapping[str, str]) -> list[str] | None:
    """The values ``\\s*=\\s*'…'`` after a ``targetNamespace`` ending at ``at`` may give in
    the text of a block (none: not assigned a quoted value); None when markup, a reference
    or a character outside ASCII (a space in text) may change them."""
    assignment = _ASSIGNMENT.match(raw, at)
    stop = assignment.end() if assignment else at  # (it always matches, maybe nothing)
    if assignment is None or assignment[1] is None:
        return None if stop < len(raw) and (raw[stop] in b"&<]" or raw[stop] > 0x7F) else []
    value, closing = assignment[1], assignment[2]
    if b"&" not in value and b"<" not in value and b"]]>" not in value:
        return [value.decode("utf-8", "replace")] if value and closing else []
    if not (closing and value.startswith(b"]]>&") and value.endswith(b";<![CDATA[")):
        return None
    reference = _ENTITY_REF.fullmatch(value[3:-9].decode("utf-8", "replace"))
    if reference is None:
        return None
    name = reference[1]  # ]]>&ns;<![CDATA[: the entity, whether or not in CDATA
    text = PREDEFINED.get(name) or reference_value(name, values)
    cuts = (f"{a}{text}{b}".replace("'", '"') for a in ("", "]]>") for b in ("", "<![CDATA["))
    return [cut for value in cuts if (cut := value.split('"', 1)[0])]
