"""``e2ee-sig bundle``: check a submission in ``base..HEAD`` and package it for the Council.

The plan reads only git objects (the files as committed at the base and at HEAD), so what is
checked is exactly what is bundled; uncommitted work is listed as not included. Outputs (a
verified git bundle, the patch series and ``SUMMARY.md``) are written only when every check
passes, or with ``force``.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from e2ee_sig.bump import PROTOXEP, judge_bump
from e2ee_sig.dates import today_utc
from e2ee_sig.gitops import (
    Change,
    CommitInfo,
    DirtyFile,
    GitError,
    changes_between,
    check_branch_name,
    commit_file,
    commits_between,
    common_git_dir,
    create_branch,
    create_bundle,
    current_branch,
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
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.versions import bump_level

if TYPE_CHECKING:
    from git import Repo
    from lxml import etree

    from e2ee_sig.lint.registry import Rule
    from e2ee_sig.xep import Document, XepRoot

NUMBERED_XEP = re.compile(r"xep-(\d{4})\.xml")
INBOX_FILE = re.compile(r"inbox/[^/]+\.xml")
SHORTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
UNASSIGNED_SHORTNAMES = frozenset({"", "N/A", "NOT_YET_ASSIGNED"})
AUTHOR_APPROVED = frozenset({"Experimental", "Deferred", "Proposed"})
TITLE_WIDTH = 72
LISTED_DIRTY = 20


class BundleError(Exception):
    """The submission cannot be prepared at all (exit status 2)."""


@dataclass(frozen=True)
class Check:
    """A verdict on the submission: errors stop it (unless forced), warnings are reported."""

    severity: Severity
    message: str
    path: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.severity}: {where}{self.message}"


@dataclass(frozen=True)
class RevisionFacts:
    """A revision block added since the base."""

    version: str
    date: str
    initials: str
    remark: list[str]


@dataclass(frozen=True)
class Approval:
    """Who must approve the change (GIT004) and the label the Editor will apply."""

    label: str
    who: str


@dataclass(frozen=True)
class LintResult:
    """Diagnostics of the committed file; ``inherited`` holds the (code, message) of errors from
    non-official rules the file already had at the base, which do not block the submission
    (every official XSF CI error does)."""

    diagnostics: list[Diagnostic]
    inherited: frozenset[tuple[str, str]] = frozenset()

    def is_inherited(self, diagnostic: Diagnostic) -> bool:
        return (diagnostic.code, diagnostic.message) in self.inherited

    @property
    def blocking(self) -> list[Diagnostic]:
        return [
            d for d in self.diagnostics if d.severity is Severity.ERROR and not self.is_inherited(d)
        ]


@dataclass
class XepFacts:
    """One XEP file of the submission, as committed at HEAD, compared with the base."""

    path: str
    protoxep: bool
    number: str
    title: str
    status: str
    old_status: str | None
    approver: str
    old_version: str | None
    new_version: str
    new_revisions: list[RevisionFacts]
    approval: Approval
    lint: LintResult

    @property
    def identifier(self) -> str:
        return f"ProtoXEP {self.path}" if self.protoxep else f"XEP-{self.number}"

    @property
    def level(self) -> str | None:
        if self.old_version is None:
            return "new"
        return bump_level(self.old_version, self.new_version)

    @property
    def slug(self) -> str:
        stem = Path(self.path).stem
        return (
            f"protoxep-{stem}-{self.new_version}" if self.protoxep else f"{stem}-{self.new_version}"
        )


@dataclass
class Plan:
    """Everything the checks and the summary need about ``base..head``."""

    top: Path
    base: str
    base_label: str
    head: str
    ref: str
    commits: list[CommitInfo]
    xeps: list[XepFacts]
    other_changes: list[Change]
    checks: list[Check]
    not_included: list[DirtyFile]
    pr_title: str
    name: str

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.severity is Severity.ERROR]


@dataclass
class BundleRequest:
    """The command line of ``e2ee-sig bundle``."""

    path: Path = Path(".")
    base: str | None = None
    out: Path | None = None
    branch: str | None = None
    """A branch to create at HEAD: None for none, "" for the default name."""
    allow_multiple: bool = False
    force: bool = False
    into: Path | None = None
    """With ``into``, ``path`` is a workspace draft to submit into this clone of xsf/xeps."""
    today: date | None = None
    when: datetime | None = None
    """Date of the ``--into`` commit (default: now)."""


@dataclass
class BundleResult:
    plan: Plan
    out: Path | None = None
    files: list[Path] = field(default_factory=list)
    branch: str | None = None


# --- Reading the XEP files ------------------------------------------------------------------


@cache
def _lint_rules() -> dict[str, Rule]:
    """The official XSF CI rules plus every error-severity rule."""
    from e2ee_sig.lint.engine import LintOptions, enabled_rules
    from e2ee_sig.lint.registry import all_rules

    errors = [code for code, rule in all_rules().items() if rule.severity is Severity.ERROR]
    return enabled_rules(LintOptions(profile="xsf-ci", extend_select=errors))


def _xep_root(top: Path) -> XepRoot | None:
    from e2ee_sig.xep import root_at
    from e2ee_sig.xep.root import is_xep_root

    return root_at(top) if is_xep_root(top) else None


def _parse(raw: bytes, top: Path, relpath: str) -> Document:
    from e2ee_sig.xep import parse_bytes

    return parse_bytes(raw, top / relpath, relpath, _xep_root(top))


def _lint(document: Document, old: Document | None, today: date) -> LintResult:
    """Lint the committed file (revision rules judge only revisions added since the base) and
    note which non-official errors the base version already had."""
    from e2ee_sig.lint.context import LintContext
    from e2ee_sig.lint.engine import lint_document
    from e2ee_sig.xep.header import revision_pairs

    rules = _lint_rules()
    old_pairs = frozenset(revision_pairs(old.raw)) if old else frozenset()
    baseline = {str(document.path.resolve()): old_pairs}
    context = LintContext("xsf-ci", frozenset(rules), today, baseline)
    diagnostics = lint_document(document, rules, context)
    unofficial = [d for d in diagnostics if not rules[d.code].official]
    if old is None or not unofficial:
        return LintResult(diagnostics)
    before = lint_document(old, rules, context)
    return LintResult(diagnostics, frozenset((d.code, d.message) for d in before))


def remark_lines(remark: etree._Element | None) -> list[str]:
    """A remark as Markdown lines: one per ``<p>``, ``- item`` per ``<li>``, or its text."""
    from e2ee_sig.xep.header import text_of

    if remark is None:
        return []
    lines = []
    for child in remark:
        if child.tag == "p":
            lines.append(" ".join(text_of(child).split()))
        elif child.tag == "ul":
            lines += ["- " + " ".join(text_of(li).split()) for li in child.iterchildren("li")]
    return [line for line in lines if line] or [" ".join(text_of(remark).split())]


def _approval(status: str, approver: str, xep_type: str, authors: list[str]) -> Approval:
    """GIT004: the authors for Experimental, Deferred or Proposed XEPs, else the approver."""
    body = approver or ("Board" if xep_type == "Procedural" else "Council")
    if status == "ProtoXEP":
        return Approval("ProtoXEP", f"the {body} votes on accepting it after the Editor's triage")
    if status in AUTHOR_APPROVED:
        who = ", ".join(authors) or "the authors (none listed)"
        return Approval("Needs Author", f"the authors, unless you are one: {who}")
    return Approval(f"Needs {body}", f"the {body}")


def _author(author: object) -> str:
    name = getattr(author, "name", "")
    email = getattr(author, "email", None)
    return f"{name} <{email.value}>" if email is not None and email.value else name


def _facts(
    top: Path, change: Change, old_raw: bytes | None, new_raw: bytes, today: date
) -> tuple[XepFacts | None, LintResult, list[Check]]:
    """The facts, lint result and revision checks of one changed XEP file."""
    from e2ee_sig.xep.header import revision_pairs

    document = _parse(new_raw, top, change.path)
    old = _parse(old_raw, top, change.path) if old_raw else None
    lint = _lint(document, old, today)
    header = document.header
    if header is None:
        checks = [Check(Severity.ERROR, "not a usable XEP at HEAD (see the lint result)")]
        return None, lint, checks
    old_header = old.header if old else None
    old_pairs = revision_pairs(old_raw) if old_raw else set()
    new_revisions = [
        r for r in header.revisions if (_value(r.version), _value(r.date)) not in old_pairs
    ]
    old_top = old_header.revisions[0] if old_header and old_header.revisions else None
    facts = XepFacts(
        path=change.path,
        protoxep=bool(INBOX_FILE.fullmatch(change.path)),
        number=header.value("number"),
        title=" ".join(header.value("title").split()),
        status=header.value("status"),
        old_status=old_header.value("status") if old_header else None,
        approver=header.value("approver"),
        old_version=_value(old_top.version) if old_top else None,
        new_version=_value(header.revisions[0].version) if header.revisions else "",
        new_revisions=[
            RevisionFacts(
                _value(r.version),
                _value(r.date),
                _value(r.initials),
                remark_lines(r.remark.element if r.remark else None),
            )
            for r in new_revisions
        ],
        approval=_approval(
            header.value("status"),
            header.value("approver"),
            header.value("type"),
            [_author(a) for a in header.authors],
        ),
        lint=lint,
    )
    old_count = len(old_header.revisions) if old_header else 0
    return facts, lint, revision_checks(facts, old_count, len(header.revisions))


def _value(found: object) -> str:
    return getattr(found, "value", "") if found is not None else ""


# --- Checks -----------------------------------------------------------------------------------


def revision_checks(facts: XepFacts, old_count: int, new_count: int) -> list[Check]:
    """A new revision block on top, with a version bump that fits the XEP's status."""
    error = Severity.ERROR
    old, new = facts.old_version, facts.new_version
    top_is_new = bool(facts.new_revisions) and facts.new_revisions[0].version == new
    if old is not None and new_count <= old_count:
        if new == old:
            return [Check(error, f"no new revision block since the base (top is still {old})")]
        return [
            Check(
                error,
                f"the top revision block was edited ({old} → {new}) instead of adding a new one "
                "before it",
            )
        ]
    if not top_is_new:
        return [Check(error, "the new revision block is not the first one in the header")]
    checks = []
    if len(facts.new_revisions) > 1:
        versions = ", ".join(r.version for r in facts.new_revisions)
        checks.append(
            Check(
                Severity.WARNING,
                f"{len(facts.new_revisions)} new revision blocks ({versions}): one per "
                "submission is usual (the Editor squashes them)",
            )
        )
    # A new file is an acceptance (numbered) or a new draft: judge it as a step from ProtoXEP.
    problem = judge_bump(old or "0.0.0", new, facts.old_status or PROTOXEP, facts.status)
    if problem is not None:
        checks.append(Check(error, problem))
    return checks


