"""Completion: ``&`` entities, ``#`` anchors, header values, a ``<revision>`` snippet."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lsprotocol import types

from e2ee_sig.dates import today_utc
from e2ee_sig.lsp.analysis import Analysis
from e2ee_sig.lsp.knowledge import XEP_ENTITY, anchors, entity_catalogue
from e2ee_sig.versions import bump_version

TRIGGERS = ["&", "#", "<", ">"]
_ENTITY_PREFIX = re.compile(r"&([\w.\-:]*)$")
_ANCHOR_PREFIX = re.compile(r"""\burl\s*=\s*["']#([^"'<>]*)$""")
_VALUE_PREFIX = re.compile(r"<(status|type|approver|sig)>([^<]*)$")
_TAG_PREFIX = re.compile(r"<([a-z]*)$")
PROTOXEP = "ProtoXEP"
_LATEST_VERSION = re.compile(rb"<revision>.*?<version>\s*([^<\s]+)\s*</version>", re.S)
_STATUS = re.compile(rb"<status>\s*([^<\s]+)\s*</status>")


def header_vocabulary() -> dict[str, tuple[str, ...]]:
    """The values the XSF accepts in ``<status>``, ``<type>``, ``<approver>`` and ``<sig>``."""
    from e2ee_sig.xep.vocab import APPROVERS, SIG_VALUES, STATUSES, TYPES

    return {"status": tuple(STATUSES), "type": TYPES, "approver": APPROVERS, "sig": SIG_VALUES}


def _edit_range(position: types.Position, typed: str) -> types.Range:
    start = types.Position(position.line, position.character - len(typed.encode("utf-16-le")) // 2)
    return types.Range(start, position)


def _entities(
    analysis: Analysis, position: types.Position, typed: str
) -> list[types.CompletionItem]:
    span = _edit_range(position, typed)
    items = []
    for name, summary in entity_catalogue(analysis.root):
        number = XEP_ENTITY.fullmatch(name)
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Reference
                if number
                else types.CompletionItemKind.Constant,
                detail=summary[:120],
                filter_text=f"{name} {summary}" if number else name,
                text_edit=types.TextEdit(span, f"{name};"),
            )
        )
    return items


def _words(
    words: Iterable[str], kind: types.CompletionItemKind, position: types.Position, typed: str
) -> list[types.CompletionItem]:
    span = _edit_range(position, typed)
    return [
        types.CompletionItem(label=word, kind=kind, text_edit=types.TextEdit(span, word))
        for word in words
    ]


def next_version(raw: bytes) -> str | None:
    """The version a new (minor; patch for a ProtoXEP) revision block would carry, read from
    the text itself: while a tag is half typed the document does not parse."""
    header = raw.split(b"</header>", 1)[0]
    latest = _LATEST_VERSION.search(header)
    if latest is None:
        return None
    status = _STATUS.search(header)
    protoxep = status is not None and status.group(1) == PROTOXEP.encode()
    try:
        version = latest.group(1).decode("utf-8", "replace")
        return bump_version(version, "patch" if protoxep else "minor", protoxep=protoxep)
    except Exception:  # a version bump_version cannot read: let the author type it
        return None


def _revision(
    analysis: Analysis, position: types.Position, typed: str
) -> list[types.CompletionItem]:
    raw = analysis.document.raw
    if raw.find(b"</header>") < analysis.index.offset(position) or not "revision".startswith(typed):
        return []
    version = next_version(raw)
    if version is None:
        return []
    initials = analysis.setup.initials or "initials"
    snippet = (
        "<revision>\n"
        f"  <version>{version}</version>\n"
        f"  <date>{today_utc().isoformat()}</date>\n"
        f"  <initials>${{1:{initials}}}</initials>\n"
        "  <remark><p>${2:What changed.}</p></remark>\n"
        "</revision>$0"
    )
    return [
        types.CompletionItem(
            label="revision",
            kind=types.CompletionItemKind.Snippet,
            detail=f"new revision block, version {version}",
            insert_text_format=types.InsertTextFormat.Snippet,
            text_edit=types.TextEdit(_edit_range(position, "<" + typed), snippet),
        )
    ]


def complete(analysis: Analysis, position: types.Position) -> types.CompletionList | None:
    """Completion items for the text before ``position``."""
    line = analysis.index.line_text(position.line)
    from e2ee_sig.lsp.positions import character_index

    before = line[: character_index(line, position.character)]
    if match := _ENTITY_PREFIX.search(before):
        items = _entities(analysis, position, match.group(1))
    elif match := _ANCHOR_PREFIX.search(before):
        names = anchors(analysis.document.raw)
        items = _words(names, types.CompletionItemKind.Reference, position, match.group(1))
    elif match := _VALUE_PREFIX.search(before):
        values = header_vocabulary()[match.group(1)]
        items = _words(values, types.CompletionItemKind.EnumMember, position, match.group(2))
    elif match := _TAG_PREFIX.search(before):
        items = _revision(analysis, position, match.group(1))
    else:
        return None
    return types.CompletionList(is_incomplete=False, items=items)
