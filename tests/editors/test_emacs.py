"""Emacs (Debian emacs-nox + elpa-eglot) with editors/emacs/prodready-eglot.el against the
real server. The packages are installed with apt-get when missing (as root); the test is
skipped when that is not possible."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from editor_helpers import REPO_ROOT, SAMPLE, UNICODE_LINE, UNICODE_PREFIX

pytestmark = pytest.mark.editor

PACKAGES = ["emacs-nox", "elpa-eglot"]


def eglot_available(emacs: str) -> bool:
    probe = subprocess.run(
        [emacs, "-q", "--batch", "--eval", "(progn (require 'eglot) (princ \"ok\"))"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    return probe.returncode == 0 and probe.stdout.endswith("ok")


@pytest.fixture(scope="module")
def emacs() -> str:
    found = shutil.which("emacs")
    if found and eglot_available(found):
        return found
    if not shutil.which("apt-get"):
        pytest.skip("Emacs with Eglot is not installed and apt-get is not available")
    if os.geteuid() != 0:
        pytest.skip("Emacs with Eglot is not installed and installing it needs root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
    ):
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900,
                              stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, f"{' '.join(command)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    found = shutil.which("emacs")
    assert found and eglot_available(found), "emacs-nox/elpa-eglot installed but Eglot does not load"
    return found


def test_eglot_receives_diagnostics(emacs: str, project: Path, server_cmd: list[str], tmp_path: Path):
    out_file = tmp_path / "result.json"
    params = {
        "repo_root": str(REPO_ROOT),
        "file": str(project / "app.py"),
        "out": str(out_file),
        "server_cmd": server_cmd,
        "timeout_s": 60,
    }
    params_file = tmp_path / "params.json"
    params_file.write_text(json.dumps(params), encoding="utf-8")
    env = {**os.environ, "PRODREADY_EMACS_PARAMS": str(params_file), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [emacs, "-q", "--batch", "-l", str(REPO_ROOT / "tests" / "editors" / "emacs_driver.el")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert out_file.exists(), f"emacs wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    out = json.loads(out_file.read_text(encoding="utf-8"))
    context = f"\nresult: {json.dumps(out, indent=1, ensure_ascii=False)}\nstderr:\n{proc.stderr[-3000:]}"
    assert "error" not in out, out["error"] + context
    assert out["server_name"] == "prodready", context

    lines = SAMPLE.splitlines()
    diagnostics = out["diagnostics"]
    pr101 = {d["line"]: d for d in diagnostics if "[PR101]" in d["text"]}
    assert set(pr101) == {3, UNICODE_LINE}, context
    for d in diagnostics:
        assert d["text"].startswith("prodready ["), d  # Eglot shows "SOURCE [CODE]: message"
    # Columns in Emacs characters: Eglot 1.9 speaks UTF-16 to the server and converts.
    unicode = pr101[UNICODE_LINE]
    start = lines[UNICODE_LINE].index("datetime.utcnow()")
    assert (unicode["col"], unicode["end_col"]) == (start, start + len("datetime.utcnow()")), unicode
    assert unicode["type"] == "eglot-warning", unicode
    # The severity override in initializationOptions: PR201 as a hint -> an Eglot note.
    secret = [d for d in diagnostics if "[PR201]" in d["text"]]
    assert [(d["line"], d["type"]) for d in secret] == [(2, "eglot-note")], context


def test_quickfix_command_and_silent_fix_on_save(emacs: str, project: Path, server_cmd: list[str], tmp_path: Path):
    """The README's commands in Eglot 1.9: `prodready-quickfix` applies the preferred fix;
    `prodready-fix-all` on `before-save-hook` fixes on save and, with nothing left to fix,
    neither complains nor stops the save."""
    out_file = tmp_path / "fix.json"
    params = {"repo_root": str(REPO_ROOT), "file": str(project / "app.py"), "out": str(out_file),
              "server_cmd": server_cmd, "timeout_s": 60}
    params_file = tmp_path / "fix-params.json"
    params_file.write_text(json.dumps(params), encoding="utf-8")
    env = {**os.environ, "PRODREADY_EMACS_PARAMS": str(params_file), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [emacs, "-q", "--batch", "-l", str(REPO_ROOT / "tests" / "editors" / "emacs_fix_driver.el")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert out_file.exists(), f"emacs wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    out = json.loads(out_file.read_text(encoding="utf-8"))
    context = f"\nresult: {json.dumps(out, indent=1, ensure_ascii=False)}\nstderr:\n{proc.stderr[-3000:]}"
    assert "error" not in out, out["error"] + context
    assert "Ignore PR101 for this line" in out["offered"], context
    assert "utcnow" not in out["after_quickfix"] and out["after_quickfix"].startswith("started = datetime.now("), context
    saved = out["saved_text"].splitlines()
    assert "utcnow" not in saved[UNICODE_LINE] and saved[UNICODE_LINE].startswith(UNICODE_PREFIX), context
    assert out["second_save_text"].endswith("y = 1\n"), context  # the clean save happened
    assert not out["modified_after_save"], context  # nil: saved
    assert "code actions" not in out["messages_after_clean_save"], context
    assert "nothing to fix" not in out["messages_after_clean_save"], context
