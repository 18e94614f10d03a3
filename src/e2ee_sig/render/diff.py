"""Library entry points of the rendered diff (``e2ee-sig diff``; ``bundle`` and ``stale`` can
call :func:`render_diff_html` with the bytes of two versions of a XEP)."""

from __future__ import annotations

from pathlib import Path

from e2ee_sig.render.compare import Comparison, compare
from e2ee_sig.render.structure import outline
from e2ee_sig.render.stylesheet import RenderError
from e2ee_sig.xep.root import XepRoot, find_root


class DiffError(RenderError):
    """A version that cannot be read or parsed; the message names it."""


def compare_versions(
    old: bytes, new: bytes, path: Path, *, labels: tuple[str, str], root: XepRoot | None = None
) -> Comparison:
    """Parse both versions of the XEP at ``path`` (entities from its XEP root) and compare."""
    from e2ee_sig.xep import parse_bytes

    root = root or find_root(path)
    outlines = []
    for raw, label in zip((old, new), labels, strict=True):
        document = parse_bytes(raw, path, label, root)
        if document.fatal is not None:
            fatal = document.fatal
            raise DiffError(f"{label}: line {fatal.line}: {fatal.message}")
        outlines.append(outline(document))
    return compare(outlines[0], outlines[1])


def render_diff_html(
    old: bytes,
    new: bytes,
    path: Path,
    *,
    labels: tuple[str, str] = ("old", "new"),
    root: XepRoot | None = None,
) -> str:
    """The HTML page of the differences between two versions of the XEP file at ``path``."""
    from e2ee_sig.render.diffhtml import diff_page

    return diff_page(compare_versions(old, new, path, labels=labels, root=root), *labels)


def render_diff_text(
    old: bytes,
    new: bytes,
    path: Path,
    *,
    labels: tuple[str, str] = ("old", "new"),
    root: XepRoot | None = None,
    color: bool = False,
) -> str:
    """The terminal report of the differences (ANSI colours when ``color``)."""
    from e2ee_sig.render.difftext import diff_text

    return diff_text(compare_versions(old, new, path, labels=labels, root=root), *labels, color)
