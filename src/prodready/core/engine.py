"""The engine: runs the selected rules over a file in ONE tree walk.

A dispatch table (node type -> bound visitor methods) is built per set of enabled rules, so
fifty rules cost one walk, not fifty. The walk keeps the scope stack for name resolution
and the context rules query (function, class, except handler, main guard).

The server analyses a file block by block (top-level statements) and caches each block's
result; the CLI analyses whole files. Both go through `analyze_block` and `finalize`, so a
finding is the same whichever way it was computed.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence

from prodready.core.astutil import CONTEXT_FIELDS, SCALAR_FIELDS
from prodready.core.config import Config
from prodready.core.context import Context, ModuleContext, PendingFinding
from prodready.core.fileinfo import FileInfo
from prodready.core.production import is_template_path, root_relative
from prodready.core.findings import Finding, ParseProblem, RuleError
from prodready.core.frameworks import class_table
from prodready.core.gcpause import paused_gc
from prodready.core.newlines import count_line_ends
from prodready.core.names import ExternalResolver, NameResolver
from prodready.core.newer_syntax import NEWER_SYNTAX, could_be_newer_syntax, newer_python_needed, not_checked_message
from prodready.core.rule import Rule
from prodready.core.source import SourceFile
from prodready.core.suppress import is_suppressed, skip_file

if TYPE_CHECKING:
    from prodready.core.crossmodule import ProjectResolver

MAX_FILE_BYTES = 5 * 1024 * 1024  # larger files are reported, not analysed

_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
# Statements whose bindings a function scope records after / before walking their children.
_AST = ast.AST
_BIND_AFTER = frozenset({ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom})
_BIND_BEFORE = frozenset({ast.For, ast.AsyncFor, ast.With, ast.AsyncWith})
_NO_CHILDREN = frozenset({ast.Constant})  # its ``value`` is a Python value, not a node


class RuleSet:
    """The enabled rules for one file and their dispatch table (built once, reused)."""

    _cache: dict[tuple, "RuleSet"] = {}

    def __init__(self, rules: Sequence[type[Rule]]) -> None:
        self.rules = tuple(rules)
        self.table: dict[type, list[tuple[int, str]]] = {}
        self.leave_table: dict[type, list[tuple[int, str]]] = {}
        for index, rule in enumerate(self.rules):
            for node_type, kinds in rule.handlers().items():
                cls = getattr(ast, node_type, None)
                if not isinstance(cls, type):
                    continue
                for kind in kinds:
                    target = self.table if kind == "visit" else self.leave_table
                    target.setdefault(cls, []).append((index, f"{kind}_{node_type}"))
        self.shapes: dict[type, tuple] = {}  # node type -> (bind, fields to walk), see shape()
        leaf_types = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
        self.visits_leaf_nodes = any(issubclass(cls, leaf_types) for cls in (*self.table, *self.leave_table))
        # Nodes with nothing below them that no rule visits: the walk does not even call
        # itself for them (a bare name is a third of all nodes).
        leaves = {ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal}
        if not self.visits_leaf_nodes:
            leaves.add(ast.Name)  # its only other field is ``ctx``, skipped then
        self.inert = frozenset(t for t in leaves if t not in self.table and t not in self.leave_table)

    def shape(self, cls: type) -> tuple[int, tuple[str, ...]]:
        """(bind, fields to walk) for a node type, worked out once per rule set (thousands of
        blocks share it). Load/Store contexts and operator nodes (``ctx``, ``op``, ``ops``)
        are a third of all nodes and no rule visits them, so they are skipped unless some
        rule asks for them; fields that never hold a node are not read at all."""
        shape = self.shapes.get(cls)
        if shape is None:
            bind = 1 if cls in _BIND_BEFORE else 2 if cls in _BIND_AFTER else 0
            skip = SCALAR_FIELDS if self.visits_leaf_nodes else SCALAR_FIELDS | CONTEXT_FIELDS
            fields = () if cls in _NO_CHILDREN else tuple(name for name in cls._fields if name not in skip)
            shape = self.shapes[cls] = (bind, fields)
        return shape

    @classmethod
    def for_rules(cls, rules: Sequence[type[Rule]]) -> "RuleSet":
        key = tuple(rules)
        cached = cls._cache.get(key)
        if cached is None:
            cached = cls._cache[key] = RuleSet(rules)
        return cached


def enabled_rules(rules: Iterable[type[Rule]], config: Config, path: Optional[str],
                  file: Optional[FileInfo] = None) -> list[type[Rule]]:
    # Project rules (core/project/rule.py) read the whole project, not one tree.
    # Rules with ``production_only`` stay quiet on tests and tooling (core/production.py).
    tooling = file is not None and not file.is_production
    return [rule for rule in rules if not getattr(rule, "project_rule", False) and config.rule_enabled(rule, path)
            and not (tooling and getattr(rule, "production_only", False))]


def module_context(statements: Sequence[ast.stmt]) -> ModuleContext:
    """Module-wide bindings and top-level classes every block of the file needs."""
    bindings = NameResolver.module_bindings(statements)
    resolver = NameResolver(bindings)
    return ModuleContext(bindings, class_table(statements, resolver))


@dataclass
class BlockResult:
    """What analysing one block (or a whole file) produced, offsets relative to that text."""

    pending: list[PendingFinding] = field(default_factory=list)
    facts: frozenset = frozenset()
    errors: list[RuleError] = field(default_factory=list)
    python_facts: Optional[object] = None  # the project check's facts, when asked for (``also``)

    def shifted(self, delta: int) -> list[PendingFinding]:
        if not delta:
            return self.pending
        return [PendingFinding(p.finding.shifted(delta), p.condition) for p in self.pending]


@dataclass
class Analysis:
    """The result for one file."""

    findings: list[Finding]
    errors: list[RuleError] = field(default_factory=list)
    problem: Optional[ParseProblem] = None
    source: Optional[SourceFile] = None
    # Other project files whose contents the findings depend on (cross-module names):
    # path -> (mtime_ns, size) or None when missing, as read during the analysis.
    dependencies: dict = field(default_factory=dict)
    # Regions that were not checked because they use syntax newer than the running Python
    # (core/newer_syntax.py); the rest of the file was.
    notices: list[ParseProblem] = field(default_factory=list)
    # The project check's facts of the module (core/project/python_facts.py), when
    # `analyze_source` was asked to gather them during its walk and the walk finished.
    python_facts: Optional[object] = None


class _Walker:
    """One walk over a tree, dispatching to every rule's visitors."""

    def __init__(self, ctx: Context, ruleset: RuleSet) -> None:
        self.ctx = ctx
        # Rule instances and their bound visitors are made on first use: a block of a large
        # document meets a few node types, and making all of them for each of thousands of
        # blocks was most of the time a huge file's first analysis took.
        self.ruleset = ruleset
        self.instances: list[Optional[Rule]] = [None] * len(ruleset.rules)
        self.failed: set[int] = set()
        self.plans: dict[type, tuple] = {}

    def _instance(self, index: int) -> Rule:
        instance = self.instances[index]
        if instance is None:
            instance = self.instances[index] = self.ruleset.rules[index](self.ctx)
        return instance

    def _bound(self, entries: Optional[list[tuple[int, str]]]) -> Optional[list]:
        """(rule instance, bound method) for one node type's table entries, failed rules left out."""
        if not entries:
            return None
        bound = []
        for index, method in entries:
            if index not in self.failed:
                instance = self._instance(index)
                bound.append((instance, getattr(instance, method)))
        return bound or None

    def _fail(self, rule: Rule, exc: BaseException) -> None:
        """A rule raised: record it and skip that rule for the rest of this file."""
        self.ctx.record_rule_error(rule, exc)
        for index, instance in enumerate(self.instances):
            if instance is rule:
                self.failed.add(index)
        self.plans.clear()  # rebuilt without the failed rule

    def run(self, statements: Sequence[ast.stmt]) -> None:
        for stmt in statements:
            self.walk(stmt)
        for index, cls in enumerate(self.ruleset.rules):
            if index in self.failed or (self.instances[index] is None and cls.finish is Rule.finish):
                continue  # never visited and nothing to finish: no instance needed
            rule = self._instance(index)
            try:
                rule.finish(self.ctx)
            except Exception as exc:  # noqa: BLE001 - a broken rule must not break the file
                self._fail(rule, exc)

    def _plan(self, cls: type) -> tuple:
        """Everything the walk needs to know about a node type, looked up once per type."""
        ruleset = self.ruleset
        bind, fields = ruleset.shape(cls)
        plan = (self._bound(ruleset.table.get(cls)), _SPECIAL.get(cls), bind, fields,
                self._bound(ruleset.leave_table.get(cls)))
        self.plans[cls] = plan
        return plan

    def walk(self, node: ast.AST) -> None:
        cls = node.__class__
        plan = self.plans.get(cls)
        if plan is None:
            plan = self._plan(cls)
        visitors, special, bind, fields, leavers = plan
        ctx = self.ctx
        if visitors:
            for rule, fn in visitors:
                try:
                    fn(node, ctx)
                except Exception as exc:  # noqa: BLE001
                    self._fail(rule, exc)
        if bind == 1 and ctx.functions:
            ctx.names.bind_statement(node)  # `with x() as s:` binds s for its body
        parents = ctx.parents
        parents.append(node)
        if special is not None:
            special(self, node)  # an unbound _Walker method: a bound one kept here would be a cycle
        else:
            walk = self.walk
            inert = self.ruleset.inert
            for name in fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    for item in value:
                        if isinstance(item, _AST) and item.__class__ not in inert:
                            walk(item)
                elif isinstance(value, _AST) and value.__class__ not in inert:
                    walk(value)
        parents.pop()
        if bind == 2:
            if ctx.functions:
                ctx.names.bind_statement(node)
            if cls is ast.Assign and ctx.excepts:
                ctx.note_assignment(node)  # type: ignore[arg-type]
        if leavers:
            for rule, fn in leavers:
                try:
                    fn(node, ctx)
                except Exception as exc:  # noqa: BLE001
                    self._fail(rule, exc)

    def _walk_all(self, nodes: Iterable[Optional[ast.AST]]) -> None:
        for node in nodes:
            if node is not None:
                self.walk(node)

    def _function(self, node) -> None:
        ctx = self.ctx
        self._walk_all(node.decorator_list)
        self.walk(node.args)
        if node.returns is not None:
            self.walk(node.returns)
        if ctx.functions:
            ctx.names.bind(node.name, None)
        owner = ctx.parents[-2] if len(ctx.parents) > 1 else None
        class_node = owner if isinstance(owner, ast.ClassDef) else None
        ctx.enter_function(node, class_node)
        ctx.names.push("function", node)
        ctx.names.bind_arguments(node.args)
        self._walk_all(node.body)
        ctx.names.pop()
        ctx.functions.pop()

    def _lambda(self, node: ast.Lambda) -> None:
        ctx = self.ctx
        self.walk(node.args)
        ctx.enter_function(node, None)
        ctx.names.push("lambda", node)
        ctx.names.bind_arguments(node.args)
        self.walk(node.body)
        ctx.names.pop()
        ctx.functions.pop()

    def _class(self, node: ast.ClassDef) -> None:
        ctx = self.ctx
        self._walk_all(node.decorator_list)
        self._walk_all(node.bases)
        self._walk_all(node.keywords)
        if ctx.functions:
            ctx.names.bind(node.name, None)
        ctx.classes.append(node)
        ctx.names.push("class", node)
        self._walk_all(node.body)
        ctx.names.pop()
        ctx.classes.pop()

    def _except(self, node: ast.ExceptHandler) -> None:
        ctx = self.ctx
        if node.type is not None:
            self.walk(node.type)
        from prodready.core.context import ExceptFrame

        ctx.excepts.append(ExceptFrame(node, {node.name} if node.name else set()))
        if node.name and ctx.functions:
            ctx.names.bind(node.name, None)
        self._walk_all(node.body)
        ctx.excepts.pop()

    def _if(self, node: ast.If) -> None:
        ctx = self.ctx
        self.walk(node.test)
        guard = not ctx.functions and is_main_guard(node.test)
        if guard:
            ctx.main_guard_depth += 1
        self._walk_all(node.body)
        if guard:
            ctx.main_guard_depth -= 1
        self._walk_all(node.orelse)


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either operand order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    operands = [test.left, test.comparators[0]]
    has_name = any(isinstance(o, ast.Name) and o.id == "__name__" for o in operands)
    has_main = any(isinstance(o, ast.Constant) and o.value == "__main__" for o in operands)
    return has_name and has_main


