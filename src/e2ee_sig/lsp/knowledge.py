"""What the XEP checkout and the XSF process know: entities, other XEPs, statuses, anchors."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.xep import XepRoot

XEP_ENTITY = re.compile(r"xep(\d{4})")
_DECLARATION = re.compile(rb"""<!ENTITY\s+[^\s%]+\s+(["'])(.*)\1\s*>""", re.S)
_TAG = re.compile(r"<[^>]+>")
_HEADER_FIELD = re.compile(rb"<(title|status|version)>\s*([^<]*?)\s*</\1>")
ANCHOR = re.compile(rb"""\banchor\s*=\s*(["'])([^"'<>]*)\1""")
LINK = re.compile(rb"""\burl\s*=\s*(["'])#([^"'<>]*)\1""")
MAX_HEADER = 65536

STATUS_MEANINGS = {
    "ProtoXEP": "Submitted to the XSF but not yet accepted by the approving body as an "
    "Experimental XEP; lives in `inbox/` and carries the number XXXX.",
    "Experimental": "Accepted for publication; under active development, not yet a "
    "standard. Implement with care: it may change incompatibly. Deferred after twelve months "
    "without an update.",
    "Proposed": "In Last Call or under the approving body's consideration for advancement "
    "to Stable (Standards Track) or Active (other types).",
    "Stable": "Approved by the XMPP Council as a Standards Track specification (formerly "
    "'Draft'); recommended for implementation and deployment; changes need Council approval.",
    "Draft": "The former name of Stable: an approved Standards Track specification.",
    "Final": "A Standards Track XEP that has been stable and widely implemented; version "
    "2.0 or above; changes only in place and with the Council's agreement.",
    "Active": "An approved Historical, Informational, Procedural or Humorous XEP (version "
    "1.0 or above).",
    "Deferred": "An Experimental XEP not updated for twelve months; a substantive update "
    "returns it to Experimental.",
    "Retracted": "Withdrawn from consideration by its author(s); kept for reference.",
    "Rejected": "Voted down by the approving body; kept for reference.",
    "Deprecated": "Out of date: new implementations are no longer encouraged (for example, "
    "superseded by a newer XEP).",
    "Obsolete": "Should no longer be implemented or deployed.",
}


def entity_value(root: XepRoot | None, name: str) -> str | None:
    """The replacement text ``xep.ent`` gives entity ``name`` (character references kept)."""
    if root is None:
        return None
    declaration = root.entities.declarations.get(name.encode())
    if declaration is None:
        return None
    match = _DECLARATION.match(declaration)
    value = match.group(2) if match else declaration
    return value.replace(b"&#10;", b"\n").decode("utf-8", "replace")


def readable(markup: str) -> str:
    """Entity markup as plain text: tags dropped, character references resolved."""
    return " ".join(html.unescape(_TAG.sub("", markup)).split())


def entity_summary(root: XepRoot | None, name: str) -> str | None:
    """A one-line description of entity ``name``: for XEP entities the link text."""
    value = entity_value(root, name)
    if value is None:
        return None
    first = value.split("<note>", 1)[0]
    return readable(first) or readable(value)


_CATALOGUES: dict[Path, list[tuple[str, str]]] = {}


def entity_catalogue(root: XepRoot | None) -> list[tuple[str, str]]:
    """Every ``xep.ent`` entity with its one-line summary, sorted (built once per root, as
    the root's entity table is)."""
    if root is None:
        return []
    if root.path not in _CATALOGUES:
        names = sorted(name.decode("utf-8", "replace") for name in root.entities.declarations)
        _CATALOGUES[root.path] = [(name, entity_summary(root, name) or "") for name in names]
    return _CATALOGUES[root.path]


@dataclass(frozen=True)
class XepFacts:
    """Title, status and latest version of another XEP in the checkout."""

    path: Path
    title: str
    status: str
    version: str


_FACTS: dict[Path, tuple[float, XepFacts]] = {}


def xep_file(root: XepRoot | None, number: str) -> Path | None:
    if root is None:
        return None
    path = root.path / f"xep-{number}.xml"
    return path if path.is_file() else None


def xep_facts(root: XepRoot | None, number: str) -> XepFacts | None:
    """What the header of ``xep-NNNN.xml`` in the checkout says (read once per change)."""
    path = xep_file(root, number)
    if path is None:
        return None
    try:
        mtime = path.stat().st_mtime
        cached = _FACTS.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        with path.open("rb") as stream:
            head = stream.read(MAX_HEADER)
    except OSError:
        return None
    head = head.split(b"</header>", 1)[0]
    found: dict[bytes, str] = {}
    for match in _HEADER_FIELD.finditer(head):
        found.setdefault(
            match.group(1), " ".join(match.group(2).decode("utf-8", "replace").split())
        )
    facts = XepFacts(
        path, found.get(b"title", "?"), found.get(b"status", "?"), found.get(b"version", "?")
    )
    _FACTS[path] = (mtime, facts)
    return facts


def anchors(raw: bytes) -> dict[str, tuple[int, int]]:
    """Each ``anchor='…'`` value of the document with the byte span of the value."""
    found: dict[str, tuple[int, int]] = {}
    for match in ANCHOR.finditer(raw):
        name = match.group(2).decode("utf-8", "replace")
        found.setdefault(name, (match.start(2), match.end(2)))
    return found


def anchor_links(raw: bytes, name: str) -> list[tuple[int, int]]:
    """Byte spans of ``name`` in every ``url='#name'`` of the document."""
    wanted = name.encode()
    return [(m.start(2), m.end(2)) for m in LINK.finditer(raw) if m.group(2) == wanted]
