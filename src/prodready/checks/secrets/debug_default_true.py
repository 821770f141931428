"""PR203 `debug-default-true`: Debug mode is on when nothing is configured."""

from __future__ import annotations

import ast
from typing import Any, Optional

from prodready.checks.secrets._shared import (
    UNKNOWN,
    _replace,
    _strtobool,
    env_lookup,
    environ_expr,
    file_severity,
    in_dev_class,
    literal_quote,
    settings_class,
    wrap,
)
from prodready.core.astutil import string_value
from prodready.core.engine import is_main_guard
from prodready.core.environment import EnvLookup
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import name_tokens
from prodready.quickfixes.imports import merge_insertions

_STR_METHODS = frozenset({"lower", "upper", "strip", "casefold", "title", "capitalize", "lstrip", "rstrip"})
_OFF_FOR = {
    "True": "False", "true": "false", "TRUE": "FALSE", "1": "0", "yes": "no", "Yes": "No", "YES": "NO",
    "on": "off", "On": "Off", "ON": "OFF", "y": "n", "Y": "N", "t": "f", "T": "F",
}
_DEBUG_SERVERS = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart"})


# ``SQL_DEBUG``, ``TEMPLATE_DEBUG``: debug output of one subsystem, not the app's debug mode.
_SUBSYSTEM_DEBUG = frozenset({
    "SQL", "SQLALCHEMY", "DB", "DATABASE", "TEMPLATE", "TEMPLATES", "TOOLBAR", "LOG", "LOGGING", "ASYNC",
    "ASYNCIO", "JS", "CSS", "ASSETS", "CACHE", "CELERY", "QUERY", "QUERIES", "HTTP", "REQUESTS", "PROFILE",
    "PROFILER", "GRAPHQL", "SSL", "SMTP", "MAIL", "EMAIL", "WEBPACK", "VITE", "COMPRESS", "PROPAGATE",
    "ENGINEIO", "SOCKETIO", "GRPC", "TRACE", "TRACING", "METRICS", "JINJA", "JINJA2", "PDB", "IPDB",
})


def _is_debug_name(name: Optional[str]) -> bool:
    if not name:
        return False
    tokens = name_tokens(name)
    if tokens[-2:] == ("DEBUG", "MODE"):
        tokens = tokens[:-1]
    if not tokens or tokens[-1] != "DEBUG":
        return False
    return len(tokens) == 1 or tokens[-2] not in _SUBSYSTEM_DEBUG


def _unset_value(lookup: EnvLookup, default_value: Any) -> Any:
    """What the lookup returns when the variable is not set, given the fallback's value."""
    if lookup.kind != "os" and lookup.cast == "bool":
        return _strtobool(default_value) if default_value is not None else UNKNOWN
    if lookup.kind != "os" and lookup.cast == "int" and isinstance(default_value, (str, int)) and not isinstance(default_value, bool):
        try:
            return int(default_value)
        except ValueError:
            return UNKNOWN
    return default_value


