"""Where a new draft goes, and whether its short name is taken already."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from e2ee_sig.xep.root import find_root, is_xep_root
from e2ee_sig.xep.vocab import INBOX, WORKSPACE

HEADER_BYTES = 16384  # <shortname> comes before authors and revisions: well inside this
_SHORTNAME_TAG = re.compile(rb"<shortname>\s*([^<]*?)\s*</shortname>")


def target_path(shortname: str, output: Path | None, cwd: Path) -> Path:
    """``--output`` (a file, or a folder to put ``<shortname>.xml`` in); else ``inbox/`` of an
    xsf/xeps checkout; else the ``xeps/`` workspace folder; else the current folder."""
    filename = f"{shortname}.xml"
    if output is not None:
        output = cwd / output
        return output / filename if output.is_dir() else output
    root = find_root(cwd / filename)
    if root is not None:
        return root.path / INBOX / filename
    workspace = cwd / WORKSPACE
    return (workspace if workspace.is_dir() else cwd) / filename


def _declared_shortname(file: Path) -> str | None:
    try:
        with file.open("rb") as stream:
            data = stream.read(HEADER_BYTES)
            match = _SHORTNAME_TAG.search(data)
            if match is None and b"</header>" not in data:
                match = _SHORTNAME_TAG.search(data + stream.read())
    except OSError:
        return None
    return match.group(1).decode("utf-8", "replace").lower() if match else None


def _candidate_files(folders: Iterable[Path]) -> Iterable[Path]:
    for folder in folders:
        if is_xep_root(folder):
            yield from sorted(folder.glob("xep-*.xml"))
            yield from sorted((folder / INBOX).glob("*.xml"))
        else:
            yield from sorted(folder.glob("*.xml"))


def shortname_owner(shortname: str, folders: Iterable[Path], exclude: Path) -> Path | None:
    """A XEP or draft in ``folders`` named ``<shortname>.xml`` or declaring that short name."""
    for file in _candidate_files(folders):
        if file.resolve() == exclude:
            continue
        if file.stem == shortname or _declared_shortname(file) == shortname:
            return file
    return None


def folders_to_search(target: Path, cwd: Path, xeps_root: Path | None) -> list[Path]:
    """The draft's folder and every xsf/xeps checkout at hand: the one holding the draft or
    the current folder, and the configured ``xeps-root``."""
    folders = {target.parent.resolve()}
    at_hand = [find_root(target), find_root(cwd / target.name)]
    for root in [found.path for found in at_hand if found] + ([xeps_root] if xeps_root else []):
        if root.is_dir():
            folders.add(root.resolve())
            folders.discard(root.resolve() / INBOX)
    return sorted(folders)


def display(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when inside it."""
    try:
        return path.relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)
