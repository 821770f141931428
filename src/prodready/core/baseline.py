"""Baselines: accept today's findings, report only new ones.

A finding is recorded by its path, its rule and a fingerprint that survives unrelated edits:
the enclosing function or class (``OrderView.get``), a hash of its flagged line with
whitespace normalised, and an occurrence index among findings with that same key in that
file. Lines added above it, code changed elsewhere in the file, re-indentation: none of these
changes the key. Changing the flagged line itself, or moving it to another function, does —
that finding is then new, which is what a reviewer wants to see.

The line is stored as a hash, not as text: secrets rules flag lines with credentials on them,
and a baseline is committed. The file is sorted, indented JSON so it reviews well in a diff.

Core only: the CLI (`--baseline`, `--write-baseline`) and the server (`baseline = "..."`)
both use it.
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Iterable, Optional, Sequence

from prodready.core.config import ConfigError
from prodready.core.source import SourceFile

FORMAT_VERSION = 1
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, order=True)
class Entry:
    """One baselined finding (everything needed to match it again)."""

    path: str  # POSIX, relative to the baseline file's folder
    code: str
    scope: str  # "Class.method", "function", or "" at module level
    line_hash: str
    occurrence: int = 0

    def fingerprint(self) -> str:
        """A stable id for this finding (GitLab Code Quality's ``fingerprint``)."""
        key = "\0".join((self.path, self.code, self.scope, self.line_hash, str(self.occurrence)))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Scopes:
    """The enclosing ``def``/``class`` chain of any line of one parsed file."""

    def __init__(self, tree: Optional[ast.AST]) -> None:
        self.spans: list[tuple[int, int, str]] = []  # (first line, last line, qualified name)
        if tree is not None:
            self._collect(tree, "")
        self.spans.sort()
        self.starts = [s for s, _, _ in self.spans]

    def _collect(self, node: ast.AST, prefix: str) -> None:
        """Descend through statement lists only: a ``def`` or ``class`` is a statement, and
        statements live only in bodies (``body``, ``orelse``, ``finalbody``, the bodies of
        ``except`` handlers and ``match`` cases), never inside an expression. Skipping the
        expressions visits a few percent of the nodes ``ast.iter_child_nodes`` would."""
        for child in _statements(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                self.spans.append((first, getattr(child, "end_lineno", None) or child.lineno, name))
                self._collect(child, name)
            else:
                self._collect(child, prefix)

    def at(self, line: int) -> str:
        """The innermost scope containing 1-based ``line`` ("" at module level).

        Nested scopes start after their parents, so the containing span that starts last is
        the innermost one.
        """
        for index in range(bisect.bisect_right(self.starts, line) - 1, -1, -1):
            first, last, name = self.spans[index]
            if first <= line <= last:
                return name
        return ""


_BODIES = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def _statements(node: ast.AST) -> list:
    """The statements (and ``except``/``case`` clauses, which hold statements) directly
    under ``node``, in source order as ``ast.iter_child_nodes`` yields them."""
    out: list = []
    for name in node._fields:
        if name in _BODIES:
            value = getattr(node, name, None)
            if value.__class__ is list:
                out.extend(value)
    return out


def line_hash(text: str) -> str:
    """Hash of a line with its whitespace normalised (indentation and spacing do not count)."""
    normal = _SPACE.sub(" ", text).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def relative_to(path: str, folder: str) -> str:
    try:
        return PurePath(os.path.relpath(os.path.abspath(path), os.path.abspath(folder))).as_posix()
    except ValueError:  # another drive on Windows
        return PurePath(path).as_posix()


def entries_for(rel_path: str, keys: Sequence[tuple[str, str, str]]) -> list[Entry]:
    """Entries for one file's findings, given (code, scope, line hash) in report order.

    The occurrence index counts findings with the same key before this one, so two identical
    lines in one function are two entries, and a third is new.
    """
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for key in keys:
        index = seen.get(key, 0)
        seen[key] = index + 1
        out.append(Entry(rel_path, key[0], key[1], key[2], index))
    return out


def keys_for(source: SourceFile, findings: Iterable[tuple[str, int]]) -> list[tuple[str, str, str]]:
    """(code, scope, line hash) for each (code, start offset) of one file's findings."""
    scopes = Scopes(source.tree)
    out = []
    for code, start in findings:
        line = source.line_of(start)
        out.append((code, scopes.at(line + 1), line_hash(source.line_text(line))))
    return out


class Baseline:
    """The accepted findings of one baseline file."""

    def __init__(self, path: str, entries: Iterable[Entry] = ()) -> None:
        self.path = str(path)
        self.folder = str(Path(path).resolve().parent)
        self.entries = set(entries)

    @classmethod
    def load(cls, path: str, shown: Optional[str] = None) -> "Baseline":
        """Read a baseline file; a missing or malformed one is a `ConfigError` saying so
        (naming it as ``shown``, e.g. relative to the working directory)."""
        name = shown or path
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"baseline {name}: no such file (write one with `prodready check --write-baseline {name}`)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"baseline {name}: cannot read: {exc}") from None
        except json.JSONDecodeError as exc:
            raise ConfigError(f"baseline {name}: not valid JSON ({exc}); write it again with --write-baseline") from None
        try:
            if data.get("version") != FORMAT_VERSION:
                raise ValueError(f"format version {data.get('version')!r}, expected {FORMAT_VERSION}")
            entries = [Entry(str(e["path"]), str(e["code"]), str(e.get("scope", "")), str(e["line-hash"]),
                             int(e.get("occurrence", 0))) for e in data["findings"]]
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"baseline {name}: not a prodready baseline ({exc}); write it again with --write-baseline") from None
        return cls(path, entries)

    def relative(self, path: str) -> str:
        return relative_to(path, self.folder)

    def __contains__(self, entry: Entry) -> bool:
        return entry in self.entries

    def for_path(self, rel_path: str) -> list[Entry]:
        return [e for e in self.entries if e.path == rel_path]


def document(entries: Iterable[Entry], names: dict[str, str]) -> str:
    """The baseline file's text: sorted, stable, one finding per object."""
    rows = [
        {"path": e.path, "code": e.code, "name": names.get(e.code, e.code), "scope": e.scope,
         "line-hash": e.line_hash, "occurrence": e.occurrence}
        for e in sorted(set(entries))
    ]
    body = {"version": FORMAT_VERSION, "tool": "prodready", "findings": rows}
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_CACHE: dict[str, tuple[tuple, Baseline]] = {}


def load_cached(path: str) -> Baseline:
    """`Baseline.load`, re-read only when the file changes (the server calls it per analysis)."""
    try:
        st = os.stat(path)
        stamp: tuple = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = ()
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == stamp and stamp:
        return cached[1]
    baseline = Baseline.load(path)
    _CACHE[path] = (stamp, baseline)
    return baseline


def not_accepted(findings: Sequence, source: SourceFile, path: str, baseline: Baseline) -> list:
    """The findings of one file (engine `Finding`s) that ``baseline`` does not accept."""
    if not findings:
        return list(findings)
    keys = keys_for(source, [(f.code, f.start) for f in findings])
    entries = entries_for(baseline.relative(path), keys)
    return [f for f, entry in zip(findings, entries) if entry not in baseline]
