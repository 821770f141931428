"""The rule catalogue as the server loads it: a broken rule module must not stop the server.

Testing hook: ``PRODREADY_TEST_FAULTY_RULE=1`` in the server's environment adds a test-only
rule, ``PR999 test-faulty-rule``, that raises on any call to ``prodready_test_boom()``. It is
not part of the rule catalogue otherwise.
"""

from __future__ import annotations

import ast
import os

from prodready.core.rule import Rule


class _FaultyTestRule(Rule):
    """Test-only (PRODREADY_TEST_FAULTY_RULE=1): raises on ``prodready_test_boom()``."""

    code = "PR999"
    name = "test-faulty-rule"
    summary = "test-only rule that raises"
    docs = "Raises on purpose so tests can check that a broken rule does not break the server."

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "prodready_test_boom":
            raise RuntimeError("boom (test-faulty-rule)")


def load_rules() -> tuple[tuple[type[Rule], ...], list[str]]:
    """The rule catalogue, and problems loading it (a broken rule module must not stop the server)."""
    problems: list[str] = []
    try:
        from prodready.checks import all_rules

        rules = tuple(all_rules())
    except Exception as exc:  # noqa: BLE001 - fall back to loading module by module
        problems.append(f"loading the rule catalogue failed ({type(exc).__name__}: {exc}); loading modules one by one")
        rules = _load_rules_one_by_one(problems)
    if os.environ.get("PRODREADY_TEST_FAULTY_RULE") == "1":
        rules = rules + (_FaultyTestRule,)
    return rules, problems


def _load_rules_one_by_one(problems: list[str]) -> tuple[type[Rule], ...]:
    from prodready.checks import load_rules as load_rule_modules

    def report(module_name: str, exc: BaseException) -> None:
        problems.append(f"rule module {module_name} could not be loaded: {type(exc).__name__}: {exc}")

    return load_rule_modules(on_error=report)
