"""Facts about every XEP of a root, gathered once per process per root, lazily, from raw bytes.

Cross-document rules ask the index of the document's root: deep links, references to obsolete
XEPs, namespaces no XEP defines, schema imports (statuses, anchors, namespaces, schemas), an
inbox ProtoXEP since accepted (titles and shortnames) and what a dependency is about (the
E2EE scope). It reads each ``xep-*.xml`` and ``inbox/*.xml`` of that root once (never a file
outside it) with light regular expressions, so building it costs far less than parsing the
files. :func:`clear` forgets an index when a file of its root changes (the LSP server).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.fsio import FileRefused, read_capped
from e2ee_sig.xep.codeblocks import entity_values, read_blocks
from e2ee_sig.xep.doctype import entity_declarations
from e2ee_sig.xep.parse import MAX_BYTES

if TYPE_CHECKING:
    from e2ee_sig.xep import Document
    from e2ee_sig.xep.root import XepRoot

COMPLETE_SHARE = 0.9
INACTIVE = frozenset({"Obsolete", "Deprecated", "Retracted"})
GENERATED_IDS = frozenset(
    {
        "appendices",
        "appendix-docinfo",
        "appendix-authorinfo",
        "appendix-legal",
        "appendix-xmpp",
        "appendix-discuss",
        "appendix-conformance",
        "appendix-notes",
        "appendix-revs",
        "appendix-biblatex",
        "toc",
    }
)
"""Ids that ``xep.xsl`` gives every rendered XEP (its appendices and table of contents)."""

_FIELD = {
    name: re.compile(rb"<" + name.encode() + rb">\s*([^<]*?)\s*</" + name.encode() + rb">")
    for name in ("number", "status", "type", "shortname")
}
_SUPERSEDED_BY = re.compile(rb"<supersededby>(?:\s*<spec>([^<]*)</spec>)")
_ANCHOR = re.compile(rb"""anchor\s*=\s*(?:'([^']*)'|"([^"]*)")""")
_REGISTRAR = re.compile(
    rb"""<section1\b[^>]*topic\s*=\s*['"](?:XMPP\s+)?Registrar\s+Considerations['"]""", re.I
)
_SECTION1 = re.compile(rb"<section1\b|</xep\s*>")
_ENTITY_REF = re.compile(r"&([A-Za-z_][\w.-]*);")
NAMESPACE = re.compile(
    r"(?:urn:xmpp:[A-Za-z0-9.:_+/-]*[A-Za-z0-9]"
    r"|https?://jabber\.org/protocol/[A-Za-z0-9._/-]*[A-Za-z0-9](?:#[A-Za-z0-9_-]+)?"
    r"|jabber:(?:iq|x|client|server|component)(?::[A-Za-z0-9_.-]*[A-Za-z0-9])?)"
)
_RAW_TARGET = re.compile(rb"""targetNamespace\s*=\s*['"](?:\]\]>)?([^'"<]*?)(?:<!\[CDATA\[)?['"]""")
_TARGET = re.compile(r"""targetNamespace\s*=\s*['"]([^'"]+)['"]""")
SCHEMA_START = re.compile(r"<(?:[\w.-]+:)?schema\b[^>]*www\.w3\.org/2001/XMLSchema", re.S)
_SCHEMA_NAMESPACE = "www.w3.org/2001/XMLSchema"
HEAD_BYTES = 16384
_HEADER_FIELD = {
    name: re.compile(rf"<{name}>(.*?)</{name}>".encode(), re.S)
    for name in ("title", "shortname", "status", "type")
}
_ENTITY = re.compile(r"&[\w.-]+;")
_ABBREVIATION = re.compile(r"\s*\([^()]*\)$")
_NUMBERED = "xep-[0-9][0-9][0-9][0-9].xml"
_NO_SHORTNAME = frozenset({"not_yet_assigned", "not yet assigned", "to be assigned", "n/a", "none"})
_TARGET_NAMESPACE = re.compile(rb"""targetNamespace\s*=\s*['"]([^'"]+)['"]""")


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
    """The header values of a numbered XEP, from the first bytes of its file."""
    head = raw[:HEAD_BYTES].split(b"</header>", 1)[0]
    values = {}
    for name, pattern in _HEADER_FIELD.items():
        found = pattern.search(head)
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
    raw: bytes = field(default=b"", repr=False)
    values: dict[str, str] = field(default_factory=dict, repr=False)

    @cached_property
    def anchors(self) -> frozenset[str]:
        """Its ``anchor='…'`` values (read from the file on first use: only the XEPs that
        others link into are asked)."""
        text = _without_comments(self.raw)
        return frozenset(
            (m.group(1) or m.group(2)).decode("utf-8", "replace") for m in _ANCHOR.finditer(text)
        )

    @cached_property
    def schemas(self) -> dict[str, str]:
        """Schema text by targetNamespace (read from the file on first use; none without
        the XML Schema namespace in the file or one of its own entities)."""
        found: dict[str, str] = {}
        if b"XMLSchema" not in self.raw and not any("XMLSchema" in v for v in self.values.values()):
            return found
        for block in read_blocks(self.raw, self.values):
            if schema_start(block.text):
                target = _TARGET.search(block.text)
                if target:
                    found.setdefault(target.group(1), block.text)
        return found

    @property
    def label(self) -> str:
        return f"XEP-{self.number}" if self.number.isdigit() else self.relpath