def scope_checks(
    xeps: Sequence[XepFacts], others: Sequence[Change], allow_multiple: bool
) -> list[Check]:
    """GIT003: a ProtoXEP alone; one numbered XEP per submission unless allowed."""
    protos = [x.path for x in xeps if x.protoxep]
    numbered = [x.identifier for x in xeps if not x.protoxep]
    checks = []
    if not xeps:
        checks.append(Check(Severity.ERROR, "no XEP file (xep-NNNN.xml or inbox/*.xml) changed"))
    if len(protos) > 1:
        checks.append(
            Check(
                Severity.ERROR, f"more than one ProtoXEP ({', '.join(protos)}): submit each alone"
            )
        )
    if protos and numbered:
        checks.append(
            Check(
                Severity.ERROR,
                f"a ProtoXEP ({', '.join(protos)}) cannot be submitted together with changes to "
                f"{', '.join(numbered)}",
            )
        )
    if len(numbered) > 1 and not allow_multiple:
        checks.append(
            Check(
                Severity.ERROR,
                f"{len(numbered)} XEPs changed ({', '.join(numbered)}): a submission changes one "
                "XEP (pass --allow-multiple for a family of XEPs)",
            )
        )
    misnamed = [c.path for c in others if re.fullmatch(r"xep-[^/]*\.xml", c.path)]
    if misnamed:
        checks.append(Check(Severity.WARNING, f"not named xep-NNNN.xml: {', '.join(misnamed)}"))
    if protos and others and not numbered:
        changed = ", ".join(c.path for c in others)
        checks.append(
            Check(
                Severity.WARNING,
                f"a ProtoXEP submission adds only its file; also changed: {changed}",
            )
        )
    return checks


