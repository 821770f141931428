"""PR209 `sqlite-production-db`: SQLite is the literal database of production settings."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.config._shared import (
    _last,
    _owner,
    climb,
    dev_only,
    env_fallback,
    is_sqlite_uri,
)
from prodready.core.environment import contains_env_lookup
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import name_tokens
from prodready.quickfixes.imports import ensure_import, merge_insertions

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
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
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
        if any(isinstance(p, (ast.If, ast.IfExp, ast.Try)) for p in ctx.parents) or env_fallback(ctx, node) or dev_only(ctx):
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
        for child, parent in climb(ctx, node):
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
            for child, parent in climb(ctx, target):
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
        if env_fallback(ctx, target) or dev_only(ctx):
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
