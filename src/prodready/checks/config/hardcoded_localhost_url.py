"""PR205 `hardcoded-localhost-url`: A URL to localhost is hardcoded in application code."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.checks.config._shared import (
    LOCAL_URL,
    _env_name,
    element_suffix,
    _last,
    _owner,
    climb,
    comparison_or_prefix_check,
    dev_only,
    dev_tokens,
    env_fallback,
    env_get_builder,
    is_local_url,
    skip_file,
    target_name,
)
from prodready.core.environment import contains_env_lookup
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.frameworks import CORS_ORIGIN_SETTINGS, cors_origin_expressions
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import name_tokens
from prodready.quickfixes.imports import ensure_import, merge_insertions


def _documentation_value(ctx, node: ast.AST) -> bool:
    """Text for people: a multi-line ``"...{host}...".format(host=...)``, OpenAPI ``servers=``."""
    for child, parent in climb(ctx, node):
        if isinstance(parent, ast.keyword) and parent.arg in _DOC_KEYWORDS:
            return True
        if isinstance(parent, ast.Call):
            func = parent.func
            last = _last(func)
            if last == "format" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant) \
                    and isinstance(func.value.value, str) and "\n" in func.value.value:
                return True
            if last in _MESSAGE_CALLS and (last in {"print", "echo", "secho"} or isinstance(func, ast.Attribute)):
                return True  # a message for people (print/log/echo) or opening a browser
            if (ctx.resolve(func) or "").startswith("webbrowser."):
                return True
    return False


_MESSAGE_CALLS = {"print", "echo", "secho", "debug", "info", "warning", "warn", "error", "exception", "critical",
                  "log", "open_new_tab", "open_new"}
_DOC_KEYWORDS = {"servers", "example", "examples", "openapi_examples", "description", "help", "summary",
                 "epilog", "usage", "doc", "docs", "json_schema_extra"}


def _in_cors_config(ctx, node: ast.AST) -> bool:
    """Inside a CORS origin setting (PR402 reports literals there, one literal one finding).

    Uses the shared definition in `core.frameworks` (``CORS(origins=...)``,
    ``allow_origins=``, ``cors_allowed_origins=``, ``CORS_ALLOWED_ORIGINS``) and also stays
    quiet in anything *named* as origins (``origins = [...]`` later passed to CORS).
    """
    inside: set[int] = set()
    for child, parent in climb(ctx, node):
        inside.add(id(child))
        if isinstance(parent, ast.Call):
            if any(id(expr) in inside for expr in cors_origin_expressions(parent, ctx.names)):
                return True
            func = parent.func
            if isinstance(func, ast.Attribute) and func.attr in {"append", "extend", "add", "insert"}:
                owner = (_last(func.value) or "").upper()
                if "ORIGIN" in owner or "CORS" in owner:
                    return True
        elif isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values):
                if value is child and isinstance(key, ast.Constant) and isinstance(key.value, str):
                    lowered = key.value.lower()
                    if "origin" in lowered or "cors" in lowered:
                        return True
        elif isinstance(parent, ast.keyword):
            if parent.arg and ("origin" in parent.arg.lower() or "cors" in parent.arg.lower()):
                return True
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            for target in targets:
                name = (target_name(target) or "").upper()
                if name in CORS_ORIGIN_SETTINGS or "ORIGIN" in name or "CORS" in name:
                    return True
    return False


_COMMAND_DECORATORS = ("click.", "typer.", "invoke.", "fabric.")


def _cli_command(ctx) -> bool:
    """Inside a click/typer/invoke command: the value is the console user's, not the service's."""
    for frame in ctx.functions:
        for decorator in getattr(frame.node, "decorator_list", ()):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            qualified = ctx.resolve(target) or ""
            if qualified.startswith(_COMMAND_DECORATORS):
                return True
    return False


_URL_SUFFIXES = ("URL", "URI", "HOST", "ENDPOINT", "ADDR", "ADDRESS", "SERVER", "BASE", "ORIGIN")


def _fstring_quote(segment: str) -> Optional[tuple[int, str]]:
    """(length of prefix + opening quote, quote) of an f-string's source text."""
    match = re.match(r"^([rRfFbBuU]{1,2})('''|\"\"\"|'|\")", segment)
    if not match or "f" not in match.group(1).lower():
        return None
    return match.end(), match.group(2)