# --- Planning ---------------------------------------------------------------------------------


def pr_title(xeps: Sequence[XepFacts], commits: Sequence[CommitInfo]) -> str:
    """``ProtoXEP: <title>`` (GIT001) or ``XEP-NNNN[, XEP-MMMM]: …`` (GIT002)."""
    protos = [x for x in xeps if x.protoxep]
    if len(protos) == 1 and len(xeps) == 1:
        return f"ProtoXEP: {protos[0].title}"
    prefix = ", ".join(f"XEP-{x.number}" for x in xeps if not x.protoxep) + ": "
    if len(commits) == 1 and commits[0].subject.startswith(prefix):
        return commits[0].subject
    remarks = [line.removeprefix("- ") for x in xeps for r in x.new_revisions for line in r.remark]
    text = remarks[0] if remarks else "…"
    room = TITLE_WIDTH - len(prefix)
    return prefix + (text if len(text) <= room else text[: room - 1].rstrip() + "…")


def plan_submission(
    repo: Repo,
    base: str,
    head: str,
    *,
    base_label: str,
    ref: str,
    allow_multiple: bool = False,
    today: date | None = None,
    dirty: Sequence[DirtyFile] = (),
) -> Plan:
    """Read ``base..head`` and judge it; nothing is written."""
    today = today or today_utc()
    top = work_tree(repo)
    commits = commits_between(repo, base, head)
    if not commits:
        raise BundleError(
            f"no commits since the base {base[:12]} ({base_label}): commit your work, or give "
            "--base"
        )
    xeps, others, checks = [], [], []
    for change in changes_between(repo, base, head):
        is_xep = NUMBERED_XEP.fullmatch(change.path) or INBOX_FILE.fullmatch(change.path)
        if change.status == "D" or not is_xep:
            others.append(change)
            continue
        new_raw = file_at(repo, head, change.path) or b""
        old_raw = file_at(repo, base, change.old_path or change.path)
        facts, lint, found = _facts(top, change, old_raw, new_raw, today)
        if facts is not None:
            xeps.append(facts)
        checks += [Check(c.severity, c.message, change.path) for c in found]
        lint_errors = len(lint.blocking)
        if lint_errors:
            checks.append(
                Check(
                    Severity.ERROR,
                    f"{lint_errors} lint error(s) (xsf-ci profile and error rules)",
                    change.path,
                )
            )
    checks += scope_checks(xeps, others, allow_multiple)
    dirty_paths = {d.path for d in dirty}
    for facts in xeps:
        if facts.path in dirty_paths:
            checks.append(
                Check(Severity.WARNING, "has uncommitted changes (not included)", facts.path)
            )
    name = "_".join(x.slug for x in xeps) or f"submission-{head[:12]}"
    return Plan(
        top,
        base,
        base_label,
        head,
        ref,
        commits,
        xeps,
        others,
        checks,
        list(dirty),
        pr_title(xeps, commits),
        name,
    )


