"""Making a submission through git: commit a workspace draft into a clone (``--into``), find
the base, and write the verified bundle, the patch series and ``SUMMARY.md``; a branch made for
them is removed again when writing fails."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.bundle.diffs import diff_pages
from e2ee_sig.bundle.model import BundleError, BundleRequest, BundleResult, Plan
from e2ee_sig.bundle.output import OutputFolder
from e2ee_sig.bundle.planning import plan_submission
from e2ee_sig.bundle.summary import render_summary
from e2ee_sig.gitops import (
    check_branch_name,
    commit_file,
    common_git_dir,
    create_branch,
    create_bundle,
    current_branch,
    delete_branch,
    dirty_files,
    file_at,
    format_patches,
    merge_base,
    open_repo,
    resolve,
    temporary_worktree,
    upstream_branch,
    work_tree,
)
from e2ee_sig.xep import load
from e2ee_sig.xep.vocab import INBOX, UNASSIGNED_SHORTNAMES

if TYPE_CHECKING:
    from git import Repo

SHORTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def default_out(repo: Repo, name: str) -> Path:
    """``<git-dir>/e2ee-sig/bundles/<name>``: outside the work tree."""
    return common_git_dir(repo) / "e2ee-sig" / "bundles" / name


def write_outputs(repo: Repo, plan: Plan, out: Path, *, owned: bool = False) -> list[Path]:
    """Write ``<name>.bundle`` (verified), ``patches/``, the diff pages and ``SUMMARY.md`` into
    ``out`` (empty, new, or marked by an earlier run: see :mod:`e2ee_sig.bundle.output`); on
    failure, what this run created is removed again."""
    folder = OutputFolder.claim(out.resolve(), owned=owned)
    try:
        with tempfile.TemporaryDirectory(prefix="e2ee-sig-bundle-") as staging_name:
            staging = Path(staging_name)
            bundle = staging / f"{plan.name}.bundle"
            create_bundle(repo, bundle, [plan.ref], plan.base)
            patches = format_patches(repo, plan.base, plan.head, staging / "patches")
            pages = diff_pages(repo, plan)
            names = [bundle.name, *(f"patches/{p.name}" for p in patches), "SUMMARY.md"]
            summary = render_summary(plan, names).encode("utf-8")
            written = [folder.write(bundle.name, bundle.read_bytes())]
            written += [folder.write(f"patches/{p.name}", p.read_bytes()) for p in patches]
            written += [folder.write(name, html) for name, html in pages]
            names += [name for name, _ in pages]
            written.append(folder.write("SUMMARY.md", summary))
            folder.finish(names)
    except OSError as error:
        folder.roll_back()
        raise BundleError(f"cannot write {out}: {error.strerror or error}") from error
    except BaseException:
        folder.roll_back()
        raise
    return written


def _open(path: Path) -> Repo:
    repo = open_repo(path if path.is_dir() else path.parent)
    work_tree(repo)
    return repo


def _base(repo: Repo, ref: str | None) -> tuple[str, str]:
    """The base commit and how it was found."""
    if ref is not None:
        return merge_base(repo, ref), ref
    upstream = upstream_branch(repo)
    return merge_base(repo, upstream), f"merge-base with {upstream}"


def _draft_into(request: BundleRequest, repo: Repo) -> tuple[str, str, str]:
    """Commit the workspace draft ``request.path`` into the clone as ``inbox/<shortname>.xml``
    in a temporary worktree; returns (base, new commit, branch name)."""
    draft = load(request.path)
    header = draft.header
    if draft.fatal is not None or header is None:
        problem = draft.fatal.message if draft.fatal else "no <xep><header>"
        raise BundleError(f"{request.path}: {problem}")
    shortname = header.value("shortname")
    if shortname in UNASSIGNED_SHORTNAMES:
        shortname = request.path.stem
    if not SHORTNAME.fullmatch(shortname) or re.match(r"xep-\d", shortname):
        raise BundleError(
            f"{request.path}: shortname {shortname!r} cannot name an inbox file (letters, digits, "
            "'.', '_', '-'; not starting with xep-<digit>)"
        )
    title = " ".join(header.value("title").split())
    if not title:
        raise BundleError(f"{request.path}: the header has no <title>")
    relpath = f"{INBOX}/{shortname}.xml"
    top = work_tree(repo)
    if any(d.path == relpath for d in dirty_files(repo)):
        raise BundleError(
            f"{top / relpath}: uncommitted changes in the clone; commit, stash or remove them first"
        )
    base = resolve(repo, "HEAD")
    if file_at(repo, base, relpath) == draft.raw:
        raise BundleError(f"{top / relpath} at HEAD is already identical to {request.path}")
    branch = request.branch or f"protoxep/{shortname}"
    check_branch_name(repo, branch)
    with temporary_worktree(repo, base) as worktree:
        head = commit_file(worktree, relpath, draft.raw, f"ProtoXEP: {title}", request.when)
    return base, head, branch


def prepare(request: BundleRequest) -> BundleResult:
    """Plan the submission and, when the checks pass (or with ``force``), write the outputs
    and create the branch. Raises BundleError or RepoError when it cannot proceed."""
    if request.into is not None:
        repo = _open(request.into)
        base, head, branch = _draft_into(request, repo)
        plan = plan_submission(
            repo,
            base,
            head,
            base_label="the clone's HEAD",
            ref=f"refs/heads/{branch}",
            today=request.today,
        )
        if plan.failed and not request.force:
            return BundleResult(plan)
        create_branch(repo, branch, head)
        return _write(repo, plan, request.out, branch)
    repo = _open(request.path)
    current = current_branch(repo)
    head = resolve(repo, "HEAD")
    base, label = _base(repo, request.base)
    plan = plan_submission(
        repo,
        base,
        head,
        base_label=label,
        ref=f"refs/heads/{current}",
        allow_multiple=request.allow_multiple,
        today=request.today,
        dirty=dirty_files(repo),
    )
    new_branch: str | None = None
    if request.branch is not None:
        new_branch = request.branch or plan.name
        check_branch_name(repo, new_branch)
    if plan.failed and not request.force:
        return BundleResult(plan)
    if new_branch is not None:
        create_branch(repo, new_branch, head)
        plan.ref = f"refs/heads/{new_branch}"
    return _write(repo, plan, request.out, new_branch)


def _write(repo: Repo, plan: Plan, out: Path | None, branch: str | None) -> BundleResult:
    """Write the outputs; a branch created for them is deleted again if writing fails."""
    owned = out is None
    out = out or default_out(repo, plan.name)
    try:
        files = write_outputs(repo, plan, out, owned=owned)
    except BaseException:
        if branch is not None:
            delete_branch(repo, branch)
        raise
    written = out.resolve()
    git_dir = common_git_dir(repo)
    inside = plan.top in written.parents and git_dir not in (written, *written.parents)
    return BundleResult(plan, written, files, branch, inside_work_tree=inside)
