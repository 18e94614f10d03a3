"""``e2ee-sig lsp`` end to end: a real LSP client (pytest-lsp) drives the server over stdio."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pytest_lsp")

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.xepfactory import CORPUS, SECTIONS, make_xep

DEFECTIVE_SECTIONS = SECTIONS.replace(
    "<p>The protocol is simple.</p>",
    "<p>🔐 The protocol is TODO, see <link url='#intro'>the introduction</link>.</p>",
)
DRAFT = make_xep(status="Experimental ", sections=DEFECTIVE_SECTIONS)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _position_of(text: str, needle: str, shift: int = 0) -> types.Position:
    """The LSP position (UTF-16 column) of the first ``needle`` in ``text``, plus ``shift``."""
    at = text.index(needle) + shift
    line = text.count("\n", 0, at)
    line_start = text.rfind("\n", 0, at) + 1
    return types.Position(line, _utf16(text[line_start:at]))


def _range_of(text: str, needle: str) -> types.Range:
    start = _position_of(text, needle)
    return types.Range(start, types.Position(start.line, start.character + _utf16(needle)))


@pytest.fixture(scope="module")
def xeps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A XEP root with the real xep.dtd, xep.ent and XEP-0030 (skipped without the corpus,
    except under CI=true where a missing corpus fails)."""
    if not (CORPUS / "xep.ent").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/corpus is missing under CI=true")
        pytest.skip("../shared/corpus is not available")
    root = tmp_path_factory.mktemp("xeps")
    for name in ("xep.dtd", "xep.ent", "xep-0030.xml"):
        (root / name).write_bytes((CORPUS / name).read_bytes())
    return root


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "e2ee_sig", "lsp"]),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=None,
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The next diagnostics published for ``uri`` (others' notifications are skipped)."""

    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    client.diagnostics.pop(uri, None)
    return await asyncio.wait_for(wait(), timeout=60)


async def _open(client: LanguageClient, path: Path, text: str) -> list[types.Diagnostic]:
    path.write_text(text, encoding="utf-8")
    client.diagnostics.pop(path.as_uri(), None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id="xml", version=1, text=text)
        )
    )
    return await _published(client, path.as_uri())


def _by_code(diagnostics: list[types.Diagnostic], code: str) -> types.Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_have_exact_utf16_ranges(client: LanguageClient, xeps: Path) -> None:
    diagnostics = await _open(client, xeps / "xep-0901.xml", DRAFT)

    status = _by_code(diagnostics, "XSF007")
    assert status.range == _range_of(DRAFT, "Experimental ")
    assert status.severity == types.DiagnosticSeverity.Error
    assert status.source == "e2ee-sig"
    placeholder = _by_code(diagnostics, "SEC011")
    assert placeholder.range == _range_of(DRAFT, "TODO")  # after a non-BMP character
    assert placeholder.severity == types.DiagnosticSeverity.Warning


@pytest.mark.asyncio(loop_scope="module")
async def test_quick_fix_removes_its_diagnostic(client: LanguageClient, xeps: Path) -> None:
    path = xeps / "xep-0902.xml"
    diagnostics = await _open(client, path, DRAFT)
    status = _by_code(diagnostics, "XSF007")

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(path.as_uri()),
            range=status.range,
            context=types.CodeActionContext(diagnostics=[status]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert "Suppress XSF007 on this line" in titles and "Suppress XSF007 in this file" in titles
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred)
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.document_changes
    edits = fix.edit.document_changes[0].edits  # type: ignore[union-attr]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                for e in reversed(edits)
            ],
        )
    )
    after = await _published(client, path.as_uri())
    assert "XSF007" not in [d.code for d in after]
    assert "SEC011" in [d.code for d in after]
    assert path.read_text(encoding="utf-8") == DRAFT  # the server wrote nothing itself

    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(path.as_uri()))
    )
    assert [d.code for d in await _published(client, path.as_uri())] == [d.code for d in after]


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_explains_entities_statuses_and_rules(
    client: LanguageClient, xeps: Path
) -> None:
    path = xeps / "xep-0903.xml"
    await _open(client, path, DRAFT)
    uri = types.TextDocumentIdentifier(path.as_uri())

    on_entity = await client.text_document_hover_async(
        types.HoverParams(uri, _position_of(DRAFT, "&xep0030;", 3))
    )
    assert on_entity is not None
    text = on_entity.contents.value  # type: ignore[union-attr]
    assert "XEP-0030: Service Discovery" in text and "Status: Final" in text

    on_rule = await client.text_document_hover_async(
        types.HoverParams(uri, _position_of(DRAFT, "TODO", 1))
    )
    assert on_rule is not None and "SEC011" in on_rule.contents.value  # type: ignore[union-attr]

    on_status = await client.text_document_hover_async(
        types.HoverParams(uri, _position_of(DRAFT, "Experimental", 2))
    )
    assert on_status is not None
    assert "XEP-0001" in on_status.contents.value  # type: ignore[union-attr]


