"""Rule documentation pages, rendered from rule metadata (CLI `rule`, hover, docs/rules/)."""

from __future__ import annotations

import os

from prodready import urls

from prodready.core.rule import Rule, as_example



def rule_slug(rule: type[Rule]) -> str:
    return f"{rule.code}-{rule.name}"


def rule_url(rule: type[Rule]) -> str:
    # Where the generated docs/rules pages are published; PRODREADY_DOCS_URL overrides it
    # (for a fork or a self-hosted copy).
    base = os.environ.get("PRODREADY_DOCS_URL") or urls.rule_docs_base()
    if not base.endswith("/"):
        base += "/"
    return f"{base}{rule_slug(rule)}.md"


_FIX_WORDS = {
    "safe": "a safe fix is available (applied by `--fix` and fix-all)",
    "unsafe": "an unsafe fix is available (offered as a quick fix; `--unsafe-fixes` in batch mode)",
    "sometimes": "a fix is available for some cases (see Fix safety)",
    "none": "no automatic fix",
}


PREVIEW_NOTE = (
    "**Preview**: this rule is off by default because its precision on applications nobody tuned it on "
    "is below 0.9 (see docs/accuracy.md). Turn it on with `preview = true` in `[tool.prodready]`, "
    "`--preview`, or by selecting it by code or name."
)


PRODUCTION_NOTE = (
    "*Production code only*: not reported in tests, scripts, tools, docs, examples, benchmarks, "
    "packaging files, settings templates, dev/CI/test settings or template trees "
    "(see [docs/production-paths.md](../production-paths.md))."
)


def render_markdown(rule: type[Rule]) -> str:
    """The page for one rule: header, metadata line, its docs, and its own examples."""
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"*Severity: {rule.severity.label}. Fix: {_FIX_WORDS.get(rule.fix_availability, rule.fix_availability)}.*",
        "",
        *([PREVIEW_NOTE, ""] if rule.preview else []),
        *([PRODUCTION_NOTE, ""] if getattr(rule, "production_only", False) else []),
        rule.summary.rstrip(".") + ".",
        "",
        rule.doc_markdown(),
        "",
        "## Examples the rule is tested with",
        "",
        "Reported:",
        "",
    ]
    if getattr(rule, "project_rule", False):
        return _render_project_examples(rule, lines)
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
    also = _equivalents_line(rule)
    if also:
        lines[-1:-1] = ["", also]
    return "\n".join(lines)


def _equivalents_line(rule: type[Rule]) -> str:
    """The Ruff/Bandit comments that silence this rule too (core/suppress.py)."""
    codes = rule.equivalent_codes
    if not codes:
        return ""
    bandit = [c for c in codes if c[:1] == "B" and c[1:].isdigit()]
    noqa = [f"`# noqa: {c}`" for c in codes if c not in bandit]  # Ruff's B codes are bugbear's
    nosec = ([f"`# nosec {c}`" for c in bandit] + ["`# nosec`"]) if bandit else []
    return "Also silenced by: " + ", ".join(noqa + nosec) + "."


def _fence(path: str) -> str:
    for suffix, language in ((".py", "python"), (".toml", "toml"), (".yaml", "yaml"), (".yml", "yaml"),
                             (".json", "json"), (".js", "js"), (".jsx", "jsx"), (".ts", "ts"), (".tsx", "tsx"),
                             ("Dockerfile", "dockerfile")):
        if path.endswith(suffix):
            return language
    return "text"


def _render_project_examples(rule: type[Rule], lines: list[str]) -> str:
    """Project rules' examples are small trees: one block per file, under the example's name."""
    def tree(example) -> list[str]:
        out = [f"`{example.code}`:", ""]
        for path, text in example.files.items():
            if path.endswith("/"):
                out += [f"- `{path}` (an empty folder)", ""]
                continue
            out += [f"- `{path}`", "", f"  ```{_fence(path)}", *(f"  {line}".rstrip() for line in text.rstrip("\n").split("\n")), "  ```", ""]
        if example.note:
            out += [f"_{example.note}_", ""]
        return out

    for example in rule.invalid[:6]:
        lines += tree(example)
    lines += ["Not reported:", ""]
    for example in rule.valid[:6]:
        lines += tree(example)
    lines += [
        f"Suppress one occurrence with `# noqa: {rule.code}` on the reported line (in files with `#` comments);",
        f"turn the rule off with `ignore = [\"{rule.name}\"]` in `[tool.prodready]`.",
        "",
    ]
    return "\n".join(lines)


def short_why(rule: type[Rule], limit: int = 320) -> str:
    """The first sentences of the rule's "Why is this bad?" section (or its summary)."""
    text = rule.doc_markdown()
    marker = "## Why is this bad?"
    if marker not in text:
        return rule.summary.rstrip(".") + "."
    body = text.split(marker, 1)[1].split("\n## ", 1)[0].strip()
    paragraph = " ".join(body.split("\n\n", 1)[0].split())
    if len(paragraph) <= limit:
        return paragraph
    sentences, out = paragraph.replace(". ", ".\0").split("\0"), ""
    for sentence in sentences:
        if out and len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def hover_markdown(rule: type[Rule], message: str) -> str:
    """What an editor shows on hover: the finding, a short why and the link to the full page.

    Not the whole page: its examples and fix-safety notes are for reading once, in a browser
    or with `prodready rule`, not in a tooltip over every finding.
    """
    return (f"**{rule.code}** {message}\n\n{short_why(rule)}\n\n"
            f"[{rule.name} ({rule.code})]({rule_url(rule)})")
