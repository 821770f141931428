"""The VS Code extension package: built by .ci/build-vsix.sh, checked from the .vsix.

Set PRODREADY_VSIX to an already-built .vsix to check that one instead of building."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from editor_helpers import REPO_ROOT, SAMPLE, UNICODE_LINE
from lsp_stdio import StdioClient

pytestmark = pytest.mark.editor

EXTENSION = REPO_ROOT / "editors" / "vscode"
SETTINGS = [
    "prodready.enable",
    "prodready.path",
    "prodready.interpreter",
    "prodready.importStrategy",
    "prodready.args",
    "prodready.select",
    "prodready.extendSelect",
    "prodready.ignore",
    "prodready.severity",
    "prodready.debounce",
    "prodready.trace.server",
]


@pytest.fixture(scope="module")
def vsix() -> Path:
    given = os.environ.get("PRODREADY_VSIX")
    if given:
        return Path(given)
    if not shutil.which("npm") or not shutil.which("node"):
        pytest.skip("npm/node are not installed: cannot build the VS Code extension")
    version = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))["version"]
    proc = subprocess.run(
        ["bash", str(REPO_ROOT / ".ci" / "build-vsix.sh"), "linux-x64"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, f".ci/build-vsix.sh failed:\n{proc.stdout[-8000:]}"
    built = EXTENSION / f"prodready-linux-x64-{version}.vsix"
    assert built.is_file(), proc.stdout[-4000:]
    return built


@pytest.fixture(scope="module")
def unpacked(vsix: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(vsix) as archive:
        archive.extractall(root)
    return root / "extension"


def test_manifest(unpacked: Path):
    manifest = json.loads((unpacked / "package.json").read_text(encoding="utf-8"))
    assert manifest["name"] == "prodready"
    assert manifest["engines"]["vscode"].startswith("^1.")
    assert "onLanguage:python" in manifest["activationEvents"]
    properties = manifest["contributes"]["configuration"]["properties"]
    for setting in SETTINGS:
        assert setting in properties, setting
    assert properties["prodready.importStrategy"]["default"] == "useBundled"
    assert properties["prodready.importStrategy"]["enum"] == ["useBundled", "fromEnvironment"]
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert "prodready.restart" in commands
    main = unpacked / manifest["main"]
    assert main.is_file() and main.stat().st_size > 10_000
    bundle = main.read_text(encoding="utf-8")
    # vscode-languageclient is bundled in, `vscode` is left to the host.
    assert 'require("vscode")' in bundle and "vscode-languageclient" not in bundle.split("\n", 1)[0]
    assert not (unpacked / "node_modules").exists()
    assert not (unpacked / "src").exists()


def test_vsix_manifest_targets_linux_x64(vsix: Path):
    with zipfile.ZipFile(vsix) as archive:
        xml = archive.read("extension.vsixmanifest").decode("utf-8")
    assert 'TargetPlatform="linux-x64"' in xml


def test_bundled_libs(unpacked: Path):
    libs = unpacked / "bundled" / "libs"
    assert (libs / "prodready" / "__init__.py").is_file()
    assert (libs / "prodready" / "server").is_dir()
    for package in ("pygls", "lsprotocol", "libcst", "jedi", "tomli", "exceptiongroup"):
        assert (libs / package).is_dir(), package
    for version in ("310", "311", "312", "313"):
        assert list((libs / "libcst").glob(f"native.cpython-{version}-x86_64-linux-gnu.so")), version
    assert (unpacked / "bundled" / "tool" / "server.py").is_file()
    assert not list(libs.rglob("__pycache__"))


def runs(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "pass"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def interpreters() -> list:
    """CPython 3.10+ interpreters on this machine (PATH and pyenv), one per minor version;
    the bundled libraries must work with each, not only with the one that built them."""
    found = {f"{sys.version_info.major}.{sys.version_info.minor}": sys.executable}
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for minor in ("3.10", "3.11", "3.12", "3.13", "3.14"):
        if minor in found:
            continue
        candidates = sorted(str(p) for p in pyenv_root.glob(f"versions/{minor}.*/bin/python{minor}"))
        candidates.append(shutil.which(f"python{minor}"))
        for candidate in candidates:
            if candidate and runs(candidate):
                found[minor] = candidate
                break
    return [pytest.param(path, id=f"python{minor}") for minor, path in sorted(found.items())]


@pytest.mark.parametrize("python", interpreters())
def test_bundled_server_answers_initialize(unpacked: Path, tmp_path: Path, python: str):
    """The entry the extension runs, bundled/tool/server.py, with a user's Python: it
    answers initialize, publishes diagnostics and computes a fix (libcst's compiled module
    for that Python version)."""
    project = tmp_path / "demo"
    project.mkdir()
    source = project / "app.py"
    source.write_text(SAMPLE, encoding="utf-8")
    # SAMPLE's findings come from preview rules: the project turns them on, as a user would.
    (project / "pyproject.toml").write_text("[tool.prodready]\npreview = true\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PRODREADY_IMPORT_STRATEGY"] = "useBundled"
    settings = {"severity": {"PR201": "hint"}}
    client = StdioClient(
        # -s: no user site-packages; the interpreter's own site-packages stay, as for a user.
        # `--stdio`, as LSP clients habitually add (vscode-languageclient with
        # TransportKind.stdio), must not stop the server from starting.
        [python, "-s", str(unpacked / "bundled" / "tool" / "server.py"), "--stdio"],
        configuration={"prodready": settings},
        cwd=project,
        env=env,
    )
    try:
        result = client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": project.as_uri(),
                "workspaceFolders": [{"uri": project.as_uri(), "name": "demo"}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "publishDiagnostics": {"versionSupport": True},
                        "codeAction": {
                            "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source"]}},
                            "isPreferredSupport": True,
                        },
                    },
                },
                "initializationOptions": settings,
            },
            timeout=60,
        )
        assert result["serverInfo"]["name"] == "prodready", result
        assert result["capabilities"].get("codeActionProvider"), result
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": source.as_uri(), "languageId": "python", "version": 1, "text": SAMPLE}},
        )
        message = client.wait_for(
            lambda m: m["method"] == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == source.as_uri()
            and any(d.get("code") == "PR101" for d in m["params"]["diagnostics"]),
            timeout=60,
        )
        diagnostics = message["params"]["diagnostics"]
        lines = {d["range"]["start"]["line"] for d in diagnostics if d["code"] == "PR101"}
        assert {3, UNICODE_LINE} <= lines, diagnostics
        # The severity override from the settings: PR201 as a hint (4).
        assert [d["severity"] for d in diagnostics if d["code"] == "PR201"] == [4], diagnostics

        target = next(d for d in diagnostics if d["code"] == "PR101" and d["range"]["start"]["line"] == 3)
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": source.as_uri()},
                "range": target["range"],
                "context": {"diagnostics": [target], "only": ["quickfix"]},
            },
        )
        preferred = [a for a in actions if a.get("isPreferred")]
        assert len(preferred) == 1, actions
        action = preferred[0]
        if "edit" not in action:
            action = client.request("codeAction/resolve", action)
        new_texts = [e["newText"] for e in action["edit"]["changes"][source.as_uri()]]
        assert any("timezone" in text for text in new_texts), action
    finally:
        client.close()
    log = client.stderr.decode("utf-8", errors="replace")
    # It ran the bundled copy, not the one installed for the tests.
    assert f"from {unpacked / 'bundled' / 'libs' / 'prodready'}" in log, log


def test_server_start_up_line_is_logged_at_info(vsix: Path, unpacked: Path, tmp_path: Path):
    """vscode-languageclient logs every stderr line as an error; the extension's stderr
    handler (src/stderr.ts) gives the launcher's start-up line `info`, Python logging lines
    their own level, and keeps anything else (a traceback) an error."""
    esbuild = EXTENSION / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        pytest.skip("esbuild is not installed in editors/vscode (the package was given by PRODREADY_VSIX)")
    compiled = tmp_path / "stderr.js"
    subprocess.run([str(esbuild), str(EXTENSION / "src" / "stderr.ts"), "--format=cjs", "--platform=node",
                    f"--outfile={compiled}"], check=True, capture_output=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    started = subprocess.run([sys.executable, "-s", str(unpacked / "bundled" / "tool" / "server.py"),
                              "--log-level", "INFO"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=120, env={**env, "PRODREADY_IMPORT_STRATEGY": "useBundled"})
    start_up = [line for line in started.stderr.splitlines() if "running prodready" in line]
    assert start_up, started.stderr
    lines = [
        start_up[0],
        "2026-12-02 18:13:43,123 INFO pygls.server: Starting IO server",
        "2026-12-02 18:13:43,123 WARNING prodready.server: invalid configuration",
        "Traceback (most recent call last):",
        "[prodready extension] cannot import prodready with /usr/bin/python3: No module named prodready",
    ]
    script = (f"const {{ stderrLevel }} = require({json.dumps(str(compiled))});"
              f"console.log(JSON.stringify({json.dumps(lines)}.map(stderrLevel)));")
    levels = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True,
                                       timeout=60).stdout)
    assert levels == ["info", "info", "warn", "error", "error"]
    bundle = (unpacked / "dist" / "extension.js").read_text(encoding="utf-8")
    assert "stdioOptions" in bundle  # the handler is what the packaged extension uses


def _fake_python(folder: Path, name: str, version: str) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    script.chmod(0o755)


def test_bundled_server_prefers_the_newest_python(vsix: Path, tmp_path: Path):
    """src/newest.ts, bundled and run under Node against fake interpreters on PATH: the newest
    3.10+ wins, the selected interpreter wins a tie, older and broken ones are skipped."""
    out = tmp_path / "newest.js"
    subprocess.run([str(EXTENSION / "node_modules" / ".bin" / "esbuild"), str(EXTENSION / "src" / "newest.ts"),
                    "--bundle", "--platform=node", "--format=cjs", f"--outfile={out}"], check=True, capture_output=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_python(bin_dir, "python3.13", "3.13")
    _fake_python(bin_dir, "python3.12", "3.12")
    _fake_python(bin_dir, "python3", "3.12")
    _fake_python(bin_dir, "python3.9", "3.9")
    (bin_dir / "python3.11").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (bin_dir / "python3.11").chmod(0o755)
    selected = tmp_path / "venv-python"
    _fake_python(tmp_path, "venv-python", "3.13")
    old = tmp_path / "old-python"
    _fake_python(tmp_path, "old-python", "3.9")
    script = f"""
const n = require({str(out)!r});
(async () => {{
  const pick = async (first) => {{
    const c = await n.newestPython([...first, ...n.pathCandidates('linux')]);
    return c ? c.command + ' ' + c.version.join('.') : 'none';
  }};
  console.log(await pick([]));
  console.log(await pick([{{ command: {str(selected)!r}, origin: 'the Python extension' }}]));
  console.log(await pick([{{ command: {str(old)!r}, origin: 'the Python extension' }}]));
}})();
"""
    env = {"PATH": str(bin_dir)}  # only the fakes: a real python3.X elsewhere on PATH would change the answer
    node = shutil.which("node")
    lines = subprocess.run([node, "-e", script], env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines == ["python3.13 3.13", f"{selected} 3.13", "python3.13 3.13"]
    (bin_dir / "python3.13").unlink()
    lines = subprocess.run([node, "-e", script], env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    assert lines[0] == "python3.12 3.12"
