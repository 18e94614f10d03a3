"""``e2ee-sig preview``: a live, linted rendering of one XEP in the browser."""

from __future__ import annotations

from pathlib import Path

import click

from e2ee_sig.commands._render_options import (
    CONTEXT,
    fail,
    stylesheet_option,
    xeps_root_option,
)


@click.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port on 127.0.0.1 (default: a free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@xeps_root_option
@stylesheet_option
@click.option(
    "--profile",
    type=click.Choice(["default", "xsf-ci", "e2ee"]),
    default="default",
    show_default=True,
    help="Lint rule set for the findings panel.",
)
def preview(
    file: Path,
    port: int,
    open_browser: bool,
    xeps_root: Path | None,
    stylesheet: Path | None,
    profile: str,
) -> None:
    """Serve FILE rendered as xmpp.org shows it, re-rendered each time you save.

    The page (http://127.0.0.1:PORT/, printed at start) reloads by itself after each save,
    shows the file's lint findings in a panel (click one to jump to its place in the text)
    and shows a parse or render error instead of the page until the file is fixed. Only
    127.0.0.1 is served. Ctrl-C stops.

    \b
    Examples:
      e2ee-sig preview xep-0384.xml --open
      e2ee-sig preview inbox/my-draft.xml --port 8384 --profile e2ee
    """
    from e2ee_sig.lint.engine import LintOptions, enabled_rules
    from e2ee_sig.render import Renderer, RenderError, find_stylesheet
    from e2ee_sig.render.preview import Preview, run

    try:
        renderer = Renderer(find_stylesheet([file], xeps_root, stylesheet), xeps_root)
    except RenderError as error:
        fail(f"error: {error}")
    rules = enabled_rules(LintOptions(profile=profile))
    try:
        run(Preview(file, renderer, rules, profile), port, open_browser, click.echo)
    except OSError as error:
        fail(f"error: cannot serve on 127.0.0.1:{port}: {error.strerror}")