def _constant(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        values = [_constant(e) for e in node.elts]
        return UNKNOWN if any(v is UNKNOWN for v in values) else tuple(values)
    return UNKNOWN


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    try:
        if isinstance(op, ast.Eq):
            return left == right
        if isinstance(op, ast.NotEq):
            return left != right
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
        if isinstance(op, ast.Is):
            return left is right if right is None or isinstance(right, bool) else UNKNOWN
        if isinstance(op, ast.IsNot):
            return left is not right if right is None or isinstance(right, bool) else UNKNOWN
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _evaluate_chain(start: ast.AST, value: Any, chain: list[ast.AST], resolve) -> tuple[Any, ast.AST]:
    """Push ``value`` (what ``start`` evaluates to) up through ``chain`` (its ancestors,
    innermost first) while the ancestors are simple transformations. Returns the value and
    the outermost node evaluated (``UNKNOWN`` when the outcome depends on something else)."""
    node = start
    index = 0
    while index < len(chain):
        parent = chain[index]
        if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _STR_METHODS:
            call = chain[index + 1] if index + 1 < len(chain) else None
            if not (isinstance(call, ast.Call) and call.func is parent and not call.args and not call.keywords):
                break
            if not isinstance(value, str):
                return UNKNOWN, node  # AttributeError at runtime: not "debug on"
            value = getattr(value, parent.attr)()
            node = call
            index += 2
            continue
        if isinstance(parent, ast.Call) and len(parent.args) == 1 and parent.args[0] is node and not parent.keywords:
            callee = resolve(parent.func) or ""
            last = callee.rsplit(".", 1)[-1]
            if callee == "bool":
                value = bool(value)
            elif callee == "int":
                try:
                    value = int(value) if value is not None else UNKNOWN
                except (TypeError, ValueError):
                    value = UNKNOWN
            elif callee == "str":
                value = str(value)
            elif last in ("strtobool", "str2bool", "str_to_bool", "to_bool", "parse_bool", "as_bool", "asbool"):
                value = _strtobool(value)
            else:
                break
            if value is UNKNOWN:
                return UNKNOWN, parent
            node = parent
            index += 1
            continue
        if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
            if parent.left is node:
                other = _constant(parent.comparators[0])
                result = UNKNOWN if other is UNKNOWN else _compare(parent.ops[0], value, other)
            else:
                other = _constant(parent.left)
                result = UNKNOWN if other is UNKNOWN else _compare(parent.ops[0], other, value)
            if result is UNKNOWN:
                return UNKNOWN, parent
            value = result
            node = parent
            index += 1
            continue
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            value = not value
            node = parent
            index += 1
            continue
        if isinstance(parent, ast.BoolOp):
            others = [_constant(v) for v in parent.values if v is not node]
            if isinstance(parent.op, ast.Or):
                if value:
                    value = True if isinstance(value, bool) else value
                elif all(o is not UNKNOWN for o in others):
                    value = any(others)
                else:
                    return UNKNOWN, parent
            else:
                if not value:
                    value = value
                elif all(o is not UNKNOWN for o in others):
                    value = all(others)
                else:
                    return UNKNOWN, parent
            node = parent
            index += 1
            continue
        break
    return value, node


def _debug_sink(node: ast.AST, parent: Optional[ast.AST]) -> bool:
    """Is ``node`` stored as the debug setting (``DEBUG = <node>``, ``debug=<node>``)?"""
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else string_value(target.slice) if isinstance(target, ast.Subscript) else None
            if _is_debug_name(name):
                return True
        return False
    if isinstance(parent, ast.keyword):
        return _is_debug_name(parent.arg)
    return False


def _off_literal(value: Any, quote: str) -> Optional[str]:
    if isinstance(value, bool):
        return "False"
    if isinstance(value, int):
        return "0"
    if isinstance(value, str):
        off = _OFF_FOR.get(value)
        if off is None:
            return None
        return f"{quote}{off}{quote}"
    return None


class DebugDefaultTrue(Rule):
    code = "PR203"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    equivalent_codes = ("S201", "B201")
    name = "debug-default-true"
    severity = Severity.ERROR
    summary = "Debug mode is on when nothing is configured"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds debug mode that is on unless someone turns it off. Environment lookups of a
    debug variable (`DEBUG`, `FLASK_DEBUG`, `DJANGO_DEBUG`, `DEBUG_MODE`...; not subsystem
    switches such as `SQL_DEBUG` or `TEMPLATE_DEBUG`) are evaluated
    with the variable unset: `os.getenv("DEBUG", "True") == "True"`,
    `os.environ.get("DEBUG", "1") == "1"`, `os.getenv("DEBUG", "true").lower() in ("1", "true")`,
    `int(os.getenv("DEBUG", "1"))`, `env.bool("DEBUG", default=True)`,
    `config("DEBUG", default=True, cast=bool)`, `environ.Env(DEBUG=(bool, True))`,
    `os.environ.setdefault("FLASK_DEBUG", "1")`, and `DEBUG = os.getenv("DEBUG", "False")`
    (the *string* `"False"` is true). Literal forms: `DEBUG = True` in a production settings
    module (not in `settings/dev.py`, `settings/local.py`, tests or other files that are not a
    production path (docs/production-paths.md), nor inside a `DevelopmentConfig`/
    `TestingConfig` class), `app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)`,
    `app.debug = True`, `app.run(debug=True)`, `socketio.run(app, debug=True)`,
    `FastAPI(debug=True)`, and `debug: bool = True` in a pydantic-settings class.

    Under `if __name__ == "__main__":` (or in a function called `main`) the finding stays,
    because development servers started this way do get deployed (`CMD python app.py` in
    a Dockerfile), but with **warning** severity: the code does not run when a WSGI/ASGI
    server imports the module. Literal assignments inside any other `if` are not reported
    (they are already conditional on configuration). Dev/test settings lower the severity
    to information; tests are skipped. `bool(os.getenv("DEBUG", ...))` is reported by
    PR204 (env-bool-parse) instead.

    ## Why is this bad?
    A debug server in production exposes the interactive Werkzeug debugger (remote code
    execution), Django's technical 500 pages with settings and stack frames, and slows
    every request. When debug mode is the default, a missing variable in one environment
    is all it takes.

    ## Example
    ```python
    import os

    DEBUG = os.getenv("DEBUG", "True") == "True"
    ```

    ## Use instead
    ```python
    import os

    DEBUG = os.getenv("DEBUG", "False") == "True"
    ```

    ## Fix safety
    The fix is unsafe, because it is meant to change behaviour: where the variable is
    unset, debug mode goes from on to off. It flips the fallback to the "off" value in the
    same style (`"True"` -> `"False"`, `"1"` -> `"0"`, `True` -> `False`), or replaces a
    literal `True` by `os.environ.get("DEBUG", "false").lower() == "true"` (adding
    `import os` when missing), so debug mode is only on when the environment asks for it;
    deployments that set the variable behave as before, but a development setup relying on
    the default must now set it. A raw string lookup stored as the debug flag
    (`DEBUG = os.getenv("DEBUG", "False")`) is compared,
    `os.getenv("DEBUG", "False").lower() == "true"`, which also changes what values such
    as `"1"` mean.

    ## References
    - [Flask: Debug mode](https://flask.palletsprojects.com/en/stable/quickstart/#debug-mode)
    - [Django deployment checklist: DEBUG](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug)
    - [Werkzeug debugger security](https://werkzeug.palletsprojects.com/en/stable/debug/#debugger-pin)
    """
    invalid = [
        'import os\nDEBUG = os.getenv("DEBUG", "True") == "True"\n',
        'import os\nDEBUG = os.environ.get("DEBUG", "1") == "1"\n',
        'import os\nDEBUG = os.getenv("DEBUG", "true").lower() in ("1", "true")\n',
        'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=True)\n',
        Example('DEBUG = True\n', path="mysite/settings.py"),
        'from flask import Flask\napp = Flask(__name__)\napp.config["DEBUG"] = True\n',
        'from flask import Flask\napp = Flask(__name__)\napp.debug = True\n',
        'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n',
        'from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app, debug=True)\n',
        'from fastapi import FastAPI\napp = FastAPI(debug=True)\n',
        'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)\n',
        'from decouple import config\nDEBUG = config("DEBUG", default=True, cast=bool)\n',
        'import environ\nenv = environ.Env(DEBUG=(bool, True))\n',
        'import os\nos.environ.setdefault("FLASK_DEBUG", "1")\n',
        'import os\nDEBUG = os.getenv("DEBUG", "False")\n',
        'import os\nDEBUG = int(os.getenv("DEBUG", 1))\n',
        'from os import getenv\nDEBUG = getenv("DJANGO_DEBUG") != "False"\n',
        'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    debug: bool = True\n',
        Example('class Config:\n    DEBUG = True\n', path="app/config.py"),
        'from flask import Flask\napp = Flask(__name__)\napp.config.update(DEBUG=True)\n',
        Example('from flask import Flask\napp = Flask(__name__)\napp.run(port=5000, debug=True)\n', path="proj/server.py",
                note="production code path"),
        'from fastapi import FastAPI\nimport os\napp = FastAPI(debug=os.getenv("DEBUG", "yes") == "yes")\n',
        "import os\nDEBUG = os.getenv('DEBUG', 'True').lower() == 'true'\n",
    ]
    valid = [
        'import os\nDEBUG = os.getenv("DEBUG", "False") == "True"\n',
        'import os\nDEBUG = os.environ.get("DEBUG", "0") == "1"\n',
        'import os\nDEBUG = os.getenv("DEBUG", "false").lower() in ("1", "true")\n',
        'import os\nDEBUG = os.getenv("DEBUG") == "True"\n',
        'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False)\n',
        Example('DEBUG = True\n', path="mysite/settings/dev.py", note="dev settings may turn debug on"),
        Example('from flask import Flask\napp = Flask(__name__)\napp.run(port=5000, debug=True)\n', path="proj/settings/dev.py",
                note="dev settings: not a production path"),
        Example('from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n', path="scripts/run_local.py",
                note="scripts are tooling"),
        Example('DEBUG = True\n', path="mysite/local_settings.py", note="local settings"),
        Example('DEBUG = True\n', path="app/views.py", note="not a settings module"),
        Example('class DevelopmentConfig:\n    DEBUG = True\n', path="app/config.py", note="a development config class"),
        Example('from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n', path="tests/test_app.py", note="tests"),
        'from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)\n',
        'from flask import Flask\nimport os\napp = Flask(__name__)\nif os.environ.get("FLASK_ENV") == "development":\n    app.debug = True\n',
        'import os\nDEBUG = bool(os.getenv("DEBUG", "True"))\n',
        'import os\nDEBUG = os.environ.get("DEBUG", "false").lower() == "true"\n',
        'import os\nLOG_LEVEL = os.getenv("LOG_LEVEL", "DEBUG")\n',
        'import os\nflag = os.getenv("DEBUG", "1")\n',
        Example('import os\nSQL_DEBUG = os.getenv("SQL_DEBUG", "1") == "1"\nTEMPLATE_DEBUG = os.getenv("TEMPLATE_DEBUG", "1") == "1"\n',
                note="debug output of one subsystem is not debug mode"),
        'import subprocess\nsubprocess.run(["ls"])\n',
        'import logging\nlog = logging.getLogger()\nlog.debug = True\n',
    ]
    unsafe_fixed = {
        invalid[0]: 'import os\nDEBUG = os.getenv("DEBUG", "False") == "True"\n',
        invalid[1]: 'import os\nDEBUG = os.environ.get("DEBUG", "0") == "1"\n',
        invalid[2]: 'import os\nDEBUG = os.getenv("DEBUG", "false").lower() in ("1", "true")\n',
        invalid[3]: 'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False)\n',
        str(invalid[4]): 'import os\nDEBUG = os.environ.get("DEBUG", "false").lower() == "true"\n',
        invalid[5]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.config["DEBUG"] = os.environ.get("DEBUG", "false").lower() == "true"\n',
        invalid[6]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.debug = os.environ.get("DEBUG", "false").lower() == "true"\n',
        invalid[7]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.run(debug=os.environ.get("DEBUG", "false").lower() == "true")\n',
        invalid[9]: 'from fastapi import FastAPI\nimport os\napp = FastAPI(debug=os.environ.get("DEBUG", "false").lower() == "true")\n',
        invalid[11]: 'from decouple import config\nDEBUG = config("DEBUG", default=False, cast=bool)\n',
        invalid[12]: 'import environ\nenv = environ.Env(DEBUG=(bool, False))\n',
        invalid[13]: 'import os\nos.environ.setdefault("FLASK_DEBUG", "0")\n',
        invalid[15]: 'import os\nDEBUG = int(os.getenv("DEBUG", 0))\n',
        invalid[16]: 'from os import getenv\nDEBUG = getenv("DJANGO_DEBUG", "False") != "False"\n',
        invalid[17]: 'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    debug: bool = False\n',
        invalid[21]: 'from fastapi import FastAPI\nimport os\napp = FastAPI(debug=os.getenv("DEBUG", "no") == "yes")\n',
        invalid[22]: "import os\nDEBUG = os.getenv('DEBUG', 'False').lower() == 'true'\n",
        invalid[14]: 'import os\nDEBUG = os.getenv("DEBUG", "False").lower() == "true"\n',
    }

    # -- helpers -----------------------------------------------------------------------------
    def _severity(self, ctx) -> Optional[Severity]:
        severity = file_severity(ctx, self.severity)
        if severity is None or severity is Severity.INFORMATION:
            return severity
        if ctx.in_main_guard or ctx.file.is_script or any(getattr(f.node, "name", "") == "main" for f in ctx.functions):
            return Severity.WARNING
        return severity

    def _conditional(self, ctx) -> bool:
        """Inside an ``if`` (other than the main guard) of the current scope."""
        for parent in reversed(ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return False
            if isinstance(parent, ast.If):
                if not is_main_guard(parent.test):
                    return True
        return False

    def _report_literal(self, ctx, value: ast.Constant, what: str, env_name: str = "DEBUG", parent: Optional[ast.AST] = None) -> None:
        if self._conditional(ctx) or in_dev_class(ctx):
            return
        severity = self._severity(ctx)
        if severity is None:
            return
        target = ctx.source.node_range(value)
        node_parent = parent
        q = '"'

        def build(fc: FixContext):
            edits: list[Edit] = []
            environ = environ_expr(fc, edits)
            text = wrap(f'{environ}.get({q}{env_name}{q}, {q}false{q}).lower() == {q}true{q}', node_parent, value)
            edits.append(Edit(fc.at(target[0]), fc.at(target[1]), text))
            return merge_insertions(edits)

        self.report(value, f"Turn debug mode on only from configuration: {what} enables it unconditionally",
                    fixes=[fix(f'Read debug mode from the environment (`{env_name}`, off by default)', build, safe=False)],
                    severity=severity)

    # -- environment lookups -----------------------------------------------------------------
    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "run" or isinstance(func, ast.Name) and func.id in ("FastAPI", "Starlette", "Quart") or isinstance(func, ast.Attribute) and func.attr in ("FastAPI", "Starlette", "Quart"):
            self._debug_keyword(node, ctx)
            return
        if isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping"):
            owner = ctx.source.segment(func.value).lower() if node.keywords else ""
            if "config" in owner or "settings" in owner:
                self._debug_keyword(node, ctx, what=f"`{func.attr}(DEBUG=True)`")
            return
        if node.keywords and (isinstance(func, ast.Name) and func.id == "Env" or isinstance(func, ast.Attribute) and func.attr in ("Env", "FileAwareEnv")):
            self._env_scheme(node, ctx)
            return
        if not node.args and not node.keywords:
            return
        lookup = env_lookup(node, ctx)
        if lookup is None or not _is_debug_name(lookup.name):
            return
        self._check_lookup(lookup, ctx)

    def _debug_keyword(self, node: ast.Call, ctx, what: Optional[str] = None) -> None:
        for kw in node.keywords:
            if kw.arg is not None and (kw.arg == "debug" or kw.arg == "DEBUG" and what) and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                callee = ctx.call_name(node) or ""
                if what is None:
                    last = callee.rsplit(".", 1)[-1] if callee else ""
                    if last == "run":
                        if callee.startswith(("subprocess.", "asyncio.", "uvicorn.", "anyio.", "trio.")):
                            return
                        what = "`run(debug=True)`"
                    elif callee in _DEBUG_SERVERS:
                        what = f"`{last}(debug=True)`"
                    else:
                        return
                self._report_literal(ctx, kw.value, what, parent=kw)

    def _env_scheme(self, node: ast.Call, ctx) -> None:
        """``environ.Env(DEBUG=(bool, True))``: django-environ's default scheme."""
        if (ctx.call_name(node) or "") not in ("environ.Env", "environ.FileAwareEnv"):
            return
        for kw in node.keywords:
            if not _is_debug_name(kw.arg) or not isinstance(kw.value, ast.Tuple) or len(kw.value.elts) != 2:
                continue
            cast, default = kw.value.elts
            if not (isinstance(cast, ast.Name) and cast.id == "bool" and isinstance(default, ast.Constant)):
                continue
            if _strtobool(default.value) is True:
                severity = file_severity(ctx, self.severity)
                if severity is None:
                    continue
                off = _off_literal(default.value, literal_quote(ctx, default))
                fixes = [fix("Make debug mode default to off", _replace(ctx.source.node_range(default), off), safe=False)] if off else []
                self.report(default, f"Make `{kw.arg}` default to off: debug mode is on when the variable is unset",
                            fixes=fixes, severity=severity)

    def _check_lookup(self, lookup: EnvLookup, ctx) -> None:
        call = lookup.call
        if lookup.default is None:
            default_value: Any = None
        else:
            default_value = _constant(lookup.default)
            if default_value is UNKNOWN:
                return
        chain = list(reversed(ctx.parents))
        # bool(os.getenv("DEBUG", ...)) is PR204's finding.
        if lookup.kind == "os" and chain and isinstance(chain[0], ast.Call) and isinstance(chain[0].func, ast.Name) and chain[0].func.id == "bool":
            return
        start_value = _unset_value(lookup, default_value)
        if start_value is UNKNOWN:
            return
        value, top = _evaluate_chain(call, start_value, chain, ctx.resolve)
        if value is UNKNOWN or not value:
            return
        if top is call:
            top_parent = chain[0] if chain else None
            setdefault = isinstance(call.func, ast.Attribute) and call.func.attr == "setdefault" and isinstance(top_parent, ast.Expr)
            if setdefault and _strtobool(value) is not True:
                return
            raw_string = isinstance(value, str)
            if not (value is True or (lookup.cast == "bool" and lookup.kind != "os") or setdefault or _debug_sink(call, top_parent)):
                return
            if raw_string and not setdefault and _strtobool(value) is not True:
                # DEBUG = os.getenv("DEBUG", "False"): the string itself is true.
                self._report_raw_string(lookup, ctx, value)
                return
        severity = self._severity(ctx)
        if severity is None:
            return
        fixes = []
        off = self._off_edit(lookup, ctx, chain, start_value)
        if off is not None:
            fixes.append(fix("Make debug mode default to off", off, safe=False))
        self.report(top, f"Make `{lookup.name}` default to off: debug mode is on when the variable is unset",
                    fixes=fixes, severity=severity)

    def _off_edit(self, lookup: EnvLookup, ctx, chain: list[ast.AST], start_value: Any):
        """A replacement for the fallback that makes the whole expression false when unset."""
        quote = literal_quote(ctx, lookup.default if lookup.default is not None else lookup.name_node)
        if lookup.default is None:
            if lookup.kind != "os" or len(lookup.call.args) != 1 or lookup.call.keywords:
                return None
            candidates = [f"{quote}False{quote}", f"{quote}false{quote}", f"{quote}0{quote}"]
        else:
            original = _constant(lookup.default)
            first = _off_literal(original, quote)
            candidates = [c for c in (first, "False", f"{quote}False{quote}", f"{quote}false{quote}", f"{quote}0{quote}") if c]
        setdefault = isinstance(lookup.call.func, ast.Attribute) and lookup.call.func.attr == "setdefault"
        # `... or TESTING`: it is enough that our operand becomes false.
        for index, node in enumerate(chain):
            if isinstance(node, ast.BoolOp):
                chain = chain[:index]
                break
        for candidate in candidates:
            value = ast.literal_eval(candidate)
            if setdefault:
                if _strtobool(value) is False:
                    return _replace(ctx.source.node_range(lookup.default), candidate)
                continue
            result, _top = _evaluate_chain(lookup.call, _unset_value(lookup, value), chain, ctx.resolve)
            if result is not UNKNOWN and not result:
                if lookup.default is None:
                    end = ctx.source.node_range(lookup.call.args[0])[1]
                    return _replace((end, end), f", {candidate}")
                return _replace(ctx.source.node_range(lookup.default), candidate)
        return None

    def _report_raw_string(self, lookup: EnvLookup, ctx, value: str) -> None:
        severity = self._severity(ctx)
        if severity is None:
            return
        call = lookup.call
        target = ctx.source.node_range(call)
        text = ctx.source.segment(call)
        q = literal_quote(ctx, lookup.name_node)
        replacement = wrap(f"{text}.lower() == {q}true{q}", ctx.parent, call)
        self.report(call, f"Compare `{lookup.name}` with a boolean word: the string {value!r} it falls back to is true",
                    fixes=[fix('Compare with `"true"`', _replace(target, replacement), safe=False)], severity=severity)

    # -- literal forms -----------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        value = node.value
        if not (isinstance(value, ast.Constant) and value.value is True):
            return
        for target in node.targets:
            self._literal_target(target, value, ctx, node)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        value = node.value
        if not (isinstance(value, ast.Constant) and value.value is True):
            return
        if isinstance(node.target, ast.Name) and _is_debug_name(node.target.id) and settings_class(ctx) is not None:
            severity = file_severity(ctx, self.severity)
            if severity is not None and not in_dev_class(ctx):
                self.report(value, f"Make `{node.target.id}` default to off: debug mode is on when the variable is unset",
                            fixes=[fix("Make debug mode default to off", _replace(ctx.source.node_range(value), "False"), safe=False)],
                            severity=severity)
            return
        self._literal_target(node.target, value, ctx, node)

    def _literal_target(self, target: ast.AST, value: ast.Constant, ctx, stmt: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if target.id in ("DEBUG", "FLASK_DEBUG") and not ctx.functions and ctx.file.is_production_settings:
                self._report_literal(ctx, value, f"`{target.id} = True` in a production settings module",
                                     env_name=target.id, parent=stmt)
        elif isinstance(target, ast.Attribute):
            if target.attr == "debug" and self._is_app(target.value, ctx):
                self._report_literal(ctx, value, "`app.debug = True`", parent=stmt)
        elif isinstance(target, ast.Subscript):
            if string_value(target.slice) == "DEBUG":
                owner = target.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
                if "config" in owner_name.lower():
                    self._report_literal(ctx, value, '`config["DEBUG"] = True`', parent=stmt)

    @staticmethod
    def _is_app(node: ast.AST, ctx) -> bool:
        resolved = ctx.resolve(node) or ""
        if resolved in ("flask.Flask()", "quart.Quart()", "fastapi.FastAPI()", "starlette.applications.Starlette()"):
            return True
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        return name in ("app", "application", "flask_app", "api") or name.endswith("_app")
