"""prodready never imports the workspace it checks, however it is started.

The workspace holds modules named like the standard-library modules prodready imports; each
one, if imported, writes a marker file. The CLI and the server are started every way the
docs and the editor configurations start them, from inside that workspace, and must leave
no marker (and still work: the CLI reports a finding, the server publishes diagnostics).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from editor_helpers import EDITORS, REPO_ROOT
from lsp_stdio import StdioClient

from prodready._isolation import LAUNCH_CODE

# Modules prodready (and pygls, libcst, jedi) import after start-up, plus the ones the issue
# names. `python -m` itself imports a few before any prodready code runs; see RUNPY below.
SHADOWED = [
    "argparse", "ast", "asyncio", "bisect", "concurrent", "dataclasses", "datetime", "difflib",
    "enum", "fnmatch", "functools", "hashlib", "inspect", "json", "logging", "pathlib", "queue",
    "re", "shutil", "signal", "socket", "subprocess", "tempfile", "textwrap", "threading",
    "tokenize", "tomllib", "traceback", "typing", "urllib", "uuid", "weakref",
]


def _loaded_by_dash_m(tmp: Path) -> set[str]:
    """Modules Python's own `-m` machinery (runpy) imports from the working directory before
    the module named by `-m` starts: no program can prevent that, so the documented ways to
    start prodready avoid plain `python -m`."""
    (tmp / "probe_loaded.py").write_text("import sys; print(sorted(m for m in sys.modules if '.' not in m))\n")
    env = _clean_env()
    with_m = subprocess.run([sys.executable, "-m", "probe_loaded"], cwd=tmp, capture_output=True, text=True, env=env)
    with_c = subprocess.run([sys.executable, "-c", "import sys; print(sorted(m for m in sys.modules if '.' not in m))"],
                            cwd=tmp, capture_output=True, text=True, env=env)
    return set(eval(with_m.stdout)) - set(eval(with_c.stdout)) - {"runpy", "probe_loaded"}  # noqa: S307 - our own output


RUNPY = ["contextlib", "warnings", "types", "importlib", "functools", "collections", "operator", "keyword", "reprlib"]

APP = "from datetime import datetime\n\nstarted = datetime.utcnow()\n"


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "workspace"
    markers = tmp_path / "markers"
    root.mkdir()
    markers.mkdir()
    for name in SHADOWED + RUNPY:
        (root / f"{name}.py").write_text(
            f"open({str(markers / name)!r}, 'w').close()\nraise SystemExit('imported {name} from the workspace')\n",
            encoding="utf-8",
        )
    (root / "app.py").write_text(APP, encoding="utf-8")
    (root / "pyproject.toml").write_text("[tool.prodready]\nselect = [\"PR101\"]\n", encoding="utf-8")
    return root, markers


def _executable() -> str:
    return str(Path(sys.executable).with_name("prodready"))


def _cli_ways() -> dict[str, list[str]]:
    ways = {
        "prodready": [_executable()],
        "python -c launch code (editor configs)": [sys.executable, "-c", LAUNCH_CODE],
    }
    if sys.version_info >= (3, 11):
        ways["python -P -m prodready (docs)"] = [sys.executable, "-P", "-m", "prodready"]
    return ways


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONUTF8"] = "1"
    return env


@pytest.mark.parametrize("way", list(_cli_ways()))
def test_cli_never_imports_the_workspace(workspace, way):
    root, markers = workspace
    argv = _cli_ways()[way] + ["check", "--no-cache", "app.py"]
    proc = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=120, env=_clean_env())
    assert sorted(p.name for p in markers.iterdir()) == [], proc.stderr
    assert proc.returncode == 1 and "PR101" in proc.stdout, proc.stdout + proc.stderr


def test_plain_python_m_imports_nothing_prodready_imports_itself(workspace):
    """Only the modules Python's own `-m` machinery loads first can get in (hence the docs)."""
    root, markers = workspace
    preloaded = _loaded_by_dash_m(root.parent)
    # Which ones depends on the interpreter: a site-packages .pth file (an editable install)
    # may have imported them all before `-c` runs too, leaving none to `-m`.
    assert preloaded <= set(RUNPY) | {"reprlib", "itertools"} | set(sys.builtin_module_names), preloaded
    for name in preloaded:
        (root / f"{name}.py").unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-m", "prodready", "check", "--no-cache", "app.py"], cwd=root,
                          capture_output=True, text=True, timeout=120, env=_clean_env())
    assert sorted(p.name for p in markers.iterdir()) == [], proc.stderr
    assert proc.returncode == 1 and "PR101" in proc.stdout, proc.stdout + proc.stderr


def _server_ways() -> dict[str, tuple[list[str], dict[str, str]]]:
    bundled = EDITORS / "vscode" / "bundled" / "tool" / "server.py"
    ways = {
        "prodready server (Helix, Neovim/Emacs with a venv)": ([_executable(), "server"], {}),
        "python -c launch code server (Neovim/Emacs fallback, VS Code without bundle)":
            ([sys.executable, "-c", LAUNCH_CODE, "server"], {}),
        "VS Code bundled entry, fromEnvironment": ([sys.executable, str(bundled)],
                                                   {"PRODREADY_IMPORT_STRATEGY": "fromEnvironment"}),
    }
    if sys.version_info >= (3, 11):
        ways["python -P -m prodready.server"] = ([sys.executable, "-P", "-m", "prodready.server"], {})
    return ways


@pytest.mark.parametrize("way", list(_server_ways()))
def test_server_never_imports_the_workspace(workspace, way):
    root, markers = workspace
    argv, extra = _server_ways()[way]
    client = StdioClient(argv, cwd=root, env={**_clean_env(), **extra})
    try:
        client.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        client.notify("initialized", {})
        uri = (root / "app.py").as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                               "text": APP}})
        message = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                  and m["params"]["uri"] == uri and m["params"]["diagnostics"], timeout=60)
        assert any(d.get("code") == "PR101" for d in message["params"]["diagnostics"])
    finally:
        client.close()
    assert sorted(p.name for p in markers.iterdir()) == [], client.stderr.decode(errors="replace")


def _string_after(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, pattern
    return match.group(1).encode().decode("unicode_escape")


def test_editor_configs_use_the_isolating_launch_code():
    lua = (EDITORS / "neovim" / "lsp" / "prodready.lua").read_text(encoding="utf-8")
    elisp = (EDITORS / "emacs" / "prodready-eglot.el").read_text(encoding="utf-8")
    ts = (EDITORS / "vscode" / "src" / "extension.ts").read_text(encoding="utf-8")
    assert _string_after(r'local launch_code = "((?:[^"\\]|\\.)*)"', lua) == LAUNCH_CODE
    assert _string_after(r'\(defconst prodready--launch-code\s+"((?:[^"\\]|\\.)*)"', elisp) == LAUNCH_CODE
    assert _string_after(r'const LAUNCH_CODE = "((?:[^"\\]|\\.)*)";', ts) == LAUNCH_CODE
    for text in (lua, elisp, ts):
        assert not re.search(r"""['"]-m['"],?\s*['"]prodready['"]""", text), "an editor config starts `python -m prodready`"
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m prodready server" not in readme
