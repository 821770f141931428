"""The rule catalogue: one package per family, one module per rule.

A rule lives in ``checks/<family>/<rule_name>.py`` (``checks/resources/connection_per_call.py``
holds ``ConnectionPerCall``); helpers shared inside one family sit beside its rules in modules
whose names start with ``_``. Adding a rule is adding such a module: discovery, the generated
tests (from its examples) and the docs follow from the class.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Callable, Iterator, Optional

from prodready.core.rule import Rule, find_rule


def rule_module_names() -> list[str]:
    """Every rule module's dotted name, in a stable order (family, then module name)."""
    names = []
    for family in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if family.name.startswith("_") or not family.ispkg:
            continue
        package = importlib.import_module(f"{__name__}.{family.name}")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
            if not info.name.startswith("_") and not info.ispkg:
                names.append(f"{package.__name__}.{info.name}")
    return names


def rules_defined_in(module) -> Iterator[type[Rule]]:
    """The rule classes a module defines itself (not the ones it imports)."""
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code \
                and value.__module__ == module.__name__:
            yield value


def load_rules(on_error: Optional[Callable[[str, BaseException], None]] = None) -> tuple[type[Rule], ...]:
    """Import every rule module and collect its rules, ordered by code.

    With ``on_error``, a module that fails to import is reported and skipped (the server keeps
    the other rules); without it the error propagates. Two rules with one code or one name are
    always an error: selectors and suppressions would be ambiguous.
    """
    by_code: dict[str, type[Rule]] = {}
    by_name: dict[str, type[Rule]] = {}
    for module_name in rule_module_names():
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - reported to the caller, who decides
            if on_error is None:
                raise
            on_error(module_name, exc)
            continue
        for rule in rules_defined_in(module):
            for index, key in ((by_code, rule.code), (by_name, rule.name)):
                other = index.get(key)
                if other is not None and other is not rule:
                    raise RuntimeError(f"rule {key!r} is defined by both {other.__module__} and {rule.__module__}")
                index[key] = rule
    return tuple(sorted(by_code.values(), key=lambda r: r.code))


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, ordered by code."""
    return load_rules()


def get_rule(selector: str):
    return find_rule(all_rules(), selector)
