"""Facts about every XEP of a root, gathered once per process per root, lazily, from raw bytes.

Cross-document rules ask the index of the document's root: deep links, references to obsolete
XEPs, namespaces no XEP defines, schema imports (statuses, anchors, namespaces, schemas), an
inbox ProtoXEP since accepted (titles and shortnames) and what a dependency is about (the
E2EE scope). It reads each ``xep-*.xml`` and ``inbox/*.xml`` of that root once (never a file
outside it) with light regular expressions (:mod:`e2ee_sig.xep.facts`), so building it
costs far less than parsing the files. :func:`clear` forgets an index when a file of its root
changes (the LSP server).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.fsio import FileRefused, read_capped
from e2ee_sig.xep.facts import (
    TARGET_NAMESPACE,
    TARGET_WORD,
    NumberedXep,
    XepFacts,
    matches_at,
    occurrences,
    read_facts,
    read_header,
    shortname_key,
    title_key,
)
from e2ee_sig.xep.root import MAX_BYTES

if TYPE_CHECKING:
    from e2ee_sig.background import Background
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

_NUMBERED = "xep-[0-9][0-9][0-9][0-9].xml"


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
    def _schema_sources(self) -> tuple[dict[str, list[XepFacts]], list[XepFacts]]:
        """The files that may give a schema for each namespace (see
        :attr:`XepFacts.schema_targets`), and those that cannot tell, each in lookup order."""
        sources: dict[str, list[XepFacts]] = {}
        unsure = []
        for facts in sorted(self.files, key=_schema_rank):
            if facts.schema_targets is None:
                unsure.append(facts)
            else:
                for namespace in facts.schema_targets:
                    sources.setdefault(namespace, []).append(facts)
        return sources, unsure

    def schema_for(self, namespace: str) -> tuple[XepFacts, str] | None:
        """A schema some XEP gives for ``namespace`` (accepted XEPs first); only the files
        that may give one read their schemas."""
        sources, unsure = self._schema_sources
        candidates = sources.get(namespace, [])
        if unsure:
            candidates = sorted(candidates + unsure, key=_schema_rank)
        for facts in candidates:
            if namespace in facts.schemas:
                return facts, facts.schemas[namespace]
        return None


def _schema_rank(facts: XepFacts) -> tuple[bool, str]:
    return not facts.number.isdigit(), facts.relpath


_INDEXES: dict[Path, RootIndex] = {}
_BUILDING: dict[Path, _Building] = {}
BACKGROUND_MIN_FILES = 48  # a smaller root's index costs less than a forked process
BACKGROUND_PARTS = 2  # the rules load on one core meanwhile: two halves keep both busy


def root_index(document: Document) -> RootIndex | None:
    """The index of ``document``'s XEP root (built on first use), or None without a root."""
    return index_of(document.root) if document.root is not None else None


def index_of(root: XepRoot) -> RootIndex:
    """The index of a XEP root, built on first use in this process (or assembled from what
    the processes :func:`build_in_background` started have read)."""
    if root.path not in _INDEXES:
        building = _BUILDING.pop(root.path, None)
        _INDEXES[root.path] = building.result() if building else _build(root.path)
    return _INDEXES[root.path]


def build_in_background(root: XepRoot, with_schemas: bool = True) -> None:
    """Start reading a large root's files in forked processes (each a share of them), so
    that its index is ready, or nearly, when :func:`index_of` first asks for it; with
    ``with_schemas``, the schemas of the files whose bytes cannot tell which namespaces they
    give one for too (see :func:`_read`: worth it when several workers would each read them,
    not for a run of a few files that may never ask)."""
    if root.path in _INDEXES or root.path in _BUILDING:
        return
    files = list(_root_files(root.path))
    if sum("/" not in relpath for relpath, _, _ in files) < BACKGROUND_MIN_FILES:
        return
    from e2ee_sig.background import Background

    shares = [files[part::BACKGROUND_PARTS] for part in range(BACKGROUND_PARTS)]
    readers = [Background.start(partial(_read, share, root.path, with_schemas)) for share in shares]
    _BUILDING[root.path] = _Building(root.path, files, shares, readers)


def stop_background() -> None:
    """Stop the index builds nobody asked for."""
    while _BUILDING:
        _BUILDING.popitem()[1].cancel()


