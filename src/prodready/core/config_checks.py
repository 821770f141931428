"""Checks on configuration values that `Config` does not see by type alone.

- Globs (``exclude``, ``extend-exclude``, ``per-file-ignores``, ``--exclude``): `fnmatch`
  turns ``[z-a]`` into a pattern that matches nothing and an unclosed ``[`` into a literal,
  so a typo silently excludes nothing. `check_glob` rejects both, naming the pattern.
- Tables that are not tables (``tool = 5``) and values nested so deeply that walking or
  printing them would exhaust the stack: `table_at` and `check_depth` turn them into a
  `ConfigError` naming the key. `shown` prints any value briefly and never recursively.
"""

from __future__ import annotations

import reprlib
from typing import Any, Mapping, Optional

MAX_DEPTH = 32  # no prodready setting nests more than three levels; far more is a mistake

_repr = reprlib.Repr()
_repr.maxlevel = 3
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 6


def shown(value: Any) -> str:
    """A short, non-recursive ``repr`` of a configuration value, for messages."""
    try:
        return _repr.repr(value)
    except (RecursionError, MemoryError, ValueError):
        return f"a {type(value).__name__}"


def glob_problem(pattern: str) -> Optional[str]:
    """Why ``pattern`` is not a valid glob (None when it is)."""
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] in "!^":
                j += 1
            body_start = j
            if j < n and pattern[j] == "]":
                j += 1  # a leading "]" is part of the class
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                return f"unclosed '[' at position {i + 1}"
            body = pattern[body_start:j]
            k = 0
            while k < len(body):
                if k + 2 < len(body) and body[k + 1] == "-":
                    if body[k] > body[k + 2]:
                        return f"bad character range {body[k]}-{body[k + 2]} in {pattern[i:j + 1]!r}"
                    k += 3
                else:
                    k += 1
            i = j + 1
            continue
        i += 1
    return None


def check_glob(pattern: str, where: str) -> str:
    from prodready.core.config import ConfigError

    problem = glob_problem(pattern)
    if problem is not None:
        raise ConfigError(f"{where}: invalid glob {pattern!r}: {problem}")
    return pattern


def check_depth(value: Any, where: str, limit: int = MAX_DEPTH) -> None:
    """Raise ConfigError when ``value`` nests lists/tables deeper than ``limit`` (iteratively)."""
    from prodready.core.config import ConfigError

    stack = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            raise ConfigError(f"{where}: values nested more than {limit} levels deep; no setting takes that")
        if isinstance(current, Mapping):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend((v, depth + 1) for v in current)


def table_at(data: Mapping, key: str, where: str) -> Mapping:
    """``data[key]`` when it is a table, {} when absent; ConfigError when it is something else."""
    from prodready.core.config import ConfigError

    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: `{key}` must be a table, got {type(value).__name__} {shown(value)}")
    return value