# --- Summary ----------------------------------------------------------------------------------


def render_summary(plan: Plan, files: Sequence[str] = ()) -> str:
    """``SUMMARY.md`` for the Council: per XEP its facts, the approval route and lint result,
    then the checks, the commits and what is not included."""
    out = [f"# Submission: {plan.pr_title}", ""]
    out += [
        f"- Suggested PR title: `{plan.pr_title}`",
        f"- Base: `{plan.base[:12]}` ({plan.base_label}); head: `{plan.head[:12]}` "
        f"(`{plan.ref.removeprefix('refs/heads/')}`), {len(plan.commits)} "
        f"commit{'s' * (len(plan.commits) != 1)}",
        "",
    ]
    for xep in plan.xeps:
        out += _xep_section(xep)
    if plan.other_changes:
        out += ["## Other files changed", ""]
        out += [f"- {c.status} `{c.path}`" for c in plan.other_changes] + [""]
    out += ["## Checks", ""]
    if plan.checks:
        out += [f"- {check}" for check in plan.checks]
    else:
        out.append("- All checks passed.")
    out += ["", "## Commits", ""]
    out += [f"- `{c.sha[:12]}` {c.subject} ({c.author}, {c.date})" for c in plan.commits]
    out += [""]
    if plan.not_included:
        out += ["## Not included (uncommitted)", ""]
        out += [f"- `{d.path}` ({d.state})" for d in plan.not_included[:LISTED_DIRTY]]
        if len(plan.not_included) > LISTED_DIRTY:
            out.append(f"- … and {len(plan.not_included) - LISTED_DIRTY} more")
        out.append("")
    if files:
        out += ["## Files", ""] + [f"- `{name}`" for name in files]
        bundle = next((name for name in files if name.endswith(".bundle")), None)
        if bundle:
            branch = plan.ref.removeprefix("refs/heads/")
            out += [
                "",
                f"Fetch with `git fetch {bundle} {branch}:{branch}` in a clone that has "
                f"`{plan.base[:12]}`; apply the patches with `git am patches/*.patch`.",
            ]
        out.append("")
    return "\n".join(out)


