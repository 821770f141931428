"""Adopting prodready on an existing codebase: baselines, --add-noqa, strict selectors,
extend, --show-settings / --show-files."""

from __future__ import annotations

import json

import pytest

from cli_helpers import UTCNOW, parses, write

SERVICE = '''\
from datetime import datetime


def created():
    return datetime.utcnow()


class Order:
    def stamp(self):
        first = datetime.utcnow()
        second = datetime.utcnow()
        return first, second

    def again(self):
        return datetime.utcnow()
'''


def _codes_lines(out: str) -> list[str]:
    return [line.split(": ", 1)[0] for line in out.splitlines() if ": PR" in line]


# -- baseline ---------------------------------------------------------------------------------
def test_baseline_hides_todays_findings_and_reports_a_new_one_alone(project, cli):
    write(project, {"app/orders.py": SERVICE, "app/other.py": UTCNOW})
    assert cli("check").code == 1
    wrote = cli("check", "--write-baseline", "prodready-baseline.json")
    assert wrote.code == 0
    assert "Wrote 5 findings to prodready-baseline.json" in wrote.err
    assert cli("check", "--baseline", "prodready-baseline.json").code == 0

    # Three lines at the top, an edit elsewhere in the file, one new finding.
    shifted = "import os\nimport sys\n\n" + SERVICE.replace(
        "    def again(self):\n", "    def again(self):\n        later = datetime.utcnow()\n")
    shifted = shifted.replace("return first, second", "return (first, second)")
    write(project, {"app/orders.py": shifted})
    run = cli("check", "--baseline", "prodready-baseline.json")
    assert run.code == 1
    new = _codes_lines(run.out)
    assert new == ["app/orders.py:18:17"], run.out  # `later = datetime.utcnow()` alone
    assert "5 findings accepted" in run.err
    assert "gone" not in run.err


def test_baseline_counts_fixed_findings_as_gone(project, cli):
    write(project, {"app/orders.py": SERVICE, "app/other.py": UTCNOW})
    cli("check", "--write-baseline", "base.json")
    write(project, {"app/orders.py": SERVICE.replace("        second = datetime.utcnow()\n", "        second = 2\n")})
    (project / "app" / "other.py").unlink()
    run = cli("check", "--baseline", "base.json")
    assert run.code == 0
    assert "3 findings accepted; 2 baselined findings gone (fixed or changed)" in run.err
    assert "--write-baseline base.json" in run.err


def test_baseline_from_configuration_and_identical_lines_are_counted(project, cli):
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR101"]\nbaseline = "ci/base.json"\n')
    body = "from datetime import datetime\n\n\ndef f():\n    a = datetime.utcnow()\n    a = datetime.utcnow()\n    return a\n"
    write(project, {"m.py": body})
    assert cli("check", "--write-baseline", "ci/base.json").code == 0
    assert cli("check").code == 0  # baseline = "..." is relative to the pyproject.toml
    write(project, {"m.py": body.replace("    return a\n", "    a = datetime.utcnow()\n    return a\n")})
    run = cli("check")
    assert run.code == 1 and _codes_lines(run.out) == ["m.py:7:9"]


def test_baseline_file_is_sorted_stable_json_without_source_text(project, cli):
    secret = 'STRIPE_API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dcXYZabc"\n'
    write(project, {"b.py": UTCNOW, "a.py": secret + UTCNOW})
    cli("check", "--extend-select", "PR201", "--write-baseline", "base.json")
    first = (project / "base.json").read_text()
    cli("check", "--extend-select", "PR201", "--write-baseline", "base.json", "--no-cache")
    assert (project / "base.json").read_text() == first
    doc = json.loads(first)
    assert doc["version"] == 1
    keys = [(f["path"], f["code"], f["scope"], f["line-hash"], f["occurrence"]) for f in doc["findings"]]
    assert keys == sorted(keys) and [k[:2] for k in keys] == [("a.py", "PR101"), ("a.py", "PR201"), ("b.py", "PR101")]
    assert "sk_live" not in first and "datetime.utcnow()" not in first  # lines are hashed: no secret copied
    assert first == json.dumps(doc, indent=2, sort_keys=True) + "\n"


def test_writing_a_baseline_for_one_folder_keeps_the_rest(project, cli):
    write(project, {"app/a.py": UTCNOW, "lib/b.py": UTCNOW})
    cli("check", "--write-baseline", "base.json")
    write(project, {"app/a.py": "x = 1\n"})
    cli("check", "app", "--write-baseline", "base.json")
    paths = [f["path"] for f in json.loads((project / "base.json").read_text())["findings"]]
    assert paths == ["lib/b.py"]


