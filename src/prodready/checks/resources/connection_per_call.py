"""PR502 `connection-per-call`: A database engine, connection or SDK client is created inside a handler, on every call."""

from __future__ import annotations

import ast

from prodready.checks.resources._shared import (
    callee_last,
    connection_leak,
    handler_label,
    in_cached_function,
    per_call_fixes,
    short,
    stored_once,
)
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule

_DBAPI_POOLED = {
    "psycopg2.connect", "psycopg.connect", "pymysql.connect", "MySQLdb.connect",
    "mysql.connector.connect", "asyncpg.connect",
}
_CLIENT_FACTORIES = {
    "sqlalchemy.create_engine": "engine", "sqlalchemy.engine.create_engine": "engine",
    "sqlalchemy.ext.asyncio.create_async_engine": "engine",
    "redis.Redis": "Redis client", "redis.StrictRedis": "Redis client", "redis.from_url": "Redis client",
    "redis.Redis.from_url": "Redis client", "redis.StrictRedis.from_url": "Redis client",
    "redis.client.Redis": "Redis client", "redis.asyncio.Redis": "Redis client",
    "redis.asyncio.from_url": "Redis client", "redis.asyncio.Redis.from_url": "Redis client",
    "requests.Session": "HTTP session", "requests.session": "HTTP session",
    "requests.sessions.Session": "HTTP session",
    "httpx.Client": "HTTP client", "httpx.AsyncClient": "HTTP client",
    "aiohttp.ClientSession": "HTTP session",
    "openai.OpenAI": "OpenAI client", "openai.AsyncOpenAI": "OpenAI client",
    "openai.AzureOpenAI": "OpenAI client", "openai.AsyncAzureOpenAI": "OpenAI client",
    "anthropic.Anthropic": "Anthropic client", "anthropic.AsyncAnthropic": "Anthropic client",
    "boto3.client": "boto3 client", "boto3.resource": "boto3 resource",
    "boto3.Session().client": "boto3 client", "boto3.session.Session().client": "boto3 client",
    "boto3.Session().resource": "boto3 resource", "boto3.session.Session().resource": "boto3 resource",
    "pymongo.MongoClient": "MongoDB client", "motor.motor_asyncio.AsyncIOMotorClient": "MongoDB client",
    "elasticsearch.Elasticsearch": "Elasticsearch client",
}
_CONNECTION_LAST = {q.rsplit(".", 1)[-1] for q in (*_CLIENT_FACTORIES, *_DBAPI_POOLED)}


