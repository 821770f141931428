"""The block model of incremental analysis: what a document is cut into, and the pure
helpers that parse, split and re-key blocks.

A document is a list of contiguous **blocks** covering the whole text. A block is one
top-level statement (with its decorators; comment and blank lines that follow it belong to
it; consecutive statements on one line share a block), or, for a large class, the class
header and each member separately (``HEAD`` and ``MEMBER`` blocks of one `ClassGroup`). A
region that does not parse is an ``ERROR`` block. Every block keeps the skeleton of its
top-level statements (core/module_skeleton.py: what the module context reads) and its cached
results; the statements themselves only until they are analysed (`Block.park`). `prodready.core.incremental.DocumentAnalyzer` keeps
the blocks up to date and analyses them; this module holds the data and the helpers that need
no analyzer state.
"""

from __future__ import annotations

import ast
import copy
import re
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from prodready.core.context import PendingFinding
from prodready.core.findings import ParseProblem
from prodready.core.module_skeleton import module_skeleton
from prodready.core.source import SourceFile

TOP, MEMBER, HEAD, ERROR = "top", "member", "head", "error"


@dataclass(eq=False)
class ClassGroup:
    """A large class split into a header block and member blocks."""

    indent: str  # the exact indentation string of the class's members


@dataclass(eq=False)
class Block:
    kind: str
    start: int  # absolute character offset in the current text
    text: str
    # What the engine walks for this block, with positions relative to ``source.text``; None
    # once analysed (`park`): parsed again from the text if the block is analysed again.
    statements: Optional[list] = field(default_factory=list)
    source: Optional[SourceFile] = None
    origin: int = 0  # where this block's text starts inside ``source.text``
    # Findings whose start lies in [drop[0], drop[1]) of ``source`` belong to another block
    # (a member block analysed with its class header drops the header's findings).
    drop: Optional[tuple[int, int]] = None
    # What this block's top-level statements contribute to the module context: their
    # skeletons (core/module_skeleton.py), made once here.
    module_stmts: list = field(default_factory=list)
    group: Optional[ClassGroup] = None
    problem: Optional[ParseProblem] = None  # ERROR blocks: relative to ``start``
    # ERROR blocks of a split class were parsed after their class header (``head_lines``
    # lines, the text of block ``head``): line numbers in the message count those lines too.
    head: Optional["Block"] = None
    head_lines: int = 0
    # cache
    key: object = None
    pending: list = field(default_factory=list)  # relative to ``start``
    facts: frozenset = frozenset()
    errors: list = field(default_factory=list)
    _shifted_at: int = -1
    _shifted: list = field(default_factory=list)
    logical_lines: Optional[object] = None  # this text's LogicalLines, once asked for
    reads: Optional[object] = None  # what its analysis read of the module (core/module_reads.py)
    parked: int = 0  # how many statements (members, for a MEMBER block) `park` let go

    def __post_init__(self) -> None:
        if self.module_stmts:
            self.module_stmts = module_skeleton(self.module_stmts)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def has_statements(self) -> bool:
        """Did the text parse into at least one statement (kept or parked)?"""
        return self.statements is None or bool(self.statements)

    def park(self) -> None:
        """Let the analysed statements go: the cached results are what later edits use, and a
        block analysed again (a name it read changed) parses its text again. Only top-level
        and member blocks park; a header's statement is the class without its body."""
        statements = self.statements
        if not statements or self.kind not in (TOP, MEMBER):
            return
        self.parked = len(statements[0].body) if self.kind == MEMBER else len(statements)
        self.statements = None

    def shifted_pending(self) -> list:
        if self._shifted_at != self.start:
            start = self.start
            self._shifted = [PendingFinding(p.finding.shifted(start), p.condition) for p in self.pending]
            self._shifted_at = start
        return self._shifted


def parse_text(text: str) -> tuple[Optional[ast.Module], Optional[SyntaxError]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text), None
    except SyntaxError as exc:
        return None, exc
    except (ValueError, RecursionError, MemoryError) as exc:
        err = SyntaxError(str(exc) or type(exc).__name__)
        err.lineno, err.offset = 1, 1
        return None, err


