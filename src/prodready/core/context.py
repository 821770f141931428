"""Context: what a rule sees while the engine walks one file (or one block of it).

It holds the scope stack for name resolution and the facts rules keep asking for: which
function and class we are in, whether that function is a request handler, whether we are in
an ``except ... as e`` handler and which names carry the exception, whether code runs at
import time or under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Optional, Union

from prodready.core.config import Config
from prodready.core.fileinfo import FileInfo
from prodready.core.findings import Finding, FixOffer, RuleError, Severity
from prodready.core.frameworks import handler_kind, resolve_bases
from prodready.core.module_reads import ModuleReads, RecordingBindings
from prodready.core.names import ExternalResolver, NameResolver
from prodready.core.source import SourceFile

if TYPE_CHECKING:
    from prodready.core.rule import Rule


MUTABLE_CONTAINER_CALLS = frozenset({
    "dict", "list", "set", "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
    "collections.deque", "builtins.dict", "builtins.list", "builtins.set",
})


@dataclass
class FunctionFrame:
    node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
    handler: Optional[str]  # "route", "socket", "task", "view" or None
    class_node: Optional[ast.ClassDef] = None


@dataclass
class ExceptFrame:
    node: ast.ExceptHandler
    # Names whose value is (derived from) the caught exception: ``e``, ``msg = str(e)``.
    tainted: set[str] = field(default_factory=set)


@dataclass
class ModuleContext:
    """Module-wide knowledge a block needs: bindings and top-level classes (see names.py)."""

    bindings: dict
    classes: dict
    _derived: dict = field(default_factory=dict, repr=False, compare=False)
    reads = None  # a `RecordingModule` says what its block read (core/module_reads.py)

    def key(self) -> int:
        return hash((tuple(sorted(self.bindings.items(), key=lambda kv: kv[0])),
                     tuple(sorted(self.classes.items()))))

    def derived(self, key: object, compute):
        """``compute(bindings)``, a fact about the whole module, worked out once per context
        (not once per block). ``compute`` must depend on the bindings only: the incremental
        analyzer re-runs it on a changed module to see whether a block's answer still holds."""
        store = self._derived
        if key not in store:
            store[key] = compute(self.bindings)
        return store[key]

    def recording(self, reads: ModuleReads) -> "RecordingModule":
        return RecordingModule(self, reads)


class RecordingModule:
    """A `ModuleContext` as one block sees it, writing down what the block reads of it."""

    __slots__ = ("module", "reads", "bindings", "classes")

    def __init__(self, module: ModuleContext, reads: ModuleReads) -> None:
        self.module = module
        self.reads = reads
        self.bindings = RecordingBindings(module.bindings, reads.names, reads)
        self.classes = RecordingBindings(module.classes, reads.classes, reads)

    @property
    def plain_bindings(self) -> dict:
        return self.module.bindings

    def derived(self, key: object, compute):
        value = self.module.derived(key, compute)
        self.reads.derived[key] = (compute, value)
        return value


@dataclass
class PendingFinding:
    finding: Finding
    condition: Optional[object] = None  # Callable[[frozenset], bool]


