"""Helpers shared by the web rules (and only by them)."""

from __future__ import annotations

import ast
from typing import Optional


def last_name(func: ast.AST) -> Optional[str]:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def callee_last(func: ast.AST, ctx) -> Optional[str]:
    """The last segment of what a callee means: ``attr`` of ``x.attr``, or of the name's
    resolution for a bare name (``co`` after ``from subprocess import check_output as co``)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        qualified = ctx.resolve(func)
        return qualified.rsplit(".", 1)[-1] if qualified else func.id
    return None


def in_debug_branch(ctx) -> bool:
    """Inside ``if DEBUG:`` / ``if settings.DEBUG:`` (either branch: it depends on DEBUG)."""
    for parent in ctx.parents:
        if isinstance(parent, ast.If):
            for node in ast.walk(parent.test):
                name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
                if "DEBUG" in name.upper():
                    return True
    return False


def literal_origins(expr: ast.AST) -> Optional[list[str]]:
    """The origins of a string literal or a list/tuple/set of string literals, else None."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        values = []
        for elt in expr.elts:
            if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
                return None
            values.append(elt.value)
        return values
    return None


CORS_NAMES = frozenset({"CORS", "cross_origin", "init_app", "SocketIO", "Server", "AsyncServer",
                         "add_middleware", "Middleware"})


class LocalValues:
    """Per function: name -> the value (expression) it was last assigned, in walk order."""

    def __init__(self) -> None:
        self.scopes: dict[int, dict[str, object]] = {}

    def scope(self, ctx) -> dict[str, object]:
        key = id(ctx.functions[-1].node) if ctx.functions else 0
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.scopes[key] = {}
        return scope


def constant_text(expr: ast.AST) -> Optional[str]:
    """The text of a string literal or an f-string without placeholders."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in expr.values):
        return "".join(v.value for v in expr.values)  # type: ignore[attr-defined]
    return None
