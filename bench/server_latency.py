"""Edit -> diagnostics latency of `prodready server` on a 5,000-line file (a script, not a test).

Starts the real server on stdio (``--debounce 0``) with pygls's client, opens a generated,
realistic 5,000-line module (functions, classes, decorators, non-ASCII text, a few findings),
then sends one-line incremental ``didChange`` edits one at a time and measures the time from
sending each edit to receiving ``publishDiagnostics`` for that version. Prints p50/p95/max.

    python bench/server_latency.py [--edits 30] [--lines 5000] [--command "prodready server"]

Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient


def generate(lines: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    out = [
        '"""Order service — generated for the latency benchmark (café ☕)."""',
        "from __future__ import annotations",
        "",
        "import logging",
        "import os",
        "from datetime import datetime, timedelta",
        "",
        "import requests",
        "",
        "log = logging.getLogger(__name__)",
        'API_TOKEN = "sk_live_abcdef0123456789"',
        "",
    ]
    i = 0
    while len(out) < lines:
        i += 1
        r = rnd.random()
        if r < 0.2:
            out += [f"class Repository{i}:", f'    """Repository {i} — déjà vu."""', "",
                    "    def __init__(self, session):", "        self.session = session", "        self.hits = 0", ""]
            for m in range(rnd.randint(2, 6)):
                out += [f"    def query_{m}(self, key, limit=10):", "        rows = []",
                        "        for index in range(limit):", "            rows.append((key, index))",
                        "        if len(rows) > 5:", "            log.info('many rows: %s', len(rows))",
                        ("        seen = datetime.utcnow()" if rnd.random() < 0.1 else "        seen = None"),
                        "        return rows, seen", ""]
        elif r < 0.3:
            out += ["@app_route('/items')", f"def view_{i}(request):", "    # build the response",
                    "    return {", "        'items': [],", "        'at': datetime.now(),", "    }", "", ""]
        else:
            out += [f"def handle_{i}(payload, retries=3):", f'    """Handle payload {i}."""', "    result = []",
                    "    for attempt in range(retries):", "        try:",
                    "            data = {'id': attempt, 'name': 'x' * attempt}", "            result.append(data)",
                    "        except ValueError as exc:", "            log.warning('failed: %s', exc)",
                    ("    created = datetime.utcnow()" if rnd.random() < 0.08 else "    created = None"),
                    "    return result, created", "", ""]
    return "\n".join(out) + "\n"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--command", default=f"{shlex.quote(sys.executable)} -m prodready server",
                        help="how to start the server (--debounce 0 is appended)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    client = LanguageClient("prodready-bench", "1")
    arrivals: dict[int, tuple[float, int]] = {}
    got = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrivals[params.version] = (time.perf_counter(), len(params.diagnostics))
            got.set()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        if params.type <= types.MessageType.Warning:
            print("server:", params.message, file=sys.stderr)

    command = shlex.split(args.command) + ["--debounce", "0"]
    await client.start_io(command[0], *command[1:])
    workdir = Path(tempfile.mkdtemp(prefix="prodready-bench-"))
    # Every rule, preview ones too (the slowest case), as a user turns them on.
    (workdir / "pyproject.toml").write_text("[tool.prodready]\npreview = true\n", encoding="utf-8")
    caps = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)))
    await client.initialize_async(types.InitializeParams(capabilities=caps, root_uri=workdir.as_uri()))
    client.initialized(types.InitializedParams())

    text = generate(args.lines)
    lines = text.split("\n")
    uri = (workdir / "service.py").as_uri()

    async def wait_version(version: int, timeout: float = 30.0) -> tuple[float, int]:
        deadline = time.perf_counter() + timeout
        while version not in arrivals:
            got.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for version {version}")
            try:
                await asyncio.wait_for(got.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return arrivals[version]

    began = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    opened_at, count = await wait_version(1)
    print(f"open: {len(lines) - 1} lines, {count} diagnostics in {(opened_at - began) * 1000:.0f} ms")

    rnd = random.Random(args.seed)
    latencies: list[float] = []
    version = 1
    candidates = [k for k, line in enumerate(lines) if line.strip() and line.startswith("    ")]
    for n in range(args.edits):
        line_no = rnd.choice(candidates)
        line = lines[line_no]
        kind = n % 3
        if kind == 0:  # append a comment at the end of the line
            insert = "  # touched"
            character = len(line.encode("utf-16-le")) // 2
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line_no, character), types.Position(line_no, character)), text=insert)
            lines[line_no] = line + insert
        elif kind == 1:  # insert a new statement line (with a finding) before this one
            indent = line[: len(line) - len(line.lstrip())]
            new_line = f"{indent}when = datetime.utcnow()"
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line_no, 0), types.Position(line_no, 0)), text=new_line + "\n")
            lines.insert(line_no, new_line)
            candidates = [k for k, ln in enumerate(lines) if ln.strip() and ln.startswith("    ")]
        else:  # retype an identifier character
            stripped = line.lstrip()
            column = len(line) - len(stripped)
            character = len(line[:column].encode("utf-16-le")) // 2
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line_no, character), types.Position(line_no, character + 1)),
                text=stripped[:1])
        version += 1
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        arrived, count = await wait_version(version)
        latencies.append((arrived - sent) * 1000)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    print(f"{len(latencies)} one-line edits on a {args.lines}-line file (incremental sync, debounce 0):")
    print(f"  p50 {statistics.median(latencies):.1f} ms   p95 {percentile(latencies, 0.95):.1f} ms   "
          f"max {max(latencies):.1f} ms   (last version had {count} diagnostics)")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
