"""The linter's diagnostics as LSP diagnostics: exact ranges, severities, tags, links."""

from __future__ import annotations

import re

from lsprotocol import types

from e2ee_sig.lint.model import Diagnostic, Severity
from e2ee_sig.lsp.positions import LineIndex

SOURCE = "e2ee-sig"
UNNECESSARY = frozenset({"SUP001", "SEC010"})
_DEPRECATED_WORDS = re.compile(r"\b(?:legacy|deprecated|obsolete)\b", re.IGNORECASE)
_TOKEN = re.compile(r"<[^>]*>?|&[^;\s]*;?|[^\s<&]+")
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}


def diagnostic_range(diagnostic: Diagnostic, index: LineIndex) -> types.Range:
    """Where ``diagnostic`` points: its columns when the rule gave them, the text its fix
    replaces when that is on its line, else the token at its column or the whole line's text."""
    line = min(max(diagnostic.line, 1), len(index.starts))
    text = index.line_text(line - 1)
    if diagnostic.end_column is not None and line == diagnostic.line:
        return types.Range(
            index.char_position(line, diagnostic.column),
            index.char_position(line, diagnostic.end_column),
        )
    if diagnostic.fix is not None and diagnostic.fix.edits:
        edit = diagnostic.fix.edits[0]
        span = index.span(edit.start, edit.end)
        if span.start.line == line - 1 and span.start != span.end:
            return span
    if diagnostic.column > 1 and line == diagnostic.line:
        token = _TOKEN.match(text, diagnostic.column - 1)
        end = token.end() + 1 if token else len(text) + 1
        return types.Range(
            index.char_position(line, diagnostic.column), index.char_position(line, end)
        )
    stripped = text.strip()
    first = len(text) - len(text.lstrip()) + 1
    return types.Range(
        index.char_position(line, first), index.char_position(line, first + len(stripped))
    )


def _tags(diagnostic: Diagnostic) -> list[types.DiagnosticTag] | None:
    if diagnostic.code in UNNECESSARY:
        return [types.DiagnosticTag.Unnecessary]
    if _DEPRECATED_WORDS.search(diagnostic.message):
        return [types.DiagnosticTag.Deprecated]
    return None


def to_lsp(
    diagnostic: Diagnostic, index: LineIndex, docs_url: str | None = None
) -> types.Diagnostic:
    """One LSP diagnostic; ``docs_url`` (``…{code}…``) makes the code a documentation link."""
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    if diagnostic.fix is not None:
        message += (
            f"\nfix{'' if diagnostic.fix.safe else ' (unsafe)'}: {diagnostic.fix.description}"
        )
    description = (
        types.CodeDescription(href=docs_url.format(code=diagnostic.code, name=diagnostic.name))
        if docs_url
        else None
    )
    return types.Diagnostic(
        range=diagnostic_range(diagnostic, index),
        message=message,
        severity=SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=description,
        source=SOURCE,
        tags=_tags(diagnostic),
    )
