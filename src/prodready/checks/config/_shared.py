"""Helpers shared by the config rules (and only by them)."""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional

from prodready.core.environment import contains_env_lookup, env_lookup
from prodready.core.findings import Edit, FixContext
from prodready.core.secret_names import name_tokens
from prodready.quickfixes.imports import ensure_import, merge_insertions

# -- shared matchers -------------------------------------------------------------------------

LOCAL_URL = re.compile(r"(?:https?|wss?)://(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(?=[/?#]|$)", re.I)
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_UNC = re.compile(r"\\\\[A-Za-z0-9._$-]+\\[^\\\s]")
_HOME = re.compile(r"/(?:home|Users)/([^/\s]+)(?:/|$)")
SQLITE_MEMORY = re.compile(r"^sqlite(?:\+\w+)?://(?:/(?::memory:|file::memory:.*)?)?$")

CLI_CALLS = {"add_argument", "option", "Option", "argument", "Argument", "add_option", "DEFINE_string", "prompt"}
SETTINGS_BASES = {"pydantic_settings.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings",
                   "pydantic_settings.main.BaseSettings"}


def is_local_url(value: str) -> bool:
    """``http(s)://`` / ``ws(s)://`` URL to localhost, 127.0.0.1 or 0.0.0.0 (the whole string)."""
    return "://" in value and LOCAL_URL.match(value) is not None


def absolute_path_kind(value: str) -> Optional[str]:
    """"windows", "unc" or "home" when ``value`` is a machine-specific absolute path."""
    if len(value) < 3 or "\n" in value:
        return None
    first = value[0]
    if value[1] == ":" and WINDOWS_DRIVE.match(value):
        if "://" in value or " " in value.split("\\")[0]:
            return None
        return "windows"
    if first == "\\":
        return "unc" if _UNC.match(value) else None
    if first == "/" and (value.startswith("/home/") or value.startswith("/Users/")):
        match = _HOME.match(value)
        if match and match.group(1) not in {"", ".", "..", "*"} and not match.group(1).startswith(("{", "<", "$", "%")):
            return "home"
    return None


def is_sqlite_uri(value: str, prefix: bool = False) -> bool:
    """A SQLite URL to a file (``prefix``: the literal starts a longer expression)."""
    if not (value.startswith("sqlite:") or value.startswith("sqlite+")):
        return False
    return prefix or not SQLITE_MEMORY.match(value)


def climb(ctx, node: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    """(child, parent) pairs from ``node`` up to its enclosing statement (inclusive)."""
    child = node
    for parent in reversed(ctx.parents):
        if parent is node:
            continue  # climbing from an enclosing f-string the walk is inside of
        yield child, parent
        if isinstance(parent, ast.stmt):
            return
        child = parent


def _last(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def target_name(target: ast.AST) -> Optional[str]:
    if isinstance(target, (ast.Name, ast.Attribute)):
        return _last(target)
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _owner(ctx, node: ast.AST) -> tuple[Optional[str], Optional[str]]:
    """What names the value ``node`` is part of: ("target"|"keyword"|"key", name) or (None, None).

    Climbs through expressions that build a value from the literal (``+``, f-strings,
    conditionals, ``or``, containers) and stops at the first naming construct.
    """
    for child, parent in climb(ctx, node):
        if isinstance(parent, ast.Assign):
            if child is parent.value and len(parent.targets) == 1:
                return "target", target_name(parent.targets[0])
            return None, None
        if isinstance(parent, ast.AnnAssign):
            return ("target", target_name(parent.target)) if child is parent.value else (None, None)
        if isinstance(parent, ast.keyword):
            return "keyword", parent.arg
        if isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values):
                if value is child:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        return "key", key.value
                    return None, None
            return None, None
        if isinstance(parent, (ast.Call, ast.stmt, ast.arguments, ast.Compare, ast.Subscript)):
            return None, None
    return None, None


def env_fallback(ctx, node: ast.AST) -> bool:
    """Is ``node`` (part of) the fallback of an environment lookup, or a configurable default?"""
    for child, parent in climb(ctx, node):
        if isinstance(parent, ast.Call):
            if env_lookup(parent, ctx.resolve) is not None:
                return True
            callee = _last(parent.func)
            if callee in CLI_CALLS and isinstance(child, ast.keyword) and child.arg == "default":
                return True
        elif isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or):
            for value in parent.values:
                if value is child:
                    break
                if contains_env_lookup(value, ctx.resolve) or reads_configuration(value, ctx):
                    return True
        elif isinstance(parent, ast.IfExp) and child is not parent.test:
            if contains_env_lookup(parent.test, ctx.resolve):
                return True
    if ctx.at_import_time and ctx.classes:
        bases = ctx.class_bases(ctx.classes[-1])
        if bases & SETTINGS_BASES or any(b.endswith("BaseSettings") for b in bases):
            return True
    return False


