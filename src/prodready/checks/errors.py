"""Errors and logging rules (PR3xx): exceptions that leak or vanish, logging set up or used
in ways that hurt in production."""

from __future__ import annotations

import ast
import re
from typing import Iterable, Optional

from prodready.checks._helpers import argument, keyword_value
from prodready.checks._secrets import is_secret_name, name_tokens
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ModuleImports, ensure_logger, merge_insertions
from prodready.quickfixes.logging_fix import print_call_arguments, removal_edit_span

# -- shared helpers -------------------------------------------------------------------------

LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"})
_LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "logging", "logs", "LOGGER", "LOG", "_LOGGER", "_LOG"})
_LOGGER_VALUES = ("logging.getLogger()", "logging.getLogger", "structlog.get_logger()", "structlog.getLogger()",
                  "loguru.logger", "logging.root", "logging.Logger", "logging.LoggerAdapter()")
_TRACEBACK_CALLS = frozenset({"print_exc", "print_exception", "capture_exception", "captureException",
                              "report_exc_info", "handleError", "notify_exception", "print_tb"})
_FORMAT_TRACEBACK = frozenset({"format_exc", "format_exception", "format_tb"})
_MATH_MODULES = frozenset({"math", "cmath", "numpy", "torch", "tensorflow", "jax", "sympy", "scipy", "pandas", "mpmath"})
_PARENS = (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred, ast.keyword)


def _last_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def is_logger(expr: ast.AST, ctx) -> bool:
    """Is ``expr`` a logger (``logger``, ``self.log``, ``logging``, ``app.logger``...)?"""
    last = _last_name(expr)
    if last is not None and (last in _LOGGER_NAMES or last.lower().endswith("logger")):
        if isinstance(expr, ast.Name) and last == "logging":
            qualified = ctx.resolve(expr) or ""
            return qualified == "logging" or qualified.startswith(_LOGGER_VALUES)
        if isinstance(expr, ast.Name) and last.lower() == "log":
            qualified = ctx.resolve(expr) or ""
            return qualified.split(".", 1)[0] not in _MATH_MODULES  # `from math import log`
        return True
    qualified = ctx.resolve(expr) or ""
    return qualified.startswith(_LOGGER_VALUES)


def is_log_call(call: ast.Call, ctx) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in LOG_METHODS and is_logger(func.value, ctx)


def _truthy_kw(call: ast.Call, name: str) -> bool:
    value = keyword_value(call, name)
    if value is None:
        return False
    return not (isinstance(value, ast.Constant) and not value.value)


def records_traceback(call: ast.Call, ctx) -> bool:
    """``logger.exception(...)``, ``exc_info=...``, ``traceback.print_exc()``, Sentry..."""
    func = call.func
    last = _last_name(func)
    if last == "exception" and isinstance(func, ast.Attribute):
        return bool(call.args or call.keywords)  # not `future.exception()`, a getter
    if last in _TRACEBACK_CALLS:
        return True
    if _truthy_kw(call, "exc_info"):
        return True
    # logger.error(traceback.format_exc()), print(traceback.format_exc())
    if (last == "print" or is_log_call(call, ctx)) and any(
            isinstance(n, ast.Call) and _last_name(n.func) in _FORMAT_TRACEBACK for a in call.args for n in ast.walk(a)):
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


def _enclosing_statement(ctx) -> Optional[ast.stmt]:
    for node in reversed(ctx.parents):
        if isinstance(node, ast.stmt):
            return node
    return None


def _only_statement(parents: list, stmt: ast.stmt) -> Optional[bool]:
    """Is ``stmt`` the only statement of its block? None when that is unknown."""
    index = next((i for i in range(len(parents) - 1, -1, -1) if parents[i] is stmt), None)
    if index is None:
        return None
    if index == 0:
        return False  # a module-level statement: the module may become empty
    parent = parents[index - 1]
    for field in ("body", "orelse", "finalbody"):
        items = getattr(parent, field, None)
        if isinstance(items, list) and any(item is stmt for item in items):
            return len(items) == 1
    return None


def _function_excepts(ctx) -> list:
    """Except frames of the current function (not of an enclosing one)."""
    if not ctx.excepts:
        return []
    if not ctx.functions:
        return list(ctx.excepts)
    func = ctx.functions[-1].node
    inside = False
    handlers = set()
    for node in ctx.parents:
        if node is func:
            inside = True
            handlers.clear()
        elif inside and isinstance(node, ast.ExceptHandler):
            handlers.add(id(node))
    return [frame for frame in ctx.excepts if id(frame.node) in handlers]


def _line_indent(text: str, offset: int) -> Optional[str]:
    line_start = text.rfind("\n", 0, offset) + 1
    prefix = text[line_start:offset]
    return prefix if not prefix.strip() else None


