"""The outputs of ``e2ee-sig stale``, by ``--format`` name (loaded on first use, so that the
command line can list them without importing rich or jinja2)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from e2ee_sig.lazy import load

if TYPE_CHECKING:
    from e2ee_sig.stale.model import StaleReport

Writer = Callable[["StaleReport", TextIO], None]

WRITERS = {
    "table": "e2ee_sig.stale.render.table:write_table",
    "json": "e2ee_sig.stale.render.json:write_json",
    "markdown": "e2ee_sig.stale.render.markdown:write_markdown",
}


def writer(name: str) -> Writer:
    """The writer for ``--format name``."""
    found: Writer = load(WRITERS[name])
    return found


def default_format() -> str:
    """``table`` on a terminal, ``markdown`` on a pipe or file."""
    return "table" if sys.stdout.isatty() else "markdown"
