"""Preview rules: available, off by default, on with `preview = true` or an exact selection."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from prodready.api import check_text
from prodready.checks import all_rules, get_rule
from prodready.checks.time.naive_utcnow import NaiveUtcnow
from prodready.core.config import Config, ConfigError
from prodready.core.docs import render_markdown

CODE = "from datetime import datetime\nx = datetime.utcnow()\n"


def _codes(config: Config) -> list[str]:
    return [f.code for f in check_text(CODE, "app/x.py", config, rules=[NaiveUtcnow]).findings]


def test_preview_rules_are_off_by_default():
    assert _codes(Config()) == []
    assert _codes(Config.from_mapping({"select": ["ALL"]})) == []
    assert _codes(Config.from_mapping({"select": ["PR1"]})) == []


def test_preview_setting_turns_them_on_and_selection_still_applies():
    assert _codes(Config.from_mapping({"preview": True})) == ["PR101"]
    assert _codes(Config.from_mapping({"preview": True, "ignore": ["naive-utcnow"]})) == []


@pytest.mark.parametrize("selection", [{"select": ["PR101"]}, {"extend-select": ["naive-utcnow"]}])
def test_an_exact_selection_turns_on_that_rule(selection):
    assert _codes(Config.from_mapping(selection)) == ["PR101"]


def test_preview_must_be_a_boolean():
    with pytest.raises(ConfigError, match="preview: expected true or false"):
        Config.from_mapping({"preview": "yes"})


def test_docs_say_a_rule_is_preview_and_how_to_turn_it_on():
    page = render_markdown(NaiveUtcnow)
    assert "**Preview**" in page and "preview = true" in page
    assert "**Preview**" not in render_markdown(get_rule("PR405"))


def test_rules_command_marks_preview_rules(monkeypatch, capsys):
    from prodready.cli.main import main

    assert main(["rules"]) == 0
    text = capsys.readouterr().out
    line = next(row for row in text.splitlines() if row.startswith("PR101"))
    assert "preview" in line.split()
    assert "preview = true" in text
    assert main(["rules", "--format", "json"]) == 0
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["PR101"]["preview"] is True and rows["PR405"]["preview"] is False


def test_cli_preview_flag(tmp_path, monkeypatch, capsys):
    from prodready.cli.main import main

    (tmp_path / "pyproject.toml").write_text("[tool.prodready]\n")
    (tmp_path / "x.py").write_text(CODE)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--select", "PR1", "x.py"]) == 0
    assert main(["check", "--no-cache", "--select", "PR1", "--preview", "x.py"]) == 1
    assert "PR101" in capsys.readouterr().out


def test_default_rules_are_the_ones_the_accuracy_page_names():
    """docs/accuracy.md decides which rules are on by default (held-out precision >= 0.9, or
    no held-out findings and nothing against them); the code must say the same."""
    page = (Path(__file__).parents[2] / "docs" / "accuracy.md").read_text(encoding="utf-8")
    line = next(row for row in page.splitlines() if row.startswith("Default-on rules:"))
    documented = set(re.findall(r"PR\d{3}", line))
    assert documented == {r.code for r in all_rules() if not r.preview}

