"""Locate the XEP root (the folder holding ``xep.dtd`` and ``xep.ent``) and cache what it gives.

One :class:`XepRoot` per folder per process: ``xep.ent`` is read and indexed once, the DTD
compiled once, and every document parsed afterwards borrows them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from e2ee_sig.fsio import FileRefused, display_name, read_capped
from e2ee_sig.lazy import cached_property
from e2ee_sig.xep.doctype import entity_declarations, system_dtd_problem

if TYPE_CHECKING:
    from lxml import etree

DTD_NAME = "xep.dtd"
ENT_NAME = "xep.ent"
SHARED_FILES = (ENT_NAME, DTD_NAME, "xep.xsl")  # the Editor's files beside the XEPs
_REFERENCE = re.compile(rb"&([A-Za-z_:][\w.\-:]*);")
_PREDEFINED = (b"amp", b"lt", b"gt", b"quot", b"apos")  # XML's own: no declaration needed
_OTHER_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_:][\w.\-:]*);")
MAX_BYTES = 10 * 1024 * 1024
"""The most bytes read of a XEP file (a larger one is refused)."""
MAX_ENT_BYTES = 16 * 1024 * 1024
_SCAN_REACH = 2048  # bytes the reference regex reads past an ``&`` before a skip is tried
_MIN_REAL_FILE = 64  # git stores symlinks as tiny text files ("../xep.dtd") on some checkouts


def _is_real(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size >= _MIN_REAL_FILE
    except OSError:
        return False


def entity_references(data: bytes, predefined: bool = True) -> set[bytes]:
    """Names of the general entities referenced in ``data``; the five predefined ones
    (``&amp;``, ``&lt;``, …, thousands in a XEP's examples) only when ``predefined``.

    The regex reads from an ``&`` to the end of a line some way on, then ``bytes.find`` skips
    to the next ``&``: a XEP's ``&``s come in clusters, and the regex's search costs about
    five instructions a byte where the skip costs next to nothing. No reference holds a
    newline, so none is cut in two, and each part is read as the whole file would be."""
    findall = (_REFERENCE if predefined else _OTHER_REFERENCE).findall
    found: set[bytes] = set()
    start = data.find(b"&")
    while start >= 0:
        stop = data.find(b"\n", start + _SCAN_REACH) + 1
        if not stop:
            found.update(findall(data, start))
            break
        found.update(findall(data, start, stop))
        start = data.find(b"&", stop)
    return found


@dataclass
class EntityTable:
    """The general entities of ``xep.ent``, each as a one-line declaration."""

    declarations: dict[bytes, bytes] = field(default_factory=dict)

    @classmethod
    def from_bytes(cls, text: bytes) -> EntityTable:
        table = cls()
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        for name, declaration in entity_declarations(text).items():
            table.declarations[name] = declaration.replace(b"\n", b"&#10;")
        return table

    closures: dict[bytes, frozenset[bytes]] = field(default_factory=dict)
    """Each declared entity with the declared entities it uses, directly or not (on demand)."""

    @property
    def predefined(self) -> bool:
        """Whether it declares one of the five predefined entities (only then do a document's
        uses of them matter to :meth:`inline`)."""
        return not self.declarations.keys().isdisjoint(_PREDEFINED)

    def inline(self, names: set[bytes]) -> bytes:
        """Declarations for ``names`` and the entities they use, on a single line."""
        needed: set[bytes] = set()
        for name in names:
            closure = self.closures.get(name)
            if closure is None:
                if name not in self.declarations:
                    continue
                closure = self.closures[name] = self._closure(name)
            needed |= closure
        return b" ".join([self.declarations[n] for n in sorted(needed)])

    def _closure(self, name: bytes) -> frozenset[bytes]:
        needed: set[bytes] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current not in needed:
                needed.add(current)  # (``&#10;`` in a declaration is no entity reference)
                uses = entity_references(self.declarations[current])
                pending.extend(r for r in uses if r in self.declarations)
        return frozenset(needed)


@dataclass
class XepRoot:
    """A folder with ``xep.dtd`` and ``xep.ent``: an xsf/xeps checkout or a copy of one."""

    path: Path
    _dtd_problems: dict[tuple[str | None, str], str | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def dtd_path(self) -> Path:
        return self.path / DTD_NAME

    @property
    def ent_path(self) -> Path:
        return self.path / ENT_NAME

    @cached_property
    def entities(self) -> EntityTable:
        try:  # a FIFO or a huge file is refused, never waited on or read whole
            return EntityTable.from_bytes(read_capped(self.ent_path, MAX_ENT_BYTES))
        except FileRefused:
            return EntityTable()

    @cached_property
    def dtd(self) -> etree.DTD:
        """``xep.dtd`` compiled once; it may load files inside this root only, never the
        network (a repository's DTD must not make lint open local files elsewhere)."""
        return compile_dtd(self.dtd_path, self.path)

    def dtd_problem(self, system: str | None, document: Path) -> str | None:
        """:func:`~e2ee_sig.xep.doctype.system_dtd_problem`, worked out once per system
        identifier and folder (every root XEP names the same ``xep.dtd``)."""
        key = (system, os.path.dirname(document))
        if key not in self._dtd_problems:
            self._dtd_problems[key] = system_dtd_problem(system, document, self.path)
        return self._dtd_problems[key]

    def relative(self, file: Path) -> str | None:
        """``file`` relative to this root with forward slashes, or None if outside it."""
        for candidate in (lambda: Path(os.path.abspath(file)), file.resolve):
            path = candidate()
            if path.is_relative_to(self.path):
                return path.relative_to(self.path).as_posix()
        return None


class DtdError(FileRefused):
    """``xep.dtd`` cannot be compiled (exit status 2, one line)."""


def compile_dtd(dtd_path: Path, root: Path) -> etree.DTD:
    """Compile ``dtd_path``, resolving its external entities inside ``root`` only (anything
    else reads as empty); a malformed DTD raises :class:`DtdError`."""
    from lxml import etree

    inside = os.path.realpath(root) + os.sep

    class _InsideRoot(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            path = unquote(urlsplit(url).path) if url and url.startswith("file:") else url
            real = os.path.realpath(path) if path else ""
            if real.startswith(inside) and os.path.isfile(real):
                return self.resolve_filename(real, context)
            return self.resolve_string("", context)

    parser = etree.XMLParser(load_dtd=True, no_network=True, resolve_entities=False)
    parser.resolvers.add(_InsideRoot())
    name = display_name(dtd_path)
    declaration = f'<!DOCTYPE xep SYSTEM "{DTD_NAME}"><xep/>'.encode()
    try:
        tree = etree.fromstring(declaration, parser, base_url=str(root / "x.xml")).getroottree()
    except etree.XMLSyntaxError as error:
        raise DtdError(name, f"malformed DTD: {error}") from error
    dtd = tree.docinfo.externalDTD
    if dtd is None:
        raise DtdError(name, "cannot be loaded as a DTD")
    return dtd


_ROOTS: dict[Path, XepRoot] = {}


def root_at(path: Path) -> XepRoot:
    """The shared :class:`XepRoot` for ``path``."""
    if path in _ROOTS:
        return _ROOTS[path]
    key = path.resolve()
    if key not in _ROOTS:
        _ROOTS[key] = XepRoot(key)
    _ROOTS[path] = _ROOTS[key]
    return _ROOTS[key]


def is_xep_root(path: Path) -> bool:
    return _is_real(path / DTD_NAME)


def find_root(file: Path) -> XepRoot | None:
    """Walk up from ``file`` to the nearest XEP root (``inbox/`` files find the one above)."""
    folder = file.resolve().parent
    if folder.name == "inbox" and is_xep_root(folder.parent):
        return root_at(folder.parent)
    for candidate in (folder, *folder.parents):
        if is_xep_root(candidate):
            return root_at(candidate)
    return None
