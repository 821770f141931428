"""Every decoded message passes here before pygls sees it: the LSP life cycle and params.

pygls drops a request whose params do not fit their type (a position that is a string,
``line: -1``, a missing range) without an answer and pops "Error in server" at the user,
and does not follow the spec around ``initialize``/``shutdown``/``exit``. `MessageGate`
answers every request:

- before ``initialize``: -32002 ServerNotInitialized (notifications are dropped, except
  ``exit``);
- a second ``initialize``: -32600 InvalidRequest;
- after ``shutdown``: -32600 InvalidRequest (notifications are dropped, except ``exit``);
- params that do not fit the method's type: -32602 InvalidParams, naming the problem;
- a message that is not JSON-RPC 2.0: -32600 when it carries an id, else only logged.

``exit`` ends the process with 0 after ``shutdown`` and 1 without it. Everything here goes
to the log (stderr, ``window/logMessage``), never to a pop-up.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)

logger = logging.getLogger("prodready.server.protocol")


class _OneLineReports(logging.Filter):
    """pygls logs a multi-page traceback for every message it cannot structure; the gate
    reports those in one line, so the traceback is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


logging.getLogger("pygls.protocol.json_rpc").addFilter(_OneLineReports())


class MessageGate:
    def __init__(self, server) -> None:
        self.server = server
        self.protocol = server.protocol
        self.initialize_seen = False
        self.shutdown_seen = False
        self.exit_code: Optional[int] = None  # set by `exit`: the loop stops
        self.early_id: Any = None  # an initialize already answered (server/early.py)

    def answered_early(self, msg_id: Any, result: dict) -> None:
        self.early_id = msg_id
        self.protocol.drop_response(msg_id, result)

    # -- replies -----------------------------------------------------------------------------
    def reply_error(self, msg_id: Any, error: JsonRpcException, detail: str) -> None:
        error.message = detail
        try:
            self.protocol._send_response(msg_id, None, error.to_response_error())
        except Exception:  # noqa: BLE001 - the client went away
            logger.exception("cannot answer request %r", msg_id)

    def note(self, message: str) -> None:
        """Protocol noise: to the log (stderr and window/logMessage), never a pop-up."""
        logger.warning("%s", message)
        try:
            self.server.window_log_message(types.LogMessageParams(type=types.MessageType.Warning,
                                                                  message=f"prodready: {message}"))
        except Exception:  # noqa: BLE001
            pass

    # -- dispatch ----------------------------------------------------------------------------
    def handle(self, value: Any) -> None:
        if not isinstance(value, dict) or value.get("jsonrpc") != "2.0":
            msg_id = value.get("id") if isinstance(value, dict) else None
            if isinstance(value, dict) and "method" in value and _usable_id(msg_id):
                self.reply_error(msg_id, JsonRpcInvalidRequest(), "not a JSON-RPC 2.0 message")
            self.note(f"ignored a message that is not JSON-RPC 2.0 ({_kind(value)})")
            return
        method = value.get("method")
        if method is None:  # a response to one of our requests
            self._forward(value, None, "response")
            return
        msg_id = value.get("id")
        is_request = "id" in value
        if not isinstance(method, str) or (is_request and not _usable_id(msg_id)):
            if is_request and _usable_id(msg_id):
                self.reply_error(msg_id, JsonRpcInvalidRequest(), "the method must be a string")
            self.note(f"ignored a malformed message (method {method!r}, id {msg_id!r})")
            return
        if method == types.EXIT:
            self.exit_code = 0 if self.shutdown_seen else 1
            if not self.shutdown_seen:
                logger.warning("exit without shutdown: exiting with code 1")
            return
        if self.shutdown_seen:
            if is_request:
                self.reply_error(msg_id, JsonRpcInvalidRequest(), f"{method}: the server is shutting down")
            return
        if not self.initialize_seen:
            if method != types.INITIALIZE:
                if is_request:
                    self.reply_error(msg_id, JsonRpcServerNotInitialized(),
                                     f"{method}: the server is not initialized yet (send initialize first)")
                return
        elif method == types.INITIALIZE:
            if is_request:
                self.reply_error(msg_id, JsonRpcInvalidRequest(), "initialize: the server is already initialized")
            return
        if self._forward(value, msg_id if is_request else None, method):
            if method == types.INITIALIZE:
                self.initialize_seen = True
            elif method == types.SHUTDOWN:
                self.shutdown_seen = True

    def _forward(self, value: dict, msg_id: Any, method: str) -> bool:
        """Structure the message for pygls and hand it over; False if its params do not fit."""
        try:
            message = self.protocol.structure_message(value)
        except Exception as exc:  # noqa: BLE001
            if msg_id is None or msg_id != self.early_id or method != types.INITIALIZE:
                return self._refuse(exc, msg_id, method)
            # The client was told it is initialized: initialize with what always fits.
            self.note(f"initialize: params pygls cannot read ({_cause(exc)}); initialized with defaults")
            message = self.protocol.structure_message({"jsonrpc": "2.0", "id": msg_id, "method": method,
                                                       "params": {"processId": None, "capabilities": {}}})
        try:
            self.protocol.handle_message(message)
        except Exception:  # noqa: BLE001 - pygls answers requests itself; never stop reading
            logger.exception("handling %s failed", method)
            return False
        return True

    def _refuse(self, exc: Exception, msg_id: Any, method: str) -> bool:
        """Answer (and log) a message pygls cannot structure; returns False."""
        detail = _cause(exc)
        what = "invalid params" if isinstance(exc, JsonRpcInvalidParams) else "invalid message"
        if msg_id is not None:
            self.reply_error(msg_id, JsonRpcInvalidParams(), f"{method}: {what}: {detail}")
        self.note(f"{method}: {what}, ignored: {detail}")
        return False


def _usable_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return type(value).__name__ if not isinstance(value, dict) else "no jsonrpc: 2.0"


def _cause(exc: BaseException) -> str:
    """The innermost reason cattrs gave, in one line."""
    seen = exc
    while seen.__cause__ is not None:
        seen = seen.__cause__
    leaves = []
    stack = [seen]
    while stack:
        current = stack.pop()
        children = getattr(current, "exceptions", None)
        if children:
            stack.extend(children)
        else:
            leaves.append(current)
    text = "; ".join(f"{type(e).__name__}: {e}" for e in leaves[:3]) or str(exc)
    return text.replace("\n", " ")[:300]
