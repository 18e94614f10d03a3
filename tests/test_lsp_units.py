"""The language server's pieces without a client: positions, edits, actions, the command."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pygls")

from lsprotocol import types

from e2ee_sig.cli import main
from e2ee_sig.lsp.actions import code_actions, minimal_edit
from e2ee_sig.lsp.analysis import analyse, is_xep_text
from e2ee_sig.lsp.positions import LineIndex
from e2ee_sig.lsp.server import XepLanguageServer
from tests.xepfactory import SECTIONS, make_xep

WHOLE = types.Range(types.Position(0, 0), types.Position(10_000, 0))


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits to ``text`` the way a client does (UTF-16 columns)."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        before = "".join(lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units, chars = 0, 0
        while units < position.character and chars < len(line):
            units += 2 if ord(line[chars]) > 0xFFFF else 1
            chars += 1
        return len(before) + chars

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
        lines = text.splitlines(keepends=True)
    return text


def _edits(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes
    change = action.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    return list(change.edits)  # type: ignore[arg-type]


def test_positions_count_utf16_units_and_bytes() -> None:
    text = "ab\n🔐é<x/>\n"
    index = LineIndex(text.encode())
    at = text.encode().index(b"<x/>")
    assert index.position(at) == types.Position(1, 3)  # 🔐 is two UTF-16 units, é one
    assert index.offset(types.Position(1, 3)) == at
    assert index.char_position(2, 3) == types.Position(1, 3)  # third character of line 2


def test_minimal_edit_rebuilds_the_text() -> None:
    before = "<a>\n  <b>é x</b>\n</a>\n".encode()
    after = "<a>\n  <b>é y</b>\n</a>\n".encode()
    edits = minimal_edit(before, after)
    assert len(edits) == 1 and edits[0].new_text == "y"
    assert _apply(before.decode(), edits) == after.decode()


def test_only_xep_documents_are_served() -> None:
    assert is_xep_text(make_xep().encode())
    assert not is_xep_text(b"<?xml version='1.0'?>\n<project><xepish/></project>")


def _lint(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "xep-0999.xml"
    return analyse(path.as_uri(), path, text)


def test_suppress_actions_silence_the_code(tmp_path: Path) -> None:
    text = make_xep(sections=SECTIONS.replace("is simple.", "is TODO."))
    analysis = _lint(tmp_path, text)
    assert "SEC011" in [d.code for d in analysis.diagnostics]
    for title in ("Suppress SEC011 on this line", "Suppress SEC011 in this file"):
        action = next(a for a in code_actions(analysis, 1, WHOLE) if a.title == title)
        fixed = _apply(text, _edits(action))
        codes = [d.code for d in _lint(tmp_path, fixed).diagnostics]
        assert "SEC011" not in codes and "SUP001" not in codes, title


def test_fix_all_safe_applies_every_safe_fix(tmp_path: Path) -> None:
    text = make_xep(status="Experimental ").replace(
        "<?xml-stylesheet type='text/xsl' href='xep.xsl'?>\n", ""
    )
    analysis = _lint(tmp_path, text)
    assert {"XSF007", "XSF012"} <= {d.code for d in analysis.diagnostics}
    action = next(a for a in code_actions(analysis, 1, WHOLE) if a.kind == "source.fixAll.e2ee-sig")
    codes = {d.code for d in _lint(tmp_path, _apply(text, _edits(action))).diagnostics}
    assert not {"XSF007", "XSF012"} & codes


def test_lsp_without_the_extra_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "e2ee_sig.lsp.server", raising=False)
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    result = CliRunner().invoke(main, ["lsp"])
    assert result.exit_code == 2
    assert 'pip install "e2ee-sig[lsp]"' in result.output


class Probe(XepLanguageServer):
    """A server whose documents and published diagnostics live in the test."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, SimpleNamespace] = {}
        self.published: list[tuple[int | None, list[str]]] = []
        self.logged: list[str] = []

    @property
    def workspace(self) -> SimpleNamespace:  # type: ignore[override]
        return SimpleNamespace(get_text_document=self.documents.__getitem__)

    def publish(self, uri: str, version: int | None, shown: list[types.Diagnostic]) -> None:
        self.published.append((version, [str(d.code) for d in shown]))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.logged.append(message)


