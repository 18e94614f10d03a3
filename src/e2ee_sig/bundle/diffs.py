"""The rendered diff of each changed XEP of a submission (``diff-<name>.html`` beside
``SUMMARY.md``), so that the Council reads what changed. A XEP new since the base has no
earlier version: it gets no diff page (the summary says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from e2ee_sig.bundle.model import Plan, XepFacts
from e2ee_sig.render.diffpages import changed_files, diff_page_name, render_page

if TYPE_CHECKING:
    from git import Repo


def diff_name(xep: XepFacts) -> str | None:
    """The diff page's file name, or None for a XEP new since the base (no header there)."""
    return diff_page_name(xep.path) if xep.old_status is not None else None


def diff_pages(repo: Repo, plan: Plan) -> list[tuple[str, bytes]]:
    """The diff page (file name, HTML) of every XEP of ``plan`` that existed at the base
    (base → head, renames followed)."""
    wanted = {xep.path for xep in plan.xeps if diff_name(xep)}
    labels = (f"base {plan.base[:12]}", f"{plan.ref.removeprefix('refs/heads/')} {plan.head[:12]}")
    pages = []
    for change in changed_files(repo, plan.base, plan.head, wanted.__contains__):
        if change.old is not None:
            page = render_page(change, plan.top, labels)
            pages.append((page.name, page.html.encode("utf-8")))
    return pages
