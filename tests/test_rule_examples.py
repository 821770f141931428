"""Generated from each rule's metadata: every `invalid` example fires, every `valid` one does
not, and every `fixed`/`unsafe_fixed` pair round-trips (the fixed text parses, is exactly
what the rule documents, the finding is gone and a second application changes nothing).
"""

from __future__ import annotations

import ast

import pytest

from prodready.api import check_text, fix_source
from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.project.rule import ProjectRule
from prodready.core.rule import as_example


def _file_rules():
    """Per-file rules; project rules' tree examples run in tests/rules/test_project_examples.py."""
    return [rule for rule in all_rules() if not issubclass(rule, ProjectRule)]


def _cases(kind: str):
    for rule in _file_rules():
        for index, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, as_example(example), id=f"{rule.code}-{rule.name}-{kind}-{index}")


def _fix_cases(kind: str):
    for rule in _file_rules():
        examples = {str(e): as_example(e) for e in rule.invalid}
        for index, (before, after) in enumerate(getattr(rule, kind).items()):
            example = examples.get(before, as_example(before))
            yield pytest.param(rule, example, after, id=f"{rule.code}-{rule.name}-{kind}-{index}")


def _config(example) -> Config:
    return Config.from_mapping({"preview": True, **example.options})


def _codes(rule, example, text=None):
    analysis = check_text(text if text is not None else example.code, example.path, _config(example), rules=[rule])
    assert analysis.problem is None, f"example does not parse: {analysis.problem}"
    assert not analysis.errors, f"rule raised: {analysis.errors}"
    return [f for f in analysis.findings if f.code == rule.code]


@pytest.mark.parametrize(("rule", "example"), list(_cases("invalid")))
def test_invalid_example_is_reported(rule, example):
    found = _codes(rule, example)
    assert found, f"{rule.code} did not fire on:\n{example.code}"
    for finding in found:
        assert finding.message and finding.message[0].isupper() or finding.message.startswith("`"), finding.message
        assert 0 <= finding.start <= finding.end <= len(example.code)


@pytest.mark.parametrize(("rule", "example"), list(_cases("valid")))
def test_valid_example_is_quiet(rule, example):
    found = _codes(rule, example)
    assert not found, f"{rule.code} fired on valid code:\n{example.code}\n{[f.message for f in found]}"


def _round_trip(rule, example, expected, unsafe):
    config = _config(example)
    result = fix_source(example.code, example.path, config, unsafe=unsafe, rules=[rule], only_codes={rule.code})
    assert result.text == expected
    ast.parse(result.text)
    remaining = _codes(rule, example, result.text)
    fixable = [f for f in remaining if f.fixes and (unsafe or f.safe_fix)]
    assert not fixable, f"finding still fixable after the fix: {[f.message for f in fixable]}"
    again = fix_source(result.text, example.path, config, unsafe=unsafe, rules=[rule], only_codes={rule.code})
    assert again.text == result.text, "applying the fix twice changed the text again"


@pytest.mark.parametrize(("rule", "example", "expected"), list(_fix_cases("fixed")))
def test_safe_fix_round_trip(rule, example, expected):
    _round_trip(rule, example, expected, unsafe=False)


@pytest.mark.parametrize(("rule", "example", "expected"), list(_fix_cases("unsafe_fixed")))
def test_unsafe_fix_round_trip(rule, example, expected):
    _round_trip(rule, example, expected, unsafe=True)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: f"{r.code}-{r.name}")
def test_rule_metadata_is_complete(rule):
    assert rule.code.startswith("PR") and len(rule.code) == 5
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert rule.summary
    docs = rule.doc_markdown()
    for section in ("## What it does", "## Why is this bad?", "## Example"):
        assert section in docs, f"{rule.code} docs lack {section!r}"
    assert rule.invalid and rule.valid, "every rule needs invalid and valid examples"
    assert rule.fix_availability in {"safe", "unsafe", "sometimes", "none"}
    if rule.fix_availability != "none":
        assert rule.fixed or rule.unsafe_fixed, "a rule with a fix needs fixed/unsafe_fixed examples"
        assert "## Fix safety" in docs
    for before in [*rule.fixed, *rule.unsafe_fixed]:
        assert before in {str(e) for e in rule.invalid}, "fixed examples must be invalid examples"


def test_codes_and_names_are_unique():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


@pytest.mark.parametrize("rule", [r for r in _file_rules() if r.fix_availability == "none"],
                         ids=lambda r: f"{r.code}-{r.name}")
def test_a_rule_without_fixes_offers_none(rule):
    """The fix rounds after the first run only the rules that can fix (cli/runner.py
    `fixable_rules`): a rule saying "none" must never offer one."""
    for example in map(as_example, rule.invalid):
        findings = check_text(example.code, example.path, _config(example)).findings
        assert all(not f.fixes for f in findings if f.code == rule.code), example.code
