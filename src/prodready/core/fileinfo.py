"""What a file's path says about it: test, dev/test settings, production settings, entry point.

Rules lower their severity or stay silent in tests and dev-only configuration, and some only
apply to settings modules; deciding that once per file keeps every rule consistent.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable

from prodready.core.production import is_production_path, is_test_path

_SCRIPT_DIRS = {"scripts", "script", "bin", "tools", "examples_scripts", "notebooks"}
_DEV_STEMS = re.compile(
    r"^(dev|develop|development|local|local_settings|settings_local|settings_dev|dev_settings|"
    r"test|tests|testing|test_settings|settings_test|ci|conftest|debug)$|^(test_|tests_)|_(dev|local|test|testing)$"
)
_SETTINGS_STEMS = {"settings", "config", "configs", "conf", "constants", "configuration", "base",
                   "production", "prod", "common", "default", "defaults", "app_config"}
_SETTINGS_DIRS = {"settings", "config", "configs", "conf"}
_SCRIPT_FILES = {"setup.py", "noxfile.py", "fabfile.py", "tasks.py.sample", "conf.py"}


@dataclass(frozen=True)
class FileInfo:
    path: str
    is_test: bool
    is_dev_config: bool
    is_settings: bool
    is_entrypoint: bool
    is_script: bool
    is_migration: bool
    #: Production code path (core/production.py): False for tests, tooling, dev settings, templates.
    is_production: bool = True

    @property
    def is_production_settings(self) -> bool:
        return self.is_settings and not self.is_dev_config and not self.is_test

    @property
    def is_application_code(self) -> bool:
        """Code that runs inside a deployed service (not tests, scripts or dev config)."""
        return not (self.is_test or self.is_script or self.is_dev_config or self.is_migration)

    @classmethod
    def for_path(cls, path: str, entrypoints: Iterable[str] = ()) -> "FileInfo":
        pure = PurePath(path.replace("\\", "/"))
        parts = [p.lower() for p in pure.parts[:-1]]
        filename = pure.name.lower()
        stem = pure.stem.lower()
        is_test = is_test_path(path) or filename in {"tests.py", "test.py"}
        in_settings_dir = any(p in _SETTINGS_DIRS for p in parts[-2:])
        is_settings = stem in _SETTINGS_STEMS and (stem not in {"base", "common", "default", "defaults", "production", "prod"} or in_settings_dir)
        is_settings = is_settings or in_settings_dir or stem.startswith("settings") or stem.endswith("_settings") or stem.endswith("_config")
        is_dev = bool(_DEV_STEMS.search(stem)) and (is_settings or in_settings_dir or "settings" in stem or stem in {"conftest", "local_settings"})
        if in_settings_dir and bool(_DEV_STEMS.search(stem)):
            is_dev = True
        posix = pure.as_posix()
        is_entry = filename in {"__main__.py", "manage.py", "wsgi.py", "asgi.py"} or any(
            fnmatch.fnmatch(posix, pattern) or fnmatch.fnmatch(filename, pattern) for pattern in entrypoints
        )
        is_script = (
            any(p in _SCRIPT_DIRS for p in parts) or filename in _SCRIPT_FILES or filename.endswith(".ipynb")
        )
        is_migration = "migrations" in parts or "alembic" in parts
        return cls(posix, is_test, is_dev, is_settings, is_entry, is_script, is_migration,
                   is_production_path(posix) and not is_test)
