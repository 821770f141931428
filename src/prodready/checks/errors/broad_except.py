"""PR302 `broad-except`: A broad except (Exception, BaseException, bare except) swallows errors."""

from __future__ import annotations

import ast
import re

from prodready.checks.errors._shared import (
    BROAD,
    is_log_call,
    iter_handler_nodes,
    last_name,
    records_traceback,
    sends_exception_detail,
)
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule

_PARENS = (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred, ast.keyword)
_BOUNDARY_FUNCTIONS = frozenset({
    "main", "cli", "run", "__call__", "__del__", "__exit__", "__aexit__", "close", "aclose",
    "shutdown", "serve", "serve_forever", "run_forever", "worker", "handle", "dispatch",
    "process_request", "process_response", "process_exception", "process_view", "emit",
    "cleanup", "teardown", "loop", "start", "callback", "on_message", "handle_error",
    "lifespan", "startup", "on_startup", "on_shutdown",
})
# Other linters' suppressions of the same check: the handler was reviewed already.
_OTHER_SUPPRESSIONS = re.compile(
    r"#.*(?:noqa:[^#]*\b(?:BLE001|E722|B001|S110|S112)\b|pylint:\s*disable=[^#]*\b(?:broad-except|bare-except|"
    r"broad-exception-caught|W0703|W0702|W0718)\b)", re.IGNORECASE)
_TERMINATE = frozenset({"sys.exit", "os._exit", "exit", "quit", "os.abort", "pytest.fail", "pytest.skip"})
_WRAPPER_NAMES = frozenset({"wrapper", "wraps", "wrapped", "decorated", "inner", "_wrapper", "wrapped_f",
                            "decorated_function", "wrapper_func", "_wrapped", "_decorated", "_inner"})
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Failure", "Exc")
_PASS_ON_EXCLUDED = frozenset({"str", "repr", "print", "isinstance", "type", "hasattr", "getattr", "len",
                               "format", "id", "bool", "issubclass", "warnings.warn", "traceback.format_exception_only"})


def _broad_types(caught: ast.expr, ctx) -> list[ast.expr]:
    items = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return [item for item in items if isinstance(item, ast.Name) and item.id in ("Exception", "BaseException")
            and (ctx.resolve(item) or "") in BROAD]


def _handler_outcome(handler: ast.ExceptHandler, ctx) -> tuple[bool, bool, bool]:
    """(re-raises, records the traceback, hands the exception object on)."""
    raises = logs = passes = False
    name = handler.name
    parents: dict[int, ast.AST] = {}
    for node in iter_handler_nodes(handler.body):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, ast.Raise):
            raises = True
        elif isinstance(node, ast.Call):
            if records_traceback(node, ctx):
                logs = True
            else:
                callee = ctx.resolve(node.func) or ""
                if callee == "sys.exc_info":
                    passes = True
                elif callee in _TERMINATE or "reraise" in (last_name(node.func) or ""):
                    raises = True  # sys.exit(1), `with safe_reraise():`, six.reraise(...)
                elif callee == "os.kill" and node.args and isinstance(node.args[0], ast.Call) \
                        and ctx.resolve(node.args[0].func) == "os.getpid":
                    raises = True  # os.kill(os.getpid(), signal.SIGTERM): ends the program
        elif name and isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            if _hands_on(node, parents, ctx):
                passes = True
    return raises, logs, passes


