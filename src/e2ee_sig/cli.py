"""Command-line wiring: each command parses its options and calls one library function.

Heavy modules (lxml, rich, jinja2, git) are imported inside the commands so ``--help`` is
instant.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from e2ee_sig import __version__

EXIT_FINDINGS = 1
EXIT_USAGE = 2
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _split(values: tuple[str, ...]) -> list[str]:
    """``--select A,B --select C`` → ``["A", "B", "C"]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fail(message: str) -> None:
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
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
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


def _not_built(name: str) -> None:
    _fail(f"'{name}' is not built yet")


@main.command("new-xep", context_settings=CONTEXT)
def new_xep() -> None:
    """Start a new encryption XEP draft (ProtoXEP) from a template."""
    _not_built("new-xep")


@main.command(context_settings=CONTEXT)
def stale() -> None:
    """Report stale XEPs for the SIG meeting and apply deferrals."""
    _not_built("stale")


@main.command(context_settings=CONTEXT)
def bump() -> None:
    """Add a revision block with the right version bump."""
    _not_built("bump")


@main.command(context_settings=CONTEXT)
def bundle() -> None:
    """Package a submission for the Council through git."""
    _not_built("bundle")