CONFIG_OBJECTS = {"settings", "config", "conf", "cfg", "configuration", "options", "opts", "args", "env"}


def reads_configuration(expr: ast.AST, ctx) -> bool:
    """``settings.HOSTNAME``, ``app.config["X"]``, ``config.get("X")``: a configured value."""
    for node in ast.walk(expr):
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            base = node.value
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Attribute) and base.func.attr == "get":
                base = base.func.value
            name = _last(base)
            if name and name.lower() in CONFIG_OBJECTS:
                return True
            qualified = ctx.resolve(base) if isinstance(base, (ast.Name, ast.Attribute)) else None
            if qualified and qualified in {"django.conf.settings", "flask.current_app.config"}:
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            name = _last(node.func.value)
            if name and name.lower() in CONFIG_OBJECTS:
                return True
    return False


DEV_TOKENS = frozenset({"DEV", "DEVELOP", "DEVELOPMENT", "LOCAL", "TEST", "TESTS", "TESTING", "DEBUG"})
CONFIG_CLASS_TOKENS = frozenset({"CONFIG", "CONFIGURATION", "SETTINGS", "ENV", "ENVIRONMENT", "CONF"})


def dev_tokens(name: str) -> bool:
    return len(name) < 60 and not DEV_TOKENS.isdisjoint(name_tokens(name))


def mentions_dev(expr: ast.AST) -> bool:
    """Does a condition talk about debug/dev/test mode (``if DEBUG:``, ``if ENV == "dev"``)?"""
    for node in ast.walk(expr):
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        if name and dev_tokens(name):
            return True
    return False


def dev_only(ctx) -> bool:
    """Inside a dev/test-only branch or config class (``class DevelopmentConfig``, ``if DEBUG:``)."""
    for cls in ctx.classes:
        tokens = name_tokens(cls.name)
        if not DEV_TOKENS.isdisjoint(tokens) and not CONFIG_CLASS_TOKENS.isdisjoint(tokens):
            return True
    for frame in ctx.functions:
        name = getattr(frame.node, "name", "")
        if name and not (DEV_TOKENS - {"LOCAL"}).isdisjoint(name_tokens(name)):
            return True
    for parent in ctx.parents:
        if isinstance(parent, (ast.If, ast.IfExp)) and mentions_dev(parent.test):
            return True
    return False


def comparison_or_prefix_check(ctx, node: ast.AST) -> bool:
    """Literals compared against or used as prefixes (``url.startswith("http://localhost")``)."""
    for child, parent in climb(ctx, node):
        if isinstance(parent, ast.Compare):
            return True
        if isinstance(parent, ast.Call):
            callee = _last(parent.func)
            if callee in {"startswith", "endswith", "replace", "match", "search", "fullmatch", "compile",
                          "removeprefix", "removesuffix", "split", "index", "find", "count"}:
                return True
            return False
        if isinstance(parent, ast.stmt):
            return False
    return False


def _env_name(raw: Optional[str], default: str, suffixes: tuple[str, ...]) -> str:
    """An ENVIRONMENT_VARIABLE-style name from a target/keyword name."""
    if not raw:
        return default
    # Digits stay with the word they follow: `MP4_HLS_COMMAND_PATH`, `mp4Path` -> MP4_PATH.
    tokens = re.findall(r"[A-Z]+[0-9]*(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+", raw)
    name = "_".join(t.upper() for t in tokens)
    if not name or not re.match(r"^[A-Z][A-Z0-9_]*$", name):
        return default
    if suffixes and not any(name == s or name.endswith("_" + s) or name.endswith(s) for s in suffixes):
        name = f"{name}_{suffixes[0]}"
    return name


def element_suffix(ctx, node: ast.AST) -> str:
    """``_2`` for the second literal of a list/tuple/set of several literals: each entry gets its
    own environment variable instead of all sharing the container's name."""
    parent = ctx.parents[-1] if ctx.parents else None
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set)):
        literals = [e for e in parent.elts if isinstance(e, (ast.Constant, ast.JoinedStr))]
        if len(literals) > 1:
            for index, element in enumerate(parent.elts):
                if element is node:
                    return f"_{index + 1}"
    return ""


def env_get_builder(span: tuple[int, int], env_name: str, default_text: str, wrap: str = ""):
    """Fix builder: replace ``span`` by ``os.environ.get("ENV_NAME", default)`` (+ ``import os``)."""

    def build(fc: FixContext):
        edits, os_name = ensure_import(fc.text, "os")
        expr = f'{os_name}.environ.get("{env_name}", {default_text})'
        if wrap:
            expr = f"{wrap}({expr})"
        edits.append(Edit(fc.at(span[0]), fc.at(span[1]), expr))
        return merge_insertions(edits)

    return build


def skip_file(ctx) -> bool:
    file = ctx.file
    return file.is_test or file.is_dev_config
