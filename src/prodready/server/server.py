"""The prodready language server: one `ProdreadServer` assembled from parts with one job each.

- `documents`: open documents and text synchronisation (incremental ``didChange``).
- `scheduling`: debounce, the analysis thread, delivery, stale results dropped.
- `settings`: editor settings merged over each folder's ``[tool.prodready]``.
- `fixes`: the edits behind code actions, on their own thread.
- `catalogue`: loading the rules (a broken rule module does not stop the server).
- `features` and `code_actions`: the thin LSP feature handlers.
- `convert`: core findings and edits to and from LSP types.

The server never imports or executes the code it analyses. Requests always answer; a rule
that raises is skipped for that file and logged.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Optional

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder, get_capability
from pygls.lsp.server import LanguageServer

import prodready
from prodready.core.config import Config
from prodready.core.source import UTF16
from prodready.server import code_actions, convert, features, project_index
from prodready.server.catalogue import load_rules
from prodready.server.documents import Document, TextSyncProtocol
from prodready.server.fixes import FixEditsMixin
from prodready.server.project_index import ProjectIndexMixin
from prodready.server.scheduling import DEFAULT_DEBOUNCE_MS, SchedulingMixin
from prodready.server.settings import SettingsMixin

logger = logging.getLogger("prodready.server")


class ProdreadServer(SettingsMixin, SchedulingMixin, FixEditsMixin, ProjectIndexMixin, LanguageServer):
    def __init__(self, debounce_ms: Optional[int] = None) -> None:
        super().__init__("prodready", prodready.__version__, protocol_cls=TextSyncProtocol)
        self.documents: dict[str, Document] = {}
        self.cli_debounce = debounce_ms
        self.debounce_ms = DEFAULT_DEBOUNCE_MS if debounce_ms is None else debounce_ms
        self.encoding = UTF16
        self.enabled = True
        self.settings: dict[str, Any] = {}
        self.generation = 0  # bumped on every configuration change
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prodready-analysis")
        # Fixes parse the file (and fix-all re-analyses it): their own thread, so a slow fix
        # never delays diagnostics.
        self.fix_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prodready-fixes")
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.rules, problems = load_rules()
        self.rules_by_code = {rule.code: rule for rule in self.rules}
        self._startup_problems = problems
        self._config_lock = threading.Lock()
        self._folder_configs: dict[str, tuple] = {}  # folder -> (stamp, pyproject config or None)
        self._last_good: dict[str, Config] = {}  # folder -> last good effective config
        self._settings_config: Optional[tuple] = None
        self._reported: set[str] = set()
        self.pull = False
        self.refresh_support = False
        self.resolve_edit = False
        self.document_changes = False
        self.markdown = True
        self.tag_support: frozenset = frozenset()
        self.config_support = False
        self.watch_dynamic = False
        self.init_scheduling()
        self.init_project_index()

    # -- messages ---------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        logger.log(logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - the client went away
            pass

    def report_server_error(self, error: Exception, source) -> None:
        """pygls would show "Error in server" pop-ups for protocol noise: log it instead."""
        logger.error("%s: %s", getattr(source, "__name__", source), error)

    def warn_user(self, message: str) -> None:
        """Show a warning once per distinct message (and log it once: a bad setting is
        met on every analysis of every document, and would otherwise flood the log)."""
        if message in self._reported:
            logger.debug("%s (again)", message)
            return
        self._reported.add(message)
        self.log(message, types.MessageType.Warning)
        try:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        except Exception:  # noqa: BLE001
            pass

    def forget_warnings(self) -> None:
        """The configuration changed: warnings about it may be shown (once) again."""
        self._reported.clear()

    def call_soon(self, fn, *args) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    # -- capabilities -----------------------------------------------------------------------
    def read_client_capabilities(self, caps: types.ClientCapabilities) -> None:
        self.encoding = convert.ENCODINGS.get(ServerCapabilitiesBuilder.choose_position_encoding(caps), UTF16)
        self.pull = get_capability(caps, "text_document.diagnostic", None) is not None
        self.refresh_support = bool(get_capability(caps, "workspace.diagnostics.refresh_support", False))
        properties = get_capability(caps, "text_document.code_action.resolve_support.properties", []) or []
        self.resolve_edit = "edit" in properties
        self.document_changes = bool(get_capability(caps, "workspace.workspace_edit.document_changes", False))
        formats = get_capability(caps, "text_document.hover.content_format", None)
        self.markdown = formats is None or types.MarkupKind.Markdown in formats
        tags = get_capability(caps, "text_document.publish_diagnostics.tag_support.value_set", []) or []
        self.tag_support = frozenset(int(t) for t in tags)
        self.config_support = bool(get_capability(caps, "workspace.configuration", False))
        self.watch_dynamic = bool(get_capability(caps, "workspace.did_change_watched_files.dynamic_registration", False))
        self.read_index_capabilities(caps)


def create_server(debounce_ms: Optional[int] = None) -> ProdreadServer:
    server = ProdreadServer(debounce_ms)
    features.register(server)
    code_actions.register(server)
    project_index.register(server)
    return server
