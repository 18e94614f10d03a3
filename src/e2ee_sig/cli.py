"""The ``e2ee-sig`` group: the commands of :mod:`e2ee_sig.commands`, and the one place errors
become an ``e2ee-sig: error:`` line and an exit status."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from e2ee_sig import __version__
from e2ee_sig.commands._common import CONTEXT
from e2ee_sig.commands.bump import bump
from e2ee_sig.commands.bundle import bundle
from e2ee_sig.commands.diff import diff
from e2ee_sig.commands.lint import lint
from e2ee_sig.commands.lsp import lsp
from e2ee_sig.commands.new_xep import new_xep
from e2ee_sig.commands.preview import preview
from e2ee_sig.commands.render import render
from e2ee_sig.commands.rules import rules
from e2ee_sig.commands.stale import stale
from e2ee_sig.errors import EXIT_USAGE, E2eeSigError, print_error


class E2eeSigGroup(click.Group):
    """A click group that turns every error a user can cause into one line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()
        except E2eeSigError as error:
            print_error(error)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            print_error("interrupted")
            ctx.exit(EXIT_USAGE)
        except OSError as error:
            if error.errno == errno.EPIPE:
                _silence_stdout()
                print_error("the output was closed before everything was written")
            elif error.errno == errno.ENOSPC:
                print_error(f"cannot write the output: {error.strerror}")
            else:
                raise
            ctx.exit(EXIT_USAGE)


def _silence_stdout() -> None:
    """Send the rest of stdout to /dev/null so the interpreter's final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file (a test runner's buffer): nothing is flushed at exit


@click.group(cls=E2eeSigGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="e2ee-sig")
def main() -> None:
    """Toolkit of the XSF's end-to-end encryption SIG (XEP-0429).

    \b
    Workflow:  new-xep → edit → lint → bump → bundle
    Meetings:  stale
    Reading:   render, preview, diff
    Editors:   lsp
    Exit status: 0 clean, 1 findings, 2 usage error or a command that cannot proceed.
    """


main.add_command(lint)
main.add_command(rules)
main.add_command(new_xep)
main.add_command(stale)
main.add_command(bump)
main.add_command(bundle)
main.add_command(render)
main.add_command(preview)
main.add_command(diff)
main.add_command(lsp)