# Node types the walker handles itself (scopes, except handlers, main guards).
_SPECIAL: dict[type, Callable[["_Walker", ast.AST], None]] = {
    ast.FunctionDef: _Walker._function,
    ast.AsyncFunctionDef: _Walker._function,
    ast.Lambda: _Walker._lambda,
    ast.ClassDef: _Walker._class,
    ast.ExceptHandler: _Walker._except,
    ast.If: _Walker._if,
}


def analyze_block(
    source: SourceFile,
    statements: Sequence[ast.stmt],
    file: FileInfo,
    config: Config,
    module: ModuleContext,
    rules: Sequence[type[Rule]],
    external: Optional[ExternalResolver] = None,
) -> BlockResult:
    """Run ``rules`` over ``statements`` (parsed from ``source``) in one walk.

    ``external``: the cross-module hook for this file (`ProjectResolver.for_file`), or None.
    """
    ctx = Context(source, file, config, module, external)
    walker = _Walker(ctx, RuleSet.for_rules(rules))
    limit = sys.getrecursionlimit()
    try:
        if limit < 6000:
            sys.setrecursionlimit(6000)
        walker.run(statements)
    except RecursionError:
        ctx.errors.append(RuleError("PR000", "engine", "the code is nested too deeply to analyse completely"))
    finally:
        sys.setrecursionlimit(limit)
    # A pending finding's condition may be a closure over its rule, whose ``ctx`` held this
    # very list: that cycle kept the whole tree alive until a full collection (and made each
    # collection walk every tree of the run). Handing the list over breaks it.
    pending, ctx.pending = ctx.pending, []
    return BlockResult(pending, frozenset(ctx.facts), ctx.errors, ctx.python_facts)


