"""Helpers shared by the errors rules (and only by them)."""

from __future__ import annotations

import ast
import re
from typing import Iterable, Optional

from prodready.core.astutil import argument, keyword_value
from prodready.core.context import ExceptFrame

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


# -- exception details sent to a client (PR301, and PR302 defers to it) ------------------

_USER_ERROR_SUFFIXES = ("ValidationError", "UserError", "NotFound", "DoesNotExist", "BadRequest",
                        "PermissionDenied", "Forbidden", "Unauthorized", "HTTPException", "APIException",
                        "InvalidInput", "InputError", "UserException")
_NOT_DETAIL_ATTRS = frozenset({"code", "status_code", "status", "http_status", "errno", "status_int"})
_NOT_DETAIL_CALLS = frozenset({"isinstance", "type", "hasattr", "id", "issubclass", "bool", "len"})
_TB_CALLS = frozenset({"traceback.format_exc", "traceback.format_exception", "sys.exc_info",
                       "traceback.format_exception_only", "traceback.format_tb", "traceback.format_stack"})

_ALL_ARGS = {
    "flask.jsonify", "flask.json.jsonify", "flask.make_response", "flask.helpers.make_response",
    "flask.Response", "flask.wrappers.Response", "werkzeug.Response", "werkzeug.wrappers.Response",
    "werkzeug.wrappers.response.Response", "flask_socketio.send",
}
_FIRST_ARG = {  # the body/content argument: position 0 or this keyword
    "rest_framework.response.Response": "data",
    "django.http.JsonResponse": "data",
    "django.http.response.JsonResponse": "data",
    "fastapi.responses.JSONResponse": "content",
    "starlette.responses.JSONResponse": "content",
    "fastapi.responses.PlainTextResponse": "content",
    "starlette.responses.PlainTextResponse": "content",
    "fastapi.responses.HTMLResponse": "content",
    "starlette.responses.HTMLResponse": "content",
    "fastapi.responses.ORJSONResponse": "content",
    "fastapi.responses.UJSONResponse": "content",
    "fastapi.responses.Response": "content",
    "starlette.responses.Response": "content",
    "streamlit.error": "body",
    "streamlit.warning": "body",
}
_SECOND_ARG = {  # the detail argument: position 1 or this keyword
    "flask.abort": "description",
    "werkzeug.exceptions.abort": "description",
    "fastapi.HTTPException": "detail",
    "fastapi.exceptions.HTTPException": "detail",
    "starlette.exceptions.HTTPException": "detail",
    "fastapi.WebSocketException": "reason",
    "fastapi.exceptions.WebSocketException": "reason",
}
_SINK_LASTS = frozenset({q.rsplit(".", 1)[-1] for q in (*_ALL_ARGS, *_FIRST_ARG, *_SECOND_ARG)} | {"emit"})


def _sink_arguments(call: ast.Call, qualified: str, ctx) -> Optional[list[ast.expr]]:
    """The arguments of ``call`` that reach the client, or None if it is not a sink."""
    if qualified in _ALL_ARGS:
        return [*call.args, *(kw.value for kw in call.keywords if kw.arg not in ("status", "mimetype", "headers", "content_type"))]
    if qualified.startswith(("django.http.HttpResponse", "django.http.response.HttpResponse")):
        if "Redirect" in qualified or "NotModified" in qualified:
            return None  # the argument is a URL
        value = argument(call, 0, "content")
        return [value] if value is not None else []
    name = _FIRST_ARG.get(qualified)
    if name is not None:
        value = argument(call, 0, name)
        return [value] if value is not None else []
    name = _SECOND_ARG.get(qualified)
    if name is not None:
        value = argument(call, 1, name)
        return [value] if value is not None else []
    if qualified.endswith(".emit") or qualified == "emit":
        base = qualified[: -len(".emit")].lower() if "." in qualified else ""
        frame = ctx.current_function
        if "socketio" in base or "sio" in base or qualified == "flask_socketio.emit" or (frame is not None and frame.handler == "socket"):
            return [*call.args[1:], *(kw.value for kw in call.keywords if kw.arg in ("data", "message"))]
    return None


# Errors that say the client's input is malformed; sent with a 4xx status they are validation
# messages (`except ValueError as e: raise HTTPException(400, detail=str(e))`).
_INVALID_INPUT_ERRORS = frozenset({
    "ValueError", "UnicodeError", "UnicodeDecodeError", "json.JSONDecodeError", "json.decoder.JSONDecodeError",
    "JSONDecodeError", "binascii.Error", "zipfile.BadZipFile", "BadZipFile", "zlib.error", "zstandard.ZstdError",
    "ZstdError", "tarfile.ReadError", "email.errors.HeaderParseError", "decimal.InvalidOperation",
})
_VALIDATING_CALL = ("validate", "_validate", "check_", "_check_", "verify_", "_verify_")
_PARSING_CALLS = frozenset({"json", "loads", "model_validate", "model_validate_json", "parse_obj", "parse_raw",
                            "fromisoformat", "b64decode", "urlsafe_b64decode"})