def _hands_on(node: ast.Name, parents: dict, ctx) -> bool:
    """Is the exception object itself passed to a call, returned, stored or yielded?"""
    child: ast.AST = node
    parent = parents.get(id(node))
    stringified = False  # climbed through str(e) / repr(e) / "...".format(e)
    while True:
        while isinstance(parent, (*_PARENS, ast.FormattedValue, ast.JoinedStr)):
            if isinstance(parent, (ast.FormattedValue, ast.JoinedStr)):
                stringified = True  # f"...{e}"
            child, parent = parent, parents.get(id(parent))
        if not isinstance(parent, ast.Call) or child is parent.func:
            break
        last = last_name(parent.func) or ""
        if last.endswith(_EXCEPTION_SUFFIXES):
            return True  # wrapped into another exception: `errors.append(TagError(str(e)))`
        if last in ("from_error", "from_exception", "from_exc"):
            return True  # turned into an error object for the caller: `yield Event.from_error(f"...: {e}")`
        callee = ctx.resolve(parent.func) or ""
        if callee in ("str", "repr") or last == "format":
            stringified = True
            child, parent = parent, parents.get(id(parent))
            continue
        break
    if stringified:
        return False
    if isinstance(parent, ast.Call):
        if child is parent.func:
            return False
        if is_log_call(parent, ctx):
            return False
        callee = ctx.resolve(parent.func) or ""
        if callee in _PASS_ON_EXCLUDED or last_name(parent.func) in ("format", "join", "append_text"):
            return False
        return True
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await)):
        return True
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is child:
        return True
    return False


def _in_loop(ctx) -> bool:
    func = ctx.functions[-1].node if ctx.functions else None
    for node in reversed(ctx.parents):
        if node is func:
            return False
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return True
    return False


# Methods that release or tear down: nothing sensible can be done when they fail.
_TEARDOWN_FUNCTIONS = frozenset({"__del__", "__exit__", "__aexit__", "close", "aclose", "shutdown", "cleanup",
                                 "teardown", "stop", "disconnect", "dispose", "release", "terminate"})
_RELEASE_CALLS = frozenset({"close", "aclose", "cancel", "stop", "terminate", "kill", "shutdown", "remove",
                            "unlink", "rmtree", "rmdir", "disconnect", "release", "dispose", "join"})
_QUIET_LOG_LEVELS = frozenset({"debug", "info"})


def _logs_traceback_visibly(handler: ast.ExceptHandler, ctx) -> bool:
    """The handler records the traceback where production sees it: ``logger.exception()``,
    ``exc_info=`` at warning or above, ``traceback.print_exc()``, Sentry, not ``logger.debug``."""
    for node in iter_handler_nodes(handler.body):
        if isinstance(node, ast.Call) and records_traceback(node, ctx):
            if is_log_call(node, ctx) and node.func.attr in _QUIET_LOG_LEVELS:  # type: ignore[attr-defined]
                continue
            return True
    return False


def _is_teardown(try_node, ctx) -> bool:
    """Best-effort cleanup: the ``try`` is in a teardown method (``close``, ``__exit__``,
    ``__del__``...) or a ``finally:``, or its body only releases (``f.close()``, ``os.remove(p)``)."""
    if ctx.functions and not isinstance(ctx.functions[-1].node, ast.Lambda):
        name = ctx.functions[-1].node.name
        if name in _TEARDOWN_FUNCTIONS or name.lstrip("_").startswith(("cleanup", "teardown", "close_")):
            return True
    func = ctx.functions[-1].node if ctx.functions else None
    child = try_node
    for node in reversed(ctx.parents[:-1]):
        if node is func:
            break
        if isinstance(node, ast.Try) and any(stmt is child for stmt in node.finalbody):
            return True
        child = node
    body = getattr(try_node, "body", None) or []
    for stmt in body:
        value = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(value, ast.Await):
            value = value.value
        if not (isinstance(value, ast.Call) and last_name(value.func) in _RELEASE_CALLS):
            return False
    return bool(body)


_OBJECT_PROTOCOL = frozenset({"repr", "str", "format", "hash"})


def _guards_object_protocol(try_node) -> bool:
    """``try: return repr(obj)``: an arbitrary object's ``__repr__``/``__str__`` can raise
    anything, so a broad catch with a fallback is the right tool (``saferepr``)."""
    body = getattr(try_node, "body", None)
    if not body or len(body) != 1:
        return False
    value = getattr(body[0], "value", None)
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _OBJECT_PROTOCOL
            and not isinstance(body[0], ast.AugAssign))


