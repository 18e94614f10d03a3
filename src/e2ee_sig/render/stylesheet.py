"""Find the XEP stylesheet (``xep.xsl``) the way ``xep.dtd`` is found: in the XEP root."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from e2ee_sig.xep.root import find_root

STYLESHEET_NAME = "xep.xsl"


class RenderError(Exception):
    """A XEP or stylesheet that cannot be rendered; the message names the file."""


def find_stylesheet(
    files: Iterable[Path], xeps_root: Path | None = None, explicit: Path | None = None
) -> Path:
    """``explicit``, else ``xep.xsl`` in ``xeps_root``, else in the XEP root of the first file
    that has one (``inbox/`` files look in the folder above)."""
    if explicit is not None:
        if not explicit.is_file():
            raise RenderError(f"{explicit}: stylesheet not found")
        return explicit
    folders = [xeps_root] if xeps_root is not None else _root_folders(files)
    for folder in folders:
        candidate = folder / STYLESHEET_NAME
        if candidate.is_file():
            return candidate
    where = ", ".join(str(f) for f in folders) or "the files' folders"
    raise RenderError(
        f"no {STYLESHEET_NAME} found (looked in {where}); "
        "pass --stylesheet FILE or --xeps-root DIR of an xsf/xeps checkout"
    )


def _root_folders(files: Iterable[Path]) -> list[Path]:
    folders: list[Path] = []
    for file in files:
        root = find_root(file)
        parent = file.resolve().parent
        for folder in ([root.path] if root else []) + [parent]:
            if folder not in folders:
                folders.append(folder)
    return folders