def test_superseded_changes_are_dropped_and_closed_documents_forgotten(tmp_path: Path) -> None:
    uri = (tmp_path / "xep-0999.xml").as_uri()
    texts = [
        make_xep(status="Experimental "),
        make_xep(sections=SECTIONS.replace("is simple.", "is TODO.")),
        make_xep(),
    ]
    server = Probe()

    async def session() -> list[tuple[int | None, list[str]]]:
        for version, text in enumerate(texts, 1):
            server.documents[uri] = SimpleNamespace(source=text, version=version)
            server.schedule(uri, 0.05)
        while server.pending or not server.published:
            await asyncio.sleep(0.1)
        published = list(server.published)
        server.forget(uri)
        return published

    published = asyncio.run(asyncio.wait_for(session(), 60))
    assert len(published) == 1
    version, codes = published[0]
    assert version == 3 and "XSF007" not in codes and "SEC011" not in codes
    assert server.published[-1] == (None, [])
    assert not server.analyses and not server.generations and not server.pending
    assert [m for m in server.logged if "no xep.dtd/xep.ent found" in m]  # tmp_path: no root


def test_finished_notification_futures_are_dropped() -> None:
    from concurrent.futures import Future

    protocol = XepLanguageServer().protocol
    finished: Future[None] = Future()
    finished.set_result(None)
    waiting: Future[None] = Future()
    protocol._request_futures.update({"notification": finished, "request": waiting})
    protocol._handle_notification("$/unknownNotification", None)
    assert list(protocol._request_futures) == ["request"]


def test_revision_rules_judge_only_revisions_added_since_the_last_commit(tmp_path: Path) -> None:
    from git import Repo

    repo = Repo.init(tmp_path)
    path = tmp_path / "xep-0999.xml"
    path.write_text(make_xep(), encoding="utf-8")
    repo.index.add([str(path)])
    repo.index.commit(
        "add the XEP", author_date="2026-03-02T00:00:00", commit_date="2026-03-02T00:00:00"
    )
    new_blocks = "".join(
        f"  <revision>\n    <version>{v}</version>\n    <date>2026-{m}-01</date>\n"
        f"    <initials>ae</initials>\n    <remark><p>Change {v}.</p></remark>\n  </revision>\n"
        for v, m in (("0.4.0", "05"), ("0.3.0", "04"))
    )
    edited = make_xep().replace("  <revision>\n", new_blocks + "  <revision>\n", 1)
    assert "REV010" in [d.code for d in analyse(path.as_uri(), path, edited).diagnostics]

    untracked = tmp_path / "inbox" / "xep-0999.xml"  # never committed: judged like the CLI
    assert "REV010" not in [
        d.code for d in analyse(untracked.as_uri(), untracked, edited).diagnostics
    ]


def _complete_after(tmp_path: Path, text: str, marker: str) -> list[types.CompletionItem]:
    from e2ee_sig.lsp.completion import complete

    analysis = _lint(tmp_path, text)
    at = text.index(marker) + len(marker)
    line = text.count("\n", 0, at)
    position = types.Position(line, at - (text.rfind("\n", 0, at) + 1))
    result = complete(analysis, position)
    assert result is not None
    return list(result.items)


def test_header_values_and_revision_snippet_complete(tmp_path: Path) -> None:
    text = make_xep().replace("<type>Standards Track</type>", "<type>Inf</type>")
    labels = [i.label for i in _complete_after(tmp_path, text, "<type>Inf")]
    assert "Informational" in labels and "Standards Track" in labels

    text = make_xep().replace("<shortname>", "<rev\n  <shortname>", 1)
    (snippet,) = _complete_after(tmp_path, text, "<rev")
    assert snippet.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(snippet.text_edit, types.TextEdit)
    assert "<version>0.3.0</version>" in snippet.text_edit.new_text  # the top block is 0.2.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\r\té🔐<&;")), st.data())
def test_positions_round_trip_on_any_text(text: str, data: st.DataObject) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    boundaries = [len(text[:i].encode()) for i in range(len(text) + 1)]
    offset = data.draw(st.sampled_from(boundaries))
    index = LineIndex(raw)
    position = index.position(offset)
    line_start = index.starts[position.line]
    assert index.offset(position) == offset or raw[line_start:offset].endswith(b"\r")


def test_a_broken_configuration_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / ".e2ee-sig.toml").write_text("profile = 3\n", encoding="utf-8")
    diagnostics = _lint(tmp_path, make_xep(status="Experimental ")).diagnostics
    assert diagnostics[0].code == "CFG" and ".e2ee-sig.toml" in diagnostics[0].message
    assert "XSF007" in [d.code for d in diagnostics]  # linted with the defaults meanwhile


def test_code_actions_honour_the_requested_kinds(tmp_path: Path) -> None:
    analysis = _lint(tmp_path, make_xep(status="Experimental "))
    quick = code_actions(analysis, 1, WHOLE, only=["quickfix"])
    assert quick and all(a.kind == types.CodeActionKind.QuickFix for a in quick)
    (fix_all,) = code_actions(analysis, 1, WHOLE, only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.e2ee-sig"
    source = {a.title for a in code_actions(analysis, 1, WHOLE, only=["source"])}
    assert source == {fix_all.title, "Add a revision block… (e2ee-sig bump)"}
