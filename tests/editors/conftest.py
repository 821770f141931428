"""Fixtures and the `editor` marker for the editor integration tests."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest
from editor_helpers import SAMPLE


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "editor: drives a real editor or builds an editor package (slow; runs by default)"
    )


@pytest.fixture
def server_cmd() -> list[str]:
    """The server of the Python running the tests (PRODREADY_TEST_SERVER_CMD, a shell-quoted
    command, runs another one, e.g. an installed `prodready server`)."""
    override = os.environ.get("PRODREADY_TEST_SERVER_CMD")
    if override:
        return shlex.split(override)
    return [sys.executable, "-m", "prodready", "server"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project with one Python file full of findings."""
    root = tmp_path / "demo"
    root.mkdir()
    # SAMPLE's findings come from preview rules (PR101, PR201): the project turns them on, as a user would.
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n\n[tool.prodready]\npreview = true\n',
                                         encoding="utf-8")
    (root / "app.py").write_text(SAMPLE, encoding="utf-8")
    return root
