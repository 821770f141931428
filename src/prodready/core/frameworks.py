"""Recognising framework constructs: request handlers, views, tasks, class ancestry.

Shared by every rule that asks "does this run once per request?" (model loads, connections,
threads) or "is this a DRF view?" (csrf_exempt), so all of them agree.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterable, Optional

if TYPE_CHECKING:
    from prodready.core.names import NameResolver

ROUTE_METHODS = {"route", "get", "post", "put", "patch", "delete", "head", "options",
                 "api_route", "websocket", "trace"}
SOCKET_METHODS = {"on", "event", "on_event"}
TASK_DECORATORS = {"celery.shared_task", "shared_task", "celery.task", "dramatiq.actor",
                   "huey.task", "rq.job", "rq.decorators.job"}
VIEW_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "dispatch",
                "list", "create", "retrieve", "update", "partial_update", "destroy",
                "form_valid", "get_queryset", "get_object", "perform_create", "perform_update",
                "get_context_data"}

DRF_VIEW_BASES = {
    "rest_framework.views.APIView",
    "rest_framework.generics.GenericAPIView",
    "rest_framework.viewsets.ViewSet",
    "rest_framework.viewsets.GenericViewSet",
    "rest_framework.viewsets.ModelViewSet",
    "rest_framework.viewsets.ReadOnlyModelViewSet",
    "rest_framework.viewsets.ViewSetMixin",
}
DRF_VIEW_PREFIXES = ("rest_framework.generics.", "rest_framework.viewsets.")
DJANGO_VIEW_PREFIXES = ("django.views.", "django.views.generic.")


def is_drf_view_base(qualified: str) -> bool:
    return qualified in DRF_VIEW_BASES or qualified.startswith(DRF_VIEW_PREFIXES) and (
        qualified.endswith("View") or qualified.endswith("ViewSet") or qualified.endswith("APIView")
    )


def is_django_view_base(qualified: str) -> bool:
    return qualified.startswith(DJANGO_VIEW_PREFIXES) or qualified in {"django.views.View"}


# Class-based views of other frameworks: their HTTP-method methods run once per request.
OTHER_VIEW_BASES = {
    "flask.views.MethodView",
    "flask.views.View",
    "flask_restful.Resource",
    "flask_restx.Resource",
    "starlette.endpoints.HTTPEndpoint",
    "starlette.endpoints.WebSocketEndpoint",
}
OTHER_VIEW_METHODS = {"dispatch_request", "on_connect", "on_receive", "on_disconnect"}


def is_other_view_base(qualified: str) -> bool:
    return qualified in OTHER_VIEW_BASES


def decorator_target(decorator: ast.expr) -> ast.expr:
    """The callee of ``@x(...)`` or the expression of ``@x``."""
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def handler_kind(
    func: ast.AST,
    names: "NameResolver",
    class_bases: Optional[set[str]] = None,
    in_views_module: bool = False,
) -> Optional[str]:
    """"route", "socket", "task", "view" or None for a function definition."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for decorator in func.decorator_list:
        target = decorator_target(decorator)
        qualified = names.resolve(target) or ""
        last = qualified.rsplit(".", 1)[-1]
        if qualified in TASK_DECORATORS or (isinstance(target, ast.Attribute) and target.attr == "task"):
            return "task"
        if last in {"api_view", "action"} and ("rest_framework" in qualified or last == "api_view"):
            return "view"
        if last in {"expose", "expose_api"} and qualified.startswith("flask_appbuilder"):
            return "route"  # Flask-AppBuilder view/API methods: @expose("/path")
        if isinstance(target, ast.Attribute):
            if target.attr in SOCKET_METHODS and isinstance(decorator, (ast.Call, ast.Attribute)):
                base = (names.resolve(target.value) or "").lower()
                if "socket" in base or "sio" in base or target.attr == "event":
                    return "socket"
            if target.attr in ROUTE_METHODS and isinstance(decorator, ast.Call):
                return "route"
        if last in {"csrf_exempt", "login_required", "require_http_methods", "require_POST", "require_GET"}:
            return "view"
    if class_bases is not None:
        if any(is_drf_view_base(b) or is_django_view_base(b) for b in class_bases) and func.name in VIEW_METHODS:
            return "view"
        if any(is_other_view_base(b) for b in class_bases) and (
            func.name in ROUTE_METHODS or func.name in OTHER_VIEW_METHODS
        ):
            return "view"
        return None
    if in_views_module:
        args = func.args.posonlyargs + func.args.args
        if args and args[0].arg in {"request", "req"}:
            return "view"
    return None


