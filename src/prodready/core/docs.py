"""Rule documentation pages, rendered from rule metadata (CLI `rule`, hover, docs/rules/)."""

from __future__ import annotations

import os

from prodready import urls

from prodready.core.rule import Rule, as_example

# Where the generated docs/rules pages are published; PRODREADY_DOCS_URL overrides it
# (for a fork or a self-hosted copy).
DOCS_BASE_URL = urls.rule_docs_base()


def rule_slug(rule: type[Rule]) -> str:
    return f"{rule.code}-{rule.name}"


def rule_url(rule: type[Rule]) -> str:
    base = os.environ.get("PRODREADY_DOCS_URL", DOCS_BASE_URL)
    if not base.endswith("/"):
        base += "/"
    return f"{base}{rule_slug(rule)}.md"


_FIX_WORDS = {
    "safe": "a safe fix is available (applied by `--fix` and fix-all)",
    "unsafe": "an unsafe fix is available (offered as a quick fix; `--unsafe-fixes` in batch mode)",
    "sometimes": "a fix is available for some cases (see Fix safety)",
    "none": "no automatic fix",
}


def render_markdown(rule: type[Rule]) -> str:
    """The page for one rule: header, metadata line, its docs, and its own examples."""
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"*Severity: {rule.severity.label}. Fix: {_FIX_WORDS.get(rule.fix_availability, rule.fix_availability)}.*",
        "",
        rule.summary.rstrip(".") + ".",
        "",
        rule.doc_markdown(),
        "",
        "## Examples the rule is tested with",
        "",
        "Reported:",
        "",
    ]
    for example in rule.invalid[:6]:
        ex = as_example(example)
        where = f" (as `{ex.path}`)" if ex.path != "app/module.py" else ""
        lines += [f"```python{'' if not where else ''}", ex.code.rstrip("\n"), "```", *( [f"_checked as `{ex.path}`_", ""] if where else [""])]
    lines += ["Not reported:", ""]
    for example in rule.valid[:6]:
        ex = as_example(example)
        note = f"_{ex.note}_" if ex.note else ""
        lines += ["```python", ex.code.rstrip("\n"), "```"]
        if note:
            lines.append(note)
        if ex.path != "app/module.py":
            lines.append(f"_checked as `{ex.path}`_")
        lines.append("")
    lines += [
        f"Suppress one occurrence with `# noqa: {rule.code}` or `# prodready: ignore[{rule.name}]`;",
        f"turn the rule off with `ignore = [\"{rule.name}\"]` in `[tool.prodready]`.",
        "",
    ]
    return "\n".join(lines)
