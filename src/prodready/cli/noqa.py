"""`check --add-noqa`: suppress every reported finding with a `# noqa: PRxxx` comment.

The comment goes at the end of the physical line where the finding's statement ends (see
core/logical_lines.py), merged into a `# noqa: ...` already there, in the code form Ruff
keeps when told `lint.external = ["PR"]`. A file is written only when the result still
parses, through the same atomic write `--fix` uses, in its own encoding and line endings.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from prodready.cli.runner import SYNTAX_ERROR, FileResult, _encoding, write_atomic
from prodready.core import logical_lines
from prodready.core.engine import decode_source
from prodready.core.source import SourceFile
from prodready.core.suppress import noqa_edit


@dataclass
class Added:
    findings: int = 0  # findings now suppressed
    comments: int = 0  # comments added or extended
    files: int = 0
    problems: list[str] = field(default_factory=list)  # "path: why not"


def add_noqa(results: Sequence[FileResult]) -> Added:
    added = Added()
    for result in results:
        items = [i for i in result.items if i.code != SYNTAX_ERROR]
        if not items or result.cannot or result.internal:
            continue
        if len(items) != len(result.items):
            added.problems.append(f"{result.display}: not changed: it does not parse")
            continue
        try:
            data = Path(result.path).read_bytes()
        except OSError as exc:
            added.problems.append(f"{result.display}: not changed: cannot read: {exc.strerror or exc}")
            continue
        text, why = decode_source(data)
        if text is None:
            added.problems.append(f"{result.display}: not changed: {why}")
            continue
        new_text, comments = _with_noqa(text, [(i.line - 1, i.code) for i in items])
        if not comments:
            continue
        if new_text == text:
            continue
        try:
            ast.parse(new_text)
        except (SyntaxError, ValueError):
            added.problems.append(f"{result.display}: not changed: the comments would not parse (please report it)")
            continue
        encoding = _encoding(data)
        try:
            new_data = new_text.encode(encoding)
        except (UnicodeEncodeError, LookupError) as exc:
            added.problems.append(f"{result.display}: not changed: cannot encode as {encoding} ({exc})")
            continue
        if data.startswith(b"\xef\xbb\xbf") and not new_data.startswith(b"\xef\xbb\xbf"):
            new_data = b"\xef\xbb\xbf" + new_data
        error = write_atomic(Path(result.path), new_data, data)
        if error:
            added.problems.append(f"{result.display}: not changed: {error}")
            continue
        added.files += 1
        added.comments += comments
        added.findings += len(items)
    return added


def _with_noqa(text: str, findings: list[tuple[int, str]]) -> tuple[str, int]:
    """``text`` with codes added for (0-based line, code) findings; (text, comments changed)."""
    source = SourceFile(text)
    lines = logical_lines.for_source(source)
    if not lines.ok:
        return text, 0
    by_line: dict[int, list[str]] = {}
    for line, code in findings:
        by_line.setdefault(lines.end(line), []).append(code)
    edits = []
    for line, codes in by_line.items():
        edit = noqa_edit(source, line, sorted(set(codes)))
        if edit is not None:
            edits.append(edit)
    for start, end, insert in sorted(edits, reverse=True):
        text = text[:start] + insert + text[end:]
    return text, len(edits)
