"""Reading a project from disk: walk the root, keep the files some project rule reads.

Folders that hold installed or generated code (kinds.SKIP_FOLDERS) are never entered; a
caller may pass ``ignored`` (the CLI passes its exclude patterns and `.gitignore`) to skip
more. Files are read as bytes and decoded like the engine decodes Python (PEP 263 cookie,
BOM); anything undecodable or over `MAX_BYTES` is left out, never guessed at.
"""

from __future__ import annotations

import json
import os
from typing import Callable, Optional

from prodready.core.project import kinds
from prodready.core.project.model import MAX_BYTES, Project

Ignored = Callable[[str, bool], bool]  # (absolute path, is a folder) -> skip it


def read_text(path: str, kind: str) -> Optional[str]:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES or b"\x00" in data[:4096]:
        return None
    if kind == kinds.DOTENV:
        return ""
    if kind == kinds.PYTHON:
        from prodready.core.engine import decode_source

        text, _why = decode_source(data)
        return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def scan(root: str, ignored: Optional[Ignored] = None, project: Optional[Project] = None) -> Project:
    """Index ``root`` into ``project`` (a new one by default); files gone since are removed."""
    root = os.path.abspath(root)
    project = project or Project(root)
    seen: set[str] = set()
    for folder, subfolders, names in os.walk(root):
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        rel_folder = "" if rel_folder == "." else rel_folder
        keep = []
        for name in sorted(subfolders):
            full = os.path.join(folder, name)
            if name in kinds.SKIP_FOLDERS or os.path.islink(full):
                continue
            if ignored is not None and ignored(full, True):
                continue
            keep.append(name)
        subfolders[:] = keep
        if rel_folder:
            project.add_folder(rel_folder)
        for name in names:
            rel = f"{rel_folder}/{name}" if rel_folder else name
            kind = kinds.file_kind(rel)
            if kind is None:
                continue
            full = os.path.join(folder, name)
            if ignored is not None and kind != kinds.DOTENV and ignored(full, False):
                continue
            text = read_text(full, kind)
            if text is None:
                continue
            seen.add(rel)
            project.update(rel, text)
    for rel in [p for p in project.files if p not in seen]:
        project.remove(rel)
    return project


CACHE_FILE = "project-index.json"


def load_cache(project: Project, folder: str, key: str) -> None:
    """Give ``project`` the facts a previous run saved (same prodready version: ``key``)."""
    try:
        with open(os.path.join(folder, CACHE_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("facts"), dict):
        project.disk_cache = data["facts"]


def save_cache(project: Project, folder: str, key: str) -> None:
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, CACHE_FILE + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"key": key, "facts": project.cache_data()}, handle)
        os.replace(tmp, os.path.join(folder, CACHE_FILE))
    except OSError:
        pass
