"""Deferring a stale XEP: a bump with a status change (Deferred, ``XEP Editor (XX)``, the
Editor's remark), checked against the xsf-ci rules, written atomically, optionally committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from e2ee_sig.bump import BumpError, plan_bump
from e2ee_sig.gitops import RepoError, commit_only, dirty_files, has_commits, open_repo, work_tree
from e2ee_sig.lint import check_document
from e2ee_sig.lint.model import Severity
from e2ee_sig.stale.model import StaleError, XepEntry
from e2ee_sig.textdiff import unified_diff
from e2ee_sig.versions import deferral_version
from e2ee_sig.xep import Document, parse_bytes
from e2ee_sig.xep.edit import write_atomically
from e2ee_sig.xep.policy import DEFER_COMMIT_MESSAGE, DEFER_INITIALS, DEFER_REMARK
from e2ee_sig.xep.vocab import Status


@dataclass
class Deferral:
    """The edit that defers one stale XEP: bytes before and after, and the new version."""

    entry: XepEntry
    path: Path
    before: bytes
    after: bytes
    version: str

    def diff(self) -> str:
        """A unified diff of the edit (``a/`` and ``b/`` paths relative to the XEP root)."""
        return unified_diff(self.before, self.after, self.entry.path)


def _xsf_ci_errors(document: Document, today: date) -> list[str]:
    found = check_document(document, profile="xsf-ci", today=today)
    return [f"{d.code} {d.message}" for d in found if d.severity is Severity.ERROR]


def plan_deferral(entry: XepEntry, initials: str, stamp: date, judged: date) -> Deferral:
    """The deferral edit for a stale entry: the bump of ``plan_bump`` to status Deferred (a
    MAJOR.(MINOR+1).0 revision block dated ``stamp`` before the first one, by ``XEP Editor
    (initials)``), every other byte unchanged. The result must pass the xsf-ci checks on the
    day ``judged`` whenever the input did (StaleError otherwise)."""
    document = entry.document
    first = entry.official.revision
    if document is None or document.header is None or first is None:
        raise StaleError(f"{entry.path}: cannot defer a XEP without a header and revisions")
    try:
        expected = deferral_version(first.version)  # what the Editor's deferrals.py writes
        plan = plan_bump(
            document,
            [DEFER_REMARK],
            DEFER_INITIALS.format(initials=initials),
            "minor",
            stamp.isoformat(),
            Status.DEFERRED,
        )
    except (BumpError, ValueError) as error:
        raise StaleError(f"{entry.path}: cannot defer: {error}") from error
    if plan.new_version != expected:
        raise StaleError(
            f"{entry.path}: cannot defer: the bump gives {plan.new_version}, the Editor's "
            f"deferrals.py {expected}; defer it by hand"
        )
    if not _xsf_ci_errors(document, judged):
        edited = parse_bytes(plan.new_raw, document.path, document.display, document.root)
        broken = _xsf_ci_errors(edited, judged)
        if broken:
            raise StaleError(
                f"{entry.path}: the deferral would fail the xsf-ci checks: {broken[0]}"
            )
    return Deferral(entry, document.path, document.raw, plan.new_raw, plan.new_version)


def check_committable(root: Path, entries: Sequence[XepEntry]) -> None:
    """StaleError unless every entry's file is tracked and has no uncommitted change."""
    try:
        repo = open_repo(root)
        top = work_tree(repo)
        if not has_commits(repo):
            raise StaleError(f"{top}: the repository has no commits yet")
        dirty = {d.path: d.state for d in dirty_files(repo)}
    except RepoError as error:
        raise StaleError(f"--commit: {error}") from error
    for entry in entries:
        relpath = (root.resolve() / entry.path).relative_to(top).as_posix()
        if relpath in dirty:
            raise StaleError(
                f"{entry.path} has uncommitted changes ({dirty[relpath]}): "
                "commit or stash them before --defer --commit"
            )


def apply_deferral(deferral: Deferral, commit: bool) -> str | None:
    """Write the deferral atomically; with ``commit``, commit that file alone and return the
    commit's sha."""
    write_atomically(deferral.path, deferral.after)
    if not commit:
        return None
    try:
        repo = open_repo(deferral.path.parent)
        relpath = deferral.path.resolve().relative_to(work_tree(repo)).as_posix()
        message = DEFER_COMMIT_MESSAGE.format(number=deferral.entry.number)
        return commit_only(repo, relpath, message)
    except RepoError as error:
        raise StaleError(str(error)) from error
