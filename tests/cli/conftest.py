"""Helpers for the CLI tests: temporary project trees and an in-process runner."""

from __future__ import annotations

import ast
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from prodready.cli.main import main

UTCNOW = "from datetime import datetime\nx = datetime.utcnow()\n"
CLEAN = "x = 1\n"
PYPROJECT = '[tool.prodready]\nselect = ["PR101"]\n'


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    for name in ("FORCE_COLOR", "NO_COLOR", "PRODREADY_OUTPUT_FORMAT", "PRODREADY_TRACEBACK", "PRODREADY_DOCS_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with a pyproject.toml (so discovery stops here) as the working directory.

    Only PR101 (and the test rules, with `--extend-select PR99`) are selected, so these tests
    do not depend on what other rules, still being written, report.
    """
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def write(root: Path, files: dict) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


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


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


# -- rules that exist only in tests (unsafe-only fix, no fix, a crash) -------------------------
from prodready.core.findings import Edit, Severity  # noqa: E402
from prodready.core.rule import Rule, fix  # noqa: E402


class PrintCall(Rule):
    """`print(...)` -> `log(...)`, an unsafe fix only."""

    code = "PR991"
    name = "test-print-call"
    severity = Severity.INFORMATION
    summary = "print call (test rule)"
    fix_availability = "unsafe"

    def visit_Call(self, node, ctx):
        if isinstance(node.func, ast.Name) and node.func.id == "print":
            start, end = ctx.source.node_range(node.func)
            self.report(node, "print call", fixes=[fix("Use log", lambda fc, s=start, e=end: [Edit(fc.at(s), fc.at(e), "log")], safe=False)])


class EvalCall(Rule):
    code = "PR992"
    name = "test-eval-call"
    severity = Severity.ERROR
    summary = "eval call (test rule)"

    def visit_Call(self, node, ctx):
        if isinstance(node.func, ast.Name) and node.func.id == "eval":
            self.report(node, "eval call, with a comma, a colon: and 100%")


class Crashes(Rule):
    code = "PR993"
    name = "test-crashes"
    summary = "always raises (test rule)"

    def visit_Call(self, node, ctx):
        if isinstance(node.func, ast.Name) and node.func.id == "boom":
            raise RuntimeError("rule exploded")


@pytest.fixture
def fake_rules(monkeypatch):
    import prodready.checks

    real = prodready.checks.all_rules()
    rules = tuple(sorted((*real, PrintCall, EvalCall, Crashes), key=lambda r: r.code))
    monkeypatch.setattr(prodready.checks, "all_rules", lambda: rules)
    return rules
