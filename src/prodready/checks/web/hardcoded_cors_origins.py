"""PR402 `hardcoded-cors-origins`: CORS allowed origins are a literal list in the code.

The rule's metadata, docs, examples, visitor and fix builders live together here."""

from __future__ import annotations

import ast

from prodready.checks.web._shared import CORS_NAMES, in_debug_branch, last_name, literal_origins
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.frameworks import CORS_ORIGIN_SETTINGS, cors_origin_expressions
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_import, merge_insertions


def _looks_like_origin(value: str) -> bool:
    return value.startswith(("http://", "https://")) and " " not in value


def _origins_fix(expr_range: tuple[int, int], origins: list[str]):
    default = ",".join(origins)
    if any(c in default for c in '"\\') or any("," in o for o in origins) or not default.isprintable():
        return None

    def build(fc: FixContext):
        edits, os_name = ensure_import(fc.text, "os")
        edits = list(edits)
        edits.append(Edit(fc.at(expr_range[0]), fc.at(expr_range[1]),
                          f'{os_name}.environ.get("CORS_ORIGINS", "{default}").split(",")'))
        return merge_insertions(edits)

    return fix("Read the allowed origins from the `CORS_ORIGINS` environment variable (same default)", build)


class HardcodedCorsOrigins(Rule):
    code = "PR402"
    name = "hardcoded-cors-origins"
    severity = Severity.WARNING
    summary = "CORS allowed origins are a literal list in the code"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds allowed CORS origins written as literals where CORS is configured:
    `CORS(app, origins=[...])` and `resources={...: {"origins": [...]}}` (flask-cors),
    `@cross_origin(origins=...)`, `SocketIO(app, cors_allowed_origins=[...])`
    (also `socketio.Server`/`AsyncServer`), `app.add_middleware(CORSMiddleware,
    allow_origins=[...])` and `Middleware(CORSMiddleware, ...)` (FastAPI/Starlette), and
    Django's `CORS_ALLOWED_ORIGINS`/`CORS_ORIGIN_WHITELIST` settings, also through a variable
    (`origins = [...]` passed as `allow_origins=origins`). Values that already come from the
    environment or settings are not reported, nor are dev/test settings modules. A wildcard
    `"*"` is PR403's business.

    ## Why is this bad?
    The frontend's origin differs between local development, staging and production. A
    literal list means a code change (and a redeploy) for every new domain, and in practice
    `http://localhost:3000` stays allowed in production.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=os.environ.get("CORS_ORIGINS", "https://app.example.com").split(","),
    )
    ```

    ## Fix safety
    Safe: the literal becomes `os.environ.get("CORS_ORIGINS", "<a>,<b>").split(",")` with
    the same origins as the default, so nothing changes until `CORS_ORIGINS` is set
    (`import os` is added when missing). A single string becomes a one-element list, which
    every listed library accepts. No fix when an origin contains a comma, quote or backslash.

    ## References
    - [MDN: Cross-Origin Resource Sharing](https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS)
    - [django-cors-headers settings](https://github.com/adamchainz/django-cors-headers#configuration)
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, origins=[\"http://localhost:3000\", \"https://app.example.com\"])\n",
        "from flask_cors import CORS\nCORS(app, resources={r\"/api/*\": {\"origins\": [\"https://app.example.com\"]}})\n",
        "from flask_cors import cross_origin\n\n@app.route(\"/x\")\n@cross_origin(origins=\"https://app.example.com\")\ndef x():\n    return \"\"\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=[\"https://app.example.com\"])\n",
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=[\"https://app.example.com\"], allow_methods=[\"*\"])\n",
        Example("CORS_ALLOWED_ORIGINS = [\n    \"https://app.example.com\",\n    \"https://admin.example.com\",\n]\n", path="mysite/settings.py"),
        Example("CORS_ORIGIN_WHITELIST = (\"https://app.example.com\",)\n", path="config/settings/production.py"),
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\norigins = [\n    \"http://localhost:3000\",\n    \"https://app.example.com\",\n]\napp.add_middleware(CORSMiddleware, allow_origins=origins)\n",
        "import os as _os\nfrom flask_cors import CORS\nCORS(app, origins=[\"https://a.example.com\"])\n",
    ]
    valid = [
        "import os\nfrom flask_cors import CORS\nCORS(app, origins=os.environ[\"CORS_ORIGINS\"].split(\",\"))\n",
        "from flask_cors import CORS\nCORS(app, origins=\"*\")\n",
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS)\n",
        Example("CORS_ALLOWED_ORIGINS = [\"http://localhost:3000\"]\n", path="mysite/settings/dev.py", note="dev settings"),
        Example("CORS_ALLOWED_ORIGINS = env.list(\"CORS_ALLOWED_ORIGINS\", default=[])\n", path="mysite/settings.py"),
        "origins = [\"https://app.example.com\"]\nprint(origins)\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=[])\n",
        Example("from flask_cors import CORS\nCORS(app, origins=[\"https://app.example.com\"])\n", path="tests/test_app.py", note="test code"),
    ]
    fixed = {
        invalid[0]: "from flask import Flask\nfrom flask_cors import CORS\nimport os\napp = Flask(__name__)\nCORS(app, origins=os.environ.get(\"CORS_ORIGINS\", \"http://localhost:3000,https://app.example.com\").split(\",\"))\n",
        invalid[2]: "from flask_cors import cross_origin\nimport os\n\n@app.route(\"/x\")\n@cross_origin(origins=os.environ.get(\"CORS_ORIGINS\", \"https://app.example.com\").split(\",\"))\ndef x():\n    return \"\"\n",
        invalid[4]: "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nimport os\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=os.environ.get(\"CORS_ORIGINS\", \"https://app.example.com\").split(\",\"), allow_methods=[\"*\"])\n",
        str(invalid[5]): "import os\nCORS_ALLOWED_ORIGINS = os.environ.get(\"CORS_ORIGINS\", \"https://app.example.com,https://admin.example.com\").split(\",\")\n",
        invalid[7]: "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nimport os\napp = FastAPI()\norigins = os.environ.get(\"CORS_ORIGINS\", \"http://localhost:3000,https://app.example.com\").split(\",\")\napp.add_middleware(CORSMiddleware, allow_origins=origins)\n",
        invalid[8]: "import os as _os\nfrom flask_cors import CORS\nCORS(app, origins=_os.environ.get(\"CORS_ORIGINS\", \"https://a.example.com\").split(\",\"))\n",
    }

    _MESSAGE = ("Read the allowed CORS origins from configuration (an environment variable) instead of "
                "a literal list, so each deployment can set its own")

    def _report(self, expr: ast.expr, origins: list[str], ctx, condition=None) -> None:
        offer = _origins_fix(ctx.source.node_range(expr), origins)
        self.report(expr, self._MESSAGE, fixes=[offer] if offer else [], condition=condition)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not node.keywords or last_name(node.func) not in CORS_NAMES:
            return
        if ctx.file.is_test or ctx.file.is_dev_config:
            return
        for expr in cors_origin_expressions(node, ctx.names):
            origins = literal_origins(expr)
            if origins is None:
                if isinstance(expr, ast.Name):
                    self.fact("origins-var", expr.id)
                continue
            if origins and "*" not in origins:
                self._report(expr, origins, ctx)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) == 1:
            self._assignment(node.targets[0], node.value, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if node.value is not None:
            self._assignment(node.target, node.value, ctx)

    def _assignment(self, target: ast.expr, value: ast.expr, ctx) -> None:
        if not isinstance(target, ast.Name) or not isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Constant)):
            return
        if ctx.file.is_test or ctx.file.is_dev_config:
            return
        origins = literal_origins(value)
        if not origins or "*" in origins:
            return
        if target.id in CORS_ORIGIN_SETTINGS and not ctx.functions and not ctx.classes:
            if not in_debug_branch(ctx):
                self._report(value, origins, ctx)
            return
        if isinstance(value, ast.Constant) or not all(_looks_like_origin(o) for o in origins):
            return
        name = target.id
        self._report(value, origins, ctx, condition=lambda facts, name=name: ("PR402", "origins-var", name) in facts)