class HardcodedLocalhostUrl(Rule):
    code = "PR205"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    name = "hardcoded-localhost-url"
    severity = Severity.WARNING
    summary = "A URL to localhost is hardcoded in application code"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds `http(s)://` and `ws(s)://` URLs to `localhost`, `127.0.0.1` or `0.0.0.0` written
    as literals in application code: `BACKEND_URL = "http://localhost:8000"`,
    `requests.get("http://127.0.0.1:5000/api")`, `f"ws://localhost:8765/{room}"`.

    Not reported: a literal that is already the fallback of an environment lookup or of a
    configured value (`os.environ.get("API_URL", "http://localhost:8000")`,
    `os.getenv("API_URL") or "..."`, `settings.HOSTNAME or "..."`, django-environ, decouple,
    pydantic `BaseSettings` fields, command-line option and prompt defaults, function
    parameter defaults, named defaults such as `DEFAULT_API_URL = ...` or `default_base_url=`,
    module constants used as a fallback elsewhere in the module (`api_base or OLLAMA_BASE`),
    an environment-backed variable re-assigned in one deployment branch
    (`if ENV == "prod": OLLAMA_BASE_URL = ...`)); test data (`_test_urls = {...}`), click/typer/invoke
    commands; tests, scripts, migrations and dev-only configuration (`settings/dev.py`,
    `class DevelopmentConfig`, `if DEBUG:` branches, `if __name__ == "__main__":` blocks);
    comparisons and prefix checks; text for people (`print`, logging calls, OpenAPI
    `servers=`, help texts, `webbrowser.open`); and CORS origin settings (PR402
    `hardcoded-cors-origins` reports those, so one literal gets one finding).

    ## Why is this bad?
    `localhost` is the machine the code runs on. Deployed in a container or on a server,
    the other service is somewhere else, and the request fails with "connection refused"
    only in production. The address must come from the deployment's configuration.

    ## Example
    ```python
    BACKEND_URL = "http://localhost:8000"
    ```

    ## Use instead
    ```python
    import os

    BACKEND_URL = os.environ.get("BACKEND_URL", "http://localhost:8000")
    ```

    ## Fix safety
    The fix is safe: it wraps the literal in `os.environ.get("NAME", "<literal>")`, so the
    value is unchanged until the variable is set. The variable is named after the
    assignment target (`BACKEND_URL`), the keyword (`base_url=` -> `BASE_URL`, `url=` ->
    `API_URL`), `SOCKET_URL` for `ws://` URLs, else `API_URL`. In an f-string only the
    `scheme://host:port` part is replaced. `import os` is added when missing.

    ## References
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        "BACKEND_URL = \"http://localhost:8000\"\n",
        "import requests\n\ndef users():\n    return requests.get(\"http://127.0.0.1:5000/api/users\").json()\n",
        "import httpx\nclient = httpx.Client(base_url=\"http://localhost:8000\")\n",
        "import websockets\n\nasync def listen():\n    async with websockets.connect(\"ws://localhost:8765\") as ws:\n        return await ws.recv()\n",
        "import requests\n\ndef user(uid):\n    return requests.get(f\"http://localhost:8000/users/{uid}\")\n",
        "import os\nclass Config:\n    REDIS = os.environ.get(\"REDIS\")\n    api_url = \"https://0.0.0.0:9000/v1\"\n",
        Example("API_URL = \"http://localhost:8000\"\n", path="myproject/settings.py"),
        "import requests\nresp = requests.post(url=\"http://localhost:11434/api/generate\", json={})\n",
        "from flask import Flask\napp = Flask(__name__)\napp.config[\"PAYMENTS_URL\"] = \"http://localhost:9000\"\n",
        Example("URLS = [\"http://localhost:8000\", \"http://localhost:9000\"]\n",
                note="two URLs in one list: each gets its own variable"),
    ]
    valid = [
        Example("import os\nBACKEND_URL = os.environ.get(\"BACKEND_URL\", \"http://localhost:8000\")\n", note="already the fallback of an environment lookup"),
        "import os\nBACKEND_URL = os.getenv(\"BACKEND_URL\") or \"http://localhost:8000\"\n",
        "import environ\nenv = environ.Env()\nAPI_URL = env(\"API_URL\", default=\"http://localhost:8000\")\n",
        "from decouple import config\nAPI_URL = config(\"API_URL\", default=\"http://localhost:8000\")\n",
        "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    api_url: str = \"http://localhost:8000\"\n",
        Example("import requests\ndef test_health():\n    assert requests.get(\"http://localhost:8000/health\").ok\n", path="tests/test_api.py", note="tests"),
        Example("API_URL = \"http://localhost:8000\"\n", path="myproject/settings/dev.py", note="dev-only settings"),
        Example("from flask_cors import CORS\nCORS(app, origins=[\"http://localhost:3000\"])\n", note="CORS origins are PR402's"),
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=[\"http://localhost:3000\"])\n",
        "CORS_ALLOWED_ORIGINS = [\"http://localhost:3000\", \"http://127.0.0.1:3000\"]\n",
        "from flask_cors import CORS\nCORS(app, resources={r\"/api/*\": {\"origins\": \"http://localhost:3000\"}})\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=[\"http://localhost:5173\"])\n",
        "origins = [\n    \"http://localhost\",\n    \"http://localhost:8080\",\n]\n",
        "URL = \"https://api.example.com\"\n",
        "def check(url):\n    return url.startswith(\"http://localhost\")\n",
        "def is_local(url):\n    return url == \"http://localhost:8000\"\n",
        "def f():\n    \"\"\"Call http://localhost:8000/docs to see the API.\"\"\"\n",
        "print(\"Serving on http://localhost:8000\")\n",
        "import argparse\np = argparse.ArgumentParser()\np.add_argument(\"--url\", default=\"http://localhost:8000\")\n",
        "class Client:\n    def __init__(self, base_url=\"http://localhost:8000\"):\n        self.base_url = base_url\n",
        "import requests\nif __name__ == \"__main__\":\n    requests.get(\"http://localhost:8000/health\")\n",
        "class DevelopmentConfig:\n    API_URL = \"http://localhost:8000\"\n",
        "DEBUG = False\nif DEBUG:\n    API_URL = \"http://localhost:8000\"\n",
        "URL = \"http://localhostess.example.com\"\n",
        Example("REDIS_URL = \"redis://localhost:6379/0\"\n", note="only http(s)/ws(s) URLs"),
        Example("from django.conf import settings\ndef link(path):\n    return (settings.HOSTNAME or \"https://localhost:8080\") + path\n", note="the fallback of a configured setting"),
        Example("DOC = \"\"\"\nRun: curl {host}/api/projects/\n\"\"\".format(host=\"http://localhost:8080\")\n", note="documentation text (label-studio)"),
        Example("from apispec import APISpec\nspec = APISpec(title=\"x\", version=\"1\", openapi_version=\"3.0.2\", servers=[{\"url\": \"http://localhost:8088\"}])\n", note="OpenAPI docs (superset)"),
        "import logging\nlogger = logging.getLogger(__name__)\nlogger.info(\"http://localhost:8000/docs\")\n",
        "import webbrowser\ndef open_ui():\n    webbrowser.open(\"http://localhost:8000\")\n",
        Example("DEFAULT_API_URL = 'http://localhost:11434'\n\nclass Client:\n    def __init__(self, api_url=None):\n        self.api_url = api_url or DEFAULT_API_URL\n",
                note="a named default of a configurable setting (pgadmin, mlflow)"),
        Example("_OLLAMA_BASE = 'http://localhost:11434'\n\ndef models(api_base=None):\n    return (api_base or _OLLAMA_BASE) + '/api/tags'\n",
                note="the fallback of a configured value (changedetection.io)"),
        Example("import os\nENV = os.getenv('ENV', 'dev')\nOLLAMA_BASE_URL = os.getenv('OLLAMA_BASE_URL', '')\nif ENV == 'prod' and OLLAMA_BASE_URL == '/ollama':\n    OLLAMA_BASE_URL = 'http://localhost:11434'\n",
                note="an environment-backed setting adjusted for one deployment mode (open-webui's all-in-one image)"),
        Example("_test_url_strs = {\n    'https://localhost/2345': 1,\n    'https://localhost:1234/123': 1,\n}\n",
                note="test data for a self-check (archivebox)"),
        Example("import click\n\ndef ask():\n    return click.prompt('Tracking server URL', default='http://localhost:5000')\n",
                note="an interactive prompt's default (mlflow)"),
        Example("from invoke import task\n\n@task\ndef create_settings(context, url=None):\n    url = 'http://localhost:8000'\n    write(url)\n",
                note="an invoke task writing a starter settings file (wger)"),
    ]
    fixed = {
        invalid[0]: "import os\nBACKEND_URL = os.environ.get(\"BACKEND_URL\", \"http://localhost:8000\")\n",
        invalid[1]: "import requests\nimport os\n\ndef users():\n    return requests.get(os.environ.get(\"API_URL\", \"http://127.0.0.1:5000/api/users\")).json()\n",
        invalid[2]: "import httpx\nimport os\nclient = httpx.Client(base_url=os.environ.get(\"BASE_URL\", \"http://localhost:8000\"))\n",
        invalid[3]: "import websockets\nimport os\n\nasync def listen():\n    async with websockets.connect(os.environ.get(\"SOCKET_URL\", \"ws://localhost:8765\")) as ws:\n        return await ws.recv()\n",
        invalid[4]: "import requests\nimport os\n\ndef user(uid):\n    return requests.get(f\"{os.environ.get('API_URL', 'http://localhost:8000')}/users/{uid}\")\n",
        invalid[5]: "import os\nclass Config:\n    REDIS = os.environ.get(\"REDIS\")\n    api_url = os.environ.get(\"API_URL\", \"https://0.0.0.0:9000/v1\")\n",
        invalid[7]: "import requests\nimport os\nresp = requests.post(url=os.environ.get(\"API_URL\", \"http://localhost:11434/api/generate\"), json={})\n",
        invalid[8]: "from flask import Flask\nimport os\napp = Flask(__name__)\napp.config[\"PAYMENTS_URL\"] = os.environ.get(\"PAYMENTS_URL\", \"http://localhost:9000\")\n",
        str(invalid[9]): "import os\nURLS = [os.environ.get(\"URLS_URL_1\", \"http://localhost:8000\"), os.environ.get(\"URLS_URL_2\", \"http://localhost:9000\")]\n",
    }

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = node.value
        if not isinstance(value, str) or "://" not in value[:8] or not is_local_url(value):
            return
        parent = ctx.parent
        target: ast.AST = node
        if isinstance(parent, ast.JoinedStr):
            if parent.values[0] is not node:
                return
            target = parent
        elif isinstance(parent, ast.Expr):
            return  # docstring or bare string statement
        if skip_file(ctx) or ctx.in_main_guard or not ctx.file.is_application_code and not ctx.file.is_settings:
            return
        if env_fallback(ctx, target) or _in_cors_config(ctx, target) or comparison_or_prefix_check(ctx, target) \
                or _documentation_value(ctx, target):
            return
        if isinstance(ctx.parent if target is node else (ctx.parents[-2] if len(ctx.parents) > 1 else None), ast.arguments):
            return  # a parameter default: the caller configures it
        if dev_only(ctx) or _cli_command(ctx):
            return
        kind, owner = _owner(ctx, target)
        condition = None
        statement = next((n for n in reversed(ctx.parents) if isinstance(n, ast.stmt)), None)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and dev_tokens(target_name(
                statement.targets[0] if isinstance(statement, ast.Assign) else statement.target) or ""):
            return  # `_test_url_strs = {...}`, `LOCAL_URLS = [...]`: test data or dev-only values
        if owner:
            tokens = name_tokens(owner)
            if "DEFAULT" in tokens or dev_tokens(owner):
                return  # `DEFAULT_API_URL = ...`, `default_base_url=`: the default of a setting; `_test_urls`
            if kind == "target" and ctx.at_import_time:
                code, in_branch = self.code, any(isinstance(p, ast.If) for p in ctx.parents)

                def condition(facts: frozenset, name: str = owner) -> bool:
                    # `api_base or _OLLAMA_BASE`: a fallback; or an environment-backed variable
                    # adjusted for one deployment mode (`if ENV == "prod": OLLAMA_BASE_URL = ...`).
                    return (code, "fallback", name) not in facts and not (in_branch and (code, "env-name", name) in facts)
        base = LOCAL_URL.match(value).group(0)  # type: ignore[union-attr]
        env = _url_env_name(ctx, node, target, value.lower().startswith("ws")) + element_suffix(ctx, target)
        fixes = []
        span = ctx.source.node_range(target)
        if target is node:
            default_text = ctx.source.text[span[0]:span[1]]
            fixes.append(fix(f"Read the URL from the `{env}` environment variable", env_get_builder(span, env, default_text)))
        else:
            segment = ctx.source.text[span[0]:span[1]]
            quote = _fstring_quote(segment)
            if quote is not None and segment[quote[0]:].startswith(base) and "\\" not in base:
                inner = "'" if quote[1][0] == '"' else '"'
                start = span[0] + quote[0]
                fixes.append(fix(f"Read the base URL from the `{env}` environment variable",
                                 _fstring_builder((start, start + len(base)), env, base, inner)))
        self.report(target, f"Read this localhost URL from the environment (e.g. `{env}`) so deployments can point it at the real service",
                    fixes=fixes, condition=condition)

    def visit_BoolOp(self, node: ast.BoolOp, ctx) -> None:
        if isinstance(node.op, ast.Or):
            for value in node.values[1:]:
                name = _last(value)
                if name:
                    self.fact("fallback", name)  # `api_base or DEFAULT_BASE`

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if ctx.functions or isinstance(node.value, ast.Constant):
            return
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if names and contains_env_lookup(node.value, ctx.resolve):
            for name in names:
                self.fact("env-name", name)


_GENERIC_URL_NAMES = {"url": "API_URL", "uri": "API_URL", "base_url": "BASE_URL", "baseurl": "BASE_URL",
                      "endpoint": "API_URL", "host": "API_URL", "address": "API_URL", "server": "API_URL",
                      "api": "API_URL", "api_url": "API_URL", "target": "API_URL", "link": "API_URL"}


def _url_env_name(ctx, node: ast.AST, target: ast.AST, socket: bool) -> str:
    """``BACKEND_URL = ...`` -> BACKEND_URL; ``base_url=`` -> BASE_URL; ws:// -> SOCKET_URL; else API_URL."""
    fallback = "SOCKET_URL" if socket else "API_URL"
    if target is not node:
        return fallback  # only the scheme://host:port part of an f-string is replaced
    kind, raw = _owner(ctx, target)
    if not raw or kind is None:
        return fallback
    generic = _GENERIC_URL_NAMES.get(raw.lower())
    if generic:
        return "SOCKET_URL" if socket else generic
    if kind == "keyword" and socket:
        return fallback
    env = _env_name(raw, fallback, ())
    if not env.endswith(_URL_SUFFIXES):
        env += "_URL"
    return env


def _fstring_builder(span: tuple[int, int], env: str, base: str, quote: str):
    def build(fc: FixContext):
        edits, os_name = ensure_import(fc.text, "os")
        expr = "{" + f"{os_name}.environ.get({quote}{env}{quote}, {quote}{base}{quote})" + "}"
        edits.append(Edit(fc.at(span[0]), fc.at(span[1]), expr))
        return merge_insertions(edits)

    return build
