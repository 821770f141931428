"""The content-hash cache."""

from __future__ import annotations

import json

from cli_helpers import CLEAN, UTCNOW, write


def _cache_files(project):
    return sorted((project / ".prodready_cache").rglob("*.json"))


def _forbid_analysis(monkeypatch):
    import prodready.cli.main as cli_main

    def fail(task):
        raise AssertionError(f"{task.display} was analysed again")

    monkeypatch.setattr(cli_main, "process", fail)


def test_cache_hit_prints_identically(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW, "b.py": "def (:\n", "c.py": CLEAN})
    first = cli("check", "--show-source")
    assert _cache_files(project)
    assert (project / ".prodready_cache/CACHEDIR.TAG").exists()
    assert (project / ".prodready_cache/.gitignore").read_text().strip().endswith("*")
    _forbid_analysis(monkeypatch)
    second = cli("check", "--show-source")
    assert (first.code, first.out, first.err) == (second.code, second.out, second.err), second.err
    for fmt in ("json", "github"):
        assert cli("check", "--format", fmt).code == 1


def test_changed_file_is_rechecked(project, cli):
    write(project, {"a.py": CLEAN, "b.py": CLEAN})
    assert cli("check").code == 0
    write(project, {"b.py": UTCNOW})
    run = cli("check")
    assert run.code == 1 and "b.py:2:5: PR101" in run.out


def test_config_change_invalidates(project, cli):
    write(project, {"a.py": UTCNOW})
    assert cli("check").code == 1
    assert cli("check", "--ignore", "PR101").code == 0
    assert cli("check").code == 1


def test_corrupt_cache_is_ignored(project, cli):
    write(project, {"a.py": UTCNOW})
    first = cli("check")
    for path in _cache_files(project):
        path.write_text("{not json")
    assert cli("check").out == first.out
    for path in _cache_files(project):
        path.write_text(json.dumps({"key": json.loads(path.read_text())["key"], "entries": {str(project / "a.py"): {"sha": "x"}}}))
    assert cli("check").out == first.out


def test_malformed_entry_is_ignored(project, cli):
    write(project, {"a.py": UTCNOW})
    first = cli("check")
    for path in _cache_files(project):
        data = json.loads(path.read_text())
        for entry in data["entries"].values():
            entry["payload"]["items"] = [{"bogus": 1}]
        path.write_text(json.dumps(data))
    assert cli("check").out == first.out


def test_no_cache(project, cli):
    write(project, {"a.py": UTCNOW})
    cli("check", "--no-cache")
    assert not (project / ".prodready_cache").exists()


def test_cache_dir_option(project, cli, tmp_path):
    write(project, {"a.py": UTCNOW})
    cli("check", "--cache-dir", str(tmp_path / "elsewhere"))
    assert list((tmp_path / "elsewhere").rglob("*.json"))
    assert not (project / ".prodready_cache").exists()


def test_fix_uses_fresh_analysis_and_caches_result(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW})
    cli("check")  # cached without fixes
    assert cli("check", "--fix").code == 0
    assert "utcnow" not in (project / "a.py").read_text()
    _forbid_analysis(monkeypatch)
    assert cli("check").out == "All checks passed!\n"


def test_unreadable_cache_folder_does_not_fail(project, cli):
    write(project, {"a.py": UTCNOW})
    (project / ".prodready_cache").write_text("a file, not a folder")
    assert cli("check").code == 1


def test_old_caches_are_pruned(project, cli):
    import os

    write(project, {"a.py": UTCNOW})
    cli("check")
    current = _cache_files(project)[0]
    stale_config = current.parent / "0000stale.json"
    stale_version = project / ".prodready_cache" / "0.0.1" / "x.json"
    stale_version.parent.mkdir()
    for path in (stale_config, stale_version):
        path.write_text("{}")
        os.utime(path, (1, 1))
    os.utime(stale_version.parent, (1, 1))
    recent = current.parent / "recent.json"
    recent.write_text("{}")
    write(project, {"a.py": UTCNOW + "\n"})  # something to write
    cli("check")
    assert current.exists() and recent.exists()
    assert not stale_config.exists() and not stale_version.parent.exists()
