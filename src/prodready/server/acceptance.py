"""What of an analysis the editor shows: findings a baseline accepts and ignored syntax
errors are dropped, as `prodready check` drops them, so the editor and CI agree.

A missing or broken baseline file is reported once (``warn``) and then everything is shown.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from prodready.core import selectors
from prodready.core.baseline import load_cached, not_accepted
from prodready.core.config import Config, ConfigError
from prodready.core.incremental import DocumentAnalysis


def shown(analysis: DocumentAnalysis, config: Config, path: str, warn: Callable[[str], None]) -> DocumentAnalysis:
    findings, problems = analysis.findings, analysis.problems
    if config.baseline and findings:
        try:
            baseline = load_cached(config.baseline)
        except ConfigError as exc:
            warn(f"prodready: {exc}; showing every finding")
        else:
            findings = not_accepted(findings, analysis.source, path, baseline)
    if problems and not selectors.syntax_error_enabled(config, path):
        problems = []
    if findings is analysis.findings and problems is analysis.problems:
        return analysis
    return dataclasses.replace(analysis, findings=list(findings), problems=list(problems))
