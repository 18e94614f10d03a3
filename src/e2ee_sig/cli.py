"""Command-line wiring: each command parses its options and calls one library function.

Heavy modules (lxml, rich, jinja2, git) are imported inside the commands so ``--help`` is
instant.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from e2ee_sig import __version__

EXIT_FINDINGS = 1
EXIT_USAGE = 2
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _split(values: tuple[str, ...]) -> list[str]:
    """``--select A,B --select C`` → ``["A", "B", "C"]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fail(message: str) -> NoReturn:
    click.echo(f"e2ee-sig: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _config():  # type: ignore[no-untyped-def]
    from e2ee_sig.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as error:
        _fail(str(error))


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="e2ee-sig")
def main() -> None:
    """Toolkit of the XSF's end-to-end encryption SIG (XEP-0429).

    \b
    Workflow:  new-xep → edit → lint → bump → bundle
    Meetings:  stale
    Exit status: 0 clean, 1 findings, 2 usage error or a command that cannot proceed.
    """


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--profile",
    type=click.Choice(["default", "xsf-ci", "e2ee"]),
    help="Rule set: xsf-ci = exactly the official XSF CI; e2ee = default + E2EE rules as errors.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "concise", "json", "github", "sarif"]),
    help="Output format (default: text).",
)
@click.option(
    "--select", multiple=True, help="Only these rule codes, prefixes or names (e.g. SEC,HDR012)."
)
@click.option("--extend-select", multiple=True, help="Add rules to the profile's set.")
@click.option("--ignore", multiple=True, help="Leave out these rule codes, prefixes or names.")
@click.option(
    "--xeps-root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with xep.dtd and xep.ent (default: found by walking up from each file).",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: by input size)."
)
@click.option(
    "--statistics", is_flag=True, help="Print how often each rule fired instead of each diagnostic."
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report here.",
)
@click.option(
    "--fix", is_flag=True, help="Apply safe fixes in place (only the bytes of each problem change)."
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: also apply unsafe fixes.")
@click.option("--diff", is_flag=True, help="Show the fixes as a unified diff; change nothing.")
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only XEP files changed since git REF; revision rules judge only revisions added since.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report only findings not recorded in this file (see --write-baseline).",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record today's findings in this file (for --baseline in CI) and exit 0.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found.")
def lint(
    paths: tuple[str, ...],
    profile: str | None,
    output_format: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    xeps_root: Path | None,
    jobs: int | None,
    statistics: bool,
    output_file: Path | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    changed_since: str | None,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    exit_zero: bool,
) -> None:
    """Check XEP files against the XSF's rules.

    PATHS are XEP files or folders (an xsf/xeps checkout: its xep-*.xml and inbox/*.xml; any
    other folder: its *.xml). Default: the current folder.

    \b
    Examples:
      e2ee-sig lint xeps/
      e2ee-sig lint --profile xsf-ci xep-0384.xml inbox/omemo-mls.xml
      e2ee-sig lint --changed-since origin/master --format github
      e2ee-sig lint --select SEC,E2E --statistics .
      e2ee-sig lint --fix inbox/my-draft.xml
      e2ee-sig lint --write-baseline .e2ee-sig-baseline.json .   (once; commit the file)
      e2ee-sig lint --baseline .e2ee-sig-baseline.json .         (in CI: only new findings)

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
    """
    from e2ee_sig.lint.runner import LintRequest, run_lint

    config = _config()
    request = LintRequest(
        paths=list(paths) or ["."],
        profile=profile or config.get("profile", "default"),
        output_format=output_format or config.get("format", "text"),
        select=_split(select) or config.get("select", []),
        extend_select=_split(extend_select) + config.get("extend-select", []),
        ignore=_split(ignore) + ([] if select else config.get("ignore", [])),
        xeps_root=xeps_root or config.path("xeps-root"),
        jobs=jobs or config.get("jobs"),
        statistics=statistics,
        output_file=output_file,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        changed_since=changed_since,
        baseline_file=baseline_file,
        write_baseline_file=write_baseline_file,
    )
    status = run_lint(request)
    sys.exit(0 if exit_zero and status == EXIT_FINDINGS else status)


