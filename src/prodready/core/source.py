"""SourceFile: the text being analysed, its line index and exact position conversion.

`ast` reports columns as UTF-8 byte offsets, LSP clients count UTF-16 code units (or
UTF-8/UTF-32 when negotiated) and people count characters. Every conversion goes through
here, with a fast path for ASCII lines, so no caller assumes ASCII.
"""

from __future__ import annotations

import ast
import bisect
import threading
import warnings
from functools import cached_property
from typing import Optional

from prodready.core.gcpause import paused_gc
from prodready.core.newlines import line_starts, strip_line_end

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if text.isascii() or encoding == UTF32:
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


def _chars_for_units(text: str, units: int, encoding: str) -> int:
    """How many characters of ``text`` make up ``units`` code units (clamped to the line)."""
    if units <= 0:
        return 0
    if text.isascii() or encoding == UTF32:
        return min(units, len(text))
    count = 0
    for index, ch in enumerate(text):
        if encoding == UTF16:
            width = 2 if ord(ch) > 0xFFFF else 1
        else:
            width = len(ch.encode("utf-8", "surrogatepass"))
        if count + width > units:
            return index
        count += width
        if count == units:
            return index + 1
    return len(text)


def _parse(text: str, path: str = "<unknown>") -> tuple[Optional[ast.Module], Optional[SyntaxError]]:
    try:
        with warnings.catch_warnings(), paused_gc():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes etc.
            return ast.parse(text, filename=path), None
    except SyntaxError as exc:
        return None, exc
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, deep nesting
        err = SyntaxError(str(exc) or type(exc).__name__)
        err.lineno, err.offset = 1, 1
        err.from_parser = False  # not the grammar's verdict: no newer Python would accept it
        return None, err


# One parse result kept for the next SourceFile of exactly that text: the fix engine parses
# its result to verify it, and the analysis of that result that follows need not parse again.
_remembered: list = []
_remember_lock = threading.Lock()


def parse_and_remember(text: str) -> bool:
    """Parse ``text`` (True if it parses) and keep the tree for the next `SourceFile` of it."""
    result = _parse(text)
    with _remember_lock:
        _remembered[:] = [(text, result)]
    return result[0] is not None


def _take_remembered(text: str):
    with _remember_lock:
        if _remembered and _remembered[0][0] is text:
            return _remembered.pop()[1]
    return None


_SUPPRESSION_WORDS = ("noqa", "nosec", "prodready:")


class SourceFile:
    """A file's text with a line index; parses lazily and at most once."""

    def __init__(self, text: str, path: str = "<unknown>") -> None:
        self.text = text
        self.path = path
        # Lines end at "\r\n", "\n" or a lone "\r", as Python and the LSP count them.
        self.line_starts = line_starts(text)

    # -- lines -----------------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_text(self, line: int) -> str:
        """Line ``line`` (0-based) without its line break."""
        if line < 0 or line >= len(self.line_starts):
            return ""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.text)
        return strip_line_end(self.text[start:end])

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset) - 1

    def memo(self, key: object, compute):
        """A per-file fact computed once for this text (rules run once per block, so a fact
        about the whole file kept on a rule instance is recomputed for every block)."""
        store = self.__dict__.setdefault("_memo", {})
        if key not in store:
            store[key] = compute()
        return store[key]

    @cached_property
    def may_have_suppressions(self) -> bool:
        """Whether any ``# noqa`` or ``# prodready:`` comment can be in the file: asked once per
        finding, so it is worked out once per file (a scan of the text per finding made
        checking a file with many findings quadratic)."""
        lowered = self.text.lower()
        return any(word in lowered for word in _SUPPRESSION_WORDS)

    @cached_property
    def suppression_lines(self) -> list[int]:
        """The 0-based lines where a suppression comment can be (``noqa``, ``nosec`` or
        ``prodready:`` appears), sorted: a finding with none at or after its first line needs
        no statement-end lookup, which tokenizes the file."""
        if not self.may_have_suppressions:
            return []
        lowered = self.text.lower()
        offsets = []
        for word in _SUPPRESSION_WORDS:  # str.find: a case-insensitive regex was 10x slower
            at = lowered.find(word)
            while at != -1:
                offsets.append(at)
                at = lowered.find(word, at + 1)
        return sorted(set(self.line_of(at) for at in offsets))

    # -- ast positions -----------------------------------------------------------------------
    def offset_from_ast(self, lineno: int, col_bytes: int) -> int:
        """Character offset of an `ast` position (1-based line, UTF-8 byte column)."""
        line = lineno - 1
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        text = self.line_text(line)
        if text.isascii():
            return start + min(col_bytes, len(text))
        prefix = text.encode("utf-8", "surrogatepass")[:col_bytes]
        return start + len(prefix.decode("utf-8", "replace"))

    def node_range(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets spanned by an `ast` node (statement or expression)."""
        start = self.offset_from_ast(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            end = len(self.line_text(end_line - 1)) + self.line_starts[min(end_line - 1, len(self.line_starts) - 1)]
        else:
            end = self.offset_from_ast(end_line, end_col)
        return start, end

    def segment(self, node: ast.AST) -> str:
        start, end = self.node_range(node)
        return self.text[start:end]

    # -- client positions --------------------------------------------------------------------
    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """(0-based line, column in code units of ``encoding``) for a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self.line_starts[line]
        return line, _units(self.text[start:offset], encoding)

    def offset(self, line: int, column: int, encoding: str = UTF16) -> int:
        """Character offset of an LSP-style (0-based line, code-unit column) position."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        return start + _chars_for_units(self.line_text(line), column, encoding)

    def display_position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based character column, as the CLI prints them."""
        line, column = self.position(offset, UTF32)
        return line + 1, column + 1

    # -- parsing ----------------------------------------------------------------------------
    @cached_property
    def _parsed(self) -> tuple[Optional[ast.Module], Optional[SyntaxError]]:
        remembered = _take_remembered(self.text)
        if remembered is not None:
            return remembered
        return _parse(self.text, self.path)

    @property
    def tree(self) -> Optional[ast.Module]:
        return self._parsed[0]

    def use_tree(self, tree: ast.Module) -> None:
        """Take ``tree`` as this text's parse, unless it was parsed already: the caller parsed
        exactly this text before (a batch run's cross-module lookup, core/crossmodule.py)."""
        self.__dict__.setdefault("_parsed", (tree, None))

    def forget_tree(self) -> None:
        """Let the parsed tree go; it is parsed again if asked for. An open document's
        analysis keeps what later edits need without it (core/incremental.py)."""
        self.__dict__.pop("_parsed", None)

    @property
    def syntax_error(self) -> Optional[SyntaxError]:
        return self._parsed[1]

    def syntax_error_range(self) -> tuple[int, int]:
        err = self.syntax_error
        if err is None:
            return 0, 0
        line = max((err.lineno or 1) - 1, 0)
        if line >= len(self.line_starts):
            line = len(self.line_starts) - 1
        text = self.line_text(line)
        col = max((err.offset or 1) - 1, 0)
        # SyntaxError.offset is a character offset for str sources (1-based).
        col = min(col, len(text))
        start = self.line_starts[line] + col
        end = self.line_starts[line] + len(text)
        return start, max(end, start)
