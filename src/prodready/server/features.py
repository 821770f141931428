"""The feature handlers for the document lifecycle: initialisation, text sync, pull
diagnostics, hover and configuration changes. They stay thin: the work is in
`documents`, `scheduling` and `settings`.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Optional

from lsprotocol import types

from prodready.core.docs import hover_markdown
from prodready.server import convert, memory
from prodready.server.documents import Document, uri_to_path
from prodready.server.project_index import WATCH_GLOBS
from prodready.server.settings import CONFIG_FILES

if TYPE_CHECKING:
    from prodready.server.server import ProdreadServer


def register(server: "ProdreadServer") -> None:
    """Attach the lifecycle, sync, diagnostic, hover and configuration handlers to ``server``."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: ProdreadServer, params: types.InitializeParams) -> None:
        ls.loop = asyncio.get_running_loop()
        ls.read_client_capabilities(params.capabilities)
        if params.initialization_options is not None:
            ls.apply_settings(params.initialization_options, "initializationOptions")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ProdreadServer, params: types.InitializedParams) -> None:
        memory.prepare((ls.executor, ls.fix_executor, ls.index_executor))
        for problem in ls._startup_problems:
            ls.log(f"prodready: {problem}", types.MessageType.Error)
        if ls.watch_dynamic:
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(
                        id="prodready-config-watcher",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=[
                            types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_FILES
                        ] + [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS]),
                    )
                ]))
            except Exception as exc:  # noqa: BLE001
                ls.log(f"prodready: could not register a file watcher: {exc}", types.MessageType.Warning)
        if ls.config_support:
            before = dict(ls.settings), ls.debounce_ms, ls.enabled
            await ls.fetch_settings()
            if (dict(ls.settings), ls.debounce_ms, ls.enabled) != before:
                ls.reconfigure()
        await ls.start_indexing()  # the workspace index (project_index.py), in the background

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ProdreadServer, params: None) -> None:
        for doc in ls.documents.values():
            if doc.timer is not None:
                doc.timer.cancel()
        ls.executor.shutdown(wait=False, cancel_futures=True)
        ls.fix_executor.shutdown(wait=False, cancel_futures=True)
        ls.index_executor.shutdown(wait=False, cancel_futures=True)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ProdreadServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = Document(item.uri, item.version, item.text)
        old = ls.documents.get(item.uri)
        if old is not None and old.timer is not None:
            old.timer.cancel()
        ls.documents[item.uri] = doc
        ls.schedule(doc, immediate=True)
        ls.project_document_changed(doc)  # after typing pauses: usually the text on disk, indexed already

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ProdreadServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        doc.apply_changes(params.text_document.version, list(params.content_changes), ls.encoding)
        ls.schedule(doc)
        ls.project_document_changed(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ProdreadServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = ls.documents.pop(params.text_document.uri, None)
        if doc is None:
            return
        if doc.timer is not None:
            doc.timer.cancel()
        for fut in doc.waiters:
            if not fut.done():
                fut.set_result(None)
        if not ls.pull:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))
        ls.project_document_changed(doc, closed=True)
        memory.schedule_release()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ProdreadServer, params: types.DidSaveTextDocumentParams) -> None:
        name = os.path.basename(uri_to_path(params.text_document.uri))
        if name in CONFIG_FILES:
            ls.forget_configs()
            ls.reconfigure()

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="prodready", inter_file_dependencies=True,
                                            workspace_diagnostics=True))
    async def diagnostic(ls: ProdreadServer, params: types.DocumentDiagnosticParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[], result_id="closed")
        await ls.current(doc)
        rid = doc.result_id or "none"
        if params.previous_result_id is not None and params.previous_result_id == rid:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        return types.RelatedFullDocumentDiagnosticReport(items=list(doc.diagnostics), result_id=rid)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ProdreadServer, params: types.HoverParams) -> Optional[types.Hover]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        await ls.current(doc)
        if not ls.is_current(doc):
            return None
        source = doc.source
        offset = source.offset(params.position.line, params.position.character, ls.encoding)
        hits = [f for f in doc.findings if f.start <= offset <= f.end]
        if not hits:
            return None
        parts = []
        seen = set()
        for finding in hits:
            rule = ls.rules_by_code.get(finding.code)
            if rule is None or rule.code in seen:
                continue
            seen.add(rule.code)
            parts.append(hover_markdown(rule, finding.message))
        if not parts:
            return None
        first = hits[0]
        value = "\n\n---\n\n".join(parts)
        kind = types.MarkupKind.Markdown if ls.markdown else types.MarkupKind.PlainText
        return types.Hover(contents=types.MarkupContent(kind=kind, value=value),
                           range=convert.lsp_range(source, first.start, first.end, ls.encoding))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: ProdreadServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        ls.forget_warnings()  # a new configuration: a problem still in it is shown again, once
        if isinstance(settings, dict) and isinstance(settings.get("prodready"), dict):
            ls.apply_settings(settings["prodready"], "didChangeConfiguration prodready")
        await ls.fetch_settings()
        ls.forget_configs()
        ls.reconfigure()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: ProdreadServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(uri_to_path(change.uri)) in CONFIG_FILES for change in params.changes):
            ls.forget_warnings()
            ls.forget_configs()
            ls.reconfigure()
        ls.project_files_changed(params.changes)

    return server
