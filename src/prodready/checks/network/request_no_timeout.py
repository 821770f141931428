"""PR405 `request-no-timeout`: An outgoing HTTP request has no timeout."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.core.astutil import has_star_kwargs, is_none, keyword
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix

_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_REQUESTS_MODULES = ("requests.", "requests.api.")
_SESSIONS = frozenset({"requests.Session()", "requests.session()", "requests.sessions.Session()",
                       "requests.sessions.session()"})
_HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
_AIOHTTP_SESSIONS = frozenset({"aiohttp.ClientSession()", "aiohttp.client.ClientSession()"})
_CLIENT_TIMEOUT = frozenset({"aiohttp.ClientTimeout", "aiohttp.client.ClientTimeout"})
_LAST_NAMES = _METHODS | {"urlopen", "Client", "AsyncClient", "Timeout", "ClientTimeout", "stream", "send"}
# Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)
_REQUEST_TIMEOUT_POSITION = {"request": 8}


def _last_name(func: ast.AST) -> Optional[str]:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _no_socket_default(facts: frozenset) -> bool:
    return ("PR405", "socket-default") not in facts


def _insert_keyword_edit(source, call: ast.Call, text: str) -> tuple[int, str]:
    """Where and what to insert to add ``text`` (``timeout=30``) as the last argument of ``call``.

    Keeps a trailing comma and the one-argument-per-line layout of multi-line calls.
    """
    call_start, call_end = source.node_range(call)
    close = call_end - 1  # the closing parenthesis
    elements = [*call.args, *call.keywords]
    if not elements:
        return close, text
    last_end = max(source.node_range(e)[1] for e in elements)
    last_start = source.node_range(max(elements, key=lambda e: source.node_range(e)[1]))[0]
    between = source.text[last_end:close]
    code = between.split("#", 1)[0]
    comma = code.find(",")
    if comma == -1:
        return last_end, f", {text}"
    comma_at = last_end + comma + 1
    if "\n" in between[comma:]:
        line = source.line_of(last_start)
        line_start = source.line_starts[line]
        head = source.text[line_start:last_start]
        if not head.strip():
            # One argument per line: add a line after the trailing comma (and its comment).
            line_end = source.line_starts[source.line_of(comma_at) + 1] if source.line_of(comma_at) + 1 < source.line_count else len(source.text)
            return line_end, f"{head}{text},\n"
        return comma_at, f" {text},"
    return comma_at, f" {text}"


class RequestNoTimeout(Rule):
    code = "PR405"
    production_only = True  # quiet on tests and tooling: core/production.py
    equivalent_codes = ("S113", "B113")
    name = "request-no-timeout"
    severity = Severity.WARNING
    summary = "An outgoing HTTP request has no timeout"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds outgoing HTTP requests that can wait forever:
    - `requests.get/post/put/patch/delete/head/options/request(...)` without `timeout=`,
      and the same methods on a `requests.Session()` (`s = requests.Session()`,
      `with requests.Session() as s:`, `self.session = requests.Session()`);
    - `urllib.request.urlopen(url)` without a timeout;
    - an explicit `timeout=None` on any of these and on httpx (`httpx.get(..., timeout=None)`,
      `httpx.Client(timeout=None)`, `httpx.Timeout(None)`) and aiohttp
      (`aiohttp.ClientTimeout(total=None)`, `session.get(..., timeout=None)`).

    Plain httpx calls are not reported: httpx has a 5-second default timeout. Calls that
    pass `**kwargs` are not reported (the timeout may be in them), nor sessions that mount
    a transport adapter (`s.mount(...)`, the usual way to give a session a default timeout),
    nor modules that set a process-wide `socket.setdefaulttimeout(...)`.

    ## Why is this bad?
    `requests` and `urllib` wait for the server indefinitely by default. One upstream
    service that accepts the connection but never answers blocks the worker thread for
    good; a few of them and the whole service stops answering.

    ## Example
    ```python
    response = requests.get(url)
    ```

    ## Use instead
    ```python
    response = requests.get(url, timeout=30)
    ```

    ## Fix safety
    The fix adds `timeout=<request-timeout>` (the `request-timeout` option, default 30
    seconds), or replaces `timeout=None` with it. It is unsafe because a request that used
    to take longer now raises a timeout error. It keeps the call's layout: a trailing comma
    and one-argument-per-line formatting are preserved.

    ## References
    - [requests: Timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
    - [urllib.request.urlopen](https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen)
    - [httpx: Timeouts](https://www.python-httpx.org/advanced/timeouts/)
    """
    invalid = [
        "import requests\nr = requests.get(url)\n",
        "import requests\nr = requests.post(url, json=payload)\n",
        "import requests\ns = requests.Session()\ndef f():\n    return s.get(url)\n",
        "import requests\ndef f():\n    with requests.Session() as s:\n        return s.post(url, data=body)\n",
        "import requests\nclass Client:\n    def __init__(self):\n        self.session = requests.Session()\n\n    def fetch(self, url):\n        return self.session.get(url)\n",
        "from urllib.request import urlopen\nbody = urlopen(url).read()\n",
        "import requests\nr = requests.get(url, timeout=None)\n",
        "import httpx\nclient = httpx.Client(timeout=None)\n",
        "import httpx\nr = httpx.get(url, timeout=None)\n",
        "import aiohttp\ntimeout = aiohttp.ClientTimeout(total=None)\n",
        "import requests\nr = requests.request(\"GET\", url)\n",
        "import requests\nr = requests.get(\n    url,\n    headers=headers,\n)\n",
        "import requests\nr = requests.get(url,\n                 headers=headers)\n",
        "import requests\nr = requests.get(url,)\n",
        "from requests import get\nr = get(url)\n",
        "import requests\nr = requests.Session().get(url)\n",
        Example("import requests\nr = requests.get(url)\n", options={"request-timeout": 10}),
        "import requests\nr = requests.get(\n    url,  # the API\n    headers=headers,  # auth\n)\n",
    ]
    valid = [
        "import requests\nr = requests.get(url, timeout=10)\n",
        "import requests\ndef f(url, **kwargs):\n    return requests.get(url, **kwargs)\n",
        "import httpx\nr = httpx.get(url)\n",
        "import httpx\nwith httpx.Client() as c:\n    c.get(url)\n",
        "import requests\nr = requests.get(url, timeout=settings.TIMEOUT)\n",
        "from urllib.request import urlopen\nbody = urlopen(url, None, 10).read()\n",
        "d = {}\nx = d.get(\"key\")\n",
        "class Cache:\n    def __init__(self):\n        self.store = {}\n\n    def fetch(self, key):\n        return self.store.get(key)\n",
        "import requests\nfrom requests.adapters import HTTPAdapter\ns = requests.Session()\ns.mount(\"https://\", TimeoutAdapter(timeout=5))\ndef f():\n    return s.get(url)\n",
        Example("import requests\nr = requests.get(url)\n", path="tests/test_api.py", note="test code"),
        Example("import requests\ndef fetch(url):\n    return requests.get(url).json()\n", path="benchmarks/bench_api.py",
                note="benchmarks are tooling, not the service"),
        "import aiohttp\ntimeout = aiohttp.ClientTimeout(total=None, sock_read=30)\n",
        "import requests\nr = requests.Session().request(\"GET\", url, None, None, None, None, None, None, 10)\n",
        Example("import socket\nfrom urllib.request import urlopen\nsocket.setdefaulttimeout(10)\nbody = urlopen(url).read()\n",
                note="a process-wide socket timeout"),
    ]
    unsafe_fixed = {
        invalid[0]: "import requests\nr = requests.get(url, timeout=30)\n",
        invalid[2]: "import requests\ns = requests.Session()\ndef f():\n    return s.get(url, timeout=30)\n",
        invalid[4]: "import requests\nclass Client:\n    def __init__(self):\n        self.session = requests.Session()\n\n    def fetch(self, url):\n        return self.session.get(url, timeout=30)\n",
        invalid[5]: "from urllib.request import urlopen\nbody = urlopen(url, timeout=30).read()\n",
        invalid[6]: "import requests\nr = requests.get(url, timeout=30)\n",
        invalid[7]: "import httpx\nclient = httpx.Client(timeout=30)\n",
        invalid[9]: "import aiohttp\ntimeout = aiohttp.ClientTimeout(total=30)\n",
        invalid[11]: "import requests\nr = requests.get(\n    url,\n    headers=headers,\n    timeout=30,\n)\n",
        invalid[12]: "import requests\nr = requests.get(url,\n                 headers=headers, timeout=30)\n",
        invalid[13]: "import requests\nr = requests.get(url, timeout=30)\n",
        str(invalid[16]): "import requests\nr = requests.get(url, timeout=10)\n",
        invalid[17]: "import requests\nr = requests.get(\n    url,  # the API\n    headers=headers,  # auth\n    timeout=30,\n)\n",
    }

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        """``self.session = requests.Session()`` (or a class attribute): a session attribute."""
        value = node.value
        if not isinstance(value, ast.Call) or _last_name(value.func) not in {"Session", "session"}:
            return
        if (ctx.resolve(value) or "") not in _SESSIONS:
            return
        for target in node.targets:
            if isinstance(target, ast.Attribute):
                self.fact("session-attr", target.attr)
            elif isinstance(target, ast.Name) and ctx.classes and not ctx.functions:
                self.fact("session-attr", target.id)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            last = func.attr
        elif isinstance(func, ast.Name):
            qualified = ctx.resolve(func)
            last = qualified.rsplit(".", 1)[-1] if qualified else func.id
        else:
            return
        if last not in _LAST_NAMES:
            return
        timeout = keyword(node, "timeout")
        if timeout is not None:
            if is_none(timeout.value) and self._is_http_call(node, ctx, none_check=True):
                self._report_none(node, timeout.value, ctx)
            return
        if has_star_kwargs(node):
            return
        if last in {"Timeout", "ClientTimeout"}:
            self._check_timeout_object(node, ctx)
            return
        if last in {"Client", "AsyncClient", "stream", "send"}:
            return
        if any(isinstance(a, ast.Starred) for a in node.args):
            return
        callee = ctx.resolve(node.func)
        display: Optional[str] = None
        condition = None
        if callee is not None:
            if last == "urlopen":
                if callee in {"urllib.request.urlopen", "urllib2.urlopen"} and len(node.args) < 3:
                    display = "urlopen"
            elif callee.startswith(_REQUESTS_MODULES) and callee.count(".") == (2 if callee.startswith("requests.api.") else 1):
                display = f"requests.{last}"
            elif callee.rsplit(".", 1)[0] in _SESSIONS:
                if len(node.args) <= _REQUEST_TIMEOUT_POSITION.get(last, 99):
                    receiver = ctx.source.segment(node.func.value) if isinstance(node.func, ast.Attribute) else ""
                    display = f"{receiver}.{last}" if len(receiver) < 40 else f"Session.{last}"
                    condition = self._not_mounted(receiver)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Attribute) and last in _METHODS:
            # self.session.get(...) where the attribute holds a requests.Session()
            holder = node.func.value
            if isinstance(holder.value, ast.Name) and holder.value.id in {"self", "cls"}:
                attr = holder.attr
                receiver = ctx.source.segment(holder)
                mounted = self._not_mounted(receiver)
                display = f"{receiver}.{last}"
                condition = (lambda facts, attr=attr, mounted=mounted:
                             ("PR405", "session-attr", attr) in facts and mounted(facts))
        if display is None:
            return
        if condition is None:
            condition = _no_socket_default
        else:
            condition = (lambda facts, inner=condition: inner(facts) and _no_socket_default(facts))
        self._report_missing(node, display, ctx, condition)

    def leave_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "mount":
                self.fact("mounted", ctx.source.segment(func.value))
            elif func.attr == "setdefaulttimeout" and node.args and not is_none(node.args[0]):
                if ctx.resolve(func) == "socket.setdefaulttimeout":
                    self.fact("socket-default")  # bounds urllib/requests sockets of the process

    @staticmethod
    def _not_mounted(receiver: str):
        return lambda facts: ("PR405", "mounted", receiver) not in facts

    def _is_http_call(self, node: ast.Call, ctx, none_check: bool = False) -> bool:
        callee = ctx.resolve(node.func) or ""
        if not callee:
            return False
        head = callee.rsplit(".", 1)[0]
        return (callee.startswith(("requests.", "httpx.", "aiohttp.", "urllib.request.urlopen"))
                or head in _SESSIONS or head in _AIOHTTP_SESSIONS
                or any(head == f"{c}()" for c in _HTTPX_CLIENTS))

    def _timeout_value(self, ctx) -> int:
        value = ctx.config.option("request-timeout", 30)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 30

    def _report_missing(self, node: ast.Call, display: str, ctx, condition) -> None:
        seconds = self._timeout_value(ctx)
        at, text = _insert_keyword_edit(ctx.source, node, f"timeout={seconds}")

        def build(fc: FixContext, at=at, text=text):
            return [Edit(fc.at(at), fc.at(at), text)]

        self.report(node.func, f"Pass `timeout=` to `{display}()`: without it a server that never answers "
                               f"blocks this worker forever",
                    fixes=[fix(f"Add `timeout={seconds}`", build, safe=False)], condition=condition)

    def _report_none(self, node: ast.Call, value: ast.expr, ctx) -> None:
        seconds = self._timeout_value(ctx)
        span = ctx.source.node_range(value)

        def build(fc: FixContext, span=span):
            return [Edit(fc.at(span[0]), fc.at(span[1]), str(seconds))]

        self.report(value, "Set a finite timeout instead of `None`: a server that never answers blocks this "
                           "worker forever", fixes=[fix(f"Use `timeout={seconds}`", build, safe=False)])

    def _check_timeout_object(self, node: ast.Call, ctx) -> None:
        callee = ctx.resolve(node.func) or ""
        if callee == "httpx.Timeout":
            if len(node.args) == 1 and is_none(node.args[0]) and not node.keywords:
                self._report_none(node, node.args[0], ctx)
            return
        if callee not in _CLIENT_TIMEOUT or node.args:
            return
        values = {kw.arg: kw.value for kw in node.keywords}
        if all(is_none(v) for v in values.values()):
            total = values.get("total")
            if total is not None:
                self._report_none(node, total, ctx)
            else:
                seconds = self._timeout_value(ctx)
                at, text = _insert_keyword_edit(ctx.source, node, f"total={seconds}")

                def build(fc: FixContext, at=at, text=text):
                    return [Edit(fc.at(at), fc.at(at), text)]

                self.report(node, "Set a finite `total=` timeout: `ClientTimeout()` without values never times out",
                            fixes=[fix(f"Add `total={seconds}`", build, safe=False)])
