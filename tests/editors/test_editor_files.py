"""Cheap checks of the editor set-ups that need no editor: they parse and agree with each
other and with the server's settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from editor_helpers import EDITORS, REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SERVER_SETTINGS = {"enable", "debounce", "select", "ignore", "extend-select", "severity"}


def test_helix_languages_toml():
    config = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = config["language-server"]["prodready"]
    assert server["command"] == "prodready" and server["args"] == ["server"]
    assert isinstance(server["config"]["prodready"], dict)
    python = next(language for language in config["language"] if language["name"] == "python")
    # Beside the user's Python servers (Helix's defaults), not instead of them: a
    # language-servers list replaces Helix's own.
    assert python["language-servers"][-1] == "prodready"
    assert {"ruff", "jedi", "pylsp"} <= set(python["language-servers"])


def test_vscode_settings_match_the_manifest():
    manifest = json.loads((EDITORS / "vscode" / "package.json").read_text(encoding="utf-8"))
    declared = set(manifest["contributes"]["configuration"]["properties"])
    source = (EDITORS / "vscode" / "src" / "settings.ts").read_text(encoding="utf-8")
    read = {f"prodready.{key}" for key in re.findall(r"config\.get(?:<.+?>)?\('([A-Za-z.]+)'", source)}
    # trace.server is read by vscode-languageclient itself.
    assert read == declared - {"prodready.trace.server"}
    sent = set(re.findall(r"settings(?:\.|\[')([a-z-]+)'?\]? =", source)) | {"enable"}
    assert sent == SERVER_SETTINGS


def test_vscode_lockfile():
    lock = json.loads((EDITORS / "vscode" / "package-lock.json").read_text(encoding="utf-8"))
    manifest = json.loads((EDITORS / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert lock["lockfileVersion"] == 3
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
    assert lock["packages"][""]["devDependencies"] == manifest["devDependencies"]


def test_build_script_is_valid_bash():
    script = REPO_ROOT / ".ci" / "build-vsix.sh"
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_bundled_entry_compiles_for_old_pythons():
    # It must at least run far enough on an old interpreter to say "needs Python 3.10".
    source = (EDITORS / "vscode" / "bundled" / "tool" / "server.py").read_text(encoding="utf-8")
    compile(source, "server.py", "exec")
    assert "MIN_PYTHON = (3, 10)" in source
