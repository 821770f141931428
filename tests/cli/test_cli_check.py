"""`prodready check`: exit codes, text output, selection, bad input."""

from __future__ import annotations

import pytest

from cli_helpers import CLEAN, PYPROJECT, UTCNOW, write


def test_clean_tree_passes(project, cli):
    write(project, {"app/ok.py": CLEAN})
    run = cli("check")
    assert run.code == 0
    assert run.out == "All checks passed!\n"


def test_finding_text_line_and_exit_1(project, cli):
    write(project, {"app/db.py": UTCNOW, "app/ok.py": CLEAN})
    run = cli("check")
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith("app/db.py:2:5: PR101 [*] ")
    assert "deprecated" in lines[0]
    assert lines[-1] == "Found 1 problem (1 fixable with --fix)."
    assert "\x1b[" not in run.out  # not a terminal: no colour


def test_columns_count_characters_not_bytes(project, cli):
    write(project, {"a.py": "from datetime import datetime\ns = 'é日本'; x = datetime.utcnow()\n"})
    run = cli("check", "a.py")
    assert run.out.startswith("a.py:2:16: PR101")


def test_exit_zero(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--exit-zero")
    assert run.code == 0
    assert "PR101" in run.out


def test_quiet_prints_findings_only(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "-q")
    assert run.code == 1
    assert run.out.splitlines() == [line for line in run.out.splitlines() if line.startswith("a.py:")]


@pytest.mark.parametrize("flags, expected", [
    (["--ignore", "PR101"], 0),
    (["--ignore", "naive-utcnow"], 0),
    (["--ignore", "PR1"], 0),
    (["--select", "naive-utcnow"], 1),
    (["--select", "PR2,PR101"], 1),
    (["--select", "PR2", "--select", "PR101"], 1),
    (["--select", "ALL", "--ignore", "PR101"], 0),
    (["--select", "PR2"], 0),
    (["--select", "PR2", "--extend-select", "PR101"], 1),
])
def test_select_and_ignore(project, cli, flags, expected):
    write(project, {"a.py": UTCNOW})
    assert cli("check", *flags).code == expected


def test_cli_select_overrides_config_ignore(project, cli):
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR1"]\nignore = ["PR101"]\n')
    write(project, {"a.py": UTCNOW})
    assert cli("check").code == 0
    assert cli("check", "--select", "PR101").code == 1
    assert cli("check", "--ignore", "PR2").code == 0  # --ignore adds to the configuration's


def test_unknown_selector_is_an_error_naming_the_closest_rule(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--ignore", "PR1O1,E501")
    assert run.code == 2
    assert "error: --ignore: unknown rule selector 'PR1O1'; did you mean PR101 (naive-utcnow)?" in run.err
    assert "'E501'" in run.err
    assert run.out == ""  # nothing was checked, so nothing claims "All checks passed!"


def test_unknown_selector_in_config_names_the_file_and_key(project, cli):
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["naive-utcnwo"]\n')
    write(project, {"a.py": UTCNOW})
    run = cli("check")
    assert run.code == 2
    assert "pyproject.toml [tool.prodready] select: unknown rule selector 'naive-utcnwo'" in run.err
    assert "did you mean PR101 (naive-utcnow)?" in run.err


def test_missing_path_is_reported_and_others_checked(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "nope.py", "a.py")
    assert run.code == 2
    assert "error: nope.py: no such file or directory" in run.err
    assert "a.py:2:5: PR101" in run.out


def test_syntax_error_is_a_finding_and_others_still_checked(project, cli):
    write(project, {"a.py": UTCNOW, "broken.py": "def f(:\n    pass\n"})
    run = cli("check")
    assert run.code == 1
    assert "broken.py:1:7: syntax-error SyntaxError" in run.out
    assert "a.py:2:5: PR101" in run.out
    assert "Found 2 problems" in run.out


def test_undecodable_file(project, cli):
    write(project, {"a.py": UTCNOW, "latin.py": b"x = '\xff\xfe'\n"})
    run = cli("check")
    assert run.code == 2
    assert "latin.py: cannot check: not valid utf-8: byte 0xff on line 1" in run.err
    assert "a.py:2:5: PR101" in run.out


def test_nul_bytes(project, cli):
    write(project, {"a.py": UTCNOW, "bin.py": b"x = 1\x00\x00\n"})
    run = cli("check")
    assert run.code == 2
    assert "bin.py: cannot check: file contains NUL bytes" in run.err
    assert "a.py:2:5: PR101" in run.out


def test_huge_file(project, cli, monkeypatch):
    import prodready.core.engine as engine

    monkeypatch.setattr(engine, "MAX_FILE_BYTES", 200)
    write(project, {"a.py": UTCNOW, "big.py": "x = 1\n" * 100})
    run = cli("check", "--no-cache")
    assert run.code == 2
    assert "big.py: cannot check: file is too large" in run.err
    assert "a.py:2:5: PR101" in run.out


def test_cannot_check_with_exit_zero_is_still_an_error(project, cli):
    write(project, {"bin.py": b"\x00"})
    assert cli("check", "--exit-zero").code == 2


def test_coding_cookie_is_honoured(project, cli):
    write(project, {"l1.py": "# -*- coding: latin-1 -*-\nfrom datetime import datetime\ns = 'é'; x = datetime.utcnow()\n".encode("latin-1")})
    run = cli("check")
    assert run.code == 1
    assert "l1.py:3:14: PR101" in run.out


@pytest.mark.parametrize("config, needle", [
    ('[tool.prodready]\nselect = 3\n', "select: expected a list of strings"),
    ('[tool.prodready]\nrequest-timeout = "x"\n', "request-timeout"),
    ('[tool.prodready]\nno-such-setting = 1\n', "unknown setting 'no-such-setting'"),
    ('[tool.prodready\n', "not valid TOML"),
    ('[tool.prodready]\ntarget-version = "2.7"\n', "target-version"),
])
def test_invalid_config_is_a_clear_error(project, cli, config, needle):
    (project / "pyproject.toml").write_text(config)
    write(project, {"a.py": UTCNOW})
    run = cli("check")
    assert run.code == 2
    assert run.err.startswith("error: ")
    assert needle in run.err
    assert run.out == ""


def test_config_flag(project, cli, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('ignore = ["PR101"]\n')
    write(project, {"a.py": UTCNOW})
    assert cli("check", "--config", str(other)).code == 0
    run = cli("check", "--config", str(tmp_path / "missing.toml"))
    assert run.code == 2 and "no such file" in run.err


def test_isolated_ignores_config(project, cli):
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR1"]\nignore = ["PR101"]\n')
    write(project, {"a.py": UTCNOW})
    assert cli("check").code == 0
    assert cli("check", "--isolated", "--preview").code == 1


def test_bad_target_version_flag(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--target-version", "banana")
    assert run.code == 2
    assert "--target-version" in run.err


def test_usage_errors_exit_2(project, cli):
    assert cli("check", "--format", "xml").code == 2
    assert cli("check", "--jobs", "0").code == 2
    assert cli("check", "-", "a.py").code == 2
    assert cli().code == 2


def test_stdin(project, cli):
    run = cli("check", "-", "--stdin-filename", "app/x.py", stdin=UTCNOW.encode())
    assert run.code == 1
    assert run.out.startswith("app/x.py:2:5: PR101 [*]")
    run = cli("check", "-", stdin=UTCNOW.encode())
    assert run.out.startswith("-:2:5: PR101")
    run = cli("check", "--stdin-filename", "y.py", stdin=CLEAN.encode())
    assert run.code == 0


def test_stdin_uses_per_file_config(project, cli):
    (project / "pyproject.toml").write_text(PYPROJECT + '[tool.prodready.per-file-ignores]\n"legacy/*" = ["PR101"]\n')
    assert cli("check", "-", "--stdin-filename", "legacy/x.py", stdin=UTCNOW.encode()).code == 0
    assert cli("check", "-", "--stdin-filename", "app/x.py", stdin=UTCNOW.encode()).code == 1


def test_stdin_fix_prints_fixed_source(project, cli):
    run = cli("check", "-", "--fix", stdin=UTCNOW.encode())
    assert run.code == 0
    assert run.out == "from datetime import datetime, timezone\nx = datetime.now(timezone.utc).replace(tzinfo=None)\n"
    assert "Fixed 1 problem" in run.err
    run = cli("check", "-", "--fix", stdin=CLEAN.encode())
    assert run.out == CLEAN


def test_stdin_force_exclude(project, cli):
    run = cli("check", "-", "--stdin-filename", "build/x.py", "--force-exclude", stdin=UTCNOW.encode())
    assert run.code == 0 and run.out == ""


def test_rule_crash_is_a_warning(project, cli, fake_rules):
    write(project, {"a.py": "boom()\n" + UTCNOW})
    run = cli("check", "--no-cache", "--extend-select", "PR99")
    assert run.code == 1
    assert "warning: a.py: rule PR993 (test-crashes) failed: RuntimeError: rule exploded" in run.err
    assert "a.py:3:5: PR101" in run.out


def test_internal_error_is_one_line_exit_2(project, cli, monkeypatch):
    import prodready.cli.main as cli_main

    def broken(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli_main, "_config_for", broken)
    write(project, {"a.py": UTCNOW})
    run = cli("check")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert "internal error: RuntimeError: kaput" in run.err and "report" in run.err


def test_per_file_internal_error(project, cli, monkeypatch):
    import prodready.cli.runner as runner

    def broken(*args, **kwargs):
        raise ValueError("engine bug")

    monkeypatch.setattr(runner, "analyze_source", broken)
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--no-cache")
    assert run.code == 2
    assert "a.py: internal error while checking (ValueError: engine bug)" in run.err


def test_output_file(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--output", "reports/out.txt")
    assert run.code == 1 and run.out == ""
    assert (project / "reports/out.txt").read_text().startswith("a.py:2:5: PR101")


def test_statistics(project, cli, fake_rules):
    write(project, {"a.py": UTCNOW + "print(1)\nprint(2)\n", "b.py": UTCNOW})
    run = cli("check", "--statistics", "--no-cache", "--extend-select", "PR99")
    lines = run.out.splitlines()
    assert lines[0].split() == ["2", "PR101", "[*]", "naive-utcnow"]
    assert lines[1].split() == ["2", "PR991", "[", "]", "test-print-call"]


def test_show_source(project, cli):
    write(project, {"a.py": UTCNOW})
    run = cli("check", "--show-source")
    assert "2 | x = datetime.utcnow()" in run.out
    assert "  |     ^^^^^^^^^^^^^^^^^" in run.out


def test_colour(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW})
    assert "\x1b[" in cli("check", "--color", "always").out
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in cli("check").out
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR")
    assert "\x1b[" not in cli("check").out


def test_use_colour_rules(monkeypatch):
    from prodready.cli.output import use_colour

    class Tty:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    monkeypatch.delenv("TERM", raising=False)
    assert use_colour(Tty()) and not use_colour(Pipe())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_colour(Pipe())
    assert not use_colour(Tty(), "never")


def test_unsafe_only_summary(project, cli, fake_rules):
    write(project, {"a.py": "print(1)\neval('1')\n"})
    run = cli("check", "--no-cache", "--extend-select", "PR99")
    assert "a.py:1:1: PR991 print call" in run.out  # no [*]: the fix is unsafe
    assert run.out.splitlines()[-1] == "Found 2 problems (1 fixable with --unsafe-fixes)."
    run = cli("check", "--no-cache", "--extend-select", "PR99", "--unsafe-fixes")
    assert "a.py:1:1: PR991 [*] print call" in run.out
    assert run.out.splitlines()[-1] == "Found 2 problems (1 fixable with --fix)."


def test_parallel_matches_serial(project, cli):
    files = {f"pkg/m{i:02d}.py": (UTCNOW if i % 3 == 0 else CLEAN) for i in range(40)}
    files["pkg/broken.py"] = "def (:\n"
    write(project, files)
    serial = cli("check", "--no-cache", "--jobs", "1")
    parallel = cli("check", "--no-cache", "--jobs", "2")
    assert serial.code == parallel.code == 1
    assert serial.out == parallel.out
    assert serial.out.count("PR101") == 14


def test_nul_byte_is_answered_the_same_wherever_it_is(project, cli):
    """Early or late (past the first 8 KiB), after LF or lone-CR lines: one message, exit 2."""
    filler = b"x = 1\n" * 3000
    write(project, {"a.py": UTCNOW, "early.py": b"x = 1\x00\n" + filler, "late.py": filler + b"y = 2\x00\n",
                    "cr.py": b"a = 1\rb = 2\r\x00\r"})
    run = cli("check")
    assert run.code == 2
    assert "early.py: cannot check: file contains NUL bytes (binary?); the first is on line 1" in run.err
    assert "late.py: cannot check: file contains NUL bytes (binary?); the first is on line 3001" in run.err
    assert "cr.py: cannot check: file contains NUL bytes (binary?); the first is on line 3" in run.err
    assert "SyntaxError" not in run.out + run.err
    assert "a.py:2:5: PR101" in run.out
