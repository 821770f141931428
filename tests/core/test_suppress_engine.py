"""Suppression comments, rule isolation and the one-walk engine as users see them."""

import ast

from prodready.api import check_text
from prodready.core.config import Config
from prodready.core.rule import Rule

UTCNOW = "from datetime import datetime\nx = datetime.utcnow(){comment}\n"


def codes(text, config=None):
    # PR101 is a preview rule: these tests are about suppressions, so preview rules run.
    return [f.code for f in check_text(text, "app/m.py", config or Config(preview=True)).findings]


def test_noqa_forms():
    assert codes(UTCNOW.format(comment="")) == ["PR101"]
    for comment in ("  # noqa", "  # noqa: PR101", "  # noqa: naive-utcnow", "  # NOQA:PR101,PR201",
                    "  # prodready: ignore[naive-utcnow]", "  # prodready: ignore"):
        assert codes(UTCNOW.format(comment=comment)) == [], comment


def test_noqa_for_another_rule_does_not_suppress():
    assert codes(UTCNOW.format(comment="  # noqa: PR201")) == ["PR101"]


def test_skip_file():
    assert codes("# prodready: skip-file\n" + UTCNOW.format(comment="")) == []


def test_severity_override_from_config():
    config = Config.from_mapping({"severity": {"PR101": "error"}, "preview": True})
    finding = check_text(UTCNOW.format(comment=""), "app/m.py", config).findings[0]
    assert finding.severity.label == "error"


def test_ignored_rule_does_not_run():
    assert codes(UTCNOW.format(comment=""), config=Config.from_mapping({"ignore": ["PR1"], "preview": True})) == []


class Exploding(Rule):
    code = "PR999"
    name = "exploding"
    summary = "test rule"

    def visit_Call(self, node, ctx):
        raise RuntimeError("boom")


def test_a_rule_that_raises_is_isolated():
    from prodready.checks import all_rules

    analysis = check_text(UTCNOW.format(comment=""), "app/m.py", rules=[*all_rules(), Exploding])
    assert [f.code for f in analysis.findings] == ["PR101"]
    assert [e.code for e in analysis.errors] == ["PR999"]
    assert "boom" in analysis.errors[0].message


def test_unparseable_file_is_a_problem_not_an_exception():
    analysis = check_text("def f(:\n", "app/m.py")
    assert analysis.findings == [] and analysis.problem is not None
    assert "SyntaxError" in analysis.problem.message


def test_deeply_nested_expression_does_not_crash():
    text = "x = " + "+".join(["1"] * 3000) + "\n"
    check_text(text, "app/m.py")


class CountingRule(Rule):
    code = "PR998"
    name = "counting"
    summary = "counts visits"
    seen: list = []

    def visit_Call(self, node, ctx):
        CountingRule.seen.append(id(node))


def test_each_node_is_visited_once():
    CountingRule.seen = []
    text = "f(g(h()))\nclass A:\n    def m(self):\n        return k()\n"
    check_text(text, "app/m.py", rules=[CountingRule])
    calls = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Call)]
    assert len(CountingRule.seen) == len(calls) == 4
