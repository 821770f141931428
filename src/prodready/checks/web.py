"""Web and security rules (PR401-PR404, PR406-PR408): CSRF, CORS, shell commands, unsafe
servers, remote code and SQL built from strings. PR405 (HTTP timeouts) lives in http.py.
"""

from __future__ import annotations

import ast
import re
import shlex
from typing import Optional

from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.frameworks import (
    CORS_ORIGIN_SETTINGS,
    cors_call_kind,
    cors_origin_expressions,
    is_drf_view_base,
)
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_import, merge_insertions, remove_import_if_unused

from prodready.checks._helpers import is_true, keyword, keyword_value


def _last_name(func: ast.AST) -> Optional[str]:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _callee_last(func: ast.AST, ctx) -> Optional[str]:
    """The last segment of what a callee means: ``attr`` of ``x.attr``, or of the name's
    resolution for a bare name (``co`` after ``from subprocess import check_output as co``)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        qualified = ctx.resolve(func)
        return qualified.rsplit(".", 1)[-1] if qualified else func.id
    return None


def _line_span(ctx, node: ast.AST) -> Optional[tuple[int, int]]:
    """The whole line(s) of a decorator (``@`` included) when nothing else shares them."""
    source = ctx.source
    start, end = source.node_range(node)
    first = source.line_of(start)
    last = source.line_of(end)
    head = source.text[source.line_starts[first]:start]
    if head.strip() != "@":
        return None
    tail = source.line_text(last)[end - source.line_starts[last]:].strip()
    if tail and not tail.startswith("#"):
        return None
    stop = source.line_starts[last + 1] if last + 1 < source.line_count else len(source.text)
    return source.line_starts[first], stop


def _in_debug_branch(ctx) -> bool:
    """Inside ``if DEBUG:`` / ``if settings.DEBUG:`` (either branch: it depends on DEBUG)."""
    for parent in ctx.parents:
        if isinstance(parent, ast.If):
            for node in ast.walk(parent.test):
                name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
                if "DEBUG" in name.upper():
                    return True
    return False


# ---------------------------------------------------------------------------------------------
# PR401 csrf-exempt
# ---------------------------------------------------------------------------------------------
CSRF_EXEMPT = "django.views.decorators.csrf.csrf_exempt"
METHOD_DECORATOR = "django.utils.decorators.method_decorator"
_VERIFY_EXACT = {"construct_event", "compare_digest", "is_valid_request", "verify_header", "validate_request"}
_VERIFY_VERBS = ("verify", "validate", "check", "is_valid")
_VERIFY_OBJECTS = ("signature", "webhook", "hmac", "_sig")


def _is_verify_name(last: str, call: ast.Call, resolve) -> bool:
    """Is ``call`` (whose callee ends in ``last``) a webhook signature check?"""
    lowered = last.lower()
    if lowered in _VERIFY_EXACT:
        return True
    if any(v in lowered for v in _VERIFY_VERBS) and (any(o in lowered for o in _VERIFY_OBJECTS) or lowered.endswith("sig")):
        return True
    if lowered == "verify":
        callee = resolve(call.func) or ""
        return "Webhook()" in callee or "svix" in callee or "Signature" in callee
    return False


def _verifies_signature(node: ast.AST, resolve) -> bool:
    """Does the code under ``node`` check a webhook signature (Stripe, HMAC, svix, Slack...)?"""
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            last = _last_name(child.func)
            if last is not None and _is_verify_name(last, child, resolve):
                return True
    return False


def _is_api_view(func: ast.AST, resolve) -> bool:
    for decorator in getattr(func, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = resolve(target) or ""
        if qualified.rsplit(".", 1)[-1] == "api_view" and (qualified.startswith("rest_framework") or qualified == "api_view"):
            return True
    return False


class CsrfExempt(Rule):
    code = "PR401"
    name = "csrf-exempt"
    severity = Severity.WARNING
    summary = "`csrf_exempt` turns off Django's CSRF protection for a view"
    fix_availability = "sometimes"
    docs = """
    ## What it does
    Finds views that switch off Django's CSRF protection: `@csrf_exempt` on a function or
    method, `@method_decorator(csrf_exempt, name="dispatch")` on a class, and
    `csrf_exempt(View.as_view())` in a URL configuration.

    On Django REST framework views (`APIView`, `GenericAPIView` and `ViewSet` subclasses,
    also through your own base classes, and `@api_view` functions) the decorator is
    **redundant**: DRF already wraps its views in `csrf_exempt`, and `SessionAuthentication`
    enforces CSRF itself for cookie-authenticated requests. There the finding is information
    and the fix removes the decorator.

    Webhook receivers that verify the sender's signature (`stripe.Webhook.construct_event`,
    `hmac.compare_digest`, a `verify_signature(...)`-like call) legitimately need
    `csrf_exempt`; they are reported as information, as a reminder that the signature check
    is what protects them.

    ## Why is this bad?
    A CSRF-exempt view accepts state-changing requests that another website makes with your
    user's cookies: any page the user visits can post to it.

    ## Example
    ```python
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def update_profile(request):
        ...
    ```

    ## Use instead
    ```python
    def update_profile(request):  # the client sends the CSRF token (X-CSRFToken header)
        ...
    ```

    ## Fix safety
    On DRF views the fix removes the decorator (and its import when nothing else uses it);
    it is safe because DRF's `as_view()` exempts the view anyway and CSRF is then enforced
    by `SessionAuthentication` exactly as before. On plain Django views there is no fix:
    re-enabling CSRF needs the client to send the token.

    ## References
    - [Django: Cross Site Request Forgery protection](https://docs.djangoproject.com/en/stable/ref/csrf/)
    - [DRF: CSRF with SessionAuthentication](https://www.django-rest-framework.org/topics/ajax-csrf-cors/)
    """
    invalid = [
        "from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef update_profile(request):\n    return None\n",
        "from django.utils.decorators import method_decorator\nfrom django.views import View\nfrom django.views.decorators.csrf import csrf_exempt\n\n@method_decorator(csrf_exempt, name=\"dispatch\")\nclass Upload(View):\n    def post(self, request):\n        return None\n",
        "from django.urls import path\nfrom django.views.decorators.csrf import csrf_exempt\nfrom . import views\n\nurlpatterns = [path(\"upload/\", csrf_exempt(views.Upload.as_view()))]\n",
        # DRF: redundant, information, safe fix
        "from django.utils.decorators import method_decorator\nfrom django.views.decorators.csrf import csrf_exempt\nfrom rest_framework.views import APIView\n\n@method_decorator(csrf_exempt, name=\"dispatch\")\nclass Items(APIView):\n    def post(self, request):\n        return None\n",
        "from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie\nfrom rest_framework.decorators import api_view\n\n@csrf_exempt\n@api_view([\"POST\"])\ndef items(request):\n    return None\n",
        "from django.utils.decorators import method_decorator\nfrom django.views.decorators.csrf import csrf_exempt\nfrom rest_framework import viewsets\n\nclass Base(viewsets.ModelViewSet):\n    pass\n\n@method_decorator(csrf_exempt, name=\"dispatch\")\nclass Items(Base):\n    pass\n",
        "from django.urls import path\nfrom django.views.decorators.csrf import csrf_exempt\nfrom rest_framework.views import APIView\n\nclass Items(APIView):\n    pass\n\nurlpatterns = [path(\"items/\", csrf_exempt(Items.as_view()))]\n",
        # webhook that verifies its signature: information
        "import stripe\nfrom django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef stripe_webhook(request):\n    event = stripe.Webhook.construct_event(request.body, request.headers[\"Stripe-Signature\"], SECRET)\n    return event\n",
        "import hmac\nfrom django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef github_hook(request):\n    if not hmac.compare_digest(sign(request.body), request.headers[\"X-Hub-Signature-256\"]):\n        return None\n    return handle(request)\n",
        "from django.views.decorators import csrf\n\n@csrf.csrf_exempt\ndef hook(request):\n    return None\n",
        "from django.views.decorators.csrf import csrf_exempt as no_csrf\n\n@no_csrf\ndef hook(request):\n    return None\n",
    ]
    valid = [
        "from django.views.decorators.csrf import csrf_protect\n\n@csrf_protect\ndef update_profile(request):\n    return None\n",
        "def csrf_exempt(f):\n    return f\n\n@csrf_exempt\ndef view(request):\n    return None\n",
        Example("from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef view(request):\n    return None\n",
                path="tests/test_views.py", note="test code"),
        "from django.views.decorators.csrf import ensure_csrf_cookie\n\n@ensure_csrf_cookie\ndef page(request):\n    return None\n",
    ]
    fixed = {
        invalid[3]: "from rest_framework.views import APIView\n\nclass Items(APIView):\n    def post(self, request):\n        return None\n",
        invalid[4]: "from django.views.decorators.csrf import ensure_csrf_cookie\nfrom rest_framework.decorators import api_view\n\n@api_view([\"POST\"])\ndef items(request):\n    return None\n",
        invalid[5]: "from rest_framework import viewsets\n\nclass Base(viewsets.ModelViewSet):\n    pass\n\nclass Items(Base):\n    pass\n",
        invalid[6]: "from django.urls import path\nfrom rest_framework.views import APIView\n\nclass Items(APIView):\n    pass\n\nurlpatterns = [path(\"items/\", Items.as_view())]\n",
    }

    _PLAIN = ("Send the CSRF token from the client instead of disabling CSRF protection with `csrf_exempt`: "
              "any website can submit requests to this view with your users' cookies")
    _DRF = ("Remove the redundant `csrf_exempt`: DRF views are already exempt and "
            "`SessionAuthentication` enforces CSRF itself")
    _WEBHOOK = ("Keep the signature check on every path of this webhook: it is what protects this "
                "`csrf_exempt` view")

    def _is_csrf_exempt(self, node: ast.AST, ctx) -> bool:
        if _last_name(node) is None:
            return False
        return ctx.resolve(node) == CSRF_EXEMPT

    def _decorator_exempts(self, decorator: ast.expr, ctx) -> bool:
        """``@csrf_exempt`` or ``@method_decorator(csrf_exempt, ...)``."""
        if self._is_csrf_exempt(decorator, ctx):
            return True
        if isinstance(decorator, ast.Call) and decorator.args and _last_name(decorator.func) == "method_decorator":
            if ctx.resolve(decorator.func) == METHOD_DECORATOR and self._is_csrf_exempt(decorator.args[0], ctx):
                return True
        return False

    def _report_exempt(self, decorator: ast.expr, ctx, drf: bool, webhook) -> None:
        """One exempting decorator; ``webhook`` is a bool or a condition on module facts."""
        if drf:
            fixes = []
            span = _line_span(ctx, decorator)
            if span is not None:
                names = [n.id for n in ast.walk(decorator) if isinstance(n, ast.Name)]
                fixes.append(fix("Remove the redundant `csrf_exempt` decorator", _remove_builder(span, names)))
            self.report(decorator, self._DRF, severity=Severity.INFORMATION, fixes=fixes, tags=("unnecessary",))
        elif webhook is True:
            self.report(decorator, self._WEBHOOK, severity=Severity.INFORMATION)
        elif webhook is False:
            self.report(decorator, self._PLAIN)
        else:  # decided by the whole class, whose members may be analysed as separate blocks
            self.report(decorator, self._WEBHOOK, severity=Severity.INFORMATION, condition=webhook)
            self.report(decorator, self._PLAIN, condition=lambda facts, verified=webhook: not verified(facts))

    def visit_FunctionDef(self, node, ctx) -> None:
        if not node.decorator_list or ctx.file.is_test:
            return
        exempting = [d for d in node.decorator_list if self._decorator_exempts(d, ctx)]
        if not exempting:
            return
        drf = _is_api_view(node, ctx.resolve)
        owner = ctx.parent
        if not drf and isinstance(owner, ast.ClassDef):
            drf = any(is_drf_view_base(b) for b in ctx.class_bases(owner))
        webhook = _verifies_signature(node, ctx.resolve)
        for decorator in exempting:
            self._report_exempt(decorator, ctx, drf, webhook)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = _callee_last(node.func, ctx)
        if last == "method_decorator":
            self._class_decorator(node, ctx)
            return
        if ctx.classes and ctx.functions and last is not None and _is_verify_name(last, node, ctx.resolve):
            self.fact("verifies", ctx.classes[-1].name)
            return
        if last != "csrf_exempt" or len(node.args) != 1 or node.keywords or ctx.file.is_test:
            return
        if not self._is_csrf_exempt(node.func, ctx):
            return
        arg = node.args[0]
        if self._wraps_drf_view(arg, ctx):
            call_range = ctx.source.node_range(node)
            arg_text = ctx.source.segment(arg)
            names = [node.func.id] if isinstance(node.func, ast.Name) else []

            def build(fc: FixContext, call_range=call_range, arg_text=arg_text, names=names):
                start, end = fc.at(call_range[0]), fc.at(call_range[1])
                edits = [Edit(start, end, arg_text)]
                for name in names:
                    edits += remove_import_if_unused(fc.text, name, (start, end))
                return edits

            self.report(node.func, self._DRF, severity=Severity.INFORMATION,
                        fixes=[fix("Remove the redundant `csrf_exempt(...)` wrapper", build)], tags=("unnecessary",))
        else:
            self.report(node.func, self._PLAIN)

    def _class_decorator(self, node: ast.Call, ctx) -> None:
        """``@method_decorator(csrf_exempt, name="dispatch")`` on a class."""
        owner = ctx.parent
        if not isinstance(owner, ast.ClassDef) or ctx.file.is_test:
            return
        if not any(d is node for d in owner.decorator_list) or not self._decorator_exempts(node, ctx):
            return
        drf = any(is_drf_view_base(b) for b in ctx.class_bases(owner))
        name = owner.name
        self._report_exempt(node, ctx, drf, lambda facts, name=name: ("PR401", "verifies", name) in facts)

    def _wraps_drf_view(self, arg: ast.expr, ctx) -> bool:
        """``csrf_exempt(Items.as_view(...))`` where ``Items`` is a DRF view of this file."""
        if not (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "as_view"):
            return False
        view = arg.func.value
        qualified = ctx.resolve(view) or ""
        if is_drf_view_base(qualified):
            return True
        if isinstance(view, ast.Name) and view.id in ctx.module.classes:
            pending, seen = [view.id], set()
            while pending:
                name = pending.pop()
                if name in seen:
                    continue
                seen.add(name)
                for base in ctx.module.classes.get(name, ()):
                    if base.startswith("<local>."):
                        pending.append(base[len("<local>."):])
                    elif is_drf_view_base(base):
                        return True
        return False


def _remove_builder(span: tuple[int, int], names: list[str]):
    def build(fc: FixContext):
        start, end = fc.at(span[0]), fc.at(span[1])
        edits = [Edit(start, end, "")]
        for name in names:
            edits += remove_import_if_unused(fc.text, name, (start, end))
        return edits

    return build


# ---------------------------------------------------------------------------------------------
# PR402 hardcoded-cors-origins / PR403 cors-allow-all
# ---------------------------------------------------------------------------------------------
def _literal_origins(expr: ast.AST) -> Optional[list[str]]:
    """The origins of a string literal or a list/tuple/set of string literals, else None."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        values = []
        for elt in expr.elts:
            if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
                return None
            values.append(elt.value)
        return values
    return None


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
        if not node.keywords or _last_name(node.func) not in _CORS_NAMES:
            return
        if ctx.file.is_test or ctx.file.is_dev_config:
            return
        for expr in cors_origin_expressions(node, ctx.names):
            origins = _literal_origins(expr)
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
        origins = _literal_origins(value)
        if not origins or "*" in origins:
            return
        if target.id in CORS_ORIGIN_SETTINGS and not ctx.functions and not ctx.classes:
            if not _in_debug_branch(ctx):
                self._report(value, origins, ctx)
            return
        if isinstance(value, ast.Constant) or not all(_looks_like_origin(o) for o in origins):
            return
        name = target.id
        self._report(value, origins, ctx, condition=lambda facts, name=name: ("PR402", "origins-var", name) in facts)


_TRUTHY = frozenset({"true", "1", "yes", "on", "t", "y"})


def _env_default_true(value: ast.AST) -> bool:
    """An environment lookup whose fallback is on: ``get_bool_env("X", True)``,
    ``env.bool("X", default=True)``, ``os.getenv("X", "True") == "True"``."""
    if isinstance(value, ast.Compare) and len(value.ops) == 1 and isinstance(value.ops[0], (ast.Eq, ast.In)):
        left, right = value.left, value.comparators[0]
        lowered = isinstance(left, ast.Call) and isinstance(left.func, ast.Attribute) and left.func.attr == "lower"
        call = left.func.value if lowered else left
        default = _lookup_default(call)
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            return False
        text = default.value.lower() if lowered else default.value
        options = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
        return any(isinstance(o, ast.Constant) and o.value == text for o in options)
    default = _lookup_default(value)
    if isinstance(default, ast.Constant):
        return default.value is True or isinstance(default.value, str) and default.value.lower() in _TRUTHY
    return False


def _lookup_default(call: ast.AST) -> Optional[ast.expr]:
    """The fallback of ``lookup("NAME", default)``/``lookup("NAME", default=...)`` calls."""
    if not isinstance(call, ast.Call) or not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    if not isinstance(call.args[0].value, str) or not call.args[0].value.isupper():
        return None
    default = keyword_value(call, "default")
    if default is None and len(call.args) >= 2:
        default = call.args[1]
    return default


_CORS_NAMES = frozenset({"CORS", "cross_origin", "init_app", "SocketIO", "Server", "AsyncServer",
                         "add_middleware", "Middleware"})
CORS_ALLOW_ALL_SETTINGS = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})


