""" "Add a revision block…": the ``bump`` planning applied as a workspace edit.

The command takes ``[uri, remark?, initials?]``. Without a remark the server asks with
``window/showMessageRequest`` (LSP has no free-text prompt, so it offers common remarks);
initials default to ``initials`` in the configuration.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from e2ee_sig.bump import BumpError, BumpPlan, plan_bump
from e2ee_sig.lsp.actions import text_edits
from e2ee_sig.lsp.analysis import Analysis

if TYPE_CHECKING:
    from e2ee_sig.lsp.server import XepLanguageServer

STOCK_REMARKS = ("Editorial changes.", "Address feedback from the list.", "Clarify the text.")
CANCEL = "Cancel"


def _error(ls: XepLanguageServer, message: str) -> None:
    ls.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Error, message=f"e2ee-sig: {message}")
    )


async def _ask_remark(ls: XepLanguageServer, analysis: Analysis) -> str | None:
    choice = await ls.window_show_message_request_async(
        types.ShowMessageRequestParams(
            type=types.MessageType.Info,
            message=f"Remark for the new revision block of {analysis.path.name}",
            actions=[types.MessageActionItem(title=t) for t in (*STOCK_REMARKS, CANCEL)],
        )
    )
    if choice is None or choice.title == CANCEL:
        return None
    return choice.title


def _plan(analysis: Analysis, remark: str, initials: str) -> BumpPlan | str:
    try:
        return plan_bump(analysis.document, [remark], initials)
    except BumpError as error:
        return str(error)


async def add_revision_edit(ls: XepLanguageServer, arguments: list[Any]) -> None:
    """Plan the new revision block of ``arguments[0]`` and ask the client to apply it."""
    if not arguments or not isinstance(arguments[0], str):
        _error(ls, "addRevision needs the document's URI as its first argument")
        return
    uri = arguments[0]
    analysis = await ls.current(uri)
    if analysis is None:
        _error(ls, "not a XEP document")
        return
    remark = arguments[1] if len(arguments) > 1 and isinstance(arguments[1], str) else None
    remark = remark or await _ask_remark(ls, analysis)
    if not remark:
        return
    given = arguments[2] if len(arguments) > 2 and isinstance(arguments[2], str) else None
    initials = given or analysis.setup.initials
    if not initials:
        _error(ls, "set 'initials' in [tool.e2ee-sig] (or pass them to the command)")
        return
    loop = asyncio.get_running_loop()
    plan = await loop.run_in_executor(ls.worker, _plan, analysis, remark, initials)
    if isinstance(plan, str):
        _error(ls, f"cannot add a revision block: {plan}")
        return
    version = ls.workspace.get_text_document(uri).version
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    edit = types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=document, edits=list(text_edits(plan.old_raw, plan.edits))
            )
        ]
    )
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=plan.summary())
    )
    if not result.applied:
        _error(ls, f"the editor did not apply the revision block ({result.failure_reason})")
