"""The project's URLs, kept once in pyproject.toml (`[project.urls]`) and read from there.

The installed package's metadata carries them (`Project-URL`); a source tree run without
installing reads pyproject.toml beside `src/`. Messages (where to report a bug), SARIF's
informationUri and rule documentation links all come from here.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def project_urls() -> dict[str, str]:
    """`[project.urls]` as label -> URL (labels lower-cased)."""
    urls: dict[str, str] = {}
    for entry in _installed_project_urls():
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    if not urls:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            from prodready.core.config import tomllib

            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            urls = {k.lower(): str(v) for k, v in data.get("project", {}).get("urls", {}).items()}
        except (OSError, ValueError, AttributeError):
            pass
    return urls


def _installed_project_urls() -> list[str]:
    """The ``Project-URL`` headers of the installed distribution's METADATA.

    Read directly from the first ``prodready-*.dist-info`` on ``sys.path`` (beside the
    package first), as ``importlib.metadata`` would find it: importing that module (and the
    e-mail parser it loads) was a tenth of the language server's start-up.
    """
    here = Path(__file__).resolve().parent.parent
    for entry in [str(here), *sys.path]:
        try:
            found = sorted(Path(entry or ".").glob("prodready-*.dist-info"))
        except OSError:
            continue
        for info in found:
            try:
                text = (info / "METADATA").read_text(encoding="utf-8")
            except OSError:
                continue
            headers = text.split("\n\n", 1)[0].splitlines()
            return [line.split(":", 1)[1].strip() for line in headers if line.lower().startswith("project-url:")]
    return []


def url(label: str) -> str:
    return project_urls().get(label, "")


def repository() -> str:
    return url("repository") or url("homepage")


def issues() -> str:
    return url("issues") or (repository().rstrip("/") + "/issues" if repository() else "the project's issue tracker")


def rule_docs_base() -> str:
    """Where docs/rules/ is published (the repository's main branch)."""
    return url("rules") or (repository().rstrip("/") + "/blob/main/docs/rules/")
