"""The pygls language server: document sync, debounced diagnostics, and the request handlers.

Linting runs on one worker thread (the parser objects are per process and not thread-safe),
never on the event loop; a run whose text has been superseded is skipped or its result
dropped. Every handler is guarded: an exception goes to the client's log, never to stdout
(which carries the protocol), and the request answers with nothing.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from e2ee_sig import __version__
from e2ee_sig.lsp import actions, completion, hover, navigation
from e2ee_sig.lsp.analysis import Analysis, analyse, is_xep_text
from e2ee_sig.lsp.diagnostics import to_lsp
from e2ee_sig.xep import index as xep_index

DEBOUNCE_SECONDS = 0.2
F = TypeVar("F", bound=Callable[..., Any])


class XepProtocol(LanguageServerProtocol):
    """pygls 2.1 keeps the future of every notification it handles (each didChange) for the
    life of the server; dropping the finished ones keeps a long session's memory flat.
    (A finished future is never needed again: responses and cancellations pop their own.)"""

    def _handle_notification(self, method_name: str, params: Any) -> None:
        super()._handle_notification(method_name, params)
        futures = self._request_futures
        for key in [key for key, future in futures.items() if future.done()]:
            del futures[key]


class XepLanguageServer(LanguageServer):
    """Open XEP documents, their latest analyses, and the pending diagnostics runs."""

    def __init__(self) -> None:
        super().__init__("e2ee-sig", __version__, protocol_cls=XepProtocol)
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.generations: dict[str, int] = {}
        self.rootless: set[str] = set()
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="e2ee-sig-lint")
        self.docs_url: str | None = None
        self.debounce = DEBOUNCE_SECONDS
        self.settled = False
        """Whether the first analysis is done: what it loaded for good (rules, xep.ent, the
        checkout's index, compiled schemas) is then frozen out of the garbage collector's full
        collections, which would otherwise walk it again and again (~90 ms each)."""

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    # --- Analyses ---------------------------------------------------------------------------

    def _path(self, uri: str) -> Path:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        return Path(path) if path else Path.cwd() / "untitled.xml"

    def _analyse(
        self, uri: str, text: str, generation: int | None, lint: bool = True
    ) -> Analysis | None:
        """Run on the worker: None when superseded or when the text is not a XEP."""
        if generation is not None and self.generations.get(uri) != generation:
            return None
        raw = text.encode("utf-8", "surrogatepass")
        if not is_xep_text(raw):
            return None
        return analyse(uri, self._path(uri), text, lint)

    def _diagnostics(
        self, uri: str, text: str, generation: int
    ) -> tuple[Analysis | None, list[types.Diagnostic]]:
        """Run on the worker: the analysis and its LSP diagnostics (none for other XML)."""
        analysis = self._analyse(uri, text, generation)
        if analysis is None:
            return None, []
        return analysis, [to_lsp(d, analysis.index, self.docs_url) for d in analysis.diagnostics]

    async def current(self, uri: str, lint: bool = True) -> Analysis | None:
        """The analysis of the document's text as it is now. While a lint is pending, requests
        that need no diagnostics (completion, navigation) get a parse of the current text
        instead of waiting for it; code actions wait for a fresh lint."""
        document = self.workspace.get_text_document(uri)
        known = self.analyses.get(uri)
        if known is not None and known.text == document.source and (known.linted or not lint):
            return known
        loop = asyncio.get_running_loop()
        analysis = await loop.run_in_executor(
            self.worker, self._analyse, uri, document.source, None, lint
        )
        if analysis is not None and lint and uri in self.generations:
            self.keep(uri, analysis)
        return analysis

    def keep(self, uri: str, analysis: Analysis | None) -> None:
        """Make ``analysis`` the one of ``uri`` (None: forget it), releasing the one before."""
        previous = self.analyses.pop(uri, None)
        if previous is not None and previous is not analysis:
            previous.release()
        if analysis is not None:
            self.analyses[uri] = analysis

    def schedule(self, uri: str, delay: float) -> None:
        """(Re)start the diagnostics run of ``uri``; an earlier pending run is superseded."""
        generation = self.generations.get(uri, 0) + 1
        self.generations[uri] = generation
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._diagnose(uri, generation, delay))

    async def _diagnose(self, uri: str, generation: int, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            document = self.workspace.get_text_document(uri)
            text, version = document.source, document.version
            loop = asyncio.get_running_loop()
            analysis, shown = await loop.run_in_executor(
                self.worker, self._diagnostics, uri, text, generation
            )
            if self.generations.get(uri) != generation:
                if analysis is not None:
                    analysis.release()
                return
            self.pending.pop(uri, None)
            self.publish(uri, version, shown)
            self.keep(uri, analysis)  # after publishing: freeing the previous parse takes time
            if analysis is not None and not self.settled:
                self.settled = True
                gc.freeze()
            if analysis is not None and analysis.root is None and uri not in self.rootless:
                self.rootless.add(uri)
                self.log(
                    f"e2ee-sig: no xep.dtd/xep.ent found above {analysis.path}: the DTD rules, "
                    "entity expansion and entity features are off (set xeps-root in "
                    "[tool.e2ee-sig] or open the file inside an xsf/xeps checkout)",
                    types.MessageType.Warning,
                )
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log(
                f"e2ee-sig: diagnostics of {uri} failed:\n{traceback.format_exc()}",
                types.MessageType.Error,
            )

    def publish(self, uri: str, version: int | None, shown: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=shown, version=version)
        )

    def forget(self, uri: str) -> None:
        """Drop everything about a closed document and clear its diagnostics."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.keep(uri, None)
        self.generations.pop(uri, None)
        self.rootless.discard(uri)
        self.publish(uri, None, [])


def guarded(handler: F) -> F:
    """Log a handler's exception to the client and answer with nothing."""

    def report(ls: XepLanguageServer) -> None:
        ls.log(
            f"e2ee-sig: {handler.__name__} failed:\n{traceback.format_exc()}",
            types.MessageType.Error,
        )

    if asyncio.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(ls: XepLanguageServer, *args: Any) -> Any:
            try:
                return await handler(ls, *args)
            except Exception:
                report(ls)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(handler)
    def run(ls: XepLanguageServer, *args: Any) -> Any:
        try:
            return handler(ls, *args)
        except Exception:
            report(ls)
            return None

    return run  # type: ignore[return-value]


server = XepLanguageServer()


@server.feature(types.INITIALIZE)
@guarded
def initialize(ls: XepLanguageServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        url = options.get("ruleDocsUrl")
        ls.docs_url = url if isinstance(url, str) and "{code}" in url else None
        delay = options.get("debounceMs")
        if isinstance(delay, int | float) and 0 <= delay <= 10_000:
            ls.debounce = delay / 1000


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded
def did_open(ls: XepLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded
def did_change(ls: XepLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded
def did_save(ls: XepLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    path = ls._path(params.text_document.uri)
    xep_index.clear(path.parent)  # the saved file's root, or (an inbox file) its parent's
    xep_index.clear(path.parent.parent)
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded
def did_close(ls: XepLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[
            types.CodeActionKind.QuickFix,
            actions.FIX_ALL,
            types.CodeActionKind.Source,
        ]
    ),
)
@guarded
async def code_action(
    ls: XepLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    analysis = await ls.current(uri)
    if analysis is None:
        return None
    version = ls.workspace.get_text_document(uri).version
    only = [actions.kind_name(k) for k in params.context.only] if params.context.only else None
    return actions.code_actions(analysis, version, params.range, only, ls.docs_url)


@server.command(actions.ADD_REVISION)
@guarded
async def add_revision(ls: XepLanguageServer, *arguments: Any) -> None:
    from e2ee_sig.lsp.revision import add_revision_edit

    await add_revision_edit(ls, list(arguments))


Answer = Callable[[Analysis, Any], Any]


def answer_from_analysis(method: str, answer: Answer, lint: bool, options: Any = None) -> None:
    """Serve ``method`` with ``answer(analysis, params)`` on the document's current analysis
    (linted when ``lint``; a bare parse is enough for completion and navigation)."""

    @server.feature(method, options)
    @guarded
    async def handler(ls: XepLanguageServer, params: Any) -> Any:
        analysis = await ls.current(params.text_document.uri, lint)
        return answer(analysis, params) if analysis else None

    handler.__name__ = method.replace("/", "_")


answer_from_analysis(types.TEXT_DOCUMENT_HOVER, lambda a, p: hover.hover(a, p.position), lint=True)
answer_from_analysis(
    types.TEXT_DOCUMENT_COMPLETION,
    lambda a, p: completion.complete(a, p.position),
    lint=False,
    options=types.CompletionOptions(trigger_characters=completion.TRIGGERS),
)
answer_from_analysis(
    types.TEXT_DOCUMENT_DEFINITION, lambda a, p: navigation.definition(a, p.position), lint=False
)
answer_from_analysis(
    types.TEXT_DOCUMENT_REFERENCES,
    lambda a, p: navigation.references(a, p.position, p.context.include_declaration),
    lint=False,
)
answer_from_analysis(
    types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, lambda a, p: navigation.outline(a), lint=False
)


def serve() -> None:
    """Serve LSP over stdin/stdout until the client says exit (or closes the pipe)."""
    try:
        server.start_io()
    finally:
        server.worker.shutdown(wait=False, cancel_futures=True)
