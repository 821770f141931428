"""Small helpers rule modules share (argument lookup, literal checks)."""

from __future__ import annotations

import ast
from typing import Optional

# Fields that hold identifiers, strings and numbers, never a node (a name's ``id``, an
# attribute's ``attr``, a keyword's ``arg``...): tree walks need not read them.
SCALAR_FIELDS = frozenset({"id", "attr", "arg", "asname", "name", "module", "level", "kind", "conversion",
                           "simple", "is_async", "type_comment"})
# Fields that hold expression contexts and operators: nodes, but ones no check reads.
CONTEXT_FIELDS = frozenset({"ctx", "op", "ops"})


def keyword(call: ast.Call, name: str) -> Optional[ast.keyword]:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def keyword_value(call: ast.Call, name: str) -> Optional[ast.expr]:
    kw = keyword(call, name)
    return kw.value if kw is not None else None


def has_star_kwargs(call: ast.Call) -> bool:
    """``f(**options)`` may carry any keyword, so rules about a missing keyword stay quiet."""
    return any(kw.arg is None for kw in call.keywords)


def argument(call: ast.Call, position: int, name: Optional[str] = None) -> Optional[ast.expr]:
    if name is not None:
        value = keyword_value(call, name)
        if value is not None:
            return value
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return None


def is_true(node: Optional[ast.AST]) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def is_none(node: Optional[ast.AST]) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def string_value(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
