"""The text of every ``<example>`` and ``<code>`` block, read from a XEP file's raw bytes.

A block's text is its content with CDATA unwrapped, character references and ``&lt;``-style
escapes decoded and entity references between CDATA sections (``]]>&ns;<![CDATA[``) replaced
by their value. Each piece of that text remembers the byte offset it came from, so a problem
found at text offset *i* is reported at the exact line and column of the XEP file.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

_TOKEN = re.compile(
    rb"<!--[^-]*(?:-(?!->)[^-]*)*-->"  # a comment
    rb"|<!\[CDATA\[([^\]]*(?:\](?!\]>)[^\]]*)*)\]\]>"  # a CDATA section
    rb"|<(example|code)\b((?:[^>/]++|/(?!>))*+)(/?)>|</(example|code)\s*>",
)
"""Comments, CDATA sections, and example and code tags. A comment or CDATA section ends at
the first ``-->`` or ``]]>``, as with a lazy ``.*?``, written as a loop the regex engine runs
over whole runs of other bytes (twice as fast as ``.*?``, which tries the end at every byte).
So do a start tag's attributes, as with a lazy ``[^>]*?`` (which tries ``/?>`` at every byte:
most of the cost of reading a block's start tag), possessively (nothing to give back)."""
_OUTSIDE = re.compile(rb"<(?:!|example\b|code\b)")
"""Where a token that matters outside a block may start (an end tag there changes nothing):
each alternative starts with a literal, which the regex engine rules out at once at the
other ``<`` (the tags of the prose), instead of trying :data:`_TOKEN`'s groups there."""
_PLAIN_BODY = re.compile(
    rb"([^<&]*)<!\[CDATA\[([^\]]*(?:\](?!\]>)[^\]]*)*)\]\]>([^<&]*)</(example|code)\s*>"
)
"""What most blocks hold after their start tag: one CDATA section, text with no markup or
reference around it, and an end tag (read in one match; the kind of the end tag is checked)."""
_BLOCK = re.compile(
    rb"<(example|code)\b(?:[^>/]++|/(?!>))*+(?:(/)>"
    rb"|>([^<&]*)<!\[CDATA\[([^\]]*(?:\](?!\]>)[^\]]*)*)\]\]>([^<&]*)</\1\s*>|>)"
)
"""A block's start tag as :data:`_TOKEN` reads it (group 2: the ``/`` of an empty element),
with the rest of the block when it is what :data:`_PLAIN_BODY` reads, closed by its own kind
(groups 3-5): most blocks are read by this one match, not by one for the tag and one for the
rest. (A third branch, not an optional group, takes a tag without that rest: the regex engine
runs an optional group holding groups as a loop, which costs more.)"""
_BANG = ord("!")
"""What follows ``<`` in a comment or CDATA section (then :data:`_TOKEN` reads it)."""
_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][\w.:-]*);")
_ENTITY_VALUE = re.compile(rb"""<!ENTITY\s+\S+\s+(?:"([^"]*)"|'([^']*)')""", re.S)
_CAPTION = re.compile(rb"""\bcaption\s*=\s*(?:"([^"]*)"|'([^']*)')""")
PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class Piece(NamedTuple):
    """Text ``[text_start, text_start + length)`` came from raw bytes at ``raw_start``;
    ``exact`` pieces map character by character, others (entity expansions) to their start."""

    text_start: int
    raw_start: int
    exact: bool


