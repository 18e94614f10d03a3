"""The numbered XEPs of a XEP root by title and shortname, read once per root on first use.

Used to recognise an inbox ProtoXEP that has since been accepted (XEP006) and to know what a
dependency is about (the E2EE scope) without parsing every file of the root.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HEAD_BYTES = 16384
_FIELD = {
    name: re.compile(rf"<{name}>(.*?)</{name}>".encode(), re.S)
    for name in ("title", "shortname", "status", "type")
}
_ENTITY = re.compile(r"&[\w.-]+;")
_ABBREVIATION = re.compile(r"\s*\([^()]*\)$")
_NUMBERED = "xep-[0-9][0-9][0-9][0-9].xml"
_NO_SHORTNAME = frozenset({"not_yet_assigned", "not yet assigned", "to be assigned", "n/a", "none"})


@dataclass(frozen=True)
class NumberedXep:
    """What the header of ``xep-NNNN.xml`` says (values with whitespace collapsed)."""

    number: str
    title: str
    shortname: str
    status: str
    type: str


@dataclass(frozen=True)
class XepIndex:
    """Every ``xep-NNNN.xml`` of one root, by number, by title and by shortname."""

    by_number: dict[str, NumberedXep]
    by_title: dict[str, NumberedXep]
    by_shortname: dict[str, NumberedXep]

    def find(self, title: str, shortname: str) -> NumberedXep | None:
        """The numbered XEP with this title or (assigned) shortname, compared case-blind."""
        return self.by_title.get(title_key(title)) or self.by_shortname.get(
            shortname_key(shortname)
        )


def title_key(title: str) -> str:
    """A title as compared: whitespace collapsed, case folded, without a trailing
    abbreviation ("Trust Messages (TM)" is "trust messages"); '' for entity-made titles."""
    folded = _ABBREVIATION.sub("", " ".join(title.split())).casefold()
    return "" if _ENTITY.search(folded) else folded


def shortname_key(shortname: str) -> str:
    """An assigned shortname, case folded; '' for the placeholders of unassigned ones."""
    folded = " ".join(shortname.split()).casefold()
    return "" if folded in _NO_SHORTNAME else folded


def _read(path: Path) -> NumberedXep | None:
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError:
        return None
    head = head.split(b"</header>", 1)[0]
    values = {}
    for name, pattern in _FIELD.items():
        found = pattern.search(head)
        text = found.group(1).decode("utf-8", "replace") if found else ""
        values[name] = " ".join(html.unescape(text).split())
    return NumberedXep(path.name[4:8], **values)


_TARGET_NAMESPACE = re.compile(rb"""targetNamespace\s*=\s*['"]([^'"]+)['"]""")


@lru_cache(maxsize=8)
def schema_owners(root: Path) -> dict[str, frozenset[str]]:
    """Each schema ``targetNamespace`` of the root's numbered XEPs, with the numbers of the
    XEPs whose schemas define it (read once per root, on first use)."""
    owners: dict[str, set[str]] = {}
    for path in sorted(root.glob(_NUMBERED)):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for found in _TARGET_NAMESPACE.findall(data):
            owners.setdefault(found.decode("utf-8", "replace"), set()).add(path.name[4:8])
    return {namespace: frozenset(numbers) for namespace, numbers in owners.items()}


@lru_cache(maxsize=8)
def xep_index(root: Path) -> XepIndex:
    """The index of ``root`` (a XEP root folder), built on first use and kept."""
    entries = [e for p in sorted(root.glob(_NUMBERED)) if (e := _read(p)) is not None]
    by_title = {k: e for e in entries if (k := title_key(e.title))}
    by_shortname = {k: e for e in entries if (k := shortname_key(e.shortname))}
    return XepIndex({e.number: e for e in entries}, by_title, by_shortname)