class CorsAllowAll(Rule):
    code = "PR403"
    name = "cors-allow-all"
    severity = Severity.ERROR
    summary = "CORS allows every origin together with credentials (or in production settings)"
    docs = """
    ## What it does
    Finds CORS configurations that let every website talk to the API as the logged-in user:
    - flask-cors `CORS(...)`/`@cross_origin(...)` with `supports_credentials=True` and
      origins `"*"` (or no `origins=` at all: flask-cors defaults to `"*"` and then reflects
      the caller's origin; not when the module sets `CORS_ORIGINS` in the Flask config or
      loads the config from elsewhere with `app.config.from_*`);
    - `CORSMiddleware` with `allow_origins=["*"]` and `allow_credentials=True` (Starlette
      then echoes the request's origin when cookies are sent);
    - Socket.IO `cors_allowed_origins="*"` (browsers send cookies on WebSocket connections,
      so any page can open an authenticated socket);
    - Django `CORS_ALLOW_ALL_ORIGINS = True` / `CORS_ORIGIN_ALLOW_ALL = True` in a
      production settings module (not in dev/test settings, not under `if DEBUG:`), also
      when it is read from the environment with an "on" fallback
      (`env.bool("CORS_ALLOW_ALL_ORIGINS", default=True)`).

    ## Why is this bad?
    With credentials allowed for every origin, any website the user visits can read
    responses of authenticated requests: account data, tokens, CSRF tokens.

    ## Example
    ```python
    CORS(app, supports_credentials=True)
    ```

    ## Use instead
    ```python
    CORS(app, origins=os.environ["CORS_ORIGINS"].split(","), supports_credentials=True)
    ```
    (see PR402 for environment-backed origin lists).

    ## References
    - [MDN: CORS and credentials](https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials)
    - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    """
    invalid = [
        "from flask_cors import CORS\nCORS(app, origins=\"*\", supports_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app, supports_credentials=True)\n",
        "from flask_cors import CORS\nCORS(app, resources={r\"/api/*\": {\"origins\": \"*\"}}, supports_credentials=True)\n",
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_credentials=True, allow_methods=[\"*\"])\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=\"*\")\n",
        "import socketio\nsio = socketio.AsyncServer(async_mode=\"asgi\", cors_allowed_origins=\"*\")\n",
        Example("CORS_ALLOW_ALL_ORIGINS = True\n", path="mysite/settings.py"),
        Example("CORS_ORIGIN_ALLOW_ALL = True\n", path="config/settings/production.py"),
        Example("CORS_ALLOW_ALL_ORIGINS = get_bool_env(\"CORS_ALLOW_ALL_ORIGINS\", True)\n", path="core/settings/base.py"),
        Example("import os\nCORS_ALLOW_ALL_ORIGINS = os.getenv(\"CORS_ALLOW_ALL\", \"True\").lower() == \"true\"\n", path="mysite/settings.py"),
        Example("CORS_ORIGIN_ALLOW_ALL = env.bool(\"CORS_ORIGIN_ALLOW_ALL\", default=True)\n", path="mysite/settings.py"),
        "from flask_cors import cross_origin\n\n@cross_origin(supports_credentials=True)\ndef view():\n    return \"\"\n",
    ]
    valid = [
        "from flask_cors import CORS\nCORS(app)\n",
        "from flask_cors import CORS\nCORS(app, origins=\"*\")\n",
        "from flask_cors import CORS\nCORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)\n",
        "from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_methods=[\"*\"])\n",
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app, cors_allowed_origins=[\"https://app.example.com\"])\n",
        Example("CORS_ALLOW_ALL_ORIGINS = True\n", path="mysite/settings/dev.py", note="dev settings"),
        Example("if DEBUG:\n    CORS_ALLOW_ALL_ORIGINS = True\n", path="mysite/settings.py", note="only in debug"),
        Example("CORS_ALLOW_ALL_ORIGINS = DEBUG\n", path="mysite/settings.py"),
        Example("CORS_ALLOW_ALL_ORIGINS = env.bool(\"CORS_ALLOW_ALL_ORIGINS\", default=False)\n", path="mysite/settings.py"),
        Example("import os\nCORS_ALLOW_ALL_ORIGINS = os.getenv(\"CORS_ALLOW_ALL\", \"False\") == \"True\"\n", path="mysite/settings.py"),
        Example("from flask_cors import CORS\napp.config[\"CORS_ORIGINS\"] = os.environ[\"ORIGINS\"]\nCORS(app, supports_credentials=True)\n",
                note="origins come from app.config"),
        Example("from flask_cors import CORS\napp.config.from_prefixed_env()\nCORS(app, supports_credentials=True)\n",
                note="the configuration (maybe CORS_ORIGINS) comes from outside"),
    ]

    _CREDENTIALS = ("List the trusted origins instead of allowing every origin with credentials: any website "
                    "could make authenticated requests as your users and read the answers")
    _DEFAULT = ("Pass `origins=` with the trusted origins: flask-cors allows every origin by default, and with "
                "`supports_credentials=True` any website can make authenticated requests as your users")
    _SOCKETIO = ("List the trusted origins in `cors_allowed_origins` instead of `\"*\"`: any website could open "
                 "a Socket.IO connection with your users' cookies")
    _DJANGO = ("Set `CORS_ALLOWED_ORIGINS` to the trusted origins instead of allowing every origin in "
               "production settings")
    _DJANGO_DEFAULT = ("Make allowing every origin opt-in (default off): when the environment does not set it, "
                       "these production settings allow every origin")

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "config":
            # app.config.from_object/from_pyfile/from_envvar/update(...) may set CORS_ORIGINS
            if func.attr.startswith("from_") or any(k.arg == "CORS_ORIGINS" for k in node.keywords):
                self.fact("origins-config")
            return
        if not node.keywords or _last_name(func) not in _CORS_NAMES or ctx.file.is_test or ctx.file.is_dev_config:
            return
        kind = cors_call_kind(node, ctx.names)
        if kind is None:
            return
        origins = cors_origin_expressions(node, ctx.names)
        if kind == "socketio":
            for expr in origins:
                if isinstance(expr, ast.Constant) and expr.value == "*":
                    self.report(expr, self._SOCKETIO)
            return
        credentials = "supports_credentials" if kind == "flask-cors" else "allow_credentials"
        if not is_true(keyword_value(node, credentials)):
            return
        for expr in origins:
            values = _literal_origins(expr)
            if values and "*" in values:
                self.report(expr, self._CREDENTIALS)
        if not origins and kind == "flask-cors":
            self.report(node.func, self._DEFAULT, condition=lambda facts: ("PR403", "origins-config") not in facts)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) != 1:
            return
        target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "CORS_ORIGINS" or isinstance(target, ast.Subscript) and (
                isinstance(target.slice, ast.Constant) and target.slice.value == "CORS_ORIGINS"):
            self.fact("origins-config")  # a Flask config (class, module or app.config[...]) feeding flask-cors
        if ctx.functions or ctx.classes or not (isinstance(target, ast.Name) and target.id in CORS_ALLOW_ALL_SETTINGS):
            return
        if not ctx.file.is_production_settings or _in_debug_branch(ctx):
            return
        if is_true(node.value):
            self.report(node, self._DJANGO)
        elif _env_default_true(node.value):
            self.report(node.value, self._DJANGO_DEFAULT)


# ---------------------------------------------------------------------------------------------
# Local string values (shared by PR404 and PR408): what a local name was last assigned
# ---------------------------------------------------------------------------------------------
class _LocalValues:
    """Per function: name -> the value (expression) it was last assigned, in walk order."""

    def __init__(self) -> None:
        self.scopes: dict[int, dict[str, object]] = {}

    def scope(self, ctx) -> dict[str, object]:
        key = id(ctx.functions[-1].node) if ctx.functions else 0
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.scopes[key] = {}
        return scope


# ---------------------------------------------------------------------------------------------
# PR404 subprocess-shell
# ---------------------------------------------------------------------------------------------
_SHELL_KWARG = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                          "subprocess.Popen"})
_ALWAYS_SHELL = frozenset({"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                           "asyncio.create_subprocess_shell"})
_SHELL_LAST = frozenset({n.rsplit(".", 1)[-1] for n in _SHELL_KWARG | _ALWAYS_SHELL})
# Characters whose meaning the shell changes (expansion, globbing, redirection, control).
_SHELL_META = set("|&;<>$`*?~(){}[]!#\\\n\r\t%^")
_SHELL_BUILTINS = frozenset({"cd", "export", "source", ".", "set", "unset", "alias", "exit", "ulimit", "umask",
                             "eval", "exec", "trap", "wait", "read", "shopt", "type", "hash", "builtin",
                             "command", "if", "for", "while", "case", "until", "function", "local",
                             "dir", "copy", "del", "move", "ren", "cls", "start", "mkdir", "rd", "md", "echo"})


def _constant_text(expr: ast.AST) -> Optional[str]:
    """The text of a string literal or an f-string without placeholders."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in expr.values):
        return "".join(v.value for v in expr.values)  # type: ignore[attr-defined]
    return None


def _is_literal_command(expr: ast.AST, locals_: dict, depth: int = 0) -> bool:
    """A command made only of literals and UPPER_CASE constants (no runtime values)."""
    if depth > 6:
        return False
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.JoinedStr):
        return all(_is_literal_command(v.value if isinstance(v, ast.FormattedValue) else v, locals_, depth + 1)
                   for v in expr.values)
    if isinstance(expr, (ast.List, ast.Tuple)):
        return all(_is_literal_command(e, locals_, depth + 1) for e in expr.elts)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _is_literal_command(expr.left, locals_, depth + 1) and _is_literal_command(expr.right, locals_, depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        return isinstance(expr.func.value, ast.Constant) and all(
            _is_literal_command(a, locals_, depth + 1) for a in [*expr.args, *(k.value for k in expr.keywords)])
    if isinstance(expr, ast.Attribute):
        return expr.attr.isupper() and len(expr.attr) > 1
    if isinstance(expr, ast.Name):
        if expr.id.isupper() and len(expr.id) > 1:
            return True
        value = locals_.get(expr.id)
        return isinstance(value, ast.AST) and _is_literal_command(value, {}, depth + 1)
    return False


def _command_template(command: ast.AST, source) -> Optional[tuple[str, dict[str, str]]]:
    """(text, {placeholder: expression source}) for a literal or an f-string command.

    Each ``{expr}`` of an f-string becomes an alphanumeric placeholder so that the text can
    be split like the shell would; conversions and format specs are not handled.
    """
    text = _constant_text(command)
    if text is not None:
        return text, {}
    if not isinstance(command, ast.JoinedStr):
        return None
    pieces: list[str] = []
    holes: dict[str, str] = {}
    for value in command.values:
        if isinstance(value, ast.Constant):
            pieces.append(str(value.value))
            continue
        if not isinstance(value, ast.FormattedValue) or value.conversion != -1 or value.format_spec is not None:
            return None
        expr = source.segment(value.value)
        if "\n" in expr or "\\" in expr:
            return None
        key = f"PRODREADYARG{len(holes)}X"
        holes[key] = expr
        pieces.append(key)
    return "".join(pieces), holes


def _argv(text: str, holes: Optional[dict[str, str]] = None) -> Optional[list[str]]:
    """Tokens of a shell command that means the same without a shell, as Python source, or None.

    A placeholder that is a whole token becomes ``str(expr)``; one inside a token becomes an
    f-string token (``f"--out={path}"``), so each value stays exactly one argument.
    """
    holes = holes or {}
    if not text.strip() or any(c in _SHELL_META for c in text):
        return None
    try:
        tokens = shlex.split(text)
    except ValueError:
        return None
    if not tokens or "=" in tokens[0] or tokens[0] in _SHELL_BUILTINS or tokens[0] in holes:
        return None
    if sum(token.count(key) for token in tokens for key in holes) != len(holes):
        return None  # a placeholder vanished or was duplicated (should not happen)
    rendered = []
    for token in tokens:
        if not token.isprintable():
            return None
        if token in holes:
            rendered.append(f"str({holes[token]})")
            continue
        inside = [key for key in holes if key in token]
        if inside:
            body = token.replace("{", "{{").replace("}", "}}")
            for key in inside:
                body = body.replace(key, "{" + holes[key] + "}")
            exprs = "".join(holes[key] for key in inside)
            quote = '"' if '"' not in token and '"' not in exprs else "'" if "'" not in token and "'" not in exprs else None
            if quote is None:
                return None
            rendered.append(f"f{quote}{body}{quote}")
        elif '"' not in token:
            rendered.append(f'"{token}"')
        elif "'" not in token:
            rendered.append(f"'{token}'")
        else:
            return None
    return rendered


def _removal_span(ctx, call: ast.Call, kw: ast.keyword) -> tuple[int, int]:
    """The text to delete to drop keyword ``kw`` from ``call`` (with its comma)."""
    source = ctx.source
    start, end = source.node_range(kw)
    line = source.line_of(start)
    line_start = source.line_starts[line]
    rest = source.line_text(line)[end - line_start:]
    if not source.text[line_start:start].strip() and rest.lstrip().startswith(",") and source.line_of(end) == line:
        after = rest.lstrip()[1:].strip()
        if not after or after.startswith("#"):
            stop = source.line_starts[line + 1] if line + 1 < source.line_count else len(source.text)
            return line_start, stop  # the keyword is alone on its line
    elements = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
    index = elements.index(kw)
    if index > 0:
        return source.node_range(elements[index - 1])[1], end
    if index + 1 < len(elements):
        return start, source.node_range(elements[index + 1])[0]
    return start, end


class SubprocessShell(Rule):
    code = "PR404"
    name = "subprocess-shell"
    severity = Severity.ERROR
    summary = "A command runs through the shell (`shell=True`, `os.system`, `os.popen`)"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds commands run through a shell: `shell=True` in `subprocess.run`, `call`,
    `check_call`, `check_output` and `Popen`, and `os.system`, `os.popen`,
    `subprocess.getoutput`/`getstatusoutput`, `asyncio.create_subprocess_shell`.
    It is an error when the command is built from variables (an f-string with values, `+`,
    `%`, `.format()`, a variable), a warning for a literal command.

    ## Why is this bad?
    The shell interprets `;`, `|`, `$(...)`, backticks and quotes in the command. When any
    part of it comes from a request, a file name or a database, an attacker can run commands
    on the server (shell injection). Even for literal commands an argument list is clearer
    and does not depend on which `/bin/sh` the container ships.

    ## Example
    ```python
    subprocess.run(f"convert {upload_path} out.png", shell=True)
    ```

    ## Use instead
    ```python
    subprocess.run(["convert", upload_path, "out.png"], check=True)
    ```

    ## Fix safety
    Offered only for a literal command, or a simple f-string, that contains no shell
    syntax: no `|&;<>$`, backticks, globs (`*?[]`), `~`, braces, `#`, `%`, backslashes,
    leading `VAR=value` assignments or shell builtins (`cd`, `export`, `echo`...). The
    string is split with `shlex.split` into an argument list and `shell=True` is removed;
    each f-string placeholder stays exactly one argument (`f"convert {src} out.png"` becomes
    `["convert", str(src), "out.png"]`, `f"--out={dst}"` stays an f-string argument), which
    is the point of the fix: a value with spaces or `;` is no longer split or run; `os.system("...")` used as a statement becomes `subprocess.run([...])` (adding
    `import subprocess`); `asyncio.create_subprocess_shell("...")` becomes
    `create_subprocess_exec(...)`. The fix is **unsafe** because behaviour differs in edge
    cases: a missing program raises `FileNotFoundError` instead of returning exit status
    127, and on Windows `cmd.exe` builtins stop working. There is no fix for commands built
    from variables (build the argument list yourself), for `os.popen`/`getoutput` (different
    return types) or where the return value of `os.system` is used (it is a wait status,
    not an exit code). The fix never just sets `shell=False` on a string.

    ## References
    - [Python docs: Security considerations for subprocess](https://docs.python.org/3/library/subprocess.html#security-considerations)
    - [Bandit B602/B605](https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html)
    """
    invalid = [
        "import subprocess\nsubprocess.run(f\"convert {path} out.png\", shell=True)\n",
        "import subprocess\nsubprocess.call(\"rm -rf \" + folder, shell=True)\n",
        "import subprocess\nout = subprocess.check_output(\"grep %s log.txt\" % pattern, shell=True)\n",
        "import subprocess\nsubprocess.Popen(\"ffmpeg -i {}\".format(name), shell=True)\n",
        "import os\nos.system(\"ping -c 1 \" + host)\n",
        "import os\nos.popen(cmd).read()\n",
        "import asyncio\nasync def f(cmd):\n    await asyncio.create_subprocess_shell(cmd)\n",
        "import subprocess\nsubprocess.run(\"ls -l /tmp\", shell=True, check=True)\n",
        "import subprocess\nsubprocess.run(\n    \"git status --short\",\n    shell=True,\n    check=True,\n)\n",
        "import os\nos.system(\"clear\")\n",
        "import os\nif os.system(\"make build\") != 0:\n    raise SystemExit(1)\n",
        "import subprocess\nsubprocess.run(\"ls | wc -l\", shell=True)\n",
        "import asyncio\nasync def f():\n    await asyncio.create_subprocess_shell(\"git pull --ff-only\", stdout=asyncio.subprocess.PIPE)\n",
        "import subprocess\ndef f():\n    cmd = \"git status\"\n    subprocess.run(cmd, shell=True)\n",
        "from subprocess import check_output as co\nco(f\"grep 'hello world' notes.txt\", shell=True)\n",
        "import subprocess\nsubprocess.getoutput(\"uptime\")\n",
    ]
    valid = [
        "import subprocess\nsubprocess.run([\"convert\", path, \"out.png\"], check=True)\n",
        "import subprocess\nsubprocess.run(\"ls\", shell=False)\n",
        "import subprocess\nsubprocess.run(cmd, shell=use_shell)\n",
        "def system(cmd):\n    return cmd\nsystem(\"ls\")\n",
        "import os\nos.path.join(a, b)\n",
        Example("import os\nos.system(\"clear\")\n", path="tests/test_cli.py", note="test code"),
        "class Runner:\n    def run(self, cmd, shell=True):\n        return cmd\nRunner().run(\"x\", shell=True)\n",
    ]
    unsafe_fixed = {
        invalid[0]: "import subprocess\nsubprocess.run([\"convert\", str(path), \"out.png\"])\n",
        invalid[7]: "import subprocess\nsubprocess.run([\"ls\", \"-l\", \"/tmp\"], check=True)\n",
        invalid[8]: "import subprocess\nsubprocess.run(\n    [\"git\", \"status\", \"--short\"],\n    check=True,\n)\n",
        invalid[9]: "import os\nimport subprocess\nsubprocess.run([\"clear\"])\n",
        invalid[12]: "import asyncio\nasync def f():\n    await asyncio.create_subprocess_exec(\"git\", \"pull\", \"--ff-only\", stdout=asyncio.subprocess.PIPE)\n",
        invalid[14]: "from subprocess import check_output as co\nco([\"grep\", \"hello world\", \"notes.txt\"])\n",
    }

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.locals = _LocalValues()

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if ctx.functions:
            scope = self.locals.scope(ctx)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    scope[target.id] = node.value

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = _callee_last(node.func, ctx)
        if last not in _SHELL_LAST or ctx.file.is_test:
            return
        callee = ctx.resolve(node.func) or ""
        shell_kw = None
        if callee in _SHELL_KWARG:
            shell_kw = keyword(node, "shell")
            if shell_kw is None or not is_true(shell_kw.value):
                return
        elif callee not in _ALWAYS_SHELL:
            return
        command = node.args[0] if node.args else keyword_value(node, "args") or keyword_value(node, "cmd") or keyword_value(node, "command")
        if command is None or isinstance(command, ast.Starred):
            literal = False
        else:
            literal = _is_literal_command(command, self.locals.scope(ctx) if ctx.functions else {})
        if callee in _SHELL_KWARG:
            what = "Pass the command as an argument list and drop `shell=True`"
        else:
            what = f"Run the command with `subprocess.run()` and an argument list instead of `{callee}()`"
            if callee == "asyncio.create_subprocess_shell":
                what = "Use `asyncio.create_subprocess_exec()` with separate arguments instead of `create_subprocess_shell()`"
        if literal:
            message = f"{what}: a command run through the shell becomes shell injection as soon as a value is added to it"
            severity = Severity.WARNING
        else:
            message = f"{what}: a shell command built from variables allows shell injection"
            severity = Severity.ERROR
        fixes = []
        template = _command_template(command, ctx.source) if command is not None else None
        argv = _argv(*template) if template is not None else None
        if argv is not None and (command is node.args[0] if node.args else False):
            offer = self._fix(node, ctx, callee, command, shell_kw, argv)
            if offer is not None:
                fixes.append(offer)
        self.report(node.func, message, severity=severity, fixes=fixes)

    def _fix(self, node: ast.Call, ctx, callee: str, command: ast.expr, shell_kw, argv: list[str]):
        source = ctx.source
        if callee in _SHELL_KWARG:
            if keyword(node, "executable") is not None or shell_kw is None:
                return None
            cmd_range = source.node_range(command)
            kw_span = _removal_span(ctx, node, shell_kw)
            replacement = "[" + ", ".join(argv) + "]"

            def build(fc: FixContext):
                return [Edit(fc.at(cmd_range[0]), fc.at(cmd_range[1]), replacement), Edit(fc.at(kw_span[0]), fc.at(kw_span[1]), "")]

            return fix("Pass an argument list and drop `shell=True`", build, safe=False)
        if callee == "os.system":
            if not isinstance(ctx.parent, ast.Expr) or len(node.args) != 1 or node.keywords:
                return None
            call_range = source.node_range(node)
            arguments = ", ".join(argv)

            def build_system(fc: FixContext):
                edits, name = ensure_import(fc.text, "subprocess")
                return merge_insertions([*edits, Edit(fc.at(call_range[0]), fc.at(call_range[1]), f"{name}.run([{arguments}])")])

            return fix("Use `subprocess.run()` with an argument list", build_system, safe=False)
        if callee == "asyncio.create_subprocess_shell" and isinstance(node.func, ast.Attribute):
            func_end = source.node_range(node.func)[1]
            attr_range = (func_end - len("create_subprocess_shell"), func_end)
            cmd_range = source.node_range(command)
            arguments = ", ".join(argv)

            def build_exec(fc: FixContext):
                return [Edit(fc.at(attr_range[0]), fc.at(attr_range[1]), "create_subprocess_exec"),
                        Edit(fc.at(cmd_range[0]), fc.at(cmd_range[1]), arguments)]

            return fix("Use `create_subprocess_exec()` with separate arguments", build_exec, safe=False)
        return None


# ---------------------------------------------------------------------------------------------
# PR406 unsafe-werkzeug-allowed
# ---------------------------------------------------------------------------------------------
class UnsafeWerkzeugAllowed(Rule):
    code = "PR406"
    name = "unsafe-werkzeug-allowed"
    severity = Severity.WARNING
    summary = "`allow_unsafe_werkzeug=True` runs the Werkzeug development server in production"
    docs = """
    ## What it does
    Finds `socketio.run(app, ..., allow_unsafe_werkzeug=True)` (Flask-SocketIO).

    ## Why is this bad?
    Flask-SocketIO refuses to start the Werkzeug development server outside debug mode
    because it is not built for production: it is slow, has no worker management and is
    not hardened. `allow_unsafe_werkzeug=True` silences that safety check, usually to make a
    container start, and the development server ends up serving real traffic.

    ## Example
    ```python
    socketio.run(app, host="0.0.0.0", allow_unsafe_werkzeug=True)
    ```

    ## Use instead
    ```
    gunicorn --worker-class eventlet -w 1 app:app
    ```
    (or `gevent`, or run under `eventlet`/`gevent` installed so `socketio.run` picks them).

    ## References
    - [Flask-SocketIO: Deployment](https://flask-socketio.readthedocs.io/en/latest/deployment.html)
    """
    invalid = [
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app)\nsocketio.run(app, host=\"0.0.0.0\", allow_unsafe_werkzeug=True)\n",
        "from extensions import socketio\nif __name__ == \"__main__\":\n    socketio.run(app, port=5000, allow_unsafe_werkzeug=True)\n",
    ]
    valid = [
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app)\nsocketio.run(app)\n",
        "socketio.run(app, allow_unsafe_werkzeug=False)\n",
        "socketio.run(app, allow_unsafe_werkzeug=os.environ.get(\"DEV\") == \"1\")\n",
        Example("socketio.run(app, allow_unsafe_werkzeug=True)\n", path="tests/conftest.py", note="test code"),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not node.keywords or _last_name(node.func) != "run" or ctx.file.is_test:
            return
        kw = keyword(node, "allow_unsafe_werkzeug")
        if kw is not None and is_true(kw.value):
            self.report(kw, "Serve the app with a production server (gunicorn with eventlet/gevent workers) instead of "
                            "forcing the Werkzeug development server with `allow_unsafe_werkzeug=True`")


# ---------------------------------------------------------------------------------------------
# PR407 trust-remote-code
# ---------------------------------------------------------------------------------------------
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class TrustRemoteCode(Rule):
    code = "PR407"
    name = "trust-remote-code"
    severity = Severity.WARNING
    summary = "`trust_remote_code=True` runs Python code downloaded from the model repository"
    docs = """
    ## What it does
    Finds `trust_remote_code=True` in Hugging Face loaders: `AutoModel*.from_pretrained`,
    `AutoTokenizer.from_pretrained`, `pipeline(...)`, `datasets.load_dataset(...)`,
    `SentenceTransformer(...)` and any other call taking that argument. When `revision=` pins
    a full commit hash the finding is information (the code that runs is fixed and
    reviewable). Not reported after an explicit opt-in check earlier in the same function
    (a call such as `_check_model_code_loading_allowed(...)`, `ensure_trusted(...)`: the
    operator enabled custom code on purpose).

    ## Why is this bad?
    The loader imports and executes `modeling_*.py`/dataset scripts from the Hub repository
    at load time, with the server's permissions. Without a pinned revision, whoever controls
    the repository (or a compromised account) controls code that runs in production on the
    next restart.

    ## Example
    ```python
    model = AutoModel.from_pretrained("org/model", trust_remote_code=True)
    ```

    ## Use instead
    ```python
    model = AutoModel.from_pretrained("org/model")  # architectures built into transformers
    # or, after reviewing the repository's code at that commit:
    model = AutoModel.from_pretrained("org/model", trust_remote_code=True, revision="<commit sha>")
    ```

    ## References
    - [transformers: trust_remote_code](https://huggingface.co/docs/transformers/models#custom-models)
    - [Hugging Face Hub: security](https://huggingface.co/docs/hub/security)
    """
    invalid = [
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\", trust_remote_code=True)\n",
        "from transformers import pipeline\npipe = pipeline(\"text-generation\", model=\"org/model\", trust_remote_code=True)\n",
        "from datasets import load_dataset\nds = load_dataset(\"org/data\", trust_remote_code=True)\n",
        "from sentence_transformers import SentenceTransformer\nm = SentenceTransformer(\"org/embed\", trust_remote_code=True)\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\", trust_remote_code=True, revision=\"0123456789abcdef0123456789abcdef01234567\")\n",
    ]
    valid = [
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\")\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/model\", trust_remote_code=False)\n",
        "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(name, trust_remote_code=settings.TRUST_REMOTE_CODE)\n",
        Example("from transformers import AutoConfig\n\ndef load_class(path):\n    _check_model_code_loading_allowed('a custom architecture')\n    return AutoConfig.from_pretrained(path, trust_remote_code=True)\n",
                note="after an explicit opt-in check (mlflow)"),
    ]

    def visit_keyword(self, node: ast.keyword, ctx) -> None:
        if node.arg != "trust_remote_code" or not is_true(node.value) or ctx.file.is_test:
            return
        call = ctx.parent
        if _opt_in_checked(node, ctx):
            return
        revision = keyword_value(call, "revision") if isinstance(call, ast.Call) else None
        if isinstance(revision, ast.Constant) and isinstance(revision.value, str) and _COMMIT.match(revision.value):
            self.report(node, "Review the repository's code at the pinned commit: `trust_remote_code=True` runs it "
                              "on this server", severity=Severity.INFORMATION)
            return
        self.report(node, "Drop `trust_remote_code=True`, or pin `revision=` to a reviewed commit: it runs Python "
                          "code from the model repository on this server")


_OPT_IN_WORDS = ("allow", "trust", "consent", "confirm")


def _opt_in_checked(node: ast.AST, ctx) -> bool:
    """``_check_model_code_loading_allowed(...)`` earlier in the function: the operator opted in
    (mlflow refuses to load custom model code unless it is enabled)."""
    frame = ctx.current_function
    if frame is None:
        return False
    for sub in ast.walk(frame.node):  # only runs for `trust_remote_code=True`, which is rare
        if isinstance(sub, ast.Call) and sub.lineno < node.lineno:
            last = (sub.func.attr if isinstance(sub.func, ast.Attribute) else getattr(sub.func, "id", "")).lower()
            if any(word in last for word in _OPT_IN_WORDS) and last not in ("from_pretrained", "pipeline"):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# PR408 raw-sql-string
# ---------------------------------------------------------------------------------------------
_SQL_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "raw", "extra"})
_SQL_FUNCTIONS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
                            "django.db.models.expressions.RawSQL", "django.db.models.RawSQL",
                            "pandas.read_sql", "pandas.read_sql_query"})
