"""`prodready check` on a project tree: PR6xx findings in non-Python files carry the right
path and line in every output format, and --fix applies their safe fixes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # The PR6xx rules these tests exercise are preview rules (docs/accuracy.md).
    return subprocess.run([sys.executable, "-m", "prodready", *args, "--preview"], cwd=cwd, capture_output=True, text=True)


def make(tmp_path: Path) -> Path:
    root = tmp_path / "svc"
    (root / "web" / "src").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'svc'\n")
    (root / "requirements.txt").write_text("flask==3.0.3\n# comment\ntwilio==9.0.0\n")
    (root / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (root / ".env").write_text("SECRET=x\n")
    (root / ".gitignore").write_text("__pycache__/\n")
    (root / "web" / "package.json").write_text('{"devDependencies": {"vite": "5"}}')
    (root / "web" / "src" / "api.js").write_text("// é\nconst API_URL = 'http://localhost:8000';\n")
    return root


def test_json_paths_and_lines_of_non_python_findings(tmp_path):
    root = make(tmp_path)
    result = run("check", "--no-cache", "--format", "json", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    got = {(f["path"], f["code"], f["range"]["start"]["line"], f["range"]["start"]["column"])
           for f in json.loads(result.stdout)["findings"]}
    assert ("requirements.txt", "PR603", 3, 1) in got
    assert (".env", "PR607", 1, 1) in got
    assert ("web/src/api.js", "PR205", 2, 17) in got


def test_sarif_artifact_locations_and_github_annotations(tmp_path):
    root = make(tmp_path)
    sarif = json.loads(run("check", "--no-cache", "--format", "sarif", ".", cwd=root).stdout)
    locations = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in sarif["runs"][0]["results"]}
    assert ("PR603", "requirements.txt", 3) in locations
    assert ("PR205", "web/src/api.js", 2) in locations
    github = run("check", "--no-cache", "--format", "github", ".", cwd=root).stdout
    assert "file=requirements.txt,line=3" in github
    assert "file=web/src/api.js,line=2" in github


def test_text_output_from_a_parent_folder(tmp_path):
    make(tmp_path)
    result = run("check", "--no-cache", "svc", cwd=tmp_path)
    assert "svc/requirements.txt:3:1: PR603" in result.stdout
    assert "svc/.env:1:1: PR607" in result.stdout


def test_fix_applies_project_safe_fixes_and_leaves_unsafe_ones(tmp_path):
    root = make(tmp_path)
    result = run("check", "--no-cache", "--fix", ".", cwd=root)
    assert result.returncode == 1, result.stderr  # PR603 (unsafe fix) is left
    assert (root / ".gitignore").read_text() == "__pycache__/\n.env\n"
    assert "import.meta.env.VITE_API_URL" in (root / "web" / "src" / "api.js").read_text()
    assert "twilio" in (root / "requirements.txt").read_text()
    again = run("check", "--no-cache", "--format", "json", ".", cwd=root)
    codes = {f["code"] for f in json.loads(again.stdout)["findings"]}
    assert "PR607" not in codes and "PR205" not in codes and "PR603" in codes
    run("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=root)
    assert (root / "requirements.txt").read_text() == "flask==3.0.3\n# comment\n"


def test_select_and_noqa_apply_to_project_rules(tmp_path):
    root = make(tmp_path)
    (root / "requirements.txt").write_text("flask==3.0.3\ntwilio==9.0.0  # noqa: PR603\n")
    result = run("check", "--no-cache", "--format", "json", "--select", "PR6", ".", cwd=root)
    codes = [(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert ("requirements.txt", "PR603") not in codes
    assert all(code.startswith("PR6") for _, code in codes) and (".env", "PR607") in codes


def test_cache_gives_the_same_findings(tmp_path):
    root = make(tmp_path)
    first = json.loads(run("check", "--format", "json", ".", cwd=root).stdout)["findings"]
    [cache_file] = (root / ".prodready_cache").rglob("*.json")  # one file: findings and project facts
    assert json.loads(cache_file.read_text())["project_facts"]
    second = json.loads(run("check", "--format", "json", ".", cwd=root).stdout)["findings"]
    assert first == second


def test_project_check_reuses_the_file_checks_facts(tmp_path, monkeypatch, capsys):
    """The project rules read every module's imports; in a `check` the file checks hand the
    project check the facts they computed from the trees they parsed, so no checked module is
    parsed a second time, and the findings are those of facts computed from scratch."""
    import ast
    import dataclasses
    import types

    from prodready.cli.main import main
    from prodready.cli.project_check import run_project_check
    from prodready.core.config import Config
    from prodready.core.project import python_facts as facts_module

    root = make(tmp_path)
    (root / "notify.py").write_text("import twilio\n\n\ndef send():\n    return twilio\n")
    (root / "broken.py").write_text("def broken(:\n")  # not analysed: the project check parses it
    for n in range(8):
        (root / f"module_{n}.py").write_text(f"import flask\n\n\ndef view_{n}():\n    return flask.request\n")
    parsed = []

    def counting_parse(text, filename="<unknown>", **kwargs):
        parsed.append(filename)
        return ast.parse(text, filename=filename, **kwargs)

    monkeypatch.chdir(root)
    monkeypatch.setattr(facts_module, "ast", types.SimpleNamespace(**{**vars(ast), "parse": counting_parse}))
    main(["check", "--no-cache", "--preview", "--jobs", "1", "--format", "json", "."])
    reported = {(f["path"], f["code"]) for f in json.loads(capsys.readouterr().out)["findings"]}
    assert parsed == ["broken.py"]

    monkeypatch.setattr(facts_module, "ast", ast)
    config = dataclasses.replace(Config.discover(root), preview=True)
    scratch, _notes, _facts = run_project_check(["."], config, root)
    from_scratch = {(r.display, item.code) for r in scratch for item in r.items}
    assert ("web/src/api.js", "PR205") in from_scratch and from_scratch <= reported
    assert {p for p in reported if p[1].startswith("PR6")} == {p for p in from_scratch if p[1].startswith("PR6")}
    assert ("requirements.txt", "PR603") not in from_scratch  # twilio is imported by notify.py
