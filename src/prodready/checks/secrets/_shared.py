"""Helpers shared by the secrets rules (and only by them)."""

from __future__ import annotations

import ast
from typing import Any, Optional

from prodready.core.environment import EnvLookup
from prodready.core.environment import env_lookup as core_env_lookup
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.secret_names import name_tokens
from prodready.quickfixes.imports import ModuleImports, ensure_import, merge_insertions

# -- environment lookups -------------------------------------------------------------------

MISSING = object()


def env_lookup(call: ast.AST, ctx) -> Optional[EnvLookup]:
    """An environment lookup whose variable, fallback and cast the secrets rules reason about:
    the ``os`` getters a fix can rewrite to ``os.environ["X"]``, django-environ/environs and
    python-decouple readers. Recognition itself is `prodready.core.environment`'s."""
    if not isinstance(call, ast.Call):
        return None
    lookup = core_env_lookup(call, ctx.resolve, ctx.file.is_settings)
    if lookup is not None and (lookup.has_fixable_fallback or lookup.kind in ("environ", "decouple")):
        return lookup
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