def _xep_section(xep: XepFacts) -> list[str]:
    heading = f"ProtoXEP: {xep.title}" if xep.protoxep else f"XEP-{xep.number}: {xep.title}"
    status = xep.status
    if xep.old_status and xep.old_status != xep.status:
        status = f"{xep.old_status} → {xep.status}"
    version = f"{xep.old_version} → {xep.new_version}" if xep.old_version else xep.new_version
    level = f" ({xep.level})" if xep.level not in (None, "none") else ""
    lines = [
        f"## {heading}",
        "",
        f"- File: `{xep.path}`",
        f"- Status: {status}",
        f"- Version: {version}{level}",
        f"- Approval: {xep.approval.who} (label: {xep.approval.label})",
        "",
    ]
    for revision in xep.new_revisions:
        lines += [f"### Revision {revision.version} ({revision.date}, {revision.initials})", ""]
        for line in revision.remark:
            lines += [line] if line.startswith("- ") else [line, ""]
        if lines[-1]:
            lines.append("")
    lines += ["### Lint (xsf-ci and error rules)", ""]
    if xep.lint.diagnostics:
        lines += [
            f"- `{d.path}:{d.line}:{d.column}` {d.code} [{d.severity}] {d.message}"
            + (" (already at the base: not blocking)" if xep.lint.is_inherited(d) else "")
            for d in xep.lint.diagnostics
        ]
    else:
        lines.append("Clean.")
    return [*lines, ""]


# --- Writing ----------------------------------------------------------------------------------


def default_out(repo: Repo, name: str) -> Path:
    """``<git-dir>/e2ee-sig/bundles/<name>``: outside the work tree."""
    return common_git_dir(repo) / "e2ee-sig" / "bundles" / name