@dataclass
class RootIndex:
    """Every XEP of one root: by number, path, title and shortname, and the namespace →
    defining XEPs maps."""

    xeps: dict[str, XepFacts] = field(default_factory=dict)
    files: list[XepFacts] = field(default_factory=list)
    definers: dict[str, list[XepFacts]] = field(default_factory=dict)
    by_path: dict[str, XepFacts] = field(default_factory=dict)
    by_number: dict[str, NumberedXep] = field(default_factory=dict)
    """The header of each ``xep-NNNN.xml`` (what titles and shortnames are compared with)."""
    schema_owners: dict[str, frozenset[str]] = field(default_factory=dict)
    """Each schema ``targetNamespace`` of the numbered XEPs, with the numbers defining it."""
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """What readers work out from the index once (kept, and forgotten, with it)."""

    @cached_property
    def by_title(self) -> dict[str, NumberedXep]:
        return {k: e for e in self.by_number.values() if (k := title_key(e.title))}

    @cached_property
    def by_shortname(self) -> dict[str, NumberedXep]:
        return {k: e for e in self.by_number.values() if (k := shortname_key(e.shortname))}

    def find(self, title: str, shortname: str) -> NumberedXep | None:
        """The numbered XEP with this title or (assigned) shortname, compared case-blind."""
        return self.by_title.get(title_key(title)) or self.by_shortname.get(
            shortname_key(shortname)
        )

    def add(self, facts: XepFacts) -> None:
        self.files.append(facts)
        self.by_path[facts.relpath] = facts
        if facts.number.isdigit() and facts.relpath.startswith("xep-"):
            self.xeps[facts.number] = facts
        for namespace in facts.namespaces:
            self.definers.setdefault(namespace, []).append(facts)

    @cached_property
    def complete(self) -> bool:
        """Whether the root holds nearly every XEP up to its highest number (a full
        xsf/xeps checkout, not a partial copy), so that "no XEP defines it" can be trusted."""
        numbers = [int(n) for n in self.xeps]
        return bool(numbers) and len(numbers) >= COMPLETE_SHARE * max(numbers)

    def defined(self, namespace: str) -> bool:
        """Whether some XEP defines ``namespace`` (or the namespace it is a part of)."""
        base = namespace.split("#", 1)[0]
        if base in self.definers:
            return True
        parts = base.split(":")
        return any(":".join(parts[:i]) in self.definers for i in range(3, len(parts)))

    @cached_property
    def _schema_order(self) -> list[XepFacts]:
        return sorted(self.files, key=lambda f: (not f.number.isdigit(), f.relpath))

    def schema_for(self, namespace: str) -> tuple[XepFacts, str] | None:
        """A schema some XEP gives for ``namespace`` (accepted XEPs first)."""
        for facts in self._schema_order:
            if namespace in facts.schemas:
                return facts, facts.schemas[namespace]
        return None


_INDEXES: dict[Path, RootIndex] = {}


def root_index(document: Document) -> RootIndex | None:
    """The index of ``document``'s XEP root (built on first use), or None without a root."""
    return index_of(document.root) if document.root is not None else None


def index_of(root: XepRoot) -> RootIndex:
    """The index of a XEP root, built on first use in this process."""
    if root.path not in _INDEXES:
        _INDEXES[root.path] = _build(root.path)
    return _INDEXES[root.path]


