"""Deferring a stale XEP: a bump with a status change (Deferred, ``XEP Editor (XX)``, the
Editor's remark), checked against the xsf-ci rules, written atomically, optionally committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.bump import BumpError, plan_bump
from e2ee_sig.fsio import FileRefused
from e2ee_sig.gitops import (
    RepoError,
    check_can_commit,
    commit_only,
    dirty_files,
    open_repo,
    undo_commits,
    work_tree,
)
from e2ee_sig.lint import check_document
from e2ee_sig.lint.model import Severity
from e2ee_sig.stale.model import StaleError, XepEntry
from e2ee_sig.textdiff import unified_diff
from e2ee_sig.versions import deferral_version
from e2ee_sig.xep import Document, parse_bytes
from e2ee_sig.xep.edit import write_atomically
from e2ee_sig.xep.policy import DEFER_COMMIT_MESSAGE, DEFER_INITIALS, DEFER_REMARK
from e2ee_sig.xep.vocab import Status

if TYPE_CHECKING:
    from git import Repo


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


class DeferralAborted(StaleError):
    """A deferral commit failed and every deferral of the run was undone."""


@dataclass
class DeferralCommits:
    """``--defer --commit``: one commit per deferral on the branch checked out, all or none.

    When a commit fails (a pre-commit hook refuses, git cannot write), the file of that
    deferral and of every one committed before it get their original bytes back, the branch
    returns to the commit it was on and their index entries to that commit: the repository is
    as it was before the run.
    """

    repo: Repo
    top: Path
    original: str
    done: list[tuple[Deferral, str]] = field(default_factory=list)

    def commit(self, deferral: Deferral) -> str:
        """Commit the written ``deferral`` alone; DeferralAborted (everything undone) if not."""
        relpath = deferral.path.resolve().relative_to(self.top).as_posix()
        message = DEFER_COMMIT_MESSAGE.format(number=deferral.entry.number)
        try:
            sha = commit_only(self.repo, relpath, message)
        except RepoError as error:
            self._undo(deferral)
            raise DeferralAborted(
                f"{deferral.entry.path}: {error}; nothing deferred (files, index and branch "
                "restored)"
            ) from error
        self.done.append((deferral, relpath))
        return sha

    def _undo(self, failed: Deferral) -> None:
        restore_deferral(failed)
        try:
            undo_commits(self.repo, self.original, [relpath for _, relpath in self.done])
        except RepoError as error:
            raise DeferralAborted(f"cannot undo the deferral commits: {error}") from error
        for deferral, _ in self.done:
            restore_deferral(deferral)


def start_commits(root: Path, entries: Sequence[XepEntry]) -> DeferralCommits:
    """Check that the deferrals of ``entries`` can be committed (StaleError before anything is
    written): HEAD on a branch with commits, no merge/rebase/cherry-pick in progress, every
    entry's file tracked and without uncommitted changes."""
    try:
        repo = open_repo(root)
        top = work_tree(repo)
        check_can_commit(repo)
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
    return DeferralCommits(repo, top, repo.head.commit.hexsha)


def apply_deferral(deferral: Deferral) -> None:
    """Write the deferral under the file's lock, if the file still holds the bytes it was
    planned on (StaleError, one line, otherwise; the file is then untouched)."""
    try:
        write_atomically(deferral.path, deferral.after, expected=deferral.before)
    except FileRefused as refusal:
        raise StaleError(f"{deferral.entry.path}: {refusal.reason}") from None


def restore_deferral(deferral: Deferral) -> None:
    """Put the file's original bytes back (if it still holds the deferral's)."""
    try:
        write_atomically(deferral.path, deferral.before, expected=deferral.after)
    except FileRefused as refusal:
        raise DeferralAborted(
            f"{deferral.entry.path}: cannot restore it after a failed commit: {refusal.reason}"
        ) from None
