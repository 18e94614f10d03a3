"""Scan the prolog and internal DTD subset of a XEP's raw bytes.

The parser never lets libxml2 load ``xep.ent`` itself (330 KB for every file); instead the
``%ents;`` reference in the internal subset is replaced, on the same line, by the few entity
declarations the document actually uses. This module finds where that reference is and what
else the internal subset declares.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

_DOCTYPE_START = re.compile(
    rb"""(?:\xef\xbb\xbf)?+(?:\s+|<!--.*?-->|<\?.*?\?>)*+  # the prolog (possessive:
    <!DOCTYPE\s+(?P<name>[^\s\[>]+)                        # never matched another way)
    (?:\s+(?:SYSTEM|PUBLIC\s+(?:"[^"]*"|'[^']*'))\s+(?P<system>"[^"]*"|'[^']*'))?
    \s*(?:(?P<bracket>\[)|(?P<close>>))?""",
    re.X | re.S,
)
_XEP_ENT_SUBSET = re.compile(
    rb"""\s*<!ENTITY\s+%\s+(?P<pe>[A-Za-z_][\w.-]*)\s+SYSTEM\s+(?:'xep\.ent'|"xep\.ent")\s*>
    \s*(?P<ref>%(?P=pe);)\s*\](?P<close>\s*>)?""",
    re.X,
)
"""The internal subset nearly every XEP has: ``%ents;`` declared as ``xep.ent`` and used."""
_DECLARATION_END = re.compile(rb"\s*>")
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
_SPACES = b" \t\n\r\x0b\x0c"  # (what ``\s`` matches in bytes)
_SPACE_REACH = 64


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
    end: int | None = None
    """Where the DOCTYPE ends (after its ``>``) when the scan read it all as XML has it: no
    quote in its name, no ``]`` in a parameter-entity reference (None: not read so)."""

    @property
    def references_xep_ent(self) -> bool:
        return bool(self.ents_refs)


def _unquote(literal: bytes) -> str:
    return literal[1:-1].decode("utf-8", "replace")


def scan_doctype(raw: bytes) -> Doctype | None:
    """Return the DOCTYPE of ``raw`` (an ASCII-compatible encoding), or None if it has none."""
    start = _DOCTYPE_START.match(raw)
    if start is None:
        return None
    system = start.group("system")
    doctype = Doctype(
        name=start.group("name").decode("utf-8", "replace"),
        system=_unquote(system) if system else None,
        has_subset=start.group("bracket") is not None,
    )
    end = start.end("close")  # (-1: not found)
    if doctype.has_subset:
        usual = _XEP_ENT_SUBSET.match(raw, start.end())
        if usual is None:
            subset_end = _scan_subset(raw, start.end(), doctype)
            close = _DECLARATION_END.match(raw, subset_end) if subset_end is not None else None
            end = close.end() if close is not None else -1
        else:  # what _scan_subset finds in it, from one match
            doctype.ents_refs.append(usual.span("ref"))
            doctype.declared_ents_pe = True
            end = usual.end("close")
    if end >= 0 and "'" not in doctype.name and '"' not in doctype.name:
        doctype.end = end
    return doctype


def _scan_subset(raw: bytes, pos: int, doctype: Doctype) -> int | None:
    """Note what the internal subset from ``pos`` declares; where its ``]`` ends (None: the
    scan stopped before it, or a parameter-entity reference's name holds a ``]``)."""
    ents_pes: set[bytes] = set()
    plain = True
    while pos < len(raw):
        token = _SUBSET_TOKEN.match(raw, pos)
        if token is None:
            return None
        if token.group("end"):
            return token.end() if plain else None
        decl = token.group("decl")
        if decl is not None:
            _note_declaration(decl, token.start(), doctype, ents_pes)
        elif (name := token.group("pename")) is not None:
            plain = plain and name.find(b"]") < 0
            if name in ents_pes:
                doctype.ents_refs.append((token.start(), token.end()))
        pos = token.end()
    return None


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
    if b"<!--" not in text and not _may_declare_general(text):
        return {}  # (the usual prolog: only the ``%ents;`` parameter entity)
    declarations: dict[bytes, bytes] = {}
    for match in _ENTITY_DECL.finditer(_strip_comments(text)):
        if match.group("pe") is None and match.group("value") is not None:
            declarations.setdefault(match.group("name"), match.group(0) + b">")
    return declarations


def _may_declare_general(text: bytes) -> bool:
    """Whether some ``<!ENTITY`` of ``text`` may start a general entity's declaration: one
    not followed by spaces and a ``%`` (checked over a bounded reach; a comment could join
    the pieces of one, so the caller asks only of text without comments)."""
    at = text.find(b"<!ENTITY")
    while at >= 0:
        after = text[at + 8 : at + 8 + _SPACE_REACH]
        if not (after[:1].isspace() and after.lstrip(_SPACES).startswith(b"%")):
            return True
        at = text.find(b"<!ENTITY", at + 8)
    return False


def _strip_comments(text: bytes) -> bytes:
    return re.sub(rb"<!--.*?-->", b"", text, flags=re.S)


_URL_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):")


def system_path(system: str, document: Path) -> Path | None:
    """The file ``xmllint --nonet`` loads for the DOCTYPE system identifier ``system`` of the
    file ``document``: relative to the document's folder (percent-escapes decoded), a
    ``file:`` URL's path, or None for a network URL (which ``--nonet`` refuses)."""
    scheme = _URL_SCHEME.match(system)
    if scheme and len(scheme["scheme"]) > 1:  # one letter: a Windows drive, not a scheme
        if scheme["scheme"].lower() != "file":
            return None
        return Path(unquote(urlsplit(system).path))
    return Path(os.path.normpath(os.path.join(os.path.dirname(document), unquote(system))))


def system_dtd_problem(system: str | None, document: Path, root: Path) -> str | None:
    """Why ``xmllint --nonet --valid`` would not validate ``document`` against the XEP root's
    ``xep.dtd`` through its DOCTYPE ``system`` identifier; None when it would.

    The identifier is resolved the way xmllint resolves it (relative to the file, not by its
    base name). A DTD elsewhere in the root passes when its bytes are the root's ``xep.dtd``;
    one outside the root is never read.
    """
    if not system:
        return "the DOCTYPE names no DTD (no system identifier)"
    path = system_path(system, document)
    if path is None:
        return f"the DOCTYPE's DTD {system!r} is a network URL: xmllint --nonet cannot load it"
    dtd = root / "xep.dtd"
    real, real_dtd = os.path.realpath(path), os.path.realpath(dtd)
    if real == real_dtd:
        return None
    if not os.path.isfile(real):
        return f"the DOCTYPE's DTD {system!r} resolves to {path}, which does not exist"
    if not real.startswith(os.path.realpath(root) + os.sep):
        return f"the DOCTYPE's DTD {system!r} is outside the XEP root (not read)"
    from e2ee_sig.fsio import FileRefused, read_capped

    try:
        same = read_capped(real, 1 << 20) == read_capped(real_dtd, 1 << 20)
    except FileRefused as error:
        return f"the DOCTYPE's DTD {system!r} cannot be read: {error.reason}"
    return None if same else f"the DOCTYPE's DTD {system!r} is not the XEP root's xep.dtd"
