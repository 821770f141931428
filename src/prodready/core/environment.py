"""Recognising environment lookups: ``os.getenv``, ``os.environ[...]``, django-environ,
python-decouple and the small ``get_env(...)`` helpers projects write themselves.

Shared by the rules that ask "is this value already configurable?" (a literal that is the
fallback of a lookup is fine) and "is this module environment-backed?" (mixed config).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable, Optional

Resolve = Callable[[ast.AST], Optional[str]]

# Calls whose first argument (or ``key=``) names an environment variable and whose second
# argument (or ``default=``) is the fallback.
ENV_GETTERS = frozenset({
    "os.getenv", "os.environ.get", "os.environ.setdefault", "os.environ.pop", "os.getenvb",
    "os.environb.get", "decouple.config", "decouple.AutoConfig()", "starlette.config.Config()",
})
# Calls that read configuration from the environment as a whole (no variable name needed).
ENV_READERS = frozenset({
    "dj_database_url.config", "dj_database_url.parse", "environ.Env", "environs.Env",
    "dotenv.dotenv_values", "dotenv.load_dotenv",
})
# django-environ / environs instances: ``env("X")``, ``env.str("X", default=...)``.
_ENV_INSTANCE_PREFIXES = ("environ.Env()", "environs.Env()", "decouple.AutoConfig()", "starlette.config.Config()")
# Helpers projects write themselves: get_env("X", d), get_bool_env(...), env_int(...).
_HELPER_NAME = re.compile(r"^(get_?env|getenv|env|get_?env_\w+|get_\w+_env|env_\w+|\w+_from_env|from_env|read_env)$", re.I)
_ENV_VAR_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class EnvLookup:
    """One lookup: the node, the variable-name expression and the fallback (if any)."""

    node: ast.expr
    name: Optional[ast.expr]
    default: Optional[ast.expr]


def _is_os_environ(node: ast.AST, resolve: Resolve) -> bool:
    return isinstance(node, (ast.Name, ast.Attribute)) and resolve(node) in {"os.environ", "os.environb"}


def env_lookup(node: ast.AST, resolve: Resolve) -> Optional[EnvLookup]:
    """The environment lookup ``node`` is, or None. Cheap: checks the callee's spelling first."""
    if isinstance(node, ast.Subscript):
        if _is_os_environ(node.value, resolve):
            return EnvLookup(node, node.slice, None)
        return None
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if last is None:
        return None
    qualified = resolve(func) or ""
    name = node.args[0] if node.args and not isinstance(node.args[0], ast.Starred) else None
    default = node.args[1] if len(node.args) > 1 and not isinstance(node.args[1], ast.Starred) else None
    for kw in node.keywords:
        if kw.arg == "default":
            default = kw.value
        elif kw.arg in ("key", "var", "name") and name is None:
            name = kw.value
    if qualified in ENV_GETTERS:
        return EnvLookup(node, name, default)
    if qualified in ENV_READERS:
        return EnvLookup(node, name, default)
    if qualified.startswith(_ENV_INSTANCE_PREFIXES):
        return EnvLookup(node, name, default)
    if _HELPER_NAME.match(last):
        # A project's own helper: only when it is given an ENV_VAR-looking name.
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and _ENV_VAR_NAME.match(name.value):
            return EnvLookup(node, name, default)
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
