"""PR403 `cors-allow-all`: CORS allows every origin together with credentials (or in production settings)."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.web._shared import (
    CORS_NAMES,
    in_debug_branch,
    last_name,
    literal_origins,
)
from prodready.core.astutil import is_true, keyword_value
from prodready.core.findings import Severity
from prodready.core.frameworks import cors_call_kind, cors_origin_expressions
from prodready.core.rule import Example, Rule

_TRUTHY = frozenset({"true", "1", "yes", "on", "t", "y"})


def _env_default_true(value: ast.AST) -> bool:
    """An environment lookup whose fallback is on: ``get_bool_env("X", True)``,
    ``env.bool("X", default=True)``, ``os.getenv("X", "True") == "True"``."""
    if isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], (ast.Eq, ast.In)):
        left, right = value.left, value.comparators[0]
        lowered = isinstance(left, ast.Call) and isinstance(left.func, ast.Attribute) and left.func.attr == "lower"
        call = left.func.value if lowered else left
        default = _lookup_default(call)
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            return False
        text = default.value.lower() if lowered else default.value
        options = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
        return any(isinstance(o, ast.Constant) and o.value == text for o in options)
    default = _lookup_default(value)
    if isinstance(default, ast.Constant):
        return default.value is True or isinstance(default.value, str) and default.value.lower() in _TRUTHY
    return False


def _lookup_default(call: ast.AST) -> Optional[ast.expr]:
    """The fallback of ``lookup("NAME", default)``/``lookup("NAME", default=...)`` calls."""
    if not isinstance(call, ast.Call) or not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    if not isinstance(call.args[0].value, str) or not call.args[0].value.isupper():
        return None
    default = keyword_value(call, "default")
    if default is None and len(call.args) >= 2:
        default = call.args[1]
    return default
CORS_ALLOW_ALL_SETTINGS = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})


class CorsAllowAll(Rule):
    code = "PR403"
    preview = True
    name = "cors-allow-all"
    severity = Severity.ERROR
    summary = "CORS allows every origin together with credentials (or in production settings)"
    docs = """
    ## What it does
    Finds CORS configurations that let every website talk to the API as the logged-in user:
    - flask-cors `CORS(...)`/`@cross_origin(...)` with `supports_credentials=True` and
      origins `"*"` (or no `origins=` at all: flask-cors defaults to `"*"` and then reflects
      the caller's origin; not when the module sets `CORS_ORIGINS` in the Flask config or
      loads the config from elsewhere with `app.config.from_*`);
    - `CORSMiddleware` with `allow_origins=["*"]` and `allow_credentials=True` (Starlette
      then echoes the request's origin when cookies are sent);
    - Socket.IO `cors_allowed_origins="*"` (browsers send cookies on WebSocket connections,
      so any page can open an authenticated socket);
    - Django `CORS_ALLOW_ALL_ORIGINS = True` / `CORS_ORIGIN_ALLOW_ALL = True` in a
      production settings module (not in dev/test settings, not under `if DEBUG:`), also
      when it is read from the environment with an "on" fallback
      (`env.bool("CORS_ALLOW_ALL_ORIGINS", default=True)`).

    ## Why is this bad?
    With credentials allowed for every origin, any website the user visits can read
    responses of authenticated requests: account data, tokens, CSRF tokens.

    ## Example
    ```python
    CORS(app, supports_credentials=True)
    ```

    ## Use instead
    ```python
    CORS(app, origins=os.environ["CORS_ORIGINS"].split(","), supports_credentials=True)
    ```
    (see PR402 for environment-backed origin lists).

    ## References
    - [MDN: CORS and credentials](https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials)
    - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    """
    invalid = [
        "from flask_cors import CORS\nCORS(app, origins=\"*\", supports_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app, supports_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app, resources={r\"/api/*\": {\"origins\": \"*\"}}, supports_credentials=True)\n",
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_credentials=True, allow_methods=[\"*\"])\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=\"*\")\n",
        "import socketio\nsio = socketio.AsyncServer(async_mode=\"asgi\", cors_allowed_origins=\"*\")\n",
        Example("CORS_ALLOW_ALL_ORIGINS = True\n", path="mysite/settings.py"),
        Example("CORS_ORIGIN_ALLOW_ALL = True\n", path="config/settings/production.py"),
        Example("CORS_ALLOW_ALL_ORIGINS = get_bool_env(\"CORS_ALLOW_ALL_ORIGINS\", True)\n", path="core/settings/base.py"),
        Example("import os\nCORS_ALLOW_ALL_ORIGINS = os.getenv(\"CORS_ALLOW_ALL\", \"True\").lower() == \"true\"\n", path="mysite/settings.py"),
        Example("CORS_ORIGIN_ALLOW_ALL = env.bool(\"CORS_ORIGIN_ALLOW_ALL\", default=True)\n", path="mysite/settings.py"),
        "from flask_cors import cross_origin\n\n@cross_origin(supports_credentials=True)\ndef view():\n    return \"\"\n",
    ]
    valid = [
        "from flask_cors import CORS\nCORS(app)\n",
        "from flask_cors import CORS\nCORS(app, origins=\"*\")\n",
        "from flask_cors import CORS\nCORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)\n",
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_methods=[\"*\"])\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=[\"https://app.example.com\"])\n",
        Example("CORS_ALLOW_ALL_ORIGINS = True\n", path="mysite/settings/dev.py", note="dev settings"),
        Example("if DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n", path="mysite/settings.py", note="only in debug"),
        Example("CORS_ALLOW_ALL_ORIGINS = DEBUG\n", path="mysite/settings.py"),
        Example("CORS_ALLOW_ALL_ORIGINS = env.bool(\"CORS_ALLOW_ALL_ORIGINS\", default=False)\n", path="mysite/settings.py"),
        Example("import os\nCORS_ALLOW_ALL_ORIGINS = os.getenv(\"CORS_ALLOW_ALL\", \"False\") == \"True\"\n", path="mysite/settings.py"),
        Example("from flask_cors import CORS\napp.config[\"CORS_ORIGINS\"] = os.environ[\"ORIGINS\"]\nCORS(app, supports_credentials=True)\n",
                note="origins come from app.config"),
        Example("from flask_cors import CORS\napp.config.from_prefixed_env()\nCORS(app, supports_credentials=True)\n",
                note="the configuration (maybe CORS_ORIGINS) comes from outside"),
    ]

    _CREDENTIALS = ("List the trusted origins instead of allowing every origin with credentials: any website "
                    "could make authenticated requests as your users and read the answers")
    _DEFAULT = ("Pass `origins=` with the trusted origins: flask-cors allows every origin by default, and with "
                "`supports_credentials=True` any website can make authenticated requests as your users")
    _SOCKETIO = ("List the trusted origins in `cors_allowed_origins` instead of `\"*\"`: any website could open "
                 "a Socket.IO connection with your users' cookies")
    _DJANGO = ("Set `CORS_ALLOWED_ORIGINS` to the trusted origins instead of allowing every origin in "
               "production settings")
    _DJANGO_DEFAULT = ("Make allowing every origin opt-in (default off): when the environment does not set it, "
                       "these production settings allow every origin")

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "config":
            # app.config.from_object/from_pyfile/from_envvar/update(...) may set CORS_ORIGINS
            if func.attr.startswith("from_") or any(k.arg == "CORS_ORIGINS" for k in node.keywords):
                self.fact("origins-config")
            return
        if not node.keywords or last_name(func) not in CORS_NAMES or ctx.file.is_test or ctx.file.is_dev_config:
            return
        kind = cors_call_kind(node, ctx.names)
        if kind is None:
            return
        origins = cors_origin_expressions(node, ctx.names)
        if kind == "socketio":
            for expr in origins:
                if isinstance(expr, ast.Constant) and expr.value == "*":
                    self.report(expr, self._SOCKETIO)
            return
        credentials = "supports_credentials" if kind == "flask-cors" else "allow_credentials"
        if not is_true(keyword_value(node, credentials)):
            return
        for expr in origins:
            values = literal_origins(expr)
            if values and "*" in values:
                self.report(expr, self._CREDENTIALS)
        if not origins and kind == "flask-cors":
            self.report(node.func, self._DEFAULT, condition=lambda facts: ("PR403", "origins-config") not in facts)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) != 1:
            return
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "CORS_ORIGINS" or isinstance(target, ast.Subscript) and (
                isinstance(target.slice, ast.Constant) and target.slice.value == "CORS_ORIGINS"):
            self.fact("origins-config")  # a Flask config (class, module or app.config[...]) feeding flask-cors
        if ctx.functions or ctx.classes or not (isinstance(target, ast.Name) and target.id in CORS_ALLOW_ALL_SETTINGS):
            return
        if not ctx.file.is_production_settings or in_debug_branch(ctx):
            return
        if is_true(node.value):
            self.report(node, self._DJANGO)
        elif _env_default_true(node.value):
            self.report(node.value, self._DJANGO_DEFAULT)
