"""``stale --since REF``: the XEPs whose committed file changed between REF and HEAD, each
with its rendered diff, as a section after the meeting agenda.

With an output folder the agenda is ``agenda.md`` there and every diff page
``diff-<name>.html`` beside it, linked relatively (publish or attach the folder as it is);
without one, nothing is written and each XEP gets the ``e2ee-sig diff`` command that renders
it. A XEP new since REF has no earlier version and so no diff."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.render.diffpages import changed_files, render_page, write_page
from e2ee_sig.reports import render_template
from e2ee_sig.stale.model import StaleError, StaleReport, XepEntry
from e2ee_sig.stale.render.markdown import XEP_URL, write_markdown

AGENDA = "agenda.md"


@dataclass(frozen=True)
class ChangedXep:
    """One XEP changed since REF: what changed, and where to read it."""

    name: str
    path: str
    summary: str
    link: str | None = None
    command: str | None = None


@dataclass(frozen=True)
class SinceSection:
    ref: str
    base: str
    head: str
    changed: list[ChangedXep]


def _name(entry: XepEntry) -> str:
    if entry.number is None:
        return f"ProtoXEP `{entry.path}` {entry.title}".rstrip()
    url = XEP_URL.format(number=entry.number)
    return f"[XEP-{entry.number:04d}]({url}) {entry.title}".rstrip()


def changed_since(report: StaleReport, ref: str, folder: Path | None) -> SinceSection:
    """The XEPs of ``report`` changed between ``ref`` and HEAD; with ``folder``, their diff
    pages written there."""
    from e2ee_sig.gitops import RepoError, open_repo, resolve, work_tree

    root = report.options.root
    try:
        repo = open_repo(root)
        top = work_tree(repo)
        base, head = resolve(repo, ref), resolve(repo, "HEAD")
    except RepoError as error:
        raise StaleError(f"--since {ref}: {error}") from error
    entries = {
        (root / e.path).resolve().relative_to(top).as_posix(): e
        for e in [*report.xeps, *report.protoxeps]
        if (root / e.path).resolve().is_relative_to(top)
    }
    labels = (f"{ref} ({base[:12]})", f"HEAD ({head[:12]})")
    changed = []
    for change in changed_files(repo, base, head, entries.__contains__):
        entry = entries[change.path]
        name = _name(entry)
        if change.old is None:
            changed.append(ChangedXep(name, change.path, f"new since {ref}"))
            continue
        page = render_page(change, top, labels)
        if folder is None:
            command = f"e2ee-sig diff {base[:12]} {head[:12]} {entry.path}"
            changed.append(ChangedXep(name, change.path, page.summary, command=command))
            continue
        try:
            written = write_page(page, folder)
        except OSError as error:
            raise StaleError(f"cannot write the diff of {change.path}: {error}") from error
        changed.append(ChangedXep(name, change.path, page.summary, link=written.name))
    return SinceSection(ref, base, head, changed)


def since_markdown(section: SinceSection) -> str:
    """The ``### Changed since REF`` section of the agenda."""
    return render_template("agenda-since.md.j2", section=section)


def agenda_markdown(
    report: StaleReport,
    since: str | None,
    folder: Path | None,
    progress: Callable[[str], None] | None = None,
) -> str:
    """The markdown agenda, with the ``--since`` section (diff pages written into ``folder``
    when one is given)."""
    text = io.StringIO()
    write_markdown(report, text)
    if since is not None:
        if progress is not None:
            progress(f"rendering the diffs since {since}")
        text.write("\n" + since_markdown(changed_since(report, since, folder)))
    return text.getvalue()


def save_agenda(text: str, folder: Path) -> Path:
    """Write ``folder/agenda.md``; the file written."""
    from e2ee_sig.fsio import write_output

    target = folder / AGENDA
    write_output(target, text.encode())
    return target


def make_folder(folder: Path) -> None:
    """Create the output folder (and its parents) or say in one line why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StaleError(f"{folder}: cannot create the folder: {error.strerror}") from error
