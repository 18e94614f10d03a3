"""The rendered diff of each changed XEP of a submission (``diff-<name>.html`` beside
``SUMMARY.md``), so that the Council reads what changed. A XEP new since the base has no
earlier version: it gets no diff page (the summary says so)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.bundle.model import BundleError, Plan, XepFacts
from e2ee_sig.fsio import FileRefused
from e2ee_sig.render.diffpages import changed_files, diff_page_name, render_page, write_page

if TYPE_CHECKING:
    from git import Repo


def diff_name(xep: XepFacts) -> str | None:
    """The diff page's file name, or None for a XEP new since the base (no header there)."""
    return diff_page_name(xep.path) if xep.old_status is not None else None


def write_diffs(repo: Repo, plan: Plan, out: Path) -> list[Path]:
    """Write the diff page of every XEP of ``plan`` that existed at the base into ``out``
    (base → head, renames followed); the files written."""
    wanted = {xep.path for xep in plan.xeps if diff_name(xep)}
    labels = (f"base {plan.base[:12]}", f"{plan.ref.removeprefix('refs/heads/')} {plan.head[:12]}")
    written = []
    for change in changed_files(repo, plan.base, plan.head, wanted.__contains__):
        if change.old is None:
            continue
        try:
            written.append(write_page(render_page(change, plan.top, labels), out))
        except FileRefused as error:
            raise BundleError(f"cannot write the diff of {change.path}: {error}") from error
    return written
