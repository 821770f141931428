"""Line ends as Python and the LSP count them: ``\\r\\n``, ``\\n`` and a lone ``\\r``.

Nothing else ends a line: a form feed, U+2028 or ``\\x1c`` inside a line belongs to it
(``str.splitlines`` would split there, so it is not used on source text). The fix builders
work on text with ``\\n`` line ends; `LineEndings` gives them that text and maps their edits
back onto the file as it is, so a fix keeps the file's own line ends.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable, Iterator

from prodready.core.findings import Edit

_LINE_END = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of ``text`` starts (the first is always 0)."""
    if "\r" not in text:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts
    return [0, *(m.end() for m in _LINE_END.finditer(text))]


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """``text`` cut at its line ends only (unlike ``str.splitlines``)."""
    lines = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start:match.end() if keepends else match.start()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def count_line_ends(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def strip_line_end(line: str) -> str:
    """``line`` without one trailing line end."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


def dominant_newline(text: str) -> str:
    """The file's line end for new lines: its most common one (the first on a tie; ``\\n`` for
    a one-line file), so a stray ``\\r`` in an LF file does not make new lines CR."""
    counts: dict[str, int] = {}
    for match in _LINE_END.finditer(text):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    if not counts:
        return "\n"
    return max(counts, key=lambda end: counts[end])  # dicts keep first-seen order on ties


class LineEndings:
    """``text`` with ``\\n`` line ends (``lf``), and the way back to the original offsets."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.newline = dominant_newline(text)
        if "\r" not in text:
            self.lf = text
            self._crlf: list[int] = []
            return
        # Offsets (in ``lf``) of each "\n" that was "\r\n" in the original.
        crlf = []
        pieces = []
        start = 0
        shift = 0
        for match in _LINE_END.finditer(text):
            if match.group() == "\n":
                continue
            pieces.append(text[start:match.start()])
            pieces.append("\n")
            if match.group() == "\r\n":
                crlf.append(match.start() - shift)
                shift += 1
            start = match.end()
        pieces.append(text[start:])
        self.lf = "".join(pieces)
        self._crlf = crlf

    @property
    def changed(self) -> bool:
        return self.lf is not self.original

    def to_original(self, offset: int) -> int:
        """The original offset of ``lf`` offset ``offset``."""
        return offset + bisect.bisect_left(self._crlf, offset)

    def to_lf(self, offset: int) -> int:
        """The ``lf`` offset of an original offset (the middle of a ``\\r\\n`` maps to its start)."""
        lo, hi = 0, len(self._crlf)
        while lo < hi:  # count CRLFs wholly before ``offset``
            mid = (lo + hi) // 2
            if self.to_original(self._crlf[mid]) + 2 <= offset:
                lo = mid + 1
            else:
                hi = mid
        before = lo
        if before < len(self._crlf) and self.to_original(self._crlf[before]) + 1 == offset:
            return self._crlf[before]  # between "\r" and "\n"
        return offset - before

    def restore(self, replacement: str) -> str:
        """A replacement written with ``\\n`` line ends, in the file's own line end."""
        if self.newline == "\n" or "\n" not in replacement:
            return replacement
        return replacement.replace("\n", self.newline)

    def edits_to_original(self, edits: Iterable[Edit]) -> list[Edit]:
        return [Edit(self.to_original(e.start), self.to_original(e.end), self.restore(e.replacement)) for e in edits]


def iter_line_ends(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line end in ``text``."""
    for match in _LINE_END.finditer(text):
        yield match.start(), match.end()
