"""Core <-> LSP conversion: findings to diagnostics, edits to TextEdits, in the negotiated encoding.

Core positions are character offsets; LSP positions are (line, code units) in UTF-16 unless
the client negotiated UTF-8 or UTF-32. Every conversion goes through `SourceFile`.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Optional, Sequence

from lsprotocol import types

from prodready.core import linediff
from prodready.core.docs import rule_url
from prodready.core.findings import Applicability, Edit, Finding, ParseProblem, Severity
from prodready.core.newlines import split_lines
from prodready.core.source import UTF8, UTF16, UTF32, SourceFile

SOURCE = "prodready"
SYNTAX_ERROR = "syntax-error"
NEWER_SYNTAX = "newer-syntax"

ENCODINGS = {
    types.PositionEncodingKind.Utf8: UTF8,
    types.PositionEncodingKind.Utf16: UTF16,
    types.PositionEncodingKind.Utf32: UTF32,
    "utf-8": UTF8,
    "utf-16": UTF16,
    "utf-32": UTF32,
}

_TAGS = {"deprecated": types.DiagnosticTag.Deprecated, "unnecessary": types.DiagnosticTag.Unnecessary}


def lsp_range(source: SourceFile, start: int, end: int, encoding: str) -> types.Range:
    sl, sc = source.position(start, encoding)
    el, ec = source.position(max(start, end), encoding)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def offsets(source: SourceFile, rng: types.Range, encoding: str) -> tuple[int, int]:
    start = source.offset(rng.start.line, rng.start.character, encoding)
    end = source.offset(rng.end.line, rng.end.character, encoding)
    return start, max(start, end)


def finding_data(uri: str, version: Optional[int], finding: Finding) -> dict:
    return {
        "uri": uri,
        "version": version,
        "code": finding.code,
        "start": finding.start,
        "end": finding.end,
        "fixes": [offer.applicability.value for offer in finding.fixes],
    }


def capped_diagnostic(total: int, shown: int, version: Optional[int]) -> types.Diagnostic:
    """The one diagnostic that says a huge file's findings were cut to the first ``shown``."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=(f"prodready: {total:,} findings in this file; the editor shows the first {shown:,} "
                 "by position. Run `prodready check` on the file for all of them."),
        severity=types.DiagnosticSeverity.Information,
        source="prodready",
        code="too-many-findings",
    )


def to_diagnostic(
    source: SourceFile,
    finding: Finding,
    encoding: str,
    uri: str,
    version: Optional[int],
    rule=None,
    tag_support: frozenset = frozenset({1, 2}),
) -> types.Diagnostic:
    tags = [_TAGS[t] for t in finding.tags if t in _TAGS and _TAGS[t].value in tag_support]
    return types.Diagnostic(
        range=lsp_range(source, finding.start, finding.end, encoding),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(rule)) if rule is not None else None,
        source=SOURCE,
        tags=tags or None,
        data=finding_data(uri, version, finding),
    )


def problem_diagnostic(source: SourceFile, problem: ParseProblem, encoding: str) -> types.Diagnostic:
    severity = types.DiagnosticSeverity.Error if problem.kind == SYNTAX_ERROR else types.DiagnosticSeverity.Warning
    if problem.kind == NEWER_SYNTAX:
        severity = types.DiagnosticSeverity.Information  # valid code, just not checkable here
    return types.Diagnostic(
        range=lsp_range(source, problem.start, problem.end, encoding),
        message=problem.message,
        severity=severity,
        code=problem.kind,
        source=SOURCE,
    )


def file_problem_diagnostic(message: str, kind: str) -> types.Diagnostic:
    """A whole-file problem (too large, not text): one diagnostic at the top of the file."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"prodready did not check this file: {message}",
        severity=types.DiagnosticSeverity.Information if kind == "too-large" else types.DiagnosticSeverity.Warning,
        code=kind,
        source=SOURCE,
    )


def result_id(diagnostics: Sequence[types.Diagnostic], salt: str = "") -> str:
    """A content hash of diagnostics: equal diagnostics, equal id (pull `unchanged` reports)."""
    digest = hashlib.sha1(salt.encode())
    for d in diagnostics:
        digest.update(repr((d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
                            d.code, d.message, d.severity, d.tags)).encode())
    return digest.hexdigest()[:16]


def text_edits(source: SourceFile, edits: Iterable[Edit], encoding: str) -> list[types.TextEdit]:
    return [types.TextEdit(range=lsp_range(source, e.start, e.end, encoding), new_text=e.replacement)
            for e in sorted(edits, key=lambda e: (e.start, e.end))]


def workspace_edit(uri: str, version: Optional[int], edits: list[types.TextEdit], document_changes: bool) -> types.WorkspaceEdit:
    if document_changes:
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=edits,
            )
        ])
    return types.WorkspaceEdit(changes={uri: edits})


def minimal_edits(old: str, new: str) -> list[Edit]:
    """Small edits turning ``old`` into ``new``: changed line ranges, each trimmed to the characters."""
    if old == new:
        return []
    old_lines = split_lines(old, keepends=True)
    new_lines = split_lines(new, keepends=True)
    old_starts = [0]
    for line in old_lines:
        old_starts.append(old_starts[-1] + len(line))
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in linediff.opcodes(old_lines, new_lines):
        if tag == "equal":
            continue
        start, end = old_starts[i1], old_starts[i2]
        replacement = "".join(new_lines[j1:j2])
        a, b = old[start:end], replacement
        prefix = 0
        limit = min(len(a), len(b))
        while prefix < limit and a[prefix] == b[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]:
            suffix += 1
        edits.append(Edit(start + prefix, end - suffix, b[prefix:len(b) - suffix]))
    return edits


def fix_title(title: str, applicability: Applicability) -> str:
    return f"{title} (unsafe)" if applicability is Applicability.UNSAFE else title


def severity_of(value: Severity) -> types.DiagnosticSeverity:
    return types.DiagnosticSeverity(int(value))
