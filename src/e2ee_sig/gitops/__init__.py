"""Everything that touches git, through gitpython (imported inside the functions, so that
commands which do not need git never load it).

The names below load their module on first use: ``stale`` reads git history without the
modules that need gitpython or write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from e2ee_sig.lazy import module_attributes

if TYPE_CHECKING:
    from e2ee_sig.gitops.changes import (
        Change,
        ChangedFiles,
        CommitInfo,
        DirtyFile,
        changed_since,
        changes_between,
        commits_between,
        dirty_files,
    )
    from e2ee_sig.gitops.history import FileCommit, FileHistory, commit_introducing, file_history
    from e2ee_sig.gitops.repo import (
        RepoError,
        check_branch_name,
        check_can_commit,
        common_git_dir,
        create_branch,
        current_branch,
        delete_branch,
        file_at,
        has_commits,
        is_shallow,
        merge_base,
        open_repo,
        repo_of_file,
        resolve,
        upstream_branch,
        work_tree,
    )
    from e2ee_sig.gitops.writing import (
        commit_file,
        commit_only,
        create_bundle,
        format_patches,
        temporary_worktree,
        undo_commits,
    )

_HOMES = {
    "Change": "e2ee_sig.gitops.changes",
    "ChangedFiles": "e2ee_sig.gitops.changes",
    "CommitInfo": "e2ee_sig.gitops.changes",
    "DirtyFile": "e2ee_sig.gitops.changes",
    "FileCommit": "e2ee_sig.gitops.history",
    "FileHistory": "e2ee_sig.gitops.history",
    "RepoError": "e2ee_sig.gitops.repo",
    "changed_since": "e2ee_sig.gitops.changes",
    "changes_between": "e2ee_sig.gitops.changes",
    "check_branch_name": "e2ee_sig.gitops.repo",
    "check_can_commit": "e2ee_sig.gitops.repo",
    "commit_file": "e2ee_sig.gitops.writing",
    "commit_introducing": "e2ee_sig.gitops.history",
    "commit_only": "e2ee_sig.gitops.writing",
    "commits_between": "e2ee_sig.gitops.changes",
    "common_git_dir": "e2ee_sig.gitops.repo",
    "create_branch": "e2ee_sig.gitops.repo",
    "create_bundle": "e2ee_sig.gitops.writing",
    "current_branch": "e2ee_sig.gitops.repo",
    "delete_branch": "e2ee_sig.gitops.repo",
    "dirty_files": "e2ee_sig.gitops.changes",
    "file_at": "e2ee_sig.gitops.repo",
    "file_history": "e2ee_sig.gitops.history",
    "format_patches": "e2ee_sig.gitops.writing",
    "has_commits": "e2ee_sig.gitops.repo",
    "is_shallow": "e2ee_sig.gitops.repo",
    "merge_base": "e2ee_sig.gitops.repo",
    "open_repo": "e2ee_sig.gitops.repo",
    "repo_of_file": "e2ee_sig.gitops.repo",
    "resolve": "e2ee_sig.gitops.repo",
    "temporary_worktree": "e2ee_sig.gitops.writing",
    "undo_commits": "e2ee_sig.gitops.writing",
    "upstream_branch": "e2ee_sig.gitops.repo",
    "work_tree": "e2ee_sig.gitops.repo",
}

__all__ = [
    "Change",
    "ChangedFiles",
    "CommitInfo",
    "DirtyFile",
    "FileCommit",
    "FileHistory",
    "RepoError",
    "changed_since",
    "changes_between",
    "check_branch_name",
    "check_can_commit",
    "commit_file",
    "commit_introducing",
    "commit_only",
    "commits_between",
    "common_git_dir",
    "create_branch",
    "create_bundle",
    "current_branch",
    "delete_branch",
    "dirty_files",
    "file_at",
    "file_history",
    "format_patches",
    "has_commits",
    "is_shallow",
    "merge_base",
    "open_repo",
    "repo_of_file",
    "resolve",
    "temporary_worktree",
    "undo_commits",
    "upstream_branch",
    "work_tree",
]


__getattr__ = module_attributes(__name__, _HOMES)
