"""The one environment-lookup recogniser: kinds, variable names, fallbacks and casts."""

from __future__ import annotations

import ast

import pytest

from prodready.core.environment import contains_env_lookup, env_lookup
from prodready.core.names import NameResolver


def _lookup(code: str, settings_module: bool = False):
    tree = ast.parse(code)
    resolver = NameResolver(NameResolver.module_bindings(tree.body))
    expr = tree.body[-1].value
    return env_lookup(expr, resolver.resolve, settings_module)


def _literal(node):
    return ast.literal_eval(node) if node is not None else None


@pytest.mark.parametrize(("code", "kind", "name", "default", "cast"), [
    ('import os\nos.getenv("A", "d")', "os", "A", "d", None),
    ('import os\nos.environ.get("A", default="d")', "os", "A", "d", None),
    ('import os\nos.environ["A"]', "subscript", "A", None, None),
    # django-environ: env(NAME, cast, default) and env.cast(NAME, default)
    ('import environ\nenv = environ.Env()\nenv("DEBUG", bool, True)', "environ", "DEBUG", True, "bool"),
    ('import environ\nenv = environ.Env()\nenv("DEBUG", default=False)', "environ", "DEBUG", False, None),
    ('import environ\nenv = environ.Env()\nenv.bool("DEBUG", False)', "environ", "DEBUG", False, "bool"),
    ('import environ\nenv = environ.Env()\nenv.get_value("N", cast=int, default=3)', "environ", "N", 3, "int"),
    ('from decouple import config\nconfig("DEBUG", default=True, cast=bool)', "decouple", "DEBUG", True, "bool"),
    ('from starlette.config import Config\nconfig = Config(".env")\nconfig("DEBUG", cast=bool, default=False)',
     "starlette", "DEBUG", False, "bool"),
    ('def get_env(n, d=None): ...\nget_env("PORT", "80")', "helper", "PORT", "80", None),
])
def test_lookup_positions(code, kind, name, default, cast):
    found = _lookup(code)
    assert found is not None
    assert (found.kind, found.name, _literal(found.default), found.cast) == (kind, name, default, cast)


def test_env_from_a_star_import_is_django_environ_in_settings_modules_only():
    code = "from .base import *\nenv('SECRET_KEY', 'x')"
    in_settings = _lookup(code, settings_module=True)
    assert (in_settings.kind, in_settings.default) == ("environ", None)  # position 1 is the cast
    elsewhere = _lookup(code, settings_module=False)
    assert (elsewhere.kind, _literal(elsewhere.default)) == ("helper", "x")


def test_fixable_fallback_is_only_the_plain_os_getters():
    assert _lookup('import os\nos.getenv("A", "d")').has_fixable_fallback
    assert not _lookup('import os\nos.environ.pop("A", "d")').has_fixable_fallback
    assert not _lookup('import environ\nenv = environ.Env()\nenv.str("A", "d")').has_fixable_fallback


@pytest.mark.parametrize("code", [
    'cache = {}\ncache.get("A", "d")',
    'def env_name(x): ...\nenv_name("lowercase")',
    'import os\nos.path.join("a", "b")',
])
def test_look_alikes_are_not_lookups(code):
    assert _lookup(code) is None


def test_contains_lookup_sees_nested_reads():
    tree = ast.parse('import os\nint(os.getenv("PORT", "5000"))')
    assert contains_env_lookup(tree.body[-1].value, NameResolver(NameResolver.module_bindings(tree.body)).resolve)
