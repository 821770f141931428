"""What one Python module contributes to the project model, read from its syntax tree.

One pass over the module collects the facts project rules combine across files: imports,
`logging.basicConfig` calls, ORM models (core/project/orm.py), query sites and loops over
querysets, literal settings, server ports and Flask upload handling. The module is parsed,
never imported. Everything here is plain data, so a summary can be cached by content hash.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Optional

from prodready.core.astutil import CONTEXT_FIELDS, SCALAR_FIELDS
from prodready.core.names import NameResolver
from prodready.core.project.orm import ModelDef, collect_models
from prodready.core.rule import Rule
from prodready.core.source import SourceFile

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+(:[A-Za-z_]\w*)?")
_FRAMEWORKS = ("gradio", "streamlit", "flask", "fastapi", "django", "starlette", "aiohttp", "tornado",
               "sanic", "quart", "dash", "panel", "chainlit", "litestar", "falcon", "bottle")
_QUERY_METHODS = frozenset({"filter", "exclude", "get", "order_by", "filter_by", "where", "get_or_create",
                            "update_or_create"})
_PREFETCH = frozenset({"select_related", "prefetch_related", "options"})
_ITERATING = frozenset({"all", "filter", "exclude", "order_by", "select_related", "prefetch_related",
                        "distinct", "reverse", "only", "defer", "annotate", "iterator", "scalars",
                        "where", "filter_by", "limit", "offset", "options", "using"})


@dataclass
class Span:
    start: int
    end: int


@dataclass
class ImportSite:
    module: str  # absolute dotted module name ("" for relative imports)
    start: int
    end: int
    guarded: bool = False  # inside try/except ImportError or a sys.version_info test
    relative: bool = False
    names: list[str] = field(default_factory=list)  # `from m import a, b` -> ["a", "b"]


@dataclass
class QuerySite:
    model: str  # the model class as named where queried (last dotted part)
    field: str
    how: str  # filter | exclude | get | order_by | where | filter_by
    start: int
    end: int


@dataclass
class Access:
    attr: str
    start: int
    end: int


@dataclass
class LoopSite:
    """A loop (or comprehension) over a query of ``model``."""

    model: str
    orm: str  # "django" | "sqlalchemy"
    prefetched: list[str]  # relations already loaded (select_related("a") -> ["a"]); ["*"]: unknown
    start: int  # the iterated expression
    end: int
    insert_at: int  # where a `.select_related(...)` call goes (end of the queryset expression)
    accesses: list[Access] = field(default_factory=list)  # loop_var.<attr> in the body
    can_fix: bool = True


@dataclass
class Setting:
    name: str
    value: Any  # the literal (JSON-able: lists for tuples), or None when it is not a literal
    literal: bool
    start: int
    end: int


@dataclass
class PortBind:
    port: int
    how: str  # "uvicorn.run", "app.run", ...
    start: int
    end: int


@dataclass
class PythonFacts:
    error: str = ""
    imports: list[ImportSite] = field(default_factory=list)
    string_modules: list[str] = field(default_factory=list)  # top packages named in dotted strings
    logging_configs: list[Span] = field(default_factory=list)
    models: list[ModelDef] = field(default_factory=list)
    queries: list[QuerySite] = field(default_factory=list)
    loops: list[LoopSite] = field(default_factory=list)
    settings: dict[str, Setting] = field(default_factory=dict)
    flask_apps: list[Span] = field(default_factory=list)
    flask_config_external: bool = False  # config loaded from a file/env the model cannot read
    sets_max_content_length: bool = False
    reads_uploads: bool = False  # request.files
    throttle_classes: bool = False  # a view sets throttle_classes
    binds: list[PortBind] = field(default_factory=list)
    lines: int = 0

    @property
    def frameworks(self) -> set[str]:
        return {site.module.split(".", 1)[0] for site in self.imports} & set(_FRAMEWORKS)


def _json_literal(value: Any) -> Any:
    if isinstance(value, (tuple, list, set, frozenset)):
        return [_json_literal(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_literal(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


_DISPATCH: dict = {}  # node type -> the _Collector method that visits it (None: nothing to visit)
_CHILDREN: dict = {}  # node type -> its fields that can hold nodes
# Fields that never hold a node the collector reads: expression contexts, operators,
# identifiers and flags.
_SCALAR_FIELDS = SCALAR_FIELDS | CONTEXT_FIELDS


def _children_of(cls: type) -> tuple:
    fields = _CHILDREN[cls] = tuple(f for f in cls._fields if f not in _SCALAR_FIELDS)
    return fields


def _method_of(cls: type):
    """The collector's visitor for ``cls``; None for a node type without one whose fields hold
    no nodes (a name, an alias): it is not visited at all."""
    method = getattr(_Collector, "visit_" + cls.__name__, None)
    if method is None and (_CHILDREN[cls] if cls in _CHILDREN else _children_of(cls)):
        method = _Collector.generic_visit
    _DISPATCH[cls] = method
    return method


class _Collector(ast.NodeVisitor):
    def __init__(self, source: SourceFile, tree: ast.Module) -> None:
        self.source = source
        self.facts = PythonFacts(lines=source.line_count)
        self.bindings = NameResolver.module_bindings(tree.body)
        self.guard_depth = 0
        self.function_depth = 0
        self.main_guard = 0
        self.local_queries: list[dict[str, ast.expr]] = []
        self.classes: list[ast.ClassDef] = []

    # -- names --------------------------------------------------------------------------------
    def qualify(self, node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Name):
            bound = self.bindings.get(node.id)
            return bound if bound else node.id
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self.qualify(node.func)
            return f"{base}()" if base else None
        return None

    def span(self, node: ast.AST) -> tuple[int, int]:
        return self.source.node_range(node)

    # -- where a node is: this walk counts as it goes (`FactsDuringWalk` asks the rules' walk)
    def _import_guarded(self, node: ast.AST) -> bool:
        """Inside a ``try`` that catches ImportError, or an ``if`` on ``sys.version_info``."""
        return self.guard_depth > 0

    def _in_main_guard(self, node: ast.AST) -> bool:
        return self.main_guard > 0

    def _at_module_level(self) -> bool:
        """Not inside a function (a class body at module level counts as module level)."""
        return self.function_depth == 0

    def _function_queries(self) -> Optional[dict]:
        """The innermost function's assignments (name -> value), None outside functions."""
        return self.local_queries[-1] if self.local_queries else None

    def generic_visit_class(self, node: ast.ClassDef) -> None:
        for part in (*node.decorator_list, *node.bases, *node.keywords, *node.body):
            self.visit(part)

    # -- traversal ----------------------------------------------------------------------------
    # `ast.NodeVisitor`'s own dispatch builds a method name per node and descends into every
    # field. This walk runs over every module of a batch run: the visitor of a node type is
    # looked up once, fields that hold no node are not read, and nodes with no visitor and no
    # child nodes (names, aliases; two fifths of all nodes) are not visited.
    def visit(self, node: ast.AST) -> None:
        cls = node.__class__
        method = _DISPATCH[cls] if cls in _DISPATCH else _method_of(cls)
        if method is not None:
            method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        cls = node.__class__
        fields = _CHILDREN.get(cls)
        if fields is None:
            fields = _children_of(cls)
        dispatch = _DISPATCH
        # The dispatch is written out for lists and for single nodes: wrapping single nodes in
        # a tuple to share one loop made the walk 5% slower.
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        kind = item.__class__
                        method = dispatch[kind] if kind in dispatch else _method_of(kind)
                        if method is not None:
                            method(self, item)
            elif isinstance(value, ast.AST):
                kind = value.__class__
                method = dispatch[kind] if kind in dispatch else _method_of(kind)
                if method is not None:
                    method(self, value)

    # -- imports ------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import, ctx=None) -> None:
        start, end = self.span(node)
        guarded = self._import_guarded(node)
        for alias in node.names:
            self.facts.imports.append(ImportSite(alias.name, start, end, guarded))

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx=None) -> None:
        start, end = self.span(node)
        guarded = self._import_guarded(node)
        names = [a.name for a in node.names]
        if node.level:
            self.facts.imports.append(ImportSite(node.module or "", start, end, guarded, True, names))
        elif node.module:
            self.facts.imports.append(ImportSite(node.module, start, end, guarded, False, names))

    def visit_Try(self, node: ast.Try) -> None:
        guards = any(self._catches_import_error(h.type) for h in node.handlers)
        self.guard_depth += guards
        for stmt in node.body:
            self.visit(stmt)
        self.guard_depth -= guards
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try

    @staticmethod
    def _catches_import_error(node: Optional[ast.expr]) -> bool:
        if node is None:
            return True
        names = node.elts if isinstance(node, ast.Tuple) else [node]
        return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError", "Exception")
                   for n in names)

    def visit_If(self, node: ast.If) -> None:
        names = _test_words(node.test, set())
        version = "version_info" in names
        main = "__name__" in names and "__main__" in names
        self.visit(node.test)
        self.guard_depth += version
        self.main_guard += main
        for stmt in node.body:
            self.visit(stmt)
        self.main_guard -= main
        for stmt in node.orelse:
            self.visit(stmt)
        self.guard_depth -= version

    # -- scopes -------------------------------------------------------------------------------
    # Children in source order, as the rules' walk (core/engine.py) visits them: decorators
    # first, the body last.
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        for part in (*node.decorator_list, node.args, node.returns):
            if part is not None:
                self.visit(part)
        self.function_depth += 1
        self.local_queries.append({})
        for stmt in node.body:
            self.visit(stmt)
        self.local_queries.pop()
        self.function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef, ctx=None) -> None:
        self.classes.append(node)
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "throttle_classes" for t in stmt.targets
            ):
                self.facts.throttle_classes = True
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "MAX_CONTENT_LENGTH" for t in stmt.targets
            ):
                self.facts.sets_max_content_length = True
        self.generic_visit_class(node)

    # -- assignments --------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign, ctx=None) -> None:
        for target in node.targets:
            self._assigned(target, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx=None) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value, node)
        self.generic_visit(node)

    def _assigned(self, target: ast.expr, value: ast.expr, stmt: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            if self._at_module_level() and target.id.isupper() and not self.facts.settings.get(target.id):
                try:
                    literal, ok = _json_literal(ast.literal_eval(value)), True
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    literal, ok = None, False
                start, end = self.span(value)
                self.facts.settings[target.id] = Setting(target.id, literal, ok, start, end)
                if ok:
                    self._strings(literal)
            queries = self._function_queries()
            if queries is not None:
                queries[target.id] = value
        elif isinstance(target, ast.Subscript):
            key = target.slice
            if isinstance(key, ast.Constant) and key.value == "MAX_CONTENT_LENGTH":
                self.facts.sets_max_content_length = True
        elif isinstance(target, ast.Attribute) and target.attr == "MAX_CONTENT_LENGTH":
            self.facts.sets_max_content_length = True

    def _strings(self, value: Any) -> None:
        if isinstance(value, str):
            head = value.split(".", 1)[0].split(":", 1)[0]
            if head.isidentifier():
                self.facts.string_modules.append(head)
        elif isinstance(value, list):
            for item in value:
                self._strings(item)
        elif isinstance(value, dict):
            for item in value.values():
                self._strings(item)

    def visit_Constant(self, node: ast.Constant, ctx=None) -> None:
        value = node.value
        # (`in` first: a dotted name has a dot, and most strings of a module have none)
        if value.__class__ is str and len(value) < 200 and "." in value and _DOTTED.fullmatch(value):
            self.facts.string_modules.append(value.split(".", 1)[0])

    def visit_Attribute(self, node: ast.Attribute, ctx=None) -> None:
        if node.attr == "files" and self.qualify(node.value) in ("flask.request", "request"):
            self.facts.reads_uploads = True
        self.generic_visit(node)

    # -- calls --------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call, ctx=None) -> None:
        name = self.qualify(node.func) or ""
        if name in ("logging.basicConfig",) and not self._in_main_guard(node):
            self.facts.logging_configs.append(Span(*self.span(node)))
        elif name == "flask.Flask":
            self.facts.flask_apps.append(Span(*self.span(node)))
        if isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in ("from_pyfile", "from_envvar", "from_prefixed_env", "from_file") and "config" in ast.dump(node.func.value):
                self.facts.flask_config_external = True
            if method in ("update", "from_mapping") and any(k.arg == "MAX_CONTENT_LENGTH" for k in node.keywords):
                self.facts.sets_max_content_length = True
            if method in _QUERY_METHODS:
                self._query(node, method)
        self._bind_port(node, name)
        self.generic_visit(node)

    def _bind_port(self, node: ast.Call, name: str) -> None:
        last = name.rsplit(".", 1)[-1]
        if name == "uvicorn.run" or last in ("run", "run_app", "launch"):
            keyword = "server_port" if last == "launch" else "port"
            port = None
            for kw in node.keywords:
                if kw.arg == keyword:
                    port = _int_value(kw.value)
                    break
            else:
                if name == "uvicorn.run":
                    port = 8000  # uvicorn's default
                elif last == "run" and isinstance(node.func, ast.Attribute) and self._is_flask_app(node.func.value):
                    port = 5000
                elif last == "launch" and "gradio" in {i.module.split(".")[0] for i in self.facts.imports}:
                    port = 7860
            if port is not None and (name == "uvicorn.run" or last != "run" or self._is_flask_app(node.func.value if isinstance(node.func, ast.Attribute) else node.func) or "socketio" in name):
                self.facts.binds.append(PortBind(port, name, *self.span(node)))

    def _is_flask_app(self, node: ast.AST) -> bool:
        qualified = self.qualify(node) or ""
        return qualified.startswith(("flask.Flask()", "flask_socketio.SocketIO()")) or qualified in ("app", "application")

    # -- ORM queries ---------------------------------------------------------------------------
    def _chain_model(self, node: ast.AST) -> tuple[Optional[str], str]:
        """The model a query chain starts from: (name, orm) or (None, "")."""
        while True:
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute):
                    if func.attr in ("query",) and node.args:  # session.query(Model)
                        return _model_name(node.args[0]), "sqlalchemy"
                    node = func.value
                    continue
                callee = self.qualify(func) or ""
                if callee.rsplit(".", 1)[-1] == "select" and node.args:  # select(Model)
                    return _model_name(node.args[0]), "sqlalchemy"
                return None, ""
            if isinstance(node, ast.Attribute):
                if node.attr == "objects" and isinstance(node.value, (ast.Name, ast.Attribute)):
                    return _model_name(node.value), "django"
                if node.attr == "query" and isinstance(node.value, (ast.Name, ast.Attribute)):
                    return _model_name(node.value), "sqlalchemy"  # Flask-SQLAlchemy Model.query
                node = node.value
                continue
            if isinstance(node, ast.Subscript):
                node = node.value
                continue
            return None, ""

    def _query(self, node: ast.Call, method: str) -> None:
        model, orm = self._chain_model(node)
        if not model:
            return
        how = "order_by" if method == "order_by" else method
        for kw in node.keywords:
            if kw.arg and method != "order_by":
                first = kw.arg.split("__", 1)[0]
                self.facts.queries.append(QuerySite(model, first, how, *self.span(kw)))
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and method == "order_by":
                field_name = arg.value.lstrip("-+").split("__", 1)[0]
                if field_name and field_name != "?":
                    self.facts.queries.append(QuerySite(model, field_name, how, *self.span(arg)))
            else:
                for sub in ast.walk(arg):
                    if isinstance(sub, ast.Attribute) and _model_name(sub.value) == model:
                        self.facts.queries.append(QuerySite(model, sub.attr, how, *self.span(sub)))

    # -- loops over queries --------------------------------------------------------------------
    def visit_For(self, node: ast.For, ctx=None) -> None:
        self._loop(node.target, node.iter, node.body)
        self.generic_visit(node)

    visit_AsyncFor = visit_For  # type: ignore[assignment]

    def _comprehension(self, node: ast.AST, ctx=None) -> None:
        generators = node.generators  # type: ignore[attr-defined]
        body = [n for n in (getattr(node, "elt", None), getattr(node, "key", None), getattr(node, "value", None)) if n]
        if generators:
            gen = generators[0]
            rest = [part for other in generators for part in (*other.ifs, *( [other.iter] if other is not gen else []))]
            self._loop(gen.target, gen.iter, body + rest)
        self.generic_visit(node)

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension  # type: ignore[assignment]

    def _loop(self, target: ast.expr, iterable: ast.expr, body: list) -> None:
        queries = self._function_queries() if isinstance(target, ast.Name) else None
        if queries is None:
            return
        expr, fixable = iterable, True
        if isinstance(expr, ast.Name):
            bound = queries.get(expr.id)
            if bound is None:
                return
            expr, fixable = bound, True
        query = expr.value if isinstance(expr, ast.Subscript) else expr
        model, orm = self._chain_model(query)
        if not model or not _iterates_rows(query):
            return
        prefetched = _prefetched(query)
        if isinstance(iterable, ast.Name):  # `qs = qs.select_related(...)` later in the function
            for name, value in queries.items():
                if name == iterable.id:
                    prefetched += _prefetched(value)
        accesses = []
        for part in body:
            for sub in ast.walk(part):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == target.id:
                    accesses.append(Access(sub.attr, *self.span(sub)))
        if not accesses:
            return
        start, end = self.span(iterable)
        insert_at = self.span(query)[1]
        self.facts.loops.append(LoopSite(model, orm, prefetched, start, end, insert_at, accesses,
                                         fixable and orm == "django" and isinstance(query, ast.Call)))


