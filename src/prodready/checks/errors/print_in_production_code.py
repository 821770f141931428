"""PR305 `print-in-production-code`: print() in application code instead of logging."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.checks.errors._shared import ENTRY_FUNCTIONS, cli_decorated, last_name
from prodready.core.astutil import keyword_value
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ModuleImports, ensure_logger, merge_insertions
from prodready.quickfixes.logging_fix import print_call_arguments

_CLI_MODULES = ("argparse", "click", "typer", "fire", "docopt", "optparse", "getopt", "cleo", "cement", "plac", "invoke",
                "getpass", "colorama", "termcolor", "curses", "rich", "prompt_toolkit", "questionary", "blessed")
# Prints under these conditions are deliberate output (``if verbosity >= 2:``, ``if debug:``).
_OUTPUT_GATES = ("verbos", "debug", "print", "quiet", "silent", "interactive", "echo", "progress")
# Words of a function name that say it prints: print_report(), _dump_state(), show_banner().
_OUTPUT_FUNCTIONS = frozenset({"print", "prints", "pprint", "dump", "dumps", "banner", "echo"})
_OUTPUT_CLASSES = ("stdout", "console", "terminal", "printer")
CONSOLE_PRINTS = 5  # a function with this many prints is a console/report routine
_LOGGING_SETUP = frozenset({"basicConfig", "dictConfig", "fileConfig", "setup_logging_subsystem"})
# Modules that import terminal helpers (``from myapp.utils import term``) write to a console.
_CONSOLE_MODULE_PARTS = frozenset({"term", "terminal", "console", "tty", "cli"})


_PRINT_SUPPRESSION = re.compile(r"#\s*noqa:[^#]*\bT20[13]?\b", re.IGNORECASE)
_FILE_PRINT_SUPPRESSION = re.compile(r"^#\s*(?:ruff|flake8)\s*:\s*noqa(?:\s*$|:[^\n]*\bT20[13]?\b)", re.IGNORECASE | re.MULTILINE)
_EXIT_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit"})


def _before_exit(ctx) -> bool:
    """Is the print followed, in its block, by ``raise SystemExit(...)`` / ``sys.exit(...)``?"""
    statement = None
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.stmt):
            if statement is None:
                statement = parent
                continue
            for field in ("body", "orelse", "finalbody"):
                block = getattr(parent, field, None)
                if isinstance(block, list) and statement in block:
                    return any(_exits(later, ctx) for later in block[block.index(statement) + 1:])
            return False
        if isinstance(parent, ast.ExceptHandler) and statement is not None and statement in parent.body:
            return any(_exits(later, ctx) for later in parent.body[parent.body.index(statement) + 1:])
    return False


def _exits(stmt: ast.stmt, ctx) -> bool:
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return ctx.resolve(exc) in ("SystemExit", "builtins.SystemExit")
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return (ctx.resolve(stmt.value.func) or "") in _EXIT_CALLS
    return False


def _gated_output(ctx) -> bool:
    for node in ctx.parents:
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            for sub in ast.walk(node.test):
                word = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else None
                if word is not None and any(g in word.lower() for g in _OUTPUT_GATES):
                    return True
    return False


class PrintInProductionCode(Rule):
    code = "PR305"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    equivalent_codes = ("T201",)
    name = "print-in-production-code"
    severity = Severity.INFORMATION
    summary = "print() in application code instead of logging"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds `print()` calls in application modules. Not reported in tests, scripts
    (`scripts/`, `bin/`, `tools/`, `setup.py`, `docs/conf.py`, notebooks), entry points
    (`__main__.py`, `manage.py`, code under `if __name__ == "__main__":`), Django management
    commands (`management/commands/`), command-line modules (modules that import
    `argparse`, `click`, `typer`, `fire`, `docopt`...; their output *is* the interface),
    click/typer commands, and output that is deliberate:
    - `print(..., file=f)` writing to a file other than stdout/stderr;
    - prints under a verbosity or debug switch (`if verbosity >= 2:`, `if self.verbose:`,
      `if app.debug:`);
    - functions whose name says they print or debug (`print_report()`, `_dump_state()`,
      `show_banner()`, `_debug_schema()`), console/report routines (five or more prints in one function that is not a request handler,
      socket callback or task: a task's print banner is service output),
      functions that configure logging (a program's entry point), and classes named for
      the console (`StdOutEventLogger`, `ConsoleReporter`);
    - modules that import terminal helpers (`colorama`, `rich`, `curses`, `getpass`,
      `myapp.utils.term`, `...cli`) or `invoke`;
    - `print()` with no arguments (a blank console line), a fatal console message right
      before `raise SystemExit(...)`/`sys.exit(...)`, modules with an
      `if __name__ == "__main__":` block and no request handlers (scripts), and prints already reviewed for
      flake8-print/Ruff's `T201` (`# noqa: T201`, a file-wide `# ruff: noqa: T201`).

    ## Why is this bad?
    In a service, stdout is not a log: `print` output has no level, timestamp or logger
    name, cannot be filtered or routed, is block-buffered under gunicorn/uwsgi/Docker (it
    shows up late, or is lost when the worker dies), and mixes with the server's own
    output.

    ## Example
    ```python
    def sync(orders):
        print("Syncing", len(orders), "orders")
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)


    def sync(orders):
        logger.info("Syncing %s orders", len(orders))
    ```

    ## Fix safety
    The fix is unsafe: output moves from stdout to the logging configuration (and is not
    shown at all if INFO is disabled). It converts `print(a, b)` to
    `logger.info("%s %s", a, b)`, folding string literals and simple f-strings into the
    format string (`print(f"user {uid}")` -> `logger.info("user %s", uid)`); an f-string
    with a format spec (`{x:.2f}`) is kept whole as one argument so the text stays
    identical. `print("a %s b %s" % (x, y))` becomes `logger.info("a %s b %s", x, y)`
    (same formatting, done lazily); with anything but a literal tuple on the right the
    formatted string is passed as one argument. A lone string literal is kept as it is (`logging` does not %-format a
    message without arguments), and `%` is escaped as `%%` when arguments follow.
    `file=sys.stderr` becomes `logger.warning`; a literal `sep=` is honoured; `end=` and
    `flush=` are dropped. `import logging` and `logger = logging.getLogger(__name__)` are
    added when the module has no logger; an existing module logger is reused (a loguru
    logger gets `{}` placeholders). `print()` with no arguments, `*args` or a computed
    `sep` are reported without a fix.

    ## References
    - [Logging HOWTO: when to use logging](https://docs.python.org/3/howto/logging.html#when-to-use-logging)
    """
    invalid = [
        "def sync(orders):\n    print('Syncing', len(orders), 'orders')\n",
        "import logging\n\nlogger = logging.getLogger(__name__)\n\ndef f(a, b):\n    print(a, b)\n",
        "import sys\n\ndef f(err):\n    print('failed:', err, file=sys.stderr)\n",
        "def f(user):\n    print(f'user {user.id!r} logged in at 100%')\n",
        "def f():\n    print('100% done')\n",
        "def f(x):\n    print(f'value {x:.2f}')\n",
        "def f(a, b):\n    print(a, b, sep=', ', end='', flush=True)\n",
        "from loguru import logger\n\ndef f(a):\n    print('got', a)\n",
        "def f(items):\n    print(*items)\n",
        "print('loading model')\n",
        "def compute_fingerprint(data):\n    print('hashing', len(data))\n",
        "def f(perm, app):\n    print('Adding %s to %s' % (perm, app))\n",
        Example("from flask import Flask\napp = Flask(__name__)\n\n@app.route('/orders', methods=['POST'])\ndef create():\n    print('created order')\n    return 'ok'\n\nif __name__ == '__main__':\n    app.run()\n",
                note="a service module with a development-server guard is not a script"),
        Example("from celery import shared_task\n\n@shared_task\ndef nightly_sync():\n    print('=' * 40)\n"
                "    print('nightly sync starting')\n    print('orders')\n    print('invoices')\n    print('done')\n",
                note="a task's print banner: many prints in a task or handler are still service output"),
    ]
    valid = [
        Example("if __name__ == '__main__':\n    print('hello')\n", note="main guard"),
        Example("print('hello')\n", path="myapp/__main__.py"),
        Example("def test_x():\n    print('debug')\n", path="tests/test_x.py"),
        Example("def report(rows):\n    for row in rows:\n        print(row)\n", path="scripts/export_users.py",
                note="scripts are tooling: stdout is their output"),
        Example("print('hello')\n", path="scripts/seed.py"),
        Example("print('hello')\n", path="setup.py"),
        Example("print('hello')\n", path="docs/conf.py"),
        Example("from django.core.management.base import BaseCommand\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        print('done')\n", path="shop/management/commands/seed.py"),
        Example("import argparse\n\ndef run():\n    parser = argparse.ArgumentParser()\n    print(parser.parse_args())\n", note="a command-line module"),
        Example("def f(path, text):\n    with open(path, 'w') as out:\n        print(text, file=out)\n", note="writing to a file"),
        Example("def print_report(rows):\n    for row in rows:\n        print(row)\n", note="a function that exists to print"),
        Example("class Schema:\n    @staticmethod\n    def _debug_schema(schema):\n        for k, v in schema.fields.items():\n            print(k, v)\n", note="a debug helper (Flask-AppBuilder)"),
        "def print(*args):\n    pass\n\nprint('x')\n",
        "import logging\nlogger = logging.getLogger(__name__)\nlogger.info('x')\n",
        Example("def create_permissions(app, verbosity=2):\n    for perm in missing(app):\n        if verbosity >= 2:\n            print(\"Adding permission '%s'\" % perm)\n", note="verbosity-gated output (Django)"),
        Example("class State:\n    def _dump_option_struct(self):\n        print(self.attributes)\n", note="a dump/debug helper (SQLAlchemy)"),
        Example("class StdOutEventLogger:\n    def log(self, data):\n        print('event:', data)\n", note="a class that writes to stdout on purpose (Superset)"),
        Example("from myapp.utils import term\n\ndef purge(count):\n    print(term.colored(f'Erased {count} messages'))\n", note="a console module (Celery's worker program)"),
        Example("def ogrinfo(source):\n    for layer in source:\n        print('layer', layer)\n        print('type', layer.type)\n        print('count', len(layer))\n        print('srs', layer.srs)\n        print('extent', layer.extent)\n", note="a report routine made of prints (Django's ogrinfo)"),
        Example("def evcam(camera, loglevel=0, logfile=None):\n    app.log.setup_logging_subsystem(loglevel, logfile)\n    print(f'-> evcam: Taking snapshots with {camera}')\n", note="a function that configures logging is a program's entry point (Celery)"),
        Example("def archive(links):\n    try:\n        run(links)\n    except BaseException:\n        print()\n        raise\n", note="a blank console line (archivebox)"),
        Example("def atomic_write(path, data):\n    try:\n        write(path, data)\n    except OSError as e:\n        print(f'[X] Failed to write {path} ({e})')\n        print('    The data folder must support FSYNC.')\n        raise SystemExit(1)\n",
                note="a fatal console message before the program exits (archivebox)"),
        Example("import json\n\ndef main():\n    pass\n\ndef hook():\n    print(json.dumps({'continue': True}))  # noqa: T201\n",
                note="reviewed for Ruff's T201: stdout is the hook protocol (mlflow)"),
        Example("# ruff: noqa: T201\ndef _log(progress, msg):\n    if progress:\n        print(msg)\n", note="a file-wide T201 exemption (mlflow)"),
        Example("from invoke import task\n\n@task\ndef bootstrap(context):\n    print('*** Creating database')\n", path="wger/tasks.py", note="invoke tasks (wger)"),
        Example("import sys\n\ndef execute(args):\n    print('WARNING: failed')\n\nif __name__ == '__main__':\n    execute(sys.argv)\n",
                note="a module run as a script (pgadmin's process executor)"),
    ]
    unsafe_fixed = {
        invalid[0]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef sync(orders):\n    logger.info(\"Syncing %s orders\", len(orders))\n",
        invalid[1]: "import logging\n\nlogger = logging.getLogger(__name__)\n\ndef f(a, b):\n    logger.info(\"%s %s\", a, b)\n",
        invalid[2]: "import sys\nimport logging\n\nlogger = logging.getLogger(__name__)\n\ndef f(err):\n    logger.warning(\"failed: %s\", err)\n",
        invalid[3]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(user):\n    logger.info(\"user %r logged in at 100%%\", user.id)\n",
        invalid[4]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f():\n    logger.info('100% done')\n",
        invalid[5]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(x):\n    logger.info(\"%s\", f'value {x:.2f}')\n",
        invalid[6]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(a, b):\n    logger.info(\"%s, %s\", a, b)\n",
        invalid[7]: "from loguru import logger\n\ndef f(a):\n    logger.info(\"got {}\", a)\n",
        invalid[11]: "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef f(perm, app):\n    logger.info('Adding %s to %s', perm, app)\n",
    }

    _cli: Optional[bool] = None
    _print_counts: Optional[dict] = None

    def _console_function(self, ctx) -> bool:
        """A function made of prints (a report or console routine) prints on purpose."""
        frame = ctx.current_function
        if frame is None or ctx.handler is not None:
            return False  # a request handler, socket callback or task is service code, whatever it prints
        if self._print_counts is None:
            self._print_counts = {}
        console = self._print_counts.get(id(frame.node))
        if console is None:
            prints = 0
            console = False
            for n in ast.walk(frame.node):
                if isinstance(n, ast.Call):
                    last = last_name(n.func) or ""
                    if last == "print" and isinstance(n.func, ast.Name):
                        prints += 1
                    elif last in _LOGGING_SETUP or last.startswith(("setup_logging", "configure_logging")):
                        console = True  # only a program's entry point configures logging
            console = console or prints >= CONSOLE_PRINTS
            self._print_counts[id(frame.node)] = console
        return console

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if ctx.in_main_guard:
            self.fact("main-guard")
            return
        if ctx.functions and ctx.functions[-1].handler:
            self.fact("handler")  # a service module (`app.run()` under the guard is a dev server)
        func = node.func
        if not isinstance(func, ast.Name) or func.id != "print":
            return
        if ctx.resolve(func) not in ("print", "builtins.print"):
            return
        if not node.args and not node.keywords:
            return  # `print()`: a blank line on a console, nothing to log
        file = ctx.file
        if not file.is_application_code or file.is_entrypoint:
            return
        line = ctx.source.line_text(node.lineno - 1)
        if "#" in line and _PRINT_SUPPRESSION.search(line) or self._file_allows_print(ctx):
            return  # `# noqa: T201`: reviewed for flake8-print / Ruff's T201 already
        if _before_exit(ctx):
            return  # a fatal message on the console right before `raise SystemExit(1)`
        path = file.path
        if "/management/commands/" in path or path.startswith("management/commands/"):
            return
        if self._cli is None:
            self._cli = ctx.module.derived("print-in-production-code:console-module", _imports_console_module)
        if self._cli:
            return
        for frame in ctx.functions:
            func_node = frame.node
            if isinstance(func_node, ast.Lambda):
                continue
            lowered = func_node.name.lower()
            words = lowered.strip("_").split("_")
            if (not _OUTPUT_FUNCTIONS.isdisjoint(words) or words[0] == "debug" or lowered in ("show", "display")
                    or func_node.name in ENTRY_FUNCTIONS or cli_decorated(func_node, ctx)):
                return
        if any(word in cls.name.lower() for cls in ctx.classes for word in _OUTPUT_CLASSES):
            return
        if _gated_output(ctx) or self._console_function(ctx):
            return
        # A print in an `except` reports a failure: as a log record it is an error, not info.
        level = "error" if ctx.except_frame is not None else "info"
        target = keyword_value(node, "file")
        if target is not None and not (isinstance(target, ast.Constant) and target.value is None):
            where = ctx.resolve(target)
            if where == "sys.stderr" and level == "info":
                level = "warning"
            elif where != "sys.stdout":
                return  # writing to a file or stream of the program's own
        fixes = []
        call_range = ctx.source.node_range(node)
        percent = print_call_arguments(node, ctx.source.segment, "percent")
        if percent is not None:
            brace = print_call_arguments(node, ctx.source.segment, "brace")

            def build(fc: FixContext):
                edits, logger_name = ensure_logger(fc.text)
                info = ModuleImports.of(fc.text)
                loguru = info.bound_to(logger_name)[1] == "loguru.logger"
                args = brace if loguru else percent
                if args is None:
                    return None
                edits.append(Edit(fc.at(call_range[0]), fc.at(call_range[1]), f"{logger_name}.{level}({args})"))
                return merge_insertions(edits)

            fixes.append(fix(f"Replace `print()` with `logger.{level}()`", build, safe=False))
        code = self.code
        self.report(node, f"Use a module logger (`logger.{level}(...)`) instead of `print()` in application code", fixes=fixes,
                    condition=lambda facts: (code, "main-guard") not in facts or (code, "handler") in facts)

    _allows_print: Optional[bool] = None

    def _file_allows_print(self, ctx) -> bool:
        if self._allows_print is None:
            source = ctx.source
            self._allows_print = source.memo(("print-in-production-code", "file-suppression"),
                                             lambda: bool(_FILE_PRINT_SUPPRESSION.search(source.text)))
        return self._allows_print


def _imports_console_module(bindings: dict) -> bool:
    """Does the module bind something from a CLI framework or a console module?"""
    return any((value or "").split(".", 1)[0] in _CLI_MODULES
               or not _CONSOLE_MODULE_PARTS.isdisjoint((value or "").split("."))
               for value in bindings.values())
