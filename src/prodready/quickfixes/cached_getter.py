"""Fix helper: move an expensive expression out of a handler into a cached module-level getter.

Used by the rules that find work repeated on every request (a model load, a client or engine
created per call). The expression ``whisper.load_model("base")`` inside a handler becomes::

    @functools.lru_cache(maxsize=1)
    def get_model():
        return whisper.load_model("base")

placed after the imports, before the first top-level function or class (at the latest right
before the statement that holds the handler), and
the expression in the handler becomes ``get_model()``. Only offered by rules when the
expression depends on constants and module-level names alone, so moving it is well defined.

The builder keeps the user's import style (``from functools import lru_cache`` is reused),
reuses an identical getter a previous fix already added, and never takes a name the module
already binds.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.core.findings import Edit, FixContext
from prodready.quickfixes.imports import ModuleImports, ensure_import, merge_insertions

_CACHE_DECORATORS = {"functools.lru_cache", "functools.cache"}


def getter_name_hint(target: Optional[ast.AST], callee: Optional[str]) -> str:
    """A readable name for the getter: the variable assigned, else the callee's last part."""
    if isinstance(target, ast.Name):
        name = target.id.lstrip("_")
    elif isinstance(target, ast.Attribute):
        name = target.attr.lstrip("_")
    else:
        last = (callee or "value").rsplit(".", 1)[-1]
        if last in {"client", "resource", "connect", "load", "load_model", "from_pretrained", "from_url"}:
            owner = (callee or "").rsplit(".", 2)
            last = f"{owner[-2]}_{last}" if len(owner) >= 2 else last
        name = last
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    name = re.sub(r"[^0-9a-z_]", "_", name).strip("_") or "value"
    if name.startswith("get_"):
        name = name[4:] or "value"
    return name


class CachedGetterFix:
    """Lazy builder: replace ``expr_range`` by ``get_<name>()`` and add the getter.

    ``expr_range`` and ``stmt_start`` are offsets relative to the analysed text (converted
    with ``fc.at``); ``stmt_start`` is the start of the line where the getter goes.
    """

    def __init__(self, expr_range: tuple[int, int], stmt_start: int, name_hint: str) -> None:
        self.expr_range = expr_range
        self.stmt_start = stmt_start
        self.name_hint = name_hint

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        text = fc.text
        start, end = fc.at(self.expr_range[0]), fc.at(self.expr_range[1])
        expr_text = text[start:end]
        try:
            expr_tree = ast.parse(expr_text.strip(), mode="eval").body
        except SyntaxError:
            expr_text = f"({expr_text})"
            try:
                expr_tree = ast.parse(expr_text, mode="eval").body
            except SyntaxError:
                return None
        info = ModuleImports.of(text)
        if info.tree is None:
            return None
        existing = _existing_getter(info, expr_tree)
        if existing is not None:
            return [Edit(start, end, f"{existing}()")]
        edits: list[Edit] = []
        decorator = _decorator(text, info, edits)
        name = _free_name(info, f"get_{self.name_hint}")
        body = _indent_continuation(expr_text)
        getter = f"{decorator}\ndef {name}():\n    return {body}\n\n\n"
        insert_at = _insertion_point(info, fc.at(self.stmt_start))
        edits.append(Edit(insert_at, insert_at, getter))
        edits.append(Edit(start, end, f"{name}()"))
        return merge_insertions(edits)


def _insertion_point(info: ModuleImports, handler_start: int) -> int:
    """Before the first top-level function or class (so that every getter lands at the same
    place and two fixes of one file are applied one after the other, the second reusing the
    first's getter), and never after the handler."""
    for stmt in info.tree.body if info.tree is not None else ():
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return min(getter_insertion_line(info.source, stmt), handler_start)
    return handler_start


def _decorator(text: str, info: ModuleImports, edits: list[Edit]) -> str:
    direct = info.name_for("functools.lru_cache")
    if direct:
        return f"@{direct}(maxsize=1)"
    new_edits, functools_name = ensure_import(text, "functools")
    edits.extend(new_edits)
    return f"@{functools_name}.lru_cache(maxsize=1)"


def _free_name(info: ModuleImports, wanted: str) -> str:
    taken = set(info.bindings)
    if info.tree is not None:
        for node in ast.walk(info.tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                taken.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                taken.add(node.name)
    if wanted not in taken:
        return wanted
    index = 2
    while f"{wanted}_{index}" in taken:
        index += 1
    return f"{wanted}_{index}"


def _existing_getter(info: ModuleImports, expr: ast.AST) -> Optional[str]:
    """A module-level cached getter returning exactly ``expr`` (added by an earlier fix)."""
    wanted = ast.dump(expr)
    for stmt in info.tree.body if info.tree is not None else ():
        if not isinstance(stmt, ast.FunctionDef) or stmt.args.args or len(stmt.body) != 1:
            continue
        if not any(_is_cache_decorator(d, info) for d in stmt.decorator_list):
            continue
        ret = stmt.body[0]
        if isinstance(ret, ast.Return) and ret.value is not None and ast.dump(ret.value) == wanted:
            return stmt.name
    return None


def _is_cache_decorator(decorator: ast.expr, info: ModuleImports) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    parts = []
    while isinstance(target, ast.Attribute):
        parts.append(target.attr)
        target = target.value
    if not isinstance(target, ast.Name):
        return False
    base = info.bindings.get(target.id) or target.id
    qualified = ".".join([base, *reversed(parts)])
    return qualified in _CACHE_DECORATORS


def _indent_continuation(expr_text: str) -> str:
    """Continuation lines of a multi-line expression keep their text (brackets make any
    indentation valid); strip only the common trailing whitespace."""
    return expr_text.rstrip()


def getter_insertion_line(source, top_statement: ast.stmt) -> int:
    """Offset of the line where a getter goes: before the statement's decorators and the
    comment lines directly above it."""
    first_line = min([top_statement.lineno, *(d.lineno for d in getattr(top_statement, "decorator_list", []))])
    line = first_line - 1  # 0-based
    while line > 0 and source.line_text(line - 1).startswith("#"):
        line -= 1
    return source.line_starts[line]