def finalize(
    source: SourceFile,
    pending: Iterable[PendingFinding],
    facts: frozenset,
    rules: Sequence[type[Rule]],
    file: FileInfo,
    config: Config,
) -> list[Finding]:
    """Module-wide conditions, module checks, severity overrides, suppressions, ordering."""
    by_code = {rule.code: rule for rule in rules}
    kept: dict[tuple, Finding] = {}
    candidates = list(pending)
    for rule in rules:
        check_module = getattr(rule, "check_module", None)
        if check_module is not None:
            for finding in check_module(source, file, config):
                candidates.append(PendingFinding(finding, None))
    # Only rules the user configured a severity for; others keep each finding's own severity
    # (rules lower it in dev settings, on DRF views, ...).
    overrides = {code: level for code, rule in by_code.items()
                 if (level := config.severity_for(rule, None)) is not None}
    for item in candidates:
        finding = item.finding
        if item.condition is not None and not item.condition(facts):
            continue
        rule = by_code.get(finding.code)
        if rule is None:
            continue
        level = overrides.get(finding.code)
        if level is not None:
            finding = Finding(finding.code, finding.name, level, finding.message,
                              finding.start, finding.end, finding.fixes, finding.tags)
        if is_suppressed(source, finding.code, finding.name, finding.start, finding.end,
                         rule.equivalent_codes):
            continue
        kept.setdefault((finding.code, finding.start, finding.end), finding)
    return sorted(kept.values(), key=lambda f: (f.start, f.code, f.end))


