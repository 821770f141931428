"""Recognising environment lookups: ``os.getenv``, ``os.environ[...]``, django-environ,
environs, python-decouple, Starlette's ``Config``, whole-environment readers and the small
``get_env(...)`` helpers projects write themselves.

One recogniser for every rule: the config rules ask "is this value already configurable?"
(a literal that is the fallback of a lookup is fine) and "is this module environment-backed?";
the secrets rules ask "which variable, with which fallback and which cast?". Each lookup says
what kind of reader it is, so a rule decides which kinds it acts on; the positions of the
variable name, the fallback and the cast are known here once (django-environ's
``env("X", cast, default)`` differs from ``env.str("X", default)`` and from ``os.getenv``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable, Optional

from prodready.core.astutil import argument, keyword_value, string_value

Resolve = Callable[[ast.AST], Optional[str]]

# ``os`` getters: first argument (or ``key=``) names the variable, second (or ``default=``) is
# the fallback. The first three are the ones a fix can rewrite to ``os.environ["X"]``.
OS_FALLBACK_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
OS_GETTERS = OS_FALLBACK_GETTERS | {"os.environ.pop", "os.getenvb", "os.environb.get"}
DECOUPLE_READERS = frozenset({"decouple.config", "decouple.AutoConfig()", "decouple.Config()"})
STARLETTE_READERS = frozenset({"starlette.config.Config()"})
# Calls that read configuration from the environment as a whole (no variable name needed).
ENV_READERS = frozenset({
    "dj_database_url.config", "dj_database_url.parse", "environ.Env", "environs.Env",
    "dotenv.dotenv_values", "dotenv.load_dotenv",
})
# django-environ / environs instances: ``env("X", cast, default)``, ``env.str("X", default=...)``.
ENV_INSTANCES = ("environ.Env()", "environ.FileAwareEnv()", "environs.Env()")
ENV_METHODS = frozenset({
    "str", "bool", "int", "float", "json", "list", "tuple", "dict", "url", "db_url", "db",
    "cache_url", "cache", "email_url", "email", "search_url", "path", "get_value", "decimal",
})
READER_INSTANCES = (*ENV_INSTANCES, "decouple.AutoConfig()", "decouple.Config()", "starlette.config.Config()")
# Helpers projects write themselves: get_env("X", d), get_bool_env(...), env_int(...).
_HELPER_NAME = re.compile(r"^(get_?env|getenv|env|get_?env_\w+|get_\w+_env|env_\w+|\w+_from_env|from_env|read_env)$", re.I)
_ENV_VAR_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_NAME_KEYWORDS = ("key", "var", "option", "name")


@dataclass(frozen=True)
class EnvLookup:
    """One lookup of the environment.

    ``kind`` is ``"os"`` (an ``os`` getter), ``"subscript"`` (``os.environ["X"]``),
    ``"environ"`` (django-environ/environs), ``"decouple"``, ``"starlette"``, ``"instance"``
    (another method of such a reader), ``"reader"`` (reads the environment as a whole) or
    ``"helper"`` (a project's own ``get_env``).
    """

    node: ast.expr
    kind: str
    callee: str
    name_node: Optional[ast.expr]
    default: Optional[ast.expr]
    cast: Optional[str] = None

    @property
    def call(self) -> ast.expr:
        return self.node

    @property
    def name(self) -> Optional[str]:
        """The variable's name when it is a literal."""
        return string_value(self.name_node)

    @property
    def has_fixable_fallback(self) -> bool:
        """An ``os`` getter whose fallback a fix can drop (``os.environ["X"]`` instead)."""
        return self.kind == "os" and self.callee in OS_FALLBACK_GETTERS


def _is_os_environ(node: ast.AST, resolve: Resolve) -> bool:
    return isinstance(node, (ast.Name, ast.Attribute)) and resolve(node) in {"os.environ", "os.environb"}


def _imported_env_name(resolved: str, settings_module: bool) -> bool:
    """``env`` imported from another settings module (``from .base import env``), or left
    unbound by ``from .base import *`` in a settings module."""
    return resolved.endswith(".env") or resolved == "env" and settings_module


def _cast_name(node: Optional[ast.expr], resolve: Resolve) -> Optional[str]:
    if node is None:
        return None
    if isinstance(node, ast.Name) and node.id in ("bool", "int", "str", "float"):
        return node.id
    if (resolve(node) or "").endswith("strtobool"):
        return "bool"
    return None


def _name_argument(call: ast.Call) -> Optional[ast.expr]:
    name = argument(call, 0)
    if name is None:
        for kw in call.keywords:
            if kw.arg in _NAME_KEYWORDS:
                return kw.value
    return name


def env_lookup(node: ast.AST, resolve: Resolve, settings_module: bool = False) -> Optional[EnvLookup]:
    """The environment lookup ``node`` is, or None. Cheap: checks the callee's spelling first.

    ``settings_module``: the file is a settings module, where an unbound ``env`` comes from
    ``from .base import *``.
    """
    if isinstance(node, ast.Subscript):
        if _is_os_environ(node.value, resolve):
            return EnvLookup(node, "subscript", "os.environ", node.slice, None)
        return None
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute):
        attr: Optional[str] = func.attr
        last = func.attr
    elif isinstance(func, ast.Name):
        attr, last = None, func.id
    else:
        return None
    callee = resolve(func) or ""
    name = _name_argument(node)
    if callee in OS_GETTERS:
        return EnvLookup(node, "os", callee, name, argument(node, 1, "default"))
    if callee in DECOUPLE_READERS:
        return EnvLookup(node, "decouple", callee, name, argument(node, 1, "default"),
                         _cast_name(argument(node, 2, "cast"), resolve))
    if callee in STARLETTE_READERS:
        return EnvLookup(node, "starlette", callee, name, argument(node, 2, "default"),
                         _cast_name(argument(node, 1, "cast"), resolve))
    if callee in ENV_INSTANCES or (attr is None and last == "env" and _imported_env_name(callee, settings_module)):
        return EnvLookup(node, "environ", callee, name, argument(node, 2, "default"),
                         _cast_name(argument(node, 1, "cast"), resolve))
    if attr in ENV_METHODS:
        owner = func.value  # type: ignore[union-attr]
        imported = isinstance(owner, ast.Name) and owner.id == "env" and \
            _imported_env_name(callee.rsplit(".", 1)[0], settings_module)
        if callee.startswith(ENV_INSTANCES) or imported:
            cast = attr if attr != "get_value" else _cast_name(keyword_value(node, "cast"), resolve)
            return EnvLookup(node, "environ", callee, name, argument(node, 1, "default"), cast)
    if callee.startswith(READER_INSTANCES):
        # Any other method of a reader instance (``env.read_env()``, ``config.get(...)``).
        return EnvLookup(node, "instance", callee, name, argument(node, 1, "default"))
    if callee in ENV_READERS:
        return EnvLookup(node, "reader", callee, name, argument(node, 1, "default"))
    if _HELPER_NAME.match(last):
        # A project's own helper: only when it is given an ENV_VAR-looking name.
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and _ENV_VAR_NAME.match(name.value):
            return EnvLookup(node, "helper", callee, name, argument(node, 1, "default"))
    return None


def contains_env_lookup(expr: Optional[ast.AST], resolve: Resolve) -> bool:
    """Does ``expr`` read the environment anywhere (``int(os.getenv("PORT", "5000"))``)?"""
    if expr is None:
        return False
    for node in ast.walk(expr):
        if isinstance(node, (ast.Call, ast.Subscript)) and env_lookup(node, resolve) is not None:
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and resolve(node) in {"os.environ", "os.getenv"}:
            return True
    return False
