"""Incremental analysis of one open document: work proportional to the edit.

`DocumentAnalyzer` keeps a document as a list of contiguous **blocks** covering the whole
text. A block is one top-level statement (with its decorators; comment and blank lines
that follow it belong to it; consecutive statements on one line share a block), or, for a
large class, the class header and each member separately. Every block keeps the skeleton of
its top-level statements (core/module_skeleton.py: the module context is recomputed from
them without re-parsing) and its cached `BlockResult` (findings relative to the block start,
facts, rule errors), valid for one module context and one rule/config fingerprint. The
statements themselves, and the parsed trees, are let go once analysed (`Block.park`): they
were nine tenths of an open document's memory. A block analysed again (it read a module name
an edit changed, or the configuration changed) parses its own text again (`_unpark`), as an
edited region is parsed.

On an update the dirty region is found without rescanning the file: from the change range
when the caller knows it (incremental sync), else by matching the old blocks' texts at the
start and, shifted by the length delta, at the end of the new text (``str.startswith`` with
an offset: C speed, no copies). Only the dirty blocks are re-parsed: if the region parses
it becomes one or more new blocks; if not it is extended by a neighbouring block on each
side (an unclosed bracket or string), twice; if that still fails, the rest of the file (or
the whole file) is parsed once in case a later part closes it; failing that the region
becomes a *syntax-error block*: its findings are dropped, every other block's are kept, and
its last good statements keep contributing to the module context so that names imported
there still resolve elsewhere while the user types. Untouched blocks are shifted by the
edit's length delta.

The module context (module_context over all blocks' statements) is recomputed per update
(cheap: no tree walk); when its key changes, only the blocks that read a changed name,
class or whole-module fact are re-analysed (core/module_reads.py). Then
`engine.finalize` runs over the shifted pending findings of all blocks with the union of
their facts. When the file parses, the findings are identical to `analyze_source` on the
same text (tests compare them across random edits).

Large classes (over ``class_split_lines`` lines) are split into a header block and one
block per member: a member is parsed and analysed together with the class header text so
its ancestry (class, bases, decorators) is the same as in the whole file. Findings in the
header come from the header block only. This is done only when no enabled rule could see
the difference: rules that define ``visit_ClassDef``/``leave_ClassDef`` (they may look at
the whole body) or override ``finish`` (they may accumulate state across members) turn
member splitting off for the document (top-level blocks are still used).

Edits inside a split class re-parse only the touched members with the header, widened by a
member per side twice like the top level. If they still do not parse, the header with the
rest of the class (from the member before the first broken one: the members before it are
complete statements, so this parses exactly when the class does), then with the rest of the
file, is parsed once in case a later part closes what the members opened; failing that the
touched members become a syntax-error block *of the class*: the header and every other
member keep their findings and the class stays split (re-parsing the whole class from its
header per keystroke would cost twice its parse time). A region that starts in a member and
runs past the class's end keeps the members before it (a later class whose header it
swallows is dropped whole). A top-level region is never widened into a preceding split class
without syntax errors (complete statements cannot change how it parses). A file that never
parsed still splits a large class whose member is broken (`_unparsed_class`). Line numbers in
syntax-error messages are the document's.

Nothing here knows about LSP; the server converts offsets to positions with `SourceFile`.
"""

from __future__ import annotations

import ast
import bisect
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Sequence

from prodready.core.blocks import (
    ERROR,
    HEAD,
    LINE_REF,
    MEMBER,
    TOP,
    Block,
    ClassGroup,
    class_copy,
    compose_changes,
    document_problem,
    first_line,
    is_continuation,
    line_indent,
    parse_text,
    problem_for,
    reuse_results,
    start_of,
    starts_member,
)
from prodready.core.config import Config
from prodready.core.newer_syntax import (
    NEWER_SYNTAX, could_be_newer_syntax, fragment_needs_newer_python, not_checked_message,
)
from prodready.core.context import ModuleContext, PendingFinding
from prodready.core.engine import analyze_block, enabled_rules, finalize, module_context
from prodready.core.fileinfo import FileInfo
from prodready.core.production import root_relative
from prodready.core.findings import Finding, ParseProblem, RuleError
from prodready.core.logical_lines import PiecewiseLogicalLines
from prodready.core.module_reads import ModuleReads, changed_keys, still_valid
from prodready.core.rule import Rule
from prodready.core.newlines import count_line_ends, split_lines
from prodready.core.source import SourceFile
from prodready.core.suppress import skip_file

if TYPE_CHECKING:
    from prodready.core.crossmodule import ProjectResolver

CLASS_SPLIT_LINES = 300
_EXTENSIONS = 2  # how many times a region that does not parse is widened by one block per side


@dataclass
class DocumentAnalysis:
    """The result of analysing one version of a document."""

    source: SourceFile
    findings: list[Finding]
    errors: list[RuleError] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)  # syntax-error regions
    stats: dict = field(default_factory=dict)


