"""PR301 `exception-detail-leak`: Exception details (str(e), tracebacks) are sent to the client."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.errors._shared import (
    _SINK_LASTS,
    _client_error_status,
    _in_debug_branch,
    _leak_units,
    _sink_arguments,
    _taint_frame,
    iter_handler_nodes,
    last_name,
    records_traceback,
    returns_client_error,
    user_error,
)
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_logger, merge_insertions


def _enclosing_statement(ctx) -> Optional[ast.stmt]:
    for node in reversed(ctx.parents):
        if isinstance(node, ast.stmt):
            return node
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


GENERIC_MESSAGE = '"Internal server error"'


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
    explicit 4xx status (`status_code=422`, `HTTPException(400, ...)`, a route's
    `return {...}, 400`), errors that say the client's input is malformed (`ValueError`,
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
        Example("from flask import Flask\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        return {'error': str(e)}, 400\n",
                note="a broad catch with a 4xx: any server fault's text can reach the client"),
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
        Example("from flask import Flask\napp = Flask(__name__)\n\n@app.route('/x')\ndef x(value):\n    try:\n        return convert(value)\n    except ValueError as e:\n        return {'error': str(e)}, 400\n",
                note="a ValueError answered with 400 from a route's returned tuple: a validation message"),
        Example("from fastapi.responses import JSONResponse\n\nasync def x(value):\n    try:\n        return convert(value)\n    except ValueError as e:\n        return JSONResponse({'error': str(e)}, status_code=422)\n",
                note="a ValueError answered with 422"),
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
        last = last_name(node.func)
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
        self._check([body], ctx, client_error=returns_client_error(node))

    def _check(self, values: list[ast.expr], ctx, call: Optional[ast.Call] = None, client_error: bool = False) -> None:
        frames = _function_excepts(ctx)
        if not frames:
            return
        units: list[ast.expr] = []
        for value in values:
            units.extend(_leak_units(value, frames, ctx))
        if not units or _in_debug_branch(ctx):
            return
        leaking = {id(_taint_frame(unit, frames, ctx)) for unit in units}
        client_error = client_error or _client_error_status(call, ctx)
        if all(self._user_error(frame, ctx, client_error) for frame in frames if id(frame) in leaking):
            return
        fixes = []
        builder = self._builder(units, frames, ctx)
        if builder is not None:
            fixes.append(fix("Send a generic error message and log the exception", builder, safe=False))
        self.report(units[0], "Don't send exception details to the client; return a generic message and log the exception with `logger.exception()`", fixes=fixes)

    def _user_error(self, frame, ctx, client_error: bool = False) -> bool:
        return user_error(frame, ctx, client_error)

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
