"""Raw-stdio tests of the server's protocol robustness: malformed frames, wrong-typed
params, the initialize/shutdown/exit life cycle. Every request gets an answer, the server
stays in step after a bad frame, and none of it pops up a message at the user."""

from __future__ import annotations

import pytest

from raw_client import RawServer, frame

URI = "file:///tmp/prodready-protocol-test/app.py"
# A default-on rule's finding (PR405): no configuration here turns preview rules on.
TEXT = "import requests\n\nstarted = requests.get('https://example.com')\n"
DOC = {"uri": URI}
POSITION = {"line": 2, "character": 12}
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}}


@pytest.fixture
def server():
    raw = RawServer()
    yield raw
    raw.close()


def _open(server: RawServer) -> None:
    server.send({"method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": TEXT}}})
    server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["diagnostics"])


def _hover_works(server: RawServer, msg_id) -> None:
    reply = server.request(msg_id, "textDocument/hover", {"textDocument": DOC, "position": POSITION})
    assert "error" not in reply and reply["result"] is not None, reply


@pytest.mark.parametrize("bad_frame", [
    pytest.param(lambda m: frame(m, delta=-10), id="content-length-10-short"),
    pytest.param(lambda m: frame(m, delta=50), id="content-length-50-long"),
    pytest.param(lambda m: frame(m, header=b"content-length"), id="lower-case-header"),
    pytest.param(lambda m: b"garbage that is no header\r\n\r\n" + frame(m), id="junk-before-frame"),
    pytest.param(lambda m: b"Content-Length: 12\r\n\r\n{not json!!}" + frame(m), id="body-not-json"),
    pytest.param(lambda m: b"Content-Length: x\r\n\r\n" + frame(m), id="length-not-a-number"),
])
def test_server_stays_in_step_after_a_malformed_frame(server, bad_frame):
    server.initialize()
    _open(server)
    server.write(bad_frame({"id": "bad", "method": "textDocument/hover",
                            "params": {"textDocument": DOC, "position": POSITION}}))
    _hover_works(server, "after")  # the next request is answered
    assert not server.pop_ups()


def test_frames_split_byte_by_byte_are_read(server):
    server.initialize()
    data = frame({"id": 7, "method": "shutdown"})
    for index in range(len(data)):
        server.write(data[index:index + 1])
    assert "error" not in server.response(7)


WRONG_PARAMS = [
    ("textDocument/hover", {"textDocument": DOC, "position": "2:12"}),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": -1, "character": 0}}),
    ("textDocument/hover", {"textDocument": DOC, "position": {"line": 1, "character": "a"}}),
    ("textDocument/hover", {"textDocument": DOC}),
    ("textDocument/hover", {"textDocument": "app.py", "position": POSITION}),
    ("textDocument/hover", "not an object"),
    ("textDocument/codeAction", {"textDocument": DOC, "context": {"diagnostics": []}}),
    ("textDocument/codeAction", {"textDocument": DOC, "range": {"start": "0:0", "end": "1:0"},
                                 "context": {"diagnostics": []}}),
    ("textDocument/codeAction", {"textDocument": DOC, "range": RANGE}),
    ("textDocument/codeAction", {"textDocument": DOC, "range": RANGE, "context": {"diagnostics": "all"}}),
    ("codeAction/resolve", {"kind": "quickfix"}),
    ("codeAction/resolve", 5),
    ("textDocument/diagnostic", {}),
    ("textDocument/codeAction", {"textDocument": DOC, "range": {"start": {"line": -3, "character": 0},
                                                                "end": {"line": 0, "character": 0}},
                                 "context": {"diagnostics": []}}),
]


def test_every_request_with_wrong_params_gets_invalid_params(server):
    server.initialize()
    _open(server)
    for index, (method, params) in enumerate(WRONG_PARAMS):
        reply = server.request(f"bad-{index}", method, params)
        assert reply.get("error", {}).get("code") == -32602, (method, params, reply)
    # A notification with wrong params is logged, not answered, and changes nothing.
    server.send({"method": "textDocument/didChange", "params": {"textDocument": DOC, "contentChanges": 5}})
    _hover_works(server, "still-works")
    # Values the protocol's converter coerces (a number for a string) are answered normally.
    for index, (method, params) in enumerate([
        ("textDocument/diagnostic", {"textDocument": {"uri": 42}}),
        ("textDocument/hover", {"textDocument": DOC, "position": {"line": 10**9, "character": 10**9}}),
    ]):
        reply = server.request(f"coerced-{index}", method, params)
        assert "result" in reply or "error" in reply
    assert not server.pop_ups()
    logged = [m for m in server.seen if m.get("method") == "window/logMessage"]
    assert any("invalid params" in m["params"]["message"] for m in logged)


def test_unknown_method_gets_method_not_found(server):
    server.initialize()
    assert server.request(1, "prodready/noSuchThing", {})["error"]["code"] == -32601
    assert not server.pop_ups()


def test_requests_before_initialize_get_server_not_initialized(server):
    reply = server.request(1, "textDocument/hover", {"textDocument": DOC, "position": POSITION})
    assert reply["error"]["code"] == -32002
    assert server.request(2, "shutdown")["error"]["code"] == -32002
    server.send({"method": "textDocument/didOpen",  # dropped: not initialized
                 "params": {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": TEXT}}})
    assert "capabilities" in server.initialize()["result"]


def test_second_initialize_is_an_error(server):
    server.initialize()
    reply = server.request(2, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert reply["error"]["code"] == -32600
    _open(server)  # and the server still works


def test_after_shutdown_requests_are_invalid_and_exit_is_0(server):
    server.initialize()
    assert "error" not in server.request(1, "shutdown")
    reply = server.request(2, "textDocument/hover", {"textDocument": DOC, "position": POSITION})
    assert reply["error"]["code"] == -32600
    server.send({"method": "exit"})
    assert server.exit_code() == 0


def test_exit_without_shutdown_exits_with_1(server):
    server.initialize()
    server.send({"method": "exit"})
    assert server.exit_code() == 1


def test_end_of_input_without_exit_ends_the_process(server):
    server.initialize()
    server.proc.stdin.close()
    assert server.exit_code() == 1


def test_not_json_rpc_and_batch_messages_are_answered_or_logged(server):
    server.initialize()
    server.write(frame({"id": 5, "method": "textDocument/hover"}).replace(b'"2.0"', b'"1.0"'))
    assert server.response(5)["error"]["code"] == -32600
    server.write(b'Content-Length: 2\r\n\r\n[]')
    assert "error" not in server.request(6, "shutdown")
    assert not server.pop_ups()