def _own_class(qualified: str, path: str) -> bool:
    """An exception class imported from the file's own top-level package (or relatively)."""
    if not qualified or "." not in qualified.lstrip("."):
        return qualified.startswith(".")
    if qualified.startswith("."):
        return True
    parts = [p for p in path.split("/")[:-1] if p not in ("src", "lib", "")]
    return bool(parts) and qualified.split(".", 1)[0] == parts[0]


def _status_value(node: Optional[ast.AST]) -> Optional[int]:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    name = last_name(node) if node is not None else None
    match = re.match(r"^HTTP_(\d{3})_", name or "")
    return int(match.group(1)) if match else None


def _client_error_status(call: Optional[ast.Call], ctx, parent: Optional[ast.AST] = None) -> bool:
    """Does the response built by ``call`` carry an explicit 4xx status?  ``parent``: the node
    holding ``call`` (default: the node being visited's parent)."""
    if call is None:
        return False
    status = None
    for kw in call.keywords:
        if kw.arg in ("status_code", "status", "code"):
            status = _status_value(kw.value)
    if status is None and call.args:
        status = _status_value(call.args[0])  # HTTPException(400, ...), abort(400, ...)
    if status is None:
        parent = ctx.parent if parent is None else parent
        if isinstance(parent, ast.Tuple) and len(parent.elts) > 1 and parent.elts[0] is call:
            status = _status_value(parent.elts[1])  # return jsonify(...), 400
    return status is not None and 400 <= status < 500


def returns_client_error(node: ast.Return) -> bool:
    """``return {"error": str(e)}, 400``: a route's return with an explicit 4xx status."""
    value = node.value
    if not (isinstance(value, ast.Tuple) and len(value.elts) > 1):
        return False
    status = _status_value(value.elts[1])
    return status is not None and 400 <= status < 500


def _validates_only(handler: ast.ExceptHandler, ctx, client_error: bool) -> bool:
    """``try: validate_password(pw)`` / ``x = check_input(data)``: a body of one validating call;
    with a 4xx answer also ``form = ChatForm(**body)``, a model built from the request."""
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.Try) and handler in parent.handlers:
            if len(parent.body) != 1:
                return False
            value = getattr(parent.body[0], "value", None)
            if isinstance(value, ast.Await):
                value = value.value
            if not isinstance(value, ast.Call):
                return False
            last = last_name(value.func) or ""
            if last.startswith(_VALIDATING_CALL):
                return True
            if client_error and (last in _PARSING_CALLS or last.startswith("parse")):
                return True  # `body = await request.json()` answered with 400: the client's input is malformed
            return (client_error and last[:1].isupper() and not value.args and bool(value.keywords)
                    and all(kw.arg is None for kw in value.keywords))
    return False


def _taint_frame(expr: ast.AST, frames: list, ctx):
    """The innermost except frame whose exception details ``expr`` carries, or None."""
    if not frames:
        return None
    stack: list[tuple[ast.AST, Optional[ast.AST]]] = [(expr, None)]
    best = None
    best_index = -1
    while stack:
        node, parent = stack.pop()
        if isinstance(node, ast.Name):
            for index in range(len(frames) - 1, best_index, -1):
                if node.id in frames[index].tainted:
                    if isinstance(parent, ast.Attribute) and parent.attr in _NOT_DETAIL_ATTRS:
                        break
                    best, best_index = frames[index], index
                    break
            continue
        if isinstance(node, ast.Call):
            callee = ctx.resolve(node.func) or ""
            if callee in _NOT_DETAIL_CALLS:
                continue
            if callee == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value in _NOT_DETAIL_ATTRS:
                continue  # getattr(e, "code", 500)
            if callee in _TB_CALLS:
                return frames[-1]
        if isinstance(node, (ast.Lambda, ast.FunctionDef)):
            continue
        for child in ast.iter_child_nodes(node):
            stack.append((child, node))
    return best


def mentions_debug(expr: ast.AST) -> bool:
    """Does a condition test a debug flag (``settings.DEBUG``, ``app.debug``, ``config["DEBUG"]``)?"""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and "debug" in node.id.lower():
            return True
        if isinstance(node, ast.Attribute) and "debug" in node.attr.lower():
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.upper() == "DEBUG":
            return True
    return False


