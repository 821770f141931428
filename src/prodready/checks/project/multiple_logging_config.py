"""PR605: more than one module calls `logging.basicConfig()`."""

from __future__ import annotations

import posixpath

from prodready.checks.project._shared import is_test_path
from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, RelatedLocation, tree

ENTRY_POINTS = frozenset({"main.py", "app.py", "wsgi.py", "asgi.py", "manage.py", "__main__.py", "run.py",
                          "server.py", "cli.py"})


class MultipleLoggingConfig(ProjectRule):
    code = "PR605"
    preview = True
    name = "multiple-logging-config"
    severity = Severity.WARNING
    summary = "Logging is configured with `basicConfig()` in more than one module"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Finds `logging.basicConfig()` calls (in any import form) in more than one module of
    the project, outside `if __name__ == "__main__":` blocks and tests: set-up functions
    (`setup_logging()`, `main()`) of several modules that each configure logging their own
    way. The call in an entry point (`main.py`, `app.py`, `wsgi.py`, `manage.py`, ...) or
    else the first one is kept; every other one is reported, with the related locations
    listed. A call at import time in a library module is PR304's finding, not this rule's.

    ## Why is this bad?
    `basicConfig()` does nothing once the root logger has a handler, so only the module
    imported first decides the format and level; which one that is depends on import
    order, and a refactor silently changes what production logs.

    ## Example
    ```python
    # app.py
    logging.basicConfig(level=logging.INFO)
    # worker.py
    logging.basicConfig(level=logging.DEBUG, format="%(message)s")
    ```

    ## Use instead
    Configure logging once, in the entry point; other modules only call
    `logging.getLogger(__name__)`.

    ## References
    - [logging.basicConfig](https://docs.python.org/3/library/logging.html#logging.basicConfig)
    - [Logging HOWTO: configuring logging for a library](https://docs.python.org/3/howto/logging.html#configuring-logging-for-a-library)
    """
    invalid = [
        tree("two-setup-functions", {
            "svc/app.py": "import logging\n\ndef setup_logging():\n    logging.basicConfig(level=logging.INFO)\n",
            "svc/worker.py": "import logging\n\ndef configure_logging():\n    logging.basicConfig(level=logging.DEBUG, format='%(message)s')\n"}),
        tree("imported-name", {
            "svc/a.py": "from logging import basicConfig\n\ndef main():\n    basicConfig()\n",
            "svc/b.py": "import logging as log\n\ndef setup_logging():\n    log.basicConfig()\n"}),
    ]
    valid = [
        tree("one-module", {"main.py": "import logging\nlogging.basicConfig()\n", "lib.py": "import logging\nlog = logging.getLogger(__name__)\n"}),
        tree("scripts-with-main-guard", {
            "tools/a.py": "import logging\nif __name__ == '__main__':\n    logging.basicConfig()\n",
            "tools/b.py": "import logging\nif __name__ == '__main__':\n    logging.basicConfig()\n"},
             note="Each script configures logging only when run as a program."),
        tree("tests", {"app.py": "import logging\nlogging.basicConfig()\n", "tests/test_app.py": "import logging\nlogging.basicConfig()\n"}),
        tree("import-time-calls-are-pr304s", {
            "svc/a.py": "import logging\nlogging.basicConfig()\n", "svc/b.py": "import logging\nlogging.basicConfig()\n"},
             note="A call at import time in a library module is reported once, by PR304 (logging-basicconfig-in-library)."),
    ]

    def check(self) -> None:
        sites = [(file.path, span) for file, facts in self.project.python_files() if not is_test_path(file.path)
                 for span in facts.logging_configs]
        if len({path for path, _ in sites}) < 2:
            return
        # One mistake, one finding: a call PR304 reports (import time in a library module)
        # is its finding; this rule reports the configurations PR304 accepts.
        claimed = self._claimed_by_pr304({path for path, _ in sites})
        sites = [(p, s) for p, s in sites if not any(s.start < end and start < s.end for start, end in claimed.get(p, ()))]
        if len({path for path, _ in sites}) < 2:
            return
        keep = next((s for s in sites if posixpath.basename(s[0]) in ENTRY_POINTS), sites[0])
        for path, span in sites:
            if (path, span) == keep or path == keep[0]:
                continue
            related = [RelatedLocation(p, s.start, s.end, "logging is also configured here")
                       for p, s in sites if (p, s) != (path, span)]
            self.report_at(path, span.start, span.end,
                           f"Logging is already configured in `{keep[0]}`; configure it once, in the entry point, "
                           "and use `logging.getLogger(__name__)` here.", related=related)

    def _claimed_by_pr304(self, paths: set[str]) -> dict[str, list[tuple[int, int]]]:
        from prodready.api import check_text
        from prodready.checks import get_rule

        rule = get_rule("PR304")
        if rule is None:
            return {}
        claimed: dict[str, list[tuple[int, int]]] = {}
        for path in paths:
            analysis = check_text(self.project.text(path), path, self.config, rules=[rule])
            claimed[path] = [(f.start, f.end) for f in analysis.findings if f.code == rule.code]
        return claimed
