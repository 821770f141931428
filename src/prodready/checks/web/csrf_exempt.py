"""PR401 `csrf-exempt`: `csrf_exempt` turns off Django's CSRF protection for a view."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.web._shared import callee_last, last_name
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.frameworks import is_drf_view_base
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import remove_import_if_unused


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


def _authentication(node: ast.AST, resolve) -> str:
    """How the code under ``node`` authenticates a request without cookies: "signature" when it
    checks a webhook signature (Stripe, HMAC, svix, Slack...), else "header" when it reads a
    credential from a request header (`_is_auth_header_read`), else "". One walk for both:
    this runs for every module-level function, the helpers a view may call."""
    header = False
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            last = last_name(child.func)
            if last is not None and _is_verify_name(last, child, resolve):
                return "signature"
        if not header and _is_auth_header_read(child):
            header = True
    return "header" if header else ""


_AUTH_HEADER_WORDS = ("authorization", "api-key", "api_key", "apikey", "token", "signature", "secret", "auth")


def _auth_header_name(node: ast.expr) -> bool:
    """A header name (``"Authorization"``, ``"X-Api-Key"``, ``"HTTP_X_AUTH_TOKEN"``) that carries
    a credential the client sends itself; the CSRF token header is not one."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    lowered = node.value.lower()
    return "csrf" not in lowered and any(w in lowered for w in _AUTH_HEADER_WORDS)


def _is_auth_header_read(child: ast.AST) -> bool:
    """Is ``child`` a read of a credential from a request header (``request.headers["Authorization"]``,
    ``request.META.get("HTTP_X_API_KEY")``)? Such a view authenticates without cookies, so a
    cross-site request carries no credential. ``request.COOKIES[...]`` is cookie
    authentication and does not count."""
    if isinstance(child, ast.Subscript):
        holder, key = child.value, child.slice
    elif (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
          and child.func.attr == "get" and child.args):
        holder, key = child.func.value, child.args[0]
    else:
        return False
    return isinstance(holder, ast.Attribute) and holder.attr in ("headers", "META") and _auth_header_name(key)


def _may_exempt(bindings: dict) -> bool:
    """Can a view of this module be CSRF-exempt at all? Only if the module binds something from
    Django or something CSRF-named (`csrf_exempt`, Flask-WTF's `csrf`); otherwise no view can
    consume the helper facts, and their walk (one per module-level function) is skipped. Decided
    from the module's bindings, which every block shares, so block results stay consistent."""
    return any("csrf" in name.lower() or (target or "").startswith("django") or "csrf" in (target or "").lower()
               for name, target in bindings.items())


def _local_calls(node: ast.AST) -> set[str]:
    return {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}


