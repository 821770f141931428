"""`prodready --version`, `rules`, `rule`, `docs`, `server`."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

import prodready
from prodready.checks import all_rules

REPO = Path(__file__).resolve().parents[2]


def test_version(cli):
    run = cli("--version")
    assert run.code == 0
    assert run.out.strip() == f"prodready {prodready.__version__}"


def test_help(cli):
    run = cli("--help")
    assert run.code == 0 and "check" in run.out and "examples" in run.out
    run = cli("check", "--help")
    assert run.code == 0 and "--unsafe-fixes" in run.out and "exit codes" in run.out


def test_rules_text(cli):
    run = cli("rules")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].split()[:4] == ["CODE", "NAME", "SEVERITY", "FIX"]
    pr101 = next(line for line in lines if line.startswith("PR101"))
    assert pr101.split()[:5] == ["PR101", "naive-utcnow", "warning", "safe", "preview"]
    assert len([line for line in lines[1:] if line.startswith("PR")]) == len(all_rules())


def test_rules_json(cli):
    data = json.loads(cli("rules", "--format", "json").out)
    assert [d["code"] for d in data] == [r.code for r in all_rules()]
    for entry in data:
        assert set(entry) == {"code", "name", "severity", "fix", "preview", "summary", "url"}
    pr101 = data[0]
    assert pr101["name"] == "naive-utcnow" and pr101["url"].endswith("PR101-naive-utcnow.md")


@pytest.mark.parametrize("selector", ["PR101", "pr101", "naive-utcnow"])
def test_rule_docs(cli, selector):
    run = cli("rule", selector)
    assert run.code == 0
    assert run.out.startswith("# naive-utcnow (PR101)")
    assert "## Why is this bad?" in run.out


def test_unknown_rule_suggests(cli):
    run = cli("rule", "naive-utcnwo")
    assert run.code == 2
    assert "unknown rule 'naive-utcnwo'" in run.err
    assert "PR101 (naive-utcnow)" in run.err
    run = cli("rule", "PR10")
    assert run.code == 2 and "PR101" in run.err


def test_docs_generate_and_check(cli, tmp_path):
    out = tmp_path / "rules"
    assert cli("docs", "--check", "--output", str(out)).code == 1
    run = cli("docs", "--output", str(out))
    assert run.code == 0
    assert (out / "PR101-naive-utcnow.md").read_text().count("# naive-utcnow (PR101)") == 1
    index = (out / "README.md").read_text()
    assert "[PR101](PR101-naive-utcnow.md)" in index
    assert len(list(out.glob("PR*.md"))) == len(all_rules())
    assert cli("docs", "--check", "--output", str(out)).code == 0
    (out / "PR101-naive-utcnow.md").write_text("stale")
    (out / "PR999-gone.md").write_text("old")
    run = cli("docs", "--check", "--output", str(out))
    assert run.code == 1 and "out of date" in run.err and "no such rule" in run.err
    cli("docs", "--output", str(out))
    assert not (out / "PR999-gone.md").exists()
    assert cli("docs", "--check", "--output", str(out)).code == 0


def test_committed_rule_docs_are_current(cli, tmp_path):
    """docs/rules/ must match the rule metadata: run `prodready docs` after changing a rule."""
    fresh = tmp_path / "rules"
    cli("docs", "--output", str(fresh))
    committed = REPO / "docs" / "rules"
    expected = {p.name: p.read_text() for p in fresh.iterdir()}
    actual = {p.name: p.read_text() for p in committed.glob("*.md")} if committed.is_dir() else {}
    stale = sorted(n for n in expected.keys() | actual.keys() if expected.get(n) != actual.get(n))
    assert not stale, f"docs/rules is out of date ({', '.join(stale)}); run `prodready docs`"


def test_server_missing_is_a_clear_error(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "prodready.server.main", None)  # import raises ImportError
    run = cli("server")
    assert run.code == 2
    assert "language server is not available" in run.err


def test_server_dispatch(cli, monkeypatch):
    seen = {}
    module = types.ModuleType("prodready.server.main")

    def run(argv):
        seen["argv"] = argv
        return 0

    module.run = run
    monkeypatch.setitem(sys.modules, "prodready.server.main", module)
    assert cli("server", "--debounce", "250").code == 0
    assert seen["argv"] == ["--debounce", "250"]


def test_the_repository_rule_pages_are_generated_from_the_rule_classes(cli):
    run = cli("docs", "--check", "--output", str(REPO / "docs" / "rules"))
    assert run.code == 0, run.err
