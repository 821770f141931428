"""A minimal LSP client over a subprocess's stdio, for checking that a packaged server
starts and answers. Bounded waits only."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any


class StdioClient:
    def __init__(self, argv: list[str], configuration: dict[str, Any] | None = None, **popen: Any) -> None:
        # Answers to workspace/configuration, by section.
        self.configuration = configuration or {}
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen
        )
        self.messages: queue.Queue[dict] = queue.Queue()
        self.notifications: list[dict] = []
        self.stderr = bytearray()
        self._next_id = 0
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self.messages.put(json.loads(stream.read(length).decode("utf-8")))

    def _read_stderr(self) -> None:
        stream = self.proc.stderr
        assert stream is not None
        for chunk in iter(lambda: stream.read1(4096), b""):
            self.stderr.extend(chunk)

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def _next(self, deadline: float) -> dict:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no message from the server; stderr:\n{self.stderr.decode(errors='replace')}")
            try:
                return self.messages.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None and self.messages.empty():
                    time.sleep(0.2)  # let the stderr reader finish
                    raise RuntimeError(
                        f"the server exited with {self.proc.returncode}; stderr:\n"
                        f"{self.stderr.decode(errors='replace')}"
                    ) from None

    def _handle_server_request(self, message: dict) -> None:
        # Answer what a plain client would: configuration by section, the rest -> null.
        result: Any = None
        if message["method"] == "workspace/configuration":
            items = message["params"]["items"]
            result = [self.configuration.get(item.get("section", ""), None) for item in items]
        self.send({"id": message["id"], "result": result})

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        self._next_id += 1
        request_id = self._next_id
        self.send({"id": request_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._next(deadline)
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message.get("result")
            if "method" in message and "id" in message:
                self._handle_server_request(message)
            elif "method" in message:
                self.notifications.append(message)

    def wait_for(self, predicate, timeout: float = 30) -> dict:
        for message in self.notifications:
            if predicate(message):
                return message
        deadline = time.monotonic() + timeout
        while True:
            message = self._next(deadline)
            if "method" in message and "id" in message:
                self._handle_server_request(message)
                continue
            if "method" in message:
                self.notifications.append(message)
                if predicate(message):
                    return message

    def close(self, timeout: float = 10) -> int | None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
                return self.proc.wait(timeout=timeout)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        return self.proc.returncode
