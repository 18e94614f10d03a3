"""``e2ee-sig diff``: the rendered difference between two versions of a XEP."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from e2ee_sig.commands._render_options import (
    CONTEXT,
    EXIT_FAILED,
    fail,
    xeps_root_option,
)


@click.command(context_settings=CONTEXT)
@click.argument("specs", nargs=-1, required=True, metavar="[OLD [NEW]] FILE")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), help="Write here.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "text"]),
    default="html",
    show_default=True,
    help="html: a page (side by side and inline); text: for a terminal.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text format (default: when writing to a terminal).",
)
@xeps_root_option
def diff(
    specs: tuple[str, ...],
    out: Path | None,
    output_format: str,
    color: bool | None,
    xeps_root: Path | None,
) -> None:
    """Show what changed in a XEP between two versions, section by section.

    OLD and NEW are git revisions (HEAD~1, a tag, origin/master), version numbers of the
    XEP's revision history (0.8.3: the commit that added that revision block) or files.
    Defaults: OLD is HEAD and NEW the file on disk, uncommitted changes included. The diff
    works on the XEP's structure, so no xep.xsl is needed.

    The HTML page summarises the header and revision changes ("0.8.3 → 0.9.0, status
    Experimental, 2 authors added"), marks changed sections in its table of contents, shows
    each section inline or side by side with words marked inserted/deleted, and examples
    line by line. --format text prints the changed sections with [-deleted-] {+inserted+}
    words (in colour on a terminal).

    \b
    Examples:
      e2ee-sig diff xep-0384.xml -o /tmp/omemo.html     (HEAD → work tree)
      e2ee-sig diff HEAD~3 xep-0384.xml --format text
      e2ee-sig diff 0.8.3 0.9.0 xep-0384.xml -o omemo-0.8.3-0.9.0.html
      e2ee-sig diff origin/master HEAD xep-0384.xml
      e2ee-sig diff old/xep-0384.xml xep-0384.xml

    Exit status: 0 written, 1 a version is not well-formed XML, 2 a version cannot be found.
    """
    from e2ee_sig.render.diff import DiffError, render_diff_html, render_diff_text
    from e2ee_sig.render.gitversions import VersionError, read_version, working_copy
    from e2ee_sig.render.output import emit
    from e2ee_sig.xep import root_at

    if len(specs) > 3:
        raise click.UsageError("give at most OLD, NEW and FILE")
    *revisions, name = specs
    file = Path(name)
    if not file.is_file() and len(revisions) < 2:
        raise click.BadParameter(f"{file}: no such file", param_hint="FILE")
    root = root_at(xeps_root.resolve()) if xeps_root is not None else None
    try:
        old = read_version(revisions[0] if revisions else "HEAD", file)
        new = read_version(revisions[1], file) if len(revisions) == 2 else working_copy(file)
        labels = (old.label, new.label)
        if output_format == "text":
            use_color = color if color is not None else out is None and sys.stdout.isatty()
            text = render_diff_text(
                old.data, new.data, file, labels=labels, root=root, color=use_color
            )
            emit(text.encode(), out)
        else:
            emit(render_diff_html(old.data, new.data, file, labels=labels, root=root).encode(), out)
    except VersionError as error:
        fail(f"error: {error}")
    except DiffError as error:
        fail(str(error), EXIT_FAILED)
    except OSError as error:
        fail(f"error: cannot write {out}: {error.strerror}")
