"""The edits behind code actions: one fix, "ignore for this line", and fix-all.

They work on a `Snapshot` (one analysed version's text, findings and configuration), so an
edit is never computed against text the findings do not describe. Fixes parse the file, so
they run on the server's fix thread (`FixEditsMixin.off_loop`), never on the event loop.

`FixEditsMixin` is one part of `ProdreadServer`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import NamedTuple, Optional

from lsprotocol import types

from prodready.core.config import Config
from prodready.core.engine import analyze_source
from prodready.core.findings import Edit, Finding
from prodready.core.source import SourceFile
from prodready.core.suppress import ignore_comment_edit
from prodready.quickfixes.apply import fix_text
from prodready.quickfixes.endings import resolve_finding_fix
from prodready.quickfixes.imports import prime
from prodready.server import convert
from prodready.server.documents import Document

logger = logging.getLogger("prodready.server")


class FixEditsMixin:
    """Building workspace edits for the code-action handlers."""

    def snapshot(self, doc: Document) -> "Snapshot":
        """What code actions work on: one analysed version's text, findings and configuration."""
        config = doc.analyzer.config if doc.analyzer is not None else Config()
        source = doc.source
        analysed = doc.analysis.source if doc.analysis is not None else None
        if analysed is not None and analysed.text == doc.text:
            source = analysed  # knows the statement ends per block: no whole-file tokenizing
        hint = doc.analyzer.imports_hint(doc.text) if doc.analyzer is not None else None
        return Snapshot(doc.uri, doc.path, doc.version, doc.text, source, list(doc.findings), config, hint)

    @staticmethod
    def _prime(snap: "Snapshot") -> None:
        """Fixes that add an import read the file's bindings from the analysis, not from a
        parse of the whole file (quickfixes/imports.py, `prime`)."""
        if snap.imports_hint is not None:
            bindings, leading = snap.imports_hint
            prime(snap.text, snap.source, bindings, leading)

    async def off_loop(self, fn, *args):
        """Run slow work (fixes parse the file) on the analysis thread, not the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.fix_executor, fn, *args)

    def fix_edit(self, snap: "Snapshot", finding: Finding, index: int) -> Optional[types.WorkspaceEdit]:
        if index >= len(finding.fixes):
            return None
        self._prime(snap)
        try:
            fix = resolve_finding_fix(finding, index, snap.text, self._whole_file_analysis(snap),
                                      snap.config.target_version)
        except Exception:  # noqa: BLE001 - a broken fix is not offered
            logger.exception("fix of %s failed", finding.code)
            return None
        if fix is None:
            return None
        edits = convert.text_edits(snap.source, fix.edits, self.encoding)
        return convert.workspace_edit(snap.uri, snap.version, edits, self.document_changes)

    def _whole_file_analysis(self, snap: "Snapshot"):
        """Analysis with the snapshot's configuration (fixes of CR/CRLF files re-find their finding)."""
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

        self._prime(snap)
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
    # (module bindings, leading blocks) from the analysis, for fixes that add an import
    # (`DocumentAnalyzer.imports_hint`); None: they parse the text.
    imports_hint: Optional[tuple] = None

