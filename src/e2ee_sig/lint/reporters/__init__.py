"""Reporters turn a :class:`~e2ee_sig.lint.batch.LintReport` into text for people or machines.

``FORMATS`` maps each ``--format`` name to its function; a reporter module is imported only
when it is used, so the command line can list the names without loading them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from e2ee_sig.lazy import load

if TYPE_CHECKING:
    from e2ee_sig.lint.batch import LintReport

Reporter = Callable[["LintReport", TextIO], None]

FORMATS = {
    "text": "e2ee_sig.lint.reporters.text:full",
    "concise": "e2ee_sig.lint.reporters.text:concise",
    "json": "e2ee_sig.lint.reporters.json:render",
    "github": "e2ee_sig.lint.reporters.github:render",
    "sarif": "e2ee_sig.lint.reporters.sarif:render",
}


def reporter(name: str) -> Reporter:
    """The reporter for ``--format name``."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    found: Reporter = load(FORMATS[name])
    return found
