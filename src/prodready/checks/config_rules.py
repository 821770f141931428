"""Configuration rules (PR205-PR209): values that differ between machines and deployments
(service URLs, bind addresses, paths, hosts, databases) written into the code."""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional

from prodready.core.environment import contains_env_lookup, env_lookup
from prodready.core.frameworks import CORS_ORIGIN_SETTINGS, cors_origin_expressions
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.checks._secrets import is_secret_name, name_tokens
from prodready.quickfixes.imports import ensure_import, merge_insertions

# -- shared matchers -------------------------------------------------------------------------

_LOCAL_URL = re.compile(r"(?:https?|wss?)://(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(?=[/?#]|$)", re.I)
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_UNC = re.compile(r"\\\\[A-Za-z0-9._$-]+\\[^\\\s]")
_HOME = re.compile(r"/(?:home|Users)/([^/\s]+)(?:/|$)")
_REGEXISH = re.compile(r"\(\?|[\^$]|\[\^?[^\]]*\]|\.\*|\.\+|\{\d|\\[dwsSbBDW][*+?]")
_SQLITE_MEMORY = re.compile(r"^sqlite(?:\+\w+)?://(?:/(?::memory:|file::memory:.*)?)?$")
_PLATFORM_NAME = re.compile(r"(?i)^_*(is_?)?(on_?)?(win|windows|win32|win64|mswindows|nt|posix|darwin|macos|mac|osx|linux)(_?platform)?$")
_PLATFORM_QUALIFIED = {"sys.platform", "os.name", "platform.system", "platform.platform", "os.sep",
                       "platform.system()", "sys.getwindowsversion", "platform.win32_ver", "platform.mac_ver"}

_CLI_CALLS = {"add_argument", "option", "Option", "argument", "Argument", "add_option", "DEFINE_string", "prompt"}
_SETTINGS_BASES = {"pydantic_settings.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings",
                   "pydantic_settings.main.BaseSettings"}


def is_local_url(value: str) -> bool:
    """``http(s)://`` / ``ws(s)://`` URL to localhost, 127.0.0.1 or 0.0.0.0 (the whole string)."""
    return "://" in value and _LOCAL_URL.match(value) is not None


def absolute_path_kind(value: str) -> Optional[str]:
    """"windows", "unc" or "home" when ``value`` is a machine-specific absolute path."""
    if len(value) < 3 or "\n" in value:
        return None
    first = value[0]
    if value[1] == ":" and _WINDOWS_DRIVE.match(value):
        if "://" in value or " " in value.split("\\")[0]:
            return None
        return "windows"
    if first == "\\":
        return "unc" if _UNC.match(value) else None
    if first == "/" and (value.startswith("/home/") or value.startswith("/Users/")):
        match = _HOME.match(value)
        if match and match.group(1) not in {"", ".", "..", "*"} and not match.group(1).startswith(("{", "<", "$", "%")):
            return "home"
    return None


def is_sqlite_uri(value: str, prefix: bool = False) -> bool:
    """A SQLite URL to a file (``prefix``: the literal starts a longer expression)."""
    if not (value.startswith("sqlite:") or value.startswith("sqlite+")):
        return False
    return prefix or not _SQLITE_MEMORY.match(value)


def _climb(ctx, node: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    """(child, parent) pairs from ``node`` up to its enclosing statement (inclusive)."""
    child = node
    for parent in reversed(ctx.parents):
        if parent is node:
            continue  # climbing from an enclosing f-string the walk is inside of
        yield child, parent
        if isinstance(parent, ast.stmt):
            return
        child = parent


def _last(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _target_name(target: ast.AST) -> Optional[str]:
    if isinstance(target, (ast.Name, ast.Attribute)):
        return _last(target)
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _owner(ctx, node: ast.AST) -> tuple[Optional[str], Optional[str]]:
    """What names the value ``node`` is part of: ("target"|"keyword"|"key", name) or (None, None).

    Climbs through expressions that build a value from the literal (``+``, f-strings,
    conditionals, ``or``, containers) and stops at the first naming construct.
    """
    for child, parent in _climb(ctx, node):
        if isinstance(parent, ast.Assign):
            if child is parent.value and len(parent.targets) == 1:
                return "target", _target_name(parent.targets[0])
            return None, None
        if isinstance(parent, ast.AnnAssign):
            return ("target", _target_name(parent.target)) if child is parent.value else (None, None)
        if isinstance(parent, ast.keyword):
            return "keyword", parent.arg
        if isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values):
                if value is child:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        return "key", key.value
                    return None, None
            return None, None
        if isinstance(parent, (ast.Call, ast.stmt, ast.arguments, ast.Compare, ast.Subscript)):
            return None, None
    return None, None


def _env_fallback(ctx, node: ast.AST) -> bool:
    """Is ``node`` (part of) the fallback of an environment lookup, or a configurable default?"""
    for child, parent in _climb(ctx, node):
        if isinstance(parent, ast.Call):
            if env_lookup(parent, ctx.resolve) is not None:
                return True
            callee = _last(parent.func)
            if callee in _CLI_CALLS and isinstance(child, ast.keyword) and child.arg == "default":
                return True
        elif isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or):
            for value in parent.values:
                if value is child:
                    break
                if contains_env_lookup(value, ctx.resolve) or _reads_configuration(value, ctx):
                    return True
        elif isinstance(parent, ast.IfExp) and child is not parent.test:
            if contains_env_lookup(parent.test, ctx.resolve):
                return True
    if ctx.at_import_time and ctx.classes:
        bases = ctx.class_bases(ctx.classes[-1])
        if bases & _SETTINGS_BASES or any(b.endswith("BaseSettings") for b in bases):
            return True
    return False


_CONFIG_OBJECTS = {"settings", "config", "conf", "cfg", "configuration", "options", "opts", "args", "env"}


def _reads_configuration(expr: ast.AST, ctx) -> bool:
    """``settings.HOSTNAME``, ``app.config["X"]``, ``config.get("X")``: a configured value."""
    for node in ast.walk(expr):
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            base = node.value
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr == "get":
                base = base.func.value
            name = _last(base)
            if name and name.lower() in _CONFIG_OBJECTS:
                return True
            qualified = ctx.resolve(base) if isinstance(base, (ast.Name, ast.Attribute)) else None
            if qualified and qualified in {"django.conf.settings", "flask.current_app.config"}:
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            name = _last(node.func.value)
            if name and name.lower() in _CONFIG_OBJECTS:
                return True
    return False


def _documentation_value(ctx, node: ast.AST) -> bool:
    """Text for people: a multi-line ``"...{host}...".format(host=...)``, OpenAPI ``servers=``."""
    for child, parent in _climb(ctx, node):
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


_DEV_TOKENS = frozenset({"DEV", "DEVELOP", "DEVELOPMENT", "LOCAL", "TEST", "TESTS", "TESTING", "DEBUG"})
_CONFIG_CLASS_TOKENS = frozenset({"CONFIG", "CONFIGURATION", "SETTINGS", "ENV", "ENVIRONMENT", "CONF"})


def _dev_tokens(name: str) -> bool:
    return len(name) < 60 and not _DEV_TOKENS.isdisjoint(name_tokens(name))


def _mentions_dev(expr: ast.AST) -> bool:
    """Does a condition talk about debug/dev/test mode (``if DEBUG:``, ``if ENV == "dev"``)?"""
    for node in ast.walk(expr):
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        if name and _dev_tokens(name):
            return True
    return False


