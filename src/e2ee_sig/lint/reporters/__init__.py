"""Reporters turn a :class:`~e2ee_sig.lint.engine.LintReport` into text for people or machines."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from e2ee_sig.lint.engine import LintReport

Reporter = Callable[[LintReport, TextIO], None]


def reporter(name: str) -> Reporter:
    """The reporter for ``--format name``."""
    if name in ("text", "concise"):
        from e2ee_sig.lint.reporters.text import concise, full

        return full if name == "text" else concise
    if name == "json":
        from e2ee_sig.lint.reporters.json import render
    elif name == "github":
        from e2ee_sig.lint.reporters.github import render
    elif name == "sarif":
        from e2ee_sig.lint.reporters.sarif import render
    else:
        raise ValueError(f"unknown format {name!r}")
    return render
