"""Rendered diff pages of the XEPs changed between two commits, written into an output folder
(``diff-<name>.html``) for ``bundle`` and ``stale --since``: git through :mod:`e2ee_sig.gitops`,
files through :mod:`e2ee_sig.fsio`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.render.diff import DiffError, compare_versions

if TYPE_CHECKING:
    from git import Repo


@dataclass(frozen=True)
class ChangedFile:
    """A file changed between two commits: its path at the new one, its bytes at both (``old``
    is None for a file added since the base)."""

    path: str
    old_path: str
    old: bytes | None
    new: bytes


@dataclass(frozen=True)
class DiffPage:
    """A rendered diff: the page, and one line saying what changed (or why it is not shown)."""

    name: str
    html: str
    summary: str
    rendered: bool


def diff_page_name(path: str) -> str:
    """``diff-xep-0384.html`` for ``xep-0384.xml``; ``diff-inbox-foo.html`` for an inbox file."""
    return "diff-" + path.removesuffix(".xml").replace("/", "-") + ".html"


def changed_files(
    repo: Repo, base: str, head: str, wanted: Callable[[str], bool]
) -> list[ChangedFile]:
    """The files ``wanted`` (by their path at ``head``) that differ between the commits
    ``base`` and ``head``, renames followed; deleted files are left out."""
    from e2ee_sig.gitops import changes_between, file_at

    found = []
    for change in changes_between(repo, base, head):
        if change.status == "D" or not wanted(change.path):
            continue
        old_path = change.old_path or change.path
        old = None if change.status == "A" else file_at(repo, base, old_path)
        found.append(
            ChangedFile(change.path, old_path, old, file_at(repo, head, change.path) or b"")
        )
    return found


def render_page(change: ChangedFile, top: Path, labels: tuple[str, str]) -> DiffPage:
    """The diff page of a changed file of the work tree ``top`` (its XEP root found from its
    path); a version that cannot be parsed gives a short page saying so, so that a link to the
    page always works."""
    from e2ee_sig.render.compare import header_summary
    from e2ee_sig.render.diffhtml import diff_page

    name, file = diff_page_name(change.path), top / change.path
    if change.old is None:
        raise ValueError(f"{change.path}: a new file has no earlier version to compare")
    try:
        comparison = compare_versions(change.old, change.new, file, labels=labels)
    except DiffError as error:
        reason = f"no rendered diff: {error}"
        html = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(file.name)}: no rendered diff</title></head><body>"
            f"<h1>{escape(file.name)}</h1><p>{escape(labels[0])} → {escape(labels[1])}</p>"
            f"<p>{escape(reason)}</p></body></html>\n"
        )
        return DiffPage(name, html, reason, rendered=False)
    summary = header_summary(comparison.old.header, comparison.new.header)
    return DiffPage(name, diff_page(comparison, *labels), summary, rendered=True)


def write_page(page: DiffPage, folder: Path) -> Path:
    """Write ``page`` into ``folder`` (created if missing), replacing an earlier one."""
    from e2ee_sig.fsio import write_output

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / page.name
    write_output(target, page.html.encode())
    return target
