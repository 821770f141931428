"""The prodready language server: features, scheduling, configuration.

Scheduling
    Documents are kept here (text + version), updated from incremental ``didChange`` events
    in the negotiated position encoding (the change ranges also tell the incremental
    analyzer which blocks are dirty). A change (re)starts a debounce timer (``debounce``
    setting, ms; default 150; 0 analyses at once); when it fires, a job goes to the
    server's own single analysis thread (never pygls's pool, which reads stdin). A job
    analyses the *latest* text of its document with its `DocumentAnalyzer`, converts the
    findings to diagnostics and hands them back to the event loop, which publishes them only
    if no newer change arrived meanwhile: results for an outdated version are dropped.

Diagnostics
    Pushed (``textDocument/publishDiagnostics`` with the version) unless the client supports
    pull diagnostics; then ``textDocument/diagnostic`` answers (waiting for the current
    version's analysis) with a content-hash ``resultId`` and ``unchanged`` reports, and after
    a configuration change ``workspace/diagnostic/refresh`` is sent if the client supports it.

Configuration
    ``[tool.prodready]`` of the nearest pyproject.toml (or prodready.toml) of each document's
    folder, cached per folder, with the editor settings (``initializationOptions`` and
    ``workspace/configuration`` section ``prodready``: debounce, enable, select, ignore,
    extend-select, severity, and any ``[tool.prodready]`` key) merged over it. A bad value is
    reported with ``window/showMessage`` and the last good configuration stays in use.

Robustness
    A rule that raises is skipped for that file by the engine; the server logs it once per
    (rule, document version) with ``window/logMessage``. Any other failure while analysing
    is logged and the document is analysed from scratch next time; requests always answer.

Testing hook
    ``PRODREADY_TEST_FAULTY_RULE=1`` in the server's environment adds a test-only rule,
    ``PR999 test-faulty-rule``, that raises on any call to ``prodready_test_boom()``. It is
    not part of the rule catalogue otherwise.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple, Optional
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder, get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

import prodready
from prodready.core.config import Config, ConfigError
from prodready.core.crossmodule import ProjectResolver, find_root
from prodready.core.docs import render_markdown
from prodready.core.engine import MAX_FILE_BYTES, analyze_source, nul_byte_problem
from prodready.core.findings import Applicability, Edit, Finding
from prodready.core.incremental import DocumentAnalysis, DocumentAnalyzer, compose_changes
from prodready.core.rule import Rule
from prodready.core.source import UTF16, SourceFile
from prodready.core.suppress import ignore_comment_edit
from prodready.quickfixes.apply import fix_text
from prodready.quickfixes.endings import resolve_finding_fix
from prodready.server import convert

logger = logging.getLogger("prodready.server")

DEFAULT_DEBOUNCE_MS = 150
FIX_ALL_KIND = "source.fixAll.prodready"
CONFIG_FILES = ("pyproject.toml", "prodready.toml", ".prodready.toml")
# Editor settings that are not [tool.prodready] keys (the server or the extension uses them).
EDITOR_KEYS = {"enable", "debounce", "trace", "path", "interpreter", "importStrategy", "import-strategy",
               "args", "logLevel", "log-level", "showNotifications"}
WAIT_TIMEOUT = 60.0


# -- rules ---------------------------------------------------------------------------------------
class _FaultyTestRule(Rule):
    """Test-only (PRODREADY_TEST_FAULTY_RULE=1): raises on ``prodready_test_boom()``."""

    code = "PR999"
    name = "test-faulty-rule"
    summary = "test-only rule that raises"
    docs = "Raises on purpose so tests can check that a broken rule does not break the server."

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "prodready_test_boom":
            raise RuntimeError("boom (test-faulty-rule)")


def load_rules() -> tuple[tuple[type[Rule], ...], list[str]]:
    """The rule catalogue, and problems loading it (a broken rule module must not stop the server)."""
    problems: list[str] = []
    try:
        from prodready.checks import all_rules

        rules = tuple(all_rules())
    except Exception as exc:  # noqa: BLE001 - fall back to loading module by module
        problems.append(f"loading the rule catalogue failed ({type(exc).__name__}: {exc}); loading modules one by one")
        rules = _load_rules_one_by_one(problems)
    if os.environ.get("PRODREADY_TEST_FAULTY_RULE") == "1":
        rules = rules + (_FaultyTestRule,)
    return rules, problems


def _load_rules_one_by_one(problems: list[str]) -> tuple[type[Rule], ...]:
    import importlib
    import pkgutil

    import prodready.checks as checks

    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(checks.__path__):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"prodready.checks.{info.name}")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"rule module prodready.checks.{info.name} could not be loaded: {type(exc).__name__}: {exc}")
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code \
                    and value.__module__ == module.__name__:
                found.setdefault(value.code, value)
    return tuple(sorted(found.values(), key=lambda r: r.code))


def uri_to_path(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
            path = path[1:]
        return path
    return unquote(parsed.path) or uri


# -- per-document state ----------------------------------------------------------------------------
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


# -- the server ------------------------------------------------------------------------------------
class ProdreadProtocol(LanguageServerProtocol):
    """pygls's protocol, except that pygls's own copy of a document is not kept up to date.

    The server keeps each document's text itself (`Document`, changes applied through
    `SourceFile` in the negotiated encoding): pygls's copy would cost another O(file) line
    split and rewrite per keystroke, and it splits lines on form feeds and other characters
    LSP does not count as line breaks.
    """

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (user_handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield user_handler, (params,), None


class ProdreadServer(LanguageServer):
    def __init__(self, debounce_ms: Optional[int] = None) -> None:
        super().__init__("prodready", prodready.__version__, protocol_cls=ProdreadProtocol)
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

    # -- messages ---------------------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        logger.log(logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - the client went away
            pass

    def warn_user(self, message: str) -> None:
        """Show a warning once per distinct message (and log it)."""
        self.log(message, types.MessageType.Warning)
        if message in self._reported:
            return
        self._reported.add(message)
        try:
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        except Exception:  # noqa: BLE001
            pass

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

    # -- settings and configuration ---------------------------------------------------------------
    def apply_settings(self, settings: Any, where: str) -> bool:
        """Take editor settings (a dict); False (and a warning) when they are invalid."""
        if settings is None:
            return True
        if isinstance(settings, dict) and isinstance(settings.get("prodready"), dict):
            settings = settings["prodready"]
        if not isinstance(settings, dict):
            self.warn_user(f"prodready: {where}: expected an object of settings, got {type(settings).__name__}")
            return False
        debounce = settings.get("debounce", None)
        if debounce is not None:
            if isinstance(debounce, bool) or not isinstance(debounce, (int, float)) or debounce < 0:
                self.warn_user(f"prodready: {where} debounce: expected 0 or more milliseconds, got {debounce!r}")
                return False
        core = self._core_settings(settings)
        try:
            Config.from_mapping(core, where=f"{where}")  # validate now, to report it at once
        except ConfigError as exc:
            self.warn_user(f"prodready: invalid configuration: {exc}")
            return False
        self.settings = settings
        if debounce is not None:
            self.debounce_ms = int(debounce)
        enable = settings.get("enable", True)
        self.enabled = enable is not False
        return True

    @staticmethod
    def _core_settings(settings: dict) -> dict:
        core = {}
        for key, value in settings.items():
            if key in EDITOR_KEYS or value is None:
                continue
            normalized = key.replace("_", "-").lower()
            if normalized in {"select", "ignore", "extend-select", "extendselect"} and value in ([], "", ()):
                continue  # an empty editor list means "not set", not "no rules"
            if normalized == "severity" and value in ({},):
                continue
            core[key] = value
        return core

    def config_for(self, path: str) -> Config:
        """Effective configuration of a document (analysis thread; never raises).

        The pyproject configuration is cached per folder and re-read when a config file on the
        way up changes (a few ``stat`` calls per analysis), so edits to pyproject.toml apply
        even when the client has no file watcher.
        """
        folder = str(Path(path).parent) if os.path.isabs(path) else os.getcwd()
        stamp = _config_stamp(folder)
        with self._config_lock:
            cached = self._folder_configs.get(folder)
            settings = self.settings
        if cached is not None and cached[0] == stamp:
            base = cached[1]
        else:
            try:
                base = Config.discover(Path(folder)) if os.path.isdir(folder) else Config()
            except ConfigError as exc:
                self.call_soon(self.warn_user, f"prodready: invalid configuration, using the last good one: {exc}")
                base = None
            except Exception as exc:  # noqa: BLE001
                self.call_soon(self.warn_user, f"prodready: cannot read the configuration: {type(exc).__name__}: {exc}")
                base = None
            with self._config_lock:
                self._folder_configs[folder] = (stamp, base)
        if base is None:
            return self._last_good.get(folder, Config())
        try:
            config = Config.from_mapping(self._core_settings(settings), base=base, where="editor settings (prodready)")
        except ConfigError as exc:
            self.call_soon(self.warn_user, f"prodready: invalid configuration, using the last good one: {exc}")
            return self._last_good.get(folder, base)
        self._last_good[folder] = config
        return config

    def project_for(self, path: str, config: Config) -> Optional[ProjectResolver]:
        """The cross-module resolver (core/crossmodule.py) of the document's project: one per
        project root, shared by its documents (analysis thread)."""
        if not os.path.isabs(path):
            return None
        root = config.root or str(find_root(path))
        projects = self.__dict__.setdefault("_projects", {})
        project = projects.get(root)
        if project is None:
            project = projects[root] = ProjectResolver(root)
        return project

    def forget_configs(self) -> None:
        with self._config_lock:
            self._folder_configs.clear()

    async def fetch_settings(self) -> None:
        if not self.config_support:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="prodready")]))
        except Exception as exc:  # noqa: BLE001
            self.log(f"workspace/configuration failed: {exc}", types.MessageType.Warning)
            return
        if result:
            self.apply_settings(result[0], "workspace/configuration prodready")

    def reconfigure(self) -> None:
        """Configuration changed: re-check every open document."""
        self.generation += 1
        for doc in list(self.documents.values()):
            self.schedule(doc, immediate=True)
        if self.pull and self.refresh_support:
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception as exc:  # noqa: BLE001
                self.log(f"workspace/diagnostic/refresh failed: {exc}", types.MessageType.Warning)

    # -- scheduling -------------------------------------------------------------------------
    def schedule(self, doc: Document, immediate: bool = False) -> None:
        if doc.timer is not None:
            doc.timer.cancel()
            doc.timer = None
        delay = 0 if immediate else self.debounce_ms / 1000.0
        loop = self.loop or asyncio.get_event_loop()
        if delay <= 0:
            self._submit(doc)
        else:
            doc.timer = loop.call_later(delay, self._submit, doc)

    def _submit(self, doc: Document) -> None:
        doc.timer = None
        if self.documents.get(doc.uri) is not doc:
            return
        self.executor.submit(self._job, doc)

    def _job(self, doc: Document) -> None:
        """Analysis thread: analyse the document's latest text and hand the result to the loop."""
        try:
            generation = self.generation
            with doc.lock:
                version, text, changes = doc.version, doc.text, doc.changes
                if doc.done == (version, generation):
                    return
                doc.changes = []
            analysis, diagnostics = self._analyse(doc, text, changes, version)
            doc.done = (version, generation)
            self.call_soon(self._deliver, doc, version, generation, analysis, diagnostics)
        except Exception as exc:  # noqa: BLE001 - never let the analysis thread die
            logger.exception("analysis of %s failed", doc.uri)
            doc.analyzer = None
            self.call_soon(self.log, f"prodready: analysing {doc.uri} failed: {type(exc).__name__}: {exc}",
                           types.MessageType.Error)
            self.call_soon(self._release, doc)

    @staticmethod
    def _release(doc: Document) -> None:
        """Wake requests waiting for an analysis that failed (they answer with what there is)."""
        waiters, doc.waiters = doc.waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def _analyse(self, doc: Document, text: str, changes, version):
        problem = _file_problem(text)
        if problem is not None:
            doc.analyzer = None
            return None, [convert.file_problem_diagnostic(*problem)]
        config = self.config_for(doc.path)
        analyzer = doc.analyzer
        if analyzer is None:
            analyzer = doc.analyzer = DocumentAnalyzer(doc.path, config, self.rules)
            changes = None
        elif analyzer.config != config or analyzer.rules != self.rules:
            analyzer.configure(config, self.rules)
        analyzer.project = self.project_for(doc.path, config)
        hint = compose_changes(changes) if changes else None
        try:
            analysis = analyzer.update(text, hint)
        except Exception as exc:  # noqa: BLE001 - a bug in the incremental path: analyse in full
            logger.exception("incremental analysis failed; analysing the whole file")
            self.call_soon(self.log, f"prodready: incremental analysis failed ({type(exc).__name__}: {exc}); "
                                     "analysing the whole file", types.MessageType.Warning)
            doc.analyzer = None
            full = analyze_source(SourceFile(text, doc.path), config, self.rules)
            analysis = DocumentAnalysis(full.source or SourceFile(text, doc.path), full.findings, full.errors,
                                        [full.problem] if full.problem else [])
        if not self.enabled:
            return analysis, []
        return analysis, self.diagnostics_for(doc.uri, version, analysis)

    def diagnostics_for(self, uri: str, version: Optional[int], analysis: DocumentAnalysis) -> list[types.Diagnostic]:
        source = analysis.source
        out = []
        for finding in analysis.findings:
            out.append(convert.to_diagnostic(source, finding, self.encoding, uri, version,
                                             self.rules_by_code.get(finding.code), self.tag_support))
        for problem in analysis.problems:
            out.append(convert.problem_diagnostic(source, problem, self.encoding))
        out.sort(key=lambda d: (d.range.start.line, d.range.start.character))
        return out

    def _deliver(self, doc: Document, version, generation: int, analysis, diagnostics) -> None:
        """Event loop: publish a finished analysis unless it is outdated."""
        if self.documents.get(doc.uri) is not doc:
            return
        if version != doc.version or generation != self.generation:
            logger.debug("dropping outdated analysis of %s v%s", doc.uri, version)
            return
        doc.analysis = analysis
        doc.analysis_version = version
        doc.analysis_generation = generation
        doc.findings = list(analysis.findings) if analysis is not None else []
        doc.diagnostics = diagnostics
        doc.result_id = convert.result_id(diagnostics, salt=str(self.generation))
        if analysis is not None:
            for error in analysis.errors:
                key = (error.code, version)
                if key not in doc.logged:
                    doc.logged.add(key)
                    self.log(f"prodready: rule {error.code} ({error.name}) failed on {doc.uri} "
                             f"(version {version}) and was skipped for this file: {error.message}",
                             types.MessageType.Error)
        if not self.pull:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=diagnostics, version=version))
        waiters, doc.waiters = doc.waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def is_current(self, doc: Document) -> bool:
        return doc.analysis_version == doc.version and doc.analysis_generation == self.generation and \
            doc.result_id is not None

    async def current(self, doc: Document) -> bool:
        """Wait until the document's current version is analysed (kicks the analysis at once)."""
        if self.is_current(doc):
            return True
        fut = asyncio.get_running_loop().create_future()
        doc.waiters.append(fut)
        self.schedule(doc, immediate=True)
        try:
            await asyncio.wait_for(asyncio.shield(fut), WAIT_TIMEOUT)
        except asyncio.TimeoutError:
            return False
        return self.is_current(doc) or doc.result_id is not None

    # -- code actions -------------------------------------------------------------------------
    def snapshot(self, doc: Document) -> "Snapshot":
        """What code actions work on: one analysed version's text, findings and configuration."""
        config = doc.analyzer.config if doc.analyzer is not None else Config()
        return Snapshot(doc.uri, doc.path, doc.version, doc.text, doc.source, list(doc.findings), config)

    async def off_loop(self, fn, *args):
        """Run slow work (fixes parse the file) on the analysis thread, not the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.fix_executor, fn, *args)

    def fix_edit(self, snap: "Snapshot", finding: Finding, index: int) -> Optional[types.WorkspaceEdit]:
        if index >= len(finding.fixes):
            return None
        try:
            fix = resolve_finding_fix(finding, index, snap.text, self._analyzer_for(snap), snap.config.target_version)
        except Exception:  # noqa: BLE001 - a broken fix is not offered
            logger.exception("fix of %s failed", finding.code)
            return None
        if fix is None:
            return None
        edits = convert.text_edits(snap.source, fix.edits, self.encoding)
        return convert.workspace_edit(snap.uri, snap.version, edits, self.document_changes)

    def _analyzer_for(self, snap: "Snapshot"):
        """Whole-file analysis with the snapshot's configuration (CR/CRLF fixes re-find findings)."""
        return lambda current: analyze_source(SourceFile(current, snap.path), snap.config, self.rules).findings

    def ignore_edit(self, snap: "Snapshot", finding: Finding) -> Optional[types.WorkspaceEdit]:
        start, end, replacement = ignore_comment_edit(snap.source, finding.code, finding.start)
        if start == end and not replacement:
            return None
        edits = convert.text_edits(snap.source, [Edit(start, end, replacement)], self.encoding)
        return convert.workspace_edit(snap.uri, snap.version, edits, self.document_changes)

    def fix_all_edit(self, snap: "Snapshot") -> Optional[types.WorkspaceEdit]:
        text = snap.text

        def analyze(current: str) -> list[Finding]:
            if current is text:
                return snap.findings
            return analyze_source(SourceFile(current, snap.path), snap.config, self.rules).findings

        try:
            run = fix_text(text, analyze, unsafe=False, target_version=snap.config.target_version)
        except Exception:  # noqa: BLE001
            logger.exception("fix-all failed")
            return None
        if run.text == text:
            return None
        edits = convert.text_edits(snap.source, convert.minimal_edits(text, run.text), self.encoding)
        return convert.workspace_edit(snap.uri, snap.version, edits, self.document_changes)

    def fix_edits(self, snap: "Snapshot", wanted: list[tuple[Finding, int]]) -> list[Optional[types.WorkspaceEdit]]:
        return [self.fix_edit(snap, finding, index) for finding, index in wanted]

    @staticmethod
    def find(snap: "Snapshot", data: dict) -> Optional[Finding]:
        code, start, end = data.get("code"), data.get("start"), data.get("end")
        for finding in snap.findings:
            if finding.code == code and finding.start == start and finding.end == end:
                return finding
        return None


