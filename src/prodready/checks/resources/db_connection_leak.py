"""PR503 `db-connection-leak`: A database connection opened in a function is not closed on every path."""

from __future__ import annotations

import ast
from typing import Iterable, Optional

from prodready.checks.resources._shared import (
    Leak,
    chain_ends_in_fetch,
    connection_leak,
    is_close_call,
    names_in,
    short,
)
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ModuleImports, ensure_import, merge_insertions


def _block_of(parents: list[ast.AST], stmt: ast.stmt) -> Optional[list]:
    """The statement list (``body``/``orelse``/...) that holds ``stmt``."""
    for holder in reversed(parents):
        if holder is stmt:
            continue
        for field in ("body", "orelse", "finalbody"):
            block = getattr(holder, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block
        break
    return None


def _derived_names(function: ast.AST, name: str) -> set[str]:
    """Names that hold the connection or something tied to it (a cursor)."""
    derived = {name}
    assigns = [n for n in ast.walk(function) if isinstance(n, ast.Assign)]
    changed = True
    while changed:
        changed = False
        for node in assigns:
            if chain_ends_in_fetch(node.value):
                continue
            if names_in(node.value) & derived:
                for target in node.targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name) and sub.id not in derived:
                            derived.add(sub.id)
                            changed = True
    return derived


def _returns_live_object(nodes: Iterable[ast.AST], derived: set[str]) -> bool:
    for stmt in nodes:
        for node in ast.walk(stmt):
            if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)) and node.value is not None:
                if chain_ends_in_fetch(node.value):
                    continue
                if names_in(node.value) & derived:
                    return True
    return False


