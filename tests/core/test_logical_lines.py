"""Logical line ends: tokenizing one top-level statement gives what the whole file gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodready.core import logical_lines
from prodready.core.source import SourceFile

TRICKY = [
    "x = 1; \\\ny = 2\nz = (1,\n 2)  # noqa\n",
    "@dec(\n  a)\n# c\n@dec2\ndef f(\n x):\n    '''doc\n    more'''\n    return x \\\n  + 1\n\n\n# tail\n",
    "# only a comment\n\nimport os\nif x:\n    y = 1\nelse:\n    z = '''a\nb'''\nclass A:\n    def f(self): pass\n\n\n",
    "x = 1\n\\\n\ny = 2\n",
    "s = f'{a}' \\\n    f'{b}'\n",
    "def f():\n\tif x:\n\t\treturn 1\n\n\x0cdef g(): pass\n",
    "x=1",
    "",
    "\n\n",
    "a = [\n1,\n# c\n2]\nb=3 # noqa\n",
    "x = 1\r\ny = (2,\r\n3)\r\n",
]


def _assert_same(text: str, order) -> None:
    whole = logical_lines.LogicalLines(text)
    source = SourceFile(text, "m.py")
    assert source.tree is not None
    for line in order(range(source.line_count)):
        assert logical_lines.end_of(source, line) == whole.end(line), (text, line)
    assert getattr(source, "_logical_lines", None) is None  # answered without the whole-file pass


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("order", [list, lambda r: list(reversed(r))])
def test_segment_ends_match_the_whole_file(text, order):
    _assert_same(text, order)


def test_the_package_sources_match():
    root = Path(logical_lines.__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        _assert_same(path.read_text(encoding="utf-8"), list)


def test_unparsed_or_lone_cr_files_use_the_whole_file():
    source = SourceFile("x = (1,\n2)\n", "m.py")  # not parsed yet: never parsed for this
    assert logical_lines.end_of(source, 0) == 1
    assert "_parsed" not in source.__dict__
    lone = SourceFile("x = (1,\r2)\ny = 3\n", "m.py")
    assert lone.tree is not None
    assert logical_lines.end_of(lone, 0) == logical_lines.LogicalLines(lone.text).end(0)
