"""Code actions: each fix as a quick fix, fix all safe problems, suppressions, a new revision."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lsprotocol import types

from e2ee_sig.lint.model import Diagnostic
from e2ee_sig.lint.suppression import UNUSED
from e2ee_sig.lsp.analysis import SETUP_CODE, Analysis
from e2ee_sig.lsp.diagnostics import diagnostic_range, to_lsp
from e2ee_sig.lsp.positions import LineIndex
from e2ee_sig.xep.edit import apply_edits

FIX_ALL = "source.fixAll.e2ee-sig"
ADD_REVISION = "e2ee-sig.addRevision"
UNSUPPRESSIBLE = frozenset({"XSF000", UNUSED, SETUP_CODE})
_FILE_DIRECTIVE = re.compile(rb"<!--\s*e2ee-sig:?\s*ignore-file\s+([A-Z0-9, \t]+?)\s*-->")


def text_edits(raw: bytes, edits: Iterable[tuple[int, int, bytes]]) -> list[types.TextEdit]:
    """Byte edits of ``raw`` as LSP text edits (overlapping ones dropped, as ``--fix`` does)."""
    index = LineIndex(raw)
    result, position = [], 0
    for start, end, replacement in sorted(set(edits), key=lambda e: (e[0], e[1])):
        if start < position:
            continue
        result.append(types.TextEdit(index.span(start, end), replacement.decode("utf-8")))
        position = end
    return result


def minimal_edit(before: bytes, after: bytes) -> list[types.TextEdit]:
    """One text edit turning ``before`` into ``after`` (the differing middle only)."""
    if before == after:
        return []
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    while prefix and (before[prefix] & 0xC0) == 0x80:  # stay on a UTF-8 character boundary
        prefix -= 1
    suffix = 0
    while (
        suffix < limit - prefix
        and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]
    ):
        suffix += 1
    while suffix and (before[len(before) - suffix] & 0xC0) == 0x80:
        suffix -= 1
    return text_edits(before, [(prefix, len(before) - suffix, after[prefix : len(after) - suffix])])


def _workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
    )


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def kind_name(kind: object) -> str:
    """``quickfix`` for ``CodeActionKind.QuickFix`` (whose ``str`` is the enum's name)."""
    return str(getattr(kind, "value", kind))


def _within(kind: str, wanted: str) -> bool:
    """Whether ``kind`` is ``wanted`` or a sub-kind of it (``source.fixAll.x`` of ``source``)."""
    return kind == wanted or kind.startswith(wanted + ".")


def _newline(raw: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in raw else b"\n"


def _suppress_line(analysis: Analysis, diagnostic: Diagnostic) -> list[types.TextEdit] | None:
    root = analysis.document.xml_root
    if root is None or diagnostic.line < (root.sourceline or 1):
        return None
    index = analysis.index
    text = index.line_text(diagnostic.line - 1)
    indent = text[: len(text) - len(text.lstrip())]
    comment = f"{indent}<!-- e2ee-sig: ignore {diagnostic.code} -->".encode()
    start = index.starts[diagnostic.line - 1]
    return text_edits(
        analysis.document.raw, [(start, start, comment + _newline(analysis.document.raw))]
    )


def _suppress_file(analysis: Analysis, code: str) -> list[types.TextEdit] | None:
    raw = analysis.document.raw
    existing = _FILE_DIRECTIVE.search(raw)
    if existing is not None:
        codes = existing.group(1).decode()
        return text_edits(raw, [(existing.start(1), existing.end(1), f"{codes}, {code}".encode())])
    root = analysis.document.xml_root
    if root is None:
        return None
    start = analysis.index.starts[(root.sourceline or 1) - 1]
    directive = f"<!-- e2ee-sig: ignore-file {code} -->".encode() + _newline(raw)
    return text_edits(raw, [(start, start, directive)])


def _quick_fixes(
    analysis: Analysis, version: int | None, diagnostic: Diagnostic, shown: types.Diagnostic
) -> list[types.CodeAction]:
    actions = []
    uri, raw = analysis.uri, analysis.document.raw
    fix = diagnostic.fix
    if fix is not None:
        edits = text_edits(raw, [(e.start, e.end, e.replacement) for e in fix.edits])
        actions.append(
            types.CodeAction(
                title=f"{diagnostic.code}: {fix.description}" + ("" if fix.safe else " (unsafe)"),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[shown],
                is_preferred=fix.safe,
                edit=_workspace_edit(uri, version, edits),
            )
        )
    if diagnostic.code in UNSUPPRESSIBLE:
        return actions
    for title, suppression in (
        (f"Suppress {diagnostic.code} on this line", _suppress_line(analysis, diagnostic)),
        (f"Suppress {diagnostic.code} in this file", _suppress_file(analysis, diagnostic.code)),
    ):
        if suppression:
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[shown],
                    edit=_workspace_edit(uri, version, suppression),
                )
            )
    return actions


def fix_all_safe(analysis: Analysis, version: int | None) -> types.CodeAction | None:
    """One action applying every safe fix of the file, or None when there is none."""
    raw = analysis.document.raw
    edits = [
        (e.start, e.end, e.replacement)
        for d in analysis.diagnostics
        if d.fix is not None and d.fix.safe
        for e in d.fix.edits
    ]
    if not edits:
        return None
    return types.CodeAction(
        title="Fix all safe problems in this file (e2ee-sig)",
        kind=FIX_ALL,
        edit=_workspace_edit(
            analysis.uri, version, minimal_edit(raw, apply_edits(raw, set(edits)))
        ),
    )


def code_actions(
    analysis: Analysis,
    version: int | None,
    span: types.Range,
    only: list[str] | None = None,
    docs_url: str | None = None,
) -> list[types.CodeAction]:
    """The actions offered for ``span`` (filtered by the client's ``only`` kinds)."""
    actions: list[types.CodeAction] = []
    for diagnostic in analysis.diagnostics:
        if _overlaps(diagnostic_range(diagnostic, analysis.index), span):
            shown = to_lsp(diagnostic, analysis.index, docs_url)
            actions += _quick_fixes(analysis, version, diagnostic, shown)
    fix_all = fix_all_safe(analysis, version)
    if fix_all is not None:
        actions.append(fix_all)
    header = analysis.document.header
    if header is not None and header.revisions:
        actions.append(
            types.CodeAction(
                title="Add a revision block… (e2ee-sig bump)",
                kind=types.CodeActionKind.Source,
                command=types.Command(
                    title="Add a revision block…", command=ADD_REVISION, arguments=[analysis.uri]
                ),
            )
        )
    if only:
        actions = [a for a in actions if any(_within(kind_name(a.kind), k) for k in only)]
    return actions
