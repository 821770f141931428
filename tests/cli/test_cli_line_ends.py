"""Line ends as Python counts them (CRLF, LF, lone CR) in positions, suppressions,
``--show-source`` and ``--fix``; form feeds and U+2028 inside a line do not start a line."""

from __future__ import annotations

import json

import pytest

from prodready.api import check_text
from prodready.core.config import Config
from prodready.core.source import SourceFile

UTCNOW_LINES = ["from datetime import datetime", "", "def a():", "    return datetime.utcnow()", ""]


def test_line_index_counts_crlf_lf_and_lone_cr_only():
    source = SourceFile("a\rb\r\nc\nd\x0ce\u2028f\x1cg\n")
    assert source.line_starts == [0, 2, 5, 7, 15]
    assert [source.line_text(n) for n in range(4)] == ["a", "b", "c", "d\x0ce\u2028f\x1cg"]
    assert source.position(5) == (2, 0)
    assert source.offset(3, 2) == 9


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_finding_positions_are_the_same_for_every_line_end(project, cli, newline):
    (project / "app.py").write_bytes(newline.join(UTCNOW_LINES).encode())
    result = cli("check", "--no-cache", "--format", "json", "app.py")
    [finding] = json.loads(result.out)["findings"]
    assert finding["code"] == "PR101"
    assert finding["range"]["start"] == {"line": 4, "column": 12}


def test_one_stray_cr_does_not_shift_later_lines(project, cli):
    text = "from datetime import datetime\nx = 1\ry = 2\nz = datetime.utcnow()\n"
    (project / "app.py").write_bytes(text.encode())
    [finding] = json.loads(cli("check", "--no-cache", "--format", "json", "app.py").out)["findings"]
    assert finding["range"]["start"]["line"] == 4


def test_noqa_on_a_lone_cr_line_silences_only_that_line():
    code = "\r".join(["from datetime import datetime", "a = datetime.utcnow()  # noqa", "b = datetime.utcnow()", ""])
    findings = check_text(code, "app.py", Config(preview=True)).findings
    assert [code.count("\r", 0, f.start) for f in findings if f.code == "PR101"] == [2]


def test_show_source_prints_the_line_of_a_lone_cr_file(project, cli):
    lines = ["from datetime import datetime", "x = 1\x0c  # form feed inside the line", "y = datetime.utcnow()", ""]
    (project / "app.py").write_bytes("\r".join(lines).encode())
    out = cli("check", "--no-cache", "--show-source", "app.py").out
    assert "app.py:3:5: PR101" in out
    assert "y = datetime.utcnow()" in out
    assert "form feed" not in out


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_fix_keeps_the_line_ends_and_is_idempotent(project, cli, newline):
    path = project / "app.py"
    path.write_bytes(newline.join(UTCNOW_LINES).encode())
    first = cli("check", "--no-cache", "--fix", "app.py")
    assert "Fixed 1 problem" in first.out + first.err
    data = path.read_bytes().decode()
    expected_lf = cli_fix_lf(project, cli)
    assert data == expected_lf.replace("\n", newline)
    second = cli("check", "--no-cache", "--fix", "app.py")
    assert "Fixed" not in second.out + second.err
    assert path.read_bytes().decode() == data


def cli_fix_lf(project, cli) -> str:
    path = project / "lf.py"
    path.write_text("\n".join(UTCNOW_LINES), encoding="utf-8", newline="\n")
    cli("check", "--no-cache", "--fix", "lf.py")
    return path.read_bytes().decode("utf-8")


def test_mixed_line_ends_keep_each_lines_own_end(project, cli):
    path = project / "app.py"
    path.write_bytes(b"from datetime import datetime\r\n\ndef a():\r    return datetime.utcnow()\r\n")
    cli("check", "--no-cache", "--fix", "app.py")
    data = path.read_bytes()
    assert data.startswith(b"from datetime import datetime, timezone\r\n\ndef a():\r")
    assert data.endswith(b"    return datetime.now(timezone.utc).replace(tzinfo=None)\r\n")
