"""`prodready server` starts the language server without the batch command line's modules
(the runner, the output formats): they cost 110 ms before the editor's `initialize` was
answered. Help still comes from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from prodready._isolation import starts_server


def _frames(*messages: dict) -> bytes:
    out = b""
    for message in messages:
        body = json.dumps(message).encode()
        out += b"Content-Length: %d\r\n\r\n" % len(body) + body
    return out


SESSION = _frames(
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
    {"jsonrpc": "2.0", "method": "exit"},
)

WAYS = {
    "python -m prodready server": [sys.executable, "-X", "importtime", "-m", "prodready", "server"],
    "prodready server (console script)": [
        sys.executable, "-X", "importtime", "-c",
        "import sys; sys.argv = ['prodready', 'server', '--debounce', '0']; from prodready._isolation import main; main()"],
}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_the_server_starts_without_the_batch_command_line(way):
    done = subprocess.run(WAYS[way], input=SESSION, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert b'"id": 1' in done.stdout or b'"id":1' in done.stdout  # initialize was answered
    imported = done.stderr.decode(errors="replace")
    assert "prodready.server.server" in imported  # the server ran...
    assert "prodready.cli.main" not in imported and "prodready.cli.runner" not in imported  # ...alone


def test_help_and_other_commands_go_through_the_command_line():
    assert starts_server(["server"]) and starts_server(["server", "--debounce", "0", "--stdio"])
    assert not starts_server(["server", "--help"]) and not starts_server(["check", "server"]) and not starts_server([])
    done = subprocess.run([sys.executable, "-m", "prodready", "server", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "editors start this" in done.stdout
