"""The one entry point the CLI, the server and the tests share: text in, findings out."""

from __future__ import annotations

from typing import Optional, Sequence

from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.crossmodule import ProjectResolver
from prodready.core.engine import Analysis, analyze_source
from prodready.core.findings import Finding
from prodready.core.rule import Rule
from prodready.core.source import SourceFile
from prodready.quickfixes.apply import FixRun, fix_text


def check_text(
    text: str,
    path: str = "<stdin>.py",
    config: Optional[Config] = None,
    rules: Optional[Sequence[type[Rule]]] = None,
    project: Optional[ProjectResolver] = None,
) -> Analysis:
    """Findings for ``text`` as the file at ``path``; with ``project`` (a `ProjectResolver`),
    names imported from the project's other modules are resolved too.

    Without ``config``, an explicit ``rules`` list is an exact selection, so preview rules in
    it run (as `--select PR101` turns on that preview rule); the default set leaves them off."""
    return analyze_source(SourceFile(text, path), config or Config.for_rules(rules), rules or all_rules(), project=project)


def fix_source(
    text: str,
    path: str = "<stdin>.py",
    config: Optional[Config] = None,
    *,
    unsafe: bool = False,
    rules: Optional[Sequence[type[Rule]]] = None,
    only_codes: Optional[set[str]] = None,
    project: Optional[ProjectResolver] = None,
) -> FixRun:
    config = config or Config.for_rules(rules)

    def analyze(current: str) -> list[Finding]:
        return check_text(current, path, config, rules, project).findings

    only = (lambda f: f.code in only_codes) if only_codes else None
    return fix_text(text, analyze, unsafe=unsafe, target_version=config.target_version, only=only)