_IMPORT_LIKE = ("import", "from", "try", "#", '"', "'")  # how the leading import block's statements start


class DocumentAnalyzer:
    """Keeps one document's blocks and cached per-block results between versions."""

    def __init__(
        self,
        path: str,
        config: Optional[Config] = None,
        rules: Sequence[type[Rule]] = (),
        *,
        split_classes: bool = True,
        class_split_lines: int = CLASS_SPLIT_LINES,
    ) -> None:
        self.path = path
        self.split_classes = split_classes
        self.class_split_lines = class_split_lines
        self.text: Optional[str] = None
        self.blocks: list[Block] = []
        self.analysis: Optional[DocumentAnalysis] = None
        self._module: tuple = ((None, None), None)  # (key, ModuleContext) of the last analysis
        self._generation = 0  # bumped when config/rules change: invalidates every block
        self._whole_file = False  # lone CR line endings: no block splitting
        # Cross-module names (core/crossmodule.py): the workspace's ProjectResolver, set by
        # the server; `_deps` are the other files the cached block results were read from.
        self.project: Optional["ProjectResolver"] = None
        self._deps: dict = {}
        self.configure(config or Config.for_rules(rules), rules)

    # -- configuration --------------------------------------------------------------------
    def configure(self, config: Config, rules: Sequence[type[Rule]], path: Optional[str] = None) -> None:
        """Set the configuration and the rule catalogue; every cached block result is dropped."""
        if path is not None:
            self.path = path
        self.config = config
        self.rules = tuple(rules)
        self.file = FileInfo.for_path(root_relative(self.path, config.root), config.option("entrypoints", ()))
        self.active = enabled_rules(self.rules, config, self.path, self.file)
        split_ok = self.split_classes and not any(
            rule.handlers().get("ClassDef") or getattr(rule, "finish", None) is not Rule.finish
            for rule in self.active
        )
        if getattr(self, "_split_ok", split_ok) != split_ok:
            self.text = None  # block boundaries depend on it: the next update re-splits
        self._split_ok = split_ok
        self._generation += 1

    # -- public entry points --------------------------------------------------------------
    def imports_hint(self, text: str, most: int = 512) -> Optional[tuple[dict, list[tuple[int, str]]]]:
        """(module bindings, the first top-level blocks as (offset, text)) of ``text``, when
        it is the text analysed last and every block of it parsed, else None: what a quick fix
        that adds an import needs to know of the file (quickfixes/imports.py, `prime`), without
        parsing it whole. The blocks stop after the first that does not start like an import
        (``most`` at the most)."""
        blocks, (_key, module) = self.blocks, self._module
        if self.text != text or module is None or self._whole_file or any(b.kind == ERROR for b in blocks):
            return None
        leading = []
        for block in blocks[:most]:
            at_line_start = block.start == 0 or text[block.start - 1] == "\n"
            if block.kind != TOP or not at_line_start or text[block.start:block.start + len(block.text)] != block.text:
                return None
            leading.append((block.start, block.text))
            if not block.text.lstrip().startswith(_IMPORT_LIKE):
                break
        return dict(module.bindings), leading

    def update(self, text: str, change: Optional[tuple[int, int, int]] = None) -> DocumentAnalysis:
        """Analyse ``text``, the document's new content.

        ``change``: optionally (start, old_end, new_end), character offsets of the region
        that differs between the previous text and ``text`` (see `compose_changes`); without
        it the region is found by comparing block texts.
        """
        began = time.perf_counter()
        stats = {"reparsed_chars": 0, "analysed_blocks": 0, "kept_blocks": 0}
        self._stats = stats
        if self.text is None or self._whole_file or ("\r" in text and text.count("\r") != text.count("\r\n")):
            self._rebuild(text, reuse=self.blocks)
        elif text != self.text:
            self._update(text, change)
        result = self._analyse()
        stats["blocks"] = len(self.blocks)
        stats["ms"] = (time.perf_counter() - began) * 1000
        result.stats = stats
        self.analysis = result
        return result

    # -- block maintenance ----------------------------------------------------------------
    def _rebuild(self, text: str, reuse: Sequence[Block]) -> None:
        """Split the whole text into blocks (one parse), reusing cached results by text."""
        old = {(b.kind, b.text, self._head_text(b)): b for b in reuse if b.kind != ERROR}
        self.text = text
        self._whole_file = "\r" in text and text.count("\r") != text.count("\r\n")
        if self._whole_file:
            source = SourceFile(text, self.path)
            tree = source.tree
            if tree is None:
                problem = problem_for(text, source.syntax_error)
                self.blocks = [Block(ERROR, 0, text, problem=problem)]
            else:
                self.blocks = [Block(TOP, 0, text, list(tree.body), source, 0, module_stmts=list(tree.body))]
            self._full_source = source
            return
        source = SourceFile(text, self.path)
        self._count(len(text))
        tree = source.tree
        if tree is not None:
            blocks = self._split(source, tree, 0, 0, len(text))
        else:
            blocks = self._split_unparsed(text)
        for block in blocks:
            prior = old.get((block.kind, block.text, self._head_text(block)))
            if prior is not None:
                block.key, block.pending, block.facts, block.errors = prior.key, prior.pending, prior.facts, prior.errors
        self.blocks = blocks
        self._full_source = source

    def _head_text(self, block: Block) -> Optional[str]:
        if block.kind != MEMBER or block.source is None or block.drop is None:
            return None
        return block.source.text[block.drop[0]:block.drop[1]]

    def _count(self, chars: int) -> None:
        stats = getattr(self, "_stats", None)
        if stats is not None:
            stats["reparsed_chars"] = stats.get("reparsed_chars", 0) + chars

    def _split(self, source: SourceFile, tree: ast.Module, base: int, lo: int, hi: int,
               allow_split: bool = True) -> list[Block]:
        """Blocks for the region [lo, hi) of ``source.text`` that parsed into ``tree``.

        ``base``: absolute offset of ``source.text[0]`` in the document.
        """
        stmts = tree.body
        starts = source.line_starts
        groups: list[list[ast.stmt]] = []
        for stmt in stmts:
            if groups and first_line(stmt) <= groups[-1][-1].end_lineno:
                groups[-1].append(stmt)
            else:
                groups.append([stmt])
        if not groups:
            return [Block(TOP, base + lo, source.text[lo:hi], [], source, lo)]
        bounds = [lo] + [starts[first_line(g[0]) - 1] for g in groups[1:]] + [hi]
        blocks: list[Block] = []
        for index, group in enumerate(groups):
            b_lo, b_hi = bounds[index], bounds[index + 1]
            node = group[0]
            if (
                allow_split and self._split_ok and len(group) == 1 and isinstance(node, ast.ClassDef)
                and node.end_lineno - first_line(node) >= self.class_split_lines
            ):
                split = self._split_class(source, node, base, b_lo, b_hi)
                if split:
                    blocks.extend(split)
                    continue
            blocks.append(Block(TOP, base + b_lo, source.text[b_lo:b_hi], list(group), source, b_lo,
                                module_stmts=list(group)))
        return blocks

    def _split_class(self, source: SourceFile, node: ast.ClassDef, base: int, lo: int, hi: int) -> Optional[list[Block]]:
        first = node.body[0]
        member_line = first_line(first)
        indent = line_indent(source, member_line)
        if not indent:
            return None  # the first member shares the header's line
        line = source.line_text(member_line - 1)
        if getattr(first, "decorator_list", None):
            if not line[len(indent):].startswith("@"):
                return None
        elif first.col_offset != len(indent.encode("utf-8")):
            return None  # `class A(\n    B): x = 1`
        head_hi = source.line_starts[member_line - 1]
        group = ClassGroup(indent)
        head_node = class_copy(node, [])
        blocks = [Block(HEAD, base + lo, source.text[lo:head_hi], [head_node], source, lo,
                        module_stmts=[head_node], group=group)]
        blocks.extend(self._member_blocks(source, node, base, head_hi, hi, (lo, head_hi), group))
        return blocks

    def _member_blocks(self, source: SourceFile, node: ast.ClassDef, base: int, lo: int, hi: int,
                       drop: tuple[int, int], group: ClassGroup) -> list[Block]:
        members: list[list[ast.stmt]] = []
        for stmt in node.body:
            if members and first_line(stmt) <= members[-1][-1].end_lineno:
                members[-1].append(stmt)
            else:
                members.append([stmt])
        starts = source.line_starts
        bounds = [lo] + [starts[first_line(m[0]) - 1] for m in members[1:]] + [hi]
        return [
            Block(MEMBER, base + bounds[k], source.text[bounds[k]:bounds[k + 1]], [class_copy(node, m)],
                  source, bounds[k], drop=drop, group=group)
            for k, m in enumerate(members)
        ]

    def _split_unparsed(self, text: str) -> list[Block]:
        """Initial split of a file that does not parse: line-based candidates, then parse each."""
        cuts = [0]
        previous = ""
        offset = 0
        find = text.find
        while True:
            line_end = find("\n", offset)
            line = text[offset: line_end if line_end != -1 else len(text)]
            first = line[:1]
            if offset and first and first not in " \t\f\r#)]}" and not previous.startswith("@") \
                    and not is_continuation(line):
                cuts.append(offset)
            if line.strip():
                previous = line
            if line_end == -1:
                break
            offset = line_end + 1
        cuts.append(len(text))
        cuts = sorted(set(cuts))
        pieces = [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1)] or [(0, len(text))]
        blocks: list[Block] = []
        k = 0
        while k < len(pieces):
            for width in range(0, _EXTENSIONS + 1):
                if k + width >= len(pieces):
                    break
                lo, hi = pieces[k][0], pieces[k + width][1]
                region = text[lo:hi]
                tree, _err = parse_text(region)
                if tree is not None:
                    blocks.extend(self._split(SourceFile(region, self.path), tree, lo, 0, len(region)))
                    k += width + 1
                    break
            else:
                blocks.extend(self._unparsed_piece(text, *pieces[k]))
                k += 1
                continue
            if tree is None:  # ran out of pieces while widening
                blocks.extend(self._unparsed_piece(text, *pieces[k]))
                k += 1
        return blocks

    def _unparsed_piece(self, text: str, lo: int, hi: int) -> list[Block]:
        """Blocks for a top-level piece that does not parse: a syntax-error block, or a large
        class split into its header and members of which only the broken ones are errors."""
        region = text[lo:hi]
        if self._split_ok and count_line_ends(region) > self.class_split_lines:
            split = self._unparsed_class(region, lo)
            if split is not None:
                return split
        _tree, err = parse_text(region)
        return [Block(ERROR, lo, region, problem=problem_for(region, err))]

    def _unparsed_class(self, text: str, base: int) -> Optional[list[Block]]:
        """Header and member blocks for a class ``text`` (at ``base``) that does not parse."""
        offsets = []
        offset = 0
        for line in split_lines(text, keepends=True):
            offsets.append(offset)
            offset += len(line)
        offsets.append(len(text))
        # The header: the text before the first member, which parses followed by a member.
        head_len = None
        indent = ""
        tries = 0
        for k in range(1, len(offsets) - 1):
            line = text[offsets[k]:offsets[k + 1]]
            stripped = line.lstrip(" \t\f")
            if not stripped.strip() or stripped.startswith("#") or len(stripped) == len(line):
                continue
            tries += 1
            if tries > 8:
                return None
            indent = line[: len(line) - len(stripped)]
            tree, _err = parse_text(text[:offsets[k]] + indent + "pass\n")
            if tree is not None:
                if len(tree.body) != 1 or not isinstance(tree.body[0], ast.ClassDef):
                    return None
                head_len = offsets[k]
                head_node = class_copy(tree.body[0], [])
                break
        if head_len is None:
            return None
        self._count(len(text))
        head_text = text[:head_len]
        group = ClassGroup(indent)
        head = Block(HEAD, base, head_text, [head_node], SourceFile(head_text + indent + "pass\n", self.path), 0,
                     module_stmts=[head_node], group=group)
        # Members: cut at lines that start a statement at the members' indentation.
        cuts = [head_len]
        previous = ""
        for k in range(len(offsets) - 1):
            if offsets[k] <= head_len:
                continue
            line = text[offsets[k]:offsets[k + 1]]
            if starts_member(line, 0, indent) and line[len(indent)] not in "#)]}" \
                    and not previous.startswith("@") and not is_continuation(line[len(indent):]):
                cuts.append(offsets[k])
            if line.strip() and line.startswith(indent) and not line[len(indent)].isspace():
                previous = line[len(indent):]
        cuts.append(len(text))
        pieces = [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1) if cuts[k] < cuts[k + 1]]
        blocks = [head]
        k = 0
        head_lines = count_line_ends(head_text)
        while k < len(pieces):
            for width in range(0, _EXTENSIONS + 1):
                if k + width >= len(pieces):
                    break
                lo, hi = pieces[k][0], pieces[k + width][1]
                member_text = head_text + text[lo:hi]
                tree, _err = parse_text(member_text)
                built = self._members_from(tree, member_text, head_len, base + lo, group) if tree else None
                if built is not None:
                    blocks.extend(built)
                    k += width + 1
                    break
            else:
                built = None
            if built is None:
                lo, hi = pieces[k]
                member_text = head_text + text[lo:hi]
                _tree, err = parse_text(member_text)
                whole = problem_for(member_text, err)
                size = hi - lo
                start = min(max(whole.start - head_len, 0), size)
                problem = ParseProblem(whole.message, start, min(max(whole.end - head_len, start), size))
                blocks.append(Block(ERROR, base + lo, text[lo:hi], group=group, problem=problem, head=head,
                                    head_lines=head_lines))
                k += 1
        return blocks

    def _update(self, new: str, change: Optional[tuple[int, int, int]]) -> None:
        old = self.text
        assert old is not None
        blocks = self.blocks
        n = len(blocks)
        delta = len(new) - len(old)
        if change is not None:
            start, old_end = change[0], change[1]
            i = max(0, bisect.bisect_right(blocks, start, key=start_of) - 1)
            j = max(i, bisect.bisect_right(blocks, max(old_end - 1, start), key=start_of) - 1)
            j = min(j, n - 1)
        else:
            i = 0
            startswith = new.startswith
            new_len = len(new)
            while i < n:
                b = blocks[i]
                if not startswith(b.text, b.start):
                    break
                if not b.text.endswith("\n") and b.end != new_len:
                    break
                i += 1
            j = n - 1
            floor = blocks[i].start if i < n else len(old)
            while j >= i:
                b = blocks[j]
                at = b.start + delta
                if at < floor or not startswith(b.text, at) or (at > 0 and new[at - 1] != "\n"):
                    break
                j -= 1
        # The region must end at a line boundary of the new text ...
        while j + 1 < n:
            hi = self._old_end(j) + delta
            if hi <= 0 or new[hi - 1] == "\n":
                break
            j += 1
        # ... and an indented first line continues the previous block (inside a split class:
        # a line indented deeper than its members continues the previous member).
        lo = blocks[i].start if i < n else len(old)
        if i > 0 and new[lo:lo + 1] in (" ", "\t", "\f"):
            group = blocks[i - 1].group
            if not (group is not None and (i == n or blocks[i].group is group or j < i)
                    and (blocks[i - 1].kind == HEAD or starts_member(new, lo, group.indent))):
                i -= 1
        if j == i - 1 and i > 0:
            # A pure insertion at a block boundary inside a split class joins a member, so only
            # members are re-parsed (text after the last member belongs to the class too).
            group = blocks[i - 1].group
            if group is not None and blocks[i - 1].kind != HEAD:
                i -= 1
            elif group is not None and i < n and blocks[i].group is group:
                j += 1
        a, b, replacement = self._reparse_region(i, j, new, delta)
        replacement = [blk for blk in replacement if blk.text]  # a deleted region leaves no block
        reuse_results(blocks[a:b + 1], replacement, self._head_text)
        for block in blocks[b + 1:]:
            block.start += delta
        blocks[a:b + 1] = replacement
        if not blocks:
            blocks.append(Block(TOP, 0, new, [], SourceFile(new, self.path), 0))
        self.text = new

    def _old_end(self, b: int) -> int:
        """End offset (in the old text) of block b; 0 for b = -1."""
        return self.blocks[b].end if b >= 0 else 0

    def _old_start(self, a: int) -> int:
        return self.blocks[a].start if a < len(self.blocks) else len(self.text or "")

    def _group_span(self, i: int, j: int) -> tuple[int, int]:
        """Widen i..j so no split class is cut (for re-parsing at the top level)."""
        blocks = self.blocks
        n = len(blocks)

        def group(k: int) -> Optional[ClassGroup]:
            return blocks[k].group if 0 <= k < n else None

        targets = {group(k) for k in range(max(i, 0), min(j, n - 1) + 1)} - {None}
        if group(i - 1) is not None and group(i - 1) is group(j + 1):
            targets.add(group(i - 1))  # an insertion between two members of one class
        if not targets:
            return i, j
        while i > 0 and group(i - 1) in targets:
            i -= 1
        while j + 1 < n and group(j + 1) in targets:
            j += 1
        return i, j

    def _reparse_region(self, i: int, j: int, new: str, delta: int) -> tuple[int, int, list[Block]]:
        """Re-parse old blocks i..j (j = i - 1: a pure insertion) in the new text.

        Returns (a, b, blocks): the old blocks a..b (a superset of i..j) to replace by blocks.
        """
        blocks = self.blocks
        n = len(blocks)

        # 1. Inside one split class: re-parse only the members, with the class header (the
        #    region, then widened by a member per side, twice).
        group = blocks[i].group if i <= j else None
        in_class = group is not None and all(
            blocks[k].kind in (MEMBER, ERROR) and blocks[k].group is group for k in range(i, j + 1))
        member_problem: Optional[ParseProblem] = None
        mi, mj = i, j
        if in_class:
            outcome = self._reparse_members(i, j, new, delta)
            if isinstance(outcome, tuple):
                return outcome
            member_problem = outcome
            if member_problem is not None:
                # A syntax error: the rest of the class, or of the file, may close what the
                # members opened; if not, only these members become a syntax-error block.
                # (Re-parsing the whole class from its header would cost twice the class's
                # parse time per keystroke in a huge class.)
                rest = self._reparse_member_rest(i, j, new, delta)
                if isinstance(rest, tuple):
                    return rest
                if rest is None:
                    return i, j, self._member_error(i, j, new, delta, member_problem, None)
        i, j = self._group_span(i, j)

        # 2. Top level: the region, then widened by a block per side, twice.
        first: Optional[tuple[int, int, int, str, Optional[SyntaxError]]] = None
        a, b = i, j
        for _attempt in range(_EXTENSIONS + 1):
            lo, hi = self._old_start(a), self._old_end(b) + delta
            region = new[lo:hi]
            self._count(len(region))
            tree, err = parse_text(region)
            if tree is not None:
                return a, b, self._split(SourceFile(region, self.path), tree, lo, 0, len(region))
            if first is None:
                first = (a, b, lo, region, err)
            if a <= 0 and b >= n - 1:
                break
            left = a if self._clean_class_before(a, new) else a - 1
            wider = self._group_span(max(left, 0), min(b + 1, n - 1))
            if wider == (a, b):
                break
            a, b = wider
        # 3. The rest of the file (all of it when an earlier block is broken too) may close
        #    what the region opened (a triple-quoted string), and then the file parses.
        if a > 0 or b < n - 1:
            start_block = 0 if any(blk.kind == ERROR for blk in blocks[:a]) else a
            lo = self._old_start(start_block)
            region = new[lo:]
            self._count(len(region))
            tree, err = parse_text(region)
            if tree is not None:
                return start_block, n - 1, self._split(SourceFile(region, self.path), tree, lo, 0, len(region))
        assert first is not None
        # 4a. Inside a split class, only the edited members become a syntax-error block: the
        #     header and the other members keep their findings and the class stays split.
        if in_class:
            return mi, mj, self._member_error(mi, mj, new, delta, member_problem, first)
        if mi <= mj and blocks[mi].kind in (MEMBER, ERROR) and blocks[mi].group is not None:
            # The region starts in a member and runs past the class's end: the members before
            # it are kept; a later class whose header it swallows is dropped whole.
            tail = blocks[mj].group
            if tail is not None and tail is not blocks[mi].group:
                while mj + 1 < n and blocks[mj + 1].group is tail:
                    mj += 1
            return mi, mj, self._member_error(mi, mj, new, delta, None, first)
        # 4b. A syntax-error block for the first region; the statements it replaces stay in
        #     the module context, so names imported there still resolve elsewhere.
        a, b, lo, region, err = first
        stale: list = []
        for blk in blocks[a:b + 1]:
            stale.extend(blk.module_stmts)
        return a, b, [Block(ERROR, lo, region, module_stmts=stale, problem=problem_for(region, err))]

    def _clean_class_before(self, a: int, new: str) -> bool:
        """Is block a - 1 the end of a split class without syntax-error blocks, and block a
        (unchanged start) not indented? Then that class is complete statements that cannot
        change how the region from block a parses, so the region is not widened into it
        (a failing parse of a huge class followed by the region costs twice its parse time)."""
        blocks = self.blocks
        if a <= 0 or a >= len(blocks) or blocks[a - 1].group is None:
            return False
        pos = blocks[a].start
        while True:  # the first line with code must not be indented (it would continue the class)
            end = new.find("\n", pos)
            line = new[pos:end if end != -1 else len(new)]
            code = line.lstrip(" \t\f\r")
            if code and not code.startswith("#"):
                if len(code) != len(line):
                    return False
                break
            if end == -1:
                break
            pos = end + 1
        group = blocks[a - 1].group
        k = a - 1
        while k >= 0 and blocks[k].group is group:
            if blocks[k].kind == ERROR:
                return False
            k -= 1
        return k + 1 < a and blocks[k + 1].kind == HEAD

    def _reparse_member_rest(self, i: int, j: int, new: str, delta: int):
        """After members i..j failed to parse: parse the class header with the members from
        just before the first broken one to the end of the class (the members before it are
        complete statements, so this parses exactly when the class does), then with the rest of
        the file (or the whole file when a block before the class is broken too).

        Returns (a, b, blocks) when the rest of the class parses as its members; True when the
        class's structure changed or the file parses (re-parse at the top level); None when
        none of it parses (the members become a syntax-error block).
        """
        blocks = self.blocks
        group = blocks[i].group
        head_index = i
        while head_index > 0 and blocks[head_index].kind != HEAD:
            head_index -= 1
        head = blocks[head_index]
        if head.kind != HEAD or head.group is not group:
            return True
        last = j
        while last + 1 < len(blocks) and blocks[last + 1].group is group:
            last += 1
        first = i
        for k in range(head_index + 1, i):
            if blocks[k].kind == ERROR:
                first = k
                break
        # one complete member before: the text is never a class without a statement
        if first - 1 > head_index and blocks[first - 1].kind == MEMBER and blocks[first - 1].has_statements:
            first -= 1
        lo = blocks[first].start
        hi = blocks[last].end + delta
        text = head.text + new[lo:hi]
        self._count(len(text))
        tree, _err = parse_text(text)
        if tree is not None:
            built = self._members_from(tree, text, len(head.text), lo, group)
            return (first, last, built) if built is not None else True
        if any(blk.kind == ERROR for blk in blocks[:head_index]):
            text = new
        elif last + 1 < len(blocks):
            text = head.text + new[lo:]
        else:
            return None  # the class ends the file: that was the rest of the file
        self._count(len(text))
        tree, _err = parse_text(text)
        return True if tree is not None else None

    def _member_error(self, i: int, j: int, new: str, delta: int, problem: Optional[ParseProblem],
                      first: Optional[tuple[int, int, int, str, Optional[SyntaxError]]]) -> list[Block]:
        """The blocks replacing members i..j of a split class whose new text does not parse."""
        group = self.blocks[i].group
        lo, hi = self.blocks[i].start, self.blocks[j].end + delta
        region = new[lo:hi]
        stale: list = []  # top-level statements replaced (a region running past the class)
        for blk in self.blocks[i:j + 1]:
            stale.extend(blk.module_stmts)
        if not region.strip():
            # The members were deleted (the class fails elsewhere): nothing to analyse here.
            return [Block(MEMBER, lo, region, group=group)] if region else []
        if problem is None:
            # The region parses with the class header, the class does not: report the class's
            # syntax error, placed inside this region.
            assert first is not None
            _a, _b, first_lo, first_region, err = first
            whole = problem_for(first_region, err)
            shift = lo - first_lo
            size = len(region)
            start = min(max(whole.start - shift, 0), size)
            lines_before = new.count("\n", first_lo, lo)
            message = LINE_REF.sub(lambda m: f"line {int(m.group(1)) - lines_before}", whole.message)
            problem = ParseProblem(message, start, min(max(whole.end - shift, start), size))
            return [Block(ERROR, lo, region, group=group, problem=problem, module_stmts=stale)]
        head_index = i
        while head_index > 0 and self.blocks[head_index].kind != HEAD:
            head_index -= 1
        head = self.blocks[head_index]
        if head.group is not group:
            return [Block(ERROR, lo, region, group=group, problem=problem, module_stmts=stale)]
        return [Block(ERROR, lo, region, group=group, problem=problem, module_stmts=stale, head=head,
                      head_lines=count_line_ends(head.text))]

    def _reparse_members(self, i: int, j: int, new: str, delta: int):
        """Re-parse members i..j of one split class with the class header.

        Returns (a, b, blocks) when the members (widened by up to _EXTENSIONS members per side)
        parse as members of the class; otherwise the syntax error of the first attempt
        (a ParseProblem relative to the region's start), or None when the region is empty or
        does not parse as members of the class (then the class is re-parsed at the top level).
        """
        blocks = self.blocks
        group = blocks[i].group
        head_index = i
        while head_index > 0 and blocks[head_index].kind != HEAD:
            head_index -= 1
        head = blocks[head_index]
        if head.kind != HEAD or head.group is not group:
            return None
        head_len = len(head.text)
        last = j
        while last + 1 < len(blocks) and blocks[last + 1].group is group:
            last += 1
        problem: Optional[ParseProblem] = None
        a, b = i, j
        for attempt in range(_EXTENSIONS + 1):
            lo, hi = blocks[a].start, blocks[b].end + delta
            region = new[lo:hi]
            if not region:
                if a == i and b == j and (i > head_index + 1 or j < last):
                    return i, j, []  # whole members deleted, others remain: nothing to parse
                return None  # the class lost every member: re-split it at the top level
            if not region.strip():
                return None  # members replaced by blank lines: re-split the class at the top level
            text = head.text + region
            self._count(len(text))
            tree, err = parse_text(text)
            if tree is not None:
                built = self._members_from(tree, text, head_len, lo, group)
                return (a, b, built) if built is not None else problem
            if attempt == 0:
                whole = problem_for(text, err)
                size = len(region)
                start = min(max(whole.start - head_len, 0), size)
                problem = ParseProblem(whole.message, start, min(max(whole.end - head_len, start), size))
            if a <= head_index + 1 and b >= last:
                break
            a, b = max(a - 1, head_index + 1), min(b + 1, last)
        return problem

    def _members_from(self, tree: ast.Module, text: str, head_len: int, lo: int,
                      group: Optional[ClassGroup]) -> Optional[list[Block]]:
        """Member blocks from ``tree`` (class header + members text), or None when the text
        is not the header followed by members at the class's member indentation."""
        if group is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.ClassDef):
            return None
        node = tree.body[0]
        source = SourceFile(text, self.path)
        for stmt in node.body:
            line = first_line(stmt)
            if source.line_starts[line - 1] < head_len or line_indent(source, line) != group.indent:
                return None
        return self._member_blocks(source, node, lo - head_len, head_len, len(text), (0, head_len), group)

    # -- analysis ---------------------------------------------------------------------------
    def _analyse(self) -> DocumentAnalysis:
        text = self.text or ""
        source = getattr(self, "_full_source", None)
        if source is None or source.text is not text:
            source = SourceFile(text, self.path)
        self._full_source = source
        # Statement ends for suppressions, tokenized per block when asked (not the whole text).
        source._logical_lines = PiecewiseLogicalLines([(source.line_of(b.start), b) for b in self.blocks])
        problems = [_problem_of(b, source) for b in self.blocks if b.kind == ERROR and b.problem is not None]
        if skip_file(text):
            return DocumentAnalysis(source, [], [], [])  # like analyze_source: not checked at all
        statements: list = []
        for b in self.blocks:
            statements.extend(b.module_stmts)
        module = module_context(statements)
        if self._deps and _deps_changed(self._deps):
            self._generation += 1  # a module our cross-module names came from changed
            self._deps = {}
        key = (module.key(), self._generation)
        # An edit that changes the module context (a new import, a removed constant) keeps
        # every block that read nothing it changed (core/module_reads.py).
        previous_key, previous = self._module
        changed = None
        if previous is not None and previous_key != key and previous_key[1] == self._generation:
            changed = (changed_keys(previous.bindings, module.bindings), changed_keys(previous.classes, module.classes))
        self._module = (key, module)
        external = None
        stats = self._stats
        pending: list[PendingFinding] = []
        facts: set = set()
        errors: list[RuleError] = []
        for b in self.blocks:
            if b.kind == ERROR:
                continue
            if b.key != key:
                if changed is not None and b.key == previous_key and b.reads is not None \
                        and still_valid(b.reads, changed[0], changed[1], module):
                    b.key = key
                    stats["kept_blocks"] += 1
                else:
                    if external is None and self.project is not None:
                        external = self.project.for_file(self.path)
                    self._analyse_block(b, module, external)
                    b.key = key
                    stats["analysed_blocks"] += 1
            if b.pending:
                pending.extend(b.shifted_pending())
            if b.facts:
                facts |= b.facts
            if b.errors:
                errors.extend(b.errors)
        if external is not None:
            self._deps.update(external.consulted)
        if not self._whole_file:
            self._park(source)
        findings = finalize(source, pending, frozenset(facts), self.active, self.file, self.config)
        unique_errors = list(dict.fromkeys(errors))
        return DocumentAnalysis(source, findings, unique_errors, problems)

    def _park(self, source: SourceFile) -> None:
        """After an analysis: every block lets its statements go, every source its tree."""
        sources = {id(source): source}
        for b in self.blocks:
            b.park()
            if b.source is not None:
                sources[id(b.source)] = b.source
        for kept in sources.values():
            kept.forget_tree()

    def _unpark(self, block: Block) -> None:
        """Parse a parked block again: its own text (a member with its class header), as an
        edited region is parsed; the statements are then positioned in a source of that text."""
        old = block.source
        assert old is not None
        if block.kind == MEMBER:
            head = self._head_text(block) or ""
            text = head + block.text
            tree, _err = parse_text(text)
            if (tree is not None and len(tree.body) == 1 and isinstance(tree.body[0], ast.ClassDef)
                    and len(tree.body[0].body) == block.parked):
                node = tree.body[0]
                block.statements = [class_copy(node, list(node.body))]
                block.source, block.origin, block.drop = SourceFile(text, self.path), len(head), (0, len(head))
                return
        else:
            tree, _err = parse_text(block.text)
            if tree is not None and len(tree.body) == block.parked:
                block.statements = list(tree.body)
                block.source, block.origin = SourceFile(block.text, self.path), 0
                return
        block.statements = self._statements_in(old, block)

    def _statements_in(self, source: SourceFile, block: Block) -> list:
        """The statements of ``block`` out of a parse of the whole text it was parsed from
        (that text parsed before, so this always finds them): for a text that does not parse
        alone as it did there."""
        tree, _err = parse_text(source.text)
        if tree is None:
            return []
        starts = source.line_starts
        lo, hi = block.origin, block.origin + len(block.text)

        def inside(stmt: ast.stmt) -> bool:
            return lo <= starts[first_line(stmt) - 1] < hi

        if block.kind != MEMBER:
            return [stmt for stmt in tree.body if inside(stmt)]
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                members = [stmt for stmt in node.body if inside(stmt)]
                if members:
                    return [class_copy(node, members)]
        return []

    def _analyse_block(self, block: Block, module: ModuleContext, external=None) -> None:
        block._shifted_at = -1
        if block.statements is None:
            self._unpark(block)
        if not block.statements or block.source is None:
            block.pending, block.facts, block.errors = [], frozenset(), []
            block.reads = ModuleReads()  # nothing to analyse reads nothing
            return
        reads = ModuleReads()
        result = analyze_block(block.source, block.statements, self.file, self.config, module.recording(reads),
                               self.active, external)
        block.reads = reads
        origin = block.origin
        drop = block.drop
        kept = []
        for item in result.pending:
            finding = item.finding
            if drop is not None and drop[0] <= finding.start < drop[1]:
                continue
            kept.append(PendingFinding(finding.shifted(-origin), item.condition) if origin else item)
        block.pending = kept
        block.facts = result.facts
        block.errors = list(result.errors)


def _deps_changed(deps: dict) -> bool:
    """Has any file in ``deps`` (path -> (mtime_ns, size) or None) changed on disk?"""
    for path, stamp in deps.items():
        try:
            st = os.stat(path)
        except OSError:
            if stamp is not None:
                return True
            continue
        if stamp != (st.st_mtime_ns, st.st_size):
            return True
    return False


def _problem_of(block: Block, source: SourceFile) -> ParseProblem:
    """An ERROR block's problem; a block that is valid for a newer Python says so instead."""
    problem = document_problem(block, source)
    line = source.line_text(source.line_of(min(problem.start, len(source.text))))
    if not could_be_newer_syntax(line):
        return problem
    needed = fragment_needs_newer_python(block.text)
    if needed is None:
        return problem
    return ParseProblem(not_checked_message(needed), problem.start, problem.end, NEWER_SYNTAX)


__all__ = ["DocumentAnalysis", "DocumentAnalyzer", "compose_changes"]
