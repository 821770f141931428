"""The Rule base class: one small class per rule, metadata, docs, examples and checks together.

A rule declares ``visit_<NodeType>(self, node, ctx)`` / ``leave_<NodeType>(self, node, ctx)``
methods for the `ast` node types it cares about; the engine builds a dispatch table once and
walks each tree once for all rules. A rule reports with ``self.report(node, message, ...)``.

Examples drive the tests: every string in ``invalid`` must produce a finding of this rule,
every string in ``valid`` must not, and ``fixed``/``unsafe_fixed`` map an invalid example to
the text after applying its safe/unsafe fix. An example can be an `Example` to set the file
path it is checked as (``settings/dev.py``) or the configuration it runs with.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Optional, Union

from prodready.core.findings import Applicability, FixBuilder, FixOffer, Severity

if TYPE_CHECKING:
    from prodready.core.context import Context


@dataclass(frozen=True)
class Example:
    """A rule example with the path it is checked as and optional config options."""

    code: str
    path: str = "app/module.py"
    options: dict = field(default_factory=dict)
    note: str = ""  # why this example is here (shown in generated docs for valid ones)

    def __str__(self) -> str:
        return self.code


ExampleLike = Union[str, Example]


def as_example(example: ExampleLike) -> Example:
    return example if isinstance(example, Example) else Example(example)


def fix(title: str, build: FixBuilder, *, safe: bool = True) -> FixOffer:
    """Describe a fix now; ``build`` computes its edits only when someone asks for them."""
    return FixOffer(title, Applicability.SAFE if safe else Applicability.UNSAFE, build)


class Rule:
    """Base class of every rule. Subclasses set the metadata and define visitors."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    summary: ClassVar[str] = ""
    # Markdown with the sections users know from Ruff's rule pages:
    # What it does / Why is this bad? / Example / Use instead / Fix safety / References
    docs: ClassVar[str] = ""
    # "safe", "unsafe", "sometimes" (depends on the case) or "none"
    fix_availability: ClassVar[str] = "none"
    invalid: ClassVar[list[ExampleLike]] = []
    valid: ClassVar[list[ExampleLike]] = []
    fixed: ClassVar[dict[str, str]] = {}
    unsafe_fixed: ClassVar[dict[str, str]] = {}
    tags: ClassVar[tuple[str, ...]] = ()
    # Ruff/Bandit codes for the same mistake: `# noqa: S105` / `# nosec B105` silence this rule
    # too (core/suppress.py), so code already annotated for those tools needs no new comment.
    equivalent_codes: ClassVar[tuple[str, ...]] = ()
    # A preview rule is available but off by default: its precision on code nobody tuned on is
    # below the bar (docs/accuracy.md). `preview = true` (or `--preview`) turns preview rules on;
    # selecting one by its exact code or name turns on that one.
    preview: ClassVar[bool] = False
    # A production-only rule is about deployed behaviour: it stays quiet on files that are not
    # a production code path (tests, scripts, docs, examples, dev settings...: core/production.py).
    production_only: ClassVar[bool] = False

    def __init__(self, ctx: "Context") -> None:
        self.ctx = ctx

    # -- reporting --------------------------------------------------------------------------
    def report(
        self,
        node: Union[ast.AST, tuple[int, int]],
        message: str,
        *,
        fixes: Iterable[FixOffer] = (),
        severity: Optional[Severity] = None,
        condition: Optional[Callable[[frozenset], bool]] = None,
        tags: tuple[str, ...] = (),
    ) -> None:
        """Report a finding at ``node`` (or a (start, end) character range).

        ``condition``: the finding is kept only if it holds for the facts of the whole
        module (see `fact`), which lets a rule decide across top-level blocks.
        """
        self.ctx.add_finding(self, node, message, tuple(fixes), severity, condition, tags or self.tags)

    def fact(self, *key: Any) -> None:
        """Record a module-wide fact that `report(condition=...)` predicates can test."""
        self.ctx.facts.add((self.code, *key))

    def has_fact(self, facts: frozenset, *key: Any) -> bool:
        return (self.code, *key) in facts

    def finish(self, ctx: "Context") -> None:
        """Called once after the walk (per block in the server, per file in the CLI)."""

    # -- metadata helpers -------------------------------------------------------------------
    @classmethod
    def doc_markdown(cls) -> str:
        return textwrap.dedent(cls.docs).strip()

    @classmethod
    def handlers(cls) -> dict[str, tuple[str, ...]]:
        """Node type name -> ("visit"|"leave", ...) for the methods this class defines."""
        table: dict[str, tuple[str, ...]] = {}
        for attr in dir(cls):
            for prefix in ("visit_", "leave_"):
                if attr.startswith(prefix) and callable(getattr(cls, attr)):
                    node_type = attr[len(prefix):]
                    table[node_type] = table.get(node_type, ()) + (prefix[:-1],)
        return table

    @classmethod
    def option(cls, ctx: "Context", key: str, default: Any) -> Any:
        return ctx.config.option(key, default)


def find_rule(rules: Iterable[type[Rule]], selector: str) -> Optional[type[Rule]]:
    """Find a rule by code (case-insensitive) or name."""
    key = selector.strip()
    for rule in rules:
        if rule.code.lower() == key.lower() or rule.name == key.lower():
            return rule
    return None
