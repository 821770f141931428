"""Which files the project model reads, and what kind each one is (decided by path only)."""

from __future__ import annotations

import fnmatch
import posixpath

PYTHON = "python"
REQUIREMENTS = "requirements"
PYPROJECT = "pyproject"
SPACE = "space"  # space.yaml, or a README.md whose front matter may declare a Space
DOCKERFILE = "dockerfile"
PROCFILE = "procfile"
GITIGNORE = "gitignore"
DOTENV = "dotenv"
PACKAGE_JSON = "package-json"
SCRIPT = "script"  # .js/.jsx/.ts/.tsx
ALEMBIC_INI = "alembic-ini"
PYTHON_VERSION = "python-version"  # .python-version, runtime.txt

SCRIPT_SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs")

# Folders no project rule looks into: installed packages, build output, VCS metadata.
SKIP_FOLDERS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "env", ".env", "node_modules", "build", "dist",
    "__pycache__", ".tox", ".nox", "site-packages", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".prodready_cache", ".next", ".cache", "coverage",
})


def file_kind(path: str) -> str | None:
    """The kind of the file at ``path`` (POSIX, relative to the root), or None to skip it."""
    name = posixpath.basename(path)
    lower = name.lower()
    if lower.endswith((".py", ".pyi")):
        return PYTHON
    if lower.endswith(SCRIPT_SUFFIXES) and not lower.endswith((".min.js", ".d.ts")):
        return SCRIPT
    if fnmatch.fnmatchcase(lower, "requirements*.txt") or (
        lower.endswith(".txt") and posixpath.basename(posixpath.dirname(path)) == "requirements"
    ):
        return REQUIREMENTS
    if lower == "pyproject.toml":
        return PYPROJECT
    if lower in ("space.yaml", "space.yml") or lower == "readme.md":
        return SPACE
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return DOCKERFILE
    if lower == "procfile":
        return PROCFILE
    if lower == ".gitignore":
        return GITIGNORE
    if lower == ".env" or lower.startswith(".env."):
        return DOTENV
    if lower == "package.json":
        return PACKAGE_JSON
    if lower in (".python-version", "runtime.txt"):
        return PYTHON_VERSION
    if lower == "alembic.ini":
        return ALEMBIC_INI
    return None
