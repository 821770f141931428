"""The pre-commit hook (.pre-commit-hooks.yaml) and the GitHub Action (action.yml), run for
real: pre-commit installs prodready from this repository; the action's shell steps run with
the environment GitHub gives them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import UTCNOW

ROOT = Path(__file__).resolve().parents[2]
# pip could not reach a package index from pre-commit's own environment: nothing to test.
_NO_INDEX = ("No matching distribution", "Could not find a version", "Failed to establish a new connection",
             "Temporary failure in name resolution", "Network is unreachable", "ProxyError")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (it is in the test extra: pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--git-dir"], capture_output=True).returncode != 0:
        pytest.skip(f"{ROOT} is not a git repository, so pre-commit cannot install from it")
    return tmp_path_factory.mktemp("pre-commit-home")


def _staged_project(tmp_path: Path) -> Path:
    project = tmp_path / "service"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "app.py").write_text(UTCNOW, encoding="utf-8")
    (project / "clean.py").write_text("x = 1\n", encoding="utf-8")
    # PR101 is a preview rule: the project selects it by code, which turns it on.
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR101"]\n', encoding="utf-8")
    subprocess.run(["git", "add", "app.py", "clean.py", "pyproject.toml"], cwd=project, check=True)
    return project


def _pre_commit(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRODREADY_OUTPUT_FORMAT", None)
    result = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True,
                            env=env, timeout=900)
    output = result.stdout + result.stderr
    if "An unexpected error has occurred" in output and any(marker in output for marker in _NO_INDEX):
        pytest.skip("pre-commit could not install prodready's dependencies (no package index reachable)")
    return result


def test_pre_commit_try_repo_reports_pr101_on_a_staged_file(tmp_path, pre_commit_home):
    project = _staged_project(tmp_path)
    result = _pre_commit(["try-repo", str(ROOT), "prodready", "--verbose"], project, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "app.py:2:5: PR101" in output
    assert "clean.py:" not in output


def test_pre_commit_repos_entry_pointing_at_this_repository(tmp_path, pre_commit_home):
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    tracked = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", "HEAD:.pre-commit-hooks.yaml"])
    if tracked.returncode != 0:
        pytest.skip("the hooks file is not committed yet, and a repos: entry installs a commit")
    project = _staged_project(tmp_path)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head.stdout.strip()}\n    hooks:\n      - id: prodready\n",
        encoding="utf-8")
    result = _pre_commit(["run"], project, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "app.py:2:5: PR101" in output
    (project / "app.py").write_text("x = 2\n", encoding="utf-8")
    subprocess.run(["git", "add", "app.py"], cwd=project, check=True)
    assert _pre_commit(["run"], project, pre_commit_home).returncode == 0


def test_hooks_file_declares_the_prodready_hook():
    yaml = pytest.importorskip("yaml")
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["prodready"]["language"] == "python"
    assert hooks["prodready"]["entry"].startswith("prodready check")
    assert "python" in hooks["prodready"]["types_or"]


# -- action.yml -------------------------------------------------------------------------------
def _action_steps() -> list[dict]:
    yaml = pytest.importorskip("yaml")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return action["runs"]["steps"]


def _run_step(step: dict, project: Path, inputs: dict) -> subprocess.CompletedProcess:
    """Run one composite step's script as GitHub would: bash, its env with inputs filled in."""
    assert step["shell"] == "bash"
    env = {k: v for k, v in os.environ.items() if k != "PRODREADY_OUTPUT_FORMAT"}
    for name, value in (step.get("env") or {}).items():
        key = value.strip()[len("${{ inputs."):-len(" }}")]
        env[name] = inputs[key]
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_ACTION_PATH"] = str(ROOT)
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project, capture_output=True, text=True, env=env,
                          timeout=300)


def test_action_installs_from_its_own_checkout():
    install = next(s for s in _action_steps() if s.get("name", "").startswith("Install"))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert "pip install --quiet \"$GITHUB_ACTION_PATH\"" in install["run"]


def test_action_check_step_annotates_and_fails_on_findings(tmp_path):
    steps = {s.get("name"): s for s in _action_steps()}
    project = tmp_path / "repo"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR101"]\n')
    (project / "src" / "app.py").write_text(UTCNOW)
    inputs = {"paths": "src", "args": "--no-cache", "format": "github", "sarif-file": "out/prodready.sarif"}
    sarif = _run_step(steps["Write the SARIF report"], project, inputs)
    assert sarif.returncode == 0, sarif.stderr
    doc = json.loads((project / "out" / "prodready.sarif").read_text())
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["PR101"]
    check = _run_step(steps["prodready check"], project, inputs)
    assert check.returncode == 1
    assert check.stdout.startswith("::warning file=src/app.py,line=2,col=5,")
    (project / "src" / "app.py").write_text("x = 1\n")
    assert _run_step(steps["prodready check"], project, inputs).returncode == 0
