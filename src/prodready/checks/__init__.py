"""The rule catalogue: one module per family; every `Rule` subclass in them is registered.

Adding a rule is adding a class to a family module: discovery, tests (from its examples)
and docs follow from that.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from prodready.core.rule import Rule, find_rule


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, ordered by code."""
    found: dict[str, type[Rule]] = {}
    for module_info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        if module_info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code:
                if value.__module__ != module.__name__:
                    continue
                other = found.get(value.code)
                if other is not None and other is not value:
                    raise RuntimeError(f"rule code {value.code} used by {other.__name__} and {value.__name__}")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda r: r.code))


def get_rule(selector: str):
    return find_rule(all_rules(), selector)
