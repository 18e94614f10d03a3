"""``e2ee-sig preview``: serve a XEP's rendered page on 127.0.0.1 and re-render it on save.

A watcher thread (watchfiles) re-renders when the file changes and bumps a generation
number; the page polls that number and reloads itself. Lint findings appear in a panel; a
render or parse error becomes the page, never a dead server.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from e2ee_sig.render.page import VERSION_PATH, error_page, finding_items, inject, panel
from e2ee_sig.render.stylesheet import RenderError

if TYPE_CHECKING:
    from e2ee_sig.lint.registry import Rule
    from e2ee_sig.render.transform import Renderer

ASSET_SUFFIXES = frozenset({".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".js"})
DEBOUNCE_MS = 50
CHECK_MS = 250


@dataclass
class Preview:
    """The latest page of one XEP file, rebuilt by :meth:`refresh`."""

    file: Path
    renderer: Renderer
    rules: dict[str, Rule]
    profile: str = "default"
    generation: int = 0
    page: bytes = b""
    signature: tuple[int, int, int] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Re-read, lint and render the file; the new page replaces the old one at once."""
        self.signature = self.file_signature()
        page = self._build(self.generation + 1)
        with self.lock:
            self.generation += 1
            self.page = page

    def _build(self, generation: int) -> bytes:
        from e2ee_sig.lint.engine import LintOptions, lint_context, lint_document
        from e2ee_sig.xep import load

        root = self.renderer.xeps_root
        document = load(self.file, str(self.file), root)
        context = lint_context(LintOptions(profile=self.profile), self.rules)
        diagnostics = lint_document(document, self.rules, context)
        try:
            rendered = self.renderer.render_bytes(document.raw, self.file)
        except RenderError as error:
            items = finding_items(document, diagnostics, "")
            return error_page(self.file.name, str(error), panel(items), generation)
        if document.fatal is not None:
            message = f"{self.file}: {document.fatal.line}: {document.fatal.message}"
            return error_page(self.file.name, message, panel([]), generation)
        text = rendered.decode("utf-8", "replace")
        return inject(rendered, panel(finding_items(document, diagnostics, text)), generation)

    def file_signature(self) -> tuple[int, int, int] | None:
        """What changes when the file is saved (inode, size, mtime), None if it is gone."""
        try:
            stat = self.file.stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def snapshot(self) -> tuple[int, bytes]:
        with self.lock:
            return self.generation, self.page


class _Handler(BaseHTTPRequestHandler):
    preview: Preview

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        generation, page = self.preview.snapshot()
        if path == "/":
            self._send(200, "text/html", page)
        elif path == VERSION_PATH:
            self._send(200, "text/plain", str(generation).encode())
        else:
            self._asset(path)

    def _asset(self, path: str) -> None:
        """Files beside the XEP the page links to (xmpp.css, images), nothing else."""
        folder = self.preview.file.resolve().parent
        target = (folder / path.lstrip("/")).resolve()
        if target.suffix.lower() in ASSET_SUFFIXES and target.is_relative_to(folder):
            try:
                data = target.read_bytes()
            except OSError:
                pass
            else:
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                self._send(200, kind, data)
                return
        self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows only the URL and re-renders."""


def serve(preview: Preview, port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for ``preview`` on 127.0.0.1 (``port`` 0: a free one), not yet started."""
    handler = type("PreviewHandler", (_Handler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def watch(
    preview: Preview, stop: threading.Event, on_change: Callable[[], None] | None = None
) -> None:
    """Re-render ``preview`` whenever its file is written, until ``stop`` is set.

    Besides the file events, the file's signature is compared every ``CHECK_MS`` so a save
    made before the watcher was ready (or on a file system without events) is not missed.
    """
    from watchfiles import watch as watch_changes

    target = preview.file.resolve()
    for _changes in watch_changes(
        target.parent,
        watch_filter=lambda _change, path: Path(path).resolve() == target,
        debounce=DEBOUNCE_MS,
        step=DEBOUNCE_MS,
        stop_event=stop,
        rust_timeout=CHECK_MS,
        yield_on_timeout=True,
    ):
        if preview.file_signature() != preview.signature:
            preview.refresh()
            if on_change is not None:
                on_change()


def run(preview: Preview, port: int, open_browser: bool, echo: Callable[[str], None]) -> None:
    """Serve until Ctrl-C: print the URL, re-render on save, then stop the watcher cleanly."""
    stop = threading.Event()
    server: ThreadingHTTPServer | None = None
    watcher: threading.Thread | None = None
    try:
        preview.refresh()
        server = serve(preview, port)
        announce = partial(echo, f"re-rendered {preview.file}")
        watcher = threading.Thread(target=watch, args=(preview, stop, announce), daemon=True)
        watcher.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        echo(f"previewing {preview.file} at {url} (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        echo("stopped")
    finally:
        stop.set()
        if server is not None:
            server.server_close()
        if watcher is not None:
            watcher.join(timeout=2)
