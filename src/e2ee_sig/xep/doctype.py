"""Scan the prolog and internal DTD subset of a XEP's raw bytes.

The parser never lets libxml2 load ``xep.ent`` itself (330 KB for every file); instead the
``%ents;`` reference in the internal subset is replaced, on the same line, by the few entity
declarations the document actually uses. This module finds where that reference is and what
else the internal subset declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PROLOG_TOKEN = re.compile(
    rb"""\s+|<!--.*?-->|<\?.*?\?>""",
    re.S,
)
_DOCTYPE_START = re.compile(
    rb"""<!DOCTYPE\s+(?P<name>[^\s\[>]+)
    (?:\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+(?P<system>"[^"]*"|'[^']*'))?
    \s*(?P<bracket>\[)?""",
    re.X,
)
_SUBSET_TOKEN = re.compile(
    rb"""(?P<space>\s+)
    |(?P<comment><!--.*?-->)
    |(?P<pi><\?.*?\?>)
    |(?P<decl><!(?:[^'"<>]|"[^"]*"|'[^']*')*>)
    |(?P<peref>%(?P<pename>[^\s;%&<>'"]+);)
    |(?P<end>\])""",
    re.S | re.X,
)
_ENTITY_DECL = re.compile(
    rb"""<!ENTITY\s+(?P<pe>%\s+)?(?P<name>[^\s%]+)\s+
    (?:(?P<value>"[^"]*"|'[^']*')
      |(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+(?P<system>"[^"]*"|'[^']*'))""",
    re.X | re.S,
)
XEP_ENT = "xep.ent"


@dataclass
class ExternalEntity:
    """An entity declared with SYSTEM/PUBLIC in the internal subset."""

    name: str
    system: str
    parameter: bool
    offset: int


@dataclass
class Doctype:
    """What the DOCTYPE of a document says, with byte offsets into the raw file."""

    name: str
    system: str | None
    has_subset: bool
    ents_refs: list[tuple[int, int]] = field(default_factory=list)
    external: list[ExternalEntity] = field(default_factory=list)
    declares_elements: bool = False
    declared_ents_pe: bool = False

    @property
    def references_xep_ent(self) -> bool:
        return bool(self.ents_refs)


def _unquote(literal: bytes) -> str:
    return literal[1:-1].decode("utf-8", "replace")


def scan_doctype(raw: bytes) -> Doctype | None:
    """Return the DOCTYPE of ``raw`` (an ASCII-compatible encoding), or None if it has none."""
    pos = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    while True:
        token = _PROLOG_TOKEN.match(raw, pos)
        if token is None or token.end() == pos:
            break
        pos = token.end()
    start = _DOCTYPE_START.match(raw, pos)
    if start is None:
        return None
    system = start.group("system")
    doctype = Doctype(
        name=start.group("name").decode("utf-8", "replace"),
        system=_unquote(system) if system else None,
        has_subset=start.group("bracket") is not None,
    )
    if doctype.has_subset:
        _scan_subset(raw, start.end(), doctype)
    return doctype


def _scan_subset(raw: bytes, pos: int, doctype: Doctype) -> None:
    ents_pes: set[bytes] = set()
    while pos < len(raw):
        token = _SUBSET_TOKEN.match(raw, pos)
        if token is None or token.group("end"):
            return
        decl = token.group("decl")
        if decl is not None:
            _note_declaration(decl, token.start(), doctype, ents_pes)
        elif token.group("peref") is not None and token.group("pename") in ents_pes:
            doctype.ents_refs.append((token.start(), token.end()))
        pos = token.end()


def _note_declaration(decl: bytes, offset: int, doctype: Doctype, ents_pes: set[bytes]) -> None:
    if decl.startswith((b"<!ELEMENT", b"<!ATTLIST")):
        doctype.declares_elements = True
        return
    entity = _ENTITY_DECL.match(decl)
    if entity is None or entity.group("system") is None:
        return
    system = _unquote(entity.group("system"))
    parameter = entity.group("pe") is not None
    if parameter and system.replace("\\", "/").rsplit("/", 1)[-1] == XEP_ENT:
        ents_pes.add(entity.group("name"))
        doctype.declared_ents_pe = True
        return
    doctype.external.append(
        ExternalEntity(entity.group("name").decode("utf-8", "replace"), system, parameter, offset)
    )


def entity_declarations(text: bytes) -> dict[bytes, bytes]:
    """Map each general entity declared with a literal value in ``text`` to its declaration."""
    declarations: dict[bytes, bytes] = {}
    for match in _ENTITY_DECL.finditer(_strip_comments(text)):
        if match.group("pe") is None and match.group("value") is not None:
            declarations.setdefault(match.group("name"), match.group(0) + b">")
    return declarations


def _strip_comments(text: bytes) -> bytes:
    return re.sub(rb"<!--.*?-->", b"", text, flags=re.S)
