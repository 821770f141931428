"""Fixtures for the CLI tests: temporary projects, an in-process runner, test-only rules."""

from __future__ import annotations

import io
import sys

import pytest

from cli_helpers import PYPROJECT, TEST_RULES, Run
from prodready.cli.main import main


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    for name in ("FORCE_COLOR", "NO_COLOR", "PRODREADY_OUTPUT_FORMAT", "PRODREADY_TRACEBACK", "PRODREADY_DOCS_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with a pyproject.toml (so discovery stops here) as the working directory."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `main([...])` in-process; optional ``stdin`` bytes."""

    def run(*args: str, stdin: bytes | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def fake_rules(monkeypatch):
    """The real rules plus PR991 (unsafe fix only), PR992 (no fix), PR993 (raises)."""
    import prodready.checks

    real = prodready.checks.all_rules()
    rules = tuple(sorted((*real, *TEST_RULES), key=lambda r: r.code))
    monkeypatch.setattr(prodready.checks, "all_rules", lambda: rules)
    return rules
