"""Where users wait on the server: prodready's beside Ruff's, same file, same edits (a script, not a test).

Starts the real server on stdio (``--debounce 0``) with pygls's client and a client that
advertises no ``codeAction/resolve`` support (every action carries its edit), and measures:

* **initialize**: from spawning the process to the ``initialize`` response;
* **didOpen**: from ``didOpen`` (sent right after ``initialized``, as editors do) to the
  file's first ``publishDiagnostics``; also from spawning to those diagnostics, and the
  ``didOpen`` of a second copy of the file once the server is loaded;
* **didChange**: ``--insert`` (default ``import os; os.system("ls")``, which adds a top-level
  name where the statement is at the top level) is inserted before ``--places`` statements
  spread over the file, indented like them, and each insertion is then removed again; the
  time from each incremental ``didChange`` to the diagnostics of that version;
* **codeAction**: after each insertion, the code actions for the inserted line with its
  diagnostics in the context, as an editor's light bulb asks.

When Ruff is installed (the ``[bench]`` extra) its server (``ruff server``) gets the same
file and edits in the same run, and the ratios are printed. The default file is SQLAlchemy's
``orm/session.py`` from the pinned bench corpus (fetched when missing).

    python bench/server_latency.py [--file F] [--insert LINE] [--places 30] [--generated 5000]

Targets (issue 12): change p95 at or below Ruff's, codeAction p95 <= 50 ms, initialize
<= 100 ms, didOpen <= 60 ms.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import random
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional


DEFAULT_INSERT = 'import os; os.system("ls")'


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
    parser.add_argument("--file", type=Path, default=None,
                        help="the file to edit (default: SQLAlchemy's orm/session.py from the bench corpus; "
                             "--generated: the generated module)")
    parser.add_argument("--generated", type=int, metavar="LINES", default=0,
                        help="edit a generated realistic module of LINES lines instead of a real file")
    parser.add_argument("--insert", default=DEFAULT_INSERT, help=f"the line inserted (default {DEFAULT_INSERT!r})")
    parser.add_argument("--places", type=int, default=30, help="how many places the line is inserted at (default 30)")
    parser.add_argument("--command", default=f"{shlex.quote(sys.executable)} -m prodready server",
                        help="how to start prodready's server (--debounce 0 is appended)")
    parser.add_argument("--no-ruff", action="store_true", help="do not run Ruff's server for comparison")
    parser.add_argument("--verbose", action="store_true", help="print each edit's line and latency")
    args = parser.parse_args()

    if args.generated:
        text, name = generate(args.generated), "service.py"
    else:
        path = args.file or default_file()
        text, name = path.read_text(encoding="utf-8"), path.name
    edits = plan_edits(text, args.insert, args.places)
    print(f"file: {name}, {text.count(chr(10))} lines; {len(edits)} edits "
          f"(insert {args.insert!r} at {len(edits) // 2} statements, then remove it)")
    servers = {"prodready": shlex.split(args.command) + ["--debounce", "0"]}
    ruff = shutil.which("ruff")
    if ruff and not args.no_ruff:
        servers["ruff"] = [ruff, "server"]
    elif not args.no_ruff:
        print("ruff not installed (pip install ruff, the [bench] extra): no comparison")
    results = {}
    for label, command in servers.items():
        results[label] = await run_server(label, command, name, text, edits)
        if args.verbose:
            for (line_no, inserted), ms in zip(edits, results[label]["change"]):
                print(f"  {label} line {line_no + 1:5d} {'insert' if inserted else 'remove'}: {ms:6.1f} ms")
    report(results)
    return 0


def default_file() -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import BENCH, fetch

    roots = fetch({"sqlalchemy": BENCH["sqlalchemy"]}, Path(__file__).resolve().parent / "corpus")
    return roots[0] / "sqlalchemy" / "orm" / "session.py"


def plan_edits(text: str, insert: str, places: int) -> list[tuple[int, Optional[str]]]:
    """(line, inserted text) to insert before ``line``, or (line, None) to delete ``line``.

    The places are statements spread evenly over the file (their first line, decorators
    included), the line indented like the statement: each insertion is followed by its
    removal, so both directions of "a top-level name appears / disappears" are measured when
    the statement is at the top level.
    """
    tree = ast.parse(text)
    starts = sorted({min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
                     for node in ast.walk(tree) if isinstance(node, ast.stmt)})
    lines = text.split("\n")
    chosen = [starts[round(k * (len(starts) - 1) / max(1, places - 1))] for k in range(places)]
    plan: list[tuple[int, Optional[str]]] = []
    for line_no in dict.fromkeys(chosen):
        line = lines[line_no - 1]
        indent = line[: len(line) - len(line.lstrip())]
        plan += [(line_no - 1, indent + insert), (line_no - 1, None)]
    return plan


class RawClient:
    """A minimal JSON-RPC client on the server's stdio, speaking plain dicts.

    pygls's client structures every response into lsprotocol types and rejects Ruff's
    ``initialize`` result (its notebook filters); a raw client measures both servers the
    same way, with no conversion cost on our side of the pipe.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0
        self.waiting: dict[int, asyncio.Future] = {}
        self.diagnostics: dict[int, tuple[float, list]] = {}  # version (or -n: n-th unversioned publish)
        self.published = 0
        self.log: list[tuple[float, dict]] = []  # (arrival, params) of every publish
        self.got = asyncio.Event()
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = await stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = json.loads(await stream.readexactly(length or 0))
            now = time.perf_counter()
            if "id" in body and "method" in body:  # a request from the server: answer null
                self._send({"jsonrpc": "2.0", "id": body["id"], "result": None})
            elif "id" in body:
                future = self.waiting.pop(body["id"], None)
                if future is not None and not future.done():
                    future.set_result((now, body))
            elif body.get("method") == "textDocument/publishDiagnostics":
                params = body["params"]
                self.published += 1
                self.log.append((now, params))
                version = params.get("version")
                self.diagnostics[version if version is not None else -self.published] = (now, params["diagnostics"])
                self.got.set()
            elif body.get("method") == "window/logMessage" and body["params"].get("type", 4) <= 2:
                print("server:", body["params"].get("message"), file=sys.stderr)

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)

    async def request(self, method: str, params) -> tuple[float, dict]:
        """(arrival time, response) for one request."""
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, 60)

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def wait_diagnostics(self, version: int, seen: int, timeout: float = 60.0) -> tuple[float, list]:
        """The diagnostics published for ``version`` (or the first publish after ``seen``)."""
        return await self._until(lambda: self.diagnostics.get(version) or self.diagnostics.get(-(seen + 1)),
                                 f"version {version}", timeout)

    async def wait_uri(self, uri: str, seen: int, timeout: float = 60.0) -> float:
        """Arrival time of the first publish for ``uri`` after ``seen`` publishes."""
        return await self._until(lambda: next((at for at, params in self.log[seen:] if params.get("uri") == uri), None),
                                 uri, timeout)

    async def _until(self, found, what: str, timeout: float):
        """``found()``'s first answer that is not None, waking on each publish."""
        deadline = time.perf_counter() + timeout
        while True:
            answer = found()
            if answer is not None:
                return answer
            self.got.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {what}")
            try:
                await asyncio.wait_for(self.got.wait(), remaining)
            except asyncio.TimeoutError:
                pass