def _test_words(node: ast.AST, words: set) -> set:
    """The attribute names, names and constants anywhere in an `if` test (what `ast.walk`
    would give, without its generator and queue: this runs for every `if` of a batch run)."""
    cls = node.__class__
    if cls is ast.Attribute:
        words.add(node.attr)  # type: ignore[attr-defined]
    elif cls is ast.Name:
        words.add(node.id)  # type: ignore[attr-defined]
    elif cls is ast.Constant:
        words.add(node.value)  # type: ignore[attr-defined]
    for name in _CHILDREN[cls] if cls in _CHILDREN else _children_of(cls):
        value = getattr(node, name, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    _test_words(item, words)
        elif isinstance(value, ast.AST):
            _test_words(value, words)
    return words


def _int_value(node: ast.expr) -> Optional[int]:
    """A literal port, or the literal fallback of `int(os.environ.get("PORT", "8000"))`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.Call):
        args = list(node.args)
        if isinstance(node.func, ast.Name) and node.func.id == "int" and args:
            return _int_value(args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getenv") and len(args) == 2:
            fallback = args[1]
            if isinstance(fallback, ast.Constant) and str(fallback.value).isdigit():
                return int(fallback.value)
    return None


def _model_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id if node.id[:1].isupper() else None
    if isinstance(node, ast.Attribute):
        return node.attr if node.attr[:1].isupper() else None
    return None


def _chain_methods(node: ast.AST) -> list[ast.Call]:
    calls = []
    while True:
        if isinstance(node, ast.Call):
            calls.append(node)
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return calls


def _iterates_rows(node: ast.AST) -> bool:
    """Is this a query that yields model rows (not `.values()`, `.count()`, a single `.get()`)?"""
    calls = _chain_methods(node)
    if not calls:
        return False
    last = calls[0].func
    return isinstance(last, ast.Attribute) and last.attr in _ITERATING


def _prefetched(node: ast.AST) -> list[str]:
    names: list[str] = []
    for call in _chain_methods(node):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _PREFETCH:
            if not call.args and func.attr == "select_related":
                names.append("*")  # select_related() with no fields follows every FK
            for arg in call.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    names.append(arg.value.split("__", 1)[0])
                else:
                    for sub in ast.walk(arg):
                        if isinstance(sub, ast.Attribute):
                            names.append(sub.attr)
                        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                            names.append(sub.value.split("__", 1)[0])
    return names


def python_facts(text: str, path: str, tree: Optional[ast.Module] = None,
                 source: Optional[SourceFile] = None) -> PythonFacts:
    """The facts of one module's text (an unparseable module contributes only its error).

    ``tree``: the text's tree when the caller has it (the CLI's file check computes the
    project check's facts from the tree it analysed; rules never modify trees); ``source``:
    the caller's `SourceFile` of ``text``, whose line index is used (not built again)."""
    if source is None or source.text is not text:
        source = SourceFile(text, path)
    if tree is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            return PythonFacts(error=f"{type(exc).__name__}: {exc}", lines=source.line_count)
    collector = _Collector(source, tree)
    try:
        collector.visit(tree)
        collector.facts.models = collect_models(collector.classes, source, collector.qualify)
    except RecursionError:
        collector.facts.error = "nested too deeply to analyse completely"
    return collector.facts


_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))  # try/except* from Python 3.11


