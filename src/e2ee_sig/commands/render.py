"""``e2ee-sig render``: XEPs to HTML through the XEP root's ``xep.xsl``, in-process."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from e2ee_sig.commands._render_options import (
    CONTEXT,
    EXIT_FAILED,
    fail,
    stylesheet_option,
    xeps_root_option,
)


@click.command(context_settings=CONTEXT)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    help="Write here: a file for one XEP, a folder (created) for several. Default: stdout.",
)
@xeps_root_option
@stylesheet_option
def render(
    files: tuple[Path, ...], out: Path | None, xeps_root: Path | None, stylesheet: Path | None
) -> None:
    """Render XEP FILEs to HTML as xmpp.org publishes them.

    Uses xep.xsl from the XEP root (the folder with xep.dtd, like an xsf/xeps checkout) and
    gives the same bytes as `xsltproc xep.xsl FILE`, in-process: the stylesheet is compiled
    once, xep.dtd's attribute defaults apply, nothing is fetched from the network and the
    stylesheet's external references (CSS, images) stay links.

    \b
    Examples:
      e2ee-sig render xep-0384.xml > xep-0384.html
      e2ee-sig render xep-0384.xml -o /tmp/omemo.html
      e2ee-sig render xep-03*.xml -o html/          (writes html/xep-0373.html, …)
      e2ee-sig render --stylesheet my.xsl inbox/draft.xml

    Exit status: 0 rendered, 1 a file could not be rendered, 2 no stylesheet or bad usage.
    """
    from e2ee_sig.render import Renderer, RenderError, find_stylesheet
    from e2ee_sig.render.output import emit

    if len(files) > 1 and out is None:
        raise click.UsageError("several FILEs need -o DIR (one .html per file)")
    try:
        renderer = Renderer(find_stylesheet(files, xeps_root, stylesheet), xeps_root)
    except RenderError as error:
        fail(f"error: {error}")
    folder = out if out is not None and (len(files) > 1 or out.is_dir()) else None
    failed = 0
    show_progress = folder is not None and len(files) > 1 and sys.stderr.isatty()
    progress = click.progressbar(files, label="rendering", file=sys.stderr)
    with progress if show_progress else nullcontext(files) as bar:
        for file in bar:
            target = folder / f"{file.stem}.html" if folder is not None else out
            try:
                emit(renderer.render(file), target)
            except RenderError as error:
                failed += 1
                click.echo(
                    f"\ne2ee-sig: {error}" if show_progress else f"e2ee-sig: {error}", err=True
                )
            except OSError as error:
                fail(f"error: cannot write {target}: {error.strerror}")
    if folder is not None:
        done = len(files) - failed
        click.echo(f"rendered {done} of {len(files)} file(s) into {folder}/", err=True)
    sys.exit(EXIT_FAILED if failed else 0)