CAPABILITIES = {
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"versionSupport": True},
        # No resolveSupport: every code action arrives with its edit.
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
            "valueSet": ["quickfix", "source", "source.fixAll"]}}},
    },
    "workspace": {"workspaceFolders": True},
}


async def run_server(label: str, command: list[str], name: str, text: str, edits) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="prodready-bench-"))
    # Every prodready rule, preview ones too (the slowest case), as a user turns them on.
    (workdir / "pyproject.toml").write_text("[tool.prodready]\npreview = true\n", encoding="utf-8")
    uri = (workdir / name).as_uri()
    (workdir / name).write_text(text, encoding="utf-8")
    spawned = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, cwd=str(workdir), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        limit=1 << 26)
    client = RawClient(process)
    initialized, _ = await client.request("initialize", {
        "processId": None, "rootUri": workdir.as_uri(), "capabilities": CAPABILITIES,
        "workspaceFolders": [{"uri": workdir.as_uri(), "name": "bench"}]})
    client.notify("initialized", {})
    opened = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    first, diagnostics = await client.wait_diagnostics(1, 0)
    result = {"initialize": (initialized - spawned) * 1000, "didOpen": (first - opened) * 1000,
              "first diagnostics": (first - spawned) * 1000,
              "open diagnostics": len(diagnostics), "change": [], "codeAction": [], "actions": 0}
    version = 1
    for line_no, inserted in edits:
        if inserted is not None:
            change = {"range": {"start": {"line": line_no, "character": 0}, "end": {"line": line_no, "character": 0}},
                      "text": inserted + "\n"}
        else:
            change = {"range": {"start": {"line": line_no, "character": 0},
                                "end": {"line": line_no + 1, "character": 0}}, "text": ""}
        version += 1
        seen = client.published
        sent = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        arrived, diagnostics = await client.wait_diagnostics(version, seen)
        result["change"].append((arrived - sent) * 1000)
        if inserted is None:
            continue
        # The light bulb on the inserted line, as an editor asks for it: its diagnostics in context.
        line_range = {"start": {"line": line_no, "character": 0}, "end": {"line": line_no, "character": len(inserted)}}
        on_line = [d for d in diagnostics if d["range"]["start"]["line"] <= line_no <= d["range"]["end"]["line"]]
        asked = time.perf_counter()
        answered, response = await client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": line_range, "context": {"diagnostics": on_line}})
        result["codeAction"].append((answered - asked) * 1000)
        result["actions"] += len(response.get("result") or [])
    # The same file opened again under another name, the server loaded and idle (a second tab).
    second = (workdir / f"copy_{name}").as_uri()
    seen = client.published
    opened = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": second, "languageId": "python", "version": 1, "text": text}})
    again = await client.wait_uri(second, seen)
    result["didOpen loaded"] = (again - opened) * 1000
    client.notify("textDocument/didClose", {"textDocument": {"uri": second}})

    await client.request("shutdown", None)
    client.notify("exit", None)
    await process.stdin.drain()
    try:
        await asyncio.wait_for(process.wait(), 10)
    except asyncio.TimeoutError:
        process.kill()
    client.reader.cancel()
    return result


