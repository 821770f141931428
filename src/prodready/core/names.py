"""Import and binding resolution inside one file: local name -> qualified name.

Rules match on qualified names (``datetime.datetime.utcnow``), never on spelling, so an
alias (``from datetime import datetime as dt``) is the same call and a user's own class
called ``datetime`` is not.

Bindings are kept per scope. Module-level bindings are collected up front from the module's
top-level statements (cheap: no tree walk), so a function defined before a late import still
resolves. Function-local bindings are added by the engine as its single walk reaches them.

A name bound to the result of a call resolves to ``<callee>()``: after
``s = requests.Session()``, ``s.get`` resolves to ``requests.Session().get``.

Imports of the project's own modules resolve to project-local names (``.extensions.http``
for ``from .extensions import http``). A resolver built with an ``external`` hook (see
core/crossmodule.py) asks it what such a name is in its module, so that ``http.get(...)``
resolves to ``requests.Session().get`` when extensions.py says ``http = requests.Session()``.
"""

from __future__ import annotations

import ast
from typing import Iterable, Optional, Protocol

# A name bound locally to something we cannot name (a user class, a literal, a parameter).
LOCAL = None


class ExternalResolver(Protocol):
    """Answers for names that live in another module of the project (core/crossmodule.py).

    ``prefixes``: the qualified names it can answer start with one of these (``"."`` for
    relative imports, ``"myapp."`` for the project's own packages). Called with such a name
    (``.extensions.http.get``) it returns the name with the project-local part substituted
    (``requests.Session().get``), or None when it cannot tell.
    """

    prefixes: tuple[str, ...]

    def __call__(self, qualified: str) -> Optional[str]: ...


