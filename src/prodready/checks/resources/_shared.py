"""Helpers shared by the resources rules (and only by them)."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.core.rule import Rule, fix
from prodready.quickfixes.cached_getter import CachedGetterFix, getter_insertion_line, getter_name_hint


CACHE_DECORATORS = {
    "functools.lru_cache", "functools.cache", "cachetools.cached", "cachetools.func.lru_cache",
    "cachetools.func.ttl_cache", "cachetools.func.lfu_cache", "cachetools.func.rr_cache",
}


def callee_last(call: ast.Call) -> Optional[str]:
    func = call.func
    cls = func.__class__
    if cls is ast.Attribute:
        return func.attr  # type: ignore[attr-defined]
    if cls is ast.Name:
        return func.id  # type: ignore[attr-defined]
    return None


def short(qualified: str) -> str:
    """``sentence_transformers.SentenceTransformer`` -> ``SentenceTransformer``, keeping one
    owner for functions (``whisper.load_model``)."""
    parts = qualified.replace("()", "").split(".")
    if len(parts) >= 2 and parts[-1][:1].islower():
        return ".".join(parts[-2:])
    return parts[-1]


def in_cached_function(ctx) -> bool:
    for frame in ctx.functions:
        for decorator in getattr(frame.node, "decorator_list", ()):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (ctx.resolve(target) or "") in CACHE_DECORATORS:
                return True
    return False


def enclosing_statement(ctx) -> Optional[ast.stmt]:
    for node in reversed(ctx.parents):
        if isinstance(node, ast.stmt):
            return node
    return None


def is_missing_check(test: ast.expr) -> bool:
    """``x is None``, ``not x``, ``key not in cache``, ``hasattr(...)``: a lazy-init guard."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops):
            return True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"hasattr", "getattr"}:
            return True
    return False


def global_names(function: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def stored_once(ctx, call: ast.Call) -> bool:
    """Is the call's result kept beyond this call under a lazy-init guard?

    ``if _model is None: _model = load()`` (with ``global _model``), ``if not hasattr(app.state,
    "m"): app.state.m = load()``, ``if key not in MODELS: MODELS[key] = load()``.
    """
    handler = ctx.handler
    if handler is None:
        return False
    stmt = enclosing_statement(ctx)
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    guards = []
    inside = False
    for node in ctx.parents:
        if node is handler.node:
            inside = True
        elif inside and isinstance(node, ast.If) and is_missing_check(node.test):
            guards.append(node)
    if not guards:
        return False
    current = ctx.current_function
    declared = global_names(current.node) if current is not None else set()
    guard_names = {n.id for g in guards for n in ast.walk(g.test) if isinstance(n, ast.Name)}
    for target in targets:
        if isinstance(target, ast.Name) and (target.id in declared or target.id in guard_names):
            return True
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            return True
    return False


def only_module_names(ctx, expr: ast.AST) -> bool:
    """True when ``expr`` uses only constants, module-level names and builtins: it can move
    out of the function unchanged."""
    for node in ast.walk(expr):
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                             ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
        if isinstance(node, ast.Name):
            for scope in reversed(ctx.names.scopes):
                if scope.kind == "module":
                    break
                if scope.kind == "class":
                    continue
                if node.id in scope.bindings:
                    return False
    return True


def def_name_range(source, node) -> tuple[int, int]:
    """Offsets of the name in ``def name(`` / ``class name``."""
    start = source.offset_from_ast(node.lineno, node.col_offset)
    line_end = source.line_starts[node.lineno] if node.lineno < source.line_count else len(source.text)
    text = source.text[start:line_end]
    match = re.search(r"\b(?:def|class)\s+(" + re.escape(node.name) + r")\b", text)
    if match:
        return start + match.start(1), start + match.end(1)
    return start, start


def handler_label(frame) -> str:
    node = frame.node
    if frame.class_node is not None:
        return f"{frame.class_node.name}.{node.name}()"
    return f"{node.name}()"


def names_in(expr: Optional[ast.AST]) -> set[str]:
    if expr is None:
        return set()
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def per_call_fixes(ctx, rule: Rule, call: ast.Call, qualified: str, what: str):
    """The PR501/PR502 unsafe fix: move ``call`` into a cached module-level getter."""
    if not only_module_names(ctx, call) or not ctx.parents:
        return []
    top = ctx.parents[0]
    if not isinstance(top, ast.stmt):
        return []
    stmt = enclosing_statement(ctx)
    target = None
    if isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, (ast.AnnAssign,)) and stmt.value is call:
        target = stmt.target
    hint = getter_name_hint(target, qualified)
    builder = CachedGetterFix(ctx.source.node_range(call), getter_insertion_line(ctx.source, top), hint)
    return [fix(f"Create the {what} once in a cached module-level `get_{hint}()`", builder, safe=False)]


# Whether ``with connect(...) as c:`` closes the connection on exit.
CONNECTORS = {
    "sqlite3.connect": False, "sqlite3.dbapi2.connect": False, "psycopg2.connect": False,
    "pymysql.connect": True, "MySQLdb.connect": True, "mysql.connector.connect": True,
    "psycopg.connect": True,
}
FETCH = {"fetchall", "fetchone", "fetchmany", "rowcount", "lastrowid", "total_changes", "fetchval"}
STORE_CALLS = {"append", "add", "put", "put_nowait", "insert", "extend", "setdefault", "register",
                "enter_context", "callback", "push", "closing", "appendleft", "setattr", "finalize"}


class Leak:
    """What PR503 learned about one connection: how it is (not) closed and whether it moves."""

    def __init__(self, form: str, name: Optional[str], happy_close: bool) -> None:
        self.form = form  # "with" or "assign"
        self.name = name
        self.happy_close = happy_close