def report(results: dict) -> None:
    def stats(values: list[float]) -> str:
        return (f"{statistics.median(values):6.1f} / {percentile(values, 0.95):6.1f} / {max(values):6.1f}"
                if values else "-")

    labels = list(results)
    rows = [
        ("initialize (from spawn), ms", [f"{results[k]['initialize']:.0f}" for k in labels]),
        ("didOpen -> diagnostics, ms", [f"{results[k]['didOpen']:.0f} ({results[k]['open diagnostics']} diags)" for k in labels]),
        ("spawn -> first diagnostics, ms", [f"{results[k]['first diagnostics']:.0f}" for k in labels]),
        ("didOpen, server loaded, ms", [f"{results[k]['didOpen loaded']:.0f}" for k in labels]),
        ("didChange -> diagnostics p50/p95/max, ms", [stats(results[k]["change"]) for k in labels]),
        ("codeAction p50/p95/max, ms", [stats(results[k]["codeAction"]) + f" ({results[k]['actions']} actions)" for k in labels]),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  " + "  ".join(f"{k:>36}" for k in labels))
    for title, cells in rows:
        print(f"{title:{width}}  " + "  ".join(f"{c:>36}" for c in cells))
    if "ruff" in results:
        ours, theirs = results["prodready"], results["ruff"]
        print("prodready / ruff:  "
              f"change p95 {percentile(ours['change'], 0.95) / percentile(theirs['change'], 0.95):.2f}x, "
              f"codeAction p95 {percentile(ours['codeAction'], 0.95) / max(0.01, percentile(theirs['codeAction'], 0.95)):.2f}x, "
              f"initialize {ours['initialize'] / theirs['initialize']:.1f}x, didOpen {ours['didOpen'] / theirs['didOpen']:.1f}x, "
              f"spawn -> first diagnostics {ours['first diagnostics'] / theirs['first diagnostics']:.1f}x")


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
