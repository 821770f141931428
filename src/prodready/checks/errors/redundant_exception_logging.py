"""PR303 `redundant-exception-logging`: The same exception is logged twice in one handler.

The rule's metadata, docs, examples, visitor and fix builders live together here."""

from __future__ import annotations

import ast

from prodready.checks.errors._shared import LOG_METHODS, last_name, truthy_kw, is_logger
from prodready.core.findings import Edit, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.logging_fix import removal_edit_span


def _collect_log_statements(body: list, path: tuple, out: list) -> None:
    """Statement-level logging calls with their position path (list identity, index)."""
    exits = bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))
    for index, stmt in enumerate(body):
        here = path + ((id(body), index, exits),)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            out.append((stmt, here, body))
        elif isinstance(stmt, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            for field in ("body", "orelse"):
                items = getattr(stmt, field, None)
                if items:
                    _collect_log_statements(items, here, out)


def _bare_exception_log(stmt: ast.Expr, handler: ast.ExceptHandler) -> bool:
    """``logger.exception(e)`` / ``logger.exception(str(e))``: no message of its own."""
    call = stmt.value
    if len(call.args) != 1 or not handler.name:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id in ("str", "repr") and len(arg.args) == 1:
        arg = arg.args[0]
    return isinstance(arg, ast.Name) and arg.id == handler.name


def _both_run(path_a: tuple, path_b: tuple) -> bool:
    """Whenever the deeper of two statements runs, the shallower one runs too."""
    short, long = (path_a, path_b) if len(path_a) <= len(path_b) else (path_b, path_a)
    if not (short[:-1] == long[: len(short) - 1] and short[-1][0] == long[len(short) - 1][0]):
        return False
    if short[-1][1] > long[len(short) - 1][1] and any(entry[2] for entry in long[len(short):]):
        return False  # `if x: log(...); return` then a later log: never both
    return True


class RedundantExceptionLogging(Rule):
    code = "PR303"
    name = "redundant-exception-logging"
    severity = Severity.WARNING
    summary = "The same exception is logged twice in one handler"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds an `except` handler that records the same traceback twice:
    `logger.exception(...)` plus another call on the **same** logger with `exc_info=...`
    (or a second `logger.exception`), or a logged traceback plus `traceback.print_exc()`.
    Calls on different loggers are not duplicates, and calls in different branches of an
    `if` (or in an `if` block that returns before the other call) never both run, so they
    are not reported either. The finding is on the redundant
    call: the later one on the same logger, or `traceback.print_exc()`.

    ## Why is this bad?
    `logger.exception()` already logs the traceback at ERROR level. Logging it again (or
    printing it to stderr as well) doubles every error in the logs and in the alerting
    built on them, and the stderr copy bypasses log formatting and shipping.

    ## Example
    ```python
    try:
        sync()
    except SyncError:
        logger.exception("Sync failed")
        traceback.print_exc()
    ```

    ## Use instead
    ```python
    try:
        sync()
    except SyncError:
        logger.exception("Sync failed")
    ```

    ## Fix safety
    The fix is safe: it deletes the duplicate statement (its whole line); if it was the
    only statement of its block, it becomes `pass`.

    ## References
    - [logging.Logger.exception](https://docs.python.org/3/library/logging.html#logging.Logger.exception)
    """
    invalid = [
        "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        traceback.print_exc()\n        return None\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.exception('failed')\n        logger.error('details: %s', e, exc_info=True)\n        raise\n",
        "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        traceback.print_exc()\n        logger.exception('failed')\n        raise\n",
        "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f(verbose):\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        if verbose:\n            traceback.print_exc()\n        raise\n",
        "import logging\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logging.exception('failed')\n        logging.exception('again')\n        raise\n",
    ]
    valid = [
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        raise\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\naudit = logging.getLogger('audit')\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        audit.error('work failed', exc_info=True)\n        raise\n", note="different loggers"),
        Example("import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f(debug):\n    try:\n        work()\n    except Exception:\n        if debug:\n            traceback.print_exc()\n        else:\n            logger.exception('failed')\n        raise\n", note="different branches"),
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.exception('failed')\n        logger.info('retrying after %s', e)\n        raise\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.error('failed', exc_info=False)\n        logger.exception('failed')\n        raise\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef f(evidence):\n    try:\n        work(evidence)\n    except Exception:\n        if evidence is None:\n            logger.debug('failed', exc_info=True)\n            return None\n        logger.warning('retrying without evidence', exc_info=True)\n        work(None)\n",
                note="the first log's branch returns: the two never both run (mlflow)"),
    ]
    fixed = {
        invalid[0]: "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        return None\n",
        invalid[1]: "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.exception('failed')\n        raise\n",
        invalid[2]: "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        raise\n",
        invalid[3]: "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f(verbose):\n    try:\n        work()\n    except Exception:\n        logger.exception('failed')\n        if verbose:\n            pass\n        raise\n",
    }

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx) -> None:
        statements: list = []
        _collect_log_statements(node.body, (), statements)
        if len(statements) < 2:
            return
        calls = []  # (stmt, path, siblings, kind, logger key)
        for stmt, path, siblings in statements:
            call = stmt.value
            func = call.func
            last = last_name(func)
            if isinstance(func, ast.Attribute) and last in LOG_METHODS:
                if not (last == "exception" or truthy_kw(call, "exc_info")):
                    continue
                if not is_logger(func.value, ctx):
                    continue
                calls.append((stmt, path, siblings, "log", ctx.source.segment(func.value)))
            elif last in ("print_exc", "print_exception") and (ctx.call_name(call) or "").startswith("traceback."):
                calls.append((stmt, path, siblings, "tb", None))
        if len(calls) < 2:
            return
        reported: set[int] = set()
        for j, later in enumerate(calls):
            for earlier in calls[:j]:
                if not _both_run(earlier[1], later[1]):
                    continue
                if earlier[3] == "log" and later[3] == "log":
                    if earlier[4] != later[4]:
                        continue
                    # Keep the call with a real message: `logger.exception(e)` says less.
                    redundant = earlier if _bare_exception_log(earlier[0], node) and not _bare_exception_log(later[0], node) else later
                elif earlier[3] == "tb" and later[3] == "tb":
                    continue
                else:
                    redundant = earlier if earlier[3] == "tb" else later
                if id(redundant[0]) in reported:
                    continue
                reported.add(id(redundant[0]))
                self._report(redundant, ctx)

    def _report(self, entry, ctx) -> None:
        stmt, _path, siblings, kind, key = entry
        span = removal_edit_span(ctx.source, stmt, len(siblings) == 1)
        fixes = []
        if span is not None:
            start, end, replacement = span
            fixes.append(fix("Remove the duplicate traceback logging",
                             lambda fc: [Edit(fc.at(start), fc.at(end), replacement)]))
        if kind == "tb":
            message = "Remove `traceback.print_exc()`: the exception is already logged with its traceback"
        else:
            message = f"Remove this call: the exception is already logged with its traceback on `{key}`"
        self.report(stmt.value, message, fixes=fixes)