@dataclass(slots=True, eq=False)
class Block:
    """One ``<example>`` or ``<code>`` element: its text and where each part of it came from."""

    kind: str
    raw_start: int
    _caption: str | None = field(repr=False)
    """The ``caption`` attribute's value; None: not read yet (see :attr:`caption`)."""
    text: str = ""
    has_markup: bool = False
    """The element holds real child elements (not only CDATA and text): not a code sample."""
    _pieces: list[Piece] | None = field(default=None, repr=False)
    _source: tuple[bytes, int, Mapping[str, str]] | None = field(default=None, repr=False)
    """Where to read the pieces from when first asked: (raw, body start, entities)."""
    _starts: list[int] | None = field(default=None, repr=False)
    _raw: bytes = field(default=b"", repr=False)
    """The bytes the block was read from (its start tag at :attr:`raw_start`)."""

    @property
    def caption(self) -> str:
        """The value of the start tag's ``caption`` attribute, read from the file when first
        asked (no rule asks: reading each block's caption took a sixth of reading the blocks)."""
        if self._caption is None:
            token = _TOKEN.match(self._raw, self.raw_start)
            self._caption = _caption(_CAPTION.search(token.group(3))) if token else ""
        return self._caption

    @property
    def pieces(self) -> list[Piece]:
        """Where each part of :attr:`text` came from, read again from the file when first
        asked (only findings ask: a block is read without them)."""
        if self._pieces is None:
            again = Block(self.kind, self.raw_start, self._caption, _pieces=[])
            if self._source is not None:
                _read_body(again, *self._source, pieces=True)
            self._pieces = again.pieces
        return self._pieces

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Block):
            return NotImplemented
        return _fields(self) == _fields(other)

    def raw_offset(self, index: int) -> int:
        """The byte offset in the file of text offset ``index``."""
        pieces = self.pieces
        if not pieces:
            return self.raw_start
        if self._starts is None or len(self._starts) != len(pieces):
            self._starts = [p.text_start for p in pieces]
        piece = pieces[max(bisect_right(self._starts, index) - 1, 0)]
        if not piece.exact:
            return piece.raw_start
        return piece.raw_start + len(self.text[piece.text_start : index].encode("utf-8"))


def _fields(block: Block) -> tuple[object, ...]:
    return (block.kind, block.raw_start, block.caption, block.text, block.pieces, block.has_markup)


_new = tuple.__new__
"""``_new(Piece, (text_start, raw_start, exact))`` is ``Piece(text_start, raw_start, exact)``
without the Python frame of a named tuple's ``__new__`` (a block has a piece or more), and
without a ``functools.partial`` call in between."""


def entity_values(declarations: dict[bytes, bytes]) -> dict[str, str]:
    """Each entity's literal value, from its ``<!ENTITY name 'value'>`` declaration."""
    values: dict[str, str] = {}
    for name, declaration in declarations.items():
        match = _ENTITY_VALUE.match(declaration)
        if match:
            value = (match.group(1) or match.group(2) or b"").decode("utf-8", "replace")
            values[name.decode("utf-8", "replace")] = value
    return values


def read_blocks(raw: bytes, entities: Mapping[str, str] | None = None) -> list[Block]:
    """The example and code blocks of ``raw`` (comments skipped, nesting not expected)."""
    entities = entities or {}
    found: list[Block] = []
    last = 0
    while (lead := _OUTSIDE.search(raw, last)) is not None:
        # only comments, CDATA sections and start tags matter here
        start = lead.start()
        hidden = raw[start + 1] == _BANG  # a comment or CDATA section, if any
        token = (_TOKEN if hidden else _BLOCK).match(raw, start)
        if token is None:
            last = start + 1
            continue
        last = token.end()
        if hidden:
            continue
        block = Block(token.group(1).decode(), start, None)
        block._raw = raw  # (its caption is read when asked)
        found.append(block)
        if token.start(3) >= 0:  # the whole block at once (as _read_body reads it)
            block._source = (raw, token.start(3), entities)  # (the pieces are read when asked)
            before, cdata, after = token.group(3, 4, 5)
            block.text = cdata.decode("utf-8", "replace")
            if before or after:
                block.text = "".join(p.decode("utf-8", "replace") for p in (before, cdata, after))
        elif token.start(2) < 0:  # (not an empty element)
            block._source = (raw, last, entities)
            last = _read_body(block, raw, last, entities, pieces=False)
    return found


def _read_body(
    block: Block, raw: bytes, last: int, entities: Mapping[str, str], pieces: bool
) -> int:
    """Read the content of ``block`` from ``last`` (its start tag's end) to its end tag, with
    its :attr:`~Block.pieces` or without them (its text alone); where the reading stopped."""
    kind = block.kind.encode()
    body = _PLAIN_BODY.match(raw, last)
    if body is not None and body.group(4) == kind:  # the whole block at once
        if pieces:
            _add_plain(block, body)
        else:
            before, cdata, after = body.group(1, 2, 3)
            block.text = cdata.decode("utf-8", "replace")
            if before or after:
                block.text = "".join(p.decode("utf-8", "replace") for p in (before, cdata, after))
        return body.end()
    block.text = ""
    texts: list[str] = []
    while (token := _TOKEN.search(raw, last)) is not None:
        start = token.start()
        if start > last:
            if pieces:
                _add_text(block, raw, last, start, entities)
            else:
                texts.append(_text(block, raw[last:start].decode("utf-8", "replace"), entities))
        last = token.end()
        if token.start(1) >= 0:  # a CDATA section
            if pieces:
                _add(block, token.group(1).decode("utf-8", "replace"), token.start(1), True)
            else:
                texts.append(token.group(1).decode("utf-8", "replace"))
        elif token.group(5) == kind:
            break
    if not pieces:
        block.text = "".join(texts)
    return last


