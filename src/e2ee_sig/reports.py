"""Markdown reports (the bundle's SUMMARY.md, the meeting agenda) from the jinja2 templates
shipped in ``e2ee_sig/data/reports``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

_ENVIRONMENT = Environment(
    loader=PackageLoader("e2ee_sig", "data/reports"),
    autoescape=False,  # Markdown, not HTML: the renderers escape what Markdown needs
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=StrictUndefined,
)


def render_template(
    name: str, filters: dict[str, Callable[..., Any]] | None = None, **values: Any
) -> str:
    """Render the report template ``name`` with ``values`` (and extra ``filters``)."""
    environment = _ENVIRONMENT.overlay()
    environment.filters.update(filters or {})
    return environment.get_template(name).render(values)
