"""Every documented fix round trip again on CRLF, lone-CR and BOM versions of its example.

The result must be the LF result written in the variant's own line ends (and, for the BOM
file, with the BOM kept): fixing never mixes line ends, never shifts an edit by a line and
never drops or duplicates text.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from prodready.api import check_text, fix_source
from prodready.cli.runner import Task, process
from prodready.core.config import Config
from test_rule_examples import _config, _fix_cases

VARIANTS = {"crlf": "\r\n", "cr": "\r"}


# PR101 is a preview rule; these tests are about line endings, so every rule runs.
PREVIEW = Config(preview=True)


def _cases():
    for kind, unsafe in (("fixed", False), ("unsafe_fixed", True)):
        for param in _fix_cases(kind):
            rule, example, after = param.values
            yield pytest.param(rule, example, after, unsafe, id=param.id)


def _fixed(rule, example, text, unsafe):
    return fix_source(text, example.path, _config(example), unsafe=unsafe, rules=[rule], only_codes={rule.code})


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize(("rule", "example", "expected", "unsafe"), list(_cases()))
def test_fix_keeps_the_files_line_ends(rule, example, expected, unsafe, variant):
    newline = VARIANTS[variant]
    lf = _fixed(rule, example, example.code, unsafe).text
    assert lf == expected
    result = _fixed(rule, example, example.code.replace("\n", newline), unsafe)
    assert result.text == expected.replace("\n", newline)
    ast.parse(result.text)
    again = _fixed(rule, example, result.text, unsafe)
    assert again.text == result.text, "a second run changed the text again"


@pytest.mark.parametrize(("rule", "example", "expected", "unsafe"), list(_cases()))
def test_fix_keeps_a_utf8_bom(rule, example, expected, unsafe, tmp_path: Path):
    path = tmp_path / Path(example.path).name
    path.write_bytes(b"\xef\xbb\xbf" + example.code.encode("utf-8"))
    task = Task(str(path), path.name, example.path, _config(example), mode="fix", unsafe=unsafe, cross_module=False)
    result = process(task)
    assert result.internal is None and result.cannot is None
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    fixed_alone = fix_source(example.code, example.path, _config(example), unsafe=unsafe).text
    assert data[3:].decode("utf-8") == fixed_alone


def test_lone_cr_file_is_fixed_once_and_in_place():
    """The reported bug: a lone-CR file got text appended after its last line on every run."""
    code = "from datetime import datetime\r\rdef handler():\r    return datetime.utcnow()\r"
    first = fix_source(code, "app.py", PREVIEW)
    assert first.applied == 1
    assert first.text.count("\n") == 0
    assert first.text.endswith("\r")
    assert "utcnow" not in first.text
    assert fix_source(first.text, "app.py", PREVIEW).text == first.text
    findings = check_text(code, "app.py", PREVIEW).findings
    assert [f.code for f in findings] == ["PR101"]
    assert code[findings[0].start:findings[0].end].startswith("datetime.utcnow")