class Snapshot(NamedTuple):
    uri: str
    path: str
    version: Optional[int]
    text: str
    source: SourceFile
    findings: list
    config: Config


def _config_stamp(folder: str) -> tuple:
    """(path, mtime, size) of every config file from ``folder`` up to the root."""
    found = []
    current = Path(folder)
    for candidate in (current, *current.parents):
        for name in CONFIG_FILES:
            target = os.path.join(candidate, name)
            try:
                st = os.stat(target)
            except OSError:
                continue
            found.append((target, st.st_mtime_ns, st.st_size))
    return tuple(found)


def _file_problem(text: str) -> Optional[tuple[str, str]]:
    if len(text) * 4 > MAX_FILE_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_FILE_BYTES:
            return f"file is too large to analyse ({size // 1024} KiB > {MAX_FILE_BYTES // 1024} KiB)", "too-large"
    if "\x00" in text:
        return nul_byte_problem(text), "decode-error"
    return None


def _kind_wanted(kind: str, only: Optional[list]) -> bool:
    if only is None:
        return True
    for requested in only:
        requested = str(requested.value if hasattr(requested, "value") else requested)
        if requested == "" or kind == requested or kind.startswith(requested + "."):
            return True
    return False


def _overlaps(finding: Finding, lo: int, hi: int) -> bool:
    return finding.start <= hi and finding.end >= lo


