"""Options and exits shared by the ``render``, ``preview`` and ``diff`` commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_FAILED = 1
EXIT_USAGE = 2

xeps_root_option = click.option(
    "--xeps-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with xep.dtd, xep.ent (and xep.xsl) (default: found by walking up from FILE).",
)
stylesheet_option = click.option(
    "--stylesheet",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The XSLT stylesheet to use instead of the XEP root's xep.xsl.",
)


def fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    """Print ``e2ee-sig: message`` on stderr and exit with ``status``."""
    click.echo(f"e2ee-sig: {message}", err=True)
    sys.exit(status)
