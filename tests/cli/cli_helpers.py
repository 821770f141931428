"""Shared data and helpers for the CLI tests (a uniquely named module, imported by the tests)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from prodready.core.findings import Edit, Severity
from prodready.core.rule import Rule, fix

UTCNOW = "from datetime import datetime\nx = datetime.utcnow()\n"
CLEAN = "x = 1\n"
# Only PR101 is selected in test projects (and the test rules with `--extend-select PR99`), so
# these tests do not depend on what other rules, still being written, report.
PYPROJECT = '[tool.prodready]\nselect = ["PR101"]\n'


@dataclass
class Run:
    code: int
    out: str
    err: str


def write(root: Path, files: dict) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


# -- rules that exist only in tests (unsafe-only fix, no fix, a crash) ---------------------------
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
            build = lambda fc, s=start, e=end: [Edit(fc.at(s), fc.at(e), "log")]  # noqa: E731
            self.report(node, "print call", fixes=[fix("Use log", build, safe=False)])


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


TEST_RULES = (PrintCall, EvalCall, Crashes)