@main.command(context_settings=CONTEXT)
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List every lint rule, or show the documentation of one (by code or name).

    \b
    Examples:
      e2ee-sig rules
      e2ee-sig rules SEC001
      e2ee-sig rules legal-notice
    """
    from e2ee_sig.lint.catalogue import show_rule, show_rules

    if code is None:
        show_rules()
    elif not show_rule(code):
        _fail(f"no rule {code!r} (see 'e2ee-sig rules')")


@main.command("new-xep", context_settings=CONTEXT)
@click.option("--title", help="Title of the specification (under 10 words).")
@click.option("--shortname", help="Short name: lowercase letters, digits, hyphens (omemo-mls).")
@click.option("--abstract", help="One or two sentences: 'This specification defines …'.")
@click.option(
    "--author",
    "authors",
    multiple=True,
    metavar="'NAME <EMAIL>'",
    help="An author (repeatable). 'Surname, Given <email>' when the surname is not last.",
)
@click.option("--jid", "jids", multiple=True, help="JID of the n-th --author (repeatable).")
@click.option("--template", help="Template name (see --list-templates; default: encryption).")
@click.option(
    "--type",
    "xep_type",
    type=click.Choice(["Standards Track", "Informational"]),
    help="XEP type (default: the template's).",
)
@click.option(
    "--date",
    "draft_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date of the first revision, YYYY-MM-DD (default: today, UTC).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="File (or folder) to write; default: inbox/ of an xsf/xeps checkout, else xeps/, else .",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--no-input", is_flag=True, help="Never prompt: a missing value is an error.")
@click.option("--list-templates", is_flag=True, help="List the templates and exit.")
@click.option(
    "--template-dir",
    "template_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with your own <name>.xml.j2 templates (repeatable; config: template-dir).",
)
def new_xep(
    title: str | None,
    shortname: str | None,
    abstract: str | None,
    authors: tuple[str, ...],
    jids: tuple[str, ...],
    template: str | None,
    xep_type: str | None,
    draft_date: datetime | None,
    output: Path | None,
    force: bool,
    no_input: bool,
    list_templates: bool,
    template_dirs: tuple[Path, ...],
) -> None:
    """Start a new XEP draft (ProtoXEP) from a template.

    On a terminal, missing values are asked for; with --no-input or without a terminal they
    are an error. The draft passes the XSF's checks as written; its TODO placeholders and XML
    comments are the author's to-do list, reported by 'e2ee-sig lint'.

    \b
    Examples:
      e2ee-sig new-xep
      e2ee-sig new-xep --list-templates
      e2ee-sig new-xep --no-input --template encryption --title "OMEMO over MLS" \\
          --shortname omemo-mls --abstract "This specification defines OMEMO over MLS." \\
          --author "Alice Example <alice@example.org>" --jid alice@example.org

    Exit status: 0 written, 2 usage error, missing value or existing file.
    """
    from e2ee_sig.scaffold import (
        DraftRequest,
        ScaffoldError,
        create_draft,
        discover_templates,
        display,
        template_listing,
    )

    config = _config()
    folders = list(template_dirs) or [p for p in [config.path("template-dir")] if p]
    cwd = Path.cwd()
    try:
        if list_templates:
            for line in template_listing(discover_templates(folders)):
                click.echo(line)
            return
        request = DraftRequest(
            title=title,
            shortname=shortname,
            abstract=abstract,
            authors=list(authors),
            jids=list(jids),
            template=template,
            xep_type=xep_type,
            date=draft_date.date() if draft_date else None,
            output=output,
            force=force,
            template_dirs=folders,
            xeps_root=config.path("xeps-root"),
        )
        interactive = not no_input and sys.stdin.isatty()
        from e2ee_sig.dates import today_utc

        today = today_utc()
        path, used = create_draft(request, interactive=interactive, today=today, cwd=cwd)
    except ScaffoldError as error:
        _fail(str(error))
    shown = display(path, cwd)
    click.echo(f"Wrote {shown} (template '{used.name}').")
    click.echo("Next steps:")
    click.echo("  1. Replace every TODO; the XML comments explain each section.")
    click.echo(f"  2. e2ee-sig lint {shown}")
    click.echo(f"  3. e2ee-sig bundle --into <clone of xsf/xeps> {shown}")


@main.command(context_settings=CONTEXT)
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--now",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Judge as on this day, YYYY-MM-DD (default: today, UTC).",
)
@click.option(
    "--months",
    type=click.IntRange(1, 1200),
    default=12,
    show_default=True,
    help="Months without a revision before an Experimental XEP is deferred.",
)
@click.option(
    "--soon",
    "soon_days",
    metavar="DAYS",
    type=click.IntRange(0, 3650),
    default=60,
    show_default=True,
    help="'due-soon' when a XEP will be stale within DAYS.",
)
@click.option(
    "--sig",
    type=click.Choice(["e2ee"]),
    help="Only the SIG's encryption XEPs (list shipped with the package; config: sig-xeps).",
)
@click.option(
    "--number",
    "numbers",
    multiple=True,
    metavar="N",
    help="Only these XEPs (repeatable or comma-separated: 384, 0384, XEP-0384).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "markdown"]),
    help="Output (default: table on a terminal, else markdown: the meeting agenda section).",
)
@click.option("--defer", is_flag=True, help="Defer every stale XEP in place (needs --initials).")
@click.option("--initials", help="The Editor's initials for the revision block: 'XEP Editor (XX)'.")
@click.option("--commit", is_flag=True, help="With --defer: one git commit per deferred XEP.")
@click.option("--dry-run", is_flag=True, help="With --defer: show the diff, change nothing.")
def stale(
    root: Path | None,
    now: datetime | None,
    months: int,
    soon_days: int,
    sig: str | None,
    numbers: tuple[str, ...],
    output_format: str | None,
    defer: bool,
    initials: str | None,
    commit: bool,
    dry_run: bool,
) -> None:
    """Report stale XEPs for the SIG meeting and apply deferrals.

    An Experimental XEP whose first revision is dated on or before the same day --months ago is
    'stale' (the Editor's deferrals.py rule); 'due-soon' within --soon days. Also shown: the
    XEP-0001 reading (patch revisions are no activity), git commits after the newest revision
    ('unrecorded changes'), and the inbox ProtoXEPs' age. ROOT is an xsf/xeps checkout
    (default: config xeps-root, else the nearest folder up with xep-NNNN.xml files).

    \b
    Examples:
      e2ee-sig stale ~/src/xeps
      e2ee-sig stale --sig e2ee --format markdown > agenda.md
      e2ee-sig stale --now 2026-06-30 --format json
      e2ee-sig stale --number 384,373 --soon 90
      e2ee-sig stale --defer --initials XYZ --dry-run
      e2ee-sig stale --defer --initials XYZ --commit

    Exit status: 0 nothing stale, 1 something stale or undatable (after --defer: undatable
    only), 2 usage error or a deferral that cannot be made.
    """
    from e2ee_sig.dates import today_utc
    from e2ee_sig.stale import StaleOptions, discover_root, parse_number
    from e2ee_sig.stale_report import StaleRequest, default_format, run_stale

    if not defer and (initials or commit or dry_run):
        _fail("--initials, --commit and --dry-run only apply with --defer")
    if defer and not (initials and initials.strip()):
        _fail("--defer needs --initials (the Editor's, for 'XEP Editor (XX)')")
    if commit and dry_run:
        _fail("--commit and --dry-run exclude each other")
    try:
        wanted = [parse_number(n) for n in _split(numbers)]
    except ValueError as error:
        _fail(f"--number: {error}")
    config = _config()
    root = root or config.path("xeps-root") or discover_root(Path.cwd())
    if root is None:
        _fail("no xep-NNNN.xml files here or above: give ROOT (an xsf/xeps checkout)")
    options = StaleOptions(
        root=root,
        now=now.date() if now else today_utc(),
        months=months,
        soon_days=soon_days,
        numbers=wanted,
        sig=sig,
        sig_xeps=config.get("sig-xeps"),
    )
    request = StaleRequest(
        options,
        output_format or default_format(),
        defer=defer,
        initials=initials.strip() if initials else None,
        commit=commit,
        dry_run=dry_run,
    )
    sys.exit(run_stale(request))


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--remark",
    "-m",
    "remarks",
    multiple=True,
    required=True,
    metavar="TEXT",
    help="What changed; repeat for several (one <li> each).",
)
@click.option(
    "--initials", metavar="XX", help="Your initials (default: 'initials' in [tool.e2ee-sig])."
)
@click.option(
    "--level",
    type=click.Choice(["patch", "minor", "major"]),
    help="patch = editorial, minor = substantive (default), major = with --status only.",
)
@click.option(
    "--status",
    metavar="STATUS",
    help="Also change <status> (e.g. Draft, Active, Final); needed for --level major.",
)
@click.option("--date", metavar="YYYY-MM-DD", help="Date of the revision (default: today, UTC).")
@click.option("--dry-run", is_flag=True, help="Print the change as a diff; write nothing.")
def bump(
    paths: tuple[Path, ...],
    remarks: tuple[str, ...],
    initials: str | None,
    level: str | None,
    status: str | None,
    date: str | None,
    dry_run: bool,
) -> None:
    """Add a revision block with the right version bump.

    Inserts the block before the first <revision>, in the file's own indentation, and changes
    nothing else. Versions follow XEP-0001 and XEP-0143: a ProtoXEP goes 0.0.N → 0.0.N+1;
    otherwise patch (x.y.z+1) is an editorial change and minor (x.y+1.0, the default) a
    substantive one, which returns a Deferred XEP to Experimental; major needs --status.
    Legacy versions continue in three parts (1.2 → 1.3.0). Each file is bumped or left alone.

    \b
    Examples:
      e2ee-sig bump xep-0384.xml -m "Clarify device list handling." --initials ps
      e2ee-sig bump xep-0373.xml --level patch -m "Fix typos." --initials th
      e2ee-sig bump inbox/omemo-mls.xml -m "Add key rotation." -m "Fix examples." --initials ae
      e2ee-sig bump xep-0420.xml --level major --status Draft -m "Advanced to Stable." \\
          --initials "XEP Editor (dg)" --date 2026-12-01 --dry-run

    Exit status: 0 all files bumped, 2 a file was refused or the input is wrong.
    """
    from e2ee_sig.bump import BumpRequest, run_bump

    initials = initials or _config().get("initials")
    if not initials:
        _fail("--initials is required (or set 'initials' in [tool.e2ee-sig])")
    request = BumpRequest(
        paths=paths,
        remarks=remarks,
        initials=initials,
        level=level,  # type: ignore[arg-type]
        status=status,
        date=date,
        dry_run=dry_run,
    )
    sys.exit(run_bump(request))


@main.command(context_settings=CONTEXT)
@click.argument("path", metavar="[REPO | DRAFT]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--base",
    metavar="REF",
    help="Submit the commits since REF (default: the merge-base with origin's default branch).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write here (default: <git-dir>/e2ee-sig/bundles/<name>/, outside the work tree).",
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
    from e2ee_sig.bundle import BundleRequest, run_bundle

    if into is not None and path is None:
        _fail("--into CLONE needs the DRAFT file to submit (e.g. xeps/my-draft.xml)")
    if into is not None and (base or allow_multiple):
        _fail("--base and --allow-multiple do not apply with --into (the base is the clone's HEAD)")
    request = BundleRequest(
        path=path or Path("."),
        base=base,
        out=out,
        branch=branch,
        allow_multiple=allow_multiple,
        force=force,
        into=into,
    )
    sys.exit(run_bundle(request))


from e2ee_sig.commands.diff import diff  # noqa: E402
from e2ee_sig.commands.preview import preview  # noqa: E402
from e2ee_sig.commands.render import render  # noqa: E402

main.add_command(render)
main.add_command(preview)
main.add_command(diff)
from e2ee_sig.commands.lsp import lsp  # noqa: E402

main.add_command(lsp)
