"""prodready beside Ruff (docs/ruff.md): with `lint.external = ["PR"]`, `ruff check --fix`
keeps prodready's suppressions — the ones users write, the ones `--add-noqa` writes and the
one the editor's "Ignore for this line" action writes; without it, Ruff deletes them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cli_helpers import write

from prodready.core.source import SourceFile
from prodready.core.suppress import ignore_comment_edit

SOURCE = '''\
from datetime import datetime

a = datetime.utcnow()
b = datetime.utcnow()  # noqa: PR101
c = datetime.utcnow()  # prodready: ignore[naive-utcnow]
d = (datetime.utcnow(),
     1)
'''

RUFF_EXTERNAL = '[tool.ruff.lint]\nexternal = ["PR"]\n'


def ruff(*args: str, cwd) -> subprocess.CompletedProcess:
    try:
        import ruff as _  # noqa: F401
    except ImportError:
        pytest.skip("ruff is not installed (it is in the test extra: pip install -e '.[test]')")
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def unused_noqa_rules(cwd) -> str:
    """RUF100 (unused noqa) and, in Ruff versions that split it out, RUF102 (unknown code)."""
    has_ruf102 = ruff("rule", "RUF102", cwd=cwd).returncode == 0
    return "RUF100,RUF102" if has_ruf102 else "RUF100"


def _suppressed_by_prodready(project, cli) -> str:
    write(project, {"svc.py": SOURCE})
    # What the editor's "Ignore PR101 for this line" writes on line 3 (`a = ...`).
    text = (project / "svc.py").read_text()
    source = SourceFile(text)
    start, end, insert = ignore_comment_edit(source, "PR101", text.index("datetime.utcnow()", text.index("a = ")))
    write(project, {"svc.py": text[:start] + insert + text[end:]})
    run = cli("check", "--add-noqa")  # the rest: `d = (...)` gets its comment where the statement ends
    assert run.code == 0 and "suppressing 1 finding in 1 file" in run.err
    assert cli("check", "--no-cache").code == 0
    return (project / "svc.py").read_text()


def test_ruff_fix_keeps_prodready_suppressions_with_external(project, cli):
    (project / "pyproject.toml").write_text(RUFF_EXTERNAL + '\n[tool.prodready]\nselect = ["PR101"]\n')
    before = _suppressed_by_prodready(project, cli)
    assert "a = datetime.utcnow()  # noqa: PR101\n" in before and "     1)  # noqa: PR101\n" in before
    result = ruff("check", "--fix", "--select", unused_noqa_rules(project), "svc.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "svc.py").read_text() == before
    assert cli("check", "--no-cache").code == 0


def test_without_external_ruff_deletes_them(project, cli):
    (project / "pyproject.toml").write_text('[tool.prodready]\nselect = ["PR101"]\n')
    _suppressed_by_prodready(project, cli)
    ruff("check", "--fix", "--isolated", "--select", unused_noqa_rules(project), "svc.py", cwd=project)
    after = (project / "svc.py").read_text()
    assert "# noqa: PR101" not in after
    assert "# prodready: ignore[naive-utcnow]" in after  # names in prodready's own form survive
    assert cli("check", "--no-cache").code == 1


def test_ruff_keeps_an_unrelated_code_next_to_prodready_s(project, cli):
    (project / "pyproject.toml").write_text(RUFF_EXTERNAL + '\n[tool.prodready]\nselect = ["PR101"]\n')
    write(project, {"m.py": "from datetime import datetime\nx = datetime.utcnow()  # noqa: E501\n"})
    cli("check", "--add-noqa")
    assert (project / "m.py").read_text().endswith("  # noqa: E501, PR101\n")
    ruff("check", "--fix", "--select", unused_noqa_rules(project), "m.py", cwd=project)
    # Ruff drops its own unused E501 and keeps prodready's code.
    assert (project / "m.py").read_text().endswith("x = datetime.utcnow()  # noqa: PR101\n")
    assert cli("check", "--no-cache").code == 0