class Context:
    def __init__(
        self,
        source: SourceFile,
        file: FileInfo,
        config: Config,
        module: ModuleContext,
        external: Optional[ExternalResolver] = None,
    ) -> None:
        self.source = source
        self.file = file
        self.config = config
        self.module = module
        # ``external``: answers for names imported from the project's other modules
        # (core/crossmodule.py); rules see its answers through `resolve` without knowing it.
        if module.reads is None:
            self.names = NameResolver(module.bindings, external)
        else:  # the module scope records the names looked up in it (no copy: an overlay)
            self.names = NameResolver(None, external)
            self.names.scopes[0].bindings = RecordingBindings(module.plain_bindings, module.reads.names, module.reads)
        self.parents: list[ast.AST] = []
        self.functions: list[FunctionFrame] = []
        self.classes: list[ast.ClassDef] = []
        self.excepts: list[ExceptFrame] = []
        self.main_guard_depth = 0
        self.facts: set = set()
        self.pending: list[PendingFinding] = []
        self.errors: list[RuleError] = []
        self.python_facts = None  # left by `FactsDuringWalk.finish` (core/project/python_facts.py)
        self._class_bases_cache: dict[int, set[str]] = {}
        self.in_views_module = file.path.rsplit("/", 1)[-1] in {"views.py", "api.py", "viewsets.py"} or "/views/" in file.path

    # -- reporting --------------------------------------------------------------------------
    def add_finding(
        self,
        rule: "Rule",
        node: Union[ast.AST, tuple[int, int]],
        message: str,
        fixes: tuple[FixOffer, ...],
        severity: Optional[Severity],
        condition,
        tags: tuple[str, ...],
    ) -> None:
        if isinstance(node, tuple):
            start, end = node
        else:
            start, end = self.source.node_range(node)
        finding = Finding(rule.code, rule.name, severity or rule.severity, message, start, end, fixes, tags)
        self.pending.append(PendingFinding(finding, condition))

    # -- names ------------------------------------------------------------------------------
    def resolve(self, node: ast.AST) -> Optional[str]:
        return self.names.resolve(node)

    def call_name(self, call: ast.Call) -> Optional[str]:
        return self.names.resolve(call.func)

    # -- where are we -----------------------------------------------------------------------
    @property
    def parent(self) -> Optional[ast.AST]:
        return self.parents[-1] if self.parents else None

    @property
    def at_import_time(self) -> bool:
        """Code that runs when the module is imported (module or class body)."""
        return not self.functions

    @property
    def in_main_guard(self) -> bool:
        return self.main_guard_depth > 0

    @property
    def current_function(self) -> Optional[FunctionFrame]:
        return self.functions[-1] if self.functions else None

    @property
    def handler(self) -> Optional[FunctionFrame]:
        """The innermost enclosing function that is a request handler or task, if any."""
        for frame in reversed(self.functions):
            if frame.handler:
                return frame
        return None

    @property
    def current_class(self) -> Optional[ast.ClassDef]:
        return self.classes[-1] if self.classes else None

    def class_bases(self, node: ast.ClassDef) -> set[str]:
        cached = self._class_bases_cache.get(id(node))
        if cached is None:
            cached = resolve_bases(node, self.names, self.module.classes)
            self._class_bases_cache[id(node)] = cached
        return cached

    # -- shared state -----------------------------------------------------------------------
    def is_mutable_container(self, value: Optional[ast.AST]) -> bool:
        """A dict/list/set literal or ``dict()``/``defaultdict(...)``/``OrderedDict()``/... call."""
        if isinstance(value, (ast.Dict, ast.List, ast.Set)):
            return True
        if isinstance(value, ast.Call):
            return (self.call_name(value) or "") in MUTABLE_CONTAINER_CALLS
        return False

    def defines_module_state(self, value: Optional[ast.AST]) -> bool:
        """Module-level mutable state: a container bound at module level (not in a class)."""
        return not self.functions and not self.classes and self.is_mutable_container(value)

    def holds_lock(self) -> bool:
        """Is the current node inside ``with <something lock-like>:``?"""
        for node in self.parents:
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    qualified = (self.resolve(item.context_expr) or "").lower()
                    text = self.source.segment(item.context_expr).lower()
                    if "lock" in qualified or any(word in text for word in ("lock", "semaphore", "mutex")):
                        return True
        return False

    # -- exceptions -------------------------------------------------------------------------
    @property
    def except_frame(self) -> Optional[ExceptFrame]:
        return self.excepts[-1] if self.excepts else None

    def derived_from_exception(self, expr: Optional[ast.AST]) -> bool:
        """Does ``expr`` carry details of a caught exception (``str(e)``, ``f"{e}"``, ...)?"""
        if expr is None or not self.excepts:
            return False
        tainted: set[str] = set()
        for frame in self.excepts:
            tainted |= frame.tainted
        for node in ast.walk(expr):
            if isinstance(node, ast.Name) and node.id in tainted:
                return True
            if isinstance(node, ast.Call):
                callee = self.names.resolve(node.func) or ""
                if callee in {"traceback.format_exc", "traceback.format_exception", "sys.exc_info",
                              "traceback.format_exception_only", "traceback.format_tb"}:
                    return True
        return False

    # -- engine hooks -----------------------------------------------------------------------
    def enter_function(self, node, class_node: Optional[ast.ClassDef]) -> FunctionFrame:
        bases = self.class_bases(class_node) if class_node is not None else None
        kind = handler_kind(node, self.names, bases, self.in_views_module) if not isinstance(node, ast.Lambda) else None
        frame = FunctionFrame(node, kind, class_node)
        self.functions.append(frame)
        return frame

    def record_rule_error(self, rule: "Rule", exc: BaseException) -> None:
        self.errors.append(RuleError(rule.code, rule.name, f"{type(exc).__name__}: {exc}"))

    def note_assignment(self, node: ast.Assign) -> None:
        """Propagate exception taint through ``msg = str(e)`` inside a handler."""
        if self.excepts and self.derived_from_exception(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.excepts[-1].tainted.add(target.id)


def iter_calls(nodes: Iterable[ast.AST]) -> Iterable[ast.Call]:
    for node in nodes:
        for child in ast.walk(node):
            if isinstance(child, ast.Call):
                yield child