@paused_gc()
def analyze_source(
    source: SourceFile,
    config: Config,
    rules: Sequence[type[Rule]],
    file: Optional[FileInfo] = None,
    project: Optional["ProjectResolver"] = None,
    also: Sequence[type[Rule]] = (),
) -> Analysis:
    """Analyse one whole file with the rules ``config`` enables for its path.

    ``project``: resolve names imported from the project's other modules (lazily, only for
    names a rule asks about; see core/crossmodule.py). None: this file alone.
    ``also``: visitors that find nothing but join the walk whatever the configuration
    (`FactsDuringWalk`: the project check's facts, then in ``Analysis.python_facts``).
    """
    file = file or FileInfo.for_path(root_relative(source.path, config.root), config.option("entrypoints", ()))
    if skip_file(source.text):
        return Analysis([], source=source)
    active = enabled_rules(rules, config, source.path, file)
    tree = source.tree
    if tree is None and is_template_path(file.path):
        return Analysis([], source=source)  # a cookiecutter/Jinja template tree: not Python yet
    if tree is None:
        newer = _analyze_newer_syntax(source, config, rules)
        if newer is not None:
            return newer
        start, end = source.syntax_error_range()
        err = source.syntax_error
        message = f"SyntaxError: {err.msg if err else 'invalid syntax'}"
        return Analysis([], problem=ParseProblem(message, start, end), source=source)
    module = module_context(tree.body)
    external = project.for_file(source.path) if project is not None else None
    result = analyze_block(source, tree.body, file, config, module, [*active, *also] if also else active, external)
    findings = finalize(source, result.pending, result.facts, active, file, config)
    dependencies = {}
    if project is not None:
        dependencies = dict(external.consulted)  # type: ignore[union-attr]
        project.adopt(source.path, source.text, tree, module.bindings)  # files importing it: no re-parse
    errors = [e for e in result.errors if all(e.name != extra.name for extra in also)] if also else result.errors
    return Analysis(findings, errors, None, source, dependencies, python_facts=result.python_facts)