def clear(folder: Path | None = None) -> None:
    """Forget the index of the root ``folder`` (every index when None): a file changed."""
    if folder is None:
        _INDEXES.clear()
        stop_background()
    else:
        _INDEXES.pop(folder.resolve(), None)
        if building := _BUILDING.pop(folder.resolve(), None):
            building.cancel()


_Read = tuple[str, XepFacts, NumberedXep | None, list[str]]
"""One file as read for the index: its relative path, facts, header when it is numbered, and
the schema ``targetNamespace`` values it defines."""


@dataclass
class _Building:
    """An index being read by forked processes, a share of the files each (every
    :data:`BACKGROUND_PARTS`-th file, so that each share costs about the same)."""

    folder: Path
    files: list[tuple[str, str, bool]]
    shares: list[list[tuple[str, str, bool]]]
    readers: list[Background[list[_Read]] | None]

    def result(self) -> RootIndex:
        """The index, with the share of a process that failed (or never started) read here."""
        read: dict[str, _Read] = {}
        for share, reader in zip(self.shares, self.readers, strict=True):
            got = reader.result() if reader is not None else None
            for item in got if got is not None else _read(share, self.folder):
                read[item[0]] = item
        return _assemble(read[relpath] for relpath, _, _ in self.files if relpath in read)

    def cancel(self) -> None:
        for reader in self.readers:
            if reader is not None:
                reader.cancel()


def _build(folder: Path) -> RootIndex:
    return _assemble(_read(list(_root_files(folder)), folder))


def _read(
    files: list[tuple[str, str, bool]], folder: Path, with_schemas: bool = False
) -> list[_Read]:
    """What the index needs of each of ``files`` (see :func:`_root_files`), in order: those
    that cannot be read, or are links out of the root ``folder``, are left out. With
    ``with_schemas`` (a process reading for others), the schemas of each file whose bytes
    cannot tell which namespaces it gives one for (:attr:`XepFacts.schema_targets`) too:
    every lookup asks those files for theirs, and a copy of the facts would have to read
    them again, in every worker."""
    top = os.path.realpath(folder)
    found = []
    for relpath, path, in_linked_folder in files:
        if in_linked_folder or os.path.islink(path):
            real = os.path.realpath(path)
            if real != top and not real.startswith(top + os.sep):
                continue
        try:
            raw = read_capped(path, MAX_BYTES)
        except FileRefused:
            continue
        header, targets, starts = None, [], None
        if "/" not in relpath and fnmatchcase(relpath, _NUMBERED):
            header = read_header(raw, relpath[4:8])
            starts = occurrences(raw, TARGET_WORD)  # (read_facts looks for it too)
            targets = [
                m[1].decode("utf-8", "replace") for m in matches_at(TARGET_NAMESPACE, raw, starts)
            ]
        facts = read_facts(raw, relpath, path, starts)
        if with_schemas and facts.schema_targets is None:
            facts.schemas  # noqa: B018  (a cached property: sent along with the facts)
        found.append((relpath, facts, header, targets))
    return found


def _assemble(files: Iterable[_Read]) -> RootIndex:
    index = RootIndex()
    owners: dict[str, set[str]] = {}
    for _, facts, header, targets in files:
        index.add(facts)
        if header is not None:
            index.by_number[header.number] = header
            for namespace in targets:
                owners.setdefault(namespace, set()).add(header.number)
    index.schema_owners = {ns: frozenset(numbers) for ns, numbers in owners.items()}
    return index


def _root_files(folder: Path) -> Iterator[tuple[str, str, bool]]:
    """The root's ``xep-*.xml`` then ``inbox/*.xml`` (relative path, path, whether the folder
    is a link), sorted by name; :func:`_read` checks each (a regular file of at most
    MAX_BYTES, a link only when it stays inside the root)."""
    for sub, pattern in (("", "xep-*.xml"), ("inbox", "*.xml")):
        where = os.path.join(folder, sub) if sub else os.fspath(folder)
        try:
            names = sorted(name for name in os.listdir(where) if fnmatchcase(name, pattern))
        except OSError:
            continue
        linked_folder = bool(sub) and os.path.islink(where)
        for name in names:
            yield (f"{sub}/{name}" if sub else name), os.path.join(where, name), linked_folder
