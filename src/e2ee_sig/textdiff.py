"""The one unified diff of an edit, as ``lint --diff``, ``bump --dry-run`` and
``stale --defer --dry-run`` print it."""

from __future__ import annotations

import difflib


def unified_diff(before: bytes, after: bytes, name: str) -> str:
    """A unified diff from ``a/name`` to ``b/name`` (bytes decoded as UTF-8, bad bytes
    replaced); empty when nothing changed."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"))
