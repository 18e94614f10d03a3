"""The XEP document model: parse once, share with every rule and command.

The names below are loaded on first use, so that the light modules of this package (the
process vocabulary in :mod:`.vocab`, read by the command-line options) do not pull in lxml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from e2ee_sig.lazy import module_attributes

if TYPE_CHECKING:
    from e2ee_sig.xep.parse import Document, Problem, load, parse_bytes
    from e2ee_sig.xep.root import XepRoot, find_root, root_at

_HOMES = {
    "Document": "e2ee_sig.xep.parse",
    "Problem": "e2ee_sig.xep.parse",
    "load": "e2ee_sig.xep.parse",
    "parse_bytes": "e2ee_sig.xep.parse",
    "XepRoot": "e2ee_sig.xep.root",
    "find_root": "e2ee_sig.xep.root",
    "root_at": "e2ee_sig.xep.root",
}

__all__ = ["Document", "Problem", "XepRoot", "find_root", "load", "parse_bytes", "root_at"]


__getattr__ = module_attributes(__name__, _HOMES)
