"""PR504 `thread-per-request`: A new thread is started inside a request handler, once per request."""

from __future__ import annotations

import ast

from prodready.checks.resources._shared import handler_label
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule

_THREAD_CLASSES = {"threading.Thread", "threading.Timer"}


class ThreadPerRequest(Rule):
    code = "PR504"
    preview = True
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
            f"starting a thread on every call of `{handler_label(handler)}`",
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
