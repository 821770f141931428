"""Open documents and text synchronisation.

Documents are kept here (text + version), updated from incremental ``didChange`` events in
the negotiated position encoding; the change ranges are kept too, because they tell the
incremental analyzer which blocks are dirty. pygls's own copy of each document is not kept
(see `TextSyncProtocol`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import threading
from typing import Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from prodready.core.findings import Finding
from prodready.core.incremental import DocumentAnalysis, DocumentAnalyzer
from prodready.core.source import SourceFile

logger = logging.getLogger("prodready.server")


def uri_to_path(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
            path = path[1:]
        return path
    return unquote(parsed.path) or uri


class Document:
    """One open document. Fields marked (loop) are only touched on the event loop."""

    def __init__(self, uri: str, version: Optional[int], text: str) -> None:
        self.uri = uri
        self.path = uri_to_path(uri)
        self.lock = threading.Lock()
        # guarded by lock: the loop writes, the analysis thread snapshots
        self.version = version
        self.text = text
        self.changes: Optional[list[tuple[int, int, int]]] = []  # since the analyzer's text; None: unknown
        # (loop)
        self._source: Optional[SourceFile] = None
        self.timer: Optional[asyncio.TimerHandle] = None
        self.analysis: Optional[DocumentAnalysis] = None
        self.analysis_version: Optional[int] = None
        self.analysis_generation = -1
        self.diagnostics: list[types.Diagnostic] = []
        self.result_id: Optional[str] = None
        self.findings: list[Finding] = []
        self.waiters: list[asyncio.Future] = []
        self.logged: set[tuple] = set()
        # (analysis thread)
        self.analyzer: Optional[DocumentAnalyzer] = None
        self.done: tuple = ()

    @property
    def source(self) -> SourceFile:
        if self._source is None or self._source.text is not self.text:
            self._source = SourceFile(self.text, self.path)
        return self._source

    def apply_changes(self, version: Optional[int], changes: list, encoding: str) -> None:
        text = self.text
        hints: Optional[list[tuple[int, int, int]]] = []
        source = self.source
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                if source is None or source.text is not text:
                    source = SourceFile(text, self.path)
                start = source.offset(change.range.start.line, change.range.start.character, encoding)
                end = max(start, source.offset(change.range.end.line, change.range.end.character, encoding))
                text = text[:start] + change.text + text[end:]
                source = None
                if hints is not None:
                    hints.append((start, end, len(change.text)))
            else:
                text = change.text
                source = None
                hints = None
        with self.lock:
            self.version = version
            self.text = text
            if self.changes is not None and hints is not None:
                self.changes.extend(hints)
            else:
                self.changes = None
        self._source = source if source is not None and source.text is text else None


class TextSyncProtocol(LanguageServerProtocol):
    """pygls's protocol, except that pygls's own copy of a document is not kept up to date.

    The server keeps each document's text itself (`Document`, changes applied through
    `SourceFile` in the negotiated encoding): pygls's copy would cost another O(file) line
    split and rewrite per keystroke, and it splits lines on form feeds and other characters
    LSP does not count as line breaks.
    """

    _early: Optional[tuple] = None  # (id, result) of an initialize answered before loading

    def drop_response(self, msg_id, sent: dict) -> None:
        """The client already has the answer to request ``msg_id`` (server/early.py): pygls's
        own response is dropped, after a check that it says the same."""
        self._early = (msg_id, sent)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        """pygls 2.1 files the future of an async, threaded or generator notification handler
        (its built-in didOpen/didChange/didClose are generators) under a fresh id that nothing
        ever removes: a future, a condition and its locks per keystroke, kept for the life of
        the server. A notification gets no answer and cannot be cancelled, so its entry goes
        once the handler is done."""
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        if callback == self._check_handler_result:  # a notification's callback
            future = self._request_futures.get(msg_id)
            if future is not None:
                future.add_done_callback(functools.partial(self._forget_notification, msg_id))

    def _forget_notification(self, msg_id, done) -> None:
        # pygls cancels the pending futures at shutdown while iterating over them: those stay.
        if not done.cancelled():
            self._request_futures.pop(msg_id, None)

    def _send_response(self, msg_id, result=None, error=None):
        early = self._early
        if early is None or msg_id != early[0]:
            return super()._send_response(msg_id, result, error)
        self._early = None
        self._result_types.pop(msg_id, None)
        if error is not None:
            logger.warning("initialize was answered early, but pygls refused it: %s", error)
            return None
        computed = json.loads(json.dumps(result, default=self._serialize_message))
        if computed != early[1]:
            logger.warning("the early initialize answer differs from pygls's: sent %s, pygls computed %s",
                           json.dumps(early[1], sort_keys=True), json.dumps(computed, sort_keys=True))
        return None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (user_handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield user_handler, (params,), None