def _import_bindings(node: ast.AST, package: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                top = alias.name.split(".", 1)[0]
                yield top, top
    elif isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if node.level:
            module = "." * node.level + module
        for alias in node.names:
            if alias.name == "*":
                continue
            # `from . import x` is `.x` (x in this package), like `from .m import x` is `.m.x`.
            joined = module + alias.name if module.endswith(".") else f"{module}.{alias.name}"
            yield alias.asname or alias.name, joined if module else alias.name


def flatten_top_level(statements: Iterable[ast.stmt]) -> list[ast.stmt]:
    """Top-level statements with the bodies of top-level if/try/with inlined, in order:
    what a module binds at import time whichever branch runs."""
    out: list[ast.stmt] = []
    pending = list(statements)
    index = 0
    while index < len(pending):
        stmt = pending[index]
        index += 1
        if isinstance(stmt, (ast.If, ast.Try, ast.With)) or type(stmt).__name__ == "TryStar":
            nested = list(getattr(stmt, "body", []))
            nested += getattr(stmt, "orelse", []) or []
            nested += getattr(stmt, "finalbody", []) or []
            for handler in getattr(stmt, "handlers", []) or []:
                nested += handler.body
            pending[index:index] = nested
            continue
        out.append(stmt)
    return out


class Scope:
    """Bindings of one scope: name -> qualified name, or LOCAL when shadowed by user code."""

    __slots__ = ("bindings", "kind", "node")

    def __init__(self, kind: str, node: Optional[ast.AST] = None) -> None:
        self.bindings: dict[str, Optional[str]] = {}
        self.kind = kind  # "module", "function", "class", "lambda", "comprehension"
        self.node = node


class NameResolver:
    """Resolves expressions to qualified names using the current stack of scopes."""

    def __init__(
        self,
        module_bindings: Optional[dict[str, Optional[str]]] = None,
        external: Optional[ExternalResolver] = None,
    ) -> None:
        module = Scope("module")
        if module_bindings:
            module.bindings.update(module_bindings)
        self.scopes: list[Scope] = [module]
        self.external = external
        # What `resolve` answered for a node, until a binding changes: a dozen rules visit
        # each call and most resolve its callee. Keyed by the node itself (kept alive, so its
        # id is never another node's); emptied by `bind`, `push` and `pop`.
        self._memo: dict = {}
        if external is not None:
            self._external_prefixes = tuple(external.prefixes)

    # -- building ---------------------------------------------------------------------------
    @staticmethod
    def module_bindings(statements: Iterable[ast.stmt]) -> dict[str, Optional[str]]:
        """Bindings made by top-level statements (and the bodies of top-level if/try/with)."""
        probe = NameResolver()
        for stmt in flatten_top_level(statements):
            probe.bind_statement(stmt)
        return probe.scopes[0].bindings

    def bind(self, name: str, qualified: Optional[str]) -> None:
        self.scopes[-1].bindings[name] = qualified
        if self._memo:
            self._memo.clear()

    def bind_statement(self, stmt: ast.AST) -> None:
        """Record the bindings a statement makes in the current scope."""
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, qualified in _import_bindings(stmt):
                self.bind(local, qualified)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind(stmt.name, LOCAL)
        elif isinstance(stmt, ast.Assign):
            value = self.value_binding(stmt.value)
            for target in stmt.targets:
                self._bind_target(target, value)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._bind_target(stmt.target, self.value_binding(stmt.value))
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._bind_target(stmt.target, LOCAL)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, self.value_binding(item.context_expr))

    def _bind_target(self, target: ast.AST, value: Optional[str]) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt, LOCAL)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, LOCAL)

    def value_binding(self, value: ast.AST) -> Optional[str]:
        """What a name bound to ``value`` resolves to: ``callee()`` for calls, else LOCAL."""
        if isinstance(value, ast.Call):
            callee = self.resolve(value.func)
            if callee:
                return callee + "()"
        elif isinstance(value, ast.Await):
            return self.value_binding(value.value)
        return LOCAL

    def push(self, kind: str, node: Optional[ast.AST] = None) -> Scope:
        scope = Scope(kind, node)
        self.scopes.append(scope)
        self._memo.clear()
        return scope

    def pop(self) -> None:
        if len(self.scopes) > 1:
            self.scopes.pop()
            self._memo.clear()

    def bind_arguments(self, args: ast.arguments) -> None:
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            self.bind(arg.arg, LOCAL)
        if args.vararg:
            self.bind(args.vararg.arg, LOCAL)
        if args.kwarg:
            self.bind(args.kwarg.arg, LOCAL)

    # -- lookup -----------------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[bool, Optional[str]]:
        """(found, qualified) for a bare name; class scopes are skipped from inside functions."""
        innermost = len(self.scopes) - 1
        for depth in range(innermost, -1, -1):
            scope = self.scopes[depth]
            if scope.kind == "class" and depth != innermost:
                continue
            if name in scope.bindings:
                return True, scope.bindings[name]
        return False, None

    def _resolve_local(self, node: ast.AST) -> Optional[str]:
        """Qualified name of a Name/Attribute/call chain, or None when it is not knowable.

        An unbound bare name resolves to ``builtins.<name>`` only for real builtins;
        otherwise to itself (e.g. a global injected by a framework) so rules can still
        match `print` and friends.
        """
        if isinstance(node, ast.Name):
            found, qualified = self.lookup(node.id)
            if found:
                return qualified
            return node.id
        if isinstance(node, ast.Attribute):
            base = self._resolve_local(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            callee = self._resolve_local(node.func)
            return callee + "()" if callee else None
        return None

    def resolve(self, node: ast.AST) -> Optional[str]:
        """The qualified name of ``node`` (`_resolve_local`; through the external resolver when
        there is one), remembered until a binding changes."""
        memo = self._memo
        try:
            return memo[node]
        except KeyError:
            pass
        except TypeError:  # not a node (a rule passing None or a list)
            return self._resolve_local(node)
        result = memo[node] = (self._resolve_local(node) if self.external is None
                               else self._resolve_with_external(node))
        return result

    def _resolve_with_external(self, node: ast.AST) -> Optional[str]:
        """`resolve`, then a project-local result (``.extensions.http.get``) is asked of the
        external resolver, which substitutes what the name is in its module."""
        qualified = self._resolve_local(node)
        if qualified is not None and qualified.startswith(self._external_prefixes):
            return self.external(qualified) or qualified  # type: ignore[misc]
        return qualified

    def is_unbound(self, name: str) -> bool:
        return not self.lookup(name)[0]

    def local_name_for(self, qualified: str) -> Optional[str]:
        """A name in scope that is bound to ``qualified`` (for fixes that reuse imports)."""
        for scope in reversed(self.scopes):
            for name, value in scope.bindings.items():
                if value == qualified:
                    found, current = self.lookup(name)
                    if found and current == qualified:
                        return name
        return None