def resolve_bases(
    node: ast.ClassDef, names: "NameResolver", local_classes: dict[str, tuple[str, ...]]
) -> set[str]:
    """Qualified names of a class's ancestors, following classes defined in the same file."""
    seen: set[str] = set()
    pending: list[str] = []
    for base in node.bases:
        qualified = names.resolve(base)
        if isinstance(base, ast.Name) and base.id in local_classes and (qualified is None or qualified == base.id):
            pending.append("<local>." + base.id)
        elif qualified:
            pending.append(qualified)
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        if current.startswith("<local>."):
            pending.extend(local_classes.get(current[len("<local>."):], ()))
    return {b for b in seen if not b.startswith("<local>.")} | {
        b[len("<local>."):] for b in seen if b.startswith("<local>.")
    }


def class_table(statements: Iterable[ast.stmt], names: "NameResolver") -> dict[str, tuple[str, ...]]:
    """Top-level class name -> its direct bases (qualified, or ``<local>.Name`` for locals)."""
    table: dict[str, tuple[str, ...]] = {}
    statements = list(statements)
    local_names = {s.name for s in statements if isinstance(s, ast.ClassDef)}
    for stmt in statements:
        if isinstance(stmt, ast.ClassDef):
            bases = []
            for base in stmt.bases:
                if isinstance(base, ast.Name) and base.id in local_names:
                    bases.append("<local>." + base.id)
                else:
                    qualified = names.resolve(base)
                    if qualified:
                        bases.append(qualified)
            table[stmt.name] = tuple(bases)
    return table


# -- CORS origin configuration ---------------------------------------------------------------
# Where a literal list of origins *is* the CORS configuration. PR402/PR403 report literals
# here; rules about literal URLs (PR205 localhost URLs) stay quiet inside these expressions so
# that one literal gets one finding. Keep every rule on this one definition.
CORS_ORIGIN_SETTINGS = frozenset({"CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"})
_FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin", "flask_cors.extension.CORS",
                         "flask_cors.decorator.cross_origin"})
_SOCKETIO_SERVERS = frozenset({"flask_socketio.SocketIO", "socketio.Server", "socketio.AsyncServer"})
_CORS_CALL_NAMES = frozenset({"CORS", "cross_origin", "init_app", "SocketIO", "Server", "AsyncServer",
                              "add_middleware", "Middleware"})


def cors_call_kind(call: ast.Call, names: "NameResolver") -> Optional[str]:
    """"flask-cors", "socketio" or "middleware" for a call that configures CORS, else None.

    flask-cors: ``CORS(app, ...)``, ``@cross_origin(...)``, ``CORS().init_app(app, ...)``;
    socketio: ``SocketIO(...)``/``socketio.Server(...)``/``AsyncServer(...)`` and ``init_app``;
    middleware: ``app.add_middleware(CORSMiddleware, ...)``, ``Middleware(CORSMiddleware, ...)``.
    """
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if last not in _CORS_CALL_NAMES:
        return None
    if last in {"add_middleware", "Middleware"}:
        if call.args and (names.resolve(call.args[0]) or "").rsplit(".", 1)[-1] == "CORSMiddleware":
            return "middleware"
        return None
    callee = names.resolve(func) or ""
    if last == "init_app":
        callee = callee[: -len(".init_app")].removesuffix("()")
    if callee in _FLASK_CORS:
        return "flask-cors"
    if callee in _SOCKETIO_SERVERS:
        return "socketio"
    return None


def cors_origin_expressions(call: ast.Call, names: "NameResolver") -> list[ast.expr]:
    """The expressions a CORS-configuring call takes its allowed origins from.

    ``origins=`` (and each ``"origins"`` of a literal ``resources={...}``) for flask-cors,
    ``cors_allowed_origins=`` for Socket.IO, ``allow_origins=`` for ``CORSMiddleware``.
    """
    kind = cors_call_kind(call, names)
    if kind is None:
        return []
    wanted = {"flask-cors": "origins", "socketio": "cors_allowed_origins", "middleware": "allow_origins"}[kind]
    found: list[ast.expr] = []
    for kw in call.keywords:
        if kw.arg == wanted:
            found.append(kw.value)
        elif kind == "flask-cors" and kw.arg == "resources" and isinstance(kw.value, ast.Dict):
            for options in kw.value.values:
                if isinstance(options, ast.Dict):
                    for key, value in zip(options.keys, options.values):
                        if isinstance(key, ast.Constant) and key.value == "origins":
                            found.append(value)
    return found
