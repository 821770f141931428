"""Every project rule's tree examples: invalid trees are reported, valid ones are not, and
every documented fix round-trips (the changed files are exactly what the rule documents,
Python stays parseable, the finding is no longer fixable, a second run changes nothing).
"""

from __future__ import annotations

import ast

import pytest

from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.project import Project, ProjectRule, run_project_rules
from prodready.core.project.rule import fix_project

PROJECT_RULES = [r for r in all_rules() if issubclass(r, ProjectRule)]


def _cases(kind: str):
    for rule in PROJECT_RULES:
        for example in getattr(rule, kind):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind}-{example.code}")


def _fix_cases(kind: str):
    for rule in PROJECT_RULES:
        examples = {e.code: e for e in rule.invalid}
        for name, expected in getattr(rule, kind).items():
            yield pytest.param(rule, examples[name], expected, id=f"{rule.code}-{kind}-{name}")


def _config(example) -> Config:
    return Config.from_mapping({"preview": True, **example.options})


def _findings(rule, project, config):
    result = run_project_rules(project, config, [rule])
    assert not result.errors, f"rule raised: {result.errors}"
    return [f for f in result.findings if f.finding.code == rule.code]


def test_every_pr6xx_rule_is_a_registered_project_rule():
    assert [r.code for r in PROJECT_RULES] == [f"PR6{n:02d}" for n in range(1, 14)]


@pytest.mark.parametrize(("rule", "example"), list(_cases("invalid")))
def test_invalid_tree_is_reported(rule, example):
    project = Project.from_tree(example.files)
    found = _findings(rule, project, _config(example))
    assert found, f"{rule.code} did not fire on {example.code}"
    for item in found:
        assert item.path in project.files, item.path
        text = project.text(item.path)
        assert 0 <= item.finding.start <= item.finding.end <= len(text)
        assert item.finding.message[:1].isupper() or item.finding.message.startswith("`")


@pytest.mark.parametrize(("rule", "example"), list(_cases("valid")))
def test_valid_tree_is_quiet(rule, example):
    found = _findings(rule, Project.from_tree(example.files), _config(example))
    assert not found, [f.finding.message for f in found]


def _round_trip(rule, example, expected, unsafe):
    config = _config(example)
    project = Project.from_tree(example.files)
    changed = fix_project(project, config, [rule], unsafe=unsafe)
    assert changed == expected
    for path, text in changed.items():
        if path.endswith(".py"):
            ast.parse(text)
    left = [f for f in _findings(rule, project, config)
            if any(o.applicability.value == "safe" or unsafe for o in f.finding.fixes)]
    assert not left, [f.finding.message for f in left]
    assert fix_project(project, config, [rule], unsafe=unsafe) == {}, "a second application changed files again"


@pytest.mark.parametrize(("rule", "example", "expected"), list(_fix_cases("fixed")))
def test_safe_fix_round_trip(rule, example, expected):
    _round_trip(rule, example, expected, unsafe=False)


@pytest.mark.parametrize(("rule", "example", "expected"), list(_fix_cases("unsafe_fixed")))
def test_unsafe_fix_round_trip(rule, example, expected):
    _round_trip(rule, example, expected, unsafe=True)