def write_outputs(repo: Repo, plan: Plan, out: Path) -> list[Path]:
    """Write ``<name>.bundle`` (verified), ``patches/`` and ``SUMMARY.md`` into ``out``,
    replacing earlier outputs of the same names; nothing is left behind on failure."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".e2ee-sig-bundle-", dir=out.parent))
    try:
        bundle = staging / f"{plan.name}.bundle"
        create_bundle(repo, bundle, [plan.ref], plan.base)
        patches = format_patches(repo, plan.base, plan.head, staging / "patches")
        names = [bundle.name, *(f"patches/{p.name}" for p in patches), "SUMMARY.md"]
        (staging / "SUMMARY.md").write_text(render_summary(plan, names), encoding="utf-8")
        out.mkdir(exist_ok=True)
        for old in (out / "SUMMARY.md", out / bundle.name, *(out / "patches").glob("*.patch")):
            old.unlink(missing_ok=True)
        (out / "patches").mkdir(exist_ok=True)
        for patch in patches:
            patch.replace(out / "patches" / patch.name)
        for name in (bundle.name, "SUMMARY.md"):
            (staging / name).replace(out / name)
    except OSError as error:
        raise BundleError(f"cannot write {out}: {error.strerror or error}") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in names]


# --- The command ------------------------------------------------------------------------------


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
    from e2ee_sig.xep import load

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
    relpath = f"inbox/{shortname}.xml"
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
    and create the branch. Raises BundleError or GitError when it cannot proceed."""
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
    out = out or default_out(repo, plan.name)
    try:
        files = write_outputs(repo, plan, out)
    except (BundleError, GitError):
        if branch is not None:
            repo.delete_head(branch, force=True)
        raise
    written = out.resolve()
    result = BundleResult(plan, written, files, branch)
    git_dir = common_git_dir(repo)
    if plan.top in written.parents and git_dir not in (written, *written.parents):
        print(f"note: {written} is inside the work tree (untracked files)", file=sys.stderr)
    return result


def run_bundle(request: BundleRequest, stdout: TextIO | None = None) -> int:
    """Run ``bundle`` as asked, print what happened, and return the exit status."""
    stdout = stdout or sys.stdout
    try:
        result = prepare(request)
    except (BundleError, GitError) as error:
        print(f"e2ee-sig: error: {error}", file=sys.stderr)
        return 2
    plan = result.plan
    for xep in plan.xeps:
        for d in xep.lint.diagnostics:
            inherited = " (already at the base: not blocking)" if xep.lint.is_inherited(d) else ""
            print(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}{inherited}", file=sys.stderr)
    for check in plan.checks:
        print(check, file=sys.stderr)
    for xep in plan.xeps:
        version = f"{xep.old_version} → {xep.new_version}" if xep.old_version else xep.new_version
        print(f"{xep.identifier} ({xep.title}): {xep.status}, {version}", file=stdout)
    if plan.not_included:
        shown = ", ".join(f"{d.path} ({d.state})" for d in plan.not_included[:LISTED_DIRTY])
        more = len(plan.not_included) - LISTED_DIRTY
        extra = f" and {more} more" if more > 0 else ""
        print(f"Not included (uncommitted): {shown}{extra}", file=stdout)
    if result.out is None:
        count = len(plan.failed)
        print(
            f"Nothing written: {count} check{'s' * (count != 1)} failed (--force writes anyway).",
            file=sys.stderr,
        )
        return 1
    print(f"Suggested PR title: {plan.pr_title}", file=stdout)
    print(f"Wrote {result.out}/", file=stdout)
    for file in result.files:
        print(f"  {file.relative_to(result.out)}", file=stdout)
    if result.branch is not None:
        print(f"Created branch {result.branch} at {plan.head[:12]} (not checked out).", file=stdout)
    return 1 if plan.failed else 0