@pytest.mark.asyncio(loop_scope="module")
async def test_entity_completion_comes_from_xep_ent(client: LanguageClient, xeps: Path) -> None:
    path = xeps / "xep-0904.xml"
    text = DRAFT.replace("The protocol is TODO", "The protocol is &xep03")
    await _open(client, path, text)
    position = _position_of(text, "&xep03", len("&xep03"))

    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(path.as_uri()), position)
    )
    assert isinstance(result, types.CompletionList)
    items = {item.label: item for item in result.items}
    assert "xep0384" in items and "LEGALNOTICE" in items
    assert "OMEMO" in (items["xep0384"].detail or "")
    edit = items["xep0384"].text_edit
    assert isinstance(edit, types.TextEdit)
    assert edit.new_text == "xep0384;"
    assert edit.range == types.Range(_position_of(text, "xep03"), position)


@pytest.mark.asyncio(loop_scope="module")
async def test_go_to_anchor_references_and_outline(client: LanguageClient, xeps: Path) -> None:
    path = xeps / "xep-0905.xml"
    await _open(client, path, DRAFT)
    uri = types.TextDocumentIdentifier(path.as_uri())

    found = await client.text_document_definition_async(
        types.DefinitionParams(uri, _position_of(DRAFT, "url='#intro'", 7))
    )
    assert isinstance(found, list) and len(found) == 1
    assert found[0].uri == path.as_uri()
    assert found[0].range == types.Range(
        _position_of(DRAFT, "anchor='intro'", 8), _position_of(DRAFT, "anchor='intro'", 13)
    )

    other = await client.text_document_definition_async(
        types.DefinitionParams(uri, _position_of(DRAFT, "&xep0030;", 2))
    )
    assert isinstance(other, list) and other[0].uri == (xeps / "xep-0030.xml").as_uri()

    references = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=False),
            text_document=uri,
            position=_position_of(DRAFT, "anchor='intro'", 9),
        )
    )
    assert references is not None
    assert [r.range.start for r in references] == [_position_of(DRAFT, "url='#intro'", 6)]

    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(uri))
    assert symbols is not None
    names = [s.name for s in symbols]
    assert names[:2] == ["Introduction", "Requirements"] and len(names) == DRAFT.count("<section1")


@pytest.mark.asyncio(loop_scope="module")
async def test_broken_and_foreign_documents(client: LanguageClient, xeps: Path) -> None:
    broken = DRAFT.replace("</abstract>", "</abstrac>")
    diagnostics = await _open(client, xeps / "xep-0998.xml", broken)
    assert [d.code for d in diagnostics] == ["XSF000"]
    assert diagnostics[0].range.start.line == broken[: broken.index("</abstrac>")].count("\n")

    other = await _open(client, xeps / "pom.xml", "<project><modelVersion/></project>\n")
    assert other == []

    hover = await client.text_document_hover_async(
        types.HoverParams(
            types.TextDocumentIdentifier((xeps / "xep-0998.xml").as_uri()),
            types.Position(9999, 0),
        )
    )
    assert hover is None  # out of range: answered, not crashed
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            types.TextDocumentIdentifier((xeps / "xep-0998.xml").as_uri())
        )
    )
    assert await _published(client, (xeps / "xep-0998.xml").as_uri()) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_add_revision_block_asks_the_client_to_apply_the_bump(
    client: LanguageClient, xeps: Path
) -> None:
    path = xeps / "xep-0906.xml"
    await _open(client, path, DRAFT)
    applied: list[types.ApplyWorkspaceEditParams] = []
    asked: list[types.ShowMessageRequestParams] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def choose(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
        asked.append(params)
        return (params.actions or [])[0]

    for arguments in ([path.as_uri(), "Describe the widgets.", "ae"], [path.as_uri(), None, "ae"]):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="e2ee-sig.addRevision", arguments=arguments)
        )
    assert len(applied) == 2 and len(asked) == 1  # the remark is asked for only when not given
    change = applied[0].edit.document_changes[0]  # type: ignore[index]
    assert isinstance(change, types.TextDocumentEdit)
    inserted = "".join(e.new_text for e in change.edits)
    assert "<version>0.3.0</version>" in inserted and "Describe the widgets." in inserted
    first_revision = _position_of(DRAFT, "<revision>")
    assert change.edits[0].range.start == first_revision
    chosen = applied[1].edit.document_changes[0]  # type: ignore[index]
    assert isinstance(chosen, types.TextDocumentEdit)
    assert asked[0].actions and asked[0].actions[0].title in chosen.edits[0].new_text
