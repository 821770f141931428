"""A raw-bytes LSP client for the protocol robustness tests: it writes frames exactly as
given (wrong lengths, lower-case headers, junk) and reads the server's replies with bounded
waits. A uniquely named module, imported by the tests next to it."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any, Optional

from prodready.server.framing import FrameParser, Message

WAIT = 30.0
SERVER = [sys.executable, "-m", "prodready", "server"]


def frame(message: dict, delta: int = 0, header: bytes = b"Content-Length") -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    return header + b": %d\r\n\r\n" % (len(body) + delta) + body


class RawServer:
    def __init__(self, cwd: Optional[str] = None, env: Optional[dict] = None) -> None:
        self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=cwd, env={**os.environ, **(env or {})})
        self.inbox: "queue.Queue[dict]" = queue.Queue()
        self.seen: list[dict] = []
        self.stderr = bytearray()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        parser = FrameParser()
        for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):
            parser.feed(chunk)
            while (event := parser.next()) is not None:
                if isinstance(event, Message):
                    self.inbox.put(event.value)

    def _read_err(self) -> None:
        for chunk in iter(lambda: self.proc.stderr.read1(65536), b""):
            self.stderr.extend(chunk)

    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict, **frame_options: Any) -> None:
        self.write(frame(message, **frame_options))

    def wait_for(self, predicate, timeout: float = WAIT) -> dict:
        for message in self.seen:
            if predicate(message):
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no such message; got {self.seen!r}\nstderr:\n{self.stderr.decode(errors='replace')}")
            try:
                message = self.inbox.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue
            if "method" in message and "id" in message:  # a request from the server
                result = [None] * len(message["params"].get("items", [])) \
                    if message["method"] == "workspace/configuration" else None
                self.send({"id": message["id"], "result": result})
            self.seen.append(message)
            if predicate(message):
                return message

    def response(self, msg_id: Any, timeout: float = WAIT) -> dict:
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    def request(self, msg_id: Any, method: str, params: Any = None, **frame_options: Any) -> dict:
        message = {"id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message, **frame_options)
        return self.response(msg_id)

    def initialize(self, root_uri: Optional[str] = None) -> dict:
        reply = self.request("init", "initialize", {"processId": None, "rootUri": root_uri, "capabilities": {}})
        self.send({"method": "initialized", "params": {}})
        return reply

    def exit_code(self, timeout: float = WAIT) -> int:
        return self.proc.wait(timeout=timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)

    def pop_ups(self) -> list[dict]:
        return [m for m in self.seen if m.get("method") == "window/showMessage"]
