"""The rule catalogue: one rule per module, discovered in a stable order, codes and names unique."""

from __future__ import annotations

import importlib
import sys

import pytest

import prodready.checks as checks
from prodready.checks import all_rules, load_rules, rule_module_names, rules_defined_in


def test_every_rule_lives_in_a_module_named_after_it():
    for rule in all_rules():
        family, module = rule.__module__.split(".")[2:]
        assert module == rule.name.replace("-", "_"), rule
        assert not family.startswith("_") and not module.startswith("_")


def test_one_rule_per_module():
    for name in rule_module_names():
        defined = list(rules_defined_in(importlib.import_module(name)))
        assert len(defined) == 1, (name, defined)


def test_order_is_by_code_and_stable():
    rules = load_rules()
    assert [r.code for r in rules] == sorted(r.code for r in rules)
    assert load_rules() == rules == all_rules()
    assert rule_module_names() == sorted(rule_module_names())


def _fake_family(monkeypatch, tmp_path, modules: dict[str, str]) -> None:
    """A throw-away family package ``checks/zz_fake`` with the given rule modules."""
    package = tmp_path / "zz_fake"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in modules.items():
        (package / f"{name}.py").write_text(text)
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(tmp_path)])
    monkeypatch.setattr(sys, "modules", dict(sys.modules))


RULE_TEMPLATE = """
from prodready.core.findings import Severity
from prodready.core.rule import Rule

class {cls}(Rule):
    code = "{code}"
    name = "{name}"
    severity = Severity.WARNING
    summary = "fake"
"""


def test_duplicate_codes_are_rejected(monkeypatch, tmp_path):
    _fake_family(monkeypatch, tmp_path, {
        "naive_utcnow_again": RULE_TEMPLATE.format(cls="Again", code="PR101", name="naive-utcnow-again"),
    })
    with pytest.raises(RuntimeError, match="PR101"):
        load_rules()


def test_duplicate_names_are_rejected(monkeypatch, tmp_path):
    _fake_family(monkeypatch, tmp_path, {
        "other": RULE_TEMPLATE.format(cls="Other", code="PR998", name="naive-utcnow"),
    })
    with pytest.raises(RuntimeError, match="naive-utcnow"):
        load_rules()


def test_a_broken_rule_module_is_reported_and_the_others_load(monkeypatch, tmp_path):
    _fake_family(monkeypatch, tmp_path, {"broken": "raise ImportError('no such thing')\n"})
    problems = []
    rules = load_rules(on_error=lambda name, exc: problems.append((name, str(exc))))
    assert problems == [("prodready.checks.zz_fake.broken", "no such thing")]
    assert {r.code for r in rules} == {r.code for r in all_rules()}
