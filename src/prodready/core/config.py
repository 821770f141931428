"""`[tool.prodready]` configuration: reading, validating and merging with CLI/LSP settings.

A wrong value must never crash anything: it raises `ConfigError` with a message that names
the key and what was expected, and callers (CLI, server) turn that into a clear report.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any, Iterable, Mapping, Optional, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from prodready.core.config_checks import check_depth, check_glob, shown, table_at
from prodready.core.findings import Severity

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "build", "dist",
    "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    "site-packages", ".eggs", "*.egg-info", ".prodready_cache",
)

# Options rules read through Config.option, with their defaults and expected types.
RULE_OPTIONS: dict[str, tuple[type, Any]] = {
    "request-timeout": (int, 30),
    "max-module-lines": (int, 1000),
    "max-function-statements": (int, 100),
    "entrypoints": (list, []),
    "user-error-classes": (list, []),
    "allow-unused-dependencies": (list, []),  # PR603: distributions loaded by name
}

LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
SELECTOR_KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "severity")


class ConfigError(ValueError):
    """A configuration value is wrong; the message says which and why."""


def _parse_target(value: Any) -> tuple[int, int]:
    if isinstance(value, str):
        match = re.fullmatch(r"(?:py)?3\.?(\d{1,2})", value.strip().lower())
        if match:
            return 3, int(match.group(1))
    raise ConfigError(f"target-version: expected a version such as \"py311\" or \"3.11\", got {shown(value)}")


@dataclass(frozen=True)
class Config:
    select: Optional[tuple[str, ...]] = None  # None: every rule
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    target_version: tuple[int, int] = (3, 10)
    options: tuple[tuple[str, Any], ...] = ()
    respect_gitignore: bool = True
    preview: bool = False  # turn preview rules on (see Rule.preview)
    root: Optional[str] = None  # folder of the pyproject.toml it came from
    source: Optional[str] = None  # that file, for messages
    # Findings accepted as they are (see core/baseline.py): a path, absolute once loaded.
    baseline: Optional[str] = None
    # Where each selector-bearing setting was set ("pyproject.toml [tool.prodready] select",
    # "--select"), so an unknown selector is reported with its origin (core/selectors.py).
    selector_sources: tuple[tuple[str, str], ...] = ()

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def for_rules(cls, rules) -> "Config":
        """The defaults for a caller that names its rules and gives no configuration: an
        explicit rule list is an exact selection, so preview rules in it run (as
        `--select PR101` turns that preview rule on); with no list, preview rules stay off."""
        return cls(preview=bool(rules))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base: Optional["Config"] = None, where: str = "[tool.prodready]") -> "Config":
        """Validate a `[tool.prodready]`-shaped mapping (kebab-case or camelCase keys)."""
        config = base or cls()
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}: expected a table of settings, got {type(data).__name__}")
        check_depth(data, where)
        changes: dict[str, Any] = {}
        options = dict(config.options)
        sources = dict(config.selector_sources)
        for raw_key, value in data.items():
            key = re.sub(r"(?<!^)(?=[A-Z])", "-", str(raw_key)).lower().replace("_", "-")
            if key in SELECTOR_KEYS:
                sources[key] = f"{where} {raw_key}"
            if key in LIST_KEYS:
                values = _string_list(value, f"{where} {raw_key}")
                if key in ("exclude", "extend-exclude"):
                    values = [check_glob(v, f"{where} {raw_key}") for v in values]
                changes[key.replace("-", "_")] = tuple(values)
            elif key == "per-file-ignores":
                if not isinstance(value, Mapping):
                    raise ConfigError(f"{where} per-file-ignores: expected a table of glob = [rules], got {shown(value)}")
                changes["per_file_ignores"] = tuple(
                    (check_glob(str(glob), f"{where} per-file-ignores"),
                     tuple(_string_list(codes, f"{where} per-file-ignores.{glob}")))
                    for glob, codes in value.items()
                )
            elif key == "severity":
                if not isinstance(value, Mapping):
                    raise ConfigError(f"{where} severity: expected a table of rule = level, got {shown(value)}")
                levels = []
                for rule, level in value.items():
                    try:
                        levels.append((str(rule), Severity.parse(level)))
                    except ValueError as exc:
                        raise ConfigError(f"{where} severity.{rule}: {exc}") from None
                changes["severity"] = tuple(dict(config.severity + tuple(levels)).items())
            elif key == "target-version":
                changes["target_version"] = _parse_target(value)
            elif key in ("respect-gitignore", "preview"):
                if not isinstance(value, bool):
                    raise ConfigError(f"{where} {raw_key}: expected true or false, got {shown(value)}")
                changes[key.replace("-", "_")] = value
            elif key == "baseline":
                if not isinstance(value, str) or not value.strip():
                    raise ConfigError(f"{where} baseline: expected the path of a baseline file, got {value!r}")
                changes["baseline"] = value
            elif key == "extend":
                continue  # read by `load`, which merges the extended file first
            elif key in RULE_OPTIONS:
                kind, _default = RULE_OPTIONS[key]
                if kind is int and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                    raise ConfigError(f"{where} {raw_key}: expected a positive whole number, got {shown(value)}")
                if kind is list:
                    value = tuple(_string_list(value, f"{where} {raw_key}"))
                options[key] = value
            elif key in {"debounce", "enable", "path", "interpreter", "import-strategy", "args"}:
                continue  # editor/server settings, handled by the server
            else:
                known = sorted((*LIST_KEYS, "per-file-ignores", "severity", "target-version", "respect-gitignore", "preview",
                                "baseline", "extend", *RULE_OPTIONS))
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ConfigError(f"{where}: unknown setting {raw_key!r}{hint} (known settings: {', '.join(known)})")
        changes["options"] = tuple(sorted(options.items()))
        changes["selector_sources"] = tuple(sorted(sources.items()))
        return replace(config, **changes)

    @classmethod
    def load(cls, path: Path, _seen: tuple[str, ...] = ()) -> "Config":
        """Read ``[tool.prodready]`` from a pyproject.toml (or a prodready.toml / .prodready.toml).

        ``extend = "../pyproject.toml"`` reads that file first (relative to this one) and
        overrides what this file sets, like Ruff's ``extend``.
        """
        resolved = str(Path(path).resolve())
        if resolved in _seen:
            chain = " -> ".join((*_seen, resolved))
            raise ConfigError(f"{path}: extend: the configuration extends itself ({chain})")
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except (RecursionError, MemoryError):
            raise ConfigError(f"{path}: not valid TOML: values nested too deeply to read") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        tool = table_at(data, "tool", str(path))
        if Path(path).name == "pyproject.toml":
            section = tool.get("prodready", {})
            where = f"{path} [tool.prodready]"
        else:
            section = tool.get("prodready", data)
            where = str(path)
        base = None
        if isinstance(section, Mapping) and "extend" in section:
            target = section["extend"]
            if not isinstance(target, str) or not target.strip():
                raise ConfigError(f"{where} extend: expected the path of another configuration file, got {target!r}")
            parent_path = (Path(path).parent / Path(target).expanduser()).resolve()
            if not parent_path.is_file():
                raise ConfigError(f"{where} extend: {target}: no such file")
            base = cls.load(parent_path, (*_seen, resolved))
        config = cls.from_mapping(section, base=base, where=where)
        if config.baseline and (base is None or config.baseline != base.baseline):
            config = replace(config, baseline=str((Path(path).parent / Path(config.baseline).expanduser()).resolve()))
        scripts = data.get("project", {}).get("scripts", {}) if isinstance(data.get("project"), dict) else {}
        entry_modules = tuple(
            str(target).split(":", 1)[0].replace(".", "/") + ".py" for target in scripts.values()
        ) if isinstance(scripts, dict) else ()
        if entry_modules:
            current = tuple(config.option("entrypoints", []))
            config = replace(config, options=tuple(sorted({**dict(config.options), "entrypoints": current + tuple("*" + m for m in entry_modules)}.items())))
        return replace(config, root=str(Path(path).resolve().parent), source=str(path))

    @classmethod
    def discover(cls, start: Path) -> "Config":
        """The configuration of the nearest pyproject.toml with a [tool.prodready] (or any)."""
        start = Path(start).resolve()
        folder = start if start.is_dir() else start.parent
        fallback: Optional[Path] = None
        for candidate in (folder, *folder.parents):
            for name in ("prodready.toml", ".prodready.toml"):
                if (candidate / name).is_file():
                    return cls.load(candidate / name)
            pyproject = candidate / "pyproject.toml"
            if pyproject.is_file():
                try:
                    text = pyproject.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    text = ""
                if "[tool.prodready" in text:
                    return cls.load(pyproject)
                fallback = fallback or pyproject
        if fallback is not None:
            return cls.load(fallback)
        return cls()

    # -- queries ----------------------------------------------------------------------------
    def option(self, key: str, default: Any = None) -> Any:
        for name, value in self.options:
            if name == key:
                return value
        if key in RULE_OPTIONS:
            return RULE_OPTIONS[key][1]
        return default

    def relative_path(self, path: str) -> str:
        if self.root:
            try:
                return PurePath(Path(path).resolve().relative_to(self.root)).as_posix()
            except (ValueError, OSError):
                pass
        return PurePath(path).as_posix()

    def is_excluded(self, path: str) -> bool:
        rel = self.relative_path(path)
        parts = PurePath(rel).parts
        for pattern in (*self.exclude, *self.extend_exclude):
            pattern = pattern.rstrip("/")
            if "/" in pattern:
                if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*") or rel.startswith(pattern + "/"):
                    return True
            elif any(fnmatch.fnmatch(part, pattern) for part in parts):
                return True
        return False

    def rule_enabled(self, rule, path: Optional[str] = None) -> bool:
        if getattr(rule, "preview", False) and not self.preview and \
                not _matches_exactly(rule, (*(self.select or ()), *self.extend_select)):
            return False
        selected = self.select is None or _matches_any(rule, self.select)
        if not selected and not _matches_any(rule, self.extend_select):
            return False
        if _matches_any(rule, self.ignore) and not _matches_exactly(rule, self.extend_select):
            return False
        if path is not None and self.per_file_ignores:
            rel = self.relative_path(path)
            for glob, codes in self.per_file_ignores:
                if _glob_match(rel, glob) and _matches_any(rule, codes):
                    return False
        return True

    def severity_for(self, rule, default: Optional[Severity]) -> Optional[Severity]:
        """The configured severity for ``rule``, or ``default`` when none is configured."""
        for selector, level in self.severity:
            if _matches(rule, selector):
                return level
        return default

    def unknown_selectors(self, rules: Sequence) -> list[str]:
        """Selectors (in select/ignore/...) that match no rule: likely typos worth reporting."""
        selectors = [*(self.select or ()), *self.ignore, *self.extend_select, *(s for s, _ in self.severity)]
        for _glob, codes in self.per_file_ignores:
            selectors.extend(codes)
        return sorted({s for s in selectors if not any(_matches(r, s) for r in rules)})

    def fingerprint(self) -> str:
        return repr((self.select, self.ignore, self.extend_select, self.per_file_ignores, self.severity,
                     self.target_version, self.options, self.preview))


def _string_list(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\s]+", value) if part]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {shown(value)}")
    return [v.strip() for v in value]


def _matches(rule, selector: str) -> bool:
    key = selector.strip()
    if key.upper() == "ALL":
        return True
    if key.lower() == rule.name:
        return True
    upper = key.upper()
    return upper.startswith("PR") and rule.code.startswith(upper)


def _matches_exactly(rule, selectors: Iterable[str]) -> bool:
    return any(s.strip().upper() == rule.code or s.strip().lower() == rule.name for s in selectors)


def _matches_any(rule, selectors: Iterable[str]) -> bool:
    return any(_matches(rule, s) for s in selectors)


def _glob_match(rel: str, glob: str) -> bool:
    return fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(PurePath(rel).name, glob) or rel.startswith(glob.rstrip("/*") + "/") and glob.endswith(("/", "/*", "/**"))