def _caption(match: re.Match[bytes] | None) -> str:
    if match is None:
        return ""
    value = match.group(1) or match.group(2) or b""
    text = value.decode("utf-8", "replace")
    return html.unescape(text) if b"&" in value else text


def _add_plain(block: Block, body: re.Match[bytes]) -> None:
    """Add the text of a block :data:`_PLAIN_BODY` read, as :func:`_add` would piece by
    piece (built at once: most blocks are read so)."""
    texts: list[str] = []
    length = 0
    pieces = block.pieces
    for group, part in enumerate(body.groups()[:3], 1):
        if part:  # (a non-empty part decodes to a non-empty text)
            text = part.decode("utf-8", "replace")
            pieces.append(_new(Piece, (length, body.start(group), True)))
            texts.append(text)
            length += len(text)
    block.text = "".join(texts)


def _add(block: Block, text: str, raw_start: int, exact: bool) -> None:
    if text:
        block.pieces.append(_new(Piece, (len(block.text), raw_start, exact)))
        block.text += text


_PREDEFINED_REFERENCES = ("&lt;", "&gt;", "&quot;", "&apos;", "&amp;")
"""The references :func:`_text` replaces one kind at a time, ``&amp;`` last (its ``&`` starts
no other reference then)."""


def _text(block: Block, text: str, entities: Mapping[str, str]) -> str:
    """Character data outside CDATA as :func:`_add_text` adds it (references decoded, real
    markup noted), without pieces: when each ``&`` starts a predefined entity's reference,
    one replacement a kind."""
    if "<" in text:
        block.has_markup = True
    if "&" not in text:
        return text
    if text.count("&") == sum(text.count(reference) for reference in _PREDEFINED_REFERENCES):
        for reference in _PREDEFINED_REFERENCES:
            text = text.replace(reference, PREDEFINED[reference[1:-1]])
        return text
    known = dict(PREDEFINED)  # each name's value, found once per text
    parts = _REFERENCE.split(text)  # plain text, a reference's name, plain text, ...
    for index in range(1, len(parts), 2):
        name = parts[index]
        value = known.get(name)
        if value is None:
            value = known[name] = reference_value(name, entities)
        parts[index] = value
    return "".join(parts)


def _add_text(block: Block, raw: bytes, start: int, end: int, entities: Mapping[str, str]) -> None:
    """Add character data outside CDATA: decode references, note real markup."""
    text = raw[start:end].decode("utf-8", "replace")
    if "<" in text:
        block.has_markup = True
    if "&" not in text:  # no reference: the text as it stands
        _add(block, text, start, True)
        return
    added: list[str] = []  # joined once: a text with many references is not copied for each
    pieces, length, raw_at = block.pieces, len(block.text), start  # raw_at: the next byte
    known = dict(PREDEFINED)  # each name's value, found once per text
    ascii = text.isascii()  # (then a character is a byte)
    parts = _REFERENCE.split(text)  # plain text, a reference's name, plain text, ...
    for index in range(1, len(parts), 2):
        plain, name = parts[index - 1], parts[index]
        if plain:
            pieces.append(_new(Piece, (length, raw_at, True)))
            added.append(plain)
            length += len(plain)
            raw_at += len(plain) if ascii else len(plain.encode())
        value = known.get(name)
        if value is None:
            value = known[name] = reference_value(name, entities)
        if value:
            pieces.append(_new(Piece, (length, raw_at, False)))
            added.append(value)
            length += len(value)
        raw_at += 2 + (len(name) if ascii else len(name.encode()))
    if parts[-1]:
        pieces.append(_new(Piece, (length, raw_at, True)))
        added.append(parts[-1])
    block.text += "".join(added)


def reference_value(name: str, entities: Mapping[str, str]) -> str:
    """The text a reference ``&name;`` (not a predefined entity's) stands for."""
    if name.startswith("#"):
        return html.unescape(f"&{name};")
    return _entity_text(entities.get(name, "\u2026"))


def _entity_text(value: str) -> str:
    """An entity's value as text; markup (a citation, a note) stands for elided text."""
    if "&" in value:  # (a substitution with nothing to replace still costs a call per use)
        value = _REFERENCE.sub(lambda m: html.unescape(m.group(0)), value)
    return "\u2026" if "<" in value else value
