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
    name = "multiple-logging-config"
    severity = Severity.WARNING
    summary = "Logging is configured with `basicConfig()` in more than one module"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Finds `logging.basicConfig()` calls (in any import form) in more than one module of
    the project, outside `if __name__ == "__main__":` blocks and tests. The call in an
    entry point (`main.py`, `app.py`, `wsgi.py`, `manage.py`, ...) or else the first one is
    kept; every other one is reported, with the related locations listed.

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
        tree("two-modules", {
            "app.py": "import logging\nlogging.basicConfig(level=logging.INFO)\n",
            "worker.py": "import logging\nlogging.basicConfig(level=logging.DEBUG)\n"}),
        tree("imported-name", {
            "svc/a.py": "from logging import basicConfig\nbasicConfig()\n",
            "svc/b.py": "import logging as log\ndef setup():\n    log.basicConfig()\n"}),
    ]
    valid = [
        tree("one-module", {"main.py": "import logging\nlogging.basicConfig()\n", "lib.py": "import logging\nlog = logging.getLogger(__name__)\n"}),
        tree("scripts-with-main-guard", {
            "tools/a.py": "import logging\nif __name__ == '__main__':\n    logging.basicConfig()\n",
            "tools/b.py": "import logging\nif __name__ == '__main__':\n    logging.basicConfig()\n"},
             note="Each script configures logging only when run as a program."),
        tree("tests", {"app.py": "import logging\nlogging.basicConfig()\n", "tests/test_app.py": "import logging\nlogging.basicConfig()\n"}),
    ]

    def check(self) -> None:
        sites = [(file.path, span) for file, facts in self.project.python_files() if not is_test_path(file.path)
                 for span in facts.logging_configs]
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