_SQL_FUNCTION_NAMES = frozenset({"text", "RawSQL", "read_sql", "read_sql_query"})
_SQL_WORDS = re.compile(r"\b(select|insert|update|delete|from|where|values|create|drop|alter|truncate|pragma|"
                        r"join|set|into|order\s+by|group\s+by|limit|offset|having|union|and|or|in|like|with|"
                        r"begin|exec|call|grant|revoke|vacuum|analyze|explain|show|table|returning|on)\b", re.I)
_SELECT = re.compile(r"\b(select|from|insert|update|delete)\b", re.I)
# Functions whose result is safe to put into SQL text: quoted identifiers and numbers.
_SAFE_CALLS = frozenset({"quote_name", "qn", "quote_ident", "quote_identifier", "quote_name_unless_alias",
                         "_quote_name", "quote", "escape", "escape_string", "escape_identifier", "Identifier",
                         "int", "float", "len", "bool", "abs", "round"})
_PERCENT_SPEC = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_NUMERIC = set("diouxXeEfFgG")


class _SqlBuild:
    """Judges whether an expression builds SQL text from values that may be untrusted."""

    def __init__(self, locals_: dict) -> None:
        self.locals = locals_

    # -- values ---------------------------------------------------------------------------
    def safe(self, expr: ast.AST, depth: int = 0) -> bool:
        """Can this value be put into SQL text as is (a constant, a quoted identifier, a number)?"""
        if depth > 8:
            return False
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.Name):
            if expr.id.isupper() and len(expr.id) > 1:
                return True  # a module constant
            value = self.locals.get(expr.id)
            return value == "safe"
        if isinstance(expr, ast.Attribute):
            return expr.attr.isupper() and len(expr.attr) > 1
        if isinstance(expr, ast.JoinedStr):
            return all(self.safe(v.value, depth + 1) for v in expr.values if isinstance(v, ast.FormattedValue))
        if isinstance(expr, ast.FormattedValue):
            return self.safe(expr.value, depth + 1)
        if isinstance(expr, ast.BinOp):
            if isinstance(expr.op, ast.Mult):  # "%s, " * n, ["%s"] * n
                return any(isinstance(side, ast.Constant) or isinstance(side, (ast.List, ast.Tuple)) and
                           all(self.safe(e, depth + 1) for e in side.elts) for side in (expr.left, expr.right))
            if isinstance(expr.op, (ast.Add, ast.Mod)):
                return self.safe(expr.left, depth + 1) and self.safe(expr.right, depth + 1)
            return isinstance(expr.op, (ast.Sub, ast.FloorDiv, ast.Div))
        if isinstance(expr, (ast.Tuple, ast.List)):
            return all(self.safe(e, depth + 1) for e in expr.elts)
        if isinstance(expr, ast.IfExp):
            return self.safe(expr.body, depth + 1) and self.safe(expr.orelse, depth + 1)
        if isinstance(expr, ast.Call):
            last = _last_name(expr.func)
            if last in _SAFE_CALLS:
                return True
            if last == "join" and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Constant):
                return len(expr.args) == 1 and self.safe_items(expr.args[0], depth + 1)
            if last == "format" and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Constant):
                return all(self.safe(a, depth + 1) for a in [*expr.args, *(k.value for k in expr.keywords)])
        return False

    def safe_items(self, expr: ast.AST, depth: int) -> bool:
        if isinstance(expr, ast.Call) and _last_name(expr.func) == "repeat" and expr.args:
            return self.safe(expr.args[0], depth)  # itertools.repeat("%s", n)
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return all(self.safe(e, depth) for e in expr.elts)
        if isinstance(expr, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            counters = {gen.target.id for gen in expr.generators if isinstance(gen.target, ast.Name)
                        and isinstance(gen.iter, ast.Call) and _last_name(gen.iter.func) == "range"}
            saved = {name: self.locals.get(name) for name in counters}
            self.locals.update(dict.fromkeys(counters, "safe"))  # `f":id_{i}" for i in range(n)`: numbered binds
            try:
                return self.safe(expr.elt, depth)
            finally:
                for name, value in saved.items():
                    if value is None:
                        self.locals.pop(name, None)
                    else:
                        self.locals[name] = value
        return self.safe(expr, depth)

    # -- strings --------------------------------------------------------------------------
    def risky(self, expr: ast.AST) -> Optional[str]:
        """How ``expr`` puts an unsafe value into SQL text ("an f-string", ...), or None.

        Only holes in a *value* position count (inside a quoted literal, after a comparison,
        in ``IN (...)``/``VALUES (...)``, a function argument, ``LIMIT``): there a query
        parameter is the fix. Holes where SQL grammar wants an identifier or a fragment
        (``FROM {table}``, ``WHERE {clause}``, ``{alias}.col``) are not values, and
        statements that cannot take parameters at all (DDL, ``SET``, ``PRAGMA``...) are
        skipped.
        """
        built = _template(expr, self.locals)
        if built is None:
            return None
        how, parts = built
        if _no_parameters(parts):
            return None
        before = ""
        for index, part in enumerate(parts):
            if isinstance(part, str):
                before += part
                continue
            hole, numeric = part
            if not numeric and (hole is None or not self.safe(hole)):
                after = next((p for p in parts[index + 1:] if isinstance(p, str)), "")
                if _value_position(before, after):
                    return how
            before += "x"
        return None


def _template(expr: ast.AST, scope: Optional[dict] = None) -> Optional[tuple[str, list]]:
    """(how, parts): the SQL text split into literal strings and holes (expr, is_numeric).

    ``scope`` supplies the text of local names bound to string literals
    (``q = "... %s"; execute(q % x)``).
    """
    if isinstance(expr, ast.JoinedStr):
        if not any(isinstance(v, ast.FormattedValue) for v in expr.values):
            return None
        return "an f-string", _fstring_parts(expr)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        template = _local_text(expr.left, scope)
        if template is None:
            return None
        return "`%` formatting", _percent_parts(template, expr.right)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        parts: list = []
        has_text = False
        for part in _flatten_add(expr):
            text = _constant_text(part)
            if text is not None:
                parts.append(text)
                has_text = True
            elif isinstance(part, ast.JoinedStr):
                parts.extend(_fstring_parts(part))
                has_text = True
            else:
                parts.append((part, False))
        return ("string concatenation", parts) if has_text else None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = _local_text(expr.func.value, scope)
        if template is None:
            return None
        parts = _format_parts(template, expr)
        return ("`.format()`", parts) if parts is not None else None
    return None


def _local_text(expr: ast.AST, scope: Optional[dict]) -> Optional[str]:
    """The text of a string literal, or of a local name last bound to one."""
    text = _constant_text(expr)
    if text is None and scope and isinstance(expr, ast.Name):
        text = scope.get(("text", expr.id))
    return text


def _fstring_parts(expr: ast.JoinedStr) -> list:
    parts: list = []
    for value in expr.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        elif isinstance(value, ast.FormattedValue):
            parts.append((value.value, _numeric_spec(value)))
    return parts


def _percent_parts(template: str, right: ast.AST) -> list:
    specs = list(_PERCENT_SPEC.finditer(template))
    real = [m for m in specs if m.group(2) != "%"]
    if isinstance(right, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in right.elts):
        values: list = list(right.elts) if len(right.elts) == len(real) else [None] * len(real)
    elif isinstance(right, ast.Dict):
        named = {k.value: v for k, v in zip(right.keys, right.values) if isinstance(k, ast.Constant)}
        values = [named.get(m.group(1)) if m.group(1) else None for m in real]
    else:
        values = [right if len(real) == 1 else None for _ in real]
        if len(real) > 1 and isinstance(right, ast.Name):
            values = [right] * len(real)  # a tuple variable: judge the variable
    parts: list = []
    cursor = 0
    index = 0
    for match in specs:
        parts.append(template[cursor:match.start()])
        cursor = match.end()
        if match.group(2) == "%":
            parts.append("%")
            continue
        parts.append((values[index], match.group(2) in _NUMERIC))
        index += 1
    parts.append(template[cursor:])
    return parts


def _format_parts(template: str, call: ast.Call) -> Optional[list]:
    import string

    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    parts: list = []
    auto = 0
    for literal, field, spec, _conversion in fields:
        parts.append(literal)
        if field is None:
            continue
        base = re.split(r"[.\[]", field, 1)[0]
        if base == "":
            value = call.args[auto] if auto < len(call.args) else None
            auto += 1
        elif base.isdigit():
            value = call.args[int(base)] if int(base) < len(call.args) else None
        else:
            value = keywords.get(base)
        parts.append((value, bool(spec) and spec[-1] in "dfeEgGxXob%"))
    return parts


# Statements that cannot take query parameters: values there are identifiers or settings.
_NO_PARAMETER_STATEMENTS = frozenset({
    "set", "pragma", "alter", "create", "drop", "grant", "revoke", "show", "explain", "begin", "start",
    "savepoint", "release", "rollback", "commit", "fetch", "close", "declare", "use", "truncate", "vacuum",
    "analyze", "comment", "lock", "listen", "notify", "unlisten", "reindex", "cluster", "refresh", "describe",
    "desc", "attach", "detach", "rename", "optimize", "kill", "deallocate", "prepare", "reset", "discard",
})
_VALUE_WORDS = frozenset({"like", "ilike", "limit", "offset", "then", "else", "when", "between", "in",
                          "escape", "similar", "regexp", "rlike", "glob", "against"})
_COLUMN_FUNCTIONS = frozenset({"count", "sum", "avg", "min", "max", "lower", "upper", "coalesce", "cast",
                               "distinct", "length", "trim", "date", "exists", "over", "partition", "any",
                               "all", "array_agg", "string_agg", "group_concat", "json_extract", "extract",
                               "abs", "round", "nullif", "ifnull", "isnull", "nvl", "concat", "substr",
                               "substring", "using", "on", "key", "unique", "index", "primary", "references",
                               "into", "table", "from", "join", "as", "and", "or", "not", "where", "select"})
_LAST_WORD = re.compile(r"([a-z_][a-z0-9_$]*)\s*$")


def _no_parameters(parts: list) -> bool:
    """Does the SQL start with a statement that takes no parameters (DDL, SET, PRAGMA...)?"""
    head = ""
    for part in parts:
        if not isinstance(part, str):
            break
        head += part
    head = head.lstrip(" \t\r\n(")
    word = re.match(r"[A-Za-z]+", head)
    return bool(word) and word.group(0).lower() in _NO_PARAMETER_STATEMENTS


def _value_position(before: str, after: str) -> bool:
    """Is a hole between ``before`` and ``after`` where SQL expects a value (not a name)?"""
    if before.count("'") % 2 == 1:
        if re.search(r"'\$[.\[][^']*$", before):
            return False  # a JSON path ('$.{key}'): SQL/JSON functions need it literal, no parameter fits
        return True  # inside a quoted string literal
    if after.lstrip().startswith(".") or before.endswith((".", "`", '"', "[", "@")):
        return False  # part of a (quoted or qualified) name
    text = before.rstrip().lower()
    if not text:
        return False
    if text.endswith(("=", "<", ">")):
        return True
    if text.endswith("and") and re.search(r"\bbetween\s+\S+\s+and$", text):
        return True
    if text.endswith(("(", ",")):
        depth = 0
        for position in range(len(text) - 1, -1, -1):
            char = text[position]
            if char == ")":
                depth += 1
            elif char == "(":
                if depth == 0:
                    word = _LAST_WORD.search(text[:position])
                    if word is None:
                        return False
                    name = word.group(1)
                    if name in {"in", "values"}:
                        return True
                    preceding = _LAST_WORD.search(text[:word.start()])
                    if preceding is not None and preceding.group(1) in {"into", "table", "join", "from", "update", "exists"}:
                        return False  # INSERT INTO t (col, ...)
                    return name not in _COLUMN_FUNCTIONS
                depth -= 1
        if text.endswith(","):
            return False
        return False
    word = _LAST_WORD.search(text)
    return word is not None and word.group(1) in _VALUE_WORDS


def _numeric_spec(value: ast.FormattedValue) -> bool:
    spec = value.format_spec
    if isinstance(spec, ast.JoinedStr) and spec.values and isinstance(spec.values[-1], ast.Constant):
        text = str(spec.values[-1].value)
        return bool(text) and text[-1] in "dfeEgGxXob%"
    return False


def _flatten_add(expr: ast.AST) -> list[ast.AST]:
    parts: list[ast.AST] = []
    while isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        parts.append(expr.right)
        expr = expr.left
    parts.append(expr)
    parts.reverse()
    return parts


class RawSqlString(Rule):
    code = "PR408"
    name = "raw-sql-string"
    severity = Severity.ERROR
    summary = "SQL text is built from values with f-strings, `%`, `+` or `.format()`"
    docs = """
    ## What it does
    Finds SQL built with an f-string, `%` formatting, `+` concatenation or `.format()` that
    reaches `cursor.execute`/`executemany`/`executescript`, SQLAlchemy `text()` and
    `exec_driver_sql`, Django `Manager.raw()`, `RawSQL(...)`, `QuerySet.extra(where=[...])`
    or `pandas.read_sql`, directly or through a local variable assigned before the call
    (`q = f"..."; cursor.execute(q)`, also `q += f"..."`).

    A value is reported where SQL expects a *value*, which a query parameter can replace:
    inside a quoted literal (`'{name}'`), after a comparison (`= {id}`), in `IN (...)`,
    `VALUES (...)`, a function argument, `LIKE`, `LIMIT`/`OFFSET`. Not reported:
    - parts that are safe in SQL text: constants and UPPER_CASE module constants, numbers
      (`%d`, `{n:d}`, `int(...)`, `len(...)`), identifiers quoted with
      `connection.ops.quote_name()`/`qn()`/`quote_ident()` (also through a local variable),
      placeholder lists such as `", ".join(["%s"] * len(ids))` or numbered binds
      (`",".join(f":id_{i}" for i in range(n))`), `"ASC" if asc else "DESC"`,
      and psycopg2's `sql.SQL(...).format(sql.Identifier(...))` composition;
    - JSON paths inside a quoted literal (`JSON_VALUE(meta, '$.{key}')`): SQL/JSON
      functions need them literal, so no parameter fits;
    - identifier and fragment positions (`FROM {table}`, `WHERE {clause}`, `{alias}.col`):
      parameters cannot replace them, and in practice they hold names and parameterised
      fragments built by the code; validate or quote names that come from users;
    - statements that take no parameters at all: DDL (`CREATE`, `ALTER`, `DROP`...), `SET`,
      `PRAGMA`, `SHOW`, `EXPLAIN`, `BEGIN`...;
    - tests and migrations.

    ## Why is this bad?
    Values formatted into SQL text are interpreted as SQL: a quote in a user-supplied value
    ends the string literal and the rest runs as SQL (SQL injection). Query parameters are
    sent separately and never parsed as SQL; they also let the database reuse query plans.

    ## Example
    ```python
    cursor.execute(f"SELECT * FROM users WHERE email = '{email}'")
    ```

    ## Use instead
    ```python
    cursor.execute("SELECT * FROM users WHERE email = %s", [email])
    # SQLAlchemy
    session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email})
    ```
    Identifiers (table or column names) cannot be parameters: quote them
    (`connection.ops.quote_name`, `psycopg2.sql.Identifier`) or pick them from a fixed list.

    ## References
    - [OWASP: SQL Injection Prevention](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    - [Django: Executing custom SQL directly](https://docs.djangoproject.com/en/stable/topics/db/sql/#executing-custom-sql-directly)
    - [SQLAlchemy: Using textual SQL](https://docs.sqlalchemy.org/en/20/tutorial/dbapi_transactions.html)
    """
    invalid = [
        "def find(cursor, email):\n    cursor.execute(f\"SELECT * FROM users WHERE email = '{email}'\")\n",
        "def find(cursor, name):\n    cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n",
        "def find(cursor, name):\n    cursor.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")\n",
        "def find(cursor, name):\n    cursor.execute(\"SELECT * FROM users WHERE name = '{}'\".format(name))\n",
        "def find(cursor, user_id):\n    q = f\"DELETE FROM sessions WHERE user_id = {user_id}\"\n    cursor.execute(q)\n",
        "from sqlalchemy import text\ndef find(session, name):\n    return session.execute(text(f\"SELECT * FROM t WHERE name = '{name}'\"))\n",
        "def find(name):\n    return User.objects.raw(f\"SELECT * FROM app_user WHERE name = '{name}'\")\n",
        "from django.db.models.expressions import RawSQL\ndef annotate(qs, item_id):\n    return qs.annotate(v=RawSQL(\"SELECT price FROM t WHERE id = %s\" % item_id, []))\n",
        "def search(qs, term):\n    return qs.extra(where=[f\"title LIKE '%%{term}%%'\"])\n",
        "def add(conn, rows, user_id):\n    conn.executemany(f\"INSERT INTO t (user_id, a, b) VALUES ({user_id}, ?, ?)\", rows)\n",
        "def find(cursor, filters):\n    sql = \"SELECT * FROM t WHERE 1=1\"\n    for key, value in filters.items():\n        sql += f\" AND {key} = '{value}'\"\n    cursor.execute(sql)\n",
        "import sqlalchemy as sa\ndef count(engine, name):\n    with engine.connect() as c:\n        return c.execute(sa.text(\"SELECT count(*) FROM t WHERE name = '\" + name + \"'\")).scalar()\n",
        "import pandas as pd\ndef load(conn, day):\n    return pd.read_sql(f\"SELECT * FROM events WHERE day = '{day}'\", conn)\n",
        "def find(cursor, name):\n    where = f\"name = '{name}'\"\n    cursor.execute(\"SELECT * FROM t WHERE \" + where)\n",
        "def find(cursor, ids):\n    cursor.execute(\"SELECT * FROM t WHERE id IN (%s)\" % \",\".join(ids))\n",
        "def find(cursor, n):\n    cursor.execute(\"SELECT * FROM t LIMIT {}\".format(n))\n",
        "def find(cursor, email):\n    query = \"SELECT * FROM users WHERE email = '%s'\"\n    cursor.execute(query % email)\n",
    ]
    valid = [
        "def find(cursor, email):\n    cursor.execute(\"SELECT * FROM users WHERE email = %s\", [email])\n",
        "def find(cursor):\n    cursor.execute(\"SELECT \" + \"1\")\n",
        Example("TABLE = \"users\"\ndef find(cursor, email):\n    cursor.execute(f\"SELECT * FROM {TABLE} WHERE email = %s\", [email])\n",
                note="interpolates a module constant"),
        Example("def drop(connection, cursor, table):\n    cursor.execute(\"DROP TABLE %s\" % connection.ops.quote_name(table))\n",
                note="a quoted identifier"),
        Example("def find(cursor, ids):\n    cursor.execute(\"SELECT * FROM t WHERE id IN (%s)\" % \", \".join([\"%s\"] * len(ids)), ids)\n",
                note="a placeholder list"),
        Example("def page(cursor, limit):\n    cursor.execute(\"SELECT * FROM t LIMIT %d\" % limit)\n", note="%d only formats numbers"),
        Example("from psycopg2 import sql\ndef find(cursor, table):\n    cursor.execute(sql.SQL(\"SELECT * FROM {}\").format(sql.Identifier(table)))\n",
                note="psycopg2.sql composition"),
        Example("def find(cursor, asc):\n    order = \"ASC\" if asc else \"DESC\"\n    cursor.execute(f\"SELECT * FROM t ORDER BY id {order}\")\n",
                note="a local built from constants"),
        "def find(cursor, query):\n    cursor.execute(query)\n",
        "def log(logger, name):\n    logger.info(f\"SELECT for {name}\")\n",
        Example("def find(cursor, name):\n    cursor.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n", path="tests/test_db.py", note="test code"),
        "def find(cursor, qn, cols):\n    cursor.execute(\"SELECT %s FROM t\" % \", \".join(qn(c) for c in cols))\n",
        Example("def count(cursor, table):\n    cursor.execute(\"SELECT COUNT(*) FROM %s\" % table)\n",
                note="an identifier position: parameters cannot replace a table name (quote it instead)"),
        Example("def create(cursor, name):\n    cursor.execute(f\"CREATE DATABASE {name} ENCODING 'UTF8'\")\n",
                note="DDL takes no parameters"),
        Example("def level(cursor, level):\n    cursor.execute(f\"SET SESSION TRANSACTION ISOLATION LEVEL {level}\")\n",
                note="SET takes no parameters"),
        Example("def find(cursor, where, params):\n    cursor.execute(f\"SELECT * FROM t WHERE {where}\", params)\n",
                note="a parameterised fragment built elsewhere"),
        Example("def find(cursor, alias):\n    cursor.execute(f\"SELECT * FROM a JOIN b ON a.id = {alias}.a_id\")\n",
                note="a qualified column name"),
        Example("import itertools\ndef find(cursor, pks):\n    clause = \"id IN ({})\".format(\", \".join(itertools.repeat(\"%s\", len(pks))))\n    cursor.execute(\"SELECT * FROM t WHERE \" + clause, pks)\n",
                note="placeholders from itertools.repeat"),
        Example("def delete(cursor, ids):\n    placeholders = ','.join([f':id_{i}' for i in range(len(ids))])\n    cursor.execute(f'DELETE FROM chunk WHERE id IN ({placeholders})')\n",
                note="numbered bind names (open-webui's Oracle store)"),
        Example("def find(connection, cursor, name):\n    table = connection.ops.quote_name(name)\n    cursor.execute(\"SELECT * FROM t WHERE x = %s\" % table)\n",
                note="a local holding a quoted name"),
        Example("def f(cursor, user_id):\n    cursor.execute(f\"UPDATE t SET x = {user_id}\")\n", path="app/migrations/0002_data.py",
                note="migrations"),
        Example("def query(cursor, filters):\n    sql = 'SELECT id FROM chunks WHERE collection = :c'\n    for i, key in enumerate(filters):\n        sql += f\" AND JSON_VALUE(meta, '$.{key}') = :v{i}\"\n    cursor.execute(sql)\n",
                note="a JSON path must be literal; the values are bound (open-webui's Oracle store)"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.locals = _LocalValues()

    def _scope(self, ctx) -> dict:
        return self.locals.scope(ctx)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not ctx.functions or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        scope = self._scope(ctx)
        name = node.targets[0].id
        value = node.value
        if isinstance(value, ast.Constant):
            scope[name] = "safe"
            if isinstance(value.value, str):
                scope[("text", name)] = value.value
            else:
                scope.pop(("text", name), None)
            return
        scope.pop(("text", name), None)
        if not isinstance(value, _STRING_BUILDERS):
            scope.pop(name, None)
            return
        build = _SqlBuild(scope)
        how = build.risky(value)
        if how is not None:
            scope[name] = (value, how)
            return
        source = _dynamic_source(value, scope)
        if source is not None:
            scope[name] = source  # built from a dynamic fragment: carry where it was built
        elif build.safe(value):
            scope[name] = "safe"
        else:
            scope.pop(name, None)

    def visit_AugAssign(self, node: ast.AugAssign, ctx) -> None:
        if not ctx.functions or not isinstance(node.target, ast.Name) or not isinstance(node.op, ast.Add):
            return
        scope = self._scope(ctx)
        name = node.target.id
        scope.pop(("text", name), None)
        current = scope.get(name)
        build = _SqlBuild(scope)
        how = build.risky(node.value)
        source = (node.value, how) if how is not None else _dynamic_source(node.value, scope)
        if source is not None:
            scope[name] = source
        elif isinstance(current, tuple):
            pass
        elif current == "safe" and build.safe(node.value):
            pass
        else:
            scope.pop(name, None)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = _callee_last(node.func, ctx)
        if last is None or ctx.file.is_test or ctx.file.is_migration:
            return
        if last in _SQL_METHODS:
            if not isinstance(node.func, ast.Attribute):
                return
            if last == "extra":
                where = keyword_value(node, "where")
                targets = list(where.elts) if isinstance(where, (ast.List, ast.Tuple)) else []
            else:
                first = node.args[0] if node.args else None
                if first is None:
                    first = next((k.value for k in node.keywords if k.arg in {"sql", "query", "statement", "operation", "raw_query"}), None)
                targets = [first] if first is not None else []
        elif last in _SQL_FUNCTION_NAMES:
            callee = ctx.resolve(node.func) or ""
            if callee not in _SQL_FUNCTIONS and not (callee.startswith("flask_sqlalchemy.") and last == "text"):
                return
            first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in {"text", "sql"}), None)
            targets = [first] if first is not None else []
        else:
            return
        scope = self._scope(ctx) if ctx.functions else {}
        for target in targets:
            self._check(target, last, scope, ctx)

    def _check(self, target: ast.expr, sink: str, scope: dict, ctx) -> None:
        if isinstance(target, ast.Call) and _last_name(target.func) == "text":
            return  # execute(text(...)) is checked at text()
        how = _SqlBuild(scope).risky(target)
        if how is not None:
            expr = target
            if not _SQL_WORDS.search(_literal_parts(expr, scope)):
                return
        else:
            source = _dynamic_source(target, scope)
            if source is None:
                return
            expr, how = source  # a fragment built earlier in this function reaches the query
        if sink == "raw" and not _SELECT.search(_literal_parts(target, scope) + " " + _literal_parts(expr, scope)):
            return
        self.report(expr, f"Pass the values as query parameters (`execute(sql, params)`) instead of building the SQL "
                          f"with {how}: interpolated values allow SQL injection")


_STRING_BUILDERS = (ast.JoinedStr, ast.BinOp, ast.Call, ast.Name, ast.IfExp, ast.Attribute)


def _dynamic_source(expr: ast.AST, scope: dict) -> Optional[tuple]:
    """(fragment, how) when ``expr`` is, or is built from, a local holding a risky SQL fragment."""
    if isinstance(expr, ast.Name):
        value = scope.get(expr.id)
        return value if isinstance(value, tuple) else None
    built = _template(expr, scope)
    if built is None:
        return None
    for part in built[1]:
        if isinstance(part, tuple) and isinstance(part[0], ast.Name):
            value = scope.get(part[0].id)
            if isinstance(value, tuple):
                return value
    return None


def _literal_parts(expr: ast.AST, scope: Optional[dict] = None) -> str:
    """The constant text of a string-building expression (to see that it is SQL)."""
    out: list[str] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.Name) and scope and ("text", node.id) in scope:
            out.append(scope[("text", node.id)])
        elif isinstance(node, ast.JoinedStr):
            stack.extend(v for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.BinOp):
            stack.extend((node.left, node.right))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            stack.append(node.func.value)
    return " ".join(out)
