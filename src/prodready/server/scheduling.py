"""Scheduling: debounce, the analysis thread, delivery, and dropping stale results.

A change (re)starts a debounce timer (``debounce`` setting, ms; default 150; 0 analyses at
once); when it fires, a job goes to the server's own single analysis thread (never pygls's
pool, which reads stdin). A job analyses the *latest* text of its document with its
`DocumentAnalyzer`, converts the findings to diagnostics and hands them back to the event
loop, which publishes them only if no newer change arrived meanwhile: results for an
outdated version (or an older configuration generation) are dropped.

Diagnostics are pushed (``textDocument/publishDiagnostics`` with the version) unless the
client supports pull diagnostics; then ``textDocument/diagnostic`` waits for the current
version's analysis (`SchedulingMixin.current`).

A rule that raises is skipped for that file by the engine; the server logs it once per (rule,
document version). Any other failure while analysing is logged and the document is analysed
from scratch next time; requests waiting for it are released.

`SchedulingMixin` is one part of `ProdreadServer`; it uses the server's documents, rules,
executors, settings (`SettingsMixin.config_for`) and messages.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Optional

from lsprotocol import types

from prodready.core.engine import MAX_FILE_BYTES, analyze_source, nul_byte_problem
from prodready.core.incremental import (
    DocumentAnalysis,
    DocumentAnalyzer,
    compose_changes,
)
from prodready.core.source import SourceFile
from prodready.server import acceptance, convert, memory
from prodready.server.documents import Document, uri_to_path

logger = logging.getLogger("prodready.server")

DEFAULT_DEBOUNCE_MS = 150
WAIT_TIMEOUT = 60.0


# Past this many findings in one file the server publishes the first ones by position and one
# information diagnostic that says so (README, "Use it in your editor"); the CLI reports them all.
MAX_PUBLISHED_PER_FILE = 1000


class SchedulingMixin:
    """When and where documents are analysed, and how the results reach the client."""

    def init_scheduling(self) -> None:
        # Set while no analysis is queued or running: background work (the workspace index)
        # waits for it, so it never holds the interpreter while the user waits for diagnostics.
        self.analysis_idle = threading.Event()
        self.analysis_idle.set()
        self._analysis_lock = threading.Lock()
        self._analysis_queued = 0
        self.first_delivery = threading.Event()  # the first document's diagnostics went out

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
        with self._analysis_lock:
            self._analysis_queued += 1
            self.analysis_idle.clear()
        try:
            self.executor.submit(self._job, doc)
        except RuntimeError:  # shut down: nothing will run it
            self._job_done()

    def _job_done(self) -> None:
        with self._analysis_lock:
            self._analysis_queued -= 1
            if not self._analysis_queued:
                self.analysis_idle.set()

    def _job(self, doc: Document) -> None:
        """Analysis thread: analyse the document's latest text and hand the result to the loop."""
        try:
            self._run_job(doc)
        finally:
            self._job_done()

    def _run_job(self, doc: Document) -> None:
        try:
            generation = self.generation
            with doc.lock:
                version, text, changes = doc.version, doc.text, doc.changes
                if doc.done == (version, generation):
                    return
                doc.changes = []
            analysis, diagnostics = self._analyse(doc, text, changes, version)
            memory.freeze_heap()
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
        analysis = acceptance.shown(analysis, config, doc.path, lambda m: self.call_soon(self.warn_user, m))
        if not self.enabled:
            return analysis, []
        return analysis, self.diagnostics_for(doc.uri, version, analysis)

    def diagnostics_for(self, uri: str, version: Optional[int], analysis: DocumentAnalysis) -> list[types.Diagnostic]:
        source = analysis.source
        out = []
        findings = analysis.findings
        if len(findings) > MAX_PUBLISHED_PER_FILE:
            # Converting, sending and drawing tens of thousands of diagnostics is what made the
            # editor wait seconds per edit on huge files; nobody reads past the first screenfuls.
            findings = sorted(findings, key=lambda f: (f.start, f.end))[:MAX_PUBLISHED_PER_FILE]
            out.append(convert.capped_diagnostic(len(analysis.findings), MAX_PUBLISHED_PER_FILE, version))
        for finding in findings:
            out.append(convert.to_diagnostic(source, finding, self.encoding, uri, version,
                                             self.rules_by_code.get(finding.code), self.tag_support))
        for problem in analysis.problems:
            out.append(convert.problem_diagnostic(source, problem, self.encoding))
        out.extend(self.project_diagnostics_for_path(uri_to_path(uri)))  # PR6xx (project_index.py)
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
        self.first_delivery.set()
        memory.schedule_release(memory.IDLE_COLLECT_S)
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

def _file_problem(text: str) -> Optional[tuple[str, str]]:
    if len(text) * 4 > MAX_FILE_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_FILE_BYTES:
            return f"file is too large to analyse ({size // 1024} KiB > {MAX_FILE_BYTES // 1024} KiB)", "too-large"
    if "\x00" in text:
        return nul_byte_problem(text), "decode-error"
    return None

