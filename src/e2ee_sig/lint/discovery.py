"""Which files a lint run reads: the XEP files named by paths, each with its XEP root."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from e2ee_sig.fsio import display_name, kind_of
from e2ee_sig.lint.options import LintUsageError
from e2ee_sig.xep import find_root
from e2ee_sig.xep.root import is_xep_root

NOT_XEPS = frozenset({"xep-template.xml", "xep-README.xml"})


@dataclass(frozen=True)
class Target:
    """A file to lint, how to show it, and the XEP root it belongs to."""

    path: Path
    display: str
    root: Path | None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def inside_folders(files: Sequence[str], folders: Sequence[str]) -> tuple[list[str], list[str]]:
    """``files`` whose real path stays inside one of ``folders``, and notes for the others
    (a symlink a change set added that leads out of the checkout is never read)."""
    anchors = [os.path.realpath(folder) for folder in folders]
    kept, notes = [], []
    for file in files:
        if any(_inside(os.path.realpath(file), anchor) for anchor in anchors):
            kept.append(file)
        else:
            notes.append(f"skipped {display_name(file)}: a symlink leading outside the checkout")
    return kept, notes


def _scan(
    folder: Path, pattern: str, boundary: str, notes: list[str], under: str = ""
) -> list[tuple[Path, str, str]]:
    """Regular ``pattern`` files in ``folder`` (sorted, no dotfiles), each with a dedup key
    (its absolute path) and its name prefixed with ``under``.

    A symlink is followed only when its target stays inside ``boundary``; FIFOs, devices and
    sockets are skipped (never opened); each skip becomes a note. An unreadable folder is an
    error: it must not pass as "0 files".
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        raise LintUsageError(
            f"{display_name(folder)}: cannot list folder: {error.strerror or error}"
        ) from error
    found = []
    absolute = os.path.abspath(folder)
    for entry in entries:
        if entry.name.startswith(".") or not fnmatch.fnmatchcase(entry.name, pattern):
            continue
        key = os.path.join(absolute, entry.name)  # abspath's result, without a getcwd each
        try:
            if entry.is_symlink():
                key = os.path.realpath(entry.path)
                if not _inside(key, boundary):
                    notes.append(
                        f"skipped {display_name(entry.path)}: a symlink leading outside "
                        f"{display_name(folder)}"
                    )
                    continue
            if not entry.is_file():
                if not entry.is_dir():
                    kind = kind_of(entry.stat().st_mode)
                    notes.append(f"skipped {display_name(entry.path)}: {kind}, not a file")
                continue
        except OSError as error:
            notes.append(f"skipped {display_name(entry.path)}: {error.strerror or error}")
            continue
        found.append((Path(entry.path), key, under + entry.name))
    return found


def _workspace_files(
    folder: Path, notes: list[str]
) -> tuple[list[tuple[Path, str, str]], Path | None]:
    """The XEP files of a folder (a XEP root: ``xep-*.xml`` and ``inbox/*.xml``; otherwise
    its ``*.xml``), each with its dedup key and its path relative to ``folder``, and the XEP
    root they belong to, if known."""
    boundary = os.path.realpath(folder)
    if is_xep_root(folder):
        files = _scan(folder, "xep-*.xml", boundary, notes)
        inbox = folder / "inbox"
        if not _inside(os.path.realpath(inbox), boundary):
            notes.append(f"skipped {display_name(inbox)}: a symlink leading outside {folder}")
        elif inbox.is_dir():
            files += _scan(inbox, "*.xml", boundary, notes, "inbox" + os.sep)
        return files, Path(boundary)
    found = find_root(folder / "x.xml")
    return _scan(folder, "*.xml", boundary, notes), found.path if found else None


def discover(
    paths: Sequence[str], xeps_root: Path | None, notes: list[str] | None = None
) -> list[Target]:
    """The XEP files named by ``paths`` (files, or folders: a XEP root or a workspace).

    What a folder scan skipped (symlinks leading out of it, FIFOs, devices) is added to
    ``notes``.
    """
    if xeps_root is not None and not is_xep_root(xeps_root):
        raise LintUsageError(f"--xeps-root {display_name(xeps_root)}: no xep.dtd there")
    notes = [] if notes is None else notes
    fixed_root = xeps_root.resolve() if xeps_root is not None else None
    targets: dict[str, Target] = {}
    roots: dict[Path, Path | None] = {}
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            raise LintUsageError(f"{display_name(given)}: no such file or directory")
        if path.is_dir():
            files, root = _workspace_files(path, notes)
            for file, key, relative in files:
                display = os.path.join(given, relative)
                targets.setdefault(key, Target(file, display, fixed_root or root))
            continue
        resolved = Path(os.path.realpath(path))
        if fixed_root is None and resolved.parent not in roots:
            found = find_root(resolved)
            roots[resolved.parent] = found.path if found else None
        root = fixed_root or roots[resolved.parent]
        targets.setdefault(str(resolved), Target(path, given, root))
    return list(targets.values())


def without_non_xeps(targets: list[Target], paths: Sequence[str], profile: str) -> list[Target]:
    """Leave out the template and README that a root's ``xep-*.xml`` also matches, unless
    named explicitly; ``xsf-ci`` keeps the official CI's selection (which lints them)."""
    if profile == "xsf-ci":
        return targets
    named = {Path(p).resolve() for p in paths}
    return [t for t in targets if t.path.name not in NOT_XEPS or t.path.resolve() in named]
