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


# -- validation by stat (size, mtime) -----------------------------------------------------------
OLD = 1_600_000_000  # an mtime well before the run: such a stat is trusted (cli/cache.py)


def _age(project, *names, when=OLD):
    import os

    for name in names:
        os.utime(project / name, (when, when))


def _entry(project, name):
    [cache_file] = [p for p in _cache_files(project) if p.parent.name != ".prodready_cache"]
    return json.loads(cache_file.read_text())["entries"][str(project / name)]


def _count_reads(monkeypatch, project):
    """Record which checked files are opened for reading (the cache must not need them)."""
    import builtins

    opened = []
    real_open = builtins.open

    def tracking(file, *args, **kwargs):
        if str(file).startswith(str(project)) and str(file).endswith(".py"):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", tracking)
    return opened


def test_unchanged_stat_is_a_hit_without_reading_the_file(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW, "b.py": CLEAN})
    _age(project, "a.py", "b.py")
    first = cli("check")
    assert _entry(project, "a.py")["stat"] == [OLD * 10**9, len(UTCNOW)]
    _forbid_analysis(monkeypatch)
    opened = _count_reads(monkeypatch, project)
    second = cli("check")
    assert (second.code, second.out) == (first.code, first.out)
    assert opened == []


def test_a_recently_modified_file_is_validated_by_its_bytes(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW})  # written just now: its stat is not trusted
    first = cli("check")
    assert _entry(project, "a.py")["stat"] is None
    _forbid_analysis(monkeypatch)
    opened = _count_reads(monkeypatch, project)
    assert cli("check").out == first.out
    assert str(project / "a.py") in opened


def test_touched_file_with_the_same_bytes_is_revalidated_not_reanalysed(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW})
    _age(project, "a.py")
    first = cli("check")
    _age(project, "a.py", when=OLD + 100)  # touched: new mtime, same contents
    _forbid_analysis(monkeypatch)
    opened = _count_reads(monkeypatch, project)
    assert cli("check").out == first.out
    assert opened == [str(project / "a.py")]  # read and hashed once ...
    assert _entry(project, "a.py")["stat"] == [(OLD + 100) * 10**9, len(UTCNOW)]  # ... and restamped
    opened.clear()
    assert cli("check").out == first.out
    assert opened == []


def test_changed_size_is_rechecked(project, cli):
    write(project, {"a.py": CLEAN})
    _age(project, "a.py")
    assert cli("check").code == 0
    write(project, {"a.py": UTCNOW})
    _age(project, "a.py")  # same mtime as before: only the size tells
    run = cli("check")
    assert run.code == 1 and "a.py:2:5: PR101" in run.out


def test_same_stat_over_new_bytes_soon_after_a_run_is_caught(project, cli):
    """The racy case RACY_SECONDS guards: new bytes of the same size within the same mtime."""
    import os
    import time

    clean = "#" * (len(UTCNOW) - 1) + "\n"
    write(project, {"a.py": clean})
    now = time.time()
    _age(project, "a.py", when=now)
    assert cli("check").code == 0  # recorded without a stat: modified just before it was read
    write(project, {"a.py": UTCNOW})
    _age(project, "a.py", when=now)
    assert os.stat(project / "a.py").st_size == len(clean)
    assert cli("check").code == 1  # validated by hash: the new bytes are checked


def test_deleted_file_drops_out(project, cli):
    write(project, {"a.py": UTCNOW, "b.py": UTCNOW})
    _age(project, "a.py", "b.py")
    assert "b.py" in cli("check").out
    (project / "b.py").unlink()
    run = cli("check")
    assert "b.py" not in run.out and "a.py:2:5: PR101" in run.out
    write(project, {"c.py": CLEAN})  # a change, so the cache is written again
    cli("check")
    assert str(project / "b.py") not in json.loads(
        [p for p in _cache_files(project) if p.parent.name != ".prodready_cache"][0].read_text())["entries"]


def test_warm_run_reads_one_cache_file(project, cli, monkeypatch):
    write(project, {"a.py": UTCNOW, "requirements.txt": "flask==3.0\n"})
    _age(project, "a.py")
    first = cli("check")
    import builtins

    real_open = builtins.open
    opened = []

    def tracking(file, *args, **kwargs):
        if ".prodready_cache" in str(file):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", tracking)
    assert cli("check").out == first.out
    assert len(opened) == 1 and opened[0].endswith(".json")
    assert not (project / ".prodready_cache" / "project-index.json").exists()
