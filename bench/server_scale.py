"""The server on huge files and many documents (a script, not a test).

Two measurements against the real ``prodready server`` on stdio (``--debounce 0``), with
pygls's client:

* **huge file**: a generated module of ``--lines`` lines (default 100,000) whose functions
  are full of findings (naive ``utcnow()``, requests without a timeout, ``print``: about
  28k findings at 100k lines). Times ``didOpen`` -> first ``publishDiagnostics``, then
  ``--edits`` one-line edits -> their diagnostics, and prints how many diagnostics were
  published (the server caps what it publishes per file).
* **many documents**: opens ``--documents`` (default 50) documents of 5,000 lines each (the
  latency benchmark's realistic module), waits for each one's diagnostics, reads the server
  process's resident memory (``VmRSS`` from /proc), closes all of them, waits, reads it again;
  ``--rounds N`` does that N times with new documents each time (memory must not grow).

    python bench/server_scale.py [--lines 100000] [--edits 5] [--documents 50] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fix_engine  # noqa: E402
from server_latency import generate as realistic_module  # noqa: E402

def findings_module(lines: int) -> str:
    """The fix-engine benchmark's module of handlers full of findings, about ``lines`` long."""
    per = fix_engine.FUNCTION.count("\n")
    return fix_engine.generate(max(1, (lines - 3) // per) * fix_engine.PER_FUNCTION)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Bench:
    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.client = LanguageClient("prodready-scale-bench", "1")
        self.arrivals: dict[tuple[str, int], tuple[float, int]] = {}
        self.got = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.arrivals[(params.uri, params.version)] = (time.perf_counter(), len(params.diagnostics))
                self.got.set()

    async def start(self, root: Path) -> None:
        # Every rule, preview ones too (the slowest case), turned on as a user does it: the
        # workspace's configuration, which the server reads whatever the client's settings are.
        (root / "pyproject.toml").write_text("[tool.prodready]\npreview = true\n", encoding="utf-8")
        await self.client.start_io(self.command[0], *self.command[1:])
        caps = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)))
        await self.client.initialize_async(types.InitializeParams(capabilities=caps, root_uri=root.as_uri()))
        self.client.initialized(types.InitializedParams())

    @property
    def pid(self) -> int:
        return self.client._server.pid  # type: ignore[union-attr]

    async def wait(self, uri: str, version: int, timeout: float = 300.0) -> tuple[float, int]:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.arrivals:
            self.got.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} v{version}")
            try:
                await asyncio.wait_for(self.got.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.arrivals[(uri, version)]

    def open(self, uri: str, text: str) -> float:
        began = time.perf_counter()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
        return began

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def huge_file(args: argparse.Namespace, command: list[str]) -> None:
    root = Path(tempfile.mkdtemp(prefix="prodready-scale-"))
    bench = Bench(command)
    await bench.start(root)
    text = findings_module(args.lines)
    uri = (root / "handlers.py").as_uri()
    began = bench.open(uri, text)
    at, count = await bench.wait(uri, 1)
    print(f"huge file: {text.count(chr(10)):,} lines; first diagnostics {at - began:.2f} s, {count:,} published")
    lines = text.split("\n")
    times = []
    for n in range(args.edits):
        line_no = 10 + n * (len(lines) // (args.edits + 1))
        new_line = "    when = datetime.datetime.utcnow()" if lines[line_no].startswith("    ") else "x = 1"
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line_no, 0), types.Position(line_no, 0)), text=new_line + "\n")
        version = n + 2
        sent = time.perf_counter()
        bench.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        at, count = await bench.wait(uri, version)
        times.append(at - sent)
        lines.insert(line_no, new_line)
    if times:
        print(f"  per edit: median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} edits")
    await bench.stop()


async def many_documents(args: argparse.Namespace, command: list[str]) -> None:
    root = Path(tempfile.mkdtemp(prefix="prodready-scale-"))
    bench = Bench(command)
    await bench.start(root)
    await asyncio.sleep(0.5)
    start_rss = rss_mb(bench.pid)
    for round_ in range(args.rounds):
        uris = []
        for n in range(round_ * args.documents, (round_ + 1) * args.documents):
            uri = (root / f"module_{n}.py").as_uri()
            bench.open(uri, realistic_module(5000, seed=n))
            await bench.wait(uri, 1)
            uris.append(uri)
        open_rss = rss_mb(bench.pid)
        for uri in uris:
            bench.client.text_document_did_close(types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri)))
        await asyncio.sleep(3)
        closed_rss = rss_mb(bench.pid)
        label = f" (round {round_ + 1} of {args.rounds}, new documents)" if args.rounds > 1 else ""
        print(f"{args.documents} documents of 5,000 lines{label}: RSS {start_rss:.0f} MB at start, "
              f"{open_rss:.0f} MB open, {closed_rss:.0f} MB after closing all")
    await bench.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1,
                        help="open and close that many documents this many times (does memory grow?)")
    parser.add_argument("--command", default=f"{shlex.quote(sys.executable)} -m prodready server",
                        help="how to start the server (--debounce 0 is appended)")
    args = parser.parse_args()
    command = shlex.split(args.command) + ["--debounce", "0"]
    if args.lines:
        await huge_file(args, command)
    if args.documents:
        await many_documents(args, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