class ConnectionPerCall(Rule):
    code = "PR502"
    preview = True
    name = "connection-per-call"
    severity = Severity.WARNING
    summary = "A database engine, connection or SDK client is created inside a handler, on every call"
    fix_availability = "sometimes"
    docs = """
    ## What it does
    Finds connection pools and clients created inside request handlers and tasks:
    `create_engine(...)`, `psycopg2.connect`, `pymysql.connect`, `redis.Redis(...)` /
    `redis.from_url`, `requests.Session()`, `httpx.Client()`, `aiohttp.ClientSession()`,
    and SDK clients such as `OpenAI()`, `Anthropic()`, `boto3.client(...)`,
    `MongoClient(...)`.

    ## Why is this bad?
    These objects own a connection pool (or are one connection). Creating them per request
    pays DNS, TCP, TLS and authentication on every call, throws the pool away, and under
    load exhausts the server's connection limit (each `create_engine` starts its own pool).
    SDK clients also re-read configuration and credentials each time.

    ## Example
    ```python
    import redis
    from flask import Flask

    app = Flask(__name__)

    @app.get("/count")
    def count():
        r = redis.Redis(host="cache")
        return str(r.incr("hits"))
    ```

    ## Use instead
    ```python
    import functools

    import redis
    from flask import Flask

    app = Flask(__name__)

    @functools.lru_cache(maxsize=1)
    def get_r():
        return redis.Redis(host="cache")

    @app.get("/count")
    def count():
        r = get_r()
        return str(r.incr("hits"))
    ```

    ## Fix safety
    The fix is unsafe: like PR501's, it moves the creation into a module-level
    `@functools.lru_cache(maxsize=1)` getter, so one client is shared by every request and
    thread (these clients are designed for that). It is offered only when the arguments are
    constants or module-level names. No fix is offered for DB-API connections
    (`psycopg2.connect`, `pymysql.connect`): one connection must not be shared between
    threads; use a pool (`psycopg2.pool`, SQLAlchemy's engine) instead. A DB-API connection
    that is also never closed is reported once, by PR503.

    ## References
    - [SQLAlchemy: engine is created once per application](https://docs.sqlalchemy.org/en/20/core/connections.html#basic-usage)
    - [requests: Session objects and connection pooling](https://requests.readthedocs.io/en/latest/user/advanced/#session-objects)
    - [HTTPX: why use a Client](https://www.python-httpx.org/advanced/clients/)
    """
    invalid = [
        'import redis\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/count")\ndef count():\n    r = redis.Redis(host="cache")\n    return str(r.incr("hits"))\n',
        'from fastapi import FastAPI\nfrom sqlalchemy import create_engine, text\n\napp = FastAPI()\nDB_URL = "postgresql://db/app"\n\n\n@app.get("/users")\ndef users():\n    engine = create_engine(DB_URL)\n    with engine.connect() as c:\n        return c.execute(text("select 1")).all()\n',
        'import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/proxy")\ndef proxy():\n    return requests.Session().get("https://api.example.com").text\n',
        'from fastapi import FastAPI\nfrom openai import OpenAI\n\napp = FastAPI()\n\n\n@app.post("/chat")\ndef chat(q: str):\n    client = OpenAI()\n    return client.responses.create(model="gpt-4o", input=q).output_text\n',
        'import boto3\nfrom celery import shared_task\n\n\n@shared_task\ndef upload(key):\n    s3 = boto3.client("s3")\n    s3.upload_file("/tmp/x", "bucket", key)\n',
        'import psycopg2\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/n")\ndef n():\n    conn = psycopg2.connect("dbname=app")\n    try:\n        return str(conn.cursor().execute("select 1"))\n    finally:\n        conn.close()\n',
        Example('import anthropic\nfrom django.http import JsonResponse\n\n\ndef ask(request):\n    client = anthropic.Anthropic()\n    return JsonResponse({})\n', path="app/views.py"),
        'import httpx\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/up")\nasync def up():\n    async with httpx.AsyncClient() as client:\n        r = await client.get("https://example.com")\n    return r.status_code\n',
        'import redis\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.get("/c")\ndef c():\n    r = redis.from_url(request.args["url"])\n    return str(r.ping())\n',
        Example('import httpx\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/x")\ndef x(url: str):\n    client = httpx.Client()\n    with client:\n        return client.get(url).text\n',
                note="closed by the handler: no fix, a cached client would be closed after the first request"),
    ]
    valid = [
        Example('import redis\nfrom flask import Flask\n\napp = Flask(__name__)\nr = redis.Redis(host="cache")\n\n\n@app.get("/count")\ndef count():\n    return str(r.incr("hits"))\n', note="created once at import time"),
        Example('import functools\nimport boto3\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=None)\ndef s3():\n    return boto3.client("s3")\n\n\n@app.get("/x")\ndef x():\n    return str(s3())\n', note="a cached getter"),
        Example('from sqlalchemy import create_engine\n\n\ndef make_engine(url):\n    return create_engine(url)\n', note="not a handler"),
        Example('import sqlite3\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/x")\ndef x():\n    conn = sqlite3.connect("app.db")\n    try:\n        return str(conn.execute("select 1").fetchone())\n    finally:\n        conn.close()\n', note="SQLite connections are cheap local file handles"),
        Example('import redis\nfrom flask import Flask\n\napp = Flask(__name__)\n_redis = None\n\n\n@app.get("/x")\ndef x():\n    global _redis\n    if _redis is None:\n        _redis = redis.Redis()\n    return str(_redis.ping())\n', note="lazy-init guard"),
        Example('import psycopg2\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/n")\ndef n():\n    conn = psycopg2.connect("dbname=app")\n    return str(conn.cursor().execute("select 1"))\n', note="never closed: reported by PR503 only"),
    ]
    unsafe_fixed = {
        invalid[0]: 'import redis\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_r():\n    return redis.Redis(host="cache")\n\n\n@app.get("/count")\ndef count():\n    r = get_r()\n    return str(r.incr("hits"))\n',
        invalid[1]: 'from fastapi import FastAPI\nfrom sqlalchemy import create_engine, text\nimport functools\n\napp = FastAPI()\nDB_URL = "postgresql://db/app"\n\n\n@functools.lru_cache(maxsize=1)\ndef get_engine():\n    return create_engine(DB_URL)\n\n\n@app.get("/users")\ndef users():\n    engine = get_engine()\n    with engine.connect() as c:\n        return c.execute(text("select 1")).all()\n',
        invalid[3]: 'from fastapi import FastAPI\nfrom openai import OpenAI\nimport functools\n\napp = FastAPI()\n\n\n@functools.lru_cache(maxsize=1)\ndef get_client():\n    return OpenAI()\n\n\n@app.post("/chat")\ndef chat(q: str):\n    client = get_client()\n    return client.responses.create(model="gpt-4o", input=q).output_text\n',
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = callee_last(node)
        if last not in _CONNECTION_LAST:
            return
        handler = ctx.handler
        if handler is None or ctx.file.is_test:
            return
        qualified = ctx.call_name(node) or ""
        kind = _CLIENT_FACTORIES.get(qualified)
        pooled = qualified in _DBAPI_POOLED
        if kind is None and not pooled:
            return
        if in_cached_function(ctx) or stored_once(ctx, node):
            return
        if pooled:
            if connection_leak(ctx, node, qualified) is not None:
                return  # PR503 reports it: one mistake, one finding
            self.report(
                node,
                f"Use a connection pool created once instead of `{short(qualified)}(...)` on every call of "
                f"`{handler_label(handler)}`",
            )
            return
        # A client the handler closes (`with Client() as c`, `with client:`, `client.close()`)
        # cannot be cached: the second request would use a closed client. No fix then.
        fixes = [] if _closed_in_handler(ctx, node, handler) else per_call_fixes(ctx, self, node, qualified, kind)
        self.report(
            node,
            f"Create the {kind} once (module level or an `lru_cache` getter) instead of calling "
            f"`{short(qualified)}(...)` on every call of `{handler_label(handler)}`",
            fixes=fixes,
        )


def _closed_in_handler(ctx, node: ast.Call, handler: ast.AST) -> bool:
    parent = ctx.parents[-1] if ctx.parents else None
    if isinstance(parent, ast.withitem) or (isinstance(parent, ast.Await) and len(ctx.parents) > 1
                                            and isinstance(ctx.parents[-2], ast.withitem)):
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    name = parent.targets[0].id
    for inner in ast.walk(getattr(handler, "node", handler)):
        if isinstance(inner, (ast.With, ast.AsyncWith)):
            if any(isinstance(item.context_expr, ast.Name) and item.context_expr.id == name for item in inner.items):
                return True
        elif (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr in ("close", "aclose")
              and isinstance(inner.func.value, ast.Name) and inner.func.value.id == name):
            return True
    return False
