"""PR304 `logging-basicconfig-in-library`: logging.basicConfig() is called by a module that is not an entry point."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.errors._shared import ENTRY_FUNCTIONS, cli_decorated, last_name
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_logger, merge_insertions
from prodready.quickfixes.logging_fix import removal_edit_span


def _only_statement(parents: list, stmt: ast.stmt) -> Optional[bool]:
    """Is ``stmt`` the only statement of its block? None when that is unknown."""
    index = next((i for i in range(len(parents) - 1, -1, -1) if parents[i] is stmt), None)
    if index is None:
        return None
    if index == 0:
        return False  # a module-level statement: the module may become empty
    parent = parents[index - 1]
    for field in ("body", "orelse", "finalbody"):
        items = getattr(parent, field, None)
        if isinstance(items, list) and any(item is stmt for item in items):
            return len(items) == 1
    return None


class LoggingBasicConfigInLibrary(Rule):
    code = "PR304"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    name = "logging-basicconfig-in-library"
    severity = Severity.WARNING
    summary = "logging.basicConfig() is called by a module that is not an entry point"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds `logging.basicConfig()` executed by a module that is not an entry point: at import
    time, or in a function other than an entry-point function.

    Entry points are: code under `if __name__ == "__main__":`; `__main__.py`, `manage.py`,
    `wsgi.py`, `asgi.py`; files matched by the `entrypoints` option (list your
    `[project.scripts]` modules there); scripts (`scripts/`, `bin/`, `tools/`) and tests;
    functions named `main`/`cli`, functions decorated as click/typer commands, and functions
    this module calls from its `if __name__ == "__main__":` block. A module that has such a
    block is run as a script, so its import-time call is the script's own; so is a
    command-line module (one that builds an `argparse.ArgumentParser` or click/typer commands
    at import time). A function whose
    name says it configures logging (`setup_logging()`, `configure_logging()`) is called on
    purpose by the application, and a Django/Flask settings module is the application's
    own configuration: neither is reported.

    ## Why is this bad?
    Only the first `basicConfig()` call in a process has an effect (unless `force=True`).
    A library or application module that calls it at import time decides the log format
    and level for whoever imports it first, and the real entry point's configuration is
    silently ignored; importing the module in a test or a worker changes logging too.

    ## Example
    ```python
    import logging

    logging.basicConfig(level=logging.DEBUG)
    logger = logging.getLogger(__name__)
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    if __name__ == "__main__":
        logging.basicConfig(level=logging.DEBUG)
    ```

    ## Fix safety
    The fix is unsafe: it removes the call, so the process's logging configuration now
    comes from the entry point (or Python's defaults when the entry point sets none). It
    keeps, or adds, a module `logger = logging.getLogger(__name__)`. Moving the call under
    `if __name__ == "__main__":` is the alternative when the module is also run as a
    script.

    ## References
    - [logging.basicConfig](https://docs.python.org/3/library/logging.html#logging.basicConfig)
    - [Configuring logging for a library](https://docs.python.org/3/howto/logging.html#configuring-logging-for-a-library)
    """
    invalid = [
        "import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n",
        "import logging\n\nlogging.basicConfig(level=logging.INFO)\n\n\ndef work():\n    logging.info('working')\n",
        "from logging import basicConfig, INFO\nbasicConfig(level=INFO)\n",
        "import logging as log\n\ndef get_items():\n    log.basicConfig(level=log.DEBUG)\n    return []\n",
        "import logging\n\nclass Service:\n    logging.basicConfig()\n",
    ]
    valid = [
        Example("import logging\n\nif __name__ == '__main__':\n    logging.basicConfig(level=logging.INFO)\n", note="main guard"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="myapp/__main__.py"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="manage.py"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="myapp/cli.py", options={"entrypoints": ["myapp/cli.py"]}, note="configured entry point"),
        Example("import logging\nlogging.basicConfig(level=logging.INFO)\n", path="scripts/backfill.py", note="script"),
        Example("import logging\n\ndef main():\n    logging.basicConfig(level=logging.INFO)\n", note="entry-point function"),
        Example("import logging\n\ndef start():\n    logging.basicConfig(level=logging.INFO)\n\nif __name__ == '__main__':\n    start()\n", note="called from the main guard"),
        Example("import click\nimport logging\n\n@click.command()\ndef sync():\n    logging.basicConfig(level=logging.INFO)\n", note="click command"),
        Example("import logging\n\ndef setup_logging():\n    logging.basicConfig(level=logging.INFO)\n", note="a function that exists to configure logging"),
        "import mylib\nmylib.basicConfig()\n",
        Example("import logging\nlogging.basicConfig(level=logging.DEBUG, format='%(message)s')\n", path="core/settings/base.py",
                note="the application's settings module (Label Studio)"),
        Example("import logging\n\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger(__name__)\n\ndef main():\n    serve()\n\nif __name__ == '__main__':\n    main()\n",
                note="a module run as a script (Superset's MCP proxy)"),
        Example("import argparse\nimport logging\n\nlogging.basicConfig(level=logging.INFO)\nparser = argparse.ArgumentParser()\nparser.add_argument('--model-uri')\nargs = parser.parse_args()\n",
                note="a module that parses its command line at import: a script (mlflow's stdin server)"),
        Example("import logging\nimport click\n\nlogging.basicConfig(level=logging.INFO)\n\n@click.group()\ndef cli():\n    pass\n",
                note="a click program (chainlit's CLI)"),
    ]
    unsafe_fixed = {
        invalid[0]: "import logging\n\nlogger = logging.getLogger(__name__)\n",
        invalid[1]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef work():\n    logging.info('working')\n",
        invalid[3]: "import logging as log\n\nlogger = log.getLogger(__name__)\n\ndef get_items():\n    return []\n",
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if ctx.in_main_guard:
            self.fact("main-guard")
            if isinstance(func, ast.Name):
                self.fact("main-call", func.id)
            return
        last = last_name(func)
        if not ctx.functions and last in ("ArgumentParser", "command", "group", "Typer"):
            qualified = ctx.call_name(node) or ""
            if qualified == "argparse.ArgumentParser" or qualified.startswith(("click.", "typer.")):
                self.fact("cli")  # a command-line program: its import-time configuration is its own
            return
        if last != "basicConfig":
            return
        if ctx.call_name(node) != "logging.basicConfig":
            return
        file = ctx.file
        if ctx.in_main_guard or file.is_entrypoint or file.is_script or file.is_settings:  # tests/tooling: production_only
            return
        # A module with an `if __name__ == "__main__":` block is a script: its import-time
        # configuration is the script's own (a fact, since the guard may be another block).
        condition = lambda facts: not self.has_fact(facts, "main-guard") and not self.has_fact(facts, "cli")  # noqa: E731
        if ctx.functions:
            for frame in ctx.functions:
                func_node = frame.node
                if isinstance(func_node, ast.Lambda):
                    continue
                lowered = func_node.name.lower()
                if func_node.name in ENTRY_FUNCTIONS or "logging" in lowered or "logger" in lowered or cli_decorated(func_node, ctx):
                    return
            outer = ctx.functions[0]
            if outer.class_node is None and not isinstance(outer.node, ast.Lambda):
                outer_name = outer.node.name
                condition = lambda facts, name=outer_name: not self.has_fact(facts, "main-call", name) and not self.has_fact(facts, "main-guard") and not self.has_fact(facts, "cli")  # noqa: E731
        fixes = []
        stmt = ctx.parent if isinstance(ctx.parent, ast.Expr) else None
        if stmt is not None:
            only = _only_statement(ctx.parents, stmt)
            span = removal_edit_span(ctx.source, stmt, only) if only is not None else None
            if span is not None:
                start, end, replacement = span

                def build(fc: FixContext, start=start, end=end, replacement=replacement):
                    edits = [Edit(fc.at(start), fc.at(end), replacement)]
                    logger_edits, _ = ensure_logger(fc.text)
                    return merge_insertions([*logger_edits, *edits])

                fixes.append(fix("Remove `logging.basicConfig()` (configure logging in the entry point)", build, safe=False))
        self.report(node, "Configure logging in the entry point (under `if __name__ == \"__main__\":`), not in an importable module", fixes=fixes, condition=condition)
