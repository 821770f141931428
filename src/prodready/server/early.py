"""Answering ``initialize`` while the server's libraries are still loading.

An editor sends ``initialize`` the moment it starts the server and waits for the answer
before it sends anything else (the open documents first). Importing pygls and lsprotocol
takes about 300 ms, so answering only once they were loaded put that time, and the editor's
round trip after it, in front of the first diagnostics. The answer depends on little:
the features the server registers (fixed) and, from the client, only the position encodings
it offers and whether it announces ``willSave``/``willSaveWaitUntil`` support. So `serve`
reads the first message here, with the standard library only, writes the result
pygls would compute, and then loads the server while the client already sends the next
messages.

pygls still processes the same ``initialize`` (its state, the workspace, our settings)
and its own response is dropped (`TextSyncProtocol.drop_response`), after being compared
with ours: a difference is logged. tests/server/test_early_initialize.py keeps the two equal
for the clients the editors/ configurations start. When the first message is anything but a
plainly well-formed ``initialize``, nothing is answered here and pygls answers as before.
Setting ``PRODREADY_EARLY_INITIALIZE=0`` turns this off.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Optional

import prodready
from prodready.server.framing import STALL_SECONDS, FrameParser, Message, read_chunk

DISABLE_ENV = "PRODREADY_EARLY_INITIALIZE"

# What pygls's ServerCapabilitiesBuilder builds for the features `create_server` registers
# (documents, diagnostics push and pull, code actions with resolve, hover, workspace index).
_CODE_ACTION_KINDS = ["quickfix", "source.fixAll", "source.fixAll.prodready"]
_ENCODINGS = ("utf-8", "utf-16", "utf-32")


def _capabilities(encoding: str, will_save: Any, will_save_wait_until: Any) -> dict:
    sync: dict = {"openClose": True, "change": 2}
    # pygls: ``client_value and <feature registered>``; neither willSave feature is.
    if will_save is not None:
        sync["willSave"] = will_save if not will_save else False
    if will_save_wait_until is not None:
        sync["willSaveWaitUntil"] = will_save_wait_until if not will_save_wait_until else False
    sync["save"] = True
    return {
        "positionEncoding": encoding,
        "textDocumentSync": sync,
        "codeActionProvider": {"codeActionKinds": list(_CODE_ACTION_KINDS), "resolveProvider": True},
        "hoverProvider": True,
        "executeCommandProvider": {"commands": []},
        "diagnosticProvider": {"interFileDependencies": True, "workspaceDiagnostics": True,
                               "identifier": "prodready"},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True},
                      "fileOperations": {}},
    }


def initialize_result(params: Any) -> Optional[dict]:
    """The ``InitializeResult`` (as JSON) pygls would send for ``params``, or None when the
    params are not plainly well-formed (pygls then answers, and reports what is wrong)."""
    if not isinstance(params, dict):
        return None
    capabilities = params.get("capabilities")
    if not isinstance(capabilities, dict):
        return None
    if not isinstance(params.get("processId", None), (int, type(None))) or isinstance(params.get("processId"), bool):
        return None
    for key in ("rootUri", "rootPath", "locale", "trace"):
        if not isinstance(params.get(key, None), (str, type(None))):
            return None
    folders = params.get("workspaceFolders", None)
    if folders is not None and not (isinstance(folders, list) and all(
            isinstance(f, dict) and isinstance(f.get("uri"), str) and isinstance(f.get("name"), str) for f in folders)):
        return None
    client_info = params.get("clientInfo", None)
    if client_info is not None and not (isinstance(client_info, dict) and isinstance(client_info.get("name"), str)):
        return None
    general = capabilities.get("general", {})
    text_document = capabilities.get("textDocument", {})
    if not isinstance(general, dict) or not isinstance(text_document, dict):
        return None
    offered = general.get("positionEncodings")
    if offered is not None and not (isinstance(offered, list) and all(isinstance(e, str) for e in offered)):
        return None
    encoding = next((e for e in offered or () if e in _ENCODINGS), "utf-16")
    sync = text_document.get("synchronization", {})
    if not isinstance(sync, dict):
        return None
    will_save, wait_until = sync.get("willSave"), sync.get("willSaveWaitUntil")
    if not all(isinstance(v, (bool, type(None))) for v in (will_save, wait_until)):
        return None
    return {"capabilities": _capabilities(encoding, will_save, wait_until),
            "serverInfo": {"name": "prodready", "version": prodready.__version__}}


@dataclass
class EarlyStart:
    """What was read from stdin before the server existed, for the transport to go on with."""

    parser: FrameParser
    events: list = field(default_factory=list)  # consumed from the parser, not yet delivered
    reader: Optional[ThreadPoolExecutor] = None
    pending: Optional[Future] = None  # a read of stdin still running
    answered: Any = None  # the id of the initialize request answered here
    result: Optional[dict] = None  # what was answered
    ended: bool = False  # stdin reached its end


def answer_initialize(stdin: BinaryIO, stdout: BinaryIO) -> EarlyStart:
    """Read up to the first message; answer it if it is a plain ``initialize``."""
    early = EarlyStart(FrameParser())
    if os.environ.get(DISABLE_ENV, "1") == "0":
        return early
    early.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prodready-stdin")
    parser = early.parser
    while True:
        event = parser.next()
        if event is None:
            if early.pending is None:
                early.pending = early.reader.submit(read_chunk, stdin)
            try:
                data = early.pending.result(timeout=STALL_SECONDS if parser.waiting_for_body else None)
            except FutureTimeout:
                event = parser.stalled()
                if event is None:
                    continue
            else:
                early.pending = None
                if not data:
                    early.ended = True
                    return early
                parser.feed(data)
                continue
        early.events.append(event)
        if isinstance(event, Message):
            break
    value = event.value
    if not (isinstance(value, dict) and value.get("jsonrpc") == "2.0" and value.get("method") == "initialize"
            and isinstance(value.get("id"), (int, str)) and not isinstance(value.get("id"), bool)):
        return early
    result = initialize_result(value.get("params"))
    if result is None:
        return early
    body = json.dumps({"jsonrpc": "2.0", "id": value["id"], "result": result}, separators=(",", ":")).encode("utf-8")
    stdout.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stdout.flush()
    early.answered = value["id"]
    early.result = result
    return early


__all__ = ["EarlyStart", "answer_initialize", "initialize_result"]
