"""PR506 `singleton-reinit`: A singleton caches its instance in __new__ but __init__ resets its state on every call."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.resources._shared import def_name_range, names_in
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule


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
            test_names = names_in(stmt.test)
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
                qualified = (ctx.resolve(expr) or "") if not names_in(expr) & {_first_param(func) or ""} else ""
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
                    def_name_range(ctx.source, node),
                    f"Guard `{owner.name}.__init__` with an `if self._initialized: return` check (or drop "
                    f"`__new__` for a cached factory): it runs on every `{owner.name}()` and resets the shared instance",
                    condition=lambda facts: fact in facts,
                )
            return
        if not _caches_instance(node, owner.name):
            return
        self.fact("singleton", owner.name)
        uses_threads = ctx.module.derived("singleton-reinit:uses-threads", _uses_threads)
        if uses_threads and not _has_lock(node, ctx):
            self.report(
                def_name_range(ctx.source, node),
                f"Create the `{owner.name}` instance under a `threading.Lock` in `__new__`: concurrent first "
                f"calls can build two instances",
            )

    visit_AsyncFunctionDef = visit_FunctionDef


def _uses_threads(bindings: dict) -> bool:
    """Does the module bind something from ``threading`` or ``concurrent.futures``?"""
    return any((value or "").startswith(("threading", "concurrent.futures")) for value in bindings.values())
