"""Navigation: go to an anchor's section or another XEP's file, the section outline, and
every link to an anchor."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from e2ee_sig.lsp.analysis import Analysis
from e2ee_sig.lsp.cursor import target_at
from e2ee_sig.lsp.knowledge import XEP_ENTITY, anchor_links, anchors, xep_file

_SECTION_TAG = re.compile(rb"<(/?)section([1-5])\b([^>]*)>")
_TOPIC = re.compile(rb"""\btopic\s*=\s*(["'])(.*?)\1""", re.S)
_CDATA_OR_COMMENT = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.S)
_TOP = types.Range(types.Position(0, 0), types.Position(0, 0))


def definition(analysis: Analysis, position: types.Position) -> list[types.Location] | None:
    """Where the ``#anchor`` link or ``&xepNNNN;`` entity at ``position`` leads."""
    target = target_at(analysis.document.raw, analysis.index.offset(position))
    if target is None:
        return None
    if target.kind in ("link", "anchor"):
        span = anchors(analysis.document.raw).get(target.name)
        if span is None:
            return None
        return [types.Location(analysis.uri, analysis.index.span(*span))]
    if target.kind == "entity" and (number := XEP_ENTITY.fullmatch(target.name)):
        path = xep_file(analysis.root, number.group(1))
        return [types.Location(Path(path).as_uri(), _TOP)] if path else None
    return None


def references(
    analysis: Analysis, position: types.Position, include_declaration: bool
) -> list[types.Location] | None:
    """Every ``url='#anchor'`` link to the anchor at ``position`` (and the anchor itself)."""
    target = target_at(analysis.document.raw, analysis.index.offset(position))
    if target is None or target.kind not in ("link", "anchor"):
        return None
    raw = analysis.document.raw
    spans = anchor_links(raw, target.name)
    declared = anchors(raw).get(target.name)
    if include_declaration and declared is not None:
        spans.insert(0, declared)
    return [types.Location(analysis.uri, analysis.index.span(*span)) for span in spans]


def _masked(raw: bytes) -> bytes:
    """``raw`` with CDATA sections and comments blanked out (same length)."""
    return _CDATA_OR_COMMENT.sub(lambda m: b" " * len(m.group(0)), raw)


def outline(analysis: Analysis) -> list[types.DocumentSymbol]:
    """The ``<sectionN>`` tree as document symbols (topic as name, anchor as detail)."""
    raw = analysis.document.raw
    index = analysis.index
    roots: list[types.DocumentSymbol] = []
    stack: list[tuple[int, int, types.DocumentSymbol]] = []
    for match in _SECTION_TAG.finditer(_masked(raw)):
        level = int(match.group(2))
        if match.group(1):
            while stack and stack[-1][0] > level:
                stack.pop()
            if stack and stack[-1][0] == level:
                _, _, symbol = stack.pop()
                symbol.range = types.Range(symbol.range.start, index.position(match.end()))
            continue
        attributes = raw[match.start(3) : match.end(3)]
        topic = _TOPIC.search(attributes)
        anchor = re.search(rb"""\banchor\s*=\s*(["'])(.*?)\1""", attributes)
        name = " ".join(topic.group(2).decode("utf-8", "replace").split()) if topic else ""
        start = index.position(match.start())
        symbol = types.DocumentSymbol(
            name=name or f"section{level}",
            detail=f"#{anchor.group(2).decode('utf-8', 'replace')}" if anchor else None,
            kind=types.SymbolKind.Namespace if level == 1 else types.SymbolKind.Module,
            range=types.Range(start, index.position(match.end())),
            selection_range=index.span(match.start(), match.end()),
            children=[],
        )
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][2].children if stack else roots).append(symbol)  # type: ignore[union-attr]
        if not match.group(3).rstrip().endswith(b"/"):
            stack.append((level, match.start(), symbol))
    return roots