def _wraps_decorated(func: ast.AST, ctx) -> bool:
    return any((ctx.resolve(d.func if isinstance(d, ast.Call) else d) or "") in ("functools.wraps", "wraps")
               for d in getattr(func, "decorator_list", ()))


def _at_boundary(ctx) -> bool:
    if not ctx.functions or ctx.in_main_guard:
        return True
    if ctx.handler is not None:
        return True
    if ctx.in_views_module or "/management/commands/" in ctx.file.path or ctx.file.path.startswith("management/commands/"):
        return True  # request handling code and management commands run at the boundary
    name = ctx.functions[-1].node.name if not isinstance(ctx.functions[-1].node, ast.Lambda) else ""
    if len(ctx.functions) > 1 and (name in _WRAPPER_NAMES or _wraps_decorated(ctx.functions[-1].node, ctx)):
        return True  # a decorator's wrapper: the boundary around every decorated call
    if name in _BOUNDARY_FUNCTIONS or name.startswith(("run_", "_run", "main_", "handle_", "on_")) or name.endswith(("_loop", "_worker", "_main", "_thread", "_callback", "_handler", "_lifespan")):
        return True
    return _in_loop(ctx)


class BroadExcept(Rule):
    code = "PR302"
    preview = True
    equivalent_codes = ("BLE001", "E722")
    name = "broad-except"
    severity = Severity.WARNING
    summary = "A broad except (Exception, BaseException, bare except) swallows errors"
    docs = """
    ## What it does
    Finds `except Exception:`, `except BaseException:`, bare `except:` and tuples that
    contain them, whose handler neither re-raises, hands the exception on, records its
    traceback, nor is best-effort cleanup: the handlers that make a failure disappear
    (`except Exception: return None`, `except Exception: pass`, a log line with the
    message only).

    A handler is fine when it:
    - re-raises (`raise`, `raise AppError(...) from e`, `with safe_reraise():`) or ends
      the program (`sys.exit(2)`, `os.kill(os.getpid(), ...)`), or
    - hands the exception object on (`future.set_exception(e)`, `errors.append(e)`,
      `return e`, `self.on_error(e)`, `yield Event.from_error(f"...{e}")`), which
      propagates it by other means, or
    - records the traceback at any level (also `logger.debug(..., exc_info=True)`) **at a
      top-level boundary**: module level or `if __name__ == "__main__":`, a request handler, view,
      Socket.IO handler or task, code in a views module (`views.py`, `api.py`, `views/`)
      or a Django management command, a function named like an entry point or a callback
      (`main`, `run`, `__call__`, `__exit__`, `close`, `lifespan`, `*_loop`, `*_worker`, `handle_*`,
      `on_*`...), a decorator's wrapper (`@functools.wraps`, `wrapper`), or a `try` inside
      a loop (a worker or main loop that keeps going after one item fails), or
    - sends the exception's details to the client (`return {"error": str(e)}, 500`):
      PR301 `exception-detail-leak` reports that handler, and one mistake gets one finding, or
    - records the traceback where production sees it, anywhere: `logger.exception(...)`,
      `logger.error/warning/critical(..., exc_info=True)` or `exc_info=e`,
      `logger.error(traceback.format_exc())`, `traceback.print_exc()`,
      `sentry_sdk.capture_exception()`. Logging the traceback and then returning a default,
      continuing or falling back is a recorded decision, not a hidden failure. A traceback
      only at `debug`/`info` level does not count outside a boundary, or
    - is best-effort teardown: the `try` sits in a teardown method (`__del__`, `__exit__`,
      `close`, `shutdown`, `cleanup`, `stop`, `disconnect`...) or in a `finally:`, or its
      body only releases (`f.close()`, `timer.cancel()`, `os.remove(p)`, `path.unlink()`,
      `shutil.rmtree(d)`): nothing better can be done when that fails, or
    - guards a single `repr(obj)` / `str(obj)` / `format(obj)` / `hash(obj)` call with a
      fallback: an arbitrary object's `__repr__`/`__str__` can raise anything.

    Bare `except:` is always reported, even when it re-raises; say `except BaseException:`
    if catching everything is intended. Not reported in tests and migrations, nor on a
    handler another linter's equivalent check was already silenced for
    (`# noqa: BLE001`, `E722`, `S110`, `# pylint: disable=broad-except`,
    `broad-exception-caught`, `bare-except`): that handler has been reviewed.

    ## Why is this bad?
    A broad handler catches the errors you expect and every bug you do not: a `TypeError`,
    a `KeyError` from a typo, a lost database connection. Without a traceback, they
    disappear and the code carries on with wrong data. Bare `except:` (and
    `except BaseException:`) also catch `KeyboardInterrupt` and `SystemExit`, so Ctrl-C
    and `sys.exit()` stop working. `except Exception:` does **not** catch those two (they
    derive from `BaseException` only), but it still hides bugs.

    ## Example
    ```python
    def load_profile(user_id):
        try:
            return fetch_profile(user_id)
        except Exception:
            return None
    ```

    ## Use instead
    ```python
    def load_profile(user_id):
        try:
            return fetch_profile(user_id)
        except ProfileNotFound:
            return None
    ```

    ## References
    - [Python tutorial: Handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions)
    - [PEP 8: Programming recommendations](https://peps.python.org/pep-0008/#programming-recommendations)
    """
    invalid = [
        "def f():\n    try:\n        work()\n    except Exception:\n        return None\n",
        "def f():\n    try:\n        work()\n    except:\n        pass\n",
        "def f():\n    try:\n        work()\n    except:\n        cleanup()\n        raise\n",
        "def f():\n    try:\n        work()\n    except BaseException as e:\n        print(e)\n",
        "def f():\n    try:\n        work()\n    except (ValueError, Exception) as e:\n        return str(e)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n        work()\n    except Exception as e:\n        logger.error('failed: %s', e)\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef send_verification(user):\n    try:\n        mail(user)\n    except Exception:\n        logger.debug('mail failed', exc_info=True)\n",
                note="the traceback only at debug level: production never sees it"),
        Example("def save(row):\n    try:\n        db.insert(row)\n        db.commit()\n    except Exception:\n        pass\n", note="not a cleanup: the write is lost silently"),
        "try:\n    import numpy\nexcept:\n    numpy = None\n",
    ]
    valid = [
        Example("def f():\n    try:\n        work()\n    except Exception:\n        rollback()\n        raise\n", note="re-raises"),
        Example("def f():\n    try:\n        work()\n    except Exception as e:\n        raise AppError('work failed') from e\n", note="re-raises wrapped"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef main():\n    try:\n        run()\n    except Exception:\n        logger.exception('crashed')\n        return 1\n", note="top-level boundary that logs the traceback"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef consume(queue):\n    for item in queue:\n        try:\n            handle(item)\n        except Exception:\n            logger.exception('item %s failed', item)\n", note="worker loop"),
        Example("import logging\nfrom flask import Flask\napp = Flask(__name__)\nlogger = logging.getLogger(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception:\n        logger.error('failed', exc_info=True)\n        return 'error', 500\n", note="request boundary"),
        Example("import sentry_sdk\n\ndef main():\n    try:\n        run()\n    except Exception as e:\n        sentry_sdk.capture_exception(e)\n", note="reported to Sentry"),
        Example("def f(future):\n    try:\n        future.set_result(work())\n    except Exception as e:\n        future.set_exception(e)\n", note="hands the exception on"),
        Example("def validate(objects, exceptions):\n    for obj in objects:\n        try:\n            check(obj)\n        except Exception as e:\n            exceptions.append(TagInvalidError(str(e)))\n    if exceptions:\n        raise TagsInvalidError(exceptions)\n", note="wrapped into an exception raised later (Superset)"),
        Example("def f():\n    try:\n        work()\n    except ValueError:\n        return None\n", note="specific exception"),
        Example("import traceback\nif __name__ == '__main__':\n    try:\n        run()\n    except Exception:\n        traceback.print_exc()\n", note="script entry point"),
        Example("def test_x():\n    try:\n        work()\n    except Exception:\n        pass\n", path="tests/test_x.py", note="tests"),
        "class Exception(Warning):\n    pass\n\ndef f():\n    try:\n        work()\n    except Exception:\n        pass\n",
        Example("import sys\n\ndef setup(path):\n    try:\n        remove(path)\n    except Exception as e:\n        log('cannot delete: %s' % e)\n        sys.exit(2)\n", note="exits (Django's test database setup)"),
        Example("from sqlalchemy import util\n\ndef f(meta, name):\n    try:\n        return build(name)\n    except Exception:\n        with util.safe_reraise():\n            meta.remove(name)\n", note="re-raises through a context manager (SQLAlchemy)"),
        Example("import functools\nimport logging\nlog = logging.getLogger(__name__)\n\ndef safe(f):\n    @functools.wraps(f)\n    def wraps(self, *args, **kwargs):\n        try:\n            return f(self, *args, **kwargs)\n        except Exception as e:\n            log.exception(e)\n            return self.response_500()\n    return wraps\n",
                note="a decorator's wrapper is the boundary of every decorated call (Flask-AppBuilder)"),
        Example("import logging\nfrom flask_appbuilder.api import BaseApi, expose\nlogger = logging.getLogger(__name__)\n\nclass ThemeApi(BaseApi):\n    @expose('/', methods=['POST'])\n    def post(self):\n        try:\n            return self.response(201, id=create())\n        except Exception:\n            logger.exception('Unexpected error in POST /theme')\n            return self.response_422(message='failed')\n",
                note="Flask-AppBuilder endpoint that logs the traceback (Superset)"),
        Example("def f():\n    try:\n        work()\n    except Exception:  # noqa: BLE001\n        pass\n", note="already reviewed for another linter's broad-except check"),
        Example("def saferepr(obj):\n    try:\n        return repr(obj)\n    except Exception as exc:\n        return f'<unrepresentable {type(obj)!r}: {exc!r}>'\n",
                note="an arbitrary object's __repr__ can raise anything (Celery's saferepr)"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\nclass PaymentDetailsView(View):\n    def submit(self, request):\n        try:\n            self.handle_payment()\n        except Exception:\n            logger.exception('unhandled exception while taking payment')\n            return self.render_preview(request, error='Payment failed')\n",
                path="shop/checkout/views.py", note="request boundary in a views module (django-oscar)"),
        Example("def upgrade():\n    try:\n        op.create_unique_constraint(None, 'dbs', ['name'])\n    except Exception:\n        pass\n", path="app/migrations/versions/0001_add.py", note="migrations"),
        Example("import os\nimport signal\n\ndef monitor():\n    try:\n        check()\n    except Exception as e:\n        logger.error(f'monitor error: {e}')\n        os.kill(os.getpid(), signal.SIGTERM)\n",
                note="ends the program (changedetection.io)"),
        Example("def stream(text):\n    try:\n        response = parse(text)\n    except Exception as e:\n        yield Event.from_error(f'invalid output: {e}')\n        return\n",
                note="turned into an error event for the caller (mlflow)"),
        Example("from flask import Flask\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n        return work()\n    except Exception as e:\n        return {'error': str(e)}, 500\n",
                note="sends the exception's text to the client: PR301 exception-detail-leak reports it, not PR302"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef parse(value):\n    try:\n        return int(value)\n    except Exception:\n        logger.exception('bad value')\n        return 0\n",
                note="logs the traceback and falls back: a recorded decision, not a hidden failure"),
        Example("import logging\nlog = logging.getLogger(__name__)\n\ndef mime_type(path):\n    try:\n        return sniff(path)\n    except Exception as e:\n        log.warning('cannot sniff %s', path, exc_info=e)\n        return 'application/octet-stream'\n",
                note="exc_info= at warning level"),
        Example("import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef load_plugin(name):\n    try:\n        return import_plugin(name)\n    except Exception:\n        logger.error(traceback.format_exc())\n        return None\n",
                note="the formatted traceback is logged"),
        Example("class Poller:\n    def close(self):\n        if self._timer is not None:\n            try:\n                self._timer.cancel()\n            except Exception:\n                pass\n",
                note="best-effort teardown in close()"),
        Example("class Connection:\n    def __del__(self):\n        try:\n            self.flush()\n            self.sock.close()\n        except Exception:\n            pass\n",
                note="a finaliser must not raise"),
        Example("import os\n\ndef convert(path, tmp):\n    result = run(path, tmp)\n    try:\n        os.remove(tmp)\n    except Exception:\n        pass\n    return result\n",
                note="the try only removes a temporary file"),
        Example("def stream(conn):\n    try:\n        return conn.read()\n    finally:\n        try:\n            conn.release()\n            pool.put(conn)\n        except Exception:\n            pass\n",
                note="cleanup inside a finally:"),
        Example("import logging\n_logger = logging.getLogger(__name__)\n\nasync def _lifespan(app):\n    try:\n        await cleanup()\n    except Exception:\n        _logger.warning('cleanup failed', exc_info=True)\n    yield\n",
                note="an ASGI lifespan is a boundary (mlflow)"),
    ]

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx) -> None:
        if ctx.file.is_test or ctx.file.is_migration:
            return
        line = ctx.source.line_text(node.lineno - 1)
        if "#" in line and _OTHER_SUPPRESSIONS.search(line):
            return
        if node.type is None:
            start = ctx.source.node_range(node)[0]
            raises, _, _ = _handler_outcome(node, ctx)
            if raises:
                message = "Write `except BaseException:` instead of a bare `except:` so catching KeyboardInterrupt and SystemExit is explicit"
            else:
                message = "Catch specific exceptions instead of a bare `except:`, which also catches KeyboardInterrupt and SystemExit"
            self.report((start, start + len("except")), message)
            return
        broad = _broad_types(node.type, ctx)
        if not broad or _guards_object_protocol(ctx.parent):
            return
        raises, logs, passes = _handler_outcome(node, ctx)
        if raises or passes:
            return
        if sends_exception_detail(node, ctx):
            return  # PR301 exception-detail-leak reports this handler: one mistake, one finding
        if _logs_traceback_visibly(node, ctx) or _is_teardown(ctx.parent, ctx):
            return  # the failure is on record, or a best-effort cleanup that has nothing better to do
        boundary = _at_boundary(ctx)
        if logs and boundary:
            return
        what = "BaseException" if broad[0].id == "BaseException" else "Exception"
        if logs:
            message = f"Catch specific exceptions or re-raise: logging and carrying on after `except {what}` here hides failures from the caller"
        elif what == "BaseException":
            message = "Catch specific exceptions or re-raise: `except BaseException` also swallows KeyboardInterrupt and SystemExit"
        elif any(isinstance(n, ast.Call) and (is_log_call(n, ctx) or last_name(n.func) in ("print", "warn"))
                 for n in iter_handler_nodes(node.body)):
            message = "Catch specific exceptions or re-raise: `except Exception` here swallows unexpected errors and drops their traceback"
        else:
            message = "Catch specific exceptions or re-raise: `except Exception` here silently swallows unexpected errors"
        self.report(node.type if len(broad) > 1 or not isinstance(node.type, ast.Tuple) else broad[0], message)
