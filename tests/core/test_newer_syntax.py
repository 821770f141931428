"""A file written for a newer Python than prodready runs on: checked where this Python can
parse it, the rest named once with the version it needs — never a syntax error that hides
every finding."""

from __future__ import annotations

import sys

import pytest

from prodready.api import check_text
from prodready.checks import get_rule
from prodready.core.incremental import DocumentAnalyzer
from prodready.core.newer_syntax import NEWER_SYNTAX, newer_python_needed

if sys.version_info < (3, 12):
    NEWER, VERSION = 'def label(d):\n    return f"{d["name"]}"\n\n\ntype UserId = int\n', "3.12"
elif sys.version_info < (3, 14):
    NEWER, VERSION = 'def label(name):\n    return t"{name}"\n', "3.14"
else:  # pragma: no cover - nothing newer to write
    pytest.skip("no syntax newer than this Python to test with", allow_module_level=True)

FINDING = "from datetime import datetime\n\nstamp = datetime.utcnow()\n\n\n"
TEXT = FINDING + NEWER


def test_the_needed_version_is_named():
    assert newer_python_needed(TEXT) == tuple(int(p) for p in VERSION.split("."))
    assert newer_python_needed("def broken(:\n    pass\n") is None


def test_the_rest_of_the_file_is_still_checked():
    analysis = check_text(TEXT, "app/views.py", rules=[get_rule("PR101")])
    assert analysis.problem is None
    assert [f.code for f in analysis.findings] == ["PR101"]
    assert analysis.notices and {n.kind for n in analysis.notices} == {NEWER_SYNTAX}
    assert f"Python {VERSION}" in analysis.notices[0].message
    assert TEXT.index(NEWER.split("\n")[0]) <= analysis.notices[0].start


def test_a_real_syntax_error_is_still_one():
    analysis = check_text(FINDING + "def broken(:\n    pass\n", "app/views.py")
    assert analysis.problem is not None and analysis.problem.kind == "syntax-error"


def test_the_server_analyzer_says_the_same():
    result = DocumentAnalyzer("app/views.py").update(TEXT)
    assert [f.code for f in result.findings] == []  # no rules given
    assert result.problems and all(p.kind == NEWER_SYNTAX for p in result.problems)


def test_cli_reports_findings_warns_once_and_does_not_fix(tmp_path, monkeypatch, capsys):
    from prodready.cli.main import main

    (tmp_path / "pyproject.toml").write_text("[tool.prodready]\nselect = [\"PR101\"]\n")
    target = tmp_path / "views.py"
    target.write_text(TEXT)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "views.py"]) == 1
    captured = capsys.readouterr()
    assert "PR101" in captured.out and "syntax-error" not in captured.out
    assert captured.err.count(f"uses Python {VERSION} syntax") == 1
    assert main(["check", "--no-cache", "--fix", "views.py"]) == 1
    assert target.read_text() == TEXT
