"""The bundled example service, as the README demo and the issue's acceptance use it."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from prodready.checks import all_rules

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodready", *args], cwd=cwd, capture_output=True, text=True)


def findings(root: Path) -> list[dict]:
    result = run("check", "--no-cache", "--format", "json", str(root), cwd=root.parent)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def test_check_examples_reports_every_rule_and_exits_1():
    result = run("check", "--no-cache", "examples", cwd=EXAMPLES.parent)
    assert result.returncode == 1, result.stderr
    reported = {line.split(": ", 1)[1].split(" ", 1)[0] for line in result.stdout.splitlines() if ": PR" in line}
    assert reported == {rule.code for rule in all_rules()}


def test_dev_settings_and_operator_cli_are_left_alone():
    by_path: dict[str, list[dict]] = {}
    for finding in findings(EXAMPLES):
        by_path.setdefault(Path(finding["path"]).name, []).append(finding)
    assert not by_path.get("admin_cli.py"), by_path.get("admin_cli.py")
    dev = by_path.get("dev.py", [])
    assert all(f["severity"] == "information" for f in dev), dev


@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
def test_fix_on_a_copy_of_examples_never_breaks_a_file(tmp_path, unsafe):
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    before = findings(copy)
    args = ["check", "--no-cache", "--fix", str(copy)] + (["--unsafe-fixes"] if unsafe else [])
    result = run(*args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    for path in copy.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    after = findings(copy)
    assert len(after) < len(before)
    # --fix leaves only unsafe-fixable and unfixable findings; --unsafe-fixes no fixable ones.
    left = [f for f in after if f["fix"] and (unsafe or f["fix"]["applicability"] == "safe")]
    assert not left, left


def test_readme_lists_every_rule():
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"| {rule.code} | [{rule.name}](docs/rules/{rule.code}-{rule.name}.md) | {rule.severity.label} | {rule.fix_availability} |" in readme, rule.code
