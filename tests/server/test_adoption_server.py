"""The server side of adopting prodready: strict selectors reported once with where they came
from, `baseline = "..."` honoured like the CLI, `syntax-error` ignorable."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from lsprotocol import types

from .conftest import PR405_TEXT, codes

PR101_TEXT = "from datetime import datetime\n\nx = datetime.utcnow()\n"

TWO = "from datetime import datetime\n\nx = datetime.utcnow()\ny = datetime.utcnow()\n"


def _selector_messages(s, needle: str) -> list:
    return [m for m in s.client.messages if needle in m.message]


async def test_mistyped_selector_in_editor_settings_is_one_message_naming_it(session_factory):
    s = session_factory()
    # The same bad settings by two routes: initializationOptions and workspace/configuration.
    await s.initialize(options={"debounce": 0, "select": ["PR1O1"]}, settings={"debounce": 0, "select": ["PR1O1"]})
    first = s.open("app/one.py", PR101_TEXT)
    second = s.open("app/two.py", PR101_TEXT)
    # Not silence: the last good configuration (the defaults here) still reports PR101.
    assert "PR101" in codes(await s.diagnostics(first, 1, until=lambda d: "PR101" in codes(d)))
    assert "PR101" in codes(await s.diagnostics(second, 1, until=lambda d: "PR101" in codes(d)))
    messages = await s.wait_for(lambda: _selector_messages(s, "PR1O1"), "a message about PR1O1")
    await asyncio.sleep(0.5)  # a duplicate would arrive by now
    messages = _selector_messages(s, "PR1O1")
    assert len(messages) == 1, [m.message for m in messages]
    text = messages[0].message
    assert "editor settings (prodready) select: unknown rule selector 'PR1O1'" in text
    assert "did you mean PR101 (naive-utcnow)?" in text
    assert messages[0].type == types.MessageType.Warning


async def test_mistyped_selector_in_pyproject_names_the_file(session_factory, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\nignore = ["naive-utcnwo"]\n')
    s = session_factory()
    await s.initialize(options={"debounce": 0})
    for name in ("app/a.py", "app/b.py"):
        uri = s.open(name, PR405_TEXT)
        await s.diagnostics(uri, 1, until=lambda d: "PR405" in codes(d))
    await s.wait_for(lambda: _selector_messages(s, "naive-utcnwo"), "a message about the selector")
    await asyncio.sleep(0.5)
    (message,) = _selector_messages(s, "naive-utcnwo")
    assert "pyproject.toml [tool.prodready] ignore: unknown rule selector 'naive-utcnwo'" in message.message


async def test_baseline_in_pyproject_is_honoured(session_factory, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\npreview = true\nselect = ["PR101"]\nbaseline = "base.json"\n')
    app = tmp_path / "app"
    app.mkdir()
    (app / "svc.py").write_text(TWO)
    # The baseline the CLI writes is the one the server reads.
    written = subprocess.run([sys.executable, "-m", "prodready", "check", "--write-baseline", "base.json",
                              "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    assert len(json.loads((tmp_path / "base.json").read_text())["findings"]) == 2
    s = session_factory()
    await s.initialize(options={"debounce": 0})
    uri = s.open("app/svc.py", TWO)
    diags = await s.diagnostics(uri, 1)
    assert codes(diags) == []
    # Three lines at the top and one new finding: only the new one shows.
    version = s.change(uri, (0, 0), (0, 0), "import os\nimport sys\n\n")
    version = s.change(uri, (7, 0), (7, 0), "z = datetime.utcnow()\n")
    diags = await s.diagnostics(uri, version, until=lambda d: bool(d))
    assert [(d.code, d.range.start.line) for d in diags] == [("PR101", 7)]


async def test_syntax_error_can_be_ignored_in_the_editor(session_factory, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.prodready]\npreview = true\nignore = ["syntax-error"]\n')
    s = session_factory()
    await s.initialize(options={"debounce": 0})
    uri = s.open("app/broken.py", "from datetime import datetime\n\nx = datetime.utcnow()\n\ndef f(:\n")
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR101" in codes(d))
    assert "syntax-error" not in codes(diags)
