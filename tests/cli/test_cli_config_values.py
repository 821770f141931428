"""Wrong configuration at any depth, a non-table `tool`, deep nesting and invalid globs:
exit 2 with the file, key or pattern named; never an internal error."""

from __future__ import annotations

import pytest

from cli_helpers import UTCNOW, write


def _pyproject(project, text: str) -> None:
    (project / "pyproject.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("toml", "fragments"), [
    ("tool = 5\n", ["pyproject.toml", "`tool` must be a table, got int 5"]),
    ('tool = "prodready"\n', ["pyproject.toml", "`tool` must be a table"]),
    ("[tool]\nprodready = 5\n", ["[tool.prodready]", "expected a table of settings, got int"]),
    ("[tool.prodready]\nselect = [[\"PR1\"]]\n", ["[tool.prodready] select", "expected a list of strings"]),
    ("[tool.prodready.per-file-ignores]\n\"a.py\" = [1]\n", ["per-file-ignores.a.py", "expected a list of strings"]),
    ("[tool.prodready.severity]\nPR101 = [\"error\"]\n", ["severity.PR101", "unknown severity"]),
    ("[tool.prodready]\nrequest-timeout = {a = 1}\n", ["request-timeout", "expected a positive whole number"]),
    ("[tool.prodready]\nexclude = [\"[z-a]\"]\n", ["[tool.prodready] exclude", "invalid glob '[z-a]'", "bad character range z-a"]),
    ("[tool.prodready]\nextend-exclude = [\"gen/[abc\"]\n", ["extend-exclude", "invalid glob 'gen/[abc'", "unclosed '['"]),
    ("[tool.prodready.per-file-ignores]\n\"tests/[\" = [\"PR101\"]\n", ["per-file-ignores", "invalid glob 'tests/['"]),
])
def test_wrong_values_exit_2_naming_them(project, cli, toml, fragments):
    _pyproject(project, toml)
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--no-cache")
    assert run.code == 2, run.err
    for fragment in fragments:
        assert fragment in run.err
    assert "internal error" not in run.err.lower()


def test_deeply_nested_value_is_a_clear_error(project, cli):
    depth = 50_000
    _pyproject(project, "[tool.prodready]\nselect = " + "[" * depth + "]" * depth + "\n")
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--no-cache")
    assert run.code == 2
    assert "pyproject.toml" in run.err and "nested" in run.err
    assert "internal error" not in run.err.lower()


def test_moderately_nested_value_names_the_key(project, cli):
    depth = 200  # readable TOML, but no setting nests like that
    _pyproject(project, "[tool.prodready]\nselect = " + "[" * depth + "]" * depth + "\n")
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--no-cache")
    assert run.code == 2
    assert "[tool.prodready]" in run.err and "nested more than" in run.err


@pytest.mark.parametrize(("flag", "pattern", "fragment"), [
    ("--exclude", "[z-a]", "bad character range z-a"),
    ("--extend-exclude", "build/[", "unclosed '['"),
])
def test_invalid_glob_on_the_command_line(project, cli, flag, pattern, fragment):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--no-cache", flag, pattern)
    assert run.code == 2
    assert f"{flag}: invalid glob {pattern!r}: {fragment}" in run.err


def test_valid_globs_still_work(project, cli):
    _pyproject(project, '[tool.prodready]\nselect = ["PR101"]\nextend-exclude = ["gen_[a-c].py", "[!x]*_skip.py"]\n')
    write(project, {"gen_b.py": UTCNOW, "a_skip.py": UTCNOW, "kept.py": UTCNOW})
    run = cli("check", "--no-cache")
    assert run.code == 1
    assert "kept.py" in run.out and "gen_b.py" not in run.out and "a_skip.py" not in run.out