def _in_debug_branch(ctx) -> bool:
    """Inside the body of an ``if settings.DEBUG:`` (details shown on purpose in development)."""
    for index in range(len(ctx.parents) - 1, 0, -1):
        node = ctx.parents[index - 1]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if isinstance(node, ast.If) and any(child is ctx.parents[index] for child in node.body) and mentions_debug(node.test):
            return True
    return False


def _leak_units(expr: ast.expr, frames: list, ctx) -> list[ast.expr]:
    """The sub-expressions of a client-bound value that carry exception details."""
    if isinstance(expr, ast.IfExp) and mentions_debug(expr.test):
        return _leak_units(expr.orelse, frames, ctx)  # the details go out only in debug mode
    if isinstance(expr, ast.Dict):
        units: list[ast.expr] = []
        for value in expr.values:
            units.extend(_leak_units(value, frames, ctx))
        return units
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        units = []
        for value in expr.elts:
            units.extend(_leak_units(value, frames, ctx))
        return units
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "dict" and not expr.args:
        units = []
        for kw in expr.keywords:
            units.extend(_leak_units(kw.value, frames, ctx))
        return units
    if isinstance(expr, ast.Starred):
        return []
    return [expr] if _taint_frame(expr, frames, ctx) is not None else []


def user_error(frame, ctx, client_error: bool = False) -> bool:
    """Is every class ``frame``'s handler catches one whose message is meant for the client?"""
    caught = frame.node.type
    if caught is None:
        return False
    types = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    configured = set(ctx.config.option("user-error-classes", ()) or ())
    for item in types:
        qualified = ctx.resolve(item) or ""
        last = last_name(item) or ""
        if last.endswith(_USER_ERROR_SUFFIXES) or last in configured or qualified in configured:
            continue
        if isinstance(item, ast.Name) and item.id in ctx.module.classes and qualified in ("", item.id):
            continue
        if _own_class(qualified, ctx.file.path):
            continue  # the project's own error class: its messages are written by the project
        if client_error and (qualified in _INVALID_INPUT_ERRORS or last in _INVALID_INPUT_ERRORS):
            continue  # `except ValueError as e: raise HTTPException(400, str(e))`: a validation message
        if qualified in BROAD and _validates_only(frame.node, ctx, client_error):
            continue  # `try: validate_password(pw)`: only validation messages can reach the client
        return False
    return True


def client_bound_values(node: ast.AST, parent: Optional[ast.AST], ctx) -> Optional[list[ast.expr]]:
    """The values ``node`` (a call or a ``return``) sends to the client, or None."""
    if isinstance(node, ast.Call):
        last = last_name(node.func)
        if last is None or (last not in _SINK_LASTS and not last.startswith("HttpResponse")):
            return None
        return _sink_arguments(node, ctx.call_name(node) or "", ctx)
    if isinstance(node, ast.Return) and node.value is not None:
        frame = ctx.current_function
        if frame is None or frame.handler not in ("route", "view"):
            return None
        value = node.value
        body = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
        if isinstance(body, ast.Call) and ctx.resolve(body.func) not in ("str", "repr"):
            return None  # a response-building call: checked as a call
        if frame.handler == "view" and not isinstance(body, ast.Dict):
            return None  # a Django view must return a response; a dict is template context
        return [body]
    return None


def sends_exception_detail(handler: ast.ExceptHandler, ctx) -> bool:
    """Does ``handler`` send its exception's details to the client (what PR301 reports)?

    Asked before the handler's body is visited: follows ``msg = str(e)`` locals in order,
    skips ``if settings.DEBUG:`` branches and nested functions, and leaves out user-facing
    errors the way PR301 does."""
    if ctx.file.is_test:
        return False
    frame = ExceptFrame(handler, {handler.name} if handler.name else set())
    frames = [frame]

    def visit(node: ast.AST, parent: Optional[ast.AST]) -> bool:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(node, ast.If) and mentions_debug(node.test):
            return any(visit(child, node) for child in node.orelse)
        values = client_bound_values(node, parent, ctx)
        if values:
            units = [unit for value in values for unit in _leak_units(value, frames, ctx)]
            if isinstance(node, ast.Call):
                client_error = _client_error_status(node, ctx, parent)
            else:
                client_error = returns_client_error(node)  # type: ignore[arg-type]
            if units and not user_error(frame, ctx, client_error):
                return True
        for child in ast.iter_child_nodes(node):
            if visit(child, node):
                return True
        if isinstance(node, ast.Assign) and _taint_frame(node.value, frames, ctx) is not None:
            frame.tainted.update(t.id for t in node.targets if isinstance(t, ast.Name))
        return False

    try:
        return any(visit(stmt, handler) for stmt in handler.body)
    finally:
        visit = None  # type: ignore[assignment]  # the recursive closure refers to itself: a cycle holding ctx and the tree
