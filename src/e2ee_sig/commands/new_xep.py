"""``e2ee-sig new-xep``: start a new XEP draft (ProtoXEP) from a template; the prompts on a
terminal are asked here, the draft is made by :mod:`e2ee_sig.scaffold`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from e2ee_sig.commands._common import CONTEXT, DAY, config
from e2ee_sig.errors import E2eeSigError
from e2ee_sig.xep.vocab import PROTOXEP_TYPES

T = TypeVar("T")


class TerminalPrompter:
    """Asks on the terminal with click; a refused answer prints ``Error: …`` and asks again."""

    def ask(
        self,
        prompt: str,
        check: Callable[[str], T],
        default: str | None = None,
        show_default: bool = True,
    ) -> T:
        from e2ee_sig.scaffold import InvalidValue

        def convert(value: str) -> T:
            try:
                return check(value)
            except InvalidValue as error:
                raise click.BadParameter(str(error)) from error

        try:
            return click.prompt(  # type: ignore[no-any-return]
                prompt, default=default, show_default=show_default, value_proc=convert
            )
        except click.Abort:  # end of input (or ^C) at the prompt: nothing was written
            click.echo(err=True)
            raise E2eeSigError(f"no answer to {prompt!r}; nothing written") from None


@click.command("new-xep", context_settings=CONTEXT)
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
    type=click.Choice(PROTOXEP_TYPES),
    help="XEP type (default: the template's).",
)
@click.option(
    "--date",
    "draft_date",
    type=DAY,
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
    draft_date: date | None,
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
    from e2ee_sig.dates import today_utc
    from e2ee_sig.scaffold import (
        DraftRequest,
        create_draft,
        discover_templates,
        display,
        self_check,
        template_listing,
    )

    settings = config()
    folders = list(template_dirs) or [p for p in [settings.path("template-dir")] if p]
    cwd = Path.cwd()
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
        date=draft_date,
        output=output,
        force=force,
        template_dirs=folders,
        xeps_root=settings.path("xeps-root"),
    )
    prompter = TerminalPrompter() if not no_input and sys.stdin.isatty() else None
    path, used = create_draft(request, prompter=prompter, today=today_utc(), cwd=cwd)
    shown = display(path, cwd)
    click.echo(f"Wrote {shown} (template '{used.name}').")
    for problem in self_check(path, shown):
        click.echo(f"warning: {shown}:{problem.line}: {problem.code} {problem.message}", err=True)
    click.echo("Next steps:")
    click.echo("  1. Replace every TODO; the XML comments explain each section.")
    click.echo(f"  2. e2ee-sig lint {shown}")
    click.echo(f"  3. e2ee-sig bundle --into <clone of xsf/xeps> {shown}")
