"""PR205 (hardcoded-localhost-url) in JavaScript/TypeScript files, with the bundler's idiom.

The Python rule (checks/config_rules.py) checks `.py` files; this project-rule extension
checks `.js/.jsx/.ts/.tsx` files through the project model (tree-sitter parsed, see
core/project/scripts.py) and reports under the same code and name, so selection,
suppression and severity settings of PR205 apply to both.
"""

from __future__ import annotations

import re

from prodready.checks.project._shared import is_test_path, nearest_ancestor
from prodready.core.findings import Edit, Severity
from prodready.core.project import kinds
from prodready.core.project.frontend import BUNDLERS
from prodready.core.project.rule import PROJECT_EXTENSIONS, ProjectRule, file_fix


def env_name(assigned: str) -> str:
    """`API_BASE`/`apiBase`/`api-base` -> `API_BASE`; "" when nothing names the value."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", assigned)
    return re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").upper()


def env_lookup(bundler: str, name: str) -> str:
    reader, prefix, _port = BUNDLERS.get(bundler, ("process.env.", "", 0))
    return f"{reader}{prefix}{name}"


class HardcodedLocalhostUrlScript(ProjectRule):
    code = "PR205"
    preview = True
    name = "hardcoded-localhost-url"
    severity = Severity.WARNING
    summary = "A URL to localhost is hardcoded in a JS/TS frontend"
    fix_availability = "safe"
    inputs = frozenset({kinds.SCRIPT, kinds.PACKAGE_JSON})

    def check(self) -> None:
        packages = [f.path for f in self.project.of_kind(kinds.PACKAGE_JSON)]
        for file in self.project.of_kind(kinds.SCRIPT):
            if is_test_path(file.path) or ".test." in file.path or ".spec." in file.path:
                continue
            package = nearest_ancestor(file.path, packages)
            bundler = self.project.facts(self.project.files[package]).bundler if package else ""
            for url in self.project.facts(file).urls:
                if url.env_fallback:
                    continue
                name = env_name(url.name)
                fixes = []
                if not url.template:
                    specific = bool(name)
                    lookup = env_lookup(bundler, name or "API_URL")
                    literal = file.text[url.start:url.end]
                    fixes.append(file_fix(f"Read it from `{lookup}` (the literal stays the fallback)",
                                          self._fix(url.start, url.end, f"({lookup} || {literal})"), safe=specific))
                where = f"`{env_lookup(bundler, name or 'API_URL')}`"
                self.report_at(file.path, url.start, url.end,
                               f"`{url.url}` only works on a developer's machine; read it from {where} at build time.",
                               fixes=fixes)

    @staticmethod
    def _fix(start: int, end: int, replacement: str):
        def build(ctx):
            if ctx.text[start:end].startswith(("'", '"')):
                return [Edit(start, end, replacement)]
            return None
        return build


PROJECT_EXTENSIONS["PR205"] = HardcodedLocalhostUrlScript
