"""The linter: rules registered by code, run over documents parsed once.

``check_document(document, profile=…, select=…, today=…, baseline=…)`` lints one document in
memory (see :mod:`e2ee_sig.lint.check`); it is loaded on first use, so that the light modules
of this package (the profiles the command-line options list) do not pull in the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from e2ee_sig.lint.check import check_document

__all__ = ["check_document"]


def __getattr__(name: str) -> Any:
    if name == "check_document":
        from e2ee_sig.lint.check import check_document

        return check_document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
