"""The output folder of ``e2ee-sig bundle``: a folder it owns, written through ``fsio``.

``--out DIR`` must be empty (or not exist yet) or carry the marker file ``.e2ee-sig-bundle``
that an earlier run wrote there, listing the files it wrote. Another folder is refused, so a
user's files are never replaced or deleted; in a marked folder only the files the marker lists
are replaced or removed. When writing fails, everything this run created is removed again.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from e2ee_sig.bundle.model import BundleError
from e2ee_sig.fsio import FileRefused, read_capped, write_output

MARKER = ".e2ee-sig-bundle"
_MARKER_HEADER = "# written by e2ee-sig bundle; the files below are replaced by its next run\n"


@dataclass
class OutputFolder:
    """``folder`` claimed for one run: ``previous`` are the files an earlier run listed."""

    folder: Path
    previous: set[str]
    created: list[Path] = field(default_factory=list)  # files and folders, in creation order

    @classmethod
    def claim(cls, folder: Path, *, owned: bool = False) -> OutputFolder:
        """Claim ``folder`` (created if missing); BundleError unless it is empty, marked, or
        ``owned`` (e2ee-sig's default place inside the git directory)."""
        previous: set[str] = set()
        if folder.exists() and not folder.is_dir():
            raise BundleError(f"--out {folder}: not a folder")
        claimed = cls(folder, previous)
        if folder.is_dir():
            try:
                entries = os.listdir(folder)
            except OSError as error:
                raise BundleError(f"--out {folder}: {error.strerror or error}") from error
            if MARKER in entries:
                previous.update(_listed(folder / MARKER))
            elif entries and not owned:
                raise BundleError(
                    f"--out {folder}: the folder is not empty and was not made by e2ee-sig "
                    f"bundle (no {MARKER}); give a new or empty folder"
                )
        else:
            claimed._make_folders(folder)
        return claimed

    def _make_folders(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            try:
                path.mkdir()
            except OSError as error:
                self.roll_back()
                raise BundleError(f"cannot create {path}: {error.strerror or error}") from error
            self.created.append(path)

    def write(self, name: str, data: bytes) -> Path:
        """Write the output file ``name`` (``/``-separated, relative to the folder)."""
        target = self.folder / name
        if not target.parent.is_dir():
            self._make_folders(target.parent)
        existed = target.exists() or target.is_symlink()
        try:
            write_output(target, data, overwrite=name in self.previous)
        except FileRefused as refusal:
            raise BundleError(f"--out {self.folder}: {name}: {refusal.reason}") from refusal
        if not existed:
            self.created.append(target)
        return target

    def finish(self, names: list[str]) -> None:
        """Record ``names`` in the marker and remove what earlier runs wrote that is gone now."""
        listing = _MARKER_HEADER + "".join(f"{name}\n" for name in sorted(names))
        marker = self.folder / MARKER
        existed = marker.exists()
        try:
            write_output(marker, listing.encode(), overwrite=existed)
        except FileRefused as refusal:
            raise BundleError(f"--out {self.folder}: {MARKER}: {refusal.reason}") from refusal
        if not existed:
            self.created.append(marker)
        for old in self.previous - set(names):
            path = self.folder / old
            if path.is_file() and not path.is_symlink():
                path.unlink()

    def roll_back(self) -> None:
        """Remove every file and folder this run created (never anything else)."""
        for path in reversed(self.created):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        self.created.clear()


def _listed(marker: Path) -> list[str]:
    """The output names a marker lists (plain relative names only)."""
    try:
        text = read_capped(marker, 1 << 20).decode("utf-8", "replace")
    except FileRefused as refusal:
        raise BundleError(f"{marker}: {refusal.reason}") from refusal
    names = [line.strip() for line in text.splitlines()]
    return [
        name
        for name in names
        if name
        and not name.startswith("#")
        and name != MARKER
        and ".." not in name.split("/")
        and not name.startswith("/")
    ]