@pytest.mark.parametrize("content", ["{", '{"version": 7, "findings": []}', "[]"])
def test_a_broken_baseline_is_a_clear_error(project, cli, content):
    write(project, {"a.py": UTCNOW, "base.json": content})
    run = cli("check", "--baseline", "base.json")
    assert run.code == 2 and "baseline" in run.err and "--write-baseline" in run.err


def test_missing_baseline_says_how_to_write_one(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--baseline", "nope.json")
    assert run.code == 2 and "no such file" in run.err and "--write-baseline nope.json" in run.err


# -- --add-noqa -------------------------------------------------------------------------------
TRICKY = '''\
from datetime import datetime
s = """
%s""" % datetime.utcnow()
t = datetime.utcnow() + \\
    datetime.utcnow()
u = dict(a=datetime.utcnow(),  # noqa: E501 long line
         b=2)
v = datetime.utcnow()  # noqa: E501
w = datetime.utcnow()  # type: ignore[attr-defined]
'''


def test_add_noqa_then_check_passes_and_every_file_parses(project, cli):
    write(project, {"tricky.py": TRICKY, "svc.py": SERVICE, "crlf.py": UTCNOW.replace("\n", "\r\n")})
    assert cli("check").code == 1
    run = cli("check", "--add-noqa")
    assert run.code == 0
    assert "Added 10 noqa comments suppressing 11 findings in 3 files" in run.err
    for name in ("tricky.py", "svc.py", "crlf.py"):
        assert parses((project / name).read_text())
    assert cli("check", "--no-cache").code == 0
    text = (project / "tricky.py").read_text()
    assert '%s""" % datetime.utcnow()  # noqa: PR101\n' in text  # after the string, not inside it
    assert "    datetime.utcnow()  # noqa: PR101\n" in text  # after the continuation
    assert "u = dict(a=datetime.utcnow(),  # noqa: E501 long line\n         b=2)  # noqa: PR101\n" in text
    assert "v = datetime.utcnow()  # noqa: E501, PR101\n" in text  # merged
    assert "w = datetime.utcnow()  # type: ignore[attr-defined]  # noqa: PR101\n" in text
    assert (project / "crlf.py").read_bytes() == b"from datetime import datetime\r\nx = datetime.utcnow()  # noqa: PR101\r\n"
    again = cli("check", "--add-noqa")
    assert "Added 0 noqa comments" in again.err  # idempotent


def test_add_noqa_leaves_a_file_that_does_not_parse_alone(project, cli):
    broken = "from datetime import datetime\nx = datetime.utcnow()\ndef f(:\n"
    write(project, {"broken.py": broken})
    run = cli("check", "--select", "PR101", "--add-noqa")
    assert (project / "broken.py").read_text() == broken
    assert "Added 0 noqa comments" in run.err


def test_add_noqa_keeps_the_encoding(project, cli):
    latin = "# -*- coding: latin-1 -*-\nfrom datetime import datetime\nx = (datetime.utcnow(), 'caf\xe9')\n"
    (project / "l.py").write_bytes(latin.encode("latin-1"))
    cli("check", "--add-noqa")
    assert (project / "l.py").read_bytes().decode("latin-1") == latin.replace("')\n", "')  # noqa: PR101\n")


# -- strict selectors -------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_mistyped_selector_exits_2_naming_the_closest_rule(project, cli, flag):
    write(project, {"a.py": UTCNOW})
    run = cli("check", flag, "PR1O1")
    assert run.code == 2
    assert f"{flag}: unknown rule selector 'PR1O1'; did you mean PR101 (naive-utcnow)?" in run.err


@pytest.mark.parametrize("toml, where", [
    ('per-file-ignores = { "tests/*" = ["naive-utcnwo"] }', 'per-file-ignores "tests/*"'),
    ('severity = { PR1O1 = "error" }', "severity"),
    ('extend-select = ["PR1O1"]', "extend-select"),
])
def test_mistyped_selector_in_the_file_names_the_key(project, cli, toml, where):
    (project / "pyproject.toml").write_text(f'[tool.prodready]\nselect = ["PR101"]\n{toml}\n')
    write(project, {"a.py": UTCNOW})
    run = cli("check")
    assert run.code == 2
    assert f"[tool.prodready] {where}: unknown rule selector" in run.err
    assert "did you mean PR101 (naive-utcnow)?" in run.err


def test_syntax_error_is_selectable_and_ignorable(project, cli):
    write(project, {"a.py": UTCNOW, "broken.py": "def f(:\n"})
    assert "broken.py:1:7: syntax-error" in cli("check").out
    run = cli("check", "--ignore", "syntax-error")
    assert "syntax-error" not in run.out and "a.py:2:5: PR101" in run.out
    only = cli("check", "--select", "syntax-error")
    assert _codes_lines(only.out) == [] and "broken.py:1:7: syntax-error" in only.out
    (project / "pyproject.toml").write_text(
        '[tool.prodready]\nselect = ["PR101"]\nper-file-ignores = { "broken.py" = ["syntax-error"] }\n'
        'severity = { syntax-error = "warning" }\n')
    assert "syntax-error" not in cli("check").out
    assert json.loads(cli("check", "broken.py", "--ignore", "PR101", "--isolated", "--format", "json").out)["findings"][0]["severity"] == "error"


def test_unknown_option_suggests_the_closest(project, cli):
    run = cli("check", "--formt", "json")
    assert run.code == 2 and "did you mean --format?" in run.err
    assert "did you mean 'check'?" in cli("chek").err
    assert "did you mean 'gitlab'?" in cli("check", "--format", "gitlb").err


def test_unknown_setting_suggests_the_closest(project, cli):
    (project / "pyproject.toml").write_text('[tool.prodready]\nselct = ["PR101"]\n')
    run = cli("check")
    assert run.code == 2 and "unknown setting 'selct'; did you mean 'select'?" in run.err


# -- extend, --show-settings, --show-files ------------------------------------------------------
def test_extend_inherits_and_overrides(project, cli):
    (project / "pyproject.toml").write_text(
        '[tool.prodready]\nselect = ["PR101", "PR302"]\nseverity = { PR101 = "error" }\n')
    write(project, {"svc/pyproject.toml": '[tool.prodready]\nextend = "../pyproject.toml"\nignore = ["PR302"]\n',
                    "svc/a.py": UTCNOW + "try:\n    pass\nexcept Exception:\n    pass\n"})
    parent = json.loads(cli("check", "svc", "--config", "pyproject.toml", "--format", "json").out)["findings"]
    assert sorted(f["code"] for f in parent) == ["PR101", "PR302"]
    run = cli("check", "svc", "--format", "json")
    findings = json.loads(run.out)["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("PR101", "error")]
    settings = cli("check", "--show-settings", "svc/a.py").out
    assert 'select = ["PR101", "PR302"]' in settings and 'ignore = ["PR302"]' in settings
    assert "svc/pyproject.toml" in settings
    assert "#   PR101 naive-utcnow (error)" in settings and "PR302 broad-except" not in settings


def test_extend_cycle_and_missing_file_are_errors(project, cli):
    write(project, {"a/pyproject.toml": '[tool.prodready]\nextend = "../b/pyproject.toml"\n',
                    "b/pyproject.toml": '[tool.prodready]\nextend = "../a/pyproject.toml"\n', "a/x.py": "x = 1\n",
                    "c/pyproject.toml": '[tool.prodready]\nextend = "nope.toml"\n', "c/x.py": "x = 1\n"})
    cycle = cli("check", "a")
    assert cycle.code == 2 and "extends itself" in cycle.err
    missing = cli("check", "c")
    assert missing.code == 2 and "extend: nope.toml: no such file" in missing.err


def test_show_settings_marks_the_per_file_ignores_that_apply(project, cli):
    (project / "pyproject.toml").write_text(
        '[tool.prodready]\nselect = ["PR101"]\nper-file-ignores = { "tests/*" = ["PR101"], "x/*" = ["PR101"] }\n')
    write(project, {"tests/t.py": UTCNOW})
    out = cli("check", "--show-settings", "tests/t.py").out
    assert '"tests/*" = ["PR101"]  # applies to this file' in out
    assert '"x/*" = ["PR101"]\n' in out
    assert "# Rules enabled for this file: 0 of" in out


def test_show_files_lists_what_would_be_checked(project, cli):
    write(project, {"a.py": "x = 1\n", "pkg/b.py": "x = 1\n", ".venv/c.py": "x = 1\n", "notes.txt": "x"})
    run = cli("check", "--show-files")
    assert run.code == 0 and run.out.splitlines() == ["a.py", "pkg/b.py"]
