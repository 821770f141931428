"""Performance and resource rules (PR5xx): work repeated on every request, leaks, unbounded
state, fragile singletons, ORM relationships that cannot be deleted, files too big to review.

"Handlers" (routes, Socket.IO events, Django/DRF views, Celery tasks) come from
`prodready.core.frameworks` via ``ctx.handler`` so every rule agrees on what runs per call.
"""

from __future__ import annotations

import ast
import re
from typing import Iterable, Optional

from prodready.core.findings import Edit, Finding, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.cached_getter import CachedGetterFix, getter_insertion_line, getter_name_hint
from prodready.quickfixes.imports import ModuleImports, ensure_from_import, ensure_import, merge_insertions

from prodready.checks._helpers import has_star_kwargs, is_true, keyword, keyword_value, string_value

# ---------------------------------------------------------------------------------------------
# Shared helpers of the family
# ---------------------------------------------------------------------------------------------

_CACHE_DECORATORS = {
    "functools.lru_cache", "functools.cache", "cachetools.cached", "cachetools.func.lru_cache",
    "cachetools.func.ttl_cache", "cachetools.func.lfu_cache", "cachetools.func.rr_cache",
}


def _callee_last(call: ast.Call) -> Optional[str]:
    func = call.func
    cls = func.__class__
    if cls is ast.Attribute:
        return func.attr  # type: ignore[attr-defined]
    if cls is ast.Name:
        return func.id  # type: ignore[attr-defined]
    return None


def _short(qualified: str) -> str:
    """``sentence_transformers.SentenceTransformer`` -> ``SentenceTransformer``, keeping one
    owner for functions (``whisper.load_model``)."""
    parts = qualified.replace("()", "").split(".")
    if len(parts) >= 2 and parts[-1][:1].islower():
        return ".".join(parts[-2:])
    return parts[-1]


def _in_cached_function(ctx) -> bool:
    for frame in ctx.functions:
        for decorator in getattr(frame.node, "decorator_list", ()):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (ctx.resolve(target) or "") in _CACHE_DECORATORS:
                return True
    return False


def _enclosing_statement(ctx) -> Optional[ast.stmt]:
    for node in reversed(ctx.parents):
        if isinstance(node, ast.stmt):
            return node
    return None


