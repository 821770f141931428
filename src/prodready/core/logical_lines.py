"""Where a suppression comment for a line can go: the end of its logical line.

A finding inside a triple-quoted string, after a backslash continuation, or on the first line
of a call spread over several lines cannot always take a comment on its own line: the end of
that physical line may be inside the string, and a comment after a backslash is a syntax
error. The end of the physical line where the *statement* ends (the logical line, as
`tokenize` sees it) always can. `--add-noqa` and the "Ignore for this line" action write the
comment there, and suppressions are looked for there too (as flake8 does).
"""

from __future__ import annotations

import bisect
import io
import tokenize
from typing import Optional, Sequence


class LogicalLines:
    """For each physical line (0-based): the last physical line of its logical line, and
    the trailing comment on that line (column, text), if any."""

    def __init__(self, text: str) -> None:
        self.end_of: dict[int, int] = {}
        self.comments: dict[int, tuple[int, str]] = {}
        self.ok = False
        if "\r" in text.replace("\r\n", ""):
            return  # lone CR line breaks: lines as tokenize sees them would not match ours
        first: Optional[int] = None
        try:
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                kind = tok.type
                if kind == tokenize.COMMENT:
                    self.comments[tok.start[0] - 1] = (tok.start[1], tok.string)
                if kind in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                    if first is None:
                        continue
                if kind == tokenize.ENDMARKER:
                    break
                if first is None:
                    first = tok.start[0] - 1
                if kind == tokenize.NEWLINE:
                    last = tok.start[0] - 1
                    for line in range(first, last + 1):
                        self.end_of[line] = last
                    first = None
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return
        self.ok = True

    def end(self, line: int) -> int:
        """The line a comment for ``line`` goes on (``line`` itself when unknown)."""
        return self.end_of.get(line, line)

    def comment(self, line: int) -> Optional[tuple[int, str]]:
        return self.comments.get(line)

    def known(self, line: int) -> bool:
        """Whether the lines around ``line`` were tokenized (False: the text did not tokenize)."""
        return self.ok


class PiecewiseLogicalLines:
    """`LogicalLines` of a text made of pieces that each start a statement (the blocks of
    incremental analysis), each piece tokenized only when a line in it is asked about.

    No logical line crosses the start of a statement, so the pieces' answers are the whole
    text's; a piece that does not tokenize (a region with a syntax error) costs only its own
    lines their logical-line ends. Re-tokenizing the whole document after every keystroke
    was most of the time an edit took on a large file.
    """

    def __init__(self, pieces: Sequence[tuple[int, object]]) -> None:
        """``pieces``: (first line, holder) sorted by line; ``holder.text`` is the piece's
        text and ``holder.logical_lines`` caches its `LogicalLines` (None until computed)."""
        self.firsts = [first for first, _holder in pieces]
        self.holders = [holder for _first, holder in pieces]

    def _piece(self, line: int) -> tuple[int, Optional[LogicalLines]]:
        index = bisect.bisect_right(self.firsts, line) - 1
        if index < 0:
            return 0, None
        holder = self.holders[index]
        lines = holder.logical_lines
        if lines is None:
            lines = holder.logical_lines = LogicalLines(holder.text)
        return self.firsts[index], lines

    def end(self, line: int) -> int:
        first, lines = self._piece(line)
        return line if lines is None else lines.end(line - first) + first

    def comment(self, line: int) -> Optional[tuple[int, str]]:
        first, lines = self._piece(line)
        return None if lines is None else lines.comment(line - first)

    def known(self, line: int) -> bool:
        _first, lines = self._piece(line)
        return lines is not None and lines.ok

    @property
    def ok(self) -> bool:
        return all(self.known(first) for first in self.firsts)


def for_source(source) -> LogicalLines:
    """The `LogicalLines` of a `SourceFile`, computed once per object."""
    cached = getattr(source, "_logical_lines", None)
    if cached is None:
        cached = LogicalLines(source.text)
        try:
            source._logical_lines = cached
        except AttributeError:  # pragma: no cover - a SourceFile with __slots__
            pass
    return cached
