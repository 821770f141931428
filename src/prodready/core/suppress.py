"""Suppression comments: ``# noqa``, ``# noqa: PR101``, ``# noqa: naive-utcnow``,
``# prodready: ignore``, ``# prodready: ignore[naive-utcnow, PR201]`` on the finding's line
(first or last line of a multi-line finding), and ``# prodready: skip-file`` anywhere.

A rule's ``equivalent_codes`` (the Ruff/Bandit codes for the same mistake) count too:
``# noqa: S105`` silences the rule that declares S105; ``# nosec`` silences every rule with a
Bandit ``B`` code, ``# nosec B105`` / ``# nosec: B105,B106`` only the rules with those codes.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

from prodready.core import logical_lines
from prodready.core.source import SourceFile

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w\-]+(?:[,\s]+[\w\-]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*prodready:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_NOSEC = re.compile(r"#\s*nosec\b(?::?\s*(?P<codes>B\d+(?:\s*,\s*B\d+|\s+B\d+)*))?", re.IGNORECASE)
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


def nosec_suppressions(line: str) -> Optional[set[str]]:
    """Bandit codes a ``# nosec`` on this line names; an empty set means every one; None, no nosec."""
    if "nosec" not in line.lower():
        return None
    found: Optional[set[str]] = None
    for match in _NOSEC.finditer(line):
        codes = match.group("codes")
        if not codes:
            return set()
        found = (found or set()) | {c.strip().lower() for c in re.split(r"[,\s]+", codes) if c.strip()}
    return found


def is_suppressed(source: SourceFile, code: str, name: str, start: int, end: int,
                  equivalents: tuple[str, ...] = ()) -> bool:
    if not source.may_have_suppressions:
        return False
    markers = source.suppression_lines
    first = source.line_of(start)
    lines = {first, source.line_of(max(start, end - 1))}
    if bisect.bisect_right(markers, first) < len(markers):
        # Also the end of the statement, where `--add-noqa` writes (core/logical_lines.py);
        # it is at or after the first line, so only a comment after it can be there.
        lines.add(logical_lines.end_of(source, first))
    accepted = {code.lower(), name, *(c.lower() for c in equivalents)}
    bandit = {c.lower() for c in equivalents if c[:1] in "bB" and c[1:].isdigit()}
    for line in lines:
        text = source.line_text(line)
        codes = line_suppressions(text)
        if codes is not None and (not codes or accepted & codes):
            return True
        if bandit:
            nosec = nosec_suppressions(text)
            if nosec is not None and (not nosec or bandit & nosec):
                return True
    return False


def ignore_comment_edit(source: SourceFile, code: str, offset: int) -> tuple[int, int, str]:
    """The edit (start, end, text) that adds/extends ``# noqa: CODE`` for the finding at
    offset, at the end of the line where its statement ends (never inside a string or after
    a backslash continuation), in the form Ruff accepts when told ``lint.external = ["PR"]``."""
    return noqa_edit(source, source.line_of(offset), [code]) or (offset, offset, "")


def noqa_edit(source: SourceFile, finding_line: int, codes: list[str]) -> Optional[tuple[int, int, str]]:
    """The edit (start, end, text) adding ``codes`` to the ``# noqa`` that covers
    ``finding_line`` (0-based), or None when they are all suppressed there already."""
    lines = logical_lines.for_source(source)
    line = lines.end(finding_line)
    text = source.line_text(line)
    line_start = source.line_starts[line]
    comment = lines.comment(line)
    if lines.known(line):  # look for an existing noqa in the comment only, never in a string
        match = _NOQA.search(comment[1]) if comment else None
        base = line_start + comment[0] if comment else line_start
    else:
        match = _NOQA.search(text)
        base = line_start
    if match and not match.group("codes"):
        return None  # a bare noqa already suppresses everything
    if match:
        present = {c.lower() for c in re.split(r"[,\s]+", match.group("codes")) if c}
        missing = [c for c in dict.fromkeys(codes) if c.lower() not in present]
        if not missing:
            return None
        codes_end = base + match.start("codes") + _codes_length(match.group("codes"))
        return codes_end, codes_end, "".join(f", {c}" for c in missing)
    stripped = text.rstrip()
    end = line_start + len(stripped)
    return end, line_start + len(text), f"  # noqa: {', '.join(dict.fromkeys(codes))}"


_CODE_LIKE = re.compile(r"[A-Za-z]+[0-9]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)+", re.IGNORECASE)


def _codes_length(codes: str) -> int:
    """How much of a noqa's code list is codes: `E501 because x` -> len("E501")."""
    end = 0
    for match in re.finditer(r"[^,\s]+", codes):
        if not _CODE_LIKE.fullmatch(match.group()):
            break
        end = match.end()
    return end or len(codes)