def _dev_only(ctx) -> bool:
    """Inside a dev/test-only branch or config class (``class DevelopmentConfig``, ``if DEBUG:``)."""
    for cls in ctx.classes:
        tokens = name_tokens(cls.name)
        if not _DEV_TOKENS.isdisjoint(tokens) and not _CONFIG_CLASS_TOKENS.isdisjoint(tokens):
            return True
    for frame in ctx.functions:
        name = getattr(frame.node, "name", "")
        if name and not (_DEV_TOKENS - {"LOCAL"}).isdisjoint(name_tokens(name)):
            return True
    for parent in ctx.parents:
        if isinstance(parent, (ast.If, ast.IfExp)) and _mentions_dev(parent.test):
            return True
    return False


def _platform_branch(ctx) -> bool:
    for parent in ctx.parents:
        if isinstance(parent, (ast.If, ast.IfExp, ast.While)):
            for node in ast.walk(parent.test):
                if isinstance(node, (ast.Name, ast.Attribute)):
                    if ctx.resolve(node) in _PLATFORM_QUALIFIED:
                        return True
                    name = _last(node)
                    if name and _PLATFORM_NAME.match(name):
                        return True
                elif isinstance(node, ast.Call) and _last(node.func) in {"system", "is_windows", "iswindows", "on_windows", "platform"}:
                    return True
    return False


def _in_cors_config(ctx, node: ast.AST) -> bool:
    """Inside a CORS origin setting (PR402 reports literals there, one literal one finding).

    Uses the shared definition in `core.frameworks` (``CORS(origins=...)``,
    ``allow_origins=``, ``cors_allowed_origins=``, ``CORS_ALLOWED_ORIGINS``) and also stays
    quiet in anything *named* as origins (``origins = [...]`` later passed to CORS).
    """
    inside: set[int] = set()
    for child, parent in _climb(ctx, node):
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
                name = (_target_name(target) or "").upper()
                if name in CORS_ORIGIN_SETTINGS or "ORIGIN" in name or "CORS" in name:
                    return True
    return False


def _comparison_or_prefix_check(ctx, node: ast.AST) -> bool:
    """Literals compared against or used as prefixes (``url.startswith("http://localhost")``)."""
    for child, parent in _climb(ctx, node):
        if isinstance(parent, ast.Compare):
            return True
        if isinstance(parent, ast.Call):
            callee = _last(parent.func)
            if callee in {"startswith", "endswith", "replace", "match", "search", "fullmatch", "compile",
                          "removeprefix", "removesuffix", "split", "index", "find", "count"}:
                return True
            return False
        if isinstance(parent, ast.stmt):
            return False
    return False