def nul_byte_problem(data) -> str:
    """Where the first NUL byte is (bytes or text): Python cannot compile such a file."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    index = text.index("\x00")
    line = count_line_ends(text[:index]) + 1
    return f"file contains NUL bytes (binary?); the first is on line {line}"


def decode_source(data: bytes) -> tuple[Optional[str], Optional[str]]:
    """(text, None) or (None, why not) for a file's bytes; honours PEP 263 coding cookies."""
    if len(data) > MAX_FILE_BYTES:
        return None, f"file is too large to analyse ({len(data) // 1024} KiB > {MAX_FILE_BYTES // 1024} KiB)"
    if b"\x00" in data:  # anywhere: the same answer for a NUL in the first line or the last
        return None, nul_byte_problem(data)
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return None, _undecodable(data, "utf-8", str(exc))
    try:
        text = data.decode(encoding)
    except LookupError:
        return None, f"declares an unknown encoding {encoding!r}"
    except UnicodeDecodeError:
        return None, _undecodable(data, encoding, "")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def _undecodable(data: bytes, encoding: str, detail: str) -> str:
    """Where the bytes stop being valid ``encoding``, in words a user can act on."""
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            line = data.count(b"\n", 0, exc.start) + 1
            return (f"not valid {encoding}: byte 0x{data[exc.start]:02x} on line {line}; "
                    "save the file as UTF-8 or declare its encoding (# -*- coding: latin-1 -*-)")
    return f"cannot decode: {detail}" if detail else f"not valid {encoding}"


def _analyze_newer_syntax(source: SourceFile, config: Config, rules: Sequence[type[Rule]]) -> Optional[Analysis]:
    """A file valid only for a newer Python: analyse the statements this Python parses (block
    by block, as the server does mid-edit) and name the others once. None: a real syntax error."""
    err = source.syntax_error
    if err is None or getattr(err, "from_parser", True) is False:
        return None
    line = source.line_text(max(min((err.lineno or 1) - 1, len(source.line_starts) - 1), 0))
    if not could_be_newer_syntax(line) and not could_be_newer_syntax(err.text or ""):
        return None
    needed = newer_python_needed(source.text)
    if needed is None:
        return None
    from prodready.core.incremental import DocumentAnalyzer  # incremental builds on this module

    try:
        result = DocumentAnalyzer(source.path, config, rules).update(source.text)
    except RecursionError:
        return None  # too deeply nested for block analysis too: report it as the parser did
    message = not_checked_message(needed)
    # The whole file is valid for ``needed``: every region this Python cannot parse is such code.
    notices = [p if p.kind == NEWER_SYNTAX else ParseProblem(message, p.start, p.end, NEWER_SYNTAX)
               for p in result.problems] or [ParseProblem(message, 0, 0, NEWER_SYNTAX)]
    return Analysis(list(result.findings), list(result.errors), source=source, notices=notices)

