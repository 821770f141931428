"""The project's URLs, kept once in pyproject.toml (`[project.urls]`) and read from there.

The installed package's metadata carries them (`Project-URL`); a source tree run without
installing reads pyproject.toml beside `src/`. Messages (where to report a bug), SARIF's
informationUri and rule documentation links all come from here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def project_urls() -> dict[str, str]:
    """`[project.urls]` as label -> URL (labels lower-cased)."""
    urls: dict[str, str] = {}
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        for entry in metadata("prodready").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            urls[label.strip().lower()] = url.strip()
    except (ImportError, PackageNotFoundError):  # pragma: no cover - not installed
        pass
    if not urls:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            from prodready.core.config import tomllib

            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            urls = {k.lower(): str(v) for k, v in data.get("project", {}).get("urls", {}).items()}
        except (OSError, ValueError, AttributeError):
            pass
    return urls


def url(label: str) -> str:
    return project_urls().get(label, "")


def repository() -> str:
    return url("repository") or url("homepage")


def issues() -> str:
    return url("issues") or (repository().rstrip("/") + "/issues" if repository() else "the project's issue tracker")


def rule_docs_base() -> str:
    """Where docs/rules/ is published (the repository's main branch)."""
    return url("rules") or (repository().rstrip("/") + "/blob/main/docs/rules/")