class FactsDuringWalk(_Collector, Rule):
    """The project check's facts of a module gathered during the rules' walk of its tree
    (core/engine.py), not in a walk of their own. A batch run checks every module and wants
    its facts too; walking each tree a second time for them was a tenth of a cold run.

    Not a rule: no code, no findings; the engine visits it like one (`analyze_source`'s
    ``also``) and its `finish` leaves the facts on the context (``ctx.python_facts``). The
    facts are `python_facts`'s: both walks visit a node's children in the same (source)
    order, and what the recursive walk counts as it goes (inside a guarded import, a main
    guard, a function) is read here from the walk's context. When the walk did not finish
    (a tree nested too deeply, a failure here), the runner falls back to `python_facts`.
    """

    code = ""
    name = "python-facts"
    # The recursive walk's structural visitors: the rules' walk does their part itself.
    visit_Try = visit_TryStar = visit_If = visit_FunctionDef = visit_AsyncFunctionDef = None  # type: ignore[assignment]

    def __init__(self, ctx) -> None:  # noqa: D107 - no _Collector.__init__: the walk is the engine's
        Rule.__init__(self, ctx)
        self.source = ctx.source
        self.facts = PythonFacts(lines=ctx.source.line_count)
        self.bindings = ctx.module.bindings
        self.classes: list[ast.ClassDef] = []
        self._queries: dict[int, dict[str, ast.expr]] = {}

    # The rules' walk visits the children.
    def visit(self, node: ast.AST) -> None:
        pass

    def generic_visit(self, node: ast.AST) -> None:
        pass

    def generic_visit_class(self, node: ast.ClassDef) -> None:
        pass

    def _enclosing(self, node: ast.AST):
        """(ancestor, the child of it on the way down to ``node``), innermost first."""
        child = node
        for ancestor in reversed(self.ctx.parents):
            yield ancestor, child
            child = ancestor

    def _import_guarded(self, node: ast.AST) -> bool:
        for ancestor, child in self._enclosing(node):
            kind = ancestor.__class__
            if kind in _TRIES:
                if any(stmt is child for stmt in ancestor.body) and any(
                        self._catches_import_error(h.type) for h in ancestor.handlers):  # type: ignore[attr-defined]
                    return True
            elif kind is ast.If:
                branch = any(stmt is child for stmt in ancestor.body) or any(stmt is child for stmt in ancestor.orelse)
                if branch and "version_info" in _test_words(ancestor.test, set()):  # type: ignore[attr-defined]
                    return True
        return False

    def _in_main_guard(self, node: ast.AST) -> bool:
        for ancestor, child in self._enclosing(node):
            if ancestor.__class__ is ast.If and any(stmt is child for stmt in ancestor.body):  # type: ignore[attr-defined]
                words = _test_words(ancestor.test, set())  # type: ignore[attr-defined]
                if "__name__" in words and "__main__" in words:
                    return True
        return False

    def _at_module_level(self) -> bool:
        return not self.ctx.functions  # (an assignment is never inside a lambda)

    def _function_queries(self) -> Optional[dict]:
        for frame in reversed(self.ctx.functions):
            if frame.node.__class__ is not ast.Lambda:
                return self._queries.setdefault(id(frame.node), {})
        return None

    def finish(self, ctx) -> None:
        try:
            self.facts.models = collect_models(self.classes, self.source, self.qualify)
        except RecursionError:
            return  # the runner works them out with `python_facts`
        ctx.python_facts = self.facts
