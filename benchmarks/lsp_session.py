"""Drive ``e2ee-sig lsp`` over stdio like an editor: diagnostics latency and memory.

Usage: python benchmarks/lsp_session.py [CORPUS] [--file xep-0060.xml] [--latency N]
       [--changes 10000] [--pause-every 50]

1. Latency: N edits of the file (one character, typed and undone), each followed by a quiet
   period; reports the time from the last change to the published diagnostics, minus the
   server's debounce (200 ms), i.e. the time spent parsing, linting and publishing.
2. Memory: an editing session of --changes incremental edits (a word typed and deleted
   character by character), pausing after every --pause-every changes so that diagnostics
   actually run; reports the server's resident memory (VmRSS) at each tenth of the session.

Nothing is written: the document lives in the client; the server reads only xep.ent and the
DTD of the corpus the file sits in. Needs the ``lsp`` extra (pygls).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import BaseLanguageClient
from timing import DEFAULT_CORPUS, best_of

DEBOUNCE = 0.2
WORD = "widget "


class Client(BaseLanguageClient):
    def __init__(self) -> None:
        super().__init__("e2ee-sig-benchmark", "1")
        self.published: asyncio.Queue[tuple[float, int | None, int]] = asyncio.Queue()

    def cpu_ms(self) -> float:
        """CPU time (user + system) the server process has used, in ms (10 ms ticks)."""
        pid = self._server.pid  # type: ignore[union-attr]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        pid = self._server.pid  # type: ignore[union-attr]
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def _on_publish(client: Client, params: types.PublishDiagnosticsParams) -> None:
    client.published.put_nowait((time.perf_counter(), params.version, len(params.diagnostics)))


def _insertion_point(text: str) -> types.Position:
    """The start of the first paragraph's text: where the benchmark types."""
    at = text.index("<p>", text.index("</header>")) + 3
    line = text.count("\n", 0, at)
    return types.Position(line, at - (text.rfind("\n", 0, at) + 1))


class Session:
    def __init__(self, client: Client, uri: str, where: types.Position) -> None:
        self.client, self.uri, self.where, self.version = client, uri, where, 1
        self.typed = ""
        self.deleting = False

    def _change(self, start: int, end: int, text: str) -> None:
        self.version += 1
        at = types.Position(self.where.line, self.where.character + start)
        to = types.Position(self.where.line, self.where.character + end)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[types.TextDocumentContentChangePartial(types.Range(at, to), text)],
            )
        )

    def keystroke(self) -> None:
        """Type the next character of WORD, or delete the typed word one character back."""
        if not self.deleting:
            char = WORD[len(self.typed)]
            self._change(len(self.typed), len(self.typed), char)
            self.typed += char
            self.deleting = len(self.typed) == len(WORD)
        else:
            self._change(len(self.typed) - 1, len(self.typed), "")
            self.typed = self.typed[:-1]
            self.deleting = bool(self.typed)

    async def settled(self) -> float:
        """Wait for the diagnostics of the current version; when they arrived."""
        while True:
            arrived, version, _ = await asyncio.wait_for(self.client.published.get(), 30)
            if version == self.version:
                return arrived


def lint_alone(file: Path, runs: int = 7) -> tuple[list[float], float]:
    """In-process analyses of ``file`` (parse and lint, no protocol): wall-clock ms of each,
    sorted, and the median CPU ms."""
    from e2ee_sig.lsp.analysis import analyse

    text = file.read_text(encoding="utf-8")
    analyse(file.as_uri(), file, text)  # warm: imports, xep.ent, DTD
    walls, cpus = [], []
    for _ in range(runs):
        cpu = time.process_time()
        walls.append(best_of(1, lambda: analyse(file.as_uri(), file, text).release()) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return sorted(walls), statistics.median(cpus)


async def run(file: Path, samples: int, changes: int, pause_every: int) -> None:
    alone, alone_cpu = lint_alone(file)
    print(
        f"in-process parse + lint of {file.name} over {len(alone)} runs: "
        f"best {alone[0]:.0f} ms, median {statistics.median(alone):.0f} ms "
        f"(CPU median {alone_cpu:.0f} ms)"
    )
    client = Client()
    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(
        lambda params: _on_publish(client, params)
    )
    await client.start_io(sys.executable, "-m", "e2ee_sig", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    text = file.read_text(encoding="utf-8")
    uri = file.resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="xml", version=1, text=text)
        )
    )
    session = Session(client, uri, _insertion_point(text))
    _, _, count = await asyncio.wait_for(client.published.get(), 60)
    print(f"{file.name}: {len(text.encode()) / 1024:.0f} KiB, {count} diagnostics on open")

    latencies, cpus = [], []
    for _ in range(samples):
        cpu = client.cpu_ms()
        session.keystroke()
        sent = time.perf_counter()
        arrived = await session.settled()
        latencies.append((arrived - sent - DEBOUNCE) * 1000)
        cpus.append(client.cpu_ms() - cpu)
        await asyncio.sleep(0.3)
    latencies.sort()
    print(
        f"latency after the {DEBOUNCE * 1000:.0f} ms debounce over {samples} edits: "
        f"median {statistics.median(latencies):.0f} ms, "
        f"p90 {latencies[int(len(latencies) * 0.9) - 1]:.0f} ms, max {latencies[-1]:.0f} ms; "
        f"server CPU per edit: median {statistics.median(cpus):.0f} ms"
    )

    print(f"memory over {changes} changes (pausing for diagnostics every {pause_every}):")
    start = time.perf_counter()
    marks = {changes * k // 10 for k in range(1, 11)}
    print(f"  {0:>6} changes: {client.rss_kib() / 1024:6.1f} MiB")
    for done in range(1, changes + 1):
        session.keystroke()
        if done % pause_every == 0 or done in marks:
            await session.settled()
        if done in marks:
            print(f"  {done:>6} changes: {client.rss_kib() / 1024:6.1f} MiB")
    print(f"  session took {time.perf_counter() - start:.0f} s")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--file", default="xep-0060.xml")
    parser.add_argument("--latency", type=int, default=20, help="edits to time")
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--pause-every", type=int, default=50)
    args = parser.parse_args()
    file = (args.corpus / args.file).resolve()
    if not file.is_file():
        sys.exit(f"lsp_session: {file}: no such file (pass the corpus folder)")
    asyncio.run(run(file, args.latency, args.changes, args.pause_every))


if __name__ == "__main__":
    main()
