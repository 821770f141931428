"""Suppression comments: ``# noqa``, ``# noqa: PR101``, ``# noqa: naive-utcnow``,
``# prodready: ignore``, ``# prodready: ignore[naive-utcnow, PR201]`` on the finding's line
(first or last line of a multi-line finding), and ``# prodready: skip-file`` anywhere.
"""

from __future__ import annotations

import re
from typing import Optional

from prodready.core.source import SourceFile

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w\-]+(?:[,\s]+[\w\-]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*prodready:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_SKIP_FILE = re.compile(r"^\s*#\s*prodready:\s*skip-file\b", re.IGNORECASE | re.MULTILINE)


def skip_file(text: str) -> bool:
    return "skip-file" in text and _SKIP_FILE.search(text) is not None


def line_suppressions(line: str) -> Optional[set[str]]:
    """Codes/names suppressed on this line; an empty set means everything; None, nothing."""
    if "#" not in line:
        return None
    found: Optional[set[str]] = None
    for pattern in (_NOQA, _IGNORE):
        for match in pattern.finditer(line):
            codes = match.group("codes")
            if not codes:
                return set()
            found = (found or set()) | {c.strip().lower() for c in re.split(r"[,\s]+", codes) if c.strip()}
    return found


def is_suppressed(source: SourceFile, code: str, name: str, start: int, end: int) -> bool:
    lines = {source.line_of(start), source.line_of(max(start, end - 1))}
    for line in lines:
        codes = line_suppressions(source.line_text(line))
        if codes is None:
            continue
        if not codes or code.lower() in codes or name in codes:
            return True
    return False


def ignore_comment_edit(source: SourceFile, code: str, offset: int) -> tuple[int, int, str]:
    """The edit (start, end, text) that adds/extends ``# noqa: CODE`` on the line at offset."""
    line = source.line_of(offset)
    text = source.line_text(line)
    line_start = source.line_starts[line]
    match = _NOQA.search(text)
    if match and match.group("codes"):
        codes_end = line_start + match.end("codes")
        return codes_end, codes_end, f", {code}"
    if match:  # bare noqa already suppresses everything
        return line_start + len(text), line_start + len(text), ""
    stripped = text.rstrip()
    end = line_start + len(stripped)
    return end, line_start + len(text), f"  # noqa: {code}"
