"""One engine fact: is this file a production code path?

Decided from the path relative to the project root (the CLI and the server hand rules the
root-relative path, so a temporary directory named ``test_x0`` above the root never counts).
Tooling around a service -- tests, scripts, docs, examples, benchmarks, evaluation code,
packaging files, settings templates and dev/test settings, cookiecutter/Jinja template
trees -- is not production: rules about deployed behaviour (hard-coded secrets, debug flags,
binds, timeouts, prints, shell commands...) stay quiet there. Every rule and helper that asks
"is this a test?" or "is this tooling?" asks here, so there is one answer.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional

# Folder names (any segment) that hold tests.
TEST_DIRS = frozenset({"tests", "test", "testing", "__tests__", "spec", "specs"})
# Folder names (any segment) that hold tooling rather than the service.
TOOLING_DIRS = frozenset({"scripts", "tools", "docs", "doc", "dev", "examples", "example",
                          "eval", "evals", "benchmarks", "bench"})
# Files that are tests.
TEST_FILES = frozenset({"conftest.py"})
# Packaging and task-runner files.
TOOLING_FILES = frozenset({"setup.py", "noxfile.py", "fabfile.py", "hatch_build.py"})
# Settings modules for development, CI or tests (``settings/dev.py``, ``settings_local.py``).
DEV_SETTINGS_STEMS = frozenset({"dev", "devel", "development", "local", "ci", "test", "testing"})
SETTINGS_DIRS = frozenset({"settings", "config", "configs", "conf"})


def _parts(path: str) -> list[str]:
    return [p for p in path.replace("\\", "/").lower().split("/") if p not in ("", ".")]


def is_template_path(path: str) -> bool:
    """A cookiecutter or Jinja template tree (a segment containing ``{{``): not Python yet."""
    return "{{" in path


def is_test_path(path: str) -> bool:
    """Test code: a ``tests``/``test``/``testing`` folder, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    parts = _parts(path)
    if not parts:
        return False
    name = parts[-1]
    return (any(p in TEST_DIRS for p in parts[:-1]) or name.startswith("test_")
            or name.endswith("_test.py") or name in TEST_FILES)


def is_dev_settings_path(path: str) -> bool:
    """A settings template (``*.example.py``, ``*_example.py``) or dev/CI/test settings module
    (``settings/dev.py``, ``config/local.py``, ``settings_dev.py``, ``settings_local.py``)."""
    parts = _parts(path)
    if not parts:
        return False
    name = parts[-1]
    if not name.endswith(".py"):
        return False
    stem = name[:-3]
    if stem.endswith(".example") or stem.endswith("_example"):
        return True
    if stem in DEV_SETTINGS_STEMS and len(parts) > 1 and parts[-2] in SETTINGS_DIRS:
        return True
    for prefix in ("settings_", "config_"):
        if stem.startswith(prefix) and stem[len(prefix):] in DEV_SETTINGS_STEMS:
            return True
    for suffix in ("_settings", "_config"):
        if stem.endswith(suffix) and stem[:-len(suffix)] in DEV_SETTINGS_STEMS:
            return True
    return False


@lru_cache(maxsize=4096)
def is_production_path(path: str) -> bool:
    """False for tests, tooling folders and files, settings templates and dev settings, and
    template trees; True for everything else. ``path`` is relative to the project root."""
    parts = _parts(path)
    if not parts:
        return True
    if is_template_path(path) or is_test_path(path) or is_dev_settings_path(path):
        return False
    if any(p in TOOLING_DIRS for p in parts[:-1]):
        return False
    return parts[-1] not in TOOLING_FILES


# Files whose folder is a project's root: the path facts are decided below it, never above
# (a checkout under ~/dev/ or /srv/tools/ is not tooling code).
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "manage.py", ".git")


@lru_cache(maxsize=4096)
def _marked_root(folder: str) -> Optional[str]:
    """(Each folder's answer is cached, so sibling folders share their parents' lookups.)"""
    if any(os.path.exists(os.path.join(folder, marker)) for marker in PROJECT_MARKERS):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else _marked_root(parent)


def project_root_of(path: str) -> Optional[str]:
    """The nearest folder above ``path`` (absolute) holding a project marker, or None."""
    return _marked_root(os.path.dirname(os.path.abspath(path)))


def root_relative(path: str, root) -> str:
    """``path`` relative to the project ``root`` when it lies under it (what the path facts
    are decided on). Without a configured root, the nearest folder with a project marker is
    the root; with none, only the file name counts, so folders above the project (``~/dev/``)
    never make code look like tooling."""
    if not os.path.isabs(path):
        return path
    for candidate in (root, project_root_of(path)):
        if not candidate:
            continue
        try:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(str(candidate)))
        except ValueError:  # another drive on Windows
            continue
        if not rel.startswith(".."):
            return rel.replace(os.sep, "/")
    return os.path.basename(path)