def _cli_decorated(func: ast.AST, ctx) -> bool:
    for decorator in getattr(func, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = ctx.resolve(target) or ""
        if qualified.startswith(("click.", "typer.", "flask.cli.")) or _last_name(target) in {"command", "group", "cli"}:
            return True
    return False


# -- PR301 ----------------------------------------------------------------------------------

GENERIC_MESSAGE = '"Internal server error"'
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
    name = _last_name(node) if node is not None else None
    match = re.match(r"^HTTP_(\d{3})_", name or "")
    return int(match.group(1)) if match else None


def _client_error_status(call: Optional[ast.Call], ctx) -> bool:
    """Does the response built by ``call`` carry an explicit 4xx status?"""
    if call is None:
        return False
    status = None
    for kw in call.keywords:
        if kw.arg in ("status_code", "status", "code"):
            status = _status_value(kw.value)
    if status is None and call.args:
        status = _status_value(call.args[0])  # HTTPException(400, ...), abort(400, ...)
    if status is None:
        parent = ctx.parent
        if isinstance(parent, ast.Tuple) and len(parent.elts) > 1 and parent.elts[0] is call:
            status = _status_value(parent.elts[1])  # return jsonify(...), 400
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
            last = _last_name(value.func) or ""
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


class ExceptionDetailLeak(Rule):
    code = "PR301"
    name = "exception-detail-leak"
    severity = Severity.ERROR
    summary = "Exception details (str(e), tracebacks) are sent to the client"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Inside `except E as e:`, finds values built from the exception (`str(e)`, `repr(e)`,
    `f"{e}"`, `e.args`, `traceback.format_exc()`, also through a local such as
    `msg = str(e)`) that reach a client: Flask `jsonify`, `make_response`, `Response`,
    `abort(code, description)`; DRF `Response`; Django `JsonResponse` / `HttpResponse*`;
    FastAPI `HTTPException(detail=)` and `JSONResponse`; a dict, tuple or string returned
    from a route or view; Socket.IO `emit`; Streamlit `st.error`.

    Not reported for details sent only in debug mode
    (`traceback.format_exc() if settings.DEBUG else "..."`, inside `if settings.DEBUG:`),
    nor for a redirect's URL (`HttpResponseRedirect(e.url)`), nor when every caught class
    is a user-facing error: pydantic/DRF/Django
    `ValidationError`, classes whose name ends in `UserError`, `NotFound`, `DoesNotExist`,
    `BadRequest`, `PermissionDenied`, `HTTPException`, `APIException`..., exception classes
    defined in the same file or imported from the project's own package (its messages are
    the project's), and the classes listed in the `user-error-classes` option. With an
    explicit 4xx status, errors that say the client's input is malformed (`ValueError`,
    `UnicodeError`, `json.JSONDecodeError`, `zipfile.BadZipFile`...) are validation messages
    too, and so is a broad catch around one call that only validates or parses the request
    (`validate_password(pw)`, `await request.json()`, `Form(**body)`).
    The status code of an exception (`e.code`, `e.status_code`) is not a detail.

    ## Why is this bad?
    Exception messages and tracebacks describe the inside of the service: SQL statements
    and table names, file paths, host names, library versions, sometimes credentials in a
    connection string. Sending them to the client hands an attacker a map (CWE-209), and
    users get a message they cannot act on.

    ## Example
    ```python
    @app.route("/orders/<int:order_id>")
    def order(order_id):
        try:
            return jsonify(load_order(order_id))
        except Exception as e:
            return jsonify({"error": str(e)}), 500
    ```

    ## Use instead
    ```python
    @app.route("/orders/<int:order_id>")
    def order(order_id):
        try:
            return jsonify(load_order(order_id))
        except Exception:
            logger.exception("Loading order %s failed", order_id)
            return jsonify({"error": "Internal server error"}), 500
    ```

    ## Fix safety
    The fix is unsafe: it changes what clients receive. It replaces the exception-derived
    value by `"Internal server error"` and, unless the handler already logs the traceback,
    inserts `logger.exception("Unexpected error")` before the statement, adding
    `import logging` and a module `logger = logging.getLogger(__name__)` when missing. A
    local variable that holds a whole payload (`body = {"error": str(e)}`) is reported but
    not rewritten.

    ## Options
    - `user-error-classes`: names of your exception classes whose messages are meant for
      users (`["BillingError", "app.errors.QuotaExceeded"]`).

    ## References
    - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    - [OWASP: Improper Error Handling](https://owasp.org/www-community/Improper_Error_Handling)
    """
    invalid = [
        "from flask import Flask, jsonify\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        return jsonify({\"error\": str(e)}), 500\n",
        "import logging\nfrom flask import jsonify\n\nlogger = logging.getLogger(__name__)\n\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        logger.exception(\"failed\")\n        return jsonify(error=f\"Failed: {e}\"), 500\n",
        "from flask import abort\n\ndef x():\n    try:\n        work()\n    except KeyError as e:\n        abort(500, str(e))\n",
        "from flask import abort\n\ndef x():\n    try:\n        work()\n    except Exception as err:\n        abort(500, description=repr(err))\n",
        "from fastapi import HTTPException\n\nasync def x():\n    try:\n        await work()\n    except Exception as e:\n        raise HTTPException(status_code=500, detail=str(e))\n",
        "from fastapi.responses import JSONResponse\n\nasync def x():\n    try:\n        await work()\n    except Exception as e:\n        return JSONResponse(status_code=500, content={\"detail\": e.args})\n",
        "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\nclass V(APIView):\n    def get(self, request):\n        try:\n            return Response(work())\n        except Exception as e:\n            msg = str(e)\n            return Response({\"error\": msg}, status=500)\n",
        "import traceback\nfrom django.http import JsonResponse\n\ndef view(request):\n    try:\n        return JsonResponse(work())\n    except Exception:\n        return JsonResponse({\"trace\": traceback.format_exc()}, status=500)\n",
        "from django.http import HttpResponse, HttpResponseServerError\n\ndef view(request):\n    try:\n        return HttpResponse(work())\n    except Exception as e:\n        return HttpResponseServerError(f\"Error: {e}\")\n",
        "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        return {\"ok\": False, \"error\": str(e)}\n",
        "from flask import Flask\napp = Flask(__name__)\n\n@app.post('/x')\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        return \"Error: \" + str(e), 500\n",
        "from flask_socketio import SocketIO, emit\nsocketio = SocketIO()\n\n@socketio.on('ask')\ndef ask(data):\n    try:\n        work()\n    except Exception as e:\n        emit('error', {'message': str(e)})\n",
        "import socketio\nsio = socketio.AsyncServer()\n\nasync def ask(sid, data):\n    try:\n        await work()\n    except Exception as e:\n        await sio.emit('error', {'message': str(e)}, to=sid)\n",
        "import streamlit as st\n\ntry:\n    work()\nexcept Exception as e:\n    st.error(f\"Something failed: {e}\")\n",
        "from flask import jsonify\nfrom pydantic import ValidationError\n\ndef x():\n    try:\n        work()\n    except (ValidationError, RuntimeError) as e:\n        return jsonify(error=str(e)), 400\n",
        "from flask import jsonify\n\ndef x():\n    try:\n        work()\n    except Exception as e:\n        body = {\"error\": str(e)}\n        return jsonify(body), 500\n",
        Example("from fastapi import HTTPException\n\ndef avatar(path):\n    try:\n        return read(path)\n    except (ValueError, OSError) as error:\n        raise HTTPException(status_code=400, detail=str(error))\n",
                note="an OSError message names server paths (open-webui)"),
        Example("from fastapi import HTTPException\n\ndef x():\n    try:\n        work()\n    except ValueError as e:\n        raise HTTPException(status_code=500, detail=str(e))\n",
                note="a ValueError behind a 500 is an internal failure"),
    ]
    valid = [
        "import logging\nfrom flask import jsonify\nlogger = logging.getLogger(__name__)\n\ndef x():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        return jsonify(error='Internal server error'), 500\n",
        Example("from flask import jsonify\nfrom pydantic import ValidationError\n\ndef x():\n    try:\n        work()\n    except ValidationError as e:\n        return jsonify(errors=e.errors()), 422\n", note="validation errors are meant for the user"),
        Example("from rest_framework import serializers\nfrom rest_framework.response import Response\n\ndef x(request):\n    try:\n        work()\n    except serializers.ValidationError as e:\n        return Response(e.detail, status=400)\n", note="DRF validation errors"),
        Example("from flask import jsonify\n\nclass QuotaExceeded(Exception):\n    pass\n\ndef x():\n    try:\n        work()\n    except QuotaExceeded as e:\n        return jsonify(error=str(e)), 429\n", note="an error class of this module"),
        Example("from flask import jsonify\nfrom billing.errors import CardDeclined\n\ndef x():\n    try:\n        work()\n    except CardDeclined as e:\n        return jsonify(error=str(e)), 402\n", options={"user-error-classes": ["CardDeclined"]}, note="configured user-error class"),
        Example("from flask import jsonify\nfrom werkzeug.exceptions import HTTPException\n\ndef x():\n    try:\n        work()\n    except HTTPException as e:\n        return jsonify(error=e.description), e.code\n", note="HTTP errors are written for clients"),
        Example("from flask import jsonify\n\ndef x():\n    try:\n        work()\n    except Exception as e:\n        return jsonify(error='failed', type=type(e).__name__), getattr(e, 'code', 500)\n", note="status code and class name are not details"),
        "from flask import jsonify\n\ndef x():\n    try:\n        work()\n    except Exception as e:\n        return jsonify(status=e.code), 500\n",
        Example("from flask import jsonify\n\ndef test_x():\n    try:\n        work()\n    except Exception as e:\n        return jsonify(error=str(e))\n", path="tests/test_api.py", note="tests"),
        "from flask import jsonify\n\ndef x(e):\n    return jsonify(error=str(e))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef helper():\n    try:\n        work()\n    except Exception as e:\n        return {'error': str(e)}\n",
        Example("import traceback\nfrom django.conf import settings\nfrom django.http import HttpResponseServerError\n\ndef handle(request):\n    try:\n        return work()\n    except Exception:\n        return HttpResponseServerError(traceback.format_exc() if settings.DEBUG else 'Internal Server Error')\n",
                note="details only in debug mode (Django's ASGI handler)"),
        Example("import traceback\nfrom django.conf import settings\nfrom django.http import JsonResponse\n\ndef view(request):\n    try:\n        return work()\n    except Exception:\n        if settings.DEBUG:\n            return JsonResponse({'trace': traceback.format_exc()}, status=500)\n        return JsonResponse({'error': 'failed'}, status=500)\n",
                note="debug-only branch"),
        Example("from django import http\n\ndef dispatch(request):\n    try:\n        check(request)\n    except SkipStep as e:\n        return http.HttpResponseRedirect(e.url)\n", note="a redirect's argument is a URL (django-oscar)"),
        Example("from flask import jsonify\nfrom changedetectionio.llm.model_list import ModelListError, list_models\n\ndef models():\n    try:\n        return jsonify(list_models())\n    except ModelListError as e:\n        return jsonify({'error': str(e)}), 400\n",
                path="changedetectionio/blueprint/settings/llm.py", note="an error class of the project's own package (changedetection.io, mlflow)"),
        Example("from fastapi import HTTPException, status\n\nasync def create(form):\n    try:\n        await validate_rrule(form.rrule)\n    except ValueError as e:\n        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail=str(e))\n",
                note="ValueError turned into a 4xx: a validation message (open-webui)"),
        Example("from fastapi import HTTPException\n\ndef load(data):\n    try:\n        return unzip(data)\n    except (ValueError, UnicodeError, zipfile.BadZipFile) as error:\n        raise HTTPException(400, str(error))\n",
                note="malformed client input, answered with 400 (open-webui)"),
        Example("from fastapi import HTTPException\n\ndef change(form):\n    try:\n        validate_password(form.new_password)\n    except Exception as e:\n        raise HTTPException(400, detail=str(e))\n",
                note="the body only validates: the messages are the validator's (open-webui)"),
        Example("from fastapi import HTTPException\n\nasync def body(request):\n    try:\n        return await request.json()\n    except Exception as e:\n        raise HTTPException(status_code=400, detail=f'Invalid JSON payload: {e!s}')\n",
                note="parsing the client's body, answered with 400 (mlflow)"),
        Example("from fastapi import HTTPException\n\ndef chat(body):\n    try:\n        payload = RequestPayload(**body)\n    except Exception as e:\n        raise HTTPException(status_code=400, detail=f'Invalid chat payload: {e!s}')\n",
                note="a request model built from the body, answered with 400: validation messages (mlflow, open-webui)"),
    ]
    unsafe_fixed = {
        invalid[0]: "from flask import Flask, jsonify\nimport logging\n\nlogger = logging.getLogger(__name__)\n\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        logger.exception(\"Unexpected error\")\n        return jsonify({\"error\": \"Internal server error\"}), 500\n",
        invalid[1]: "import logging\nfrom flask import jsonify\n\nlogger = logging.getLogger(__name__)\n\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        logger.exception(\"failed\")\n        return jsonify(error=\"Internal server error\"), 500\n",
        invalid[2]: "from flask import abort\nimport logging\n\nlogger = logging.getLogger(__name__)\n\ndef x():\n    try:\n        work()\n    except KeyError as e:\n        logger.exception(\"Unexpected error\")\n        abort(500, \"Internal server error\")\n",
        invalid[7]: "import traceback\nfrom django.http import JsonResponse\nimport logging\n\nlogger = logging.getLogger(__name__)\n\ndef view(request):\n    try:\n        return JsonResponse(work())\n    except Exception:\n        logger.exception(\"Unexpected error\")\n        return JsonResponse({\"trace\": \"Internal server error\"}, status=500)\n",
        invalid[6]: "from rest_framework.response import Response\nfrom rest_framework.views import APIView\nimport logging\n\nlogger = logging.getLogger(__name__)\n\nclass V(APIView):\n    def get(self, request):\n        try:\n            return Response(work())\n        except Exception as e:\n            msg = str(e)\n            logger.exception(\"Unexpected error\")\n            return Response({\"error\": \"Internal server error\"}, status=500)\n",
    }

    _containers: Optional[set] = None

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not ctx.excepts:
            return
        value = node.value
        if isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.DictComp, ast.ListComp)) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("dict", "list")
        ):
            if self._containers is None:
                self._containers = set()
            self._containers.update(t.id for t in node.targets if isinstance(t, ast.Name))

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not ctx.excepts:
            return
        last = _last_name(node.func)
        if last is None or (last not in _SINK_LASTS and not last.startswith("HttpResponse")):
            return
        if ctx.file.is_test:
            return
        qualified = ctx.call_name(node) or ""
        values = _sink_arguments(node, qualified, ctx)
        if not values:
            return
        self._check(values, ctx, node)

    def visit_Return(self, node: ast.Return, ctx) -> None:
        if not ctx.excepts or node.value is None or ctx.file.is_test:
            return
        frame = ctx.current_function
        if frame is None or frame.handler not in ("route", "view"):
            return
        value = node.value
        body = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
        if isinstance(body, ast.Call):
            callee = ctx.resolve(body.func)
            if callee not in ("str", "repr"):
                return  # a response-building call: the sink check handles it
        if frame.handler == "view" and not isinstance(body, ast.Dict):
            return  # a Django view must return a response; a dict is template context
        self._check([body], ctx)

    def _check(self, values: list[ast.expr], ctx, call: Optional[ast.Call] = None) -> None:
        frames = _function_excepts(ctx)
        if not frames:
            return
        units: list[ast.expr] = []
        for value in values:
            units.extend(_leak_units(value, frames, ctx))
        if not units or _in_debug_branch(ctx):
            return
        leaking = {id(_taint_frame(unit, frames, ctx)) for unit in units}
        client_error = _client_error_status(call, ctx)
        if all(self._user_error(frame, ctx, client_error) for frame in frames if id(frame) in leaking):
            return
        fixes = []
        builder = self._builder(units, frames, ctx)
        if builder is not None:
            fixes.append(fix("Send a generic error message and log the exception", builder, safe=False))
        self.report(units[0], "Don't send exception details to the client; return a generic message and log the exception with `logger.exception()`", fixes=fixes)

    def _user_error(self, frame, ctx, client_error: bool = False) -> bool:
        caught = frame.node.type
        if caught is None:
            return False
        types = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        configured = set(ctx.config.option("user-error-classes", ()) or ())
        for item in types:
            qualified = ctx.resolve(item) or ""
            last = _last_name(item) or ""
            if last.endswith(_USER_ERROR_SUFFIXES) or last in configured or qualified in configured:
                continue
            if isinstance(item, ast.Name) and item.id in ctx.module.classes and qualified in ("", item.id):
                continue
            if _own_class(qualified, ctx.file.path):
                continue  # the project's own error class: its messages are written by the project
            if client_error and (qualified in _INVALID_INPUT_ERRORS or last in _INVALID_INPUT_ERRORS):
                continue  # `except ValueError as e: raise HTTPException(400, str(e))`: a validation message
            if qualified in _BROAD and _validates_only(frame.node, ctx, client_error):
                continue  # `try: validate_password(pw)`: only validation messages can reach the client
            return False
        return True

    def _builder(self, units: list[ast.expr], frames: list, ctx):
        ranges = []
        for unit in units:
            if isinstance(unit, ast.Name) and unit.id in (self._containers or ()):
                return None  # a local holding a whole payload: rewrite it where it is built
            ranges.append(ctx.source.node_range(unit))
        handler = frames[-1].node
        logs = any(isinstance(n, ast.Call) and records_traceback(n, ctx) for n in iter_handler_nodes(handler.body))
        insert_at = None
        indent = ""
        if not logs:
            stmt = _enclosing_statement(ctx)
            if stmt is None:
                return None
            start = ctx.source.node_range(stmt)[0]
            indent = _line_indent(ctx.source.text, start)
            if indent is None or ctx.source.text.startswith("elif", start):
                return None
            insert_at = start - len(indent)

        def build(fc: FixContext):
            edits = [Edit(fc.at(s), fc.at(e), GENERIC_MESSAGE) for s, e in ranges]
            if insert_at is not None:
                logger_edits, logger_name = ensure_logger(fc.text)
                edits.extend(logger_edits)
                edits.append(Edit(fc.at(insert_at), fc.at(insert_at), f'{indent}{logger_name}.exception("Unexpected error")\n'))
            return merge_insertions(edits)

        return build


# -- PR302 ----------------------------------------------------------------------------------

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_BOUNDARY_FUNCTIONS = frozenset({
    "main", "cli", "run", "__call__", "__del__", "__exit__", "__aexit__", "close", "aclose",
    "shutdown", "serve", "serve_forever", "run_forever", "worker", "handle", "dispatch",
    "process_request", "process_response", "process_exception", "process_view", "emit",
    "cleanup", "teardown", "loop", "start", "callback", "on_message", "handle_error",
    "lifespan", "startup", "on_startup", "on_shutdown",
})
# Other linters' suppressions of the same check: the handler was reviewed already.
_OTHER_SUPPRESSIONS = re.compile(
    r"#.*(?:noqa:[^#]*\b(?:BLE001|E722|B001|S110|S112)\b|pylint:\s*disable=[^#]*\b(?:broad-except|bare-except|"
    r"broad-exception-caught|W0703|W0702|W0718)\b)", re.IGNORECASE)
_TERMINATE = frozenset({"sys.exit", "os._exit", "exit", "quit", "os.abort", "pytest.fail", "pytest.skip"})
_WRAPPER_NAMES = frozenset({"wrapper", "wraps", "wrapped", "decorated", "inner", "_wrapper", "wrapped_f",
                            "decorated_function", "wrapper_func", "_wrapped", "_decorated", "_inner"})
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Failure", "Exc")
_PASS_ON_EXCLUDED = frozenset({"str", "repr", "print", "isinstance", "type", "hasattr", "getattr", "len",
                               "format", "id", "bool", "issubclass", "warnings.warn", "traceback.format_exception_only"})


def _broad_types(caught: ast.expr, ctx) -> list[ast.expr]:
    items = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return [item for item in items if isinstance(item, ast.Name) and item.id in ("Exception", "BaseException")
            and (ctx.resolve(item) or "") in _BROAD]


def _handler_outcome(handler: ast.ExceptHandler, ctx) -> tuple[bool, bool, bool]:
    """(re-raises, records the traceback, hands the exception object on)."""
    raises = logs = passes = False
    name = handler.name
    parents: dict[int, ast.AST] = {}
    for node in iter_handler_nodes(handler.body):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, ast.Raise):
            raises = True
        elif isinstance(node, ast.Call):
            if records_traceback(node, ctx):
                logs = True
            else:
                callee = ctx.resolve(node.func) or ""
                if callee == "sys.exc_info":
                    passes = True
                elif callee in _TERMINATE or "reraise" in (_last_name(node.func) or ""):
                    raises = True  # sys.exit(1), `with safe_reraise():`, six.reraise(...)
                elif callee == "os.kill" and node.args and isinstance(node.args[0], ast.Call) \
                        and ctx.resolve(node.args[0].func) == "os.getpid":
                    raises = True  # os.kill(os.getpid(), signal.SIGTERM): ends the program
        elif name and isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            if _hands_on(node, parents, ctx):
                passes = True
    return raises, logs, passes


def _hands_on(node: ast.Name, parents: dict, ctx) -> bool:
    """Is the exception object itself passed to a call, returned, stored or yielded?"""
    child: ast.AST = node
    parent = parents.get(id(node))
    stringified = False  # climbed through str(e) / repr(e) / "...".format(e)
    while True:
        while isinstance(parent, (*_PARENS, ast.FormattedValue, ast.JoinedStr)):
            if isinstance(parent, (ast.FormattedValue, ast.JoinedStr)):
                stringified = True  # f"...{e}"
            child, parent = parent, parents.get(id(parent))
        if not isinstance(parent, ast.Call) or child is parent.func:
            break
        last = _last_name(parent.func) or ""
        if last.endswith(_EXCEPTION_SUFFIXES):
            return True  # wrapped into another exception: `errors.append(TagError(str(e)))`
        if last in ("from_error", "from_exception", "from_exc"):
            return True  # turned into an error object for the caller: `yield Event.from_error(f"...: {e}")`
        callee = ctx.resolve(parent.func) or ""
        if callee in ("str", "repr") or last == "format":
            stringified = True
            child, parent = parent, parents.get(id(parent))
            continue
        break
    if stringified:
        return False
    if isinstance(parent, ast.Call):
        if child is parent.func:
            return False
        if is_log_call(parent, ctx):
            return False
        callee = ctx.resolve(parent.func) or ""
        if callee in _PASS_ON_EXCLUDED or _last_name(parent.func) in ("format", "join", "append_text"):
            return False
        return True
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await)):
        return True
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is child:
        return True
    return False


def _in_loop(ctx) -> bool:
    func = ctx.functions[-1].node if ctx.functions else None
    for node in reversed(ctx.parents):
        if node is func:
            return False
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return True
    return False


_OBJECT_PROTOCOL = frozenset({"repr", "str", "format", "hash"})


def _guards_object_protocol(try_node) -> bool:
    """``try: return repr(obj)``: an arbitrary object's ``__repr__``/``__str__`` can raise
    anything, so a broad catch with a fallback is the right tool (``saferepr``)."""
    body = getattr(try_node, "body", None)
    if not body or len(body) != 1:
        return False
    value = getattr(body[0], "value", None)
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _OBJECT_PROTOCOL
            and not isinstance(body[0], ast.AugAssign))


def _wraps_decorated(func: ast.AST, ctx) -> bool:
    return any((ctx.resolve(d.func if isinstance(d, ast.Call) else d) or "") in ("functools.wraps", "wraps")
               for d in getattr(func, "decorator_list", ()))


def _at_boundary(ctx) -> bool:
    if not ctx.functions or ctx.in_main_guard:
        return True
    if ctx.handler is not None:
        return True
    if ctx.in_views_module or "/management/commands/" in ctx.file.path or ctx.file.path.startswith("management/commands/"):
        return True  # request handling code and management commands run at the boundary
    name = ctx.functions[-1].node.name if not isinstance(ctx.functions[-1].node, ast.Lambda) else ""
    if len(ctx.functions) > 1 and (name in _WRAPPER_NAMES or _wraps_decorated(ctx.functions[-1].node, ctx)):
        return True  # a decorator's wrapper: the boundary around every decorated call
    if name in _BOUNDARY_FUNCTIONS or name.startswith(("run_", "_run", "main_", "handle_", "on_")) or name.endswith(("_loop", "_worker", "_main", "_thread", "_callback", "_handler", "_lifespan")):
        return True
    return _in_loop(ctx)


class BroadExcept(Rule):
    code = "PR302"
    name = "broad-except"
    severity = Severity.WARNING
    summary = "A broad except (Exception, BaseException, bare except) swallows errors"
    docs = """
    ## What it does
    Finds `except Exception:`, `except BaseException:`, bare `except:` and tuples that
    contain them, whose handler neither re-raises nor is a top-level boundary that records
    the traceback.

    A handler is fine when it:
    - re-raises (`raise`, `raise AppError(...) from e`, `with safe_reraise():`) or ends
      the program (`sys.exit(2)`, `os.kill(os.getpid(), ...)`), or
    - hands the exception object on (`future.set_exception(e)`, `errors.append(e)`,
      `return e`, `self.on_error(e)`, `yield Event.from_error(f"...{e}")`), which
      propagates it by other means, or
    - records the traceback (`logger.exception(...)`, `exc_info=True`,
      `traceback.print_exc()`, `sentry_sdk.capture_exception()`) **at a top-level
      boundary**: module level or `if __name__ == "__main__":`, a request handler, view,
      Socket.IO handler or task, code in a views module (`views.py`, `api.py`, `views/`)
      or a Django management command, a function named like an entry point or a callback
      (`main`, `run`, `__call__`, `__exit__`, `close`, `lifespan`, `*_loop`, `*_worker`, `handle_*`,
      `on_*`...), a decorator's wrapper (`@functools.wraps`, `wrapper`), or a `try` inside
      a loop (a worker or main loop that keeps going after one item fails), or
    - guards a single `repr(obj)` / `str(obj)` / `format(obj)` / `hash(obj)` call with a
      fallback: an arbitrary object's `__repr__`/`__str__` can raise anything.

    Bare `except:` is always reported, even when it re-raises; say `except BaseException:`
    if catching everything is intended. Not reported in tests and migrations, nor on a
    handler another linter's equivalent check was already silenced for
    (`# noqa: BLE001`, `E722`, `S110`, `# pylint: disable=broad-except`,
    `broad-exception-caught`, `bare-except`): that handler has been reviewed.

    ## Why is this bad?
    A broad handler catches the errors you expect and every bug you do not: a `TypeError`,
    a `KeyError` from a typo, a lost database connection. Without a traceback, they
    disappear and the code carries on with wrong data. Bare `except:` (and
    `except BaseException:`) also catch `KeyboardInterrupt` and `SystemExit`, so Ctrl-C
    and `sys.exit()` stop working. `except Exception:` does **not** catch those two (they
    derive from `BaseException` only), but it still hides bugs.

    ## Example
    ```python
    def load_profile(user_id):
        try:
            return fetch_profile(user_id)
        except Exception:
            return None
    ```

    ## Use instead
    ```python
    def load_profile(user_id):
        try:
            return fetch_profile(user_id)
        except ProfileNotFound:
            return None
    ```

    ## References
    - [Python tutorial: Handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions)
    - [PEP 8: Programming recommendations](https://peps.python.org/pep-0008/#programming-recommendations)
    """
    invalid = [
        "def f():\n    try:\n        work()\n    except Exception:\n        return None\n",
        "def f():\n    try:\n        work()\n    except:\n        pass\n",
        "def f():\n    try:\n        work()\n    except:\n        cleanup()\n        raise\n",
        "def f():\n    try:\n        work()\n    except BaseException as e:\n        print(e)\n",
        "def f():\n    try:\n        work()\n    except (ValueError, Exception) as e:\n        return str(e)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.error('failed: %s', e)\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef parse(value):\n    try:\n        return int(value)\n    except Exception:\n        logger.exception('bad value')\n        return 0\n",
                note="logs the traceback but swallows the error deep inside a helper"),
        "try:\n    import numpy\nexcept:\n    numpy = None\n",
    ]
    valid = [
        Example("def f():\n    try:\n        work()\n    except Exception:\n        rollback()\n        raise\n", note="re-raises"),
        Example("def f():\n    try:\n        work()\n    except Exception as e:\n        raise AppError('work failed') from e\n", note="re-raises wrapped"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef main():\n    try:\n        run()\n    except Exception:\n        logger.exception('crashed')\n        return 1\n", note="top-level boundary that logs the traceback"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef consume(queue):\n    for item in queue:\n        try:\n            handle(item)\n        except Exception:\n            logger.exception('item %s failed', item)\n", note="worker loop"),
        Example("import logging\nfrom flask import Flask\napp = Flask(__name__)\nlogger = logging.getLogger(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception:\n        logger.error('failed', exc_info=True)\n        return 'error', 500\n", note="request boundary"),
        Example("import sentry_sdk\n\ndef main():\n    try:\n        run()\n    except Exception as e:\n        sentry_sdk.capture_exception(e)\n", note="reported to Sentry"),
        Example("def f(future):\n    try:\n        future.set_result(work())\n    except Exception as e:\n        future.set_exception(e)\n", note="hands the exception on"),
        Example("def validate(objects, exceptions):\n    for obj in objects:\n        try:\n            check(obj)\n        except Exception as e:\n            exceptions.append(TagInvalidError(str(e)))\n    if exceptions:\n        raise TagsInvalidError(exceptions)\n", note="wrapped into an exception raised later (Superset)"),
        Example("def f():\n    try:\n        work()\n    except ValueError:\n        return None\n", note="specific exception"),
        Example("import traceback\nif __name__ == '__main__':\n    try:\n        run()\n    except Exception:\n        traceback.print_exc()\n", note="script entry point"),
        Example("def test_x():\n    try:\n        work()\n    except Exception:\n        pass\n", path="tests/test_x.py", note="tests"),
        "class Exception(Warning):\n    pass\n\ndef f():\n    try:\n        work()\n    except Exception:\n        pass\n",
        Example("import sys\n\ndef setup(path):\n    try:\n        remove(path)\n    except Exception as e:\n        log('cannot delete: %s' % e)\n        sys.exit(2)\n", note="exits (Django's test database setup)"),
        Example("from sqlalchemy import util\n\ndef f(meta, name):\n    try:\n        return build(name)\n    except Exception:\n        with util.safe_reraise():\n            meta.remove(name)\n", note="re-raises through a context manager (SQLAlchemy)"),
        Example("import functools\nimport logging\nlog = logging.getLogger(__name__)\n\ndef safe(f):\n    @functools.wraps(f)\n    def wraps(self, *args, **kwargs):\n        try:\n            return f(self, *args, **kwargs)\n        except Exception as e:\n            log.exception(e)\n            return self.response_500()\n    return wraps\n",
                note="a decorator's wrapper is the boundary of every decorated call (Flask-AppBuilder)"),
        Example("import logging\nfrom flask_appbuilder.api import BaseApi, expose\nlogger = logging.getLogger(__name__)\n\nclass ThemeApi(BaseApi):\n    @expose('/', methods=['POST'])\n    def post(self):\n        try:\n            return self.response(201, id=create())\n        except Exception:\n            logger.exception('Unexpected error in POST /theme')\n            return self.response_422(message='failed')\n",
                note="Flask-AppBuilder endpoint that logs the traceback (Superset)"),
        Example("def f():\n    try:\n        work()\n    except Exception:  # noqa: BLE001\n        pass\n", note="already reviewed for another linter's broad-except check"),
        Example("def saferepr(obj):\n    try:\n        return repr(obj)\n    except Exception as exc:\n        return f'<unrepresentable {type(obj)!r}: {exc!r}>'\n",
                note="an arbitrary object's __repr__ can raise anything (Celery's saferepr)"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\nclass PaymentDetailsView(View):\n    def submit(self, request):\n        try:\n            self.handle_payment()\n        except Exception:\n            logger.exception('unhandled exception while taking payment')\n            return self.render_preview(request, error='Payment failed')\n",
                path="shop/checkout/views.py", note="request boundary in a views module (django-oscar)"),
        Example("def upgrade():\n    try:\n        op.create_unique_constraint(None, 'dbs', ['name'])\n    except Exception:\n        pass\n", path="app/migrations/versions/0001_add.py", note="migrations"),
        Example("import os\nimport signal\n\ndef monitor():\n    try:\n        check()\n    except Exception as e:\n        logger.error(f'monitor error: {e}')\n        os.kill(os.getpid(), signal.SIGTERM)\n",
                note="ends the program (changedetection.io)"),
        Example("def stream(text):\n    try:\n        response = parse(text)\n    except Exception as e:\n        yield Event.from_error(f'invalid output: {e}')\n        return\n",
                note="turned into an error event for the caller (mlflow)"),
        Example("import logging\n_logger = logging.getLogger(__name__)\n\nasync def _lifespan(app):\n    try:\n        await cleanup()\n    except Exception:\n        _logger.warning('cleanup failed', exc_info=True)\n    yield\n",
                note="an ASGI lifespan is a boundary (mlflow)"),
    ]

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx) -> None:
        if ctx.file.is_test or ctx.file.is_migration:
            return
        line = ctx.source.line_text(node.lineno - 1)
        if "#" in line and _OTHER_SUPPRESSIONS.search(line):
            return
        if node.type is None:
            start = ctx.source.node_range(node)[0]
            raises, _, _ = _handler_outcome(node, ctx)
            if raises:
                message = "Write `except BaseException:` instead of a bare `except:` so catching KeyboardInterrupt and SystemExit is explicit"
            else:
                message = "Catch specific exceptions instead of a bare `except:`, which also catches KeyboardInterrupt and SystemExit"
            self.report((start, start + len("except")), message)
            return
        broad = _broad_types(node.type, ctx)
        if not broad or _guards_object_protocol(ctx.parent):
            return
        raises, logs, passes = _handler_outcome(node, ctx)
        if raises or passes:
            return
        boundary = _at_boundary(ctx)
        if logs and boundary:
            return
        what = "BaseException" if broad[0].id == "BaseException" else "Exception"
        if logs:
            message = f"Catch specific exceptions or re-raise: logging and carrying on after `except {what}` here hides failures from the caller"
        elif what == "BaseException":
            message = "Catch specific exceptions or re-raise: `except BaseException` also swallows KeyboardInterrupt and SystemExit"
        elif any(isinstance(n, ast.Call) and (is_log_call(n, ctx) or _last_name(n.func) in ("print", "warn"))
                 for n in iter_handler_nodes(node.body)):
            message = "Catch specific exceptions or re-raise: `except Exception` here swallows unexpected errors and drops their traceback"
        else:
            message = "Catch specific exceptions or re-raise: `except Exception` here silently swallows unexpected errors"
        self.report(node.type if len(broad) > 1 or not isinstance(node.type, ast.Tuple) else broad[0], message)


# -- PR303 ----------------------------------------------------------------------------------

def _collect_log_statements(body: list, path: tuple, out: list) -> None:
    """Statement-level logging calls with their position path (list identity, index)."""
    exits = bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))
    for index, stmt in enumerate(body):
        here = path + ((id(body), index, exits),)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            out.append((stmt, here, body))
        elif isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            for field in ("body", "orelse"):
                items = getattr(stmt, field, None)
                if items:
                    _collect_log_statements(items, here, out)


def _bare_exception_log(stmt: ast.Expr, handler: ast.ExceptHandler) -> bool:
    """``logger.exception(e)`` / ``logger.exception(str(e))``: no message of its own."""
    call = stmt.value
    if len(call.args) != 1 or not handler.name:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id in ("str", "repr") and len(arg.args) == 1:
        arg = arg.args[0]
    return isinstance(arg, ast.Name) and arg.id == handler.name


def _both_run(path_a: tuple, path_b: tuple) -> bool:
    """Whenever the deeper of two statements runs, the shallower one runs too."""
    short, long = (path_a, path_b) if len(path_a) <= len(path_b) else (path_b, path_a)
    if not (short[:-1] == long[: len(short) - 1] and short[-1][0] == long[len(short) - 1][0]):
        return False
    if short[-1][1] > long[len(short) - 1][1] and any(entry[2] for entry in long[len(short):]):
        return False  # `if x: log(...); return` then a later log: never both
    return True


class RedundantExceptionLogging(Rule):
    code = "PR303"
    name = "redundant-exception-logging"
    severity = Severity.WARNING
    summary = "The same exception is logged twice in one handler"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds an `except` handler that records the same traceback twice:
    `logger.exception(...)` plus another call on the **same** logger with `exc_info=...`
    (or a second `logger.exception`), or a logged traceback plus `traceback.print_exc()`.
    Calls on different loggers are not duplicates, and calls in different branches of an
    `if` (or in an `if` block that returns before the other call) never both run, so they
    are not reported either. The finding is on the redundant
    call: the later one on the same logger, or `traceback.print_exc()`.

    ## Why is this bad?
    `logger.exception()` already logs the traceback at ERROR level. Logging it again (or
    printing it to stderr as well) doubles every error in the logs and in the alerting
    built on them, and the stderr copy bypasses log formatting and shipping.

    ## Example
    ```python
    try:
        sync()
    except SyncError:
        logger.exception("Sync failed")
        traceback.print_exc()
    ```

    ## Use instead
    ```python
    try:
        sync()
    except SyncError:
        logger.exception("Sync failed")
    ```

    ## Fix safety
    The fix is safe: it deletes the duplicate statement (its whole line); if it was the
    only statement of its block, it becomes `pass`.

    ## References
    - [logging.Logger.exception](https://docs.python.org/3/library/logging.html#logging.Logger.exception)
    """
    invalid = [
        "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        traceback.print_exc()\n        return None\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.exception('failed')\n        logger.error('details: %s', e, exc_info=True)\n        raise\n",
        "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        traceback.print_exc()\n        logger.exception('failed')\n        raise\n",
        "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f(verbose):\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        if verbose:\n            traceback.print_exc()\n        raise\n",
        "import logging\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logging.exception('failed')\n        logging.exception('again')\n        raise\n",
    ]
    valid = [
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        raise\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\naudit = logging.getLogger('audit')\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        audit.error('work failed', exc_info=True)\n        raise\n", note="different loggers"),
        Example("import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f(debug):\n    try:\n        work()\n    except Exception:\n        if debug:\n            traceback.print_exc()\n        else:\n            logger.exception('failed')\n        raise\n", note="different branches"),
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.exception('failed')\n        logger.info('retrying after %s', e)\n        raise\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.error('failed', exc_info=False)\n        logger.exception('failed')\n        raise\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef f(evidence):\n    try:\n        work(evidence)\n    except Exception:\n        if evidence is None:\n            logger.debug('failed', exc_info=True)\n            return None\n        logger.warning('retrying without evidence', exc_info=True)\n        work(None)\n",
                note="the first log's branch returns: the two never both run (mlflow)"),
    ]
    fixed = {
        invalid[0]: "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        return None\n",
        invalid[1]: "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.exception('failed')\n        raise\n",
        invalid[2]: "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        raise\n",
        invalid[3]: "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f(verbose):\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        if verbose:\n            pass\n        raise\n",
    }

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx) -> None:
        statements: list = []
        _collect_log_statements(node.body, (), statements)
        if len(statements) < 2:
            return
        calls = []  # (stmt, path, siblings, kind, logger key)
        for stmt, path, siblings in statements:
            call = stmt.value
            func = call.func
            last = _last_name(func)
            if isinstance(func, ast.Attribute) and last in LOG_METHODS:
                if not (last == "exception" or _truthy_kw(call, "exc_info")):
                    continue
                if not is_logger(func.value, ctx):
                    continue
                calls.append((stmt, path, siblings, "log", ctx.source.segment(func.value)))
            elif last in ("print_exc", "print_exception") and (ctx.call_name(call) or "").startswith("traceback."):
                calls.append((stmt, path, siblings, "tb", None))
        if len(calls) < 2:
            return
        reported: set[int] = set()
        for j, later in enumerate(calls):
            for earlier in calls[:j]:
                if not _both_run(earlier[1], later[1]):
                    continue
                if earlier[3] == "log" and later[3] == "log":
                    if earlier[4] != later[4]:
                        continue
                    # Keep the call with a real message: `logger.exception(e)` says less.
                    redundant = earlier if _bare_exception_log(earlier[0], node) and not _bare_exception_log(later[0], node) else later
                elif earlier[3] == "tb" and later[3] == "tb":
                    continue
                else:
                    redundant = earlier if earlier[3] == "tb" else later
                if id(redundant[0]) in reported:
                    continue
                reported.add(id(redundant[0]))
                self._report(redundant, ctx)

    def _report(self, entry, ctx) -> None:
        stmt, _path, siblings, kind, key = entry
        span = removal_edit_span(ctx.source, stmt, len(siblings) == 1)
        fixes = []
        if span is not None:
            start, end, replacement = span
            fixes.append(fix("Remove the duplicate traceback logging",
                             lambda fc: [Edit(fc.at(start), fc.at(end), replacement)]))
        if kind == "tb":
            message = "Remove `traceback.print_exc()`: the exception is already logged with its traceback"
        else:
            message = f"Remove this call: the exception is already logged with its traceback on `{key}`"
        self.report(stmt.value, message, fixes=fixes)


