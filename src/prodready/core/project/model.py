"""`Project`: the files of one project and their facts, updated by content hash.

A project is a root folder and the files below it that some project rule reads (see
kinds.py). Each file's facts are computed from its text once per content hash and kept in
an in-memory table (and optionally a JSON cache on disk), so re-scanning an unchanged tree
or reverting an edit costs a hash, not a parse. ``update``/``remove`` say which kinds of
input changed, so callers re-run only the rules that read them.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Optional

from prodready.core.project import kinds
from prodready.core.project.dependencies import (
    Dependency,
    PyprojectInfo,
    RequirementsFile,
    normalize,
    parse_pyproject,
    parse_requirements,
)
from prodready.core.project.deployment import (
    Command,
    SpaceSettings,
    parse_dockerfile,
    parse_procfile,
    parse_space,
)
from prodready.core.project.frontend import PackageInfo, parse_package_json
from prodready.core.project.orm import ModelDef
from prodready.core.project.python_facts import PythonFacts, python_facts
from prodready.core.project.scripts import ScriptFacts, script_facts
from prodready.core.source import SourceFile

MAX_BYTES = 2 * 1024 * 1024  # larger files (bundles, data) are not indexed
RECENT_CONTENTS = 32  # facts of contents no file has any more, kept for an undo


@dataclass
class DockerFacts:
    commands: list[Command] = field(default_factory=list)
    python_version: str = ""  # FROM python:3.11-slim -> "3.11"


def _docker_facts(text: str) -> DockerFacts:
    match = re.search(r"(?im)^\s*FROM\s+(?:\S*/)?python:(\d+\.\d+)", text)
    return DockerFacts(parse_dockerfile(text), match.group(1) if match else "")


# kind -> (facts type, how to compute them from (text, path))
_FACTS: dict[str, tuple[type, Callable[[str, str], Any]]] = {
    kinds.PYTHON: (PythonFacts, python_facts),
    kinds.REQUIREMENTS: (RequirementsFile, parse_requirements),
    kinds.PYPROJECT: (PyprojectInfo, parse_pyproject),
    kinds.SPACE: (SpaceSettings, lambda text, path: parse_space(text, not path.lower().endswith((".yaml", ".yml")))),
    kinds.DOCKERFILE: (DockerFacts, lambda text, path: _docker_facts(text)),
    kinds.PROCFILE: (list, lambda text, path: parse_procfile(text)),
    kinds.PACKAGE_JSON: (PackageInfo, lambda text, path: parse_package_json(text)),
    kinds.SCRIPT: (ScriptFacts, script_facts),
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class ProjectFile:
    path: str  # POSIX, relative to the root
    kind: str
    text: str  # "" for .env files: their values are secrets and no rule needs them
    sha: str
    facts: Any = None

    @cached_property
    def source(self) -> SourceFile:
        return SourceFile(self.text, self.path)


class Project:
    """The indexed files of one project root."""

    def __init__(self, root: str = "") -> None:
        self.root = root
        self.files: dict[str, ProjectFile] = {}
        self.folders: set[str] = set()  # folders seen while scanning (empty ones too)
        # (kind, sha) -> facts, while some file has those contents (files with equal contents
        # share them), then among the RECENT_CONTENTS last let go (an undo in the editor finds
        # them): a server's index does not keep every edit's facts for the life of the server.
        self._facts: dict[tuple[str, str], Any] = {}
        self._holders: dict[tuple[str, str], int] = {}  # (kind, sha) -> how many files have it
        self._recent: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self.disk_cache: dict[str, Any] = {}  # "kind:sha" -> facts as data, from a previous run
        # (kind, sha) -> facts computed elsewhere from those contents (the CLI's file checks)
        self.known: dict[tuple[str, str], Any] = {}
        self.generation = 0  # bumped by every change; lets callers memoise derived views
        self._views: dict[str, tuple[int, Any]] = {}

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def from_tree(cls, tree: dict[str, str], root: str = "") -> "Project":
        """A project from ``{path: text}`` (tests, examples); a path ending in ``/`` is a folder."""
        project = cls(root)
        for path, text in tree.items():
            if path.endswith("/"):
                project.add_folder(path.rstrip("/"))
            else:
                project.update(path, text)
        return project

    def add_folder(self, path: str) -> None:
        while path and path not in self.folders:
            self.folders.add(path)
            path = posixpath.dirname(path)

    def update(self, path: str, text: str) -> Optional[str]:
        """Set the text of ``path``; returns its kind when that changed something, else None."""
        kind = kinds.file_kind(path)
        if kind is None:
            return None
        if kind == kinds.DOTENV:
            text = ""
        sha = sha256_text(text)
        current = self.files.get(path)
        if current is not None and current.sha == sha:
            return None
        self.files[path] = ProjectFile(path, kind, text, sha)
        self._holders[(kind, sha)] = self._holders.get((kind, sha), 0) + 1
        if current is not None:
            self._release(current)
        self.add_folder(posixpath.dirname(path))
        self.generation += 1
        return kind

    def remove(self, path: str) -> Optional[str]:
        current = self.files.pop(path, None)
        if current is None:
            return None
        self._release(current, recent=False)  # nothing to undo to: the file is gone
        self.generation += 1
        return current.kind

    def _release(self, file: ProjectFile, recent: bool = True) -> None:
        """``file``'s contents left the project: their facts go with the last file that had them."""
        key = (file.kind, file.sha)
        left = self._holders.get(key, 0) - 1
        if left > 0:
            self._holders[key] = left
        else:
            self._holders.pop(key, None)
            facts = self._facts.pop(key, None)
            if facts is not None and recent:
                self._recent[key] = facts
                if len(self._recent) > RECENT_CONTENTS:
                    self._recent.popitem(last=False)

    # -- facts --------------------------------------------------------------------------------
    def facts(self, file: ProjectFile) -> Any:
        if file.facts is not None:
            return file.facts
        spec = _FACTS.get(file.kind)
        if spec is None:
            return None
        key = (file.kind, file.sha)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._recent.pop(key, None)
        if facts is None:
            facts = self.known.get(key)
        if facts is None:
            facts = self._from_disk_cache(file.kind, file.sha, spec[0])
        if facts is None:
            facts = spec[1](file.text, file.path)
        if key in self._holders:  # not for a file already replaced or removed
            self._facts[key] = facts
        file.facts = facts
        return facts

    def _from_disk_cache(self, kind: str, sha: str, facts_type: type) -> Any:
        data = self.disk_cache.get(f"{kind}:{sha}")
        if data is None:
            return None
        from prodready.core.project.codec import from_data

        try:
            if facts_type is list:
                from prodready.core.project.deployment import Command as item

                return [from_data(item, entry) for entry in data]
            return from_data(facts_type, data)
        except (TypeError, ValueError, KeyError):
            return None

    def cache_data(self, known: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        """Every file's facts as JSON-able data, for the disk cache of the next run; entries
        already in ``known`` (a previous run's data, keyed by content) are reused as they are."""
        from prodready.core.project.codec import to_data

        out: dict[str, Any] = {}
        for file in self.files.values():
            if file.kind in _FACTS:
                key = f"{file.kind}:{file.sha}"
                out[key] = known[key] if known is not None and key in known else to_data(self.facts(file))
        return out

    def cache_keys(self) -> set[str]:
        """The keys `cache_data` would have: equal keys, equal data (they name the contents)."""
        return {f"{f.kind}:{f.sha}" for f in self.files.values() if f.kind in _FACTS}

    def of_kind(self, *wanted: str) -> list[ProjectFile]:
        return [f for p, f in sorted(self.files.items()) if f.kind in wanted]

    def python_files(self) -> Iterator[tuple[ProjectFile, PythonFacts]]:
        for file in self.of_kind(kinds.PYTHON):
            yield file, self.facts(file)

    def _view(self, name: str, build: Callable[[], Any]) -> Any:
        cached = self._views.get(name)
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        value = build()
        self._views[name] = (self.generation, value)
        return value

    # -- derived views --------------------------------------------------------------------------
    def module_name(self, path: str) -> str:
        """The dotted module a Python file is imported as, from the root (``app/models.py`` ->
        ``app.models``; a ``src/`` layout drops ``src``)."""
        stem = path[:-3] if path.endswith(".py") else path[:-4] if path.endswith(".pyi") else path
        parts = stem.split("/")
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and parts[0] == "src":
            parts.pop(0)
        return ".".join(parts)

    def local_modules(self) -> set[str]:
        """Top-level names the project's own modules and packages are imported by."""
        def build() -> set[str]:
            names: set[str] = set()
            for file in self.of_kind(kinds.PYTHON):
                name = self.module_name(file.path)
                if name:
                    names.add(name.split(".", 1)[0])
                # a script folder on sys.path: `app/main.py` imports `app/util.py` as `util`
                names.add(posixpath.basename(file.path).rsplit(".", 1)[0])
            return names
        return self._view("local_modules", build)

    def dependencies(self) -> list[Dependency]:
        """Every declared dependency: requirements files and pyproject.toml."""
        def build() -> list[Dependency]:
            found: list[Dependency] = []
            for file in self.of_kind(kinds.REQUIREMENTS, kinds.PYPROJECT):
                facts = self.facts(file)
                found.extend(facts.dependencies)
            return found
        return self._view("dependencies", build)

    def constrained(self) -> set[str]:
        """Names pinned by a constraints or another requirements file (``-c constraints.txt``)."""
        pinned = set()
        for dep in self.dependencies():
            if dep.pinned:
                pinned.add(dep.name)
        return pinned

    def declared(self, name: str) -> bool:
        key = normalize(name)
        return any(d.name == key for d in self.dependencies())

    def models(self) -> dict[str, list[tuple[str, ModelDef]]]:
        """Model class name -> [(path, model)] across the project."""
        def build() -> dict[str, list[tuple[str, ModelDef]]]:
            table: dict[str, list[tuple[str, ModelDef]]] = {}
            for file, facts in self.python_files():
                for model in facts.models:
                    table.setdefault(model.name, []).append((file.path, model))
            return table
        return self._view("models", build)

    def model(self, name: str, near: str = "") -> Optional[tuple[str, ModelDef]]:
        """The model called ``name``; with several, the one closest to the file ``near``."""
        candidates = self.models().get(name) or []
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        folder = posixpath.dirname(near)
        return max(candidates, key=lambda c: len(os.path.commonprefix([posixpath.dirname(c[0]), folder])))

    def python_version_cap(self) -> Optional[tuple[int, int]]:
        """The highest Python the project says it runs on, or None when nothing limits it."""
        caps: list[tuple[int, int]] = []
        for file in self.of_kind(kinds.PYPROJECT):
            spec = self.facts(file).requires_python
            for op, major, minor in re.findall(r"(<=|<|==|~=)\s*(\d+)\.(\d+)", spec):
                version = (int(major), int(minor))
                caps.append(version if op in ("<=", "==", "~=") else (version[0], version[1] - 1))
        for file in self.of_kind(kinds.DOCKERFILE):
            version = self.facts(file).python_version
            if version:
                caps.append(tuple(int(p) for p in version.split(".")))  # type: ignore[arg-type]
        for file in self.of_kind(kinds.PYTHON_VERSION):
            match = re.search(r"(\d+)\.(\d+)", file.text)
            if match:
                caps.append((int(match.group(1)), int(match.group(2))))
        return min(caps) if caps else None

    def text(self, path: str) -> str:
        file = self.files.get(path)
        return file.text if file is not None else ""

    def read_paths(self) -> Iterable[str]:
        return sorted(self.files)