def chain_root(node: ast.AST, parents: dict) -> ast.AST:
    """Climb from a Name through ``.attr`` / ``(...)`` to the outermost chained expression."""
    current = node
    while True:
        parent = parents.get(id(current))
        if isinstance(parent, ast.Attribute) and parent.value is current:
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        elif isinstance(parent, ast.Subscript) and parent.value is current:
            current = parent
        else:
            return current


def chain_ends_in_fetch(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Subscript):
        return chain_ends_in_fetch(expr.value)
    return isinstance(expr, ast.Attribute) and expr.attr in FETCH


def parent_map(root: ast.AST) -> dict:
    parents: dict = {}
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def destination(expr: ast.AST, parents: dict, function: ast.AST, name: str) -> str:
    """Where the value ``expr`` goes: "return", "store", "alias", "closing" or "use"."""
    current = expr
    while True:
        up = parents.get(id(current))
        if up is None or up is function:
            return "use"
        if isinstance(up, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred, ast.keyword, ast.IfExp, ast.BoolOp)):
            current = up
            continue
        if isinstance(up, (ast.Return, ast.Yield, ast.YieldFrom)):
            return "return"
        if isinstance(up, ast.Lambda):
            return "store"
        if isinstance(up, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if up.value is not current:
                return "use"
            targets = up.targets if isinstance(up, ast.Assign) else [up.target]
            if any(not isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets):
                return "store"
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return "use"
            return "alias"
        if isinstance(up, ast.Call) and up.func is not current:
            func = up.func
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if callee in {"closing", "enter_context", "callback", "finalize"}:
                return "closing"
            if callee in STORE_CALLS or callee in {"Thread", "Process", "partial"} or callee[:1].isupper():
                return "store"
            return "use"
        return "use"


def escapes_or_closed(function: ast.AST, name: str, connector_closes: bool) -> tuple[bool, bool, bool]:
    """(escapes, closed_on_every_path, closed_on_happy_path) for the local ``name``."""
    parents = parent_map(function)
    escapes = closed = happy = except_close = False
    for node in ast.walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            escapes = True
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            for inner in ast.walk(ast.Module(body=node.finalbody, type_ignores=[])):
                if is_close_call(inner, name):
                    closed = True
        elif isinstance(node, (ast.With, ast.AsyncWith)) and connector_closes:
            for item in node.items:
                if isinstance(item.context_expr, ast.Name) and item.context_expr.id == name:
                    closed = True
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            root = chain_root(node, parents)
            if isinstance(root, ast.Attribute) and root.attr == "close" and root.value is node:
                closed = True  # ``stack.callback(conn.close)``, ``atexit.register(conn.close)``
                continue
            if is_close_call(root, name):
                where = close_placement(root, parents, function)
                if where == "except":
                    except_close = True
                elif where == "after-catch-all":
                    closed = True
                else:
                    happy = True
                continue
            if root is not node:
                # ``conn.cursor()``, ``conn.execute(q).fetchall()``: only a live cursor that
                # leaves the function keeps the connection reachable.
                if chain_ends_in_fetch(root):
                    continue
                if destination(root, parents, function, name) in {"return", "store"}:
                    escapes = True
                continue
            where = destination(node, parents, function, name)
            if where == "closing":
                closed = True
            elif where != "use":
                escapes = True
    if happy and except_close:
        closed = True  # closed in ``except: conn.close(); raise`` and after the ``try``
    return escapes, closed, happy


def catches_everything(node: ast.Try) -> bool:
    """A ``try`` whose handlers catch ``Exception`` (or everything) and do not re-raise."""
    for handler in node.handlers:
        broad = handler.type is None or (
            isinstance(handler.type, ast.Name) and handler.type.id in {"Exception", "BaseException"}
        )
        if broad and not any(isinstance(n, ast.Raise) for n in ast.walk(ast.Module(body=handler.body, type_ignores=[]))):
            return True
    return False


def close_placement(call: ast.Call, parents: dict, function: ast.AST) -> str:
    """"except" (a close in an except handler), "after-catch-all" (right after a ``try`` that
    swallows every exception) or "plain"."""
    stmt = parents.get(id(call))
    current: ast.AST = call
    while current is not None and current is not function:
        if isinstance(current, ast.ExceptHandler):
            return "except"
        current = parents.get(id(current))
    if isinstance(stmt, ast.Expr):
        holder = parents.get(id(stmt))
        for field in ("body", "orelse", "finalbody"):
            block = getattr(holder, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                index = next(i for i, s in enumerate(block) if s is stmt)
                if index > 0 and isinstance(block[index - 1], ast.Try) and catches_everything(block[index - 1]):
                    return "after-catch-all"
    return "plain"


def is_close_call(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "close"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def connection_leak(ctx, call: ast.Call, qualified: str) -> Optional[Leak]:
    """How a DB-API connection created by ``call`` leaks, or None when it does not."""
    closes_on_exit = CONNECTORS.get(qualified)
    if closes_on_exit is None:
        return None
    frame = ctx.current_function
    if frame is None or isinstance(frame.node, ast.Lambda):
        return None
    parent = ctx.parent
    if isinstance(parent, ast.withitem) and parent.context_expr is call:
        if closes_on_exit:
            return None
        name = parent.optional_vars.id if isinstance(parent.optional_vars, ast.Name) else None
        if name is None:
            if parent.optional_vars is not None:
                return None
            return Leak("with", None, False)
        escapes, closed, happy = escapes_or_closed(frame.node, name, False)
        if escapes or closed:
            return None
        return Leak("with", name, happy)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is call:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            return None
        name = targets[0].id
        escapes, closed, happy = escapes_or_closed(frame.node, name, closes_on_exit)
        if escapes or closed:
            return None
        return Leak("assign", name, happy)
    return None
