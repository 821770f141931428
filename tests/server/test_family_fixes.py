"""One quick fix per rule family through the real server, as an editor user applies it."""

from __future__ import annotations

import ast

import pytest

from .conftest import codes

CASES = [
    pytest.param(
        "app/settings.py",
        'import os\n\nDEBUG = os.getenv("DEBUG", "True") == "True"\n',
        "PR203", True,
        'DEBUG = os.getenv("DEBUG", "False") == "True"',
        id="PR2-debug-default",
    ),
    pytest.param(
        "app/service.py",
        "def handle(order):\n    print('order', order)\n",
        "PR305", True,
        "logger = logging.getLogger(__name__)\n\n\ndef handle(order):\n    logger.info(\"order %s\", order)",
        id="PR3-print-to-logging",
    ),
    pytest.param(
        "app/client.py",
        "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
        "PR405", True,
        "requests.get(url, timeout=30)",
        id="PR4-request-timeout",
    ),
    pytest.param(
        "app/store.py",
        "import sqlite3\n\n\ndef save(row):\n    with sqlite3.connect('app.db') as conn:\n        conn.execute('INSERT INTO t VALUES (?)', (row,))\n",
        "PR503", False,
        "with contextlib.closing(sqlite3.connect('app.db')) as conn, conn:",
        id="PR5-connection-closing",
    ),
]


@pytest.mark.parametrize(("name", "text", "code", "unsafe", "expected"), CASES)
async def test_family_quick_fix(session_factory, name, text, code, unsafe, expected):
    s = session_factory()
    await s.initialize()
    uri = s.open(name, text)
    diags = await s.diagnostics(uri, 1, until=lambda d: code in codes(d))
    (diag,) = [d for d in diags if d.code == code]
    actions = await s.code_actions(uri, (diag.range.start.line, diag.range.start.character),
                                   (diag.range.end.line, diag.range.end.character))
    fixes = [a for a in actions if a.diagnostics and a.diagnostics[0].code == code
             and not a.title.startswith("Ignore")]
    assert fixes, [a.title for a in actions]
    action = fixes[0]
    assert action.title.endswith("(unsafe)") is unsafe
    assert bool(action.is_preferred) is (not unsafe)
    fixed = s.apply(uri, await s.resolved_edit(action))
    assert expected in fixed
    ast.parse(fixed)
    version = s.change(uri, (0, 0), (len(text.splitlines()) + 1, 0), fixed)
    diags = await s.diagnostics(uri, version, until=lambda d: code not in codes(d))
    assert code not in codes(diags)
