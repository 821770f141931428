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


_SKIPPED = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)


def _has_lone_cr(text: str) -> bool:
    """Lone CR line breaks: lines as tokenize sees them would not match ours."""
    return "\r" in text.replace("\r\n", "")


def _scan(text: str, end_of: dict[int, int], comments: Optional[dict], offset: int = 0,
          stop: Optional[int] = None) -> None:
    """Tokenize ``text`` (which starts at 0-based line ``offset`` of the file), recording
    each logical line's end in ``end_of`` (and comments, when given); with ``stop``, end at
    the first token on line ``stop`` or later that starts a new logical line. Raises what
    `tokenize` raises."""
    first: Optional[int] = None
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        kind = tok.type
        row = tok.start[0] - 1 + offset
        if kind == tokenize.COMMENT and comments is not None:
            comments[row] = (tok.start[1], tok.string)
        if first is None and stop is not None and row >= stop:
            return
        if kind in _SKIPPED:
            if first is None:
                continue
        if kind == tokenize.ENDMARKER:
            return
        if first is None:
            first = row
        if kind == tokenize.NEWLINE:
            for line in range(first, row + 1):
                end_of[line] = row
            first = None


class LogicalLines:
    """For each physical line (0-based): the last physical line of its logical line, and
    the trailing comment on that line (column, text), if any."""

    def __init__(self, text: str) -> None:
        self.end_of: dict[int, int] = {}
        self.comments: dict[int, tuple[int, str]] = {}
        self.ok = False
        if _has_lone_cr(text):
            return
        try:
            _scan(text, self.end_of, self.comments)
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


class _Segments:
    """Logical line ends of one parsed file, tokenized one top-level statement at a time.

    Suppression checks need the end of the logical line of a finding's first line, for a
    handful of findings in a file. Tokenizing the whole file for that (pure-Python
    `tokenize`, ~6 us a line) cost more than analysing it. A top-level statement begins at
    column 0 of a line where the tokenizer is outside every bracket and string, so the
    tokens from that line on are the ones a whole-file run produces (only the INDENT/DEDENT
    bookkeeping before it differs, and logical lines ignore it); a line backslash-joined to
    the one before keeps the end the whole-file run gives it. So each statement's lines are
    tokenized once, from its first line, and give the same ends `LogicalLines` would.
    """

    def __init__(self, source, tree) -> None:
        # The text and line index, not the SourceFile: the file keeps this object, and a
        # reference back would be a cycle holding the whole tree until a full collection.
        self.text = source.text
        self.line_starts = source.line_starts
        starts = []
        for stmt in tree.body:
            decorators = getattr(stmt, "decorator_list", ())
            starts.append(min([stmt.lineno, *(d.lineno for d in decorators)]) - 1)
        self.starts = sorted(set(starts))
        self.end_of: dict[int, int] = {}
        self.done: set[int] = set()
        self.failed = False

    def end(self, line: int) -> Optional[int]:
        """The end of ``line``'s logical line; None when tokenizing failed (use the whole file)."""
        index = bisect.bisect_right(self.starts, line) - 1
        if index not in self.done:
            begin = self.starts[index] if index >= 0 else 0
            stop = self.starts[index + 1] if index + 1 < len(self.starts) else None
            text = self.text[self.line_starts[begin]:] if begin < len(self.line_starts) else ""
            try:
                _scan(text, self.end_of, None, begin, stop)
            except (tokenize.TokenError, SyntaxError, IndentationError):
                self.failed = True
                return None
            self.done.add(index)
        return self.end_of.get(line, line)


def end_of(source, line: int) -> int:
    """``for_source(source).end(line)``, tokenizing only the top-level statement around
    ``line`` when the file is parsed already (see `_Segments`)."""
    whole = getattr(source, "_logical_lines", None)
    if whole is not None:
        return whole.end(line)
    parsed = source.__dict__.get("_parsed")  # never parse here: the server analyses by blocks
    segments = getattr(source, "_logical_segments", None)
    if segments is None and parsed is not None and parsed[0] is not None and not _has_lone_cr(source.text):
        segments = _Segments(source, parsed[0])
        try:
            source._logical_segments = segments
        except AttributeError:  # pragma: no cover - a SourceFile with __slots__
            segments = None
    if segments is not None and not segments.failed:
        answer = segments.end(line)
        if answer is not None:
            return answer
    return for_source(source).end(line)
