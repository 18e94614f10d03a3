"""Hover: rule documentation on diagnostics, entity expansions, other XEPs, status meanings."""

from __future__ import annotations

from lsprotocol import types

from e2ee_sig.lint.registry import find_rule
from e2ee_sig.lsp.analysis import Analysis
from e2ee_sig.lsp.cursor import target_at
from e2ee_sig.lsp.diagnostics import diagnostic_range
from e2ee_sig.lsp.knowledge import (
    STATUS_MEANINGS,
    XEP_ENTITY,
    entity_summary,
    entity_value,
    xep_facts,
)


def _inside(position: types.Position, span: types.Range) -> bool:
    start, end = span.start, span.end
    after_start = (position.line, position.character) >= (start.line, start.character)
    before_end = (position.line, position.character) <= (end.line, end.character)
    return after_start and before_end


def rule_markdown(code: str) -> str | None:
    """A rule's documentation as Markdown (what ``e2ee-sig rules CODE`` prints)."""
    rule = find_rule(code)
    if rule is None:
        return None
    doc = rule.doc.replace("``", "`")
    return (
        f"**{rule.code}** `{rule.name}` — {rule.severity_label}, fixable: {rule.fixable.value}"
        f"\n\n{doc}\n\n*More: `e2ee-sig rules {rule.code}`*"
    )


def _diagnostic_docs(analysis: Analysis, position: types.Position) -> list[str]:
    codes: list[str] = []
    for diagnostic in analysis.diagnostics:
        if diagnostic.code not in codes and _inside(
            position, diagnostic_range(diagnostic, analysis.index)
        ):
            codes.append(diagnostic.code)
    return [text for code in codes if (text := rule_markdown(code))]


def _entity_docs(analysis: Analysis, name: str) -> list[str]:
    parts = []
    number = XEP_ENTITY.fullmatch(name)
    facts = xep_facts(analysis.root, number.group(1)) if number else None
    if facts is not None:
        parts.append(
            f"**XEP-{number.group(1)}: {facts.title}**\n\n"  # type: ignore[union-attr]
            f"Status: {facts.status} · latest version: {facts.version}"
        )
    value = entity_value(analysis.root, name)
    if value is not None:
        summary = entity_summary(analysis.root, name)
        if facts is None and summary:
            parts.append(f"**&{name};** — {summary}")
        parts.append(f"```xml\n{value}\n```")
    elif analysis.root is None:
        parts.append(f"`&{name};`: no xep.ent found above this file (no XEP root).")
    return parts


def hover(analysis: Analysis, position: types.Position) -> types.Hover | None:
    """The hover text at ``position``, or None when there is nothing to say."""
    parts = _diagnostic_docs(analysis, position)
    offset = analysis.index.offset(position)
    target = target_at(analysis.document.raw, offset)
    span = None
    if target is not None:
        span = analysis.index.span(target.start, target.end)
        if target.kind == "entity":
            parts += _entity_docs(analysis, target.name)
        elif target.kind == "status" and target.name in STATUS_MEANINGS:
            parts.append(f"**{target.name}** (XEP-0001): {STATUS_MEANINGS[target.name]}")
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)),
        range=span,
    )