def _is_missing_check(test: ast.expr) -> bool:
    """``x is None``, ``not x``, ``key not in cache``, ``hasattr(...)``: a lazy-init guard."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops):
            return True
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"hasattr", "getattr"}:
            return True
    return False


def _global_names(function: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names


def _stored_once(ctx, call: ast.Call) -> bool:
    """Is the call's result kept beyond this call under a lazy-init guard?

    ``if _model is None: _model = load()`` (with ``global _model``), ``if not hasattr(app.state,
    "m"): app.state.m = load()``, ``if key not in MODELS: MODELS[key] = load()``.
    """
    handler = ctx.handler
    if handler is None:
        return False
    stmt = _enclosing_statement(ctx)
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    guards = []
    inside = False
    for node in ctx.parents:
        if node is handler.node:
            inside = True
        elif inside and isinstance(node, ast.If) and _is_missing_check(node.test):
            guards.append(node)
    if not guards:
        return False
    current = ctx.current_function
    declared = _global_names(current.node) if current is not None else set()
    guard_names = {n.id for g in guards for n in ast.walk(g.test) if isinstance(n, ast.Name)}
    for target in targets:
        if isinstance(target, ast.Name) and (target.id in declared or target.id in guard_names):
            return True
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            return True
    return False


def _module_level_name(ctx, name: str) -> bool:
    """Does the bare ``name`` refer to a module-level binding here (not a local)?"""
    for scope in reversed(ctx.names.scopes):
        if scope.kind == "module":
            return name in scope.bindings
        if scope.kind == "class":
            continue
        if name in scope.bindings:
            return False
    return False


def _only_module_names(ctx, expr: ast.AST) -> bool:
    """True when ``expr`` uses only constants, module-level names and builtins: it can move
    out of the function unchanged."""
    for node in ast.walk(expr):
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                             ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
        if isinstance(node, ast.Name):
            for scope in reversed(ctx.names.scopes):
                if scope.kind == "module":
                    break
                if scope.kind == "class":
                    continue
                if node.id in scope.bindings:
                    return False
    return True


def _def_name_range(source, node) -> tuple[int, int]:
    """Offsets of the name in ``def name(`` / ``class name``."""
    start = source.offset_from_ast(node.lineno, node.col_offset)
    line_end = source.line_starts[node.lineno] if node.lineno < source.line_count else len(source.text)
    text = source.text[start:line_end]
    match = re.search(r"\b(?:def|class)\s+(" + re.escape(node.name) + r")\b", text)
    if match:
        return start + match.start(1), start + match.end(1)
    return start, start


def _handler_label(frame) -> str:
    node = frame.node
    if frame.class_node is not None:
        return f"{frame.class_node.name}.{node.name}()"
    return f"{node.name}()"


def _names_in(expr: Optional[ast.AST]) -> set[str]:
    if expr is None:
        return set()
    return {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}


def _per_call_fixes(ctx, rule: Rule, call: ast.Call, qualified: str, what: str):
    """The PR501/PR502 unsafe fix: move ``call`` into a cached module-level getter."""
    if not _only_module_names(ctx, call) or not ctx.parents:
        return []
    top = ctx.parents[0]
    if not isinstance(top, ast.stmt):
        return []
    stmt = _enclosing_statement(ctx)
    target = None
    if isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, (ast.AnnAssign,)) and stmt.value is call:
        target = stmt.target
    hint = getter_name_hint(target, qualified)
    builder = CachedGetterFix(ctx.source.node_range(call), getter_insertion_line(ctx.source, top), hint)
    return [fix(f"Create the {what} once in a cached module-level `get_{hint}()`", builder, safe=False)]


# ---------------------------------------------------------------------------------------------
# PR501 model-load-per-call
# ---------------------------------------------------------------------------------------------

_MODEL_LOADERS = {
    "whisper.load_model", "faster_whisper.WhisperModel",
    "transformers.pipeline", "transformers.pipelines.pipeline",
    "sentence_transformers.SentenceTransformer", "sentence_transformers.CrossEncoder",
    "spacy.load", "torch.load", "torch.jit.load", "torch.hub.load", "joblib.load",
    "tensorflow.keras.models.load_model", "keras.models.load_model", "keras.saving.load_model",
    "tensorflow.saved_model.load", "fasttext.load_model", "onnxruntime.InferenceSession",
    "ultralytics.YOLO", "easyocr.Reader", "stanza.Pipeline", "gensim.models.KeyedVectors.load",
}
_PICKLE_LOADS = {"pickle.load", "cloudpickle.load", "dill.load", "_pickle.load"}
_MODEL_LAST = {q.rsplit(".", 1)[-1] for q in _MODEL_LOADERS} | {"from_pretrained", "load"}
_MODEL_FILE_HINTS = ("model", ".pkl", ".joblib")


def _mentions_model_file(expr: Optional[ast.AST]) -> bool:
    if expr is None:
        return False
    for node in ast.walk(expr):
        words: list[str] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.append(node.value)
        elif isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        for word in words:
            lower = word.lower()
            if any(hint in lower for hint in _MODEL_FILE_HINTS):
                return True
    return False


def _pickle_of_model_file(ctx, call: ast.Call) -> bool:
    if not call.args:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "open":
        return _mentions_model_file(arg.args[0] if arg.args else None)
    if isinstance(arg, ast.Name):
        for node in reversed(ctx.parents):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == arg.id:
                        return _mentions_model_file(item.context_expr)
        return _mentions_model_file(arg)
    return False


class ModelLoadPerCall(Rule):
    code = "PR501"
    name = "model-load-per-call"
    severity = Severity.WARNING
    summary = "An ML model is loaded inside a request handler or task, on every call"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds expensive model loads inside request handlers (Flask/FastAPI/Starlette routes,
    Socket.IO events, Django/DRF views, Celery tasks): `whisper.load_model`,
    `*.from_pretrained` (transformers, diffusers, ...), `transformers.pipeline`,
    `SentenceTransformer(...)`, `spacy.load`, `torch.load`, `joblib.load`,
    `keras.models.load_model`, and `pickle.load` of a model file (the path mentions
    `model`, `.pkl` or `.joblib`).

    It stays quiet when the load is already cached: inside a `functools.cache` /
    `lru_cache` getter, or under a lazy-init guard that stores the model beyond the call
    (`if _model is None: _model = load(...)` with `global _model`, `app.state.model`,
    `MODELS[name]`).

    ## Why is this bad?
    Loading a model reads hundreds of megabytes from disk (or downloads them) and
    initialises weights: seconds of latency and a spike of memory on **every** request.
    Under load, concurrent requests each hold their own copy and the worker runs out of
    memory.

    ## Example
    ```python
    import whisper
    from flask import Flask

    app = Flask(__name__)

    @app.post("/transcribe")
    def transcribe():
        model = whisper.load_model("base")
        return model.transcribe("audio.mp3")["text"]
    ```

    ## Use instead
    ```python
    import functools

    import whisper
    from flask import Flask

    app = Flask(__name__)

    @functools.lru_cache(maxsize=1)
    def get_model():
        return whisper.load_model("base")

    @app.post("/transcribe")
    def transcribe():
        model = get_model()
        return model.transcribe("audio.mp3")["text"]
    ```

    ## Fix safety
    The fix is unsafe: it moves the load into a module-level `@functools.lru_cache(maxsize=1)`
    getter placed before the handler and calls the getter instead, so the model is loaded
    once per process and shared by every request (and thread). That is the intent, but a
    model that is mutated per request, or loaded from a path that changes at run time,
    behaves differently. The fix is offered only when the load's arguments are constants
    or module-level names, never handler locals or parameters.

    ## References
    - [FastAPI: lifespan events (load ML models once)](https://fastapi.tiangolo.com/advanced/events/)
    - [functools.lru_cache](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    """
    invalid = [
        'import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/transcribe")\ndef transcribe():\n    model = whisper.load_model("base")\n    return model.transcribe("audio.mp3")["text"]\n',
        'from fastapi import FastAPI\nfrom transformers import AutoModel\n\napp = FastAPI()\n\n\n@app.get("/embed")\ndef embed():\n    model = AutoModel.from_pretrained("bert-base-uncased")\n    return {}\n',
        'from fastapi import APIRouter\nfrom transformers import pipeline\n\nrouter = APIRouter()\n\n\n@router.post("/sentiment")\nasync def sentiment(text: str):\n    clf = pipeline("sentiment-analysis")\n    return clf(text)\n',
        'from celery import shared_task\nfrom sentence_transformers import SentenceTransformer\n\n\n@shared_task\ndef index(doc_id):\n    encoder = SentenceTransformer("all-MiniLM-L6-v2")\n    return encoder.encode([doc_id])\n',
        'import spacy\nfrom django.http import JsonResponse\nfrom rest_framework.views import APIView\n\n\nclass Entities(APIView):\n    def post(self, request):\n        nlp = spacy.load("en_core_web_sm")\n        return JsonResponse({"ents": [e.text for e in nlp(request.data["t"]).ents]})\n',
        'import torch\nfrom flask import Flask\n\napp = Flask(__name__)\nMODEL_PATH = "weights.pt"\n\n\n@app.route("/predict")\ndef predict():\n    net = torch.load(MODEL_PATH)\n    return str(net)\n',
        'import joblib\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/score")\ndef score():\n    return str(joblib.load("clf.joblib").predict([[1]]))\n',
        'import pickle\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/score")\ndef score():\n    with open("model.pkl", "rb") as f:\n        clf = pickle.load(f)\n    return str(clf)\n',
        'import tensorflow as tf\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/p")\ndef p():\n    m = tf.keras.models.load_model("m.keras")\n    return str(m)\n',
        'from transformers import AutoTokenizer\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/tok")\ndef tok(name: str):\n    t = AutoTokenizer.from_pretrained(name)\n    return t("x")\n',
        'import whisper\nimport socketio\n\nsio = socketio.Server()\n\n\n@sio.event\ndef audio(sid, data):\n    model = whisper.load_model("tiny")\n    return model\n',
    ]
    valid = [
        Example('import functools\nimport whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_model():\n    return whisper.load_model("base")\n\n\n@app.post("/t")\ndef t():\n    return get_model().transcribe("a.mp3")\n', note="a cached getter"),
        Example('import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n_model = None\n\n\n@app.post("/t")\ndef t():\n    global _model\n    if _model is None:\n        _model = whisper.load_model("base")\n    return _model.transcribe("a.mp3")\n', note="a lazy-init guard on a global"),
        Example('import whisper\nfrom fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n@app.post("/t")\ndef t(request: Request):\n    if not hasattr(request.app.state, "model"):\n        request.app.state.model = whisper.load_model("base")\n    return {}\n', note="stored on app.state once"),
        Example('import whisper\nfrom fastapi import FastAPI\n\napp = FastAPI()\nmodel = whisper.load_model("base")\n\n\n@app.post("/t")\ndef t():\n    return model.transcribe("a.mp3")\n', note="loaded once at import time"),
        Example('import whisper\n\n\ndef load():\n    return whisper.load_model("base")\n', note="not a handler"),
        Example('import pickle\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/s")\ndef s():\n    with open("session.dat", "rb") as f:\n        return str(pickle.load(f))\n', note="pickle.load of a file that is not a model"),
        Example('import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.on_event("startup")\ndef startup():\n    app.state.model = whisper.load_model("base")\n', note="startup hook, not a handler"),
        Example('import torch\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/p")\ndef p():\n    return str(torch.load)\n', note="a reference, not a call"),
    ]
    unsafe_fixed = {
        invalid[0]: 'import whisper\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_model():\n    return whisper.load_model("base")\n\n\n@app.post("/transcribe")\ndef transcribe():\n    model = get_model()\n    return model.transcribe("audio.mp3")["text"]\n',
        invalid[4]: 'import spacy\nfrom django.http import JsonResponse\nfrom rest_framework.views import APIView\nimport functools\n\n\n@functools.lru_cache(maxsize=1)\ndef get_nlp():\n    return spacy.load("en_core_web_sm")\n\n\nclass Entities(APIView):\n    def post(self, request):\n        nlp = get_nlp()\n        return JsonResponse({"ents": [e.text for e in nlp(request.data["t"]).ents]})\n',
        invalid[5]: 'import torch\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\nMODEL_PATH = "weights.pt"\n\n\n@functools.lru_cache(maxsize=1)\ndef get_net():\n    return torch.load(MODEL_PATH)\n\n\n@app.route("/predict")\ndef predict():\n    net = get_net()\n    return str(net)\n',
        invalid[6]: 'import joblib\nfrom flask import Flask\nimport functools\n\napp = Flask(__name__)\n\n\n@functools.lru_cache(maxsize=1)\ndef get_joblib_load():\n    return joblib.load("clf.joblib")\n\n\n@app.route("/score")\ndef score():\n    return str(get_joblib_load().predict([[1]]))\n',
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = _callee_last(node)
        if last is None or (last not in _MODEL_LAST and isinstance(node.func, ast.Attribute)):
            return
        handler = ctx.handler
        if handler is None or ctx.file.is_test:
            return
        qualified = ctx.call_name(node) or ""
        if last == "from_pretrained" and isinstance(node.func, ast.Attribute):
            shown = f"{_short(qualified) if qualified else last}"
            if not qualified.endswith("from_pretrained"):
                shown = "from_pretrained"
        elif qualified in _MODEL_LOADERS:
            shown = _short(qualified)
        elif qualified in _PICKLE_LOADS and _pickle_of_model_file(ctx, node):
            shown = _short(qualified)
        else:
            return
        if _in_cached_function(ctx) or _stored_once(ctx, node):
            return
        fixes = _per_call_fixes(ctx, self, node, qualified, "model")
        self.report(
            node,
            f"Load the model once (an `lru_cache` getter or startup code) instead of calling "
            f"`{shown}(...)` on every call of `{_handler_label(handler)}`",
            fixes=fixes,
        )


# ---------------------------------------------------------------------------------------------
# PR502 connection-per-call
# ---------------------------------------------------------------------------------------------

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
        last = _callee_last(node)
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
        if _in_cached_function(ctx) or _stored_once(ctx, node):
            return
        if pooled:
            if _connection_leak(ctx, node, qualified) is not None:
                return  # PR503 reports it: one mistake, one finding
            self.report(
                node,
                f"Use a connection pool created once instead of `{_short(qualified)}(...)` on every call of "
                f"`{_handler_label(handler)}`",
            )
            return
        fixes = _per_call_fixes(ctx, self, node, qualified, kind)
        self.report(
            node,
            f"Create the {kind} once (module level or an `lru_cache` getter) instead of calling "
            f"`{_short(qualified)}(...)` on every call of `{_handler_label(handler)}`",
            fixes=fixes,
        )


# ---------------------------------------------------------------------------------------------
# PR503 db-connection-leak
# ---------------------------------------------------------------------------------------------

# Whether ``with connect(...) as c:`` closes the connection on exit.
_CONNECTORS = {
    "sqlite3.connect": False, "sqlite3.dbapi2.connect": False, "psycopg2.connect": False,
    "pymysql.connect": True, "MySQLdb.connect": True, "mysql.connector.connect": True,
    "psycopg.connect": True,
}
_FETCH = {"fetchall", "fetchone", "fetchmany", "rowcount", "lastrowid", "total_changes", "fetchval"}
_STORE_CALLS = {"append", "add", "put", "put_nowait", "insert", "extend", "setdefault", "register",
                "enter_context", "callback", "push", "closing", "appendleft", "setattr", "finalize"}


class _Leak:
    """What PR503 learned about one connection: how it is (not) closed and whether it moves."""

    def __init__(self, form: str, name: Optional[str], happy_close: bool) -> None:
        self.form = form  # "with" or "assign"
        self.name = name
        self.happy_close = happy_close


def _chain_root(node: ast.AST, parents: dict) -> ast.AST:
    """Climb from a Name through ``.attr`` / ``(...)`` to the outermost chained expression."""
    current = node
    while True:
        parent = parents.get(id(current))
        if isinstance(parent, ast.Attribute) and parent.value is current:
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        elif isinstance(parent, ast.Subscript) and parent.value is current:
            current = parent
        else:
            return current


def _chain_ends_in_fetch(expr: ast.AST) -> bool:
    if isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Subscript):
        return _chain_ends_in_fetch(expr.value)
    return isinstance(expr, ast.Attribute) and expr.attr in _FETCH


def _parent_map(root: ast.AST) -> dict:
    parents: dict = {}
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def _destination(expr: ast.AST, parents: dict, function: ast.AST, name: str) -> str:
    """Where the value ``expr`` goes: "return", "store", "alias", "closing" or "use"."""
    current = expr
    while True:
        up = parents.get(id(current))
        if up is None or up is function:
            return "use"
        if isinstance(up, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred, ast.keyword, ast.IfExp, ast.BoolOp)):
            current = up
            continue
        if isinstance(up, (ast.Return, ast.Yield, ast.YieldFrom)):
            return "return"
        if isinstance(up, ast.Lambda):
            return "store"
        if isinstance(up, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if up.value is not current:
                return "use"
            targets = up.targets if isinstance(up, ast.Assign) else [up.target]
            if any(not isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets):
                return "store"
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return "use"
            return "alias"
        if isinstance(up, ast.Call) and up.func is not current:
            func = up.func
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if callee in {"closing", "enter_context", "callback", "finalize"}:
                return "closing"
            if callee in _STORE_CALLS or callee in {"Thread", "Process", "partial"} or callee[:1].isupper():
                return "store"
            return "use"
        return "use"


def _escapes_or_closed(function: ast.AST, name: str, connector_closes: bool) -> tuple[bool, bool, bool]:
    """(escapes, closed_on_every_path, closed_on_happy_path) for the local ``name``."""
    parents = _parent_map(function)
    escapes = closed = happy = except_close = False
    for node in ast.walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            escapes = True
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            for inner in ast.walk(ast.Module(body=node.finalbody, type_ignores=[])):
                if _is_close_call(inner, name):
                    closed = True
        elif isinstance(node, (ast.With, ast.AsyncWith)) and connector_closes:
            for item in node.items:
                if isinstance(item.context_expr, ast.Name) and item.context_expr.id == name:
                    closed = True
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            root = _chain_root(node, parents)
            if isinstance(root, ast.Attribute) and root.attr == "close" and root.value is node:
                closed = True  # ``stack.callback(conn.close)``, ``atexit.register(conn.close)``
                continue
            if _is_close_call(root, name):
                where = _close_placement(root, parents, function)
                if where == "except":
                    except_close = True
                elif where == "after-catch-all":
                    closed = True
                else:
                    happy = True
                continue
            if root is not node:
                # ``conn.cursor()``, ``conn.execute(q).fetchall()``: only a live cursor that
                # leaves the function keeps the connection reachable.
                if _chain_ends_in_fetch(root):
                    continue
                if _destination(root, parents, function, name) in {"return", "store"}:
                    escapes = True
                continue
            where = _destination(node, parents, function, name)
            if where == "closing":
                closed = True
            elif where != "use":
                escapes = True
    if happy and except_close:
        closed = True  # closed in ``except: conn.close(); raise`` and after the ``try``
    return escapes, closed, happy


def _catches_everything(node: ast.Try) -> bool:
    """A ``try`` whose handlers catch ``Exception`` (or everything) and do not re-raise."""
    for handler in node.handlers:
        broad = handler.type is None or (
            isinstance(handler.type, ast.Name) and handler.type.id in {"Exception", "BaseException"}
        )
        if broad and not any(isinstance(n, ast.Raise) for n in ast.walk(ast.Module(body=handler.body, type_ignores=[]))):
            return True
    return False


def _close_placement(call: ast.Call, parents: dict, function: ast.AST) -> str:
    """"except" (a close in an except handler), "after-catch-all" (right after a ``try`` that
    swallows every exception) or "plain"."""
    stmt = parents.get(id(call))
    current: ast.AST = call
    while current is not None and current is not function:
        if isinstance(current, ast.ExceptHandler):
            return "except"
        current = parents.get(id(current))
    if isinstance(stmt, ast.Expr):
        holder = parents.get(id(stmt))
        for field in ("body", "orelse", "finalbody"):
            block = getattr(holder, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                index = next(i for i, s in enumerate(block) if s is stmt)
                if index > 0 and isinstance(block[index - 1], ast.Try) and _catches_everything(block[index - 1]):
                    return "after-catch-all"
    return "plain"


def _is_close_call(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "close"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def _connection_leak(ctx, call: ast.Call, qualified: str) -> Optional[_Leak]:
    """How a DB-API connection created by ``call`` leaks, or None when it does not."""
    closes_on_exit = _CONNECTORS.get(qualified)
    if closes_on_exit is None:
        return None
    frame = ctx.current_function
    if frame is None or isinstance(frame.node, ast.Lambda):
        return None
    parent = ctx.parent
    if isinstance(parent, ast.withitem) and parent.context_expr is call:
        if closes_on_exit:
            return None
        name = parent.optional_vars.id if isinstance(parent.optional_vars, ast.Name) else None
        if name is None:
            if parent.optional_vars is not None:
                return None
            return _Leak("with", None, False)
        escapes, closed, happy = _escapes_or_closed(frame.node, name, False)
        if escapes or closed:
            return None
        return _Leak("with", name, happy)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is call:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            return None
        name = targets[0].id
        escapes, closed, happy = _escapes_or_closed(frame.node, name, closes_on_exit)
        if escapes or closed:
            return None
        return _Leak("assign", name, happy)
    return None


def _block_of(parents: list[ast.AST], stmt: ast.stmt) -> Optional[list]:
    """The statement list (``body``/``orelse``/...) that holds ``stmt``."""
    for holder in reversed(parents):
        if holder is stmt:
            continue
        for field in ("body", "orelse", "finalbody"):
            block = getattr(holder, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block
        break
    return None


def _derived_names(function: ast.AST, name: str) -> set[str]:
    """Names that hold the connection or something tied to it (a cursor)."""
    derived = {name}
    assigns = [n for n in ast.walk(function) if isinstance(n, ast.Assign)]
    changed = True
    while changed:
        changed = False
        for node in assigns:
            if _chain_ends_in_fetch(node.value):
                continue
            if _names_in(node.value) & derived:
                for target in node.targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name) and sub.id not in derived:
                            derived.add(sub.id)
                            changed = True
    return derived


def _returns_live_object(nodes: Iterable[ast.AST], derived: set[str]) -> bool:
    for stmt in nodes:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None:
                if _chain_ends_in_fetch(node.value):
                    continue
                if _names_in(node.value) & derived:
                    return True
    return False


class _AssignToWith:
    """Safe PR503 fix for ``conn = connect(...)``: a ``with contextlib.closing(...)`` block
    around the statements that follow (dropping a trailing ``conn.close()``), built with
    libcst so comments, blank lines and multi-line strings survive re-indentation."""

    def __init__(self, line: int, name: str) -> None:
        self.line = line  # 1-based line of the assignment in the analysed text
        self.name = name

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        from prodready.core.source import SourceFile

        text = fc.text
        source = SourceFile(text)
        line = source.line_of(fc.at(0)) + self.line + 1  # absolute 1-based line
        try:
            wrapper = MetadataWrapper(cst.parse_module(text))
        except Exception:  # noqa: BLE001 - libcst cannot parse it: no fix
            return None
        positions = wrapper.resolve(PositionProvider)
        edits: list[Edit] = []
        closing_name = ModuleImports.of(text).name_for("contextlib.closing")
        if closing_name is None:
            import_edits, contextlib_name = ensure_import(text, "contextlib")
            edits.extend(import_edits)
            closing_name = f"{contextlib_name}.closing"
        name = self.name

        def is_close(stmt) -> bool:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                return False
            expr = stmt.body[0]
            return (
                isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call) and not expr.value.args
                and isinstance(expr.value.func, cst.Attribute) and expr.value.func.attr.value == "close"
                and isinstance(expr.value.func.value, cst.Name) and expr.value.func.value.value == name
            )

        class Transformer(cst.CSTTransformer):
            done = False

            def leave_IndentedBlock(self, original, updated):
                if self.done:
                    return updated
                body = list(updated.body)
                for index, stmt in enumerate(original.body):
                    pos = positions.get(stmt)
                    if pos is None or pos.start.line != line or not isinstance(stmt, cst.SimpleStatementLine):
                        continue
                    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
                        return updated
                    assign = stmt.body[0]
                    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
                        return updated
                    end = index + 1
                    while end < len(body) and not is_close(body[end]):
                        end += 1
                    moved = body[index + 1:end]
                    if not moved:
                        return updated
                    closing = cst.parse_expression(closing_name)
                    item = cst.WithItem(
                        item=cst.Call(func=closing, args=[cst.Arg(assign.value)]),
                        asname=cst.AsName(name=cst.Name(name)),
                    )
                    new = cst.With(
                        items=[item],
                        body=cst.IndentedBlock(body=moved, header=stmt.trailing_whitespace, indent=original.indent),
                        leading_lines=stmt.leading_lines,
                    )
                    rest = body[end + 1:] if end < len(body) else []
                    self.done = True
                    return updated.with_changes(body=[*body[:index], new, *rest])
                return updated

        transformer = Transformer()
        new_module = wrapper.module.visit(transformer)
        if not transformer.done:
            return None
        new_text = new_module.code
        prefix = 0
        limit = min(len(text), len(new_text))
        while prefix < limit and text[prefix] == new_text[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and text[len(text) - 1 - suffix] == new_text[len(new_text) - 1 - suffix]:
            suffix += 1
        region = Edit(prefix, len(text) - suffix, new_text[prefix:len(new_text) - suffix])
        if any(e.start > region.start for e in edits):
            return None
        return merge_insertions([*edits, region])


class _WrapWithClosing:
    """Safe PR503 fix for ``with connect(...) as conn:`` -> ``with closing(connect(...)) as conn, conn:``
    (the inner ``conn`` keeps the commit/rollback of the original; ``closing`` adds the close)."""

    def __init__(self, call_range: tuple[int, int], target_end: int, name: str) -> None:
        self.call_range = call_range
        self.target_end = target_end
        self.name = name

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        text = fc.text
        edits: list[Edit] = []
        closing_name = ModuleImports.of(text).name_for("contextlib.closing")
        if closing_name is None:
            import_edits, contextlib_name = ensure_import(text, "contextlib")
            edits.extend(import_edits)
            closing_name = f"{contextlib_name}.closing"
        start, end = fc.at(self.call_range[0]), fc.at(self.call_range[1])
        target_end = fc.at(self.target_end)
        edits.append(Edit(start, end, f"{closing_name}({text[start:end]})"))
        edits.append(Edit(target_end, target_end, f", {self.name}"))
        return merge_insertions(edits)


class DbConnectionLeak(Rule):
    code = "PR503"
    name = "db-connection-leak"
    severity = Severity.WARNING
    summary = "A database connection opened in a function is not closed on every path"
    fix_availability = "sometimes"
    docs = """
    ## What it does
    Finds a local database connection (`sqlite3.connect`, `psycopg2.connect`,
    `pymysql.connect`, `mysql.connector.connect`) that the function neither returns, yields
    or stores, and does not close on every path: no `conn.close()` in a `finally`, no
    `with contextlib.closing(...)`. A `close()` only at the end of the happy path is
    reported too: any statement in between can raise. A `close()` both in an `except`
    handler and after the `try`, or right after a `try` whose handler swallows every
    exception, counts as closing on every path.

    `with sqlite3.connect(...) as conn:` alone is reported as well: the connection's context
    manager commits or rolls back the transaction but does **not** close the connection
    (the same holds for psycopg2). pymysql, mysql-connector and psycopg 3 connections do
    close on exit and are not reported in a `with`.

    ## Why is this bad?
    An unclosed connection holds a file handle (SQLite) or a server connection and its
    locks until the garbage collector gets to it; after an exception the traceback keeps it
    alive even longer. Under load the process runs out of file descriptors, PostgreSQL or
    MySQL refuse new connections, and SQLite reports `database is locked`. Python 3.13
    also emits a `ResourceWarning` for SQLite connections that are never closed.

    ## Example
    ```python
    import sqlite3

    def count_users(path):
        conn = sqlite3.connect(path)
        rows = conn.execute("select count(*) from users").fetchone()
        conn.close()
        return rows[0]
    ```

    ## Use instead
    ```python
    import contextlib
    import sqlite3

    def count_users(path):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            rows = conn.execute("select count(*) from users").fetchone()
        return rows[0]
    ```

    ## Fix safety
    The fix is safe and offered when the connection does not escape the function (nothing
    returns or yields the connection or a cursor of it). For `conn = connect(...)` the
    statements that follow in the same block move into
    `with contextlib.closing(connect(...)) as conn:` and a trailing `conn.close()` is
    dropped; the connection is now closed even when a statement raises. For
    `with sqlite3.connect(...) as conn:` the fix writes
    `with contextlib.closing(sqlite3.connect(...)) as conn, conn:` so the transaction is
    still committed or rolled back (inner context) before the connection is closed. An
    existing `from contextlib import closing` is reused.

    ## References
    - [sqlite3: how to use the connection context manager](https://docs.python.org/3/library/sqlite3.html#sqlite3-connection-context-manager)
    - [psycopg2: with statement](https://www.psycopg.org/docs/usage.html#with-statement)
    - [contextlib.closing](https://docs.python.org/3/library/contextlib.html#contextlib.closing)
    """
    invalid = [
        'import sqlite3\n\n\ndef count_users(path):\n    conn = sqlite3.connect(path)\n    rows = conn.execute("select count(*) from users").fetchone()\n    conn.close()\n    return rows[0]\n',
        'import sqlite3\n\n\ndef save(path, value):\n    with sqlite3.connect(path) as conn:\n        conn.execute("insert into t values (?)", (value,))\n',
        'import psycopg2\n\n\ndef names(dsn):\n    conn = psycopg2.connect(dsn)\n    cur = conn.cursor()\n    cur.execute("select name from users")\n    return [r[0] for r in cur.fetchall()]\n',
        'import sqlite3\n\n\ndef load(path):\n    conn = sqlite3.connect(path)\n    # read everything\n    data = conn.execute("""\nselect *\nfrom t\n""").fetchall()\n    if not data:\n        return []\n    conn.close()\n    return data\n',
        'import pymysql\n\n\ndef ping(host):\n    conn = pymysql.connect(host=host)\n    conn.ping()\n',
        'from contextlib import closing\nimport sqlite3\n\n\ndef total(path):\n    conn = sqlite3.connect(path)\n    n = conn.execute("select 1").fetchone()[0]\n    return n\n',
        'import psycopg2\n\n\ndef insert(dsn, v):\n    with psycopg2.connect(dsn) as conn:\n        with conn.cursor() as cur:\n            cur.execute("insert into t values (%s)", (v,))\n',
    ]
    valid = [
        Example('import sqlite3\nfrom contextlib import closing\n\n\ndef f(path):\n    with closing(sqlite3.connect(path)) as conn:\n        return conn.execute("select 1").fetchone()\n', note="closed by contextlib.closing"),
        Example('import sqlite3\n\n\ndef f(path):\n    conn = sqlite3.connect(path)\n    try:\n        return conn.execute("select 1").fetchone()\n    finally:\n        conn.close()\n', note="closed in finally"),
        Example('import sqlite3\n\n\ndef get_connection(path):\n    conn = sqlite3.connect(path)\n    conn.row_factory = sqlite3.Row\n    return conn\n', note="returned to the caller"),
        Example('import sqlite3\n\n\nclass Store:\n    def open(self, path):\n        conn = sqlite3.connect(path)\n        self.conn = conn\n', note="stored on the instance"),
        Example('import sqlite3\nfrom contextlib import contextmanager\n\n\n@contextmanager\ndef connection(path):\n    conn = sqlite3.connect(path)\n    try:\n        yield conn\n    finally:\n        conn.close()\n', note="a context manager that closes"),
        Example('import pymysql\n\n\ndef f(host):\n    with pymysql.connect(host=host) as conn:\n        conn.ping()\n', note="pymysql closes on exit"),
        Example('import sqlite3\n\nconn = sqlite3.connect("app.db")\n', note="module-level connection, not a local"),
        Example('import sqlite3\nimport contextlib\n\n\ndef f(path):\n    with contextlib.ExitStack() as stack:\n        conn = sqlite3.connect(path)\n        stack.callback(conn.close)\n        return conn.execute("select 1").fetchone()\n', note="closed by an ExitStack callback"),
        Example('import sqlite3\n\n\ndef cursor(path):\n    conn = sqlite3.connect(path)\n    return conn.cursor()\n', note="the returned cursor keeps the connection"),
        Example('import sqlite3\n\n_pool = []\n\n\ndef f(path):\n    conn = sqlite3.connect(path)\n    _pool.append(conn)\n', note="stored in a pool"),
        Example('import sqlite3\nfrom flask import g\n\n\ndef get_db():\n    if "db" not in g:\n        g.db = sqlite3.connect("app.db")\n    return g.db\n', note="the Flask pattern: stored on g, closed by a teardown handler"),
        Example('import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    try:\n        conn.execute("x")\n    except Exception:\n        conn.close()\n        raise\n    conn.close()\n', note="closed in the except handler and after the try"),
        Example('import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    try:\n        conn.execute("x")\n    except Exception as e:\n        print(e)\n    conn.close()\n', note="the try swallows every exception, so the close is reached"),
    ]
    fixed = {
        invalid[0]: 'import sqlite3\nimport contextlib\n\n\ndef count_users(path):\n    with contextlib.closing(sqlite3.connect(path)) as conn:\n        rows = conn.execute("select count(*) from users").fetchone()\n    return rows[0]\n',
        invalid[1]: 'import sqlite3\nimport contextlib\n\n\ndef save(path, value):\n    with contextlib.closing(sqlite3.connect(path)) as conn, conn:\n        conn.execute("insert into t values (?)", (value,))\n',
        invalid[3]: 'import sqlite3\nimport contextlib\n\n\ndef load(path):\n    with contextlib.closing(sqlite3.connect(path)) as conn:\n        # read everything\n        data = conn.execute("""\nselect *\nfrom t\n""").fetchall()\n        if not data:\n            return []\n    return data\n',
        invalid[4]: 'import pymysql\nimport contextlib\n\n\ndef ping(host):\n    with contextlib.closing(pymysql.connect(host=host)) as conn:\n        conn.ping()\n',
        invalid[5]: 'from contextlib import closing\nimport sqlite3\n\n\ndef total(path):\n    with closing(sqlite3.connect(path)) as conn:\n        n = conn.execute("select 1").fetchone()[0]\n        return n\n',
        invalid[6]: 'import psycopg2\nimport contextlib\n\n\ndef insert(dsn, v):\n    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn:\n        with conn.cursor() as cur:\n            cur.execute("insert into t values (%s)", (v,))\n',
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if (func.attr if func.__class__ is ast.Attribute else getattr(func, "id", None)) != "connect":
            return
        if not ctx.functions or ctx.file.is_test:
            return
        qualified = ctx.call_name(node) or ""
        leak = _connection_leak(ctx, node, qualified)
        if leak is None:
            return
        shown = _short(qualified)
        if leak.form == "with":
            message = (f"Close the connection: `with {shown}(...)` only commits or rolls back; "
                       f"use `with contextlib.closing({shown}(...)) as conn, conn:`")
        elif leak.happy_close:
            message = (f"Close the `{shown}(...)` connection on every path (`with contextlib.closing(...)` "
                       f"or `close()` in `finally`), not only when no statement raises")
        else:
            message = f"Close the `{shown}(...)` connection (`with contextlib.closing(...)` or `close()` in `finally`)"
        self.report(node, message, fixes=self._fixes(ctx, node, leak))

    def _fixes(self, ctx, node: ast.Call, leak: _Leak):
        if leak.name is None:
            return []
        frame = ctx.current_function
        derived = _derived_names(frame.node, leak.name)
        if leak.form == "with":
            item = ctx.parent
            with_stmt = ctx.parents[-2] if len(ctx.parents) > 1 else None
            if not isinstance(with_stmt, ast.With) or _returns_live_object(with_stmt.body, derived):
                return []
            target_end = ctx.source.node_range(item.optional_vars)[1]
            builder = _WrapWithClosing(ctx.source.node_range(node), target_end, leak.name)
            return [fix("Close the connection with `contextlib.closing(...)`", builder, safe=True)]
        stmt = ctx.parent
        block = _block_of(ctx.parents, stmt)
        if block is None:
            return []
        index = next(i for i, s in enumerate(block) if s is stmt)
        end = index + 1
        while end < len(block) and not (
            isinstance(block[end], ast.Expr) and _is_close_call(block[end].value, leak.name) and not block[end].value.args
        ):
            end += 1
        moved = block[index + 1:end]
        if not moved or _returns_live_object(moved, derived):
            return []
        # Every use of the connection must stay inside the new `with` block.
        inside = {id(n) for s in moved for n in ast.walk(s)} | {id(n) for n in ast.walk(stmt)}
        if end < len(block):
            inside |= {id(n) for n in ast.walk(block[end])}
        for other in ast.walk(frame.node):
            if isinstance(other, ast.Name) and other.id == leak.name and id(other) not in inside:
                return []
        for s in moved:
            for other in ast.walk(s):
                if isinstance(other, ast.Name) and other.id == leak.name and isinstance(other.ctx, (ast.Store, ast.Del)):
                    return []
        # The fix needs the analysed text's first line as the reference for positions.
        line = stmt.lineno - 1
        return [fix("Open the connection with `with contextlib.closing(...)`", _AssignToWith(line, leak.name), safe=True)]


# ---------------------------------------------------------------------------------------------
# PR504 thread-per-request
# ---------------------------------------------------------------------------------------------

_THREAD_CLASSES = {"threading.Thread", "threading.Timer"}


class ThreadPerRequest(Rule):
    code = "PR504"
    name = "thread-per-request"
    severity = Severity.WARNING
    summary = "A new thread is started inside a request handler, once per request"
    fix_availability = "none"
    docs = """
    ## What it does
    Finds `threading.Thread(...).start()` (and `threading.Timer`, and subclasses of
    `Thread` defined in the file) inside request handlers and tasks, including
    `t = threading.Thread(...); t.start()` and `self.worker = Thread(...)`. A thread that
    the handler joins before returning is not reported.

    ## Why is this bad?
    One thread per request is unbounded: a burst of traffic starts thousands of threads,
    each with its own stack, and the process runs out of memory or hits the thread limit.
    Work running after the response is also lost when the worker process is recycled
    (gunicorn `max_requests`, a deploy) and its exceptions are never seen.

    ## Example
    ```python
    import threading
    from flask import Flask

    app = Flask(__name__)

    @app.post("/report")
    def report():
        threading.Thread(target=build_report).start()
        return "", 202
    ```

    ## Use instead
    ```python
    from concurrent.futures import ThreadPoolExecutor
    from flask import Flask

    app = Flask(__name__)
    executor = ThreadPoolExecutor(max_workers=4)

    @app.post("/report")
    def report():
        executor.submit(build_report)
        return "", 202
    ```
    Or use the framework's background work: FastAPI's `BackgroundTasks`, a Celery task.

    ## References
    - [concurrent.futures.ThreadPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor)
    - [FastAPI: background tasks](https://fastapi.tiangolo.com/tutorial/background-tasks/)
    """
    invalid = [
        'import threading\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/report")\ndef report():\n    threading.Thread(target=print).start()\n    return "", 202\n',
        'from threading import Thread\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post("/x")\ndef x():\n    t = Thread(target=print, daemon=True)\n    t.start()\n    return {}\n',
        'import threading\nfrom celery import shared_task\n\n\n@shared_task\ndef job():\n    threading.Timer(5, print).start()\n',
        'import threading\nfrom rest_framework.views import APIView\n\n\nclass Upload(APIView):\n    def post(self, request):\n        self.worker = threading.Thread(target=print)\n        self.worker.start()\n',
        'import threading\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\nclass Mailer(threading.Thread):\n    def run(self):\n        pass\n\n\n@app.post("/mail")\ndef mail():\n    Mailer().start()\n    return ""\n',
    ]
    valid = [
        Example('from concurrent.futures import ThreadPoolExecutor\nfrom flask import Flask\n\napp = Flask(__name__)\nexecutor = ThreadPoolExecutor(4)\n\n\n@app.post("/r")\ndef r():\n    executor.submit(print)\n    return ""\n', note="a shared executor"),
        Example('import threading\n\n\ndef main():\n    threading.Thread(target=print).start()\n', note="not a handler"),
        Example('import threading\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/r")\ndef r():\n    t = threading.Thread(target=print)\n    t.start()\n    t.join(timeout=5)\n    return ""\n', note="joined before the handler returns"),
        Example('from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/r")\ndef r(server):\n    server.start()\n    return ""\n', note="not a thread"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._thread_targets: dict[int, set[str]] = {}

    def _is_thread_call(self, ctx, call: ast.AST) -> bool:
        if not isinstance(call, ast.Call):
            return False
        qualified = ctx.call_name(call) or ""
        if qualified in _THREAD_CLASSES:
            return True
        if isinstance(call.func, ast.Name) and call.func.id in ctx.module.classes:
            bases = _local_bases(call.func.id, ctx)
            return bool(bases & _THREAD_CLASSES)
        return False

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if ctx.handler is None or not isinstance(node.value, ast.Call):
            return
        if self._is_thread_call(ctx, node.value):
            frame = ctx.current_function
            names = self._thread_targets.setdefault(id(frame.node), set())
            for target in node.targets:
                names.add(ast.dump(target, include_attributes=False).replace("Store()", "Load()"))

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr != "start":
            return
        handler = ctx.handler
        if handler is None or ctx.file.is_test:
            return
        receiver = func.value
        if self._is_thread_call(ctx, receiver):
            pass
        elif (ctx.resolve(receiver) or "").replace("()", "") in _THREAD_CLASSES and (ctx.resolve(receiver) or "").endswith("()"):
            if self._joined(ctx, receiver):
                return
        else:
            frame = ctx.current_function
            key = ast.dump(receiver, include_attributes=False)
            if key not in self._thread_targets.get(id(frame.node), ()):
                return
            if self._joined(ctx, receiver):
                return
        self.report(
            node,
            f"Submit the work to a shared `ThreadPoolExecutor` or a background task queue instead of "
            f"starting a thread on every call of `{_handler_label(handler)}`",
        )

    @staticmethod
    def _joined(ctx, receiver: ast.AST) -> bool:
        key = ast.dump(receiver, include_attributes=False)
        frame = ctx.current_function
        for node in ast.walk(frame.node):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
                and ast.dump(node.func.value, include_attributes=False) == key
            ):
                return True
        return False


def _local_bases(name: str, ctx) -> set[str]:
    seen: set[str] = set()
    pending = [name]
    result: set[str] = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for base in ctx.module.classes.get(current, ()):
            if base.startswith("<local>."):
                pending.append(base[len("<local>."):])
            else:
                result.add(base)
    return result


# ---------------------------------------------------------------------------------------------
# PR505 unbounded-global-state
# ---------------------------------------------------------------------------------------------

_GROW_METHODS = {"append", "add", "update", "setdefault", "extend", "insert", "appendleft"}
_SHRINK_METHODS = {"pop", "popitem", "clear", "remove", "discard", "popleft"}


def _adds_new_entries(call: ast.Call, method: str) -> bool:
    """``SEEN.add("x")``, ``STATS.update({"a": 1})``, ``X.setdefault("k", 0)`` only ever touch
    fixed keys; appending to a list always grows it."""
    if method in {"add", "setdefault"}:
        return not (call.args and isinstance(call.args[0], ast.Constant))
    if method == "update":
        if call.keywords and not call.args:
            return False  # ``X.update(a=1)``: fixed keys
        if len(call.args) == 1 and isinstance(call.args[0], ast.Dict):
            return not all(isinstance(k, ast.Constant) for k in call.args[0].keys)
    return True


class UnboundedGlobalState(Rule):
    code = "PR505"
    name = "unbounded-global-state"
    severity = Severity.WARNING
    summary = "A module-level dict/list/set grows on every request and is never cleared"
    fix_availability = "none"
    docs = """
    ## What it does
    Finds a module-level `dict`, `list` or `set` (a literal, `dict()`, `defaultdict(...)`,
    `OrderedDict()`, `Counter()`) that request handlers or tasks write to
    (`CACHE[key] = value`, `.append`, `.add`, `.update`, `.setdefault`, `.extend`,
    `.insert`) while nothing in the module ever removes from it (`del CACHE[key]`, `.pop`,
    `.popitem`, `.clear`, `.remove`, `.discard`, or re-assigning it under `global`).

    Writes with fixed keys do not grow the container and are not reported as unbounded:
    `STATS["hits"] += 1`, `SEEN.add("x")`, `STATS.update(last=...)`; appending to a list
    always grows it, and so does `X[key].append(v)` / `X.setdefault(key, []).append(v)`.

    It also finds read-modify-write updates of such module-level state from synchronous
    request handlers (`COUNTS[key] += 1`, `X[k] = X.get(k, 0) + 1`) that are not done under a
    lock (`with lock:`). Async handlers run on one event loop thread and are not reported.
    Removals are looked for in the same module only: state cleared from another module is
    not seen.

    ## Why is this bad?
    A worker process lives for thousands of requests. A cache keyed by user, URL or request
    data that is never evicted grows until the process is killed for using too much memory;
    the leak appears only in production, after hours. Each worker also holds its own copy,
    so the "cache" is neither shared nor consistent. With threaded servers (Flask, Django,
    FastAPI's sync endpoints) concurrent `+=` updates lose writes.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)
    _cache = {}

    @app.get("/user/<uid>")
    def user(uid):
        if uid not in _cache:
            _cache[uid] = load_user(uid)
        return _cache[uid]
    ```

    ## Use instead
    ```python
    import threading
    from cachetools import TTLCache
    from flask import Flask

    app = Flask(__name__)
    _cache = TTLCache(maxsize=10_000, ttl=300)
    _lock = threading.Lock()

    @app.get("/user/<uid>")
    def user(uid):
        with _lock:
            if uid not in _cache:
                _cache[uid] = load_user(uid)
            return _cache[uid]
    ```
    Or keep shared state in Redis or the database.

    ## References
    - [cachetools: TTLCache](https://cachetools.readthedocs.io/en/stable/#cachetools.TTLCache)
    - [functools.lru_cache (bounded)](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    """
    invalid = [
        'from flask import Flask\n\napp = Flask(__name__)\n_cache = {}\n\n\n@app.get("/user/<uid>")\ndef user(uid):\n    if uid not in _cache:\n        _cache[uid] = uid * 2\n    return _cache[uid]\n',
        'from fastapi import FastAPI\n\napp = FastAPI()\nseen = []\n\n\n@app.post("/event")\nasync def event(e: dict):\n    seen.append(e)\n    return {"n": len(seen)}\n',
        'from collections import defaultdict\nfrom celery import shared_task\n\nresults = defaultdict(list)\n\n\n@shared_task\ndef record(key, value):\n    results.setdefault(key, []).append(value)\n',
        'from flask import Flask\n\napp = Flask(__name__)\nhits = {}\n\n\n@app.get("/hit/<k>")\ndef hit(k):\n    hits[k] = hits.get(k, 0) + 1\n    return str(hits[k])\n\n\n@app.post("/reset")\ndef reset():\n    hits.clear()\n    return ""\n',
        'from rest_framework.views import APIView\n\nUSERS = set()\n\n\nclass Track(APIView):\n    def post(self, request):\n        USERS.add(request.user.id)\n',
        'from flask import Flask, request\n\napp = Flask(__name__)\nevents = {"clicks": []}\n\n\n@app.post("/click")\ndef click():\n    events["clicks"].append(request.json)\n    return ""\n',
        'from flask import Flask\n\napp = Flask(__name__)\nSTATS = {}\n\n\n@app.get("/")\ndef index():\n    STATS["hits"] += 1\n    return ""\n',
    ]
    valid = [
        Example('from flask import Flask\n\napp = Flask(__name__)\n_cache = {}\n\n\n@app.get("/u/<uid>")\ndef user(uid):\n    _cache[uid] = uid\n    return ""\n\n\ndef evict(uid):\n    _cache.pop(uid, None)\n', note="something removes from it"),
        Example('from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/u/<uid>")\ndef user(uid):\n    cache = {}\n    cache[uid] = uid\n    return ""\n', note="a local, not module state"),
        Example('REGISTRY = {}\n\n\ndef register(name):\n    def deco(f):\n        REGISTRY[name] = f\n        return f\n    return deco\n', note="filled at import time, not by a handler"),
        Example('import threading\nfrom flask import Flask\n\napp = Flask(__name__)\nhits = {}\nlock = threading.Lock()\n\n\n@app.get("/hit/<k>")\ndef hit(k):\n    with lock:\n        hits[k] = hits.get(k, 0) + 1\n    return ""\n\n\ndef reset():\n    hits.clear()\n', note="bounded by reset() and updated under a lock"),
        Example('from flask import Flask\n\napp = Flask(__name__)\nqueue = []\n\n\n@app.post("/push")\ndef push():\n    queue.append(1)\n    return ""\n\n\ndef drain():\n    global queue\n    queue = []\n', note="reassigned under global"),
        Example('from fastapi import FastAPI\n\napp = FastAPI()\nSTATS = {"hits": 0}\nSEEN = set()\n\n\n@app.get("/")\nasync def index():\n    STATS["hits"] += 1\n    STATS.update(last="/")\n    SEEN.add("index")\n    return {}\n', note="fixed keys do not grow (and an async handler does not race)"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._globals: dict[int, set[str]] = {}
        self._reported: set[str] = set()

    # -- module-level containers, removals ---------------------------------------------
    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not ctx.functions:
            if ctx.defines_module_state(node.value):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.fact("container", target.id)
            return
        frame = ctx.current_function
        declared = self._globals.get(id(frame.node), ())
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in declared:
                self.fact("shrinks", target.id)
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                name = target.value.id
                if isinstance(target.slice, ast.Slice):
                    self.fact("shrinks", name)
                elif ctx.handler is not None and _module_level_name(ctx, name):
                    race = name in _names_in(node.value)
                    self._write(node, name, ctx, race, grows=not isinstance(target.slice, ast.Constant))

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if isinstance(node.target, ast.Name) and ctx.defines_module_state(node.value):
            self.fact("container", node.target.id)

    def visit_AugAssign(self, node: ast.AugAssign, ctx) -> None:
        target = node.target
        if ctx.handler is None:
            return
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and _module_level_name(ctx, target.value.id):
            self._write(node, target.value.id, ctx, True, grows=not isinstance(target.slice, ast.Constant))

    def visit_Global(self, node: ast.Global, ctx) -> None:
        frame = ctx.current_function
        if frame is not None:
            self._globals.setdefault(id(frame.node), set()).update(node.names)

    def visit_Delete(self, node: ast.Delete, ctx) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                self.fact("shrinks", target.value.id)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        attr = func.attr
        owner = func.value
        if isinstance(owner, ast.Name):
            if attr in _SHRINK_METHODS:
                self.fact("shrinks", owner.id)
            elif attr in _GROW_METHODS and ctx.handler is not None and _module_level_name(ctx, owner.id):
                if _adds_new_entries(node, attr):
                    self._write(node, owner.id, ctx, False)
            return
        # ``X[key].append(v)`` / ``X.setdefault(key, []).append(v)``: the inner containers grow.
        if attr in _GROW_METHODS and ctx.handler is not None:
            inner = owner.value if isinstance(owner, ast.Subscript) else None
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute) and owner.func.attr in {"setdefault", "get"}:
                inner = owner.func.value
            if isinstance(inner, ast.Name) and _module_level_name(ctx, inner.id):
                self._write(node, inner.id, ctx, False)

    # -- reporting ------------------------------------------------------------------------
    def _write(self, node: ast.AST, name: str, ctx, race: bool, grows: bool = True) -> None:
        if ctx.file.is_test:
            return
        handler = ctx.handler
        container = (self.code, "container", name)
        shrinks = (self.code, "shrinks", name)
        if grows and name not in self._reported:
            self._reported.add(name)
            self.report(
                node,
                f"Bound module-level `{name}` (e.g. a `cachetools.TTLCache` and a lock): "
                f"`{_handler_label(handler)}` adds to it on every call and nothing ever removes from it",
                condition=lambda facts: container in facts and shrinks not in facts,
            )
        threaded = handler.handler in {"route", "view", "socket"} and not isinstance(handler.node, ast.AsyncFunctionDef)
        if race and threaded and not ctx.holds_lock():
            # When this write also makes the state unbounded, that finding is the one shown.
            self.report(
                node,
                f"Guard the update of module-level `{name}` with a `threading.Lock`: concurrent calls of "
                f"`{_handler_label(handler)}` lose updates",
                condition=lambda facts: container in facts and (shrinks in facts or not grows),
            )


# ---------------------------------------------------------------------------------------------
# PR506 singleton-reinit
# ---------------------------------------------------------------------------------------------


def _first_param(func) -> Optional[str]:
    args = func.args.posonlyargs + func.args.args
    return args[0].arg if args else None


def _rooted_at(node: ast.AST, names: set[str]) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def _caches_instance(new, class_name: str) -> bool:
    owners = {class_name}
    first = _first_param(new)
    if first:
        owners.add(first)
    creates = stores = False
    for node in ast.walk(new):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__new__":
            creates = True
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, (ast.Attribute, ast.Subscript)) and _rooted_at(t, owners) for t in targets):
                stores = True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault" and _rooted_at(node.func.value, owners):
            stores = True
    return creates and stores


def _init_reassigns(init) -> Optional[ast.stmt]:
    """The first unguarded ``self.x = ...`` at the top of ``__init__``, if any."""
    self_name = _first_param(init)
    if self_name is None:
        return None
    for stmt in init.body:
        if isinstance(stmt, ast.If):
            test_names = _names_in(stmt.test)
            guard = self_name in test_names or any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in {"hasattr", "getattr"}
                for n in ast.walk(stmt.test)
            )
            if guard or any(isinstance(n, ast.Attribute) for n in ast.walk(stmt.test)):
                return None  # ``if self._initialized: return`` / ``if not Cls._ready:``
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == self_name for t in targets):
                return stmt
    return None


def _has_lock(func, ctx) -> bool:
    for node in ast.walk(func):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                expr = item.context_expr
                qualified = (ctx.resolve(expr) or "") if not _names_in(expr) & {_first_param(func) or ""} else ""
                text = ctx.source.segment(expr).lower()
                if "lock" in qualified.lower() or "lock" in text:
                    return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "acquire":
            return True
    return False


class SingletonReinit(Rule):
    code = "PR506"
    name = "singleton-reinit"
    severity = Severity.WARNING
    summary = "A singleton caches its instance in __new__ but __init__ resets its state on every call"
    fix_availability = "none"
    docs = """
    ## What it does
    Finds classes that cache their instance in `__new__` (`cls._instance = super().__new__(cls)`)
    while `__init__` assigns attributes on every call without an `if self._initialized:`
    guard. In a module that uses threads, it also finds a `__new__` that creates the first
    instance without a lock.

    ## Why is this bad?
    Python calls `__init__` after `__new__` on **every** `Cls()` call, even when `__new__`
    returned the cached instance. Each call therefore wipes the singleton's state (its
    cache, connection, counters) while other code holds the "same" object. Without a lock,
    two threads that call `Cls()` at the same time both see `_instance is None` and build two
    instances.

    ## Example
    ```python
    class Registry:
        _instance = None

        def __new__(cls):
            if cls._instance is None:
                cls._instance = super().__new__(cls)
            return cls._instance

        def __init__(self):
            self.items = {}
    ```

    ## Use instead
    ```python
    import functools

    class Registry:
        def __init__(self):
            self.items = {}

    @functools.cache
    def get_registry() -> Registry:
        return Registry()
    ```
    Or guard `__init__` with `if getattr(self, "_initialized", False): return`, or use a
    module-level instance.

    ## References
    - [Python data model: `__new__` and `__init__`](https://docs.python.org/3/reference/datamodel.html#object.__new__)
    """
    invalid = [
        'class Registry:\n    _instance = None\n\n    def __new__(cls):\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n        return cls._instance\n\n    def __init__(self):\n        self.items = {}\n',
        'import threading\n\n\nclass Config:\n    _instance = None\n\n    def __new__(cls, *a, **k):\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n            cls._instance._initialized = False\n        return cls._instance\n\n    def __init__(self):\n        if self._initialized:\n            return\n        self.values = {}\n        self._initialized = True\n',
        'class Pool:\n    _instances = {}\n\n    def __new__(cls, name):\n        if name not in cls._instances:\n            cls._instances[name] = object.__new__(cls)\n        return cls._instances[name]\n\n    def __init__(self, name):\n        self.name = name\n        self.conns = []\n',
    ]
    valid = [
        Example('class Registry:\n    _instance = None\n\n    def __new__(cls):\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n        return cls._instance\n\n    def __init__(self):\n        if getattr(self, "_initialized", False):\n            return\n        self.items = {}\n        self._initialized = True\n', note="guarded __init__, no threads in the module"),
        Example('import threading\n\n\nclass Config:\n    _instance = None\n    _lock = threading.Lock()\n\n    def __new__(cls):\n        with cls._lock:\n            if cls._instance is None:\n                cls._instance = super().__new__(cls)\n        return cls._instance\n', note="locked, no __init__"),
        Example('class Point:\n    def __new__(cls, x):\n        return super().__new__(cls)\n\n    def __init__(self, x):\n        self.x = x\n', note="not cached"),
        Example('class Registry:\n    _instance = None\n\n    def __new__(cls):\n        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n            cls._instance.items = {}\n        return cls._instance\n', note="state set once in __new__"),
    ]

    # Visits the methods, not the class: the server may analyse a large class member by
    # member, so `__new__` records a fact and `__init__` is reported on that condition.
    def visit_FunctionDef(self, node, ctx) -> None:
        if node.name not in ("__new__", "__init__") or ctx.file.is_test:
            return
        owner = ctx.parent
        if not isinstance(owner, ast.ClassDef):
            return
        fact = (self.code, "singleton", owner.name)
        if node.name == "__init__":
            if _init_reassigns(node) is not None:
                self.report(
                    _def_name_range(ctx.source, node),
                    f"Guard `{owner.name}.__init__` with an `if self._initialized: return` check (or drop "
                    f"`__new__` for a cached factory): it runs on every `{owner.name}()` and resets the shared instance",
                    condition=lambda facts: fact in facts,
                )
            return
        if not _caches_instance(node, owner.name):
            return
        self.fact("singleton", owner.name)
        uses_threads = any((value or "").startswith(("threading", "concurrent.futures")) for value in ctx.module.bindings.values())
        if uses_threads and not _has_lock(node, ctx):
            self.report(
                _def_name_range(ctx.source, node),
                f"Create the `{owner.name}` instance under a `threading.Lock` in `__new__`: concurrent first "
                f"calls can build two instances",
            )

    visit_AsyncFunctionDef = visit_FunctionDef


# ---------------------------------------------------------------------------------------------
# PR507 missing-cascade-delete
# ---------------------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _last(ctx, expr: ast.AST) -> str:
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return (ctx.resolve(expr) or expr.id).rsplit(".", 1)[-1]
    return ""


def _annotation_parts(annotation: Optional[ast.AST]) -> tuple[bool, bool, Optional[str]]:
    """For ``Mapped[...]``: (is Mapped, is optional, innermost class name)."""
    if not isinstance(annotation, ast.Subscript):
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return False, False, None
            return _annotation_parts(annotation)
        return False, False, None
    base = annotation.value
    base_name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
    if base_name != "Mapped":
        return False, False, None
    inner = annotation.slice
    optional = False
    text_names = []
    for node in ast.walk(inner):
        if isinstance(node, ast.Constant) and node.value is None:
            optional = True
        if isinstance(node, ast.Name) and node.id == "Optional" or isinstance(node, ast.Attribute) and node.attr == "Optional":
            optional = True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text_names.append(node.value.strip().strip("'\"").split("[")[-1].rstrip("]"))
            if "None" in node.value or "Optional" in node.value:
                optional = True
        elif isinstance(node, ast.Name) and node.id not in {"List", "list", "Set", "set", "Optional", "Union", "Mapped", "Sequence", "DynamicMapped", "WriteOnlyMapped"}:
            text_names.append(node.id)
    return True, optional, (text_names[-1].split(".")[-1] if text_names else None)


def _relationship_target(call: ast.Call, annotation: Optional[ast.AST]) -> Optional[str]:
    if call.args:
        first = call.args[0]
        if isinstance(first, ast.Lambda):
            first = first.body
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value.strip().rsplit(".", 1)[-1] or None
        if isinstance(first, ast.Name):
            return first.id
        if isinstance(first, ast.Attribute):
            return first.attr
        return None
    return _annotation_parts(annotation)[2]


def _columns_mentioned(expr: Optional[ast.AST], owner: str) -> Optional[set[str]]:
    """Column names of ``owner`` named in ``foreign_keys=``/``primaryjoin=`` (strings too)."""
    if expr is None:
        return None
    found: set[str] = set()
    nodes = [expr.body] if isinstance(expr, ast.Lambda) else [expr]
    while nodes:
        node = nodes.pop()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                try:
                    nodes.append(ast.parse(sub.value.strip(), mode="eval").body)
                except SyntaxError:
                    pass
            elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == owner:
                found.add(sub.attr)
            elif isinstance(sub, ast.Name) and sub is node and owner == "":
                found.add(sub.id)
    return found


class _AddKeyword:
    """Insert ``, cascade="all, delete-orphan"`` as the last argument of a call."""

    def __init__(self, call_end: int, last_arg_end: Optional[int]) -> None:
        self.call_end = call_end
        self.last_arg_end = last_arg_end

    def __call__(self, fc: FixContext) -> list[Edit]:
        if self.last_arg_end is None:
            at = fc.at(self.call_end - 1)
            return [Edit(at, at, 'cascade="all, delete-orphan"')]
        at = fc.at(self.last_arg_end)
        return [Edit(at, at, ', cascade="all, delete-orphan"')]


class _BackrefWithCascade:
    """Replace ``backref="children"`` by ``backref=backref("children", cascade=...)``."""

    def __init__(self, value_range: tuple[int, int], owner: Optional[str]) -> None:
        self.value_range = value_range
        self.owner = owner  # ``db`` for ``db.relationship`` (Flask-SQLAlchemy): use ``db.backref``

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        edits: list[Edit] = []
        if self.owner:
            func = f"{self.owner}.backref"
        else:
            new_edits, func = ensure_from_import(fc.text, "sqlalchemy.orm", "backref", fallback_alias="sa_backref")
            edits.extend(new_edits)
        start, end = fc.at(self.value_range[0]), fc.at(self.value_range[1])
        edits.append(Edit(start, end, f'{func}({fc.text[start:end]}, cascade="all, delete-orphan")'))
        return merge_insertions(edits)


class MissingCascadeDelete(Rule):
    code = "PR507"
    name = "missing-cascade-delete"
    severity = Severity.WARNING
    summary = "Deleting the parent fails: relationship() without cascade over a NOT NULL foreign key"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds a SQLAlchemy one-to-many `relationship()` (or the collection side created by
    `backref=`) without `cascade=` or `passive_deletes=`, whose child's foreign key column
    is NOT NULL (`nullable=False`, part of the primary key, or a non-`Optional`
    `Mapped[int] = mapped_column(ForeignKey(...))`) and has no `ondelete=`. The child model
    is looked up in the same file. One-to-one relationships (`uselist=False`) fail the same
    way and are reported too; many-to-many (`secondary=`), `viewonly=True` and
    self-referential relationships are not. When the relationship names its
    `foreign_keys=`/`primaryjoin=`, only those columns count.

    ## Why is this bad?
    With the default cascade (`save-update, merge`), deleting a parent makes SQLAlchemy
    *detach* its children by setting their foreign key to NULL. The column does not allow
    NULL, so `session.delete(parent)` fails at flush with `IntegrityError` (or "Dependency
    rule tried to blank-out primary key column"), usually first seen in production when
    someone deletes an account.

    ## Example
    ```python
    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        posts = relationship("Post", back_populates="author")

    class Post(Base):
        __tablename__ = "posts"
        id = Column(Integer, primary_key=True)
        author_id = Column(ForeignKey("users.id"), nullable=False)
        author = relationship("User", back_populates="posts")
    ```

    ## Use instead
    ```python
    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        posts = relationship("Post", back_populates="author", cascade="all, delete-orphan")
    ```
    Or let the database cascade: `ForeignKey("users.id", ondelete="CASCADE")` with
    `passive_deletes=True` on the relationship.

    ## Fix safety
    The fix is unsafe: `cascade="all, delete-orphan"` makes deleting a parent delete its
    children, and removing a child from the collection delete it. That is usually what a
    NOT NULL foreign key means, but it deletes rows that previously made the delete fail.

    ## References
    - [SQLAlchemy: cascades](https://docs.sqlalchemy.org/en/20/orm/cascades.html)
    - [SQLAlchemy: using foreign key ON DELETE with ORM relationships](https://docs.sqlalchemy.org/en/20/orm/cascades.html#using-foreign-key-on-delete-cascade-with-orm-relationships)
    """
    _MODELS = (
        'from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\n'
    )
    invalid = [
        _MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", back_populates="author")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    author = relationship("User", back_populates="posts")\n',
        'from typing import List\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    lines: Mapped[List["Line"]] = relationship()\n\n\nclass Line(Base):\n    __tablename__ = "lines"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))\n',
        _MODELS + 'class Parent(Base):\n    __tablename__ = "parent"\n    id = Column(Integer, primary_key=True)\n\n\nclass Child(Base):\n    __tablename__ = "child"\n    id = Column(Integer, primary_key=True)\n    parent_id = Column(Integer, ForeignKey("parent.id"), nullable=False)\n    parent = relationship("Parent", backref="children")\n',
        'from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass Author(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    books = db.relationship("Book", backref="author")\n\n\nclass Book(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)\n',
    ]
    valid = [
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", cascade="all, delete-orphan")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n', note="cascade set"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", passive_deletes=True)\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)\n', note="database-side cascade"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"))\n', note="nullable foreign key: children are detached"),
        Example(_MODELS + 'class Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    author = relationship("User", back_populates="posts")\n', note="many-to-one side"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    groups = relationship("Group", secondary="user_groups")\n\n\nclass Group(Base):\n    __tablename__ = "groups"\n    id = Column(Integer, primary_key=True)\n', note="many-to-many"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", viewonly=True)\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n', note="view-only relationship"),
        Example('from typing import Optional\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    lines: Mapped[list["Line"]] = relationship()\n\n\nclass Line(Base):\n    __tablename__ = "lines"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    order_id: Mapped[Optional[int]] = mapped_column(ForeignKey("orders.id"))\n', note="Optional[...] makes the column nullable"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    edited = relationship("Post", foreign_keys="Post.editor_id")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    editor_id = Column(ForeignKey("users.id"))\n', note="the relationship uses the nullable foreign key"),
    ]
    unsafe_fixed = {
        invalid[0]: invalid[0].replace('posts = relationship("Post", back_populates="author")', 'posts = relationship("Post", back_populates="author", cascade="all, delete-orphan")'),
        invalid[1]: invalid[1].replace('relationship()', 'relationship(cascade="all, delete-orphan")'),
        invalid[2]: invalid[2].replace('from sqlalchemy.orm import declarative_base, relationship', 'from sqlalchemy.orm import declarative_base, relationship, backref').replace('backref="children"', 'backref=backref("children", cascade="all, delete-orphan")'),
        invalid[3]: invalid[3].replace('db.relationship("Book", backref="author")', 'db.relationship("Book", backref="author", cascade="all, delete-orphan")'),
    }

    # Visits class-level assignments, not the class: the server may analyse a large class
    # member by member, so tables, foreign keys and relationships meet through facts.
    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) == 1:
            self._member(node.targets[0], node.value, None, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if node.value is not None:
            self._member(node.target, node.value, node.annotation, ctx)

    def _member(self, target, value, annotation, ctx) -> None:
        cls = ctx.parent
        if not isinstance(cls, ast.ClassDef) or not isinstance(target, ast.Name):
            return
        if ctx.file.is_test or ctx.file.is_migration:
            return
        if target.id == "__tablename__":
            table = string_value(value)
            if table:
                self.fact("table", cls.name, table)
            return
        if not isinstance(value, ast.Call):
            return
        last = _last(ctx, value.func)
        if last in {"Column", "mapped_column"}:
            self._column(cls, target.id, value, annotation, ctx)
        elif last in {"relationship", "relation"}:
            self._relationship(cls, target.id, value, annotation, ctx)

    def _column(self, cls: ast.ClassDef, attr: str, call: ast.Call, annotation, ctx) -> None:
        fks = [a for a in call.args if isinstance(a, ast.Call) and _last(ctx, a.func) == "ForeignKey"]
        if len(fks) != 1 or keyword(fks[0], "ondelete") is not None or has_star_kwargs(fks[0]):
            return
        nullable = keyword_value(call, "nullable")
        if isinstance(nullable, ast.Constant):
            not_null = nullable.value is False
        elif nullable is not None:
            return
        else:
            mapped, optional, _ = _annotation_parts(annotation)
            not_null = is_true(keyword_value(call, "primary_key")) or (
                _last(ctx, call.func) == "mapped_column" and mapped and not optional
            )
        if not not_null:
            return
        target = fks[0].args[0] if fks[0].args else keyword_value(fks[0], "column")
        text = string_value(target)
        if text is not None:
            parts = text.split(".")
            if len(parts) < 2:
                return
            key = parts[-2]
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            key = "class:" + target.value.id
        else:
            return
        name_kw = string_value(keyword_value(call, "name")) or (string_value(call.args[0]) if call.args else None)
        self.fact("fk", cls.name, key, attr)
        if name_kw:
            self.fact("fk", cls.name, key, name_kw)

    def _relationship(self, cls: ast.ClassDef, attr: str, call: ast.Call, annotation, ctx) -> None:
        if has_star_kwargs(call):
            return
        if any(keyword(call, k) is not None for k in ("cascade", "passive_deletes", "secondary", "viewonly", "remote_side")):
            return
        target = _relationship_target(call, annotation)
        if not target or target == cls.name:
            return
        own = cls.name
        owner = call.func.value.id if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) else None
        restrict = _columns_mentioned(keyword_value(call, "foreign_keys"), target)
        join = _columns_mentioned(keyword_value(call, "primaryjoin"), target)
        if restrict is None:
            restrict = join or None
        code = self.code

        def table_keys(facts: frozenset, name: str) -> set[str]:
            """How foreign keys may name class ``name``'s table: its ``__tablename__``, or
            Flask-SQLAlchemy's default (snake_case), and ``ForeignKey(Cls.id)``."""
            keys = {f[3] for f in facts if len(f) == 4 and f[0] == code and f[1] == "table" and f[2] == name}
            if not keys:
                keys = {_snake(name), name.lower()}
            return keys | {"class:" + name}

        def child_fk(facts: frozenset, child: str, keys, columns) -> bool:
            for fact in facts:
                if len(fact) == 5 and fact[0] == code and fact[1] == "fk" and fact[2] == child and fact[3] in keys:
                    if columns is None or fact[4] in columns:
                        return True
            return False

        # One-to-many (or one-to-one, uselist=False) from this class: the child holds a NOT
        # NULL foreign key to us.
        end = ctx.source.node_range(call)[1]
        args = [*call.args, *call.keywords]
        last_end = max((ctx.source.node_range(a)[1] for a in args), default=None)
        self.report(
            call,
            f'Add `cascade="all, delete-orphan"` (or `ondelete="CASCADE"` with `passive_deletes=True`) to '
            f"`{cls.name}.{attr}`: deleting a `{cls.name}` sets `{target}`'s NOT NULL foreign key to NULL and fails",
            fixes=[fix('Add `cascade="all, delete-orphan"`', _AddKeyword(end, last_end), safe=False)],
            condition=lambda facts: child_fk(facts, target, table_keys(facts, own), restrict),
        )
        # ``backref="children"`` on the many-to-one side creates the one-to-many side.
        backref = keyword_value(call, "backref")
        if backref is None or keyword(call, "back_populates") is not None:
            return
        if isinstance(backref, ast.Call):
            if has_star_kwargs(backref) or any(keyword(backref, k) is not None for k in ("cascade", "passive_deletes")):
                return
            backref_name = string_value(backref.args[0]) if backref.args else None
            b_args = [*backref.args, *backref.keywords]
            b_last = max((ctx.source.node_range(a)[1] for a in b_args), default=None)
            backref_fix = _AddKeyword(ctx.source.node_range(backref)[1], b_last)
        else:
            backref_name = string_value(backref)
            if backref_name is None:
                return
            backref_fix = _BackrefWithCascade(ctx.source.node_range(backref), owner)

        def parent_fk(facts: frozenset) -> bool:
            return child_fk(facts, own, table_keys(facts, target), restrict_own)

        restrict_own = _columns_mentioned(keyword_value(call, "foreign_keys"), own) or _columns_mentioned(keyword_value(call, "primaryjoin"), own) or None
        self.report(
            backref,
            f'Give the `{backref_name or "backref"}` backref `cascade="all, delete-orphan"`: deleting a `{target}` '
            f"sets `{own}`'s NOT NULL foreign key to NULL and fails",
            fixes=[fix('Add `cascade="all, delete-orphan"` to the backref', backref_fix, safe=False)],
            condition=parent_fk,
        )


# ---------------------------------------------------------------------------------------------
# PR508 god-file
# ---------------------------------------------------------------------------------------------


_GENERATED = re.compile(r"(?i)(@generated|do not edit|auto-?generated|generated by)")


def _is_generated(source) -> bool:
    """A file whose header says it is generated: its size is not the author's choice."""
    head = "\n".join(source.line_text(i) for i in range(min(10, source.line_count)))
    return bool(_GENERATED.search(head))


def _count_statements(body: list) -> int:
    count = 0
    pending = list(body)
    while pending:
        stmt = pending.pop()
        count += 1
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # nested definitions are measured on their own
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list):
                pending.extend(block)
        for handler in getattr(stmt, "handlers", None) or ():
            pending.extend(handler.body)
        for case in getattr(stmt, "cases", None) or ():
            pending.extend(case.body)
    return count


class GodFile(Rule):
    code = "PR508"
    name = "god-file"
    severity = Severity.INFORMATION
    summary = "A module or function is too large to review and test"
    fix_availability = "none"
    docs = """
    ## What it does
    Reports a module longer than `max-module-lines` lines (default 1000) on its first line,
    and a function with more than `max-function-statements` statements (default 100,
    counting statements nested in `if`/`for`/`try`/`with` blocks; nested functions and
    classes are measured on their own) on its name. Tests, migrations and generated files
    (a header with `@generated`, `DO NOT EDIT`, `auto-generated` or `generated by`) are
    skipped.

    ## Why is this bad?
    Very long modules and functions mix responsibilities, cannot be tested piece by piece,
    and make every change conflict with every other. Production incidents in them take
    longer to understand and to fix.

    ## Example
    A `views.py` with 3,000 lines, or a `handle_request()` with 250 statements.

    ## Use instead
    Split the module by responsibility (views, services, data access) and extract helper
    functions. Adjust the limits in `[tool.prodready]`:
    ```toml
    [tool.prodready]
    max-module-lines = 1500
    max-function-statements = 80
    ```

    ## References
    - [Ruff: too-many-statements (PLR0915)](https://docs.astral.sh/ruff/rules/too-many-statements/)
    """
    invalid = [
        Example("x = 1\n" * 12, options={"max-module-lines": 10}),
        Example("def f():\n" + "    x = 1\n" * 6, options={"max-function-statements": 5}),
        Example("def f(a):\n    if a:\n" + "        x = 1\n" * 3 + "    for i in a:\n        y = i\n", options={"max-function-statements": 5}),
        Example("x = 1\n" * 1001),
    ]
    valid = [
        Example("x = 1\n" * 10, options={"max-module-lines": 10}),
        Example("def f():\n" + "    x = 1\n" * 5, options={"max-function-statements": 5}),
        Example("def f():\n" + "    x = 1\n" * 20, path="tests/test_big.py", options={"max-function-statements": 5}, note="tests are skipped"),
        Example("x = 1\n" * 20, path="app/migrations/0001_initial.py", options={"max-module-lines": 10}, note="migrations are skipped"),
        Example("def f():\n    def g():\n" + "        x = 1\n" * 4 + "    return g\n", options={"max-function-statements": 5}, note="nested functions count on their own"),
        Example("# Code generated by protoc. DO NOT EDIT.\n" + "x = 1\n" * 20, options={"max-module-lines": 10}, note="generated files are skipped"),
    ]

    @classmethod
    def check_module(cls, source, file, config) -> list[Finding]:
        if file.is_test or file.is_migration or _is_generated(source):
            return []
        limit = config.option("max-module-lines", 1000)
        lines = source.line_count
        if source.text.endswith("\n") or not source.text:
            lines -= 1
        if not isinstance(limit, int) or lines <= limit:
            return []
        end = len(source.line_text(0))
        return [Finding(cls.code, cls.name, cls.severity,
                        f"Split this module: it has {lines} lines (limit {limit})", 0, end)]

    def visit_FunctionDef(self, node, ctx) -> None:
        if ctx.file.is_test or ctx.file.is_migration:
            return
        generated = self.__dict__.get("_generated")
        if generated is None:
            generated = self._generated = _is_generated(ctx.source)
        if generated:
            return
        limit = ctx.config.option("max-function-statements", 100)
        if not isinstance(limit, int) or (node.end_lineno or node.lineno) - node.lineno <= limit and ";" not in ctx.source.segment(node):
            return  # cannot hold more statements than lines (unless `;` joins some)
        count = _count_statements(node.body)
        if isinstance(limit, int) and count > limit:
            self.report(
                _def_name_range(ctx.source, node),
                f"Split `{node.name}()` into smaller functions: it has {count} statements (limit {limit})",
            )

    visit_AsyncFunctionDef = visit_FunctionDef
