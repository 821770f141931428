"""The workspace index: the project model (core/project/) of each workspace root, kept up
to date in the background, and the project rules' (PR6xx) diagnostics.

After ``initialized`` each workspace root is scanned on the server's own index thread
(never pygls's pool), with work-done progress (``$/progress`` begin/report/end) when the
client supports ``window.workDoneProgress``. Open documents feed their unsaved text to the
index; watched-file events re-read files from disk. Each change says which kind of input
changed (a Python module, a requirements file, ``space.yaml``...), and only the project
rules that read that kind are re-run; their findings are compared with what was published
and only files whose diagnostics changed are re-published.

Findings on open documents are merged into those documents' diagnostics (one
``publishDiagnostics`` per URI carries both); files that are not open get their own pushed
diagnostics, and ``workspace/diagnostic`` answers with them for clients that pull.
"""

from __future__ import annotations

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Iterable, Optional

from lsprotocol import types

from prodready.core.project import Project, ProjectFinding, run_project_rules
from prodready.core.project import kinds
from prodready.core.project.rule import PROJECT_EXTENSIONS, ProjectRule, project_rules
from prodready.core.project.scan import read_text, scan
from prodready.core.source import SourceFile
from prodready.server import convert
from prodready.server.documents import uri_to_path

# Files the index reads; the server asks the client to watch them.
WATCH_GLOBS = ("**/*.py", "**/requirements*.txt", "**/requirements/*.txt", "**/pyproject.toml", "**/space.yaml",
               "**/README.md", "**/Dockerfile", "**/Procfile", "**/.gitignore", "**/.env", "**/.env.*",
               "**/package.json", "**/*.js", "**/*.jsx", "**/*.ts", "**/*.tsx", "**/.python-version",
               "**/runtime.txt", "**/migrations/**")
PROGRESS_STEP = 10  # report progress every this many percent
INDEX_IDLE_MS = 1000  # an open document's edits reach the index after this long without typing
INDEX_START_GRACE = 0.5  # seconds indexing waits for the first document's diagnostics
YIELD_SECONDS = 30.0  # the longest the index waits for the analysis thread to go idle (a safety valve)


def path_to_uri(path: str) -> str:
    from pathlib import Path

    return Path(path).as_uri()


