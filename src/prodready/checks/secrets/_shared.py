"""Helpers shared by the secrets rules (and only by them)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Optional

from prodready.core.astutil import argument, keyword, string_value
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.secret_names import name_tokens
from prodready.quickfixes.imports import ModuleImports, ensure_import, merge_insertions


# -- environment lookups -------------------------------------------------------------------

OS_LOOKUPS = {"os.getenv": "getenv", "os.environ.get": "get", "os.environ.setdefault": "setdefault"}
LOOKUP_ATTRS = frozenset({"getenv", "get", "setdefault"})
# django-environ / environs typed readers: ``env.str("X", default=...)``.
ENV_METHODS = frozenset({
    "str", "bool", "int", "float", "json", "list", "tuple", "dict", "url", "db_url", "db",
    "cache_url", "cache", "email_url", "email", "search_url", "path", "get_value", "decimal",
})
ENV_INSTANCES = ("environ.Env()", "environ.FileAwareEnv()", "environs.Env()")
DECOUPLE = frozenset({"decouple.config", "decouple.AutoConfig()", "decouple.Config()"})
MISSING = object()


@dataclass
class Lookup:
    """An environment lookup with a fallback: ``os.getenv("X", "d")``, ``env.bool("X", default=True)``."""

    call: ast.Call
    kind: str                      # "os", "environ" (django-environ/environs), "decouple"
    name: Optional[str]            # the variable name when it is a literal
    name_node: Optional[ast.expr]
    default: Optional[ast.expr]    # None when there is no fallback
    cast: Optional[str]            # "bool", "int", "str"... when the reader casts


def env_lookup(call: ast.Call, ctx) -> Optional[Lookup]:
    """The lookup ``call`` is (with its fallback), or None. Checks the spelling before resolving."""
    func = call.func
    if isinstance(func, ast.Attribute):
        attr = func.attr
        if attr not in LOOKUP_ATTRS and attr not in ENV_METHODS and attr != "config":
            return None
        owner = func.value
        if attr in ("get", "setdefault") and not (isinstance(owner, ast.Name) or isinstance(owner, ast.Attribute) and owner.attr == "environ"):
            return None  # self.cache.get(...), request.args.get(...)
    elif isinstance(func, ast.Name):
        attr = None
    else:
        return None
    callee = ctx.call_name(call)
    if not callee:
        return None
    cast: Optional[str] = None
    if callee in OS_LOOKUPS:
        kind = "os"
        default = argument(call, 1, "default")
    elif callee in DECOUPLE:
        kind = "decouple"
        default = argument(call, 1, "default")
        cast = cast_name(argument(call, 2, "cast"), ctx)
    elif callee in ENV_INSTANCES or (isinstance(func, ast.Name) and func.id == "env" and imported_env_name(callee, ctx)):
        # ``env("X", cast, default)``; ``env`` imported from a base settings module counts too.
        kind = "environ"
        default = argument(call, 2, "default")
        cast = cast_name(argument(call, 1, "cast"), ctx)
    elif attr in ENV_METHODS and (callee.startswith(ENV_INSTANCES) or imported_env(func.value, callee, ctx)):
        kind = "environ"
        default = argument(call, 1, "default")
        cast = attr if attr not in ("get_value",) else cast_name(keyword(call, "cast") and keyword(call, "cast").value, ctx)
    else:
        return None
    name_node = argument(call, 0)
    if name_node is None:
        for kw in call.keywords:
            if kw.arg in ("key", "var", "option", "name"):
                name_node = kw.value
    return Lookup(call, kind, string_value(name_node), name_node, default, cast)


def imported_env_name(resolved: str, ctx) -> bool:
    """``env`` imported from another settings module (``from .base import env``), or left
    unbound by ``from .base import *`` in a settings module."""
    return resolved.endswith(".env") or resolved == "env" and ctx.file.is_settings


def imported_env(value: ast.expr, callee: str, ctx) -> bool:
    """``env.str(...)`` on such an imported ``env``."""
    return isinstance(value, ast.Name) and value.id == "env" and imported_env_name(callee.rsplit(".", 1)[0], ctx)


def cast_name(node: Optional[ast.expr], ctx) -> Optional[str]:
    if node is None:
        return None
    if isinstance(node, ast.Name) and node.id in ("bool", "int", "str", "float"):
        return node.id
    resolved = ctx.resolve(node) or ""
    if resolved.endswith("strtobool"):
        return "bool"
    return None


# -- where a finding matters ---------------------------------------------------------------

def file_severity(ctx, base: Severity) -> Optional[Severity]:
    """Tests are skipped; dev/test settings (modules, or ``class DevelopmentConfig``) lower the
    severity to information."""
    file = ctx.file
    if file.is_test:
        return None
    if file.is_dev_config or ctx.classes and in_dev_class(ctx):
        return Severity.INFORMATION
    return base


DEV_CLASS_TOKENS = frozenset({"DEV", "DEVELOPMENT", "LOCAL", "TEST", "TESTING", "TESTS", "DEBUG", "CI"})


def in_dev_class(ctx) -> bool:
    """Inside ``class DevelopmentConfig`` / ``class TestingConfig`` (Flask config classes)."""
    for cls in ctx.classes:
        if DEV_CLASS_TOKENS.intersection(name_tokens(cls.name)):
            return True
    return False


SETTINGS_BASES = frozenset({
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings", "pydantic.BaseSettings",
    "pydantic.v1.BaseSettings", "pydantic.env_settings.BaseSettings",
})


def settings_class(ctx) -> Optional[ast.ClassDef]:
    """The pydantic-settings class whose body we are directly in, if any."""
    cls = ctx.current_class
    if cls is None or ctx.parent is not cls:
        return None
    if ctx.class_bases(cls) & SETTINGS_BASES:
        return cls
    return None


def literal_quote(ctx, node: Optional[ast.expr]) -> str:
    if node is not None:
        text = ctx.source.segment(node)
        stripped = text.lstrip("rRbBuUfF")
        if stripped.startswith("'"):
            return "'"
    return '"'


def environ_expr(fc: FixContext, edits: list[Edit]) -> str:
    """How this file can spell ``os.environ`` (adds ``import os`` only when missing)."""
    info = ModuleImports.of(fc.text)
    os_name = info.name_for("os")
    if os_name:
        return f"{os_name}.environ"
    environ = info.name_for("os.environ")
    if environ:
        return environ
    new_edits, os_name = ensure_import(fc.text, "os")
    edits.extend(new_edits)
    return f"{os_name}.environ"


NEEDS_PARENS = (ast.Compare, ast.BinOp, ast.Attribute, ast.Subscript, ast.Await)


def wrap(text: str, parent: Optional[ast.AST], node: ast.AST) -> str:
    """Parenthesise a comparison that replaces ``node`` where precedence would change it."""
    if isinstance(parent, NEEDS_PARENS) or (isinstance(parent, ast.UnaryOp) and not isinstance(parent.op, ast.Not)):
        return f"({text})"
    if isinstance(parent, ast.Call) and parent.func is node:
        return f"({text})"
    return text


class EnvironReplace:
    """Replace a range by ``os.environ["NAME"]`` (importing os when needed)."""

    def __init__(self, target: tuple[int, int], env_name: str, quote: str) -> None:
        self.target = target
        self.env_name = env_name
        self.quote = quote

    def __call__(self, fc: FixContext):
        edits: list[Edit] = []
        environ = environ_expr(fc, edits)
        q = self.quote
        start, end = self.target
        edits.append(Edit(fc.at(start), fc.at(end), f"{environ}[{q}{self.env_name}{q}]"))
        return merge_insertions(edits)


def _replace(target: tuple[int, int], text: str):
    def build(fc: FixContext):
        start, end = target
        return [Edit(fc.at(start), fc.at(end), text)]
    return build


TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f", ""})
UNKNOWN = object()


def _strtobool(value: Any) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        return UNKNOWN
    if isinstance(value, (bool, int)):
        return bool(value)
    return UNKNOWN
