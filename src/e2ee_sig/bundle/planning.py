"""Planning a submission: read ``base..head`` from git objects, gather the facts of each
changed XEP file, lint it and judge it; nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.bundle.checks import BUMP_RULES, revision_checks, scope_checks
from e2ee_sig.bundle.model import (
    BundleError,
    LintResult,
    Plan,
    RevisionFacts,
    Verdict,
    XepFacts,
)
from e2ee_sig.dates import today_utc
from e2ee_sig.gitops import (
    Change,
    CommitInfo,
    DirtyFile,
    changes_between,
    commits_between,
    file_at,
    work_tree,
)
from e2ee_sig.lint import check_document
from e2ee_sig.lint.check import error_rule_codes
from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lint.registry import official_rules
from e2ee_sig.xep import Document, XepRoot, parse_bytes, root_at
from e2ee_sig.xep.header import revision_pairs, text_of
from e2ee_sig.xep.policy import approval
from e2ee_sig.xep.root import is_xep_root
from e2ee_sig.xep.vocab import INBOX_FILE, NUMBERED_XEP

if TYPE_CHECKING:
    from git import Repo
    from lxml import etree

TITLE_WIDTH = 72


def _xep_root(top: Path) -> XepRoot | None:
    return root_at(top) if is_xep_root(top) else None


def _parse(raw: bytes, top: Path, relpath: str) -> Document:
    return parse_bytes(raw, top / relpath, relpath, _xep_root(top))


def _lint(document: Document, old: Document | None, today: date) -> LintResult:
    """Lint the committed file under xsf-ci plus every error rule (revision rules judge only
    revisions added since the base) and note which non-official errors the base version
    already had."""
    old_pairs = revision_pairs(old.raw) if old else set()

    def check(version: Document) -> list[Diagnostic]:
        return check_document(
            version,
            profile="xsf-ci",
            extend_select=error_rule_codes(),
            ignore=BUMP_RULES,
            today=today,
            baseline=old_pairs,
        )

    diagnostics = check(document)
    official = official_rules()
    unofficial = [d for d in diagnostics if d.code not in official]
    if old is None or not unofficial:
        return LintResult(diagnostics)
    before = check(old)
    return LintResult(diagnostics, frozenset((d.code, d.message) for d in before))


def remark_lines(remark: etree._Element | None) -> list[str]:
    """A remark as Markdown lines: one per ``<p>``, ``- item`` per ``<li>``, or its text."""
    if remark is None:
        return []
    lines = []
    for child in remark:
        if child.tag == "p":
            lines.append(" ".join(text_of(child).split()))
        elif child.tag == "ul":
            lines += ["- " + " ".join(text_of(li).split()) for li in child.iterchildren("li")]
    return [line for line in lines if line] or [" ".join(text_of(remark).split())]


def _author(author: object) -> str:
    name = getattr(author, "name", "")
    email = getattr(author, "email", None)
    return f"{name} <{email.value}>" if email is not None and email.value else name


def _facts(
    top: Path, change: Change, old_raw: bytes | None, new_raw: bytes, today: date
) -> tuple[XepFacts | None, LintResult, list[Verdict]]:
    """The facts, lint result and revision checks of one changed XEP file."""
    document = _parse(new_raw, top, change.path)
    old = _parse(old_raw, top, change.path) if old_raw else None
    lint = _lint(document, old, today)
    header = document.header
    if header is None:
        checks = [Verdict(Severity.ERROR, "not a usable XEP at HEAD (see the lint result)")]
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
        approval=approval(
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
        checks += [Verdict(c.severity, c.message, change.path) for c in found]
        lint_errors = len(lint.blocking)
        if lint_errors:
            checks.append(
                Verdict(
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
                Verdict(Severity.WARNING, "has uncommitted changes (not included)", facts.path)
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