# -- features ------------------------------------------------------------------------------------
def create_server(debounce_ms: Optional[int] = None) -> ProdreadServer:
    server = ProdreadServer(debounce_ms)

    @server.feature(types.INITIALIZE)
    def initialize(ls: ProdreadServer, params: types.InitializeParams) -> None:
        ls.loop = asyncio.get_running_loop()
        ls.read_client_capabilities(params.capabilities)
        if params.initialization_options is not None:
            ls.apply_settings(params.initialization_options, "initializationOptions")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ProdreadServer, params: types.InitializedParams) -> None:
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
                        ]),
                    )
                ]))
            except Exception as exc:  # noqa: BLE001
                ls.log(f"prodready: could not register a file watcher: {exc}", types.MessageType.Warning)
        if ls.config_support:
            before = dict(ls.settings), ls.debounce_ms, ls.enabled
            await ls.fetch_settings()
            if (dict(ls.settings), ls.debounce_ms, ls.enabled) != before:
                ls.reconfigure()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ProdreadServer, params: None) -> None:
        for doc in ls.documents.values():
            if doc.timer is not None:
                doc.timer.cancel()
        ls.executor.shutdown(wait=False, cancel_futures=True)
        ls.fix_executor.shutdown(wait=False, cancel_futures=True)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ProdreadServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = Document(item.uri, item.version, item.text)
        old = ls.documents.get(item.uri)
        if old is not None and old.timer is not None:
            old.timer.cancel()
        ls.documents[item.uri] = doc
        ls.schedule(doc, immediate=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ProdreadServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        doc.apply_changes(params.text_document.version, list(params.content_changes), ls.encoding)
        ls.schedule(doc)

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

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ProdreadServer, params: types.DidSaveTextDocumentParams) -> None:
        name = os.path.basename(uri_to_path(params.text_document.uri))
        if name in CONFIG_FILES:
            ls.forget_configs()
            ls.reconfigure()

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="prodready", inter_file_dependencies=False,
                                            workspace_diagnostics=False))
    async def diagnostic(ls: ProdreadServer, params: types.DocumentDiagnosticParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[], result_id="closed")
        await ls.current(doc)
        rid = doc.result_id or "none"
        if params.previous_result_id is not None and params.previous_result_id == rid:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        return types.RelatedFullDocumentDiagnosticReport(items=list(doc.diagnostics), result_id=rid)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True))
    async def code_action(ls: ProdreadServer, params: types.CodeActionParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or not ls.enabled:
            return None
        await ls.current(doc)
        if not ls.is_current(doc):
            return None
        snap = ls.snapshot(doc)
        only = params.context.only
        lo, hi = convert.offsets(snap.source, params.range, ls.encoding)
        diag_by_key = {}
        for d in doc.diagnostics:
            if isinstance(d.data, dict):
                diag_by_key[(d.data.get("code"), d.data.get("start"), d.data.get("end"))] = d
        actions: list[types.CodeAction] = []
        unresolved: list[tuple[types.CodeAction, Finding, int]] = []
        if _kind_wanted(types.CodeActionKind.QuickFix.value, only):
            for finding in snap.findings:
                if not _overlaps(finding, lo, hi):
                    continue
                diag = diag_by_key.get((finding.code, finding.start, finding.end))
                diags = [diag] if diag is not None else None
                base = {"uri": snap.uri, "version": snap.version, "code": finding.code,
                        "start": finding.start, "end": finding.end}
                for index, offer in enumerate(finding.fixes):
                    action = types.CodeAction(
                        title=convert.fix_title(offer.title, offer.applicability),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=diags,
                        is_preferred=offer.applicability is Applicability.SAFE or None,
                        data={**base, "action": "fix", "index": index},
                    )
                    actions.append(action)
                    if not ls.resolve_edit:
                        unresolved.append((action, finding, index))
                ignore = ls.ignore_edit(snap, finding)
                if ignore is not None:
                    actions.append(types.CodeAction(
                        title=f"Ignore {finding.code} for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=diags,
                        edit=ignore,
                        data={**base, "action": "ignore"},
                    ))
        requested_fix_all = only is not None and _kind_wanted(FIX_ALL_KIND, only)
        in_range = any(_overlaps(f, lo, hi) and f.safe_fix for f in snap.findings)
        if (requested_fix_all or (only is None and in_range)) and any(f.safe_fix for f in snap.findings):
            action = types.CodeAction(
                title="prodready: apply all safe fixes",
                kind=FIX_ALL_KIND,
                data={"uri": snap.uri, "version": snap.version, "action": "fixAll"},
            )
            if not ls.resolve_edit:
                action.edit = await ls.off_loop(ls.fix_all_edit, snap)
            if ls.resolve_edit or action.edit is not None:
                actions.append(action)
        if unresolved:
            # The client cannot resolve: compute the edits now (only for the range asked about).
            edits = await ls.off_loop(ls.fix_edits, snap, [(f, i) for _a, f, i in unresolved])
            failed = set()
            for (action, _f, _i), edit in zip(unresolved, edits):
                action.edit = edit
                if edit is None:
                    failed.add(id(action))
            actions = [a for a in actions if id(a) not in failed]
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: ProdreadServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.documents.get(data.get("uri", ""))
        if doc is None or action.edit is not None:
            return action
        await ls.current(doc)
        if data.get("version") != doc.version or not ls.is_current(doc):
            return action  # the document changed since: nothing to apply safely
        snap = ls.snapshot(doc)
        kind = data.get("action")
        if kind == "fixAll":
            action.edit = await ls.off_loop(ls.fix_all_edit, snap)
            return action
        finding = ls.find(snap, data)
        if finding is None:
            return action
        if kind == "fix":
            action.edit = await ls.off_loop(ls.fix_edit, snap, finding, int(data.get("index", 0)))
        elif kind == "ignore":
            action.edit = ls.ignore_edit(snap, finding)
        return action

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
            parts.append(f"**{finding.code}** {finding.message}\n\n" + render_markdown(rule))
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
        if isinstance(settings, dict) and isinstance(settings.get("prodready"), dict):
            ls.apply_settings(settings["prodready"], "didChangeConfiguration prodready")
        await ls.fetch_settings()
        ls.forget_configs()
        ls.reconfigure()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: ProdreadServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(os.path.basename(uri_to_path(change.uri)) in CONFIG_FILES for change in params.changes):
            ls.forget_configs()
            ls.reconfigure()

    return server
