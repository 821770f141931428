"""The real command line in a child process: `python -m prodready`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from cli_helpers import UTCNOW, write

import prodready


def prodready_cmd(*args, cwd, stdin=None):
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "NO_COLOR", "PRODREADY_OUTPUT_FORMAT"}}
    return subprocess.run([sys.executable, "-m", "prodready", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=env, timeout=120)


def test_exit_codes(project):
    write(project, {"ok.py": "x = 1\n"})
    clean = prodready_cmd("check", cwd=project)
    assert clean.returncode == 0 and clean.stdout == "All checks passed!\n"
    write(project, {"a.py": UTCNOW})
    found = prodready_cmd("check", cwd=project)
    assert found.returncode == 1 and "a.py:2:5: PR101 [*]" in found.stdout
    missing = prodready_cmd("check", "nope", cwd=project)
    assert missing.returncode == 2 and "nope: no such file or directory" in missing.stderr
    usage = prodready_cmd("check", "--bogus", cwd=project)
    assert usage.returncode == 2 and "usage:" in usage.stderr


def test_json_and_sarif(project):
    write(project, {"a.py": UTCNOW})
    doc = json.loads(prodready_cmd("check", "--format", "json", cwd=project).stdout)
    assert doc["summary"]["by_code"] == {"PR101": 1}
    sarif = json.loads(prodready_cmd("check", "--format", "sarif", cwd=project).stdout)
    assert sarif["runs"][0]["results"][0]["fixes"]


def test_bad_config_no_traceback(project):
    (project / "pyproject.toml").write_text("[tool.prodready]\nseverity = 5\n")
    write(project, {"a.py": UTCNOW})
    run = prodready_cmd("check", cwd=project)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stderr.startswith("error: ")


def test_stdin_and_version(project):
    run = prodready_cmd("check", "-", "--stdin-filename", "x.py", cwd=project, stdin=UTCNOW)
    assert run.returncode == 1 and run.stdout.startswith("x.py:2:5: PR101")
    assert prodready_cmd("--version", cwd=project).stdout.strip() == f"prodready {prodready.__version__}"


def test_broken_pipe_is_quiet(project):
    write(project, {f"m{i}.py": UTCNOW * 50 for i in range(30)})
    command = f"{sys.executable} -m prodready check --no-cache | head -n 1"
    run = subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True, timeout=120)
    assert run.stdout.count("\n") == 1
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr


def test_check_exits_at_once_with_its_output_flushed(tmp_path):
    """`check` ends with os._exit (cli/exiting.py): the report and exit code must survive it."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR101"]\npreview = true\n')
    (tmp_path / "a.py").write_text("from datetime import datetime\nx = datetime.utcnow()\n" * 200)
    run = subprocess.run([sys.executable, "-m", "prodready", "check", "--no-cache", "."], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stdout.count(": PR101 ") == 200
    assert run.stdout.rstrip().splitlines()[-1] == "Found 200 problems (200 fixable with --fix)."
    version = subprocess.run([sys.executable, "-m", "prodready", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("prodready ")
