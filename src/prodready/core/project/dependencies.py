"""Declared dependencies: `requirements*.txt` (with `-r` includes) and `pyproject.toml`
(`[project.dependencies]`, `[project.optional-dependencies]`, Poetry and its groups).

Each dependency keeps where it was declared (file and character range of its line or
string) so a rule can report on it and a fix can remove or pin it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

# PEP 508 name at the start of a requirement; the rest is extras, version, markers.
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", re.DOTALL)


def normalize(name: str) -> str:
    """PEP 503 normalised distribution name (``Flask_SQLAlchemy`` -> ``flask-sqlalchemy``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Dependency:
    name: str  # normalised
    raw: str  # the requirement as written
    path: str  # the file declaring it
    start: int  # character range of the requirement in that file
    end: int
    line_start: int = 0  # range of the whole line (for removing it); requirements files only
    line_end: int = 0
    pinned: bool = False  # `==` / `===` to one version
    group: str = "main"  # "main", an extra's or a Poetry group's name
    source: str = "requirements"  # "requirements" | "project" | "poetry"


@dataclass
class RequirementsFile:
    dependencies: list[Dependency] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)  # `-r other.txt` / `-c`, as written


def _spec_pinned(rest: str) -> bool:
    spec = rest.split(";", 1)[0]
    return bool(re.match(r"\s*={2,3}\s*[^\s,*]+\s*$", spec)) and "*" not in spec


def parse_requirement_text(raw: str) -> tuple[str, bool] | None:
    """(normalised name, pinned) of a PEP 508 requirement string, or None if it is not one."""
    if "://" in raw or raw.lstrip().startswith((".", "/", "-", "git+")):
        return None
    match = _NAME.match(raw)
    if not match:
        return None
    name, _extras, rest = match.groups()
    if rest and " @ " in f" {rest}" and rest.lstrip().startswith("@"):
        return normalize(name), True  # a direct reference pins exactly one artefact
    return normalize(name), _spec_pinned(rest)


def parse_requirements(text: str, path: str) -> RequirementsFile:
    """The requirements a pip requirements file declares, with their positions."""
    result = RequirementsFile()
    offset = 0
    for line in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(line)
        body = line.rstrip("\r\n")
        comment = re.search(r"(^|\s)#", body)
        content = body[: comment.start()] if comment else body
        stripped = content.strip()
        if not stripped or stripped.endswith("\\"):
            continue
        if stripped.startswith(("-r", "--requirement", "-c", "--constraint")):
            parts = stripped.split(None, 1) if " " in stripped else [stripped[:2], stripped[2:]]
            if len(parts) == 2 and parts[1].strip():
                result.includes.append(parts[1].strip().lstrip("="))
            continue
        if stripped.startswith("-"):
            continue  # -e, --index-url, --hash...: not a named requirement we judge
        parsed = parse_requirement_text(stripped)
        if parsed is None:
            continue
        name, pinned = parsed
        start = line_start + len(content) - len(content.lstrip())
        result.dependencies.append(Dependency(
            name, stripped, path, start, start + len(stripped), line_start, offset, pinned,
        ))
    return result


def _find_string(text: str, value: str, after: int) -> tuple[int, int]:
    """The character range of the TOML string literal holding ``value`` (after ``after``)."""
    for quote in ('"', "'"):
        needle = f"{quote}{value}{quote}"
        index = text.find(needle, after)
        if index != -1:
            return index, index + len(needle)
    return 0, 0


def _line_range(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end + 1


@dataclass
class PyprojectInfo:
    dependencies: list[Dependency] = field(default_factory=list)
    requires_python: str = ""
    name: str = ""
    scripts: list[str] = field(default_factory=list)  # console-script targets: "pkg.mod:func"
    error: str = ""


def parse_pyproject(text: str, path: str) -> PyprojectInfo:
    info = PyprojectInfo()
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        info.error = str(exc)
        return info
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    poetry = poetry if isinstance(poetry, dict) else {}
    info.name = str(project.get("name") or poetry.get("name") or "")
    info.requires_python = str(project.get("requires-python") or "")
    scripts = project.get("scripts")
    if isinstance(scripts, dict):
        info.scripts = [str(v) for v in scripts.values()]

    def add(raw: object, group: str, source: str) -> None:
        if not isinstance(raw, str):
            return
        parsed = parse_requirement_text(raw)
        if parsed is None:
            return
        start, end = _find_string(text, raw, 0)
        ls, le = _line_range(text, start, end)
        info.dependencies.append(Dependency(parsed[0], raw, path, start, end, ls, le, parsed[1], group, source))

    for raw in project.get("dependencies") or []:
        add(raw, "main", "project")
    extras = project.get("optional-dependencies")
    if isinstance(extras, dict):
        for group, items in extras.items():
            for raw in items or []:
                add(raw, str(group), "project")

    def add_poetry(table: object, group: str) -> None:
        if not isinstance(table, dict):
            return
        for name, spec in table.items():
            if normalize(str(name)) == "python":
                if isinstance(spec, str) and not info.requires_python:
                    info.requires_python = spec
                continue
            key = re.search(rf"^\s*[\"']?{re.escape(str(name))}[\"']?\s*=", text, re.MULTILINE)
            start, end = (key.start(), key.end()) if key else (0, 0)
            ls, le = _line_range(text, start, end)
            version = spec if isinstance(spec, str) else (spec.get("version", "") if isinstance(spec, dict) else "")
            pinned = bool(re.match(r"^\s*(==)?\s*\d[\w.]*\s*$", str(version)))
            info.dependencies.append(Dependency(normalize(str(name)), str(name), path, start, end, ls, le,
                                                pinned, group, "poetry"))

    add_poetry(poetry.get("dependencies"), "main")
    add_poetry(poetry.get("dev-dependencies"), "dev")
    groups = poetry.get("group")
    if isinstance(groups, dict):
        for group, table in groups.items():
            if isinstance(table, dict):
                add_poetry(table.get("dependencies"), str(group))
    return info