def _is_api_view(func: ast.AST, resolve) -> bool:
    for decorator in getattr(func, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = resolve(target) or ""
        if qualified.rsplit(".", 1)[-1] == "api_view" and (qualified.startswith("rest_framework") or qualified == "api_view"):
            return True
    return False


class CsrfExempt(Rule):
    code = "PR401"
    preview = True
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
    is what protects them, also when the check is in a helper of the same module. A view
    that authenticates from a credential header (`request.headers["Authorization"]`,
    `request.META.get("HTTP_X_API_KEY")`, directly or in a same-module helper) is not
    reported: a cross-site request cannot set that header, and without cookie
    authentication there is nothing to forge. A token read from `request.COOKIES` is cookie
    authentication and still reported.

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
        "from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef upload(request):\n"
        "    user = decode_jwt(request.COOKIES[\"jwt\"])\n    request.session[\"last\"] = user.id\n    return handle(request.user)\n",
        "from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef save(request):\n"
        "    token = request.headers[\"X-CSRFToken\"]\n    return store(request.user, token)\n",
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
        "import hmac\nfrom django.views.decorators.csrf import csrf_exempt\n\ndef check(request):\n"
        "    return hmac.compare_digest(sign(request.body), request.headers[\"X-Signature\"])\n\n"
        "@csrf_exempt\ndef hook(request):\n    if not check(request):\n        return None\n    return handle(request)\n",
    ]
    valid = [
        "from django.views.decorators.csrf import csrf_protect\n\n@csrf_protect\ndef update_profile(request):\n    return None\n",
        Example("from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef ingest(request):\n"
                "    key = request.headers.get(\"X-Api-Key\")\n    if not Client.objects.filter(api_key=key).exists():\n"
                "        return None\n    return handle(request)\n",
                note="Authenticated by an API key header, which a cross-site form never sends: no cookie, no CSRF."),
        "from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef ingest(request):\n"
        "    token = request.META[\"HTTP_AUTHORIZATION\"].removeprefix(\"Bearer \")\n    return handle(token)\n",
        Example("from django.views.decorators.csrf import csrf_exempt\n\ndef authenticate(request):\n"
                "    return Token.objects.get(key=request.META.get(\"HTTP_X_AUTH_TOKEN\"))\n\n"
                "@csrf_exempt\ndef ingest(request):\n    user = authenticate(request)\n    return handle(user)\n",
                note="The header check is in a helper of the same module."),
        "def csrf_exempt(f):\n    return f\n\n@csrf_exempt\ndef view(request):\n    return None\n",
        Example("from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\ndef view(request):\n    return None\n",
                path="tests/test_views.py", note="test code"),
        "from django.views.decorators.csrf import ensure_csrf_cookie\n\n@ensure_csrf_cookie\ndef page(request):\n    return None\n",
    ]
    fixed = {
        invalid[5]: "from rest_framework.views import APIView\n\nclass Items(APIView):\n    def post(self, request):\n        return None\n",
        invalid[6]: "from django.views.decorators.csrf import ensure_csrf_cookie\nfrom rest_framework.decorators import api_view\n\n@api_view([\"POST\"])\ndef items(request):\n    return None\n",
        invalid[7]: "from rest_framework import viewsets\n\nclass Base(viewsets.ModelViewSet):\n    pass\n\nclass Items(Base):\n    pass\n",
        invalid[8]: "from django.urls import path\nfrom rest_framework.views import APIView\n\nclass Items(APIView):\n    pass\n\nurlpatterns = [path(\"items/\", Items.as_view())]\n",
    }

    _PLAIN = ("Send the CSRF token from the client instead of disabling CSRF protection with `csrf_exempt`: "
              "any website can submit requests to this view with your users' cookies")
    _DRF = ("Remove the redundant `csrf_exempt`: DRF views are already exempt and "
            "`SessionAuthentication` enforces CSRF itself")
    _WEBHOOK = ("Keep the signature check on every path of this webhook: it is what protects this "
                "`csrf_exempt` view")

    def _is_csrf_exempt(self, node: ast.AST, ctx) -> bool:
        if last_name(node) is None:
            return False
        return ctx.resolve(node) == CSRF_EXEMPT

    def _decorator_exempts(self, decorator: ast.expr, ctx) -> bool:
        """``@csrf_exempt`` or ``@method_decorator(csrf_exempt, ...)``."""
        if self._is_csrf_exempt(decorator, ctx):
            return True
        if isinstance(decorator, ast.Call) and decorator.args and last_name(decorator.func) == "method_decorator":
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
        if ctx.file.is_test:
            return
        authentication = None
        # Once per module context, not per block: a huge module binds thousands of names.
        may_exempt = ctx.module.derived("csrf-exempt:may-exempt", _may_exempt)
        if not ctx.classes and may_exempt:  # a helper the views of this module may call
            authentication = _authentication(node, ctx.resolve)
            if authentication == "signature":
                self.fact("verifies-helper", node.name)
            elif authentication == "header":
                self.fact("header-auth", node.name)
        if not node.decorator_list:
            return
        exempting = [d for d in node.decorator_list if self._decorator_exempts(d, ctx)]
        if not exempting:
            return
        if authentication is None:
            authentication = _authentication(node, ctx.resolve)
        if authentication == "header":
            return  # authenticated by a header the browser never sends cross-site
        drf = _is_api_view(node, ctx.resolve)
        owner = ctx.parent
        if not drf and isinstance(owner, ast.ClassDef):
            drf = any(is_drf_view_base(b) for b in ctx.class_bases(owner))
        webhook = authentication == "signature"
        helpers = _local_calls(node) - {node.name}
        if not webhook and not drf and helpers:
            def kind(facts, names=helpers) -> str:
                if any(("PR401", "header-auth", n) in facts for n in names):
                    return "header"
                return "sig" if any(("PR401", "verifies-helper", n) in facts for n in names) else ""
            for decorator in exempting:  # decided by the helpers it calls, maybe in other blocks
                self.report(decorator, self._WEBHOOK, severity=Severity.INFORMATION,
                            condition=lambda facts: kind(facts) == "sig")
                self.report(decorator, self._PLAIN, condition=lambda facts: kind(facts) == "")
            return
        for decorator in exempting:
            self._report_exempt(decorator, ctx, drf, webhook)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = callee_last(node.func, ctx)
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
