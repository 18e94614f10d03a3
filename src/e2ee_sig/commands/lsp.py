"""``e2ee-sig lsp``: serve the linter to editors over the Language Server Protocol."""

from __future__ import annotations

import sys

import click

INSTALL_HINT = 'pip install "e2ee-sig[lsp]"'


@click.command("lsp", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only way).")
def lsp(stdio: bool) -> None:
    """Run the XEP language server over stdin/stdout for an editor's LSP client.

    It lints open XEP files as you type (the same rules, profile and configuration as
    'e2ee-sig lint'), offers the fixes and suppressions as code actions, and completes,
    explains and navigates entities, anchors and header values. Other XML is left alone.

    \b
    Set-ups for Neovim, VS Code, Emacs and Helix: docs/editors.md.
    Needs the optional extra: pip install "e2ee-sig[lsp]"
    """
    del stdio
    try:
        from e2ee_sig.lsp.server import serve
    except ImportError as error:
        click.echo(
            f"e2ee-sig: error: the language server needs pygls ({error.name or error} is not "
            f"installed); install it with: {INSTALL_HINT}",
            err=True,
        )
        sys.exit(2)
    serve()
