"""Where a suppression comment for a line can go: the end of its logical line.

A finding inside a triple-quoted string, after a backslash continuation, or on the first line
of a call spread over several lines cannot always take a comment on its own line: the end of
that physical line may be inside the string, and a comment after a backslash is a syntax
error. The end of the physical line where the *statement* ends (the logical line, as
`tokenize` sees it) always can. `--add-noqa` and the "Ignore for this line" action write the
comment there, and suppressions are looked for there too (as flake8 does).
"""

from __future__ import annotations

import io
import tokenize
from typing import Optional


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