class _AssignToWith:
    """Safe PR503 fix for ``conn = connect(...)``: a ``with contextlib.closing(...)`` block
    around the statements that follow (dropping a trailing ``conn.close()``), built with
    libcst so comments, blank lines and multi-line strings survive re-indentation."""

    def __init__(self, line: int, name: str) -> None:
        self.line = line  # 1-based line of the assignment in the analysed text
        self.name = name

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        from prodready.core.source import SourceFile

        text = fc.text
        source = SourceFile(text)
        line = source.line_of(fc.at(0)) + self.line + 1  # absolute 1-based line
        try:
            wrapper = MetadataWrapper(cst.parse_module(text))
        except Exception:  # noqa: BLE001 - libcst cannot parse it: no fix
            return None
        positions = wrapper.resolve(PositionProvider)
        edits: list[Edit] = []
        closing_name = ModuleImports.of(text).name_for("contextlib.closing")
        if closing_name is None:
            import_edits, contextlib_name = ensure_import(text, "contextlib")
            edits.extend(import_edits)
            closing_name = f"{contextlib_name}.closing"
        name = self.name

        def is_close(stmt) -> bool:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                return False
            expr = stmt.body[0]
            return (
                isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call) and not expr.value.args
                and isinstance(expr.value.func, cst.Attribute) and expr.value.func.attr.value == "close"
                and isinstance(expr.value.func.value, cst.Name) and expr.value.func.value.value == name
            )

        class Transformer(cst.CSTTransformer):
            done = False

            def leave_IndentedBlock(self, original, updated):
                if self.done:
                    return updated
                body = list(updated.body)
                for index, stmt in enumerate(original.body):
                    pos = positions.get(stmt)
                    if pos is None or pos.start.line != line or not isinstance(stmt, cst.SimpleStatementLine):
                        continue
                    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Assign):
                        return updated
                    assign = stmt.body[0]
                    if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
                        return updated
                    end = index + 1
                    while end < len(body) and not is_close(body[end]):
                        end += 1
                    moved = body[index + 1:end]
                    if not moved:
                        return updated
                    closing = cst.parse_expression(closing_name)
                    item = cst.WithItem(
                        item=cst.Call(func=closing, args=[cst.Arg(assign.value)]),
                        asname=cst.AsName(name=cst.Name(name)),
                    )
                    new = cst.With(
                        items=[item],
                        body=cst.IndentedBlock(body=moved, header=stmt.trailing_whitespace, indent=original.indent),
                        leading_lines=stmt.leading_lines,
                    )
                    rest = body[end + 1:] if end < len(body) else []
                    self.done = True
                    return updated.with_changes(body=[*body[:index], new, *rest])
                return updated

        transformer = Transformer()
        new_module = wrapper.module.visit(transformer)
        if not transformer.done:
            return None
        new_text = new_module.code
        prefix = 0
        limit = min(len(text), len(new_text))
        while prefix < limit and text[prefix] == new_text[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and text[len(text) - 1 - suffix] == new_text[len(new_text) - 1 - suffix]:
            suffix += 1
        region = Edit(prefix, len(text) - suffix, new_text[prefix:len(new_text) - suffix])
        if any(e.start > region.start for e in edits):
            return None
        return merge_insertions([*edits, region])


class _WrapWithClosing:
    """Safe PR503 fix for ``with connect(...) as conn:`` -> ``with closing(connect(...)) as conn, conn:``
    (the inner ``conn`` keeps the commit/rollback of the original; ``closing`` adds the close)."""

    def __init__(self, call_range: tuple[int, int], target_end: int, name: str) -> None:
        self.call_range = call_range
        self.target_end = target_end
        self.name = name

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        text = fc.text
        edits: list[Edit] = []
        closing_name = ModuleImports.of(text).name_for("contextlib.closing")
        if closing_name is None:
            import_edits, contextlib_name = ensure_import(text, "contextlib")
            edits.extend(import_edits)
            closing_name = f"{contextlib_name}.closing"
        start, end = fc.at(self.call_range[0]), fc.at(self.call_range[1])
        target_end = fc.at(self.target_end)
        edits.append(Edit(start, end, f"{closing_name}({text[start:end]})"))
        edits.append(Edit(target_end, target_end, f", {self.name}"))
        return merge_insertions(edits)


class DbConnectionLeak(Rule):
    code = "PR503"
    preview = True
    name = "db-connection-leak"
    severity = Severity.WARNING
    summary = "A database connection opened in a function is not closed on every path"
    fix_availability = "sometimes"
    docs = """
    ## What it does
    Finds a local database connection (`sqlite3.connect`, `psycopg2.connect`,
    `pymysql.connect`, `mysql.connector.connect`) that the function neither returns, yields
    or stores, and does not close on every path: no `conn.close()` in a `finally`, no
    `with contextlib.closing(...)`. A `close()` only at the end of the happy path is
    reported too: any statement in between can raise. A `close()` both in an `except`
    handler and after the `try`, or right after a `try` whose handler swallows every
    exception, counts as closing on every path.

    `with sqlite3.connect(...) as conn:` alone is reported as well: the connection's context
    manager commits or rolls back the transaction but does **not** close the connection
    (the same holds for psycopg2). pymysql, mysql-connector and psycopg 3 connections do
    close on exit and are not reported in a `with`.

    ## Why is this bad?
    An unclosed connection holds a file handle (SQLite) or a server connection and its
    locks until the garbage collector gets to it; after an exception the traceback keeps it
    alive even longer. Under load the process runs out of file descriptors, PostgreSQL or
    MySQL refuse new connections, and SQLite reports `database is locked`. Python 3.13
    also emits a `ResourceWarning` for SQLite connections that are never closed.

    ## Example
    ```python
    import sqlite3

    def count_users(path):
        conn = sqlite3.connect(path)
        rows = conn.execute("select count(*) from users").fetchone()
        conn.close()
        return rows[0]
    ```

    ## Use instead
    ```python
    import contextlib
    import sqlite3

    def count_users(path):
        with contextlib.closing(sqlite3.connect(path)) as conn:
            rows = conn.execute("select count(*) from users").fetchone()
        return rows[0]
    ```

    ## Fix safety
    The fix is safe and offered when the connection does not escape the function (nothing
    returns or yields the connection or a cursor of it). For `conn = connect(...)` the
    statements that follow in the same block move into
    `with contextlib.closing(connect(...)) as conn:` and a trailing `conn.close()` is
    dropped; the connection is now closed even when a statement raises. For
    `with sqlite3.connect(...) as conn:` the fix writes
    `with contextlib.closing(sqlite3.connect(...)) as conn, conn:` so the transaction is
    still committed or rolled back (inner context) before the connection is closed. An
    existing `from contextlib import closing` is reused.

    ## References
    - [sqlite3: how to use the connection context manager](https://docs.python.org/3/library/sqlite3.html#sqlite3-connection-context-manager)
    - [psycopg2: with statement](https://www.psycopg.org/docs/usage.html#with-statement)
    - [contextlib.closing](https://docs.python.org/3/library/contextlib.html#contextlib.closing)
    """
    invalid = [
        'import sqlite3\n\n\ndef count_users(path):\n    conn = sqlite3.connect(path)\n    rows = conn.execute("select count(*) from users").fetchone()\n    conn.close()\n    return rows[0]\n',
        'import sqlite3\n\n\ndef save(path, value):\n    with sqlite3.connect(path) as conn:\n        conn.execute("insert into t values (?)", (value,))\n',
        'import psycopg2\n\n\ndef names(dsn):\n    conn = psycopg2.connect(dsn)\n    cur = conn.cursor()\n    cur.execute("select name from users")\n    return [r[0] for r in cur.fetchall()]\n',
        'import sqlite3\n\n\ndef load(path):\n    conn = sqlite3.connect(path)\n    # read everything\n    data = conn.execute("""\nselect *\nfrom t\n""").fetchall()\n    if not data:\n        return []\n    conn.close()\n    return data\n',
        'import pymysql\n\n\ndef ping(host):\n    conn = pymysql.connect(host=host)\n    conn.ping()\n',
        'from contextlib import closing\nimport sqlite3\n\n\ndef total(path):\n    conn = sqlite3.connect(path)\n    n = conn.execute("select 1").fetchone()[0]\n    return n\n',
        'import psycopg2\n\n\ndef insert(dsn, v):\n    with psycopg2.connect(dsn) as conn:\n        with conn.cursor() as cur:\n            cur.execute("insert into t values (%s)", (v,))\n',
    ]
    valid = [
        Example('import sqlite3\nfrom contextlib import closing\n\n\ndef f(path):\n    with closing(sqlite3.connect(path)) as conn:\n        return conn.execute("select 1").fetchone()\n', note="closed by contextlib.closing"),
        Example('import sqlite3\n\n\ndef f(path):\n    conn = sqlite3.connect(path)\n    try:\n        return conn.execute("select 1").fetchone()\n    finally:\n        conn.close()\n', note="closed in finally"),
        Example('import sqlite3\n\n\ndef get_connection(path):\n    conn = sqlite3.connect(path)\n    conn.row_factory = sqlite3.Row\n    return conn\n', note="returned to the caller"),
        Example('import sqlite3\n\n\nclass Store:\n    def open(self, path):\n        conn = sqlite3.connect(path)\n        self.conn = conn\n', note="stored on the instance"),
        Example('import sqlite3\nfrom contextlib import contextmanager\n\n\n@contextmanager\ndef connection(path):\n    conn = sqlite3.connect(path)\n    try:\n        yield conn\n    finally:\n        conn.close()\n', note="a context manager that closes"),
        Example('import pymysql\n\n\ndef f(host):\n    with pymysql.connect(host=host) as conn:\n        conn.ping()\n', note="pymysql closes on exit"),
        Example('import sqlite3\n\nconn = sqlite3.connect("app.db")\n', note="module-level connection, not a local"),
        Example('import sqlite3\nimport contextlib\n\n\ndef f(path):\n    with contextlib.ExitStack() as stack:\n        conn = sqlite3.connect(path)\n        stack.callback(conn.close)\n        return conn.execute("select 1").fetchone()\n', note="closed by an ExitStack callback"),
        Example('import sqlite3\n\n\ndef cursor(path):\n    conn = sqlite3.connect(path)\n    return conn.cursor()\n', note="the returned cursor keeps the connection"),
        Example('import sqlite3\n\n_pool = []\n\n\ndef f(path):\n    conn = sqlite3.connect(path)\n    _pool.append(conn)\n', note="stored in a pool"),
        Example('import sqlite3\nfrom flask import g\n\n\ndef get_db():\n    if "db" not in g:\n        g.db = sqlite3.connect("app.db")\n    return g.db\n', note="the Flask pattern: stored on g, closed by a teardown handler"),
        Example('import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    try:\n        conn.execute("x")\n    except Exception:\n        conn.close()\n        raise\n    conn.close()\n', note="closed in the except handler and after the try"),
        Example('import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    try:\n        conn.execute("x")\n    except Exception as e:\n        print(e)\n    conn.close()\n', note="the try swallows every exception, so the close is reached"),
    ]
    fixed = {
        invalid[0]: 'import sqlite3\nimport contextlib\n\n\ndef count_users(path):\n    with contextlib.closing(sqlite3.connect(path)) as conn:\n        rows = conn.execute("select count(*) from users").fetchone()\n    return rows[0]\n',
        invalid[1]: 'import sqlite3\nimport contextlib\n\n\ndef save(path, value):\n    with contextlib.closing(sqlite3.connect(path)) as conn, conn:\n        conn.execute("insert into t values (?)", (value,))\n',
        invalid[3]: 'import sqlite3\nimport contextlib\n\n\ndef load(path):\n    with contextlib.closing(sqlite3.connect(path)) as conn:\n        # read everything\n        data = conn.execute("""\nselect *\nfrom t\n""").fetchall()\n        if not data:\n            return []\n    return data\n',
        invalid[4]: 'import pymysql\nimport contextlib\n\n\ndef ping(host):\n    with contextlib.closing(pymysql.connect(host=host)) as conn:\n        conn.ping()\n',
        invalid[5]: 'from contextlib import closing\nimport sqlite3\n\n\ndef total(path):\n    with closing(sqlite3.connect(path)) as conn:\n        n = conn.execute("select 1").fetchone()[0]\n        return n\n',
        invalid[6]: 'import psycopg2\nimport contextlib\n\n\ndef insert(dsn, v):\n    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn:\n        with conn.cursor() as cur:\n            cur.execute("insert into t values (%s)", (v,))\n',
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if (func.attr if func.__class__ is ast.Attribute else getattr(func, "id", None)) != "connect":
            return
        if not ctx.functions or ctx.file.is_test:
            return
        qualified = ctx.call_name(node) or ""
        leak = connection_leak(ctx, node, qualified)
        if leak is None:
            return
        shown = short(qualified)
        if leak.form == "with":
            message = (f"Close the connection: `with {shown}(...)` only commits or rolls back; "
                       f"use `with contextlib.closing({shown}(...)) as conn, conn:`")
        elif leak.happy_close:
            message = (f"Close the `{shown}(...)` connection on every path (`with contextlib.closing(...)` "
                       f"or `close()` in `finally`), not only when no statement raises")
        else:
            message = f"Close the `{shown}(...)` connection (`with contextlib.closing(...)` or `close()` in `finally`)"
        self.report(node, message, fixes=self._fixes(ctx, node, leak))

    def _fixes(self, ctx, node: ast.Call, leak: Leak):
        if leak.name is None:
            return []
        frame = ctx.current_function
        derived = _derived_names(frame.node, leak.name)
        if leak.form == "with":
            item = ctx.parent
            with_stmt = ctx.parents[-2] if len(ctx.parents) > 1 else None
            if not isinstance(with_stmt, ast.With) or _returns_live_object(with_stmt.body, derived):
                return []
            target_end = ctx.source.node_range(item.optional_vars)[1]
            builder = _WrapWithClosing(ctx.source.node_range(node), target_end, leak.name)
            return [fix("Close the connection with `contextlib.closing(...)`", builder, safe=True)]
        stmt = ctx.parent
        block = _block_of(ctx.parents, stmt)
        if block is None:
            return []
        index = next(i for i, s in enumerate(block) if s is stmt)
        end = index + 1
        while end < len(block) and not (
            isinstance(block[end], ast.Expr) and is_close_call(block[end].value, leak.name) and not block[end].value.args
        ):
            end += 1
        moved = block[index + 1:end]
        if not moved or _returns_live_object(moved, derived):
            return []
        # Every use of the connection must stay inside the new `with` block.
        inside = {id(n) for s in moved for n in ast.walk(s)} | {id(n) for n in ast.walk(stmt)}
        if end < len(block):
            inside |= {id(n) for n in ast.walk(block[end])}
        for other in ast.walk(frame.node):
            if isinstance(other, ast.Name) and other.id == leak.name and id(other) not in inside:
                return []
        for s in moved:
            for other in ast.walk(s):
                if isinstance(other, ast.Name) and other.id == leak.name and isinstance(other.ctx, (ast.Store, ast.Del)):
                    return []
        # The fix needs the analysed text's first line as the reference for positions.
        line = stmt.lineno - 1
        return [fix("Open the connection with `with contextlib.closing(...)`", _AssignToWith(line, leak.name), safe=True)]