def _env_name(raw: Optional[str], default: str, suffixes: tuple[str, ...]) -> str:
    """An ENVIRONMENT_VARIABLE-style name from a target/keyword name."""
    if not raw:
        return default
    tokens = re.findall(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+", raw)
    name = "_".join(t.upper() for t in tokens)
    if not name or not re.match(r"^[A-Z][A-Z0-9_]*$", name):
        return default
    if suffixes and not any(name == s or name.endswith("_" + s) or name.endswith(s) for s in suffixes):
        name = f"{name}_{suffixes[0]}"
    return name


def _env_get_builder(span: tuple[int, int], env_name: str, default_text: str, wrap: str = ""):
    """Fix builder: replace ``span`` by ``os.environ.get("ENV_NAME", default)`` (+ ``import os``)."""

    def build(fc: FixContext):
        edits, os_name = ensure_import(fc.text, "os")
        expr = f'{os_name}.environ.get("{env_name}", {default_text})'
        if wrap:
            expr = f"{wrap}({expr})"
        edits.append(Edit(fc.at(span[0]), fc.at(span[1]), expr))
        return merge_insertions(edits)

    return build


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


def _skip_file(ctx) -> bool:
    file = ctx.file
    return file.is_test or file.is_dev_config


# -- PR205 ----------------------------------------------------------------------------------------

_URL_SUFFIXES = ("URL", "URI", "HOST", "ENDPOINT", "ADDR", "ADDRESS", "SERVER", "BASE", "ORIGIN")


def _fstring_quote(segment: str) -> Optional[tuple[int, str]]:
    """(length of prefix + opening quote, quote) of an f-string's source text."""
    match = re.match(r"^([rRfFbBuU]{1,2})('''|\"\"\"|'|\")", segment)
    if not match or "f" not in match.group(1).lower():
        return None
    return match.end(), match.group(2)


class HardcodedLocalhostUrl(Rule):
    code = "PR205"
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
        if _skip_file(ctx) or ctx.in_main_guard or not ctx.file.is_application_code and not ctx.file.is_settings:
            return
        if _env_fallback(ctx, target) or _in_cors_config(ctx, target) or _comparison_or_prefix_check(ctx, target) \
                or _documentation_value(ctx, target):
            return
        if isinstance(ctx.parent if target is node else (ctx.parents[-2] if len(ctx.parents) > 1 else None), ast.arguments):
            return  # a parameter default: the caller configures it
        if _dev_only(ctx) or _cli_command(ctx):
            return
        kind, owner = _owner(ctx, target)
        condition = None
        statement = next((n for n in reversed(ctx.parents) if isinstance(n, ast.stmt)), None)
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and _dev_tokens(_target_name(
                statement.targets[0] if isinstance(statement, ast.Assign) else statement.target) or ""):
            return  # `_test_url_strs = {...}`, `LOCAL_URLS = [...]`: test data or dev-only values
        if owner:
            tokens = name_tokens(owner)
            if "DEFAULT" in tokens or _dev_tokens(owner):
                return  # `DEFAULT_API_URL = ...`, `default_base_url=`: the default of a setting; `_test_urls`
            if kind == "target" and ctx.at_import_time:
                code, in_branch = self.code, any(isinstance(p, ast.If) for p in ctx.parents)

                def condition(facts: frozenset, name: str = owner) -> bool:
                    # `api_base or _OLLAMA_BASE`: a fallback; or an environment-backed variable
                    # adjusted for one deployment mode (`if ENV == "prod": OLLAMA_BASE_URL = ...`).
                    return (code, "fallback", name) not in facts and not (in_branch and (code, "env-name", name) in facts)
        base = _LOCAL_URL.match(value).group(0)  # type: ignore[union-attr]
        env = _url_env_name(ctx, node, target, value.lower().startswith("ws"))
        fixes = []
        span = ctx.source.node_range(target)
        if target is node:
            default_text = ctx.source.text[span[0]:span[1]]
            fixes.append(fix(f"Read the URL from the `{env}` environment variable", _env_get_builder(span, env, default_text)))
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


# -- PR206 ----------------------------------------------------------------------------------------

_APP_CONSTRUCTORS = {
    "flask.Flask()", "fastapi.FastAPI()", "quart.Quart()", "sanic.Sanic()", "connexion.App()",
    "connexion.FlaskApp()", "connexion.AsyncApp()", "dash.Dash()", "bottle.Bottle()", "flask_socketio.SocketIO()",
    "apiflask.APIFlask()", "flask_openapi3.OpenAPI()", "starlette.applications.Starlette()",
}
_APP_FACTORIES = {"create_app", "make_app", "get_app", "build_app", "create_application", "app_factory"}
_APP_NAMES = {"app", "application", "socketio", "socket_io", "sio", "server", "flask_app", "api", "dash_app"}
# qualified server function -> (positional index of host, positional index of port)
_SERVER_FUNCTIONS = {
    "uvicorn.run": (None, None),
    "aiohttp.web.run_app": (None, None),
    "waitress.serve": (None, None),
    "bottle.run": (None, None),
    "werkzeug.serving.run_simple": (0, 1),
    "werkzeug.run_simple": (0, 1),
}
_ALL_INTERFACES = {"0.0.0.0", "::", "[::]"}


def _is_server_run(call: ast.Call, ctx) -> Optional[tuple[Optional[int], Optional[int]]]:
    """Positional (host, port) indexes when ``call`` starts a server, else None."""
    func = call.func
    last = _last(func)
    if last not in ("run", "run_app", "serve", "run_simple", "run_server"):
        return None
    qualified = ctx.resolve(func)
    if qualified in _SERVER_FUNCTIONS:
        return _SERVER_FUNCTIONS[qualified]
    if last not in ("run", "run_server") or not isinstance(func, ast.Attribute):
        return None
    receiver = ctx.resolve(func.value)
    positional = (0, 1)
    if receiver is not None:
        if receiver in _APP_CONSTRUCTORS:
            return (1, 2) if receiver == "flask_socketio.SocketIO()" else positional
        if receiver.endswith("()") and receiver[:-2].rsplit(".", 1)[-1] in _APP_FACTORIES:
            return positional
        if receiver.endswith("()"):
            return None
        if receiver.rsplit(".", 1)[-1] not in _APP_NAMES:
            return None
        if receiver.rsplit(".", 1)[-1] in {"socketio", "socket_io", "sio"}:
            positional = (1, 2)
    else:
        if _last(func.value) not in _APP_NAMES:
            return None
        if _last(func.value) in {"socketio", "socket_io", "sio"}:
            positional = (1, 2)
    # An object we cannot name: only with host=/port= keywords (the signature of a server).
    if not any(kw.arg in ("host", "port") for kw in call.keywords) and receiver is None:
        return None
    return positional


def _literal_port(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and (
        isinstance(node.value, int) and not isinstance(node.value, bool) or isinstance(node.value, str) and node.value.isdigit()
    )


class HardcodedServerBind(Rule):
    code = "PR206"
    name = "hardcoded-server-bind"
    severity = Severity.INFORMATION
    summary = "The server's host or port is a literal in app.run()/uvicorn.run()"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds literal `host=` / `port=` arguments where a server is started: Flask's
    `app.run()`, Flask-SocketIO's `socketio.run(app, ...)`, `uvicorn.run()`, aiohttp's
    `web.run_app()`, `waitress.serve()` and werkzeug's `run_simple()`. Binding to
    `0.0.0.0` (every interface) is a warning; other literals are information.

    The receiver of `.run()` must be a Flask/FastAPI/Quart/Sanic/SocketIO object (resolved
    through imports and assignments), an app returned by a `create_app()` factory, or an
    imported `app`; a thread's or a job's `.run()` is not a server.

    ## Why is this bad?
    The platform decides where a service listens: containers and PaaS hosts pass the port
    in `PORT`, and a bind address of `0.0.0.0` exposes the development server to the whole
    network. A literal makes the code run only one way and hides this choice in the code.

    ## Example
    ```python
    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=5000)
    ```

    ## Use instead
    ```python
    import os

    if __name__ == "__main__":
        app.run(host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "5000")))
    ```

    ## Fix safety
    The fix is safe: the literal becomes the fallback of an environment lookup
    (`host=os.environ.get("HOST", "<literal>")`, `port=int(os.environ.get("PORT", "<literal>"))`),
    so nothing changes until `HOST`/`PORT` are set. `import os` is added when missing.

    ## References
    - [Flask: Application.run](https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run)
    - [The Twelve-Factor App: Port binding](https://12factor.net/port-binding)
    """
    invalid = [
        "from flask import Flask\napp = Flask(__name__)\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", port=5000)\n",
        "import uvicorn\nif __name__ == \"__main__\":\n    uvicorn.run(\"main:app\", host=\"127.0.0.1\", port=8000, reload=True)\n",
        "from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app, port=5001)\n",
        "from aiohttp import web\napp = web.Application()\nweb.run_app(app, host=\"0.0.0.0\", port=8080)\n",
        "from myservice import create_app\napp = create_app()\napp.run(port=8000)\n",
        "from fastapi import FastAPI\nimport uvicorn\napp = FastAPI()\ndef main():\n    uvicorn.run(app, host=\"0.0.0.0\")\n",
        "from flask import Flask\napp = Flask(__name__)\napp.run(\"0.0.0.0\", 5000)\n",
        "from myservice import app\napp.run(host=\"0.0.0.0\", port=\"8080\", debug=False)\n",
    ]
    valid = [
        "from flask import Flask\nimport os\napp = Flask(__name__)\napp.run(host=os.environ.get(\"HOST\", \"0.0.0.0\"), port=int(os.environ.get(\"PORT\", \"5000\")))\n",
        "from flask import Flask\napp = Flask(__name__)\napp.run()\n",
        Example("import threading\nt = threading.Thread(target=print)\nt.run()\n", note="not a server"),
        Example("class Job:\n    def run(self, host, port):\n        pass\njob = Job()\njob.run(host=\"db\", port=5432)\n", note="a user's own .run()"),
        Example("from flask import Flask\napp = Flask(__name__)\napp.run(host=\"0.0.0.0\", port=5000)\n", path="tests/test_app.py", note="tests"),
        "import uvicorn\nuvicorn.run(\"main:app\", host=settings.HOST, port=settings.PORT)\n",
        "import asyncio\nasyncio.run(main())\n",
    ]
    fixed = {
        invalid[0]: "from flask import Flask\nimport os\napp = Flask(__name__)\nif __name__ == \"__main__\":\n    app.run(host=os.environ.get(\"HOST\", \"0.0.0.0\"), port=int(os.environ.get(\"PORT\", \"5000\")))\n",
        invalid[1]: "import uvicorn\nimport os\nif __name__ == \"__main__\":\n    uvicorn.run(\"main:app\", host=os.environ.get(\"HOST\", \"127.0.0.1\"), port=int(os.environ.get(\"PORT\", \"8000\")), reload=True)\n",
        invalid[2]: "from flask import Flask\nfrom flask_socketio import SocketIO\nimport os\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app, port=int(os.environ.get(\"PORT\", \"5001\")))\n",
        invalid[6]: "from flask import Flask\nimport os\napp = Flask(__name__)\napp.run(os.environ.get(\"HOST\", \"0.0.0.0\"), int(os.environ.get(\"PORT\", \"5000\")))\n",
        invalid[7]: "from myservice import app\nimport os\napp.run(host=os.environ.get(\"HOST\", \"0.0.0.0\"), port=os.environ.get(\"PORT\", \"8080\"), debug=False)\n",
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not isinstance(func, (ast.Attribute, ast.Name)) or _last(func) not in ("run", "run_app", "serve", "run_simple", "run_server"):
            return
        if not node.keywords and not node.args:
            return
        positional = _is_server_run(node, ctx)
        if positional is None or _skip_file(ctx):
            return
        host_index, port_index = positional
        host = port = None
        for kw in node.keywords:
            if kw.arg == "host":
                host = kw.value
            elif kw.arg == "port":
                port = kw.value
        if host is None and host_index is not None and len(node.args) > host_index and not any(isinstance(a, ast.Starred) for a in node.args[: host_index + 1]):
            host = node.args[host_index]
        if port is None and port_index is not None and len(node.args) > port_index and not any(isinstance(a, ast.Starred) for a in node.args[: port_index + 1]):
            port = node.args[port_index]
        literal_host = host if isinstance(host, ast.Constant) and isinstance(host.value, str) else None
        literal_port = port if port is not None and _literal_port(port) else None
        if literal_host is None and literal_port is None:
            return
        # (span, environment variable, replacement template with {os} for the module name)
        edits: list[tuple[tuple[int, int], str, str]] = []
        if literal_host is not None:
            span = ctx.source.node_range(literal_host)
            edits.append((span, "HOST", '{os}.environ.get("HOST", %s)' % ctx.source.text[span[0]:span[1]]))
        if literal_port is not None:
            span = ctx.source.node_range(literal_port)
            if isinstance(literal_port.value, int):
                edits.append((span, "PORT", 'int({os}.environ.get("PORT", "%d"))' % literal_port.value))
            else:  # a string port stays a string
                edits.append((span, "PORT", '{os}.environ.get("PORT", %s)' % ctx.source.text[span[0]:span[1]]))
        spans = [e[0] for e in edits]
        everywhere = literal_host is not None and literal_host.value in _ALL_INTERFACES
        severity = Severity.WARNING if everywhere else None
        what = " and ".join(n for n, v in (("host", literal_host), ("port", literal_port)) if v is not None)
        names = " and ".join(f"`{e[1]}`" for e in edits)
        if everywhere:
            message = f"Binding to `{literal_host.value}` exposes the server on every interface; read the {what} from the environment ({names})"
        else:
            message = f"Read the server {what} from the environment ({names}) instead of hardcoding {'them' if len(edits) > 1 else 'it'}"

        def build(fc: FixContext):
            out, os_name = ensure_import(fc.text, "os")
            for span, _env, template in edits:
                out.append(Edit(fc.at(span[0]), fc.at(span[1]), template.replace("{os}", os_name)))
            return merge_insertions(out)

        start = min(s[0] for s in spans)
        end = max(s[1] for s in spans)
        self.report((start, end), message, severity=severity,
                    fixes=[fix(f"Read the {what} from the environment", build)])


# -- PR207 ----------------------------------------------------------------------------------------

_EXECUTABLE_HINT = re.compile(r"(?i)(\.exe$|[\\/]bin[\\/]?$|program files|tesseract|ffmpeg|poppler|chromedriver|geckodriver|wkhtmltopdf|libreoffice|soffice|graphviz)")
_NON_PATH_KEYWORDS = {"help", "description", "epilog", "usage", "example", "examples", "doc", "message", "msg",
                      "pattern", "regex", "match"}


def _path_env_name(raw: Optional[str], value: str) -> str:
    if raw:
        name = _env_name(raw, "", ())
        if name:
            if name.endswith(("PATH", "_DIR", "_FILE", "_FOLDER", "_ROOT")):
                return name
            return name + "_PATH"
    parts = [p for p in re.split(r"[\\/]+", value) if p and not p.endswith(":")]
    if parts:
        stem = parts[-1].rsplit(".", 1)[0] if "." in parts[-1][1:] else parts[-1]
        name = re.sub(r"[^A-Za-z0-9]+", "_", stem).strip("_").upper()
        if name and name[0].isalpha() and len(name) <= 30:
            return name + "_PATH"
    return "DATA_PATH"


# Accounts that container images and sandboxes create for the service itself: their home is
# part of the image, the same on every deployment (unlike /home/alice or /Users/bob).
_SERVICE_USERS = frozenset({"app", "appuser", "sandbox", "runner", "jovyan", "docker", "container", "service",
                            "www-data", "nobody", "worker", "user"})


def _service_account_home(value: str, path: str) -> bool:
    """``/home/archivebox/...`` in archivebox's own code, ``/home/sandbox``: the image's account."""
    if not value.startswith("/home/"):
        return False
    match = _HOME.match(value)
    user = match.group(1).lower() if match else ""
    parts = [p for p in path.replace("\\", "/").split("/")[:-1] if p not in ("src", "lib", "")]
    package = parts[0].lower().replace("_", "").replace("-", "") if parts else ""
    return user in _SERVICE_USERS or bool(package) and user.replace("_", "").replace("-", "") == package


class HardcodedAbsolutePath(Rule):
    code = "PR207"
    name = "hardcoded-absolute-path"
    severity = Severity.WARNING
    summary = "A machine-specific absolute path (C:\\..., \\\\server\\share, /home/<user>/) is hardcoded"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds string literals that are Windows drive paths (`C:\\Users\\me\\data.csv`,
    `D:/models`), UNC paths (`\\\\fileserver\\share`) or user home directories
    (`/home/alice/...`, `/Users/bob/...`) outside tests and outside `sys.platform` /
    `os.name` / `platform.system()` branches. Docstrings, help texts, regular expressions,
    comparisons and prefix checks are not paths and are not reported, nor are homes of
    service accounts that container images create (`/home/app`, `/home/sandbox`, or the
    project's own name: `/home/archivebox/` in archivebox).

    ## Why is this bad?
    The path exists on one developer's machine. In a container, on a colleague's laptop or
    on the server it does not, and the code fails with `FileNotFoundError` far from the
    line that caused it. For executables (Tesseract, ffmpeg, Poppler), the install
    location differs per machine and operating system.

    ## Example
    ```python
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = r"C:\\Program Files\\Tesseract-OCR\\tesseract.exe"
    ```

    ## Use instead
    ```python
    import os
    import shutil

    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = os.environ.get("TESSERACT_CMD_PATH") or shutil.which("tesseract")
    ```

    ## Fix safety
    The fix is safe: the literal becomes the fallback of
    `os.environ.get("<NAME>_PATH", r"<literal>")` (named after the assignment target or the
    keyword), so the value only changes when the variable is set. For executables the
    message also suggests `shutil.which()`, which finds the program on `PATH` wherever it is
    installed; that change is left to you.

    ## References
    - [shutil.which](https://docs.python.org/3/library/shutil.html#shutil.which)
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        "import pytesseract\npytesseract.pytesseract.tesseract_cmd = r\"C:\\Program Files\\Tesseract-OCR\\tesseract.exe\"\n",
        "import pandas as pd\ndf = pd.read_csv(\"/home/alice/data/sales.csv\")\n",
        "MODEL_DIR = \"/Users/bob/models/bert\"\n",
        "SHARE = r\"\\\\fileserver\\exports\\daily\"\n",
        "from pdf2image import convert_from_path\npages = convert_from_path(\"doc.pdf\", poppler_path=r\"C:\\poppler\\bin\")\n",
        "import sys\nsys.path.append(\"/home/ubuntu/project/src\")\n",
        "def load(path=\"D:/datasets/train.csv\"):\n    return open(path)\n",
    ]
    valid = [
        "import os\nDATA = os.environ.get(\"DATA_PATH\", r\"C:\\data\")\n",
        Example("import sys\nif sys.platform == \"win32\":\n    FONT = r\"C:\\Windows\\Fonts\\arial.ttf\"\nelse:\n    FONT = \"/usr/share/fonts/arial.ttf\"\n", note="a platform branch"),
        "import os\nFONT = r\"C:\\Windows\\Fonts\\arial.ttf\" if os.name == \"nt\" else \"/usr/share/fonts/arial.ttf\"\n",
        Example("DATA = \"/home/alice/data.csv\"\n", path="tests/test_data.py", note="tests"),
        "def f():\n    \"\"\"Reads C:\\\\data\\\\x.csv on Windows.\"\"\"\n",
        "import argparse\np = argparse.ArgumentParser()\np.add_argument(\"--out\", help=\"C:\\\\out or /home/me/out\")\n",
        "import re\nWIN = re.compile(r\"^[A-Za-z]:\\\\\")\n",
        "def is_home(p):\n    return p.startswith(\"/home/\")\n",
        "LOG = \"/var/log/app.log\"\n",
        "HOME = \"/home/\"\n",
        "path = \"/home/{user}/data\"\n",
        "URL = \"C://not-a-path\"\n",
        Example("import os\nif IN_DOCKER and os.path.lexists('/home/archivebox/.config/chromium/SingletonLock'):\n    os.remove('/home/archivebox/.config/chromium/SingletonLock')\n",
                path="archivebox/util.py", note="the home of the project's own account in its container image (archivebox)"),
        Example("_HOME_MOUNT = \"/home/sandbox\"\n", note="a sandbox container's home (mlflow)"),
    ]
    fixed = {
        invalid[0]: "import pytesseract\nimport os\npytesseract.pytesseract.tesseract_cmd = os.environ.get(\"TESSERACT_CMD_PATH\", r\"C:\\Program Files\\Tesseract-OCR\\tesseract.exe\")\n",
        invalid[1]: "import pandas as pd\nimport os\ndf = pd.read_csv(os.environ.get(\"SALES_PATH\", \"/home/alice/data/sales.csv\"))\n",
        invalid[2]: "import os\nMODEL_DIR = os.environ.get(\"MODEL_DIR\", \"/Users/bob/models/bert\")\n",
        invalid[4]: "from pdf2image import convert_from_path\nimport os\npages = convert_from_path(\"doc.pdf\", poppler_path=os.environ.get(\"POPPLER_PATH\", r\"C:\\poppler\\bin\"))\n",
    }

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = node.value
        if not isinstance(value, str) or len(value) < 3:
            return
        head = value[0]
        if not (value[1] == ":" or head == "\\" or head == "/" and value[1] in "hU"):
            return
        kind = absolute_path_kind(value)
        if kind is None:
            return
        parent = ctx.parent
        if isinstance(parent, ast.Expr):
            return
        target: ast.AST = node
        if isinstance(parent, ast.JoinedStr):
            if parent.values[0] is not node:
                return
            target = parent
        if ctx.file.is_test or ctx.file.is_dev_config or ctx.file.is_migration:
            return
        if _REGEXISH.search(value) or (kind == "home" and " " in value):
            return
        if kind == "home" and _service_account_home(value, ctx.file.path):
            return
        kind_owner, raw = _owner(ctx, target)
        if kind_owner == "keyword" and raw in _NON_PATH_KEYWORDS:
            return
        if _env_fallback(ctx, target) or _comparison_or_prefix_check(ctx, target) or _platform_branch(ctx):
            return
        executable = bool(_EXECUTABLE_HINT.search(value))
        env = _path_env_name(raw if kind_owner else None, value)
        what = {"windows": "Windows drive path", "unc": "network (UNC) path", "home": "user's home directory path"}[kind]
        if executable:
            message = f"This {what} exists only on one machine; read it from the environment (`{env}`) or find the executable with `shutil.which()`"
        else:
            message = f"This {what} exists only on one machine; read it from the environment (`{env}`) or configuration"
        fixes = []
        if target is node:
            span = ctx.source.node_range(node)
            fixes.append(fix(f"Read the path from the `{env}` environment variable",
                             _env_get_builder(span, env, ctx.source.text[span[0]:span[1]])))
        self.report(target, message, fixes=fixes)


# -- PR208 ----------------------------------------------------------------------------------------

_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
# Last words that make a constant deployment configuration (it differs between environments).
_CONFIG_WORDS = frozenset({
    "HOST", "HOSTNAME", "PORT", "URL", "URI", "ENDPOINT", "BUCKET", "REGION", "MODEL", "DATABASE",
    "DB", "BROKER", "QUEUE", "TOPIC", "PROJECT", "ENVIRONMENT", "DOMAIN", "SERVER", "ADDRESS",
    "ADDR", "NAMESPACE", "CLUSTER", "TENANT", "DEPLOYMENT", "LEVEL", "DSN", "EMAIL", "SENDER",
    "CHANNEL", "VOICE", "ENGINE", "INDEX",
})
# ``<word>_NAME`` / ``<word>_ID`` that name a deployment resource: DB_NAME, S3_BUCKET_NAME, PROJECT_ID.
_NAMED_RESOURCES = frozenset({
    "DB", "DATABASE", "BUCKET", "QUEUE", "TOPIC", "MODEL", "REGION", "CLUSTER", "INDEX", "HOST",
    "SERVER", "DOMAIN", "NAMESPACE", "DEPLOYMENT", "INSTANCE", "CHANNEL", "COLLECTION", "STREAM",
})
_IDENTIFIED_RESOURCES = _NAMED_RESOURCES | {"PROJECT", "ACCOUNT", "TENANT", "ORG", "ORGANIZATION", "WORKSPACE"}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Words that make it a fact about the code (framework settings, formats, templates).
_CONSTANT_WORDS = frozenset({
    "FORMAT", "PATTERN", "REGEX", "TEMPLATE", "PREFIX", "SUFFIX", "SEPARATOR", "SEP", "HEADER",
    "VERSION", "CLASS", "BACKEND", "URLCONF", "APPLICATION", "FIELD", "ENCODING", "CHARSET",
    "COOKIE", "LOGIN", "LOGOUT", "REDIRECT", "STATIC", "MEDIA", "ALGORITHM", "ORIGIN", "ORIGINS",
    "CORS", "CSRF", "TYPE", "LABEL", "SESSION",
})


def _deployment_name(tokens: tuple[str, ...]) -> bool:
    if not tokens or any(t in _CONSTANT_WORDS for t in tokens):
        return False
    last = tokens[-1]
    if last in _CONFIG_WORDS:
        return True
    if len(tokens) > 1 and last == "NAME":
        return tokens[-2] in _NAMED_RESOURCES
    return len(tokens) > 1 and last == "ID" and tokens[-2] in _IDENTIFIED_RESOURCES


def _pr208_candidate(name: str, value: ast.AST) -> Optional[tuple[str, str]]:
    """(default text for os.environ.get, conversion) when ``NAME = value`` is deployment config."""
    literal = value
    negative = False
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and isinstance(value.operand, ast.Constant):
        literal, negative = value.operand, True
    if not isinstance(literal, ast.Constant):
        return None
    raw = literal.value
    if isinstance(raw, bool) or raw is None or isinstance(raw, (bytes, complex)):
        return None
    tokens = name_tokens(name)
    if not _deployment_name(tokens):
        return None
    if is_secret_name(name):
        return None  # PR201
    if isinstance(raw, str):
        if negative:
            return None
        text = raw.strip()
        if not text or text != raw or len(text) > 200 or any(c.isspace() for c in text):
            return None
        if is_sqlite_uri(text) or text.startswith("sqlite:") or is_local_url(text) or absolute_path_kind(text):
            return None  # PR209 / PR205 / PR207
        if "{" in text or "%(" in text or "%s" in text:
            return None  # a template
        if text.startswith("/") and "://" not in text:
            return None  # a route or a path inside the app
        words = set(tokens)
        if words & {"URL", "URI", "ENDPOINT", "DSN"} and "://" not in text and "." not in text:
            return None
        if text in _LOOPBACK and words & {"BIND", "LISTEN", "LOCAL"}:
            return None  # a local bind address is right everywhere
        if words & {"EMAIL", "SENDER"} and "@" not in text:
            return None
        if "LEVEL" in words and text.upper() not in {"DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL"}:
            return None
        if _DOTTED.match(text) and not words & {"HOST", "HOSTNAME", "DOMAIN", "SERVER", "ADDRESS", "ADDR", "ENDPOINT", "BUCKET"}:
            return None  # a module or class path
        if text.lower() == tokens[-1].lower() or text.lower() in {"default", "none", "null", "true", "false", "auto"}:
            return None  # an enum-like constant: DJANGO_DB_MYSQL = "mysql"
        if words & {"MODEL"} and "." in text and "/" not in text and "-" not in text and not any(ch.isdigit() for ch in text):
            return None
        return "str", ""
    if isinstance(raw, (int, float)):
        words = set(tokens)
        if isinstance(raw, int) and "PORT" not in words:
            return None  # limits, sizes and timeouts are code, not deployment
        if isinstance(raw, float):
            return None
        return "int", "-" if negative else ""
    return None


_OVERRIDE_MODULE_WORDS = ("local", "override", "custom", "user", "site", "system", "distro", "secret", "deploy", "instance")


class HardcodedConfig(Rule):
    code = "PR208"
    name = "hardcoded-config"
    severity = Severity.INFORMATION
    summary = "A deployment setting is a literal in a config module whose other settings come from the environment"
    fix_availability = "safe"
    docs = """
    ## What it does
    In configuration modules (`config.py`, `settings.py`, `constants.py`, `settings/*.py`),
    finds UPPER_CASE constants holding deployment settings as literals — hosts, ports,
    service URLs, bucket names, regions, model names, queue and database names — when
    sibling constants in the same module already come from the environment
    (`os.environ`, `os.getenv`, django-environ, decouple). Example:
    `DEEPGRAM_MODEL = "nova-2"` next to `DEEPGRAM_API_KEY = os.environ["DEEPGRAM_API_KEY"]`.

    Not reported (one mistake, one finding): secret-like names (PR201
    `hardcoded-secret`), SQLite URIs (PR209), localhost URLs (PR205), absolute paths (PR207)
    and booleans such as `DEBUG` (PR203). Framework constants that are facts about the code
    are not deployment settings either: `BASE_DIR`, `INSTALLED_APPS` and other lists,
    `USE_TZ = True`, `ROOT_URLCONF`, `AUTH_USER_MODEL = "accounts.User"`, dotted module
    paths, route paths such as `STATIC_URL = "/static/"`, formats, limits and timeouts.
    Constants in dev/test settings and `class DevelopmentConfig` bodies are not reported,
    nor are named defaults (`DEFAULT_PORT = 8000`, read elsewhere as
    `os.environ.get("PORT", DEFAULT_PORT)`), nor constants a later statement can override
    (`from config_local import *`, `locals().update(patch(locals()))` as in pgAdmin).

    ## Why is this bad?
    A module that reads most settings from the environment but keeps a few as literals is
    half configurable: changing the model, the bucket or the host for staging needs a code
    change and a redeploy, and the literal is easy to miss because the module *looks*
    environment-driven.

    ## Example
    ```python
    import os

    DEEPGRAM_API_KEY = os.environ["DEEPGRAM_API_KEY"]
    DEEPGRAM_MODEL = "nova-2"
    ```

    ## Use instead
    ```python
    import os

    DEEPGRAM_API_KEY = os.environ["DEEPGRAM_API_KEY"]
    DEEPGRAM_MODEL = os.environ.get("DEEPGRAM_MODEL", "nova-2")
    ```

    ## Fix safety
    The fix is safe: the literal becomes the fallback of `os.environ.get("NAME", ...)`
    (named like the constant), so the value is the same until the variable is set. Integer
    settings keep their type: `PORT = 5432` becomes
    `PORT = int(os.environ.get("PORT", "5432"))`.

    ## References
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        Example("import os\nDEEPGRAM_API_KEY = os.environ[\"DEEPGRAM_API_KEY\"]\nDEEPGRAM_MODEL = \"nova-2\"\n", path="app/config.py"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDB_PORT = 5432\n", path="app/settings.py"),
        Example("import os\n\nclass Config:\n    SECRET_KEY = os.environ.get(\"SECRET_KEY\")\n    S3_BUCKET = \"acme-uploads\"\n    AWS_REGION = \"us-east-1\"\n", path="config.py"),
        Example("import os\nOPENAI_MODEL = \"gpt-4o\"\nOPENAI_API_KEY = os.getenv(\"OPENAI_API_KEY\")\n", path="app/constants.py"),
        Example("import environ\nenv = environ.Env()\nDATABASES = {\"default\": env.db()}\nELASTICSEARCH_HOST = \"search.internal\"\n", path="proj/settings/production.py"),
    ]
    valid = [
        Example("DEEPGRAM_MODEL = \"nova-2\"\nTIMEOUT = 30\n", path="app/config.py", note="no sibling reads the environment: a plain constants module"),
        Example("import os\nAPI_KEY = os.environ[\"API_KEY\"]\nDEEPGRAM_MODEL = \"nova-2\"\n", path="app/service.py", note="not a config module"),
        Example("from pathlib import Path\nimport os\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\nBASE_DIR = Path(__file__).resolve().parent.parent\nROOT_URLCONF = \"mysite.urls\"\nUSE_TZ = True\nTIME_ZONE = \"UTC\"\nLANGUAGE_CODE = \"en-us\"\nSTATIC_URL = \"/static/\"\nAUTH_USER_MODEL = \"accounts.User\"\nDEFAULT_AUTO_FIELD = \"django.db.models.BigAutoField\"\nINSTALLED_APPS = [\"django.contrib.admin\"]\nWSGI_APPLICATION = \"mysite.wsgi.application\"\nEMAIL_BACKEND = \"django.core.mail.backends.smtp.EmailBackend\"\n", path="mysite/settings.py", note="framework constants"),
        Example("import os\nSTRIPE_KEY = os.environ[\"STRIPE_KEY\"]\nSTRIPE_SECRET_KEY = \"sk_test_123\"\n", path="config.py", note="secret names are PR201's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nSQLALCHEMY_DATABASE_URI = \"sqlite:///app.db\"\n", path="config.py", note="SQLite is PR209's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nAPI_URL = \"http://localhost:8000\"\n", path="config.py", note="localhost URLs are PR205's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDEBUG = True\n", path="config.py", note="booleans are PR203's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nMAX_CONTENT_LENGTH = 16 * 1024 * 1024\nPAGE_SIZE = 20\n", path="config.py"),
        Example("import os\nREDIS_HOST = os.getenv(\"REDIS_HOST\")\nDB_HOST = \"db\"\n", path="config/dev.py", note="dev settings"),
        Example("import os\nREDIS_HOST = \"localhost\"\nREDIS_HOST = os.getenv(\"REDIS_HOST\", REDIS_HOST)\n", path="config.py", note="overridden from the environment later"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nclass DevelopmentConfig:\n    DB_HOST = \"db\"\n", path="config.py", note="a development config class"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nLOG_FORMAT = \"%(asctime)s %(message)s\"\nDATE_FORMAT = \"%Y-%m-%d\"\n", path="config.py"),
        Example("import os\nNAME = os.getenv(\"DATABASE_NAME\")\nDJANGO_DB_MYSQL = \"mysql\"\nDJANGO_DB_SQLITE = \"sqlite\"\nDJANGO_DB = \"default\"\n", path="core/settings/base.py", note="enum-like constants (label-studio)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nMETA_DB_LIMIT = 1000\nREDIS_STREAM_LIMIT = 1000\n", path="config.py", note="limits are code (superset)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nFSM_SYNC_PROJECT_STATE = \"fsm.project_transitions.sync_project_state\"\n", path="settings/base.py", note="a dotted module path (label-studio)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nSSH_TUNNEL_LOCAL_BIND_ADDRESS = \"127.0.0.1\"\n", path="config.py", note="a loopback bind address (superset)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nACCOUNT_AUTHENTICATION_METHOD = \"email\"\nPROJECT_NAME = \"shop\"\n", path="settings.py", note="django-allauth and naming constants"),
        Example("import os\nDATA_DIR = os.getenv(\"DATA_DIR\")\nMAIL_SERVER = \"localhost\"\nMAIL_PORT = 25\nlocals().update(evaluate_and_patch_config(locals()))\n",
                path="config.py", note="every setting can be overridden by the patch at the end (pgadmin)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nMAIL_SERVER = \"localhost\"\ntry:\n    from config_local import *\nexcept ImportError:\n    pass\n",
                path="config.py", note="a local override module imported last"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDEFAULT_HOST = \"127.0.0.1\"\nDEFAULT_PORT = 8000\n",
                path="chainlit/config.py", note="named defaults of settings read elsewhere (chainlit: `os.environ.get(\"CHAINLIT_HOST\", DEFAULT_HOST)`)"),
    ]
    fixed = {
        str(invalid[0]): "import os\nDEEPGRAM_API_KEY = os.environ[\"DEEPGRAM_API_KEY\"]\nDEEPGRAM_MODEL = os.environ.get(\"DEEPGRAM_MODEL\", \"nova-2\")\n",
        str(invalid[1]): "import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDB_PORT = int(os.environ.get(\"DB_PORT\", \"5432\"))\n",
        str(invalid[2]): "import os\n\nclass Config:\n    SECRET_KEY = os.environ.get(\"SECRET_KEY\")\n    S3_BUCKET = os.environ.get(\"S3_BUCKET\", \"acme-uploads\")\n    AWS_REGION = os.environ.get(\"AWS_REGION\", \"us-east-1\")\n",
        str(invalid[3]): "import os\nOPENAI_MODEL = os.environ.get(\"OPENAI_MODEL\", \"gpt-4o\")\nOPENAI_API_KEY = os.getenv(\"OPENAI_API_KEY\")\n",
    }

    def _config_module(self, ctx) -> bool:
        file = ctx.file
        return file.is_settings and not file.is_dev_config and not file.is_test and ctx.at_import_time

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._check(node.targets[0].id, node.value, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx) -> None:
        if ctx.functions or not ctx.file.is_settings or not any(a.name == "*" for a in node.names):
            return
        last = (node.module or "").rsplit(".", 1)[-1].lower()
        if any(word in last for word in _OVERRIDE_MODULE_WORDS):
            self.fact("override", node.lineno)  # `from config_local import *` at the end of config.py

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if (not ctx.functions and isinstance(func, ast.Attribute) and func.attr == "update"
                and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
                and func.value.func.id in ("locals", "globals", "vars") and ctx.file.is_settings):
            self.fact("override", node.lineno)  # pgadmin: `locals().update(evaluate_and_patch_config(locals()))`

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if node.value is not None and isinstance(node.target, ast.Name):
            self._check(node.target.id, node.value, ctx)

    def _check(self, name: str, value: ast.AST, ctx) -> None:
        if not _UPPER.match(name) or not self._config_module(ctx):
            return
        if not isinstance(value, (ast.Constant, ast.UnaryOp)):
            if contains_env_lookup(value, ctx.resolve):
                self.fact("env")
                self.fact("env-name", name)
            return
        if "DEFAULT" in name_tokens(name):
            return  # DEFAULT_PORT: the documented default of a setting configured elsewhere
        candidate = _pr208_candidate(name, value)
        if candidate is None or _dev_only(ctx):
            return
        kind, sign = candidate
        span = ctx.source.node_range(value)
        if kind == "str":
            builder = _env_get_builder(span, name, ctx.source.text[span[0]:span[1]])
        else:
            literal = value.operand if isinstance(value, ast.UnaryOp) else value
            builder = _env_get_builder(span, name, f'"{sign}{literal.value}"', wrap="int")
        code = self.code

        line = value.lineno

        def condition(facts: frozenset) -> bool:
            if any(f[1] == "override" and f[0] == code and f[2] > line for f in facts if len(f) == 3):
                return False  # a later `from config_local import *` / `locals().update(...)` can override it
            return (code, "env") in facts and (code, "env-name", name) not in facts

        self.report(value, f"Read `{name}` from the environment like the other settings in this module",
                    fixes=[fix(f"Read `{name}` from the environment", builder)], condition=condition)


# -- PR209 ----------------------------------------------------------------------------------------

_DJANGO_SQLITE = "django.db.backends.sqlite3"
_ENGINE_CALLS = {"create_engine", "create_async_engine", "engine_from_config"}
_NOT_SERVICE_DB = frozenset({"EXAMPLE", "EXAMPLES", "DEMO", "SAMPLE", "SAMPLES", "CACHE", "TEST", "TESTS",
                             "TESTING", "DEV", "DEVELOPMENT", "LOCAL"})


def _db_name(name: Optional[str]) -> bool:
    if not name:
        return False
    tokens = set(name_tokens(name))
    return bool(tokens & {"DATABASE", "DB", "SQLALCHEMY", "SQL", "DATABASES"}) and bool(tokens & {"URI", "URL", "DSN", "BINDS"})


class SqliteProductionDb(Rule):
    code = "PR209"
    name = "sqlite-production-db"
    severity = Severity.WARNING
    summary = "SQLite is the literal database of production settings"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds SQLite configured as *the* database of a service, as a literal with no
    environment switch:
    - Django: `"ENGINE": "django.db.backends.sqlite3"` in a production settings module
      (`settings.py`, `settings/production.py`; not `settings/dev.py`, `local.py`, tests),
      unless `DATABASES` is chosen by an `if` or overridden elsewhere in the module
      (`DATABASES["default"] = dj_database_url.config()`).
    - SQLAlchemy/Flask-SQLAlchemy: `SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"` (also
      `DATABASE_URL`, `app.config["SQLALCHEMY_DATABASE_URI"] = ...`, `"sqlite:///" + path`)
      in application code, and `create_engine("sqlite:///...")` executed at import time.

    Not reported: in-memory databases (`sqlite://`, `sqlite:///:memory:`), a SQLite URI that
    is the fallback of an environment lookup (`os.environ.get("DATABASE_URL",
    "sqlite:///app.db")`), `class DevelopmentConfig`/`TestingConfig` bodies, `if DEBUG:`
    branches, tests and dev settings.

    ## Why is this bad?
    SQLite is a file on the local disk: with several workers or containers each one writes
    its own copy (or they fight over one file lock), the data disappears when the container
    is replaced, and there are no concurrent writers. A production service needs its
    database server's address from the deployment.

    ## Example
    ```python
    SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"
    ```

    ## Use instead
    ```python
    import os

    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    ```

    ## Fix safety
    The fix is unsafe: it changes where the data lives. A SQLite URI becomes
    `os.environ["DATABASE_URL"]` (the de facto standard variable), which raises `KeyError`
    at start-up when the variable is unset instead of silently using a local file. For
    Django, `ENGINE` becomes `os.environ["DB_ENGINE"]` and `NAME` `os.environ["DB_NAME"]`;
    add `USER`, `PASSWORD`, `HOST` and `PORT` the same way (or use `dj-database-url`). If you
    want SQLite to remain the local default, use
    `os.environ.get("DATABASE_URL", "sqlite:///app.db")` instead, which this rule accepts.

    ## References
    - [Django: Databases](https://docs.djangoproject.com/en/stable/ref/settings/#databases)
    - [SQLite: Appropriate uses](https://www.sqlite.org/whentouse.html)
    """
    invalid = [
        Example("SQLALCHEMY_DATABASE_URI = \"sqlite:///app.db\"\n", path="app/config.py"),
        Example("from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nDATABASES = {\n    \"default\": {\n        \"ENGINE\": \"django.db.backends.sqlite3\",\n        \"NAME\": BASE_DIR / \"db.sqlite3\",\n    }\n}\n", path="mysite/settings.py"),
        "from flask import Flask\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = \"sqlite:///site.db\"\n",
        Example("from sqlalchemy import create_engine\nengine = create_engine(\"sqlite:///./app.db\", connect_args={\"check_same_thread\": False})\n", path="app/database.py"),
        Example("import os\nclass Config:\n    SQLALCHEMY_DATABASE_URI = \"sqlite:///\" + os.path.join(os.path.dirname(__file__), \"app.db\")\n", path="config.py"),
        Example("from flask import Flask\ndef create_app():\n    app = Flask(__name__)\n    app.config.update(SQLALCHEMY_DATABASE_URI=\"sqlite:///prod.db\")\n    return app\n", path="app/__init__.py"),
    ]
    valid = [
        Example("import os\nSQLALCHEMY_DATABASE_URI = os.environ.get(\"DATABASE_URL\", \"sqlite:///app.db\")\n", path="app/config.py", note="env-backed with a local default"),
        Example("import os\nbasedir = os.path.abspath(os.path.dirname(__file__))\nclass Config:\n    SQLALCHEMY_DATABASE_URI = os.environ.get(\"DATABASE_URL\") or \"sqlite:///\" + os.path.join(basedir, \"app.db\")\n", path="config.py", note="env-backed with a local default (`or`)"),
        Example("DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\n", path="mysite/settings/dev.py", note="dev settings"),
        Example("DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\n", path="tests/settings.py", note="test settings"),
        Example("import os\nif os.environ.get(\"DATABASE_URL\"):\n    import dj_database_url\n    DATABASES = {\"default\": dj_database_url.config()}\nelse:\n    DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\n", path="mysite/settings.py", note="an environment switch"),
        Example("import dj_database_url\nDATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\nDATABASES[\"default\"] = dj_database_url.config(conn_max_age=600)\n", path="mysite/settings.py", note="overridden later in the module"),
        Example("class TestingConfig:\n    SQLALCHEMY_DATABASE_URI = \"sqlite:///test.db\"\n", path="config.py", note="a test config class"),
        "SQLALCHEMY_DATABASE_URI = \"sqlite://\"\n",
        "from sqlalchemy import create_engine\nengine = create_engine(\"sqlite:///:memory:\")\n",
        Example("from sqlalchemy import create_engine\ndef engine_for(path):\n    return create_engine(\"sqlite:///cache.db\")\n", path="app/cache.py", note="a function's local engine, not the service database"),
        Example("SQLALCHEMY_DATABASE_URI = \"sqlite:///app.db\"\n", path="tests/conftest.py"),
        Example("import os\nSQLALCHEMY_EXAMPLES_URI = \"sqlite:///\" + os.path.join(\"data\", \"examples.db\")\n", path="superset/config.py", note="the examples database (superset)"),
    ]
    unsafe_fixed = {
        str(invalid[0]): "import os\nSQLALCHEMY_DATABASE_URI = os.environ[\"DATABASE_URL\"]\n",
        str(invalid[1]): "from pathlib import Path\nimport os\nBASE_DIR = Path(__file__).resolve().parent.parent\nDATABASES = {\n    \"default\": {\n        \"ENGINE\": os.environ[\"DB_ENGINE\"],\n        \"NAME\": os.environ[\"DB_NAME\"],\n    }\n}\n",
        str(invalid[2]): "from flask import Flask\nimport os\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = os.environ[\"DATABASE_URL\"]\n",
        str(invalid[3]): "from sqlalchemy import create_engine\nimport os\nengine = create_engine(os.environ[\"DATABASE_URL\"], connect_args={\"check_same_thread\": False})\n",
        str(invalid[4]): "import os\nclass Config:\n    SQLALCHEMY_DATABASE_URI = os.environ[\"DATABASE_URL\"]\n",
    }

    def visit_Subscript(self, node: ast.Subscript, ctx) -> None:
        # DATABASES["default"] = ... / DATABASES["default"]["ENGINE"] = ...: an override.
        if isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and base.id == "DATABASES":
                self.fact("databases-switch")

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("update", "setdefault"):
            base = func.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and base.id == "DATABASES":
                self.fact("databases-switch")

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "DATABASES":
                if any(isinstance(p, (ast.If, ast.Try)) for p in ctx.parents) or contains_env_lookup(node.value, ctx.resolve):
                    self.fact("databases-switch")

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = node.value
        if not isinstance(value, str) or not value.startswith(("sqlite", "django.db.backends.sqlite3")):
            return
        if value == _DJANGO_SQLITE:
            self._django(node, ctx)
        elif is_sqlite_uri(value, prefix=True):
            self._uri(node, ctx)

    def _django(self, node: ast.Constant, ctx) -> None:
        parent = ctx.parent
        if not isinstance(parent, ast.Dict):
            return
        key = next((k for k, v in zip(parent.keys, parent.values) if v is node), None)
        if not (isinstance(key, ast.Constant) and key.value == "ENGINE"):
            return
        file = ctx.file
        if not file.is_production_settings or not ctx.at_import_time:
            return
        if any(isinstance(p, (ast.If, ast.IfExp, ast.Try)) for p in ctx.parents) or _env_fallback(ctx, node) or _dev_only(ctx):
            return
        engine_span = ctx.source.node_range(node)
        name_value = next((v for k, v in zip(parent.keys, parent.values) if isinstance(k, ast.Constant) and k.value == "NAME"), None)
        name_span = ctx.source.node_range(name_value) if name_value is not None else None

        def build(fc: FixContext):
            edits, os_name = ensure_import(fc.text, "os")
            edits.append(Edit(fc.at(engine_span[0]), fc.at(engine_span[1]), f'{os_name}.environ["DB_ENGINE"]'))
            if name_span is not None:
                edits.append(Edit(fc.at(name_span[0]), fc.at(name_span[1]), f'{os_name}.environ["DB_NAME"]'))
            return merge_insertions(edits)

        code = self.code
        self.report(node, "SQLite is the production database here; configure the database from the environment",
                    fixes=[fix("Read ENGINE and NAME from the environment (`DB_ENGINE`, `DB_NAME`)", build, safe=False)],
                    condition=lambda facts: (code, "databases-switch") not in facts)

    def _uri(self, node: ast.Constant, ctx) -> None:
        file = ctx.file
        if not file.is_application_code or file.is_dev_config:
            return
        # The whole expression the literal starts: "sqlite:///" + path, f"sqlite:///{path}".
        target: ast.AST = node
        for child, parent in _climb(ctx, node):
            if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add) and parent.left is child:
                target = parent
            elif isinstance(parent, ast.JoinedStr) and parent.values[0] is child:
                target = parent
            else:
                break
        if target is node and not is_sqlite_uri(node.value):
            return  # in-memory
        kind, raw = _owner(ctx, target)
        if raw and _NOT_SERVICE_DB & set(name_tokens(raw)):
            return  # the examples/demo/cache database, not the service's data
        is_db_setting = kind is not None and _db_name(raw)
        is_engine_arg = False
        if not is_db_setting:
            call = None
            for child, parent in _climb(ctx, target):
                if isinstance(parent, ast.Call):
                    call = parent
                    if child in parent.args[:1] or isinstance(child, ast.keyword) and child.arg == "url":
                        is_engine_arg = _last(parent.func) in _ENGINE_CALLS
                    break
                if isinstance(parent, ast.keyword) and parent.arg == "url":
                    continue
                if not isinstance(parent, ast.keyword):
                    break
            if not is_engine_arg or not ctx.at_import_time or call is None:
                return
        if _env_fallback(ctx, target) or _dev_only(ctx):
            return
        if any(isinstance(p, (ast.If, ast.IfExp)) for p in ctx.parents):
            return
        span = ctx.source.node_range(target)

        def build(fc: FixContext):
            edits, os_name = ensure_import(fc.text, "os")
            edits.append(Edit(fc.at(span[0]), fc.at(span[1]), f'{os_name}.environ["DATABASE_URL"]'))
            return merge_insertions(edits)

        self.report(target, "SQLite is the service's database here; read the database URL from the environment (`DATABASE_URL`)",
                    fixes=[fix("Read the database URL from `DATABASE_URL`", build, safe=False)])
