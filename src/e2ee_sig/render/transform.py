"""Render a XEP to HTML in-process with lxml, byte-identical to ``xsltproc xep.xsl FILE``.

The XEP is parsed as ``xsltproc`` parses it (entities expanded, ``xep.dtd`` loaded so its
attribute defaults apply, CDATA merged into text) but never touches the network or reads a
file outside its XEP root: ``xep.dtd`` comes from the root, ``%ents;`` is replaced by the few
entity declarations the file uses, anything else resolves to nothing. The stylesheet is
compiled once per :class:`Renderer`; its external references (CSS, images) stay links.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.render.stylesheet import RenderError
from e2ee_sig.xep.doctype import scan_doctype
from e2ee_sig.xep.parse import MAX_BYTES, with_xep_entities
from e2ee_sig.xep.root import DTD_NAME, ENT_NAME, XepRoot, find_root, root_at

if TYPE_CHECKING:
    from lxml import etree


def _first_error(log: Iterable[object] | None, fallback: object) -> str:
    entries = [e for e in (log or []) if getattr(e, "level_name", "") in ("ERROR", "FATAL")]
    error = entries[0] if entries else fallback
    line = getattr(error, "line", 0)
    message = (getattr(error, "message", None) or str(error)).strip()
    return f"line {line}: {message}" if line else message


def _local_path(url: str) -> Path | None:
    """The existing local file ``url`` names, or None (network URLs are never followed)."""
    if "://" in url and not url.startswith("file://"):
        return None
    path = Path(url.removeprefix("file://")).resolve()
    return path if path.is_file() else None


def _parser(root: XepRoot | None, allowed: Path | None) -> etree.XMLParser:
    """A parser with ``xsltproc``'s options whose resolver serves only local, allowed files."""
    from lxml import etree

    class _LocalOnly(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            url = url or ""
            name = url.replace("\\", "/").rsplit("/", 1)[-1]
            if root is not None and name in (DTD_NAME, ENT_NAME):
                return self.resolve_filename(str(root.path / name), context)
            path = _local_path(url)
            if path is not None and allowed is not None and path.is_relative_to(allowed):
                return self.resolve_filename(str(path), context)
            return self.resolve_string("", context)

    parser = etree.XMLParser(
        load_dtd=True,
        attribute_defaults=True,
        resolve_entities=True,
        no_network=True,
        strip_cdata=True,
        huge_tree=False,
        collect_ids=False,
    )
    parser.resolvers.add(_LocalOnly())
    return parser


class Renderer:
    """One compiled ``xep.xsl``, applied to any number of XEPs."""

    def __init__(self, stylesheet: Path, xeps_root: Path | None = None) -> None:
        from lxml import etree

        self.stylesheet = stylesheet
        self.xeps_root = root_at(xeps_root.resolve()) if xeps_root is not None else None
        folder = stylesheet.resolve().parent
        parser = _parser(None, folder)
        try:
            tree = etree.parse(str(stylesheet), parser)
            access = etree.XSLTAccessControl(
                read_file=True, write_file=False, create_dir=False,
                read_network=False, write_network=False,
            )  # fmt: skip
            self._xslt = etree.XSLT(tree, access_control=access)
        except (OSError, etree.XMLSyntaxError, etree.XSLTParseError) as error:
            log = getattr(error, "error_log", None)
            raise RenderError(f"{stylesheet}: {_first_error(log, error)}") from None
        self._parsers: dict[Path | None, etree.XMLParser] = {}

    def _root_for(self, path: Path) -> XepRoot | None:
        return self.xeps_root or find_root(path)

    def parse(self, raw: bytes, path: Path) -> etree._ElementTree:
        """``raw`` (the file at ``path``) parsed as ``xsltproc`` would."""
        from lxml import etree

        root = self._root_for(path)
        key = root.path if root else None
        parser = self._parsers.get(key)
        if parser is None:
            parser = self._parsers[key] = _parser(root, key)
        data = with_xep_entities(raw, scan_doctype(raw), root)
        try:
            return etree.fromstring(data, parser, base_url=str(path)).getroottree()
        except etree.XMLSyntaxError as error:
            raise RenderError(f"{path}: {_first_error(error.error_log, error)}") from None

    def render_bytes(self, raw: bytes, path: Path) -> bytes:
        """The HTML of ``raw``, the content of the XEP file at ``path``."""
        from lxml import etree

        tree = self.parse(raw, path)
        try:
            result = self._xslt(tree)
        except etree.XSLTApplyError as error:
            raise RenderError(f"{path}: {_first_error(error.error_log, error)}") from None
        return bytes(result)

    def render(self, path: Path) -> bytes:
        """The HTML of the XEP file at ``path``."""
        try:
            if path.stat().st_size > MAX_BYTES:
                raise RenderError(f"{path}: file is over the {MAX_BYTES // 1048576} MiB limit")
            raw = path.read_bytes()
        except OSError as error:
            raise RenderError(f"{path}: cannot read file: {error.strerror or error}") from None
        return self.render_bytes(raw, path)
