"""PR206 `hardcoded-server-bind`: The server's host or port is a literal in app.run()/uvicorn.run()."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.config._shared import _last, skip_file
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_import, merge_insertions

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
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    equivalent_codes = ("S104", "B104")
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
        if positional is None or skip_file(ctx):
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
