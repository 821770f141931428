"""Helpers shared by the errors rules (and only by them)."""

from __future__ import annotations

import ast
from typing import Iterable, Optional

from prodready.core.astutil import keyword_value


# -- shared helpers -------------------------------------------------------------------------

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "logging", "logs", "LOGGER", "LOG", "_LOGGER", "_LOG"})
LOGGER_VALUES = ("logging.getLogger()", "logging.getLogger", "structlog.get_logger()", "structlog.getLogger()",
                  "loguru.logger", "logging.root", "logging.Logger", "logging.LoggerAdapter()")
TRACEBACK_CALLS = frozenset({"print_exc", "print_exception", "capture_exception", "captureException",
                              "report_exc_info", "handleError", "notify_exception", "print_tb"})
FORMAT_TRACEBACK = frozenset({"format_exc", "format_exception", "format_tb"})
MATH_MODULES = frozenset({"math", "cmath", "numpy", "torch", "tensorflow", "jax", "sympy", "scipy", "pandas", "mpmath"})


def last_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def is_logger(expr: ast.AST, ctx) -> bool:
    """Is ``expr`` a logger (``logger``, ``self.log``, ``logging``, ``app.logger``...)?"""
    last = last_name(expr)
    if last is not None and (last in LOGGER_NAMES or last.lower().endswith("logger")):
        if isinstance(expr, ast.Name) and last == "logging":
            qualified = ctx.resolve(expr) or ""
            return qualified == "logging" or qualified.startswith(LOGGER_VALUES)
        if isinstance(expr, ast.Name) and last.lower() == "log":
            qualified = ctx.resolve(expr) or ""
            return qualified.split(".", 1)[0] not in MATH_MODULES  # `from math import log`
        return True
    qualified = ctx.resolve(expr) or ""
    return qualified.startswith(LOGGER_VALUES)


def is_log_call(call: ast.Call, ctx) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in LOG_METHODS and is_logger(func.value, ctx)


def truthy_kw(call: ast.Call, name: str) -> bool:
    value = keyword_value(call, name)
    if value is None:
        return False
    return not (isinstance(value, ast.Constant) and not value.value)


def records_traceback(call: ast.Call, ctx) -> bool:
    """``logger.exception(...)``, ``exc_info=...``, ``traceback.print_exc()``, Sentry..."""
    func = call.func
    last = last_name(func)
    if last == "exception" and isinstance(func, ast.Attribute):
        return bool(call.args or call.keywords)  # not `future.exception()`, a getter
    if last in TRACEBACK_CALLS:
        return True
    if truthy_kw(call, "exc_info"):
        return True
    # logger.error(traceback.format_exc()), print(traceback.format_exc())
    if (last == "print" or is_log_call(call, ctx)) and any(
            isinstance(n, ast.Call) and last_name(n.func) in FORMAT_TRACEBACK for a in call.args for n in ast.walk(a)):
        return True
    return False


def iter_handler_nodes(body: Iterable[ast.stmt]) -> Iterable[ast.AST]:
    """Every node of a handler's body, not entering nested functions or classes."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def cli_decorated(func: ast.AST, ctx) -> bool:
    for decorator in getattr(func, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = ctx.resolve(target) or ""
        if qualified.startswith(("click.", "typer.", "flask.cli.")) or last_name(target) in {"command", "group", "cli"}:
            return True
    return False


BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


ENTRY_FUNCTIONS = frozenset({"main", "cli", "_main", "run_cli", "entrypoint", "entry_point", "run_main"})