# -- PR304 ----------------------------------------------------------------------------------

_ENTRY_FUNCTIONS = frozenset({"main", "cli", "_main", "run_cli", "entrypoint", "entry_point", "run_main"})


class LoggingBasicConfigInLibrary(Rule):
    code = "PR304"
    name = "logging-basicconfig-in-library"
    severity = Severity.WARNING
    summary = "logging.basicConfig() is called by a module that is not an entry point"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds `logging.basicConfig()` executed by a module that is not an entry point: at import
    time, or in a function other than an entry-point function.

    Entry points are: code under `if __name__ == "__main__":`; `__main__.py`, `manage.py`,
    `wsgi.py`, `asgi.py`; files matched by the `entrypoints` option (list your
    `[project.scripts]` modules there); scripts (`scripts/`, `bin/`, `tools/`) and tests;
    functions named `main`/`cli`, functions decorated as click/typer commands, and functions
    this module calls from its `if __name__ == "__main__":` block. A module that has such a
    block is run as a script, so its import-time call is the script's own; so is a
    command-line module (one that builds an `argparse.ArgumentParser` or click/typer commands
    at import time). A function whose
    name says it configures logging (`setup_logging()`, `configure_logging()`) is called on
    purpose by the application, and a Django/Flask settings module is the application's
    own configuration: neither is reported.

    ## Why is this bad?
    Only the first `basicConfig()` call in a process has an effect (unless `force=True`).
    A library or application module that calls it at import time decides the log format
    and level for whoever imports it first, and the real entry point's configuration is
    silently ignored; importing the module in a test or a worker changes logging too.

    ## Example
    ```python
    import logging

    logging.basicConfig(level=logging.DEBUG)
    logger = logging.getLogger(__name__)
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    if __name__ == "__main__":
        logging.basicConfig(level=logging.DEBUG)
    ```

    ## Fix safety
    The fix is unsafe: it removes the call, so the process's logging configuration now
    comes from the entry point (or Python's defaults when the entry point sets none). It
    keeps, or adds, a module `logger = logging.getLogger(__name__)`. Moving the call under
    `if __name__ == "__main__":` is the alternative when the module is also run as a
    script.

    ## References
    - [logging.basicConfig](https://docs.python.org/3/library/logging.html#logging.basicConfig)
    - [Configuring logging for a library](https://docs.python.org/3/howto/logging.html#configuring-logging-for-a-library)
    """
    invalid = [
        "import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n",
        "import logging\n\nlogging.basicConfig(level=logging.INFO)\n\n\ndef work():\n    logging.info('working')\n",
        "from logging import basicConfig, INFO\nbasicConfig(level=INFO)\n",
        "import logging as log\n\ndef get_items():\n    log.basicConfig(level=log.DEBUG)\n    return []\n",
        "import logging\n\nclass Service:\n    logging.basicConfig()\n",
    ]
    valid = [
        Example("import logging\n\nif __name__ == '__main__':\n    logging.basicConfig(level=logging.INFO)\n", note="main guard"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="myapp/__main__.py"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="manage.py"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="myapp/cli.py", options={"entrypoints": ["myapp/cli.py"]}, note="configured entry point"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="scripts/backfill.py", note="script"),
        Example("import logging\n\ndef main():\n    logging.basicConfig(level=logging.INFO)\n", note="entry-point function"),
        Example("import logging\n\ndef start():\n    logging.basicConfig(level=logging.INFO)\n\nif __name__ == '__main__':\n    start()\n", note="called from the main guard"),
        Example("import click\nimport logging\n\n@click.command()\ndef sync():\n    logging.basicConfig(level=logging.INFO)\n", note="click command"),
        Example("import logging\n\ndef setup_logging():\n    logging.basicConfig(level=logging.INFO)\n", note="a function that exists to configure logging"),
        "import mylib\nmylib.basicConfig()\n",
        Example("import logging\nlogging.basicConfig(level=logging.DEBUG, format='%(message)s')\n", path="core/settings/base.py",
                note="the application's settings module (Label Studio)"),
        Example("import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n\ndef main():\n    serve()\n\nif __name__ == '__main__':\n    main()\n",
                note="a module run as a script (Superset's MCP proxy)"),
        Example("import argparse\nimport logging\n\nlogging.basicConfig(level=logging.INFO)\nparser = argparse.ArgumentParser()\nparser.add_argument('--model-uri')\nargs = parser.parse_args()\n",
                note="a module that parses its command line at import: a script (mlflow's stdin server)"),
        Example("import logging\nimport click\n\nlogging.basicConfig(level=logging.INFO)\n\n@click.group()\ndef cli():\n    pass\n",
                note="a click program (chainlit's CLI)"),
    ]
    unsafe_fixed = {
        invalid[0]: "import logging\n\nlogger = logging.getLogger(__name__)\n",
        invalid[1]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef work():\n    logging.info('working')\n",
        invalid[3]: "import logging as log\n\nlogger = log.getLogger(__name__)\n\ndef get_items():\n    return []\n",
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if ctx.in_main_guard:
            self.fact("main-guard")
            if isinstance(func, ast.Name):
                self.fact("main-call", func.id)
            return
        last = _last_name(func)
        if not ctx.functions and last in ("ArgumentParser", "command", "group", "Typer"):
            qualified = ctx.call_name(node) or ""
            if qualified == "argparse.ArgumentParser" or qualified.startswith(("click.", "typer.")):
                self.fact("cli")  # a command-line program: its import-time configuration is its own
            return
        if last != "basicConfig":
            return
        if ctx.call_name(node) != "logging.basicConfig":
            return
        file = ctx.file
        if ctx.in_main_guard or file.is_entrypoint or file.is_test or file.is_script or file.is_settings:
            return
        # A module with an `if __name__ == "__main__":` block is a script: its import-time
        # configuration is the script's own (a fact, since the guard may be another block).
        condition = lambda facts: not self.has_fact(facts, "main-guard") and not self.has_fact(facts, "cli")  # noqa: E731
        if ctx.functions:
            for frame in ctx.functions:
                func_node = frame.node
                if isinstance(func_node, ast.Lambda):
                    continue
                lowered = func_node.name.lower()
                if func_node.name in _ENTRY_FUNCTIONS or "logging" in lowered or "logger" in lowered or _cli_decorated(func_node, ctx):
                    return
            outer = ctx.functions[0]
            if outer.class_node is None and not isinstance(outer.node, ast.Lambda):
                outer_name = outer.node.name
                condition = lambda facts, name=outer_name: not self.has_fact(facts, "main-call", name) and not self.has_fact(facts, "main-guard") and not self.has_fact(facts, "cli")  # noqa: E731
        fixes = []
        stmt = ctx.parent if isinstance(ctx.parent, ast.Expr) else None
        if stmt is not None:
            only = _only_statement(ctx.parents, stmt)
            span = removal_edit_span(ctx.source, stmt, only) if only is not None else None
            if span is not None:
                start, end, replacement = span

                def build(fc: FixContext, start=start, end=end, replacement=replacement):
                    edits = [Edit(fc.at(start), fc.at(end), replacement)]
                    logger_edits, _ = ensure_logger(fc.text)
                    return merge_insertions([*logger_edits, *edits])

                fixes.append(fix("Remove `logging.basicConfig()` (configure logging in the entry point)", build, safe=False))
        self.report(node, "Configure logging in the entry point (under `if __name__ == \"__main__\":`), not in an importable module", fixes=fixes, condition=condition)


# -- PR305 ----------------------------------------------------------------------------------

_CLI_MODULES = ("argparse", "click", "typer", "fire", "docopt", "optparse", "getopt", "cleo", "cement", "plac", "invoke",
                "getpass", "colorama", "termcolor", "curses", "rich", "prompt_toolkit", "questionary", "blessed")
# Prints under these conditions are deliberate output (``if verbosity >= 2:``, ``if debug:``).
_OUTPUT_GATES = ("verbos", "debug", "print", "quiet", "silent", "interactive", "echo", "progress")
# Words of a function name that say it prints: print_report(), _dump_state(), show_banner().
_OUTPUT_FUNCTIONS = frozenset({"print", "prints", "pprint", "dump", "dumps", "banner", "echo"})
_OUTPUT_CLASSES = ("stdout", "console", "terminal", "printer")
CONSOLE_PRINTS = 5  # a function with this many prints is a console/report routine
_LOGGING_SETUP = frozenset({"basicConfig", "dictConfig", "fileConfig", "setup_logging_subsystem"})
# Modules that import terminal helpers (``from myapp.utils import term``) write to a console.
_CONSOLE_MODULE_PARTS = frozenset({"term", "terminal", "console", "tty", "cli"})


_PRINT_SUPPRESSION = re.compile(r"#\s*noqa:[^#]*\bT20[13]?\b", re.IGNORECASE)
_FILE_PRINT_SUPPRESSION = re.compile(r"^#\s*(?:ruff|flake8)\s*:\s*noqa(?:\s*$|:[^\n]*\bT20[13]?\b)", re.IGNORECASE | re.MULTILINE)
_EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit"})


def _before_exit(ctx) -> bool:
    """Is the print followed, in its block, by ``raise SystemExit(...)`` / ``sys.exit(...)``?"""
    statement = None
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.stmt):
            if statement is None:
                statement = parent
                continue
            for field in ("body", "orelse", "finalbody"):
                block = getattr(parent, field, None)
                if isinstance(block, list) and statement in block:
                    return any(_exits(later, ctx) for later in block[block.index(statement) + 1:])
            return False
        if isinstance(parent, ast.ExceptHandler) and statement is not None and statement in parent.body:
            return any(_exits(later, ctx) for later in parent.body[parent.body.index(statement) + 1:])
    return False


def _exits(stmt: ast.stmt, ctx) -> bool:
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return ctx.resolve(exc) in ("SystemExit", "builtins.SystemExit")
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return (ctx.resolve(stmt.value.func) or "") in _EXIT_CALLS
    return False


def _gated_output(ctx) -> bool:
    for node in ctx.parents:
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            for sub in ast.walk(node.test):
                word = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else None
                if word is not None and any(g in word.lower() for g in _OUTPUT_GATES):
                    return True
    return False


class PrintInProductionCode(Rule):
    code = "PR305"
    name = "print-in-production-code"
    severity = Severity.INFORMATION
    summary = "print() in application code instead of logging"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds `print()` calls in application modules. Not reported in tests, scripts
    (`scripts/`, `bin/`, `tools/`, `setup.py`, `docs/conf.py`, notebooks), entry points
    (`__main__.py`, `manage.py`, code under `if __name__ == "__main__":`), Django management
    commands (`management/commands/`), command-line modules (modules that import
    `argparse`, `click`, `typer`, `fire`, `docopt`...; their output *is* the interface),
    click/typer commands, and output that is deliberate:
    - `print(..., file=f)` writing to a file other than stdout/stderr;
    - prints under a verbosity or debug switch (`if verbosity >= 2:`, `if self.verbose:`,
      `if app.debug:`);
    - functions whose name says they print or debug (`print_report()`, `_dump_state()`,
      `show_banner()`, `_debug_schema()`), console/report routines (five or more prints in one function),
      functions that configure logging (a program's entry point), and classes named for
      the console (`StdOutEventLogger`, `ConsoleReporter`);
    - modules that import terminal helpers (`colorama`, `rich`, `curses`, `getpass`,
      `myapp.utils.term`, `...cli`) or `invoke`;
    - `print()` with no arguments (a blank console line), a fatal console message right
      before `raise SystemExit(...)`/`sys.exit(...)`, modules with an
      `if __name__ == "__main__":` block and no request handlers (scripts), and prints already reviewed for
      flake8-print/Ruff's `T201` (`# noqa: T201`, a file-wide `# ruff: noqa: T201`).

    ## Why is this bad?
    In a service, stdout is not a log: `print` output has no level, timestamp or logger
    name, cannot be filtered or routed, is block-buffered under gunicorn/uwsgi/Docker (it
    shows up late, or is lost when the worker dies), and mixes with the server's own
    output.

    ## Example
    ```python
    def sync(orders):
        print("Syncing", len(orders), "orders")
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)


    def sync(orders):
        logger.info("Syncing %s orders", len(orders))
    ```

    ## Fix safety
    The fix is unsafe: output moves from stdout to the logging configuration (and is not
    shown at all if INFO is disabled). It converts `print(a, b)` to
    `logger.info("%s %s", a, b)`, folding string literals and simple f-strings into the
    format string (`print(f"user {uid}")` -> `logger.info("user %s", uid)`); an f-string
    with a format spec (`{x:.2f}`) is kept whole as one argument so the text stays
    identical. `print("a %s b %s" % (x, y))` becomes `logger.info("a %s b %s", x, y)`
    (same formatting, done lazily); with anything but a literal tuple on the right the
    formatted string is passed as one argument. A lone string literal is kept as it is (`logging` does not %-format a
    message without arguments), and `%` is escaped as `%%` when arguments follow.
    `file=sys.stderr` becomes `logger.warning`; a literal `sep=` is honoured; `end=` and
    `flush=` are dropped. `import logging` and `logger = logging.getLogger(__name__)` are
    added when the module has no logger; an existing module logger is reused (a loguru
    logger gets `{}` placeholders). `print()` with no arguments, `*args` or a computed
    `sep` are reported without a fix.

    ## References
    - [Logging HOWTO: when to use logging](https://docs.python.org/3/howto/logging.html#when-to-use-logging)
    """
    invalid = [
        "def sync(orders):\n    print('Syncing', len(orders), 'orders')\n",
        "import logging\n\nlogger = logging.getLogger(__name__)\n\ndef f(a, b):\n    print(a, b)\n",
        "import sys\n\ndef f(err):\n    print('failed:', err, file=sys.stderr)\n",
        "def f(user):\n    print(f'user {user.id!r} logged in at 100%')\n",
        "def f():\n    print('100% done')\n",
        "def f(x):\n    print(f'value {x:.2f}')\n",
        "def f(a, b):\n    print(a, b, sep=', ', end='', flush=True)\n",
        "from loguru import logger\n\ndef f(a):\n    print('got', a)\n",
        "def f(items):\n    print(*items)\n",
        "print('loading model')\n",
        "def compute_fingerprint(data):\n    print('hashing', len(data))\n",
        "def f(perm, app):\n    print('Adding %s to %s' % (perm, app))\n",
        Example("from flask import Flask\napp = Flask(__name__)\n\n@app.route('/orders', methods=['POST'])\ndef create():\n    print('created order')\n    return 'ok'\n\nif __name__ == '__main__':\n    app.run()\n",
                note="a service module with a development-server guard is not a script"),
    ]
    valid = [
        Example("if __name__ == '__main__':\n    print('hello')\n", note="main guard"),
        Example("print('hello')\n", path="myapp/__main__.py"),
        Example("def test_x():\n    print('debug')\n", path="tests/test_x.py"),
        Example("print('hello')\n", path="scripts/seed.py"),
        Example("print('hello')\n", path="setup.py"),
        Example("print('hello')\n", path="docs/conf.py"),
        Example("from django.core.management.base import BaseCommand\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        print('done')\n", path="shop/management/commands/seed.py"),
        Example("import argparse\n\ndef run():\n    parser = argparse.ArgumentParser()\n    print(parser.parse_args())\n", note="a command-line module"),
        Example("def f(path, text):\n    with open(path, 'w') as out:\n        print(text, file=out)\n", note="writing to a file"),
        Example("def print_report(rows):\n    for row in rows:\n        print(row)\n", note="a function that exists to print"),
        Example("class Schema:\n    @staticmethod\n    def _debug_schema(schema):\n        for k, v in schema.fields.items():\n            print(k, v)\n", note="a debug helper (Flask-AppBuilder)"),
        "def print(*args):\n    pass\n\nprint('x')\n",
        "import logging\nlogger = logging.getLogger(__name__)\nlogger.info('x')\n",
        Example("def create_permissions(app, verbosity=2):\n    for perm in missing(app):\n        if verbosity >= 2:\n            print(\"Adding permission '%s'\" % perm)\n", note="verbosity-gated output (Django)"),
        Example("class State:\n    def _dump_option_struct(self):\n        print(self.attributes)\n", note="a dump/debug helper (SQLAlchemy)"),
        Example("class StdOutEventLogger:\n    def log(self, data):\n        print('event:', data)\n", note="a class that writes to stdout on purpose (Superset)"),
        Example("from myapp.utils import term\n\ndef purge(count):\n    print(term.colored(f'Erased {count} messages'))\n", note="a console module (Celery's worker program)"),
        Example("def ogrinfo(source):\n    for layer in source:\n        print('layer', layer)\n        print('type', layer.type)\n        print('count', len(layer))\n        print('srs', layer.srs)\n        print('extent', layer.extent)\n", note="a report routine made of prints (Django's ogrinfo)"),
        Example("def evcam(camera, loglevel=0, logfile=None):\n    app.log.setup_logging_subsystem(loglevel, logfile)\n    print(f'-> evcam: Taking snapshots with {camera}')\n", note="a function that configures logging is a program's entry point (Celery)"),
        Example("def archive(links):\n    try:\n        run(links)\n    except BaseException:\n        print()\n        raise\n", note="a blank console line (archivebox)"),
        Example("def atomic_write(path, data):\n    try:\n        write(path, data)\n    except OSError as e:\n        print(f'[X] Failed to write {path} ({e})')\n        print('    The data folder must support FSYNC.')\n        raise SystemExit(1)\n",
                note="a fatal console message before the program exits (archivebox)"),
        Example("import json\n\ndef main():\n    pass\n\ndef hook():\n    print(json.dumps({'continue': True}))  # noqa: T201\n",
                note="reviewed for Ruff's T201: stdout is the hook protocol (mlflow)"),
        Example("# ruff: noqa: T201\ndef _log(progress, msg):\n    if progress:\n        print(msg)\n", note="a file-wide T201 exemption (mlflow)"),
        Example("from invoke import task\n\n@task\ndef bootstrap(context):\n    print('*** Creating database')\n", path="wger/tasks.py", note="invoke tasks (wger)"),
        Example("import sys\n\ndef execute(args):\n    print('WARNING: failed')\n\nif __name__ == '__main__':\n    execute(sys.argv)\n",
                note="a module run as a script (pgadmin's process executor)"),
    ]
    unsafe_fixed = {
        invalid[0]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef sync(orders):\n    logger.info(\"Syncing %s orders\", len(orders))\n",
        invalid[1]: "import logging\n\nlogger = logging.getLogger(__name__)\n\ndef f(a, b):\n    logger.info(\"%s %s\", a, b)\n",
        invalid[2]: "import sys\nimport logging\n\nlogger = logging.getLogger(__name__)\n\ndef f(err):\n    logger.warning(\"failed: %s\", err)\n",
        invalid[3]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(user):\n    logger.info(\"user %r logged in at 100%%\", user.id)\n",
        invalid[4]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f():\n    logger.info('100% done')\n",
        invalid[5]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(x):\n    logger.info(\"%s\", f'value {x:.2f}')\n",
        invalid[6]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(a, b):\n    logger.info(\"%s, %s\", a, b)\n",
        invalid[7]: "from loguru import logger\n\ndef f(a):\n    logger.info(\"got {}\", a)\n",
        invalid[11]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(perm, app):\n    logger.info('Adding %s to %s', perm, app)\n",
    }

    _cli: Optional[bool] = None
    _print_counts: Optional[dict] = None

    def _console_function(self, ctx) -> bool:
        """A function made of prints (a report or console routine) prints on purpose."""
        frame = ctx.current_function
        if frame is None:
            return False
        if self._print_counts is None:
            self._print_counts = {}
        console = self._print_counts.get(id(frame.node))
        if console is None:
            prints = 0
            console = False
            for n in ast.walk(frame.node):
                if isinstance(n, ast.Call):
                    last = _last_name(n.func) or ""
                    if last == "print" and isinstance(n.func, ast.Name):
                        prints += 1
                    elif last in _LOGGING_SETUP or last.startswith(("setup_logging", "configure_logging")):
                        console = True  # only a program's entry point configures logging
            console = console or prints >= CONSOLE_PRINTS
            self._print_counts[id(frame.node)] = console
        return console

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.in_main_guard:
            self.fact("main-guard")
            return
        if ctx.functions and ctx.functions[-1].handler:
            self.fact("handler")  # a service module (`app.run()` under the guard is a dev server)
        func = node.func
        if not isinstance(func, ast.Name) or func.id != "print":
            return
        if ctx.resolve(func) not in ("print", "builtins.print"):
            return
        if not node.args and not node.keywords:
            return  # `print()`: a blank line on a console, nothing to log
        file = ctx.file
        if not file.is_application_code or file.is_entrypoint:
            return
        line = ctx.source.line_text(node.lineno - 1)
        if "#" in line and _PRINT_SUPPRESSION.search(line) or self._file_allows_print(ctx):
            return  # `# noqa: T201`: reviewed for flake8-print / Ruff's T201 already
        if _before_exit(ctx):
            return  # a fatal message on the console right before `raise SystemExit(1)`
        path = file.path
        if "/management/commands/" in path or path.startswith("management/commands/"):
            return
        if self._cli is None:
            self._cli = any(
                (value or "").split(".", 1)[0] in _CLI_MODULES or not _CONSOLE_MODULE_PARTS.isdisjoint((value or "").split("."))
                for value in ctx.module.bindings.values())
        if self._cli:
            return
        for frame in ctx.functions:
            func_node = frame.node
            if isinstance(func_node, ast.Lambda):
                continue
            lowered = func_node.name.lower()
            words = lowered.strip("_").split("_")
            if (not _OUTPUT_FUNCTIONS.isdisjoint(words) or words[0] == "debug" or lowered in ("show", "display")
                    or func_node.name in _ENTRY_FUNCTIONS or _cli_decorated(func_node, ctx)):
                return
        if any(word in cls.name.lower() for cls in ctx.classes for word in _OUTPUT_CLASSES):
            return
        if _gated_output(ctx) or self._console_function(ctx):
            return
        level = "info"
        target = keyword_value(node, "file")
        if target is not None and not (isinstance(target, ast.Constant) and target.value is None):
            where = ctx.resolve(target)
            if where == "sys.stderr":
                level = "warning"
            elif where != "sys.stdout":
                return  # writing to a file or stream of the program's own
        fixes = []
        call_range = ctx.source.node_range(node)
        percent = print_call_arguments(node, ctx.source.segment, "percent")
        if percent is not None:
            brace = print_call_arguments(node, ctx.source.segment, "brace")

            def build(fc: FixContext):
                edits, logger_name = ensure_logger(fc.text)
                info = ModuleImports.of(fc.text)
                loguru = info.bound_to(logger_name)[1] == "loguru.logger"
                args = brace if loguru else percent
                if args is None:
                    return None
                edits.append(Edit(fc.at(call_range[0]), fc.at(call_range[1]), f"{logger_name}.{level}({args})"))
                return merge_insertions(edits)

            fixes.append(fix(f"Replace `print()` with `logger.{level}()`", build, safe=False))
        code = self.code
        self.report(node, f"Use a module logger (`logger.{level}(...)`) instead of `print()` in application code", fixes=fixes,
                    condition=lambda facts: (code, "main-guard") not in facts or (code, "handler") in facts)

    _allows_print: Optional[bool] = None

    def _file_allows_print(self, ctx) -> bool:
        if self._allows_print is None:
            self._allows_print = bool(_FILE_PRINT_SUPPRESSION.search(ctx.source.text))
        return self._allows_print


# -- PR306 ----------------------------------------------------------------------------------

_NOT_SECRET_FIRST = frozenset({"HAS", "IS", "USE", "USES", "NEEDS", "REQUIRE", "REQUIRES", "SHOULD", "NO", "NUM",
                               "N", "MASKED", "REDACTED", "HASHED", "OBFUSCATED", "ENCRYPTED", "VALID", "INVALID",
                               "MISSING", "NEW_", "TOTAL", "MAX", "MIN"})
_SECRET_METHODS = frozenset({"decode", "encode", "strip", "lower", "upper", "hex", "rstrip", "lstrip", "get_secret_value"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "getenv", "os.environ.__getitem__"})


# ``*_KEY`` names are mostly lookup keys in code that logs (``cache_key``, ``DATABASES_KEY``,
# ``entity_key``): in logging calls they count only with a qualifier that names a credential.
_SECRET_KEY_QUALIFIERS = frozenset({
    "API", "SECRET", "PRIVATE", "ACCESS", "SIGNING", "SIGN", "ENCRYPTION", "ENCRYPT", "DECRYPTION", "CRYPTO",
    "AUTH", "MASTER", "CLIENT", "FERNET", "HMAC", "JWT", "AES", "RSA", "WEBHOOK", "LICENSE", "SERVICE",
    "ACCOUNT", "ADMIN", "APP", "STRIPE", "AWS", "OPENAI", "ANTHROPIC", "SENDGRID", "TWILIO", "MAILGUN",
    "GOOGLE", "GITHUB", "SLACK", "SESSION", "SSH", "GPG", "PGP", "DEPLOY", "SHARED", "SYMMETRIC",
})


def _secret_like(name: str) -> bool:
    if not is_secret_name(name):
        return False
    tokens = name_tokens(name)
    if not tokens or tokens[0] in _NOT_SECRET_FIRST:
        return False
    if tokens[-1] in ("KEY", "KEYS"):
        return len(tokens) > 1 and tokens[-2] in _SECRET_KEY_QUALIFIERS
    return True


def secret_reference(expr: ast.AST, ctx) -> Optional[tuple[ast.AST, str]]:
    """The first secret-like name whose value ``expr`` would print, with that name."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            if _secret_like(node.id):
                return node, node.id
        elif isinstance(node, ast.Attribute):
            if _secret_like(node.attr):
                return node, node.attr
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _secret_like(key.value):
                return node, key.value
        elif isinstance(node, ast.JoinedStr):
            stack.extend(reversed(node.values))
        elif isinstance(node, ast.FormattedValue):
            stack.append(node.value)
        elif isinstance(node, ast.BinOp):
            stack.extend((node.right, node.left))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            stack.extend(reversed(node.elts))
        elif isinstance(node, ast.Dict):
            stack.extend(reversed([v for v in node.values if v is not None]))
        elif isinstance(node, ast.IfExp):
            stack.extend((node.orelse, node.body))
        elif isinstance(node, ast.Starred):
            stack.append(node.value)
        elif isinstance(node, ast.Call):
            func = node.func
            last = _last_name(func)
            if last == "format" and isinstance(func, ast.Attribute):
                stack.extend(reversed([*node.args, *(kw.value for kw in node.keywords)]))
            elif isinstance(func, ast.Name) and func.id in ("str", "repr", "dict") and (ctx.resolve(func) in ("str", "repr", "dict")):
                stack.extend(reversed([*node.args, *(kw.value for kw in node.keywords)]))
            elif isinstance(func, ast.Attribute) and last in _SECRET_METHODS:
                stack.append(func.value)
            elif last in ("getenv", "get") and node.args:
                callee = ctx.resolve(func) or ""
                key = node.args[0]
                if callee in _ENV_GETTERS and isinstance(key, ast.Constant) and isinstance(key.value, str) and _secret_like(key.value):
                    return node, key.value
    return None


class SecretInLog(Rule):
    code = "PR306"
    name = "secret-in-log"
    severity = Severity.WARNING
    summary = "A secret-like value is written to the logs or stdout"
    docs = """
    ## What it does
    Finds secret-like variables and attributes (`password`, `api_key`, `self.token`,
    `settings.SECRET_KEY`, `config["DB_PASSWORD"]`, `os.getenv("API_TOKEN")`) passed to a
    logging call (`logger.info/debug/warning/error/exception/critical/log`, `logging.*`) or
    to `print`, including inside f-strings, `.format()` arguments, `%`-formatting and
    `extra=`. Secret-like names are those of the secrets rules (`SECRET`, `TOKEN`,
    `PASSWORD`, `API_KEY`, qualified `*_KEY`...; not `TOKEN_TYPE`, `SORT_KEY`, `KEY_ID`,
    `PASSWORD_URL`); in logging calls a `*_KEY` name counts only when its qualifier names
    a credential (`api_key`, `secret_key`, `private_key`, `access_key`, `signing_key`...),
    since code that logs is full of lookup keys (`cache_key`, `DATABASES_KEY`,
    `entity_key`). Not reported: the word inside a string (`"password reset sent"`),
    derived values that do not reveal the secret (`len(token)`, `token is None`,
    `mask(token)`, `token[:4]`), flags such as `has_token` or `is_password_set`, and
    tests.

    ## Why is this bad?
    Logs are copied to terminals, log shippers, third-party services and bug reports, are
    kept for months and are readable by many more people than the secrets store. A
    credential in a log line is a leaked credential that must be rotated.

    ## Example
    ```python
    logger.info("Connecting with api_key=%s", api_key)
    ```

    ## Use instead
    ```python
    logger.info("Connecting with api_key=%s...", api_key[:4])
    ```

    ## References
    - [OWASP Logging Cheat Sheet: data to exclude](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude)
    - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    """
    invalid = [
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef connect(api_key):\n    logger.info('Connecting with %s', api_key)\n",
        "import logging\n\ndef login(user, password):\n    logging.debug(f'login {user} {password}')\n",
        "def login(user):\n    print('token:', user.auth_token)\n",
        "import logging\nlog = logging.getLogger(__name__)\nfrom django.conf import settings\nlog.warning('key is {}'.format(settings.SECRET_KEY))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(config):\n    logger.info('db password ' + config['DB_PASSWORD'])\n",
        "import os\nimport logging\nlogging.info('token=%s', os.getenv('GITHUB_TOKEN'))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(client_secret):\n    logger.error('auth failed', extra={'secret': client_secret})\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\nclass C:\n    def f(self):\n        logger.log(logging.DEBUG, 'using %s', self.access_token)\n",
    ]
    valid = [
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(user):\n    logger.info('password reset sent to %s', user.email)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(token):\n    logger.info('token length %d', len(token))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(token):\n    logger.info('token prefix %s', token[:4])\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(has_token, token_type):\n    logger.info('has token: %s (%s)', has_token, token_type)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(d):\n    for key, value in d.items():\n        logger.debug('%s=%s', key, value)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(token):\n    logger.info('token set: %s', token is not None)\n",
        Example("def test_x(password):\n    print(password)\n", path="tests/test_x.py"),
        "import warnings\n\ndef f(token):\n    warnings.warn(token)\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\nDATABASES_KEY = 'databases'\n\ndef f(data):\n    logger.info('Importing %d %s', len(data), DATABASES_KEY)\n", note="a lookup key, not a credential (Superset)"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef f(query, entity_key):\n    logger.info('cache %s / %s', query.results_key, entity_key)\n", note="cache and registry keys"),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in LOG_METHODS or not is_logger(func.value, ctx):
                return
        elif isinstance(func, ast.Name):
            if func.id != "print" or ctx.resolve(func) not in ("print", "builtins.print"):
                return
        else:
            return
        if ctx.file.is_test:
            return
        values = [*node.args, *(kw.value for kw in node.keywords if kw.arg not in ("exc_info", "stack_info", "stacklevel", "file", "sep", "end", "flush"))]
        for value in values:
            found = secret_reference(value, ctx)
            if found is not None:
                where, name = found
                what = "log" if isinstance(func, ast.Attribute) else "output"
                self.report(where, f"Remove the secret `{name}` from this {what} or mask it", )
                return