class _Root:
    """One workspace root's project, the rules' last results and what was published."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.project = Project(root)
        self.by_rule: dict[str, list[ProjectFinding]] = {}
        self.published: dict[str, tuple] = {}  # relative path -> diagnostics key last published
        self.ready = threading.Event()


class ProjectIndexMixin:
    """Part of `ProdreadServer`: the workspace index and its diagnostics."""

    def init_project_index(self) -> None:
        self.index_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prodready-index")
        self.index_roots: dict[str, _Root] = {}
        self.index_lock = threading.Lock()
        self.progress_support = False
        self.workspace_pull = False
        self.project_files_enabled = True

    # -- setup -----------------------------------------------------------------------------------
    def read_index_capabilities(self, caps: types.ClientCapabilities) -> None:
        from pygls.capabilities import get_capability

        self.progress_support = bool(get_capability(caps, "window.work_done_progress", False))

    def workspace_roots(self) -> list[str]:
        roots = []
        folders = getattr(self.workspace, "folders", None) or {}
        for folder in folders.values():
            roots.append(uri_to_path(folder.uri))
        if not roots and getattr(self.workspace, "root_path", None):
            roots.append(self.workspace.root_path)
        return [os.path.abspath(r) for r in roots if r and os.path.isdir(r)]

    async def start_indexing(self) -> None:
        """Index every workspace root in the background (called after ``initialized``)."""
        for root in self.workspace_roots():
            state = self.index_roots.setdefault(root, _Root(root))
            token: Optional[str] = None
            if self.progress_support:
                token = f"prodready-index-{uuid.uuid4()}"
                try:
                    await self.work_done_progress.create_async(token)  # type: ignore[attr-defined]
                except Exception:  # noqa: BLE001 - the client refused: index without progress
                    token = None
            self.index_executor.submit(self._index_root, state, token)

    # -- the index thread ------------------------------------------------------------------------
    def _progress(self, token: Optional[str], kind: str, message: str = "", percentage: Optional[int] = None) -> None:
        if token is None:
            return

        def send() -> None:
            try:
                if kind == "begin":
                    self.work_done_progress.begin(token, types.WorkDoneProgressBegin(  # type: ignore[attr-defined]
                        title="prodready: indexing the workspace", message=message, percentage=0, cancellable=False))
                elif kind == "report":
                    self.work_done_progress.report(token, types.WorkDoneProgressReport(  # type: ignore[attr-defined]
                        message=message, percentage=percentage))
                else:
                    self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - progress is best effort
                pass
        self.call_soon(send)  # type: ignore[attr-defined]

    def _ignorer(self, root: str):
        from pathlib import Path

        from prodready.cli.walk import Excluder

        config = self.config_for(os.path.join(root, "__init__.py"))  # type: ignore[attr-defined]
        excluder = Excluder(config, config.respect_gitignore, Path(root))
        tree = excluder.tree_for(Path(root))

        def ignored(full: str, is_dir: bool) -> bool:
            path = Path(full)
            return excluder.name_excluded(path) or (tree is not None and tree.ignored(path, is_dir))
        return ignored

    def _index_root(self, state: _Root, token: Optional[str]) -> None:
        # The documents the editor opens with the workspace get their diagnostics first.
        self.first_delivery.wait(INDEX_START_GRACE)  # type: ignore[attr-defined]
        self._yield_to_analysis()
        try:
            self._progress(token, "begin", f"scanning {os.path.basename(state.root) or state.root}")
            with self.index_lock:
                scan(state.root, self._ignorer(state.root), state.project)
                for uri, doc in list(self.documents.items()):  # type: ignore[attr-defined]
                    rel = self._relative(state, doc.path)
                    if rel is not None:
                        state.project.update(rel, doc.text)
            files = list(state.project.files.values())
            last = -PROGRESS_STEP
            for index, file in enumerate(files):
                self._yield_to_analysis()
                with self.index_lock:
                    state.project.facts(file)
                percent = int(100 * (index + 1) / max(1, len(files)))
                if percent - last >= PROGRESS_STEP:
                    last = percent
                    self._progress(token, "report", f"{index + 1}/{len(files)} files", percent)
            self._recheck(state, None)
            self._progress(token, "end", f"indexed {len(files)} files")
        except Exception as exc:  # noqa: BLE001 - indexing must never take the server down
            self._progress(token, "end", "indexing failed")
            self.call_soon(self.log, f"prodready: indexing {state.root} failed: {type(exc).__name__}: {exc}",  # type: ignore[attr-defined]
                           types.MessageType.Error)
        finally:
            state.ready.set()

    def _rules_for(self, changed: Optional[set[str]]) -> list:
        rules = list(project_rules(self.rules))  # type: ignore[attr-defined]
        rules += [PROJECT_EXTENSIONS[r.code] for r in self.rules if r.code in PROJECT_EXTENSIONS]  # type: ignore[attr-defined]
        if changed is None:
            return rules
        return [r for r in rules if not r.inputs or r.inputs & changed]

    def _yield_to_analysis(self) -> None:
        """Index thread: let queued document analyses run first (they are what the user is
        waiting for); a steady stream of them delays the index by at most YIELD_SECONDS."""
        self.analysis_idle.wait(YIELD_SECONDS)  # type: ignore[attr-defined]

    def _recheck(self, state: _Root, changed: Optional[set[str]]) -> None:
        """Re-run the project rules that read ``changed`` kinds (None: all) and publish."""
        self._yield_to_analysis()
        config = self.config_for(os.path.join(state.root, "__init__.py"))  # type: ignore[attr-defined]
        selected = self._rules_for(changed)
        if not selected:
            return
        with self.index_lock:
            for rule in selected:
                state.by_rule[rule.code] = []
            result = run_project_rules(state.project, config, self._rule_universe(selected))
            for finding in result.findings:
                state.by_rule.setdefault(finding.finding.code, []).append(finding)
            snapshot = {p: (f.text, f.source) for p, f in state.project.files.items()}
        for error in result.errors:
            self.call_soon(self.log, f"prodready: project rule {error.code} ({error.name}) failed: {error.message}",  # type: ignore[attr-defined]
                           types.MessageType.Error)
        self.call_soon(self._publish_project, state, snapshot)

    def _rule_universe(self, selected: list) -> list:
        """What to pass `run_project_rules` so it runs exactly ``selected`` (extensions via their
        per-file rule)."""
        out = []
        for rule in selected:
            if issubclass(rule, ProjectRule) and rule.code in PROJECT_EXTENSIONS and PROJECT_EXTENSIONS[rule.code] is rule:
                out.append(self.rules_by_code[rule.code])  # type: ignore[attr-defined]
            else:
                out.append(rule)
        return out

    # -- publishing (event loop) -----------------------------------------------------------------
    def project_findings(self, state: _Root) -> dict[str, list[ProjectFinding]]:
        by_path: dict[str, list[ProjectFinding]] = {}
        for findings in state.by_rule.values():
            for finding in findings:
                by_path.setdefault(finding.path, []).append(finding)
        return by_path

    def project_diagnostics_for_path(self, path: str, source: Optional[SourceFile] = None) -> list[types.Diagnostic]:
        """Project diagnostics of the file at ``path`` (absolute), positioned in ``source``."""
        for state in self.index_roots.values():
            rel = self._relative(state, path)
            if rel is None:
                continue
            findings = self.project_findings(state).get(rel, [])
            if not findings:
                return []
            if source is None:
                file = state.project.files.get(rel)
                source = file.source if file is not None else SourceFile("", rel)
            uri = path_to_uri(path)
            return [self._diagnostic(source, f, uri, state) for f in findings]
        return []

    def _diagnostic(self, source: SourceFile, pf: ProjectFinding, uri: str, state: _Root) -> types.Diagnostic:
        diagnostic = convert.to_diagnostic(source, pf.finding, self.encoding, uri, None,  # type: ignore[attr-defined]
                                           self.rules_by_code.get(pf.finding.code), self.tag_support)  # type: ignore[attr-defined]
        related = []
        for location in pf.related[:20]:
            file = state.project.files.get(location.path)
            if file is None:
                continue
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=path_to_uri(os.path.join(state.root, location.path)),
                                        range=convert.lsp_range(file.source, location.start, location.end,
                                                                self.encoding)),  # type: ignore[attr-defined]
                message=location.message))
        if related:
            diagnostic.related_information = related
        diagnostic.data = {**(diagnostic.data or {}), "project": True}
        return diagnostic

    def _publish_project(self, state: _Root, snapshot: dict) -> None:
        by_path = self.project_findings(state)
        open_paths = {doc.path: doc for doc in self.documents.values()}  # type: ignore[attr-defined]
        for rel in set(by_path) | set(state.published):
            findings = by_path.get(rel, [])
            key = tuple((f.finding.code, f.finding.start, f.finding.end, f.finding.message) for f in findings)
            if state.published.get(rel) == key:
                continue
            state.published[rel] = key
            absolute = os.path.join(state.root, rel)
            doc = open_paths.get(absolute)
            if doc is not None:
                doc.done = None  # its diagnostics include these: re-deliver them
                self.schedule(doc, immediate=True)  # type: ignore[attr-defined]
                continue
            text, source = snapshot.get(rel, ("", SourceFile("", rel)))
            uri = path_to_uri(absolute)
            diagnostics = [self._diagnostic(source, f, uri, state) for f in findings]
            self.text_document_publish_diagnostics(  # type: ignore[attr-defined]
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    # -- changes ---------------------------------------------------------------------------------
    def _relative(self, state: _Root, path: str) -> Optional[str]:
        try:
            rel = os.path.relpath(os.path.abspath(path), state.root)
        except ValueError:
            return None
        if rel.startswith(".."):
            return None
        return rel.replace(os.sep, "/")

    def project_document_changed(self, doc, *, closed: bool = False, immediate: bool = False) -> None:
        """An open document changed (or closed: its file on disk counts again): update the
        index after the debounce delay, with the document's latest text."""
        timers = self.__dict__.setdefault("_index_timers", {})
        timer = timers.pop(doc.path, None)
        if timer is not None:
            timer.cancel()

        def submit() -> None:
            timers.pop(doc.path, None)
            text = None if closed else doc.text
            self.index_executor.submit(self._apply_changes, [(doc.path, text, False)])

        loop = self.loop  # type: ignore[attr-defined]
        # The project rules read the whole workspace: they wait until typing pauses, not
        # the per-keystroke debounce (a re-read of a large module per keystroke held the
        # interpreter while the user waited for the document's own diagnostics).
        idle = max(self.debounce_ms, INDEX_IDLE_MS) / 1000.0  # type: ignore[attr-defined]
        delay = 0 if immediate or closed else idle
        if loop is None or delay <= 0:
            submit()
        else:
            timers[doc.path] = loop.call_later(delay, submit)

    def project_files_changed(self, changes: Iterable[types.FileEvent]) -> None:
        events = []
        open_paths = {doc.path for doc in self.documents.values()}  # type: ignore[attr-defined]
        for change in changes:
            path = uri_to_path(change.uri)
            if path in open_paths and change.type != types.FileChangeType.Deleted:
                continue  # the editor's text wins over the file on disk
            events.append((path, None, change.type == types.FileChangeType.Deleted))
        if events:
            self.index_executor.submit(self._apply_changes, events)

    def _apply_changes(self, events: list) -> None:
        self._yield_to_analysis()
        try:
            for state in self.index_roots.values():
                changed: set[str] = set()
                with self.index_lock:
                    for path, text, deleted in events:
                        rel = self._relative(state, path)
                        if rel is None:
                            continue
                        if os.path.isdir(path):
                            state.project.add_folder(rel)
                            changed.add(kinds.PYTHON)
                            continue
                        kind = kinds.file_kind(rel)
                        if kind is None:
                            if deleted and any(p.startswith(rel + "/") for p in state.project.files):
                                for sub in [p for p in state.project.files if p.startswith(rel + "/")]:
                                    changed.add(state.project.remove(sub) or kinds.PYTHON)
                            continue
                        if deleted:
                            done = state.project.remove(rel)
                        else:
                            if text is None:
                                text = read_text(path, kind)
                            done = state.project.update(rel, text) if text is not None else state.project.remove(rel)
                        if done:
                            changed.add(done)
                if changed:
                    self._recheck(state, changed)
        except Exception as exc:  # noqa: BLE001
            self.call_soon(self.log, f"prodready: updating the workspace index failed: {type(exc).__name__}: {exc}",  # type: ignore[attr-defined]
                           types.MessageType.Error)

    # -- workspace/diagnostic --------------------------------------------------------------------
    def workspace_report(self, previous: dict[str, str]) -> types.WorkspaceDiagnosticReport:
        items: list = []
        open_paths = {doc.path for doc in self.documents.values()}  # type: ignore[attr-defined]
        for state in self.index_roots.values():
            state.ready.wait(timeout=0)
            for rel, findings in self.project_findings(state).items():
                absolute = os.path.join(state.root, rel)
                if absolute in open_paths:
                    continue  # open documents answer textDocument/diagnostic
                uri = path_to_uri(absolute)
                file = state.project.files.get(rel)
                source = file.source if file is not None else SourceFile("", rel)
                diagnostics = [self._diagnostic(source, f, uri, state) for f in findings]
                rid = convert.result_id(diagnostics, salt="project")
                if previous.get(uri) == rid:
                    items.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=None, result_id=rid))
                else:
                    items.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=diagnostics,
                                                                             result_id=rid))
        return types.WorkspaceDiagnosticReport(items=items)


def register(server) -> None:
    """The ``workspace/diagnostic`` handler (other hooks are called from features.py)."""

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    def workspace_diagnostic(ls, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        return ls.workspace_report(previous)
