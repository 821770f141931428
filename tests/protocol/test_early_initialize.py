"""The server answers ``initialize`` before loading pygls (server/early.py): the answer must
be exactly what pygls computes for the same params, and the server must then work as usual."""

from __future__ import annotations

import time

import pytest
from raw_client import RawServer

from prodready.server.early import DISABLE_ENV, initialize_result

VSCODE = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"dynamicRegistration": True, "willSave": True, "willSaveWaitUntil": True, "didSave": True},
        "diagnostic": {"dynamicRegistration": True, "relatedDocumentSupport": False},
        "codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": True,
                       "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["", "quickfix", "source"]}}},
        "publishDiagnostics": {"versionSupport": True, "tagSupport": {"valueSet": [1, 2]}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
    },
    "workspace": {"workspaceFolders": True, "configuration": True, "diagnostics": {"refreshSupport": True},
                  "didChangeWatchedFiles": {"dynamicRegistration": True}, "fileOperations": {"didCreate": True}},
    "window": {"workDoneProgress": True},
    "notebookDocument": {"synchronization": {"dynamicRegistration": True}},
}
NEOVIM = {"general": {"positionEncodings": ["utf-8", "utf-16", "utf-32"]},
          "textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": True, "didSave": True}}}
HELIX = {"general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
         "textDocument": {"synchronization": {"willSave": False}}}
CLIENTS = {
    "minimal": {},
    "vscode": VSCODE,
    "neovim": NEOVIM,
    "helix": HELIX,
    "utf-32 only": {"general": {"positionEncodings": ["utf-32"]}},
    "unknown encodings": {"general": {"positionEncodings": ["ebcdic"]}},
}


def _initialize(params: dict, env: dict) -> tuple[dict, float, RawServer]:
    server = RawServer(env=env)
    began = time.monotonic()
    reply = server.request(1, "initialize", params)
    return reply, time.monotonic() - began, server


@pytest.mark.parametrize("client", list(CLIENTS))
def test_early_answer_is_what_pygls_computes(client, tmp_path):
    params = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": CLIENTS[client],
              "clientInfo": {"name": client}, "workspaceFolders": [{"uri": tmp_path.as_uri(), "name": "w"}]}
    assert initialize_result(params) is not None  # answered early
    late, _, plain = _initialize(params, {DISABLE_ENV: "0"})
    plain.close()
    early, _, server = _initialize(params, {})
    try:
        assert early["result"] == late["result"]
        # The server then works as usual on the state pygls built from the same initialize.
        server.send({"method": "initialized", "params": {}})
        uri = (tmp_path / "app.py").as_uri()
        server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1,
            "text": "import requests\n\ndef f(url):\n    return requests.get(url)\n"}}})
        if "diagnostic" in CLIENTS[client].get("textDocument", {}):  # pull diagnostics
            report = server.request(3, "textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]
            diagnostics = report["items"]
        else:
            diagnostics = server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                          and m["params"]["uri"] == uri)["params"]["diagnostics"]
        assert [d["code"] for d in diagnostics] == ["PR405"]
        reply = server.request(2, "shutdown")
        assert "error" not in reply
        server.send({"method": "exit"})
        assert server.exit_code() == 0
        assert b"differs" not in server.stderr and b"refused" not in server.stderr
        assert len([m for m in server.seen if m.get("id") == 1]) == 1  # pygls did not answer it again
    finally:
        server.close()


@pytest.mark.parametrize("params", [
    {"processId": None, "capabilities": "all"},
    {"processId": "12", "capabilities": {}},
    {"processId": None, "capabilities": {"general": {"positionEncodings": "utf-8"}}},
    [1, 2],
])
def test_params_that_are_not_plainly_well_formed_are_left_to_pygls(params):
    """No early answer: pygls answers after loading, exactly as with the early path off."""
    assert initialize_result(params) is None
    answers = []
    for env in ({DISABLE_ENV: "0"}, {}):
        reply, _, server = _initialize(params, env)
        try:
            assert len([m for m in server.seen if m.get("id") == 1]) == 1
        finally:
            server.close()
        answers.append(reply)
    assert answers[0] == answers[1]


def test_answered_early_but_unreadable_for_pygls_initializes_with_defaults():
    """Params that look well-formed to the early answer but that pygls cannot structure: the
    client was told the server is initialized, so it is (with default capabilities), says
    so in the log, and works."""
    params = {"processId": None, "rootUri": None,
              "capabilities": {"textDocument": {"hover": {"contentFormat": 5}}}}
    assert initialize_result(params) is not None
    server = RawServer()
    try:
        assert "result" in server.request(1, "initialize", params)
        server.send({"method": "initialized", "params": {}})
        uri = "file:///tmp/prodready-early/app.py"
        server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1,
            "text": "import requests\nrequests.get('http://x')\n"}}})
        published = server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert [d["code"] for d in published["params"]["diagnostics"]] == ["PR405"]
        logged = [m["params"]["message"] for m in server.seen if m.get("method") == "window/logMessage"]
        assert any("initialized with defaults" in message for message in logged)
        assert not server.pop_ups()
    finally:
        server.close()