def first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return min(stmt.lineno, *(d.lineno for d in decorators))
    return stmt.lineno


def problem_for(text: str, err: Optional[SyntaxError]) -> ParseProblem:
    """A ParseProblem (offsets relative to ``text``) for a syntax error found parsing ``text``."""
    src = SourceFile(text)
    src.__dict__["_parsed"] = (None, err)  # reuse SourceFile's range logic without re-parsing
    start, end = src.syntax_error_range()
    message = f"SyntaxError: {err.msg if err is not None and err.msg else 'invalid syntax'}"
    return ParseProblem(message, start, end)


def class_copy(node: ast.ClassDef, body: list) -> ast.ClassDef:
    clone = copy.copy(node)
    clone.body = body
    return clone


def line_indent(source: SourceFile, lineno: int) -> str:
    line = source.line_text(lineno - 1)
    return line[: len(line) - len(line.lstrip(" \t\f"))]


LINE_REF = re.compile(r"\bline (\d+)")


def document_problem(block: Block, source: SourceFile) -> ParseProblem:
    """An ERROR block's problem in document offsets; "line N" in its message (counted in the
    text that was parsed: the block, after its class header for a member) in document lines."""
    problem = block.problem
    assert problem is not None
    message = problem.message
    if "line " in message:
        base = source.line_of(block.start)
        head, head_lines = block.head, block.head_lines
        head_base = source.line_of(head.start) if head is not None else 0

        def to_document(match: "re.Match[str]") -> str:
            line = int(match.group(1))
            if line <= head_lines:
                return f"line {head_base + line}"
            return f"line {base + line - head_lines}"

        message = LINE_REF.sub(to_document, message)
    return ParseProblem(message, problem.start + block.start, problem.end + block.start, problem.kind)


def start_of(block: Block) -> int:
    return block.start


def starts_member(text: str, pos: int, indent: str) -> bool:
    """Does the line at ``pos`` start a statement at a split class's member indentation?"""
    after = pos + len(indent)
    return text.startswith(indent, pos) and text[after:after + 1] not in ("", " ", "\t", "\f", "\r", "\n")


def reuse_results(old: Sequence[Block], new: Sequence[Block], head_text) -> None:
    """Give re-parsed blocks the cached results of replaced blocks with the same text (and
    class header): re-splitting a large class does not re-analyse its unchanged members."""
    if len(old) < 2 or not new:
        return
    cached = {(b.kind, b.text, head_text(b)): b for b in old if b.kind != ERROR and b.key is not None}
    if not cached:
        return
    for block in new:
        if block.kind == ERROR:
            continue
        prior = cached.get((block.kind, block.text, head_text(block)))
        if prior is not None:
            block.key, block.pending, block.facts, block.errors = prior.key, prior.pending, prior.facts, prior.errors


def is_continuation(line: str) -> bool:
    word = line.split(None, 1)[0] if line.split() else ""
    word = word.rstrip(":")
    return word in {"else", "elif", "except", "finally", "case"} or word.startswith(("else:", "except", "finally"))


def compose_changes(changes: Iterable[tuple[int, int, int]]) -> Optional[tuple[int, int, int]]:
    """Compose sequential edits into one (start, old_end, new_end) region.

    Each change is (start, end, inserted_length) in character offsets of the text as it is
    *before that change* (i.e. after the previous ones), like LSP incremental changes. The
    result's start/old_end are offsets in the text before all changes, new_end in the text
    after them; everything outside the region is unchanged.
    """
    lo: Optional[int] = None
    hi = 0  # end of the dirty region in current coordinates
    delta = 0
    for start, end, length in changes:
        change_delta = length - (end - start)
        if lo is None:
            lo, hi = start, end
        else:
            lo = min(lo, start)
            hi = max(hi, end)
        hi += change_delta
        delta += change_delta
    if lo is None:
        return None
    return lo, hi - delta, hi
