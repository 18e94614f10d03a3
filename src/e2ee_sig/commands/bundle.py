"""``e2ee-sig bundle``: check a submission and package it for the Council through git."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from e2ee_sig.commands._common import CONTEXT
from e2ee_sig.errors import E2eeSigError


@click.command(context_settings=CONTEXT)
@click.argument("path", metavar="[REPO | DRAFT]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--base",
    metavar="REF",
    help="Submit the commits since REF (default: the merge-base with origin's default branch).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write here: a new or empty folder, or one an earlier run wrote (it holds "
    ".e2ee-sig-bundle); default: <git-dir>/e2ee-sig/bundles/<name>/, outside the work tree.",
)
@click.option(
    "--branch",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[NAME]",
    help="Also create a branch at HEAD, not checked out (default name e.g. xep-0384-0.10.0; "
    "with --into: protoxep/<shortname>). Give it last or as --branch=NAME.",
)
@click.option("--allow-multiple", is_flag=True, help="Allow more than one numbered XEP.")
@click.option("--force", is_flag=True, help="Write the outputs even when a check fails.")
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="CLONE",
    help="Submit the workspace DRAFT into this clone of xsf/xeps as inbox/<shortname>.xml.",
)
def bundle(
    path: Path | None,
    base: str | None,
    out: Path | None,
    branch: str | None,
    allow_multiple: bool,
    force: bool,
    into: Path | None,
) -> None:
    """Check a submission and package it for the Council through git.

    In REPO (a clone of xsf/xeps, default: the current folder), takes the commits between the
    base and HEAD, checks every changed XEP file (lint under xsf-ci plus the error rules, a new
    revision block with a bump that fits the status, one XEP or one ProtoXEP per submission)
    and writes a verified git bundle, the patch series and SUMMARY.md (the suggested PR title,
    old → new version, revision remark, who must approve, lint result, commits). The work
    tree, index, HEAD and current branch are never changed; uncommitted changes are listed as
    not included. When a check fails nothing is written (unless --force).

    With --into CLONE, DRAFT (a file of the SIG's xeps/ workspace) is committed into CLONE as
    inbox/<shortname>.xml on a new branch protoxep/<shortname> ("ProtoXEP: <title>"), in a
    temporary worktree so the clone's checkout is untouched, and then bundled.

    \b
    Examples:
      e2ee-sig bundle
      e2ee-sig bundle ~/src/xeps --base origin/master --branch
      e2ee-sig bundle --out /tmp/omemo-0.10 --branch xep-0384-update
      e2ee-sig bundle --allow-multiple --base upstream/master
      e2ee-sig bundle --into ~/src/xeps xeps/e2ee-recommendations.xml

    Exit status: 0 written, 1 a check failed (nothing written unless --force), 2 cannot proceed
    (not a git repository, detached HEAD, no commits since the base, shallow history …).
    """
    from e2ee_sig.bundle.model import LISTED_DIRTY, BundleRequest
    from e2ee_sig.bundle.submit import prepare
    from e2ee_sig.bundle.summary import INHERITED, version_change

    if into is not None and path is None:
        raise E2eeSigError("--into CLONE needs the DRAFT file to submit (e.g. xeps/my-draft.xml)")
    if into is not None and (base or allow_multiple):
        raise E2eeSigError(
            "--base and --allow-multiple do not apply with --into (the base is the clone's HEAD)"
        )
    request = BundleRequest(
        path=path or Path("."),
        base=base,
        out=out,
        branch=branch,
        allow_multiple=allow_multiple,
        force=force,
        into=into,
    )
    result = prepare(request)
    plan = result.plan
    if result.inside_work_tree:
        click.echo(f"note: {result.out} is inside the work tree (untracked files)", err=True)
    for xep in plan.xeps:
        for d in xep.lint.diagnostics:
            inherited = INHERITED if xep.lint.is_inherited(d) else ""
            click.echo(f"{d.path}:{d.line}:{d.column}: {d.code} {d.message}{inherited}", err=True)
    for check in plan.checks:
        click.echo(str(check), err=True)
    for xep in plan.xeps:
        click.echo(f"{xep.identifier} ({xep.title}): {xep.status}, {version_change(xep)}")
    if plan.not_included:
        shown = ", ".join(f"{d.path} ({d.state})" for d in plan.not_included[:LISTED_DIRTY])
        more = len(plan.not_included) - LISTED_DIRTY
        click.echo(f"Not included (uncommitted): {shown}{f' and {more} more' if more > 0 else ''}")
    if result.out is None:
        count = len(plan.failed)
        click.echo(
            f"Nothing written: {count} check{'s' * (count != 1)} failed (--force writes anyway).",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Suggested PR title: {plan.pr_title}")
    click.echo(f"Wrote {result.out}/")
    for file in result.files:
        click.echo(f"  {file.relative_to(result.out)}")
    if result.branch is not None:
        click.echo(f"Created branch {result.branch} at {plan.head[:12]} (not checked out).")
    sys.exit(1 if plan.failed else 0)
