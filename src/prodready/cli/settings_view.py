"""`check --show-settings PATH`: the configuration that applies to one file, resolved.

After `extend`, command-line overrides and per-file-ignores, it is not always obvious which
rules run on a file; this prints every setting with the file it came from, and the rules
enabled for that path, in TOML-like lines a user can paste back into `[tool.prodready]`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

from prodready.core.config import RULE_OPTIONS, Config, _glob_match
from prodready.core.selectors import SYNTAX_ERROR, syntax_error_enabled


def _value(value) -> str:
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def show_settings(config: Config, path: Optional[Path], rules: Sequence) -> str:
    target = str(path) if path is not None else None
    select = _value(config.select) if config.select is not None else '["ALL"]  # default'
    baseline = _value(config.baseline) if config.baseline else '""  # none'
    lines = [
        f"# Resolved settings for {target or '.'}",
        f"# configuration file: {config.source or '(none: defaults)'}",
        f"# project root: {config.root or '(none)'}",
        "[tool.prodready]",
        f"select = {select}",
        f"ignore = {_value(config.ignore)}",
        f"extend-select = {_value(config.extend_select)}",
        f"exclude = {_value(config.exclude)}",
        f"extend-exclude = {_value(config.extend_exclude)}",
        f"target-version = \"py{config.target_version[0]}{config.target_version[1]}\"",
        f"respect-gitignore = {'true' if config.respect_gitignore else 'false'}",
        f"baseline = {baseline}",
    ]
    for key in sorted({*RULE_OPTIONS, *(k for k, _ in config.options)}):
        lines.append(f"{key} = {_value(config.option(key))}")
    lines.append("")
    lines.append("[tool.prodready.per-file-ignores]")
    rel = config.relative_path(target) if target else None
    for glob, codes in config.per_file_ignores:
        applies = "  # applies to this file" if rel is not None and _glob_match(rel, glob) else ""
        lines.append(f"{_value(glob)} = {_value(codes)}{applies}")
    lines.append("")
    lines.append("[tool.prodready.severity]")
    for selector, level in config.severity:
        lines.append(f"{_value(selector)} = \"{level.label}\"")
    lines.append("")
    is_file = path is not None and Path(path).is_file()
    enabled = [r for r in rules if config.rule_enabled(r, target if is_file else None)]
    extra = [SYNTAX_ERROR] if syntax_error_enabled(config, target if is_file else None) else []
    where = "this file" if is_file else "files here (before per-file-ignores)"
    lines.append(f"# Rules enabled for {where}: {len(enabled)} of {len(rules)}")
    for rule in enabled:
        level = config.severity_for(rule, rule.severity)
        lines.append(f"#   {rule.code} {rule.name} ({level.label if level else rule.severity.label})")
    for name in extra:
        lines.append(f"#   {name}")
    return "\n".join(lines) + "\n"
