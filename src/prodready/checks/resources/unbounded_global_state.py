"""PR505 `unbounded-global-state`: A module-level dict/list/set grows on every request and is never cleared.

The rule's metadata, docs, examples, visitor and fix builders live together here."""

from __future__ import annotations

import ast

from prodready.checks.resources._shared import handler_label, names_in
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule


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
                    race = name in names_in(node.value)
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
                f"`{handler_label(handler)}` adds to it on every call and nothing ever removes from it",
                condition=lambda facts: container in facts and shrinks not in facts,
            )
        threaded = handler.handler in {"route", "view", "socket"} and not isinstance(handler.node, ast.AsyncFunctionDef)
        if race and threaded and not ctx.holds_lock():
            # When this write also makes the state unbounded, that finding is the one shown.
            self.report(
                node,
                f"Guard the update of module-level `{name}` with a `threading.Lock`: concurrent calls of "
                f"`{handler_label(handler)}` lose updates",
                condition=lambda facts: container in facts and (shrinks in facts or not grows),
            )
