"""``e2ee-sig rules``: the catalogue of lint rules."""

from __future__ import annotations

import click

from e2ee_sig.commands._common import CONTEXT
from e2ee_sig.errors import E2eeSigError


@click.command(context_settings=CONTEXT)
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
        raise E2eeSigError(f"no rule {code!r} (see 'e2ee-sig rules')")
