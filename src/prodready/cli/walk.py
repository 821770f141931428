"""Finding the files to check: folders are walked, excludes and `.gitignore` are honoured.

Like Ruff, a path named on the command line is checked even if an exclude pattern or a
`.gitignore` matches it (you asked for it); `--force-exclude` applies the exclusions to named
paths too, which is what pre-commit style callers that pass every changed file want.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable, Optional

from prodready.cli.gitignore import IgnoreTree, find_git_root
from prodready.core.config import Config

PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)  # absolute, in a stable sorted order
    errors: list[str] = field(default_factory=list)  # missing paths and unreadable folders
    warnings: list[str] = field(default_factory=list)


def has_python_shebang(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


class Excluder:
    """`exclude` / `extend-exclude` patterns plus `.gitignore` files."""

    def __init__(self, config: Config, respect_gitignore: bool, cwd: Path) -> None:
        self.patterns = tuple(p.rstrip("/") for p in (*config.exclude, *config.extend_exclude) if p.strip("/"))
        self.root = Path(config.root) if config.root else cwd
        self.respect_gitignore = respect_gitignore
        self._trees: dict[Path, IgnoreTree] = {}
        self.config_root = Path(config.root) if config.root else None

    def _rel_to_root(self, path: Path) -> Optional[str]:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def name_excluded(self, path: Path) -> bool:
        """Does an exclude pattern match this entry (its name, or its path from the root)?"""
        name = path.name
        rel = None
        for pattern in self.patterns:
            if "/" in pattern:
                if rel is None:
                    rel = self._rel_to_root(path) or ""
                if rel and (fnmatch.fnmatchcase(rel, pattern) or rel.startswith(pattern + "/")):
                    return True
            elif fnmatch.fnmatchcase(name, pattern):
                return True
        return False

    def path_excluded(self, path: Path) -> bool:
        """For --force-exclude: the path or any folder above it (below the root) is excluded."""
        rel = self._rel_to_root(path)
        if rel is None:
            return self.name_excluded(path)
        current = self.root
        for part in PurePath(rel).parts:
            current = current / part
            if self.name_excluded(current):
                return True
        return False

    def tree_for(self, start: Path) -> Optional[IgnoreTree]:
        if not self.respect_gitignore:
            return None
        top = find_git_root(start)
        if top is None:
            if self.config_root is not None and (start == self.config_root or self.config_root in start.parents):
                top = self.config_root
            else:
                top = start
        tree = self._trees.get(top)
        if tree is None:
            tree = self._trees[top] = IgnoreTree(top)
        return tree


def _absolute(path: str, cwd: Path) -> Path:
    p = Path(path)
    if not p.is_absolute():
        p = cwd / p
    return Path(os.path.normpath(p))


def discover(
    paths: Iterable[str],
    config: Config,
    *,
    cwd: Path,
    force_exclude: bool = False,
    respect_gitignore: Optional[bool] = None,
) -> Discovery:
    result = Discovery()
    excluder = Excluder(config, config.respect_gitignore if respect_gitignore is None else respect_gitignore, cwd)
    seen: set[str] = set()

    def add(file: Path, real: Optional[str] = None) -> None:
        """``real``: the file's real path when the caller knows it (see `_walk`)."""
        if real is None:
            try:
                real = str(file.resolve())
            except OSError:
                real = str(file)
        if real not in seen:
            seen.add(real)
            result.files.append(file)

    for raw in paths:
        path = _absolute(raw, cwd)
        if not os.path.lexists(path):
            result.errors.append(f"{raw}: no such file or directory")
            continue
        if path.is_dir():
            tree = excluder.tree_for(path)
            if force_exclude and (excluder.path_excluded(path) or (tree is not None and tree.ignored_with_parents(path, True))):
                continue
            _walk(path, excluder, tree, add, result)
        elif path.is_file():
            if force_exclude:
                tree = excluder.tree_for(path.parent)
                if excluder.path_excluded(path) or (tree is not None and tree.ignored_with_parents(path, False)):
                    continue
            if path.suffix in PYTHON_SUFFIXES or has_python_shebang(path):
                add(path)
            else:
                result.warnings.append(f"{raw}: skipped, not a Python file (.py, .pyi or a python shebang)")
        else:
            result.errors.append(f"{raw}: not a regular file or folder")
    result.files.sort(key=lambda p: p.as_posix())
    return result


def _walk(top: Path, excluder: Excluder, tree: Optional[IgnoreTree], add, result: Discovery) -> None:
    # The walk never enters a folder link, so below `top` a file that is no link itself has
    # `top`'s real path plus its own path below `top`: one realpath for the walk, not one
    # per file (half of the discovery of a thousand files).
    prefix = str(top)
    try:
        real_top = os.path.realpath(prefix)
    except OSError:
        real_top = None
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            result.errors.append(f"{folder}: cannot read folder: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink() and entry.is_dir():
                    continue  # never follow folder links (loops, vendored trees)
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if not is_dir and not (is_file and entry.name.endswith(PYTHON_SUFFIXES)):
                continue
            if excluder.name_excluded(path):
                continue
            if tree is not None and tree.ignored(path, is_dir):
                continue
            if is_dir:
                subfolders.append(path)
            elif real_top is not None and not entry.is_symlink() and entry.path.startswith(prefix):
                add(path, real_top + entry.path[len(prefix):])
            else:
                add(path)
        stack.extend(reversed(subfolders))


def excluded_by_settings(path: Path, config: Config, cwd: Path, respect_gitignore: Optional[bool] = None) -> bool:
    """Would excludes or `.gitignore` skip ``path`` (need not exist, e.g. `--stdin-filename`)?"""
    path = _absolute(str(path), cwd)
    excluder = Excluder(config, config.respect_gitignore if respect_gitignore is None else respect_gitignore, cwd)
    if excluder.path_excluded(path):
        return True
    tree = excluder.tree_for(path.parent if path.parent.is_dir() else cwd)
    return tree is not None and tree.ignored_with_parents(path, False)
