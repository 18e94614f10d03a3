"""The ``e2ee-sig`` group: the commands of :mod:`e2ee_sig.commands`, and the one place errors
become an ``e2ee-sig: error:`` line and an exit status."""

from __future__ import annotations

import errno
import importlib
import os
import sys
from typing import Any

import click

from e2ee_sig import __version__
from e2ee_sig.commands._common import CONTEXT
from e2ee_sig.errors import EXIT_USAGE, E2eeSigError, print_error

# name -> (module, the command's function, its one-line help). Commands are imported only when
# run or asked for their own --help, so ``e2ee-sig --help`` stays at click's cost; a test checks
# that each line matches the command's docstring.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "lint": ("lint", "lint", "Check XEP files against the XSF's rules."),
    "rules": (
        "rules",
        "rules",
        "List every lint rule, or show the documentation of one (by code or name).",
    ),
    "new-xep": ("new_xep", "new_xep", "Start a new XEP draft (ProtoXEP) from a template."),
    "bump": ("bump", "bump", "Add a revision block with the right version bump."),
    "bundle": (
        "bundle",
        "bundle",
        "Check a submission and package it for the Council through git.",
    ),
    "stale": ("stale", "stale", "Report stale XEPs for the SIG meeting and apply deferrals."),
    "render": ("render", "render", "Render XEP FILEs to HTML as xmpp.org publishes them."),
    "preview": (
        "preview",
        "preview",
        "Serve FILE rendered as xmpp.org shows it, re-rendered each time you save.",
    ),
    "diff": (
        "diff",
        "diff",
        "Show what changed in a XEP between two versions, section by section.",
    ),
    "lsp": (
        "lsp",
        "lsp",
        "Run the XEP language server over stdin/stdout for an editor's LSP client.",
    ),
}


class E2eeSigGroup(click.Group):
    """A click group that loads its commands on use and turns every error a user can cause
    into one line and exit status 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, function, _ = COMMANDS[name]
        command: click.Command = getattr(
            importlib.import_module(f"e2ee_sig.commands.{module}"), function
        )
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:  # a command may close stdout (the language server does, on exit)
                if sys.stdout is not None and not sys.stdout.closed:
                    sys.stdout.flush()
        except E2eeSigError as error:
            print_error(error)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            print_error("interrupted")
            ctx.exit(EXIT_USAGE)
        except OSError as error:
            if not report_output_error(error):
                raise
            ctx.exit(EXIT_USAGE)


def report_output_error(error: OSError) -> bool:
    """Print the one line for an output that cannot be written (closed pipe, full disk);
    False for any other error."""
    if error.errno == errno.EPIPE:
        _silence_stdout()
        print_error("the output was closed before everything was written")
    elif error.errno == errno.ENOSPC:
        _silence_stdout()
        print_error(f"cannot write the output: {error.strerror}")
    else:
        return False
    return True


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