def clear(folder: Path | None = None) -> None:
    """Forget the index of the root ``folder`` (every index when None): a file changed."""
    if folder is None:
        _INDEXES.clear()
    else:
        _INDEXES.pop(folder.resolve(), None)


def _build(folder: Path) -> RootIndex:
    index = RootIndex()
    owners: dict[str, set[str]] = {}
    for relpath, path in _root_files(folder):
        try:
            raw = read_capped(path, MAX_BYTES)
        except FileRefused:
            continue
        index.add(read_facts(raw, relpath))
        if "/" not in relpath and fnmatchcase(relpath, _NUMBERED):
            number = relpath[4:8]
            index.by_number[number] = read_header(raw, number)
            for found in _TARGET_NAMESPACE.findall(raw) if b"targetNamespace" in raw else ():
                owners.setdefault(found.decode("utf-8", "replace"), set()).add(number)
    index.schema_owners = {ns: frozenset(numbers) for ns, numbers in owners.items()}
    return index


def _root_files(folder: Path) -> Iterator[tuple[str, str]]:
    """The root's ``xep-*.xml`` then ``inbox/*.xml`` (relative path, path), sorted by name:
    regular files of at most MAX_BYTES, symlinks only when they stay inside the root."""
    top = os.path.realpath(folder)
    for sub, pattern in (("", "xep-*.xml"), ("inbox", "*.xml")):
        where = os.path.join(folder, sub) if sub else os.fspath(folder)
        try:
            entries = sorted(os.scandir(where), key=lambda entry: entry.name)
        except OSError:
            continue
        linked_folder = bool(sub) and os.path.islink(where)
        for entry in entries:
            if not fnmatchcase(entry.name, pattern):
                continue
            try:
                if linked_folder or entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    if real != top and not real.startswith(top + os.sep):
                        continue
                if not entry.is_file() or entry.stat().st_size > MAX_BYTES:
                    continue
            except OSError:
                continue
            yield (f"{sub}/{entry.name}" if sub else entry.name), entry.path


def _field(raw: bytes, name: str) -> str:
    match = _FIELD[name].search(raw)
    return match.group(1).decode("utf-8", "replace") if match else ""


def read_facts(raw: bytes, relpath: str) -> XepFacts:
    """The facts of one XEP file, from its bytes."""
    text = _without_comments(raw)
    prolog = raw[: max(raw.find(b"<xep"), 0)]
    values = entity_values(entity_declarations(prolog) if b"<!ENTITY" in prolog else {})
    namespaces = set(registrar_namespaces(text, values))
    if b"XMLSchema" in raw:
        for match in _RAW_TARGET.finditer(raw):
            target = match.group(1).decode("utf-8", "replace")
            namespaces.add(_ENTITY_REF.sub(lambda m: values.get(m.group(1), m.group(0)), target))
    return XepFacts(
        relpath,
        _field(text, "number"),
        _field(text, "status"),
        _field(text, "type"),
        _field(text, "shortname"),
        frozenset(namespaces),
        ", ".join(
            m.decode("utf-8", "replace").strip()
            for m in (_SUPERSEDED_BY.findall(text) if b"<supersededby>" in text else ())
        ),
        raw,
        values,
    )


def _without_comments(raw: bytes) -> bytes:
    """``raw`` without its comments (what ``<!--.*?-->`` finds, found by byte searches)."""
    if b"<!--" not in raw:
        return raw
    pieces, last = [], 0
    for start, end in _comments(raw):
        pieces.append(raw[last:start])
        last = end
    pieces.append(raw[last:])
    return b"".join(pieces)


def _comments(raw: bytes) -> Iterator[tuple[int, int]]:
    at = raw.find(b"<!--")
    while at >= 0:
        end = raw.find(b"-->", at + 4)
        if end < 0:
            return  # an opener never closed: no later one closes either
        yield at, end + 3
        at = raw.find(b"<!--", end + 3)


def registrar_namespaces(raw: bytes, values: Mapping[str, str]) -> list[str]:
    """Namespaces named in the Registrar Considerations section, entities expanded."""
    start = _REGISTRAR.search(raw)
    if start is None:
        return []
    end = _SECTION1.search(raw, start.end())
    section = raw[start.start() : end.start() if end else len(raw)].decode("utf-8", "replace")
    section = _ENTITY_REF.sub(lambda m: values.get(m.group(1), m.group(0)), section)
    return NAMESPACE.findall(section)
