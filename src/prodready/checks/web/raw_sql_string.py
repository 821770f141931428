"""PR408 `raw-sql-string`: SQL text is built from values with f-strings, `%`, `+` or `.format()`."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.checks.web._shared import (
    LocalValues,
    callee_last,
    constant_text,
    last_name,
)
from prodready.core.astutil import keyword_value
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule

_SQL_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "raw", "extra"})
_SQL_FUNCTIONS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
                            "django.db.models.expressions.RawSQL", "django.db.models.RawSQL",
                            "pandas.read_sql", "pandas.read_sql_query"})
_SQL_FUNCTION_NAMES = frozenset({"text", "RawSQL", "read_sql", "read_sql_query"})
_SQL_WORDS = re.compile(r"\b(select|insert|update|delete|from|where|values|create|drop|alter|truncate|pragma|"
                        r"join|set|into|order\s+by|group\s+by|limit|offset|having|union|and|or|in|like|with|"
                        r"begin|exec|call|grant|revoke|vacuum|analyze|explain|show|table|returning|on)\b", re.I)
_SELECT = re.compile(r"\b(select|from|insert|update|delete)\b", re.I)
# Functions whose result is safe to put into SQL text: quoted identifiers and numbers.
_SAFE_CALLS = frozenset({"quote_name", "qn", "quote_ident", "quote_identifier", "quote_name_unless_alias",
                         "_quote_name", "quote", "escape", "escape_string", "escape_identifier", "Identifier",
                         "int", "float", "len", "bool", "abs", "round"})
_PERCENT_SPEC = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_NUMERIC = set("diouxXeEfFgG")


class _SqlBuild:
    """Judges whether an expression builds SQL text from values that may be untrusted."""

    def __init__(self, locals_: dict) -> None:
        self.locals = locals_

    # -- values ---------------------------------------------------------------------------
    def safe(self, expr: ast.AST, depth: int = 0) -> bool:
        """Can this value be put into SQL text as is (a constant, a quoted identifier, a number)?"""
        if depth > 8:
            return False
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.Name):
            if expr.id.isupper() and len(expr.id) > 1:
                return True  # a module constant
            value = self.locals.get(expr.id)
            return value == "safe"
        if isinstance(expr, ast.Attribute):
            return expr.attr.isupper() and len(expr.attr) > 1
        if isinstance(expr, ast.JoinedStr):
            return all(self.safe(v.value, depth + 1) for v in expr.values if isinstance(v, ast.FormattedValue))
        if isinstance(expr, ast.FormattedValue):
            return self.safe(expr.value, depth + 1)
        if isinstance(expr, ast.BinOp):
            if isinstance(expr.op, ast.Mult):  # "%s, " * n, ["%s"] * n
                return any(isinstance(side, ast.Constant) or isinstance(side, (ast.List, ast.Tuple)) and
                           all(self.safe(e, depth + 1) for e in side.elts) for side in (expr.left, expr.right))
            if isinstance(expr.op, (ast.Add, ast.Mod)):
                return self.safe(expr.left, depth + 1) and self.safe(expr.right, depth + 1)
            return isinstance(expr.op, (ast.Sub, ast.FloorDiv, ast.Div))
        if isinstance(expr, (ast.Tuple, ast.List)):
            return all(self.safe(e, depth + 1) for e in expr.elts)
        if isinstance(expr, ast.IfExp):
            return self.safe(expr.body, depth + 1) and self.safe(expr.orelse, depth + 1)
        if isinstance(expr, ast.Call):
            last = last_name(expr.func)
            if last in _SAFE_CALLS:
                return True
            if last == "join" and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Constant):
                return len(expr.args) == 1 and self.safe_items(expr.args[0], depth + 1)
            if last == "format" and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Constant):
                return all(self.safe(a, depth + 1) for a in [*expr.args, *(k.value for k in expr.keywords)])
        return False

    def safe_items(self, expr: ast.AST, depth: int) -> bool:
        if isinstance(expr, ast.Call) and last_name(expr.func) == "repeat" and expr.args:
            return self.safe(expr.args[0], depth)  # itertools.repeat("%s", n)
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return all(self.safe(e, depth) for e in expr.elts)
        if isinstance(expr, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            counters = {gen.target.id for gen in expr.generators if isinstance(gen.target, ast.Name)
                        and isinstance(gen.iter, ast.Call) and last_name(gen.iter.func) == "range"}
            saved = {name: self.locals.get(name) for name in counters}
            self.locals.update(dict.fromkeys(counters, "safe"))  # `f":id_{i}" for i in range(n)`: numbered binds
            try:
                return self.safe(expr.elt, depth)
            finally:
                for name, value in saved.items():
                    if value is None:
                        self.locals.pop(name, None)
                    else:
                        self.locals[name] = value
        return self.safe(expr, depth)

    # -- strings --------------------------------------------------------------------------
    def risky(self, expr: ast.AST) -> Optional[str]:
        """How ``expr`` puts an unsafe value into SQL text ("an f-string", ...), or None.

        Only holes in a *value* position count (inside a quoted literal, after a comparison,
        in ``IN (...)``/``VALUES (...)``, a function argument, ``LIMIT``): there a query
        parameter is the fix. Holes where SQL grammar wants an identifier or a fragment
        (``FROM {table}``, ``WHERE {clause}``, ``{alias}.col``) are not values, and
        statements that cannot take parameters at all (DDL, ``SET``, ``PRAGMA``...) are
        skipped.
        """
        built = _template(expr, self.locals)
        if built is None:
            return None
        how, parts = built
        if _no_parameters(parts):
            return None
        before = ""
        for index, part in enumerate(parts):
            if isinstance(part, str):
                before += part
                continue
            hole, numeric = part
            if not numeric and (hole is None or not self.safe(hole)):
                after = next((p for p in parts[index + 1:] if isinstance(p, str)), "")
                if _value_position(before, after):
                    return how
            before += "x"
        return None


def _template(expr: ast.AST, scope: Optional[dict] = None) -> Optional[tuple[str, list]]:
    """(how, parts): the SQL text split into literal strings and holes (expr, is_numeric).

    ``scope`` supplies the text of local names bound to string literals
    (``q = "... %s"; execute(q % x)``).
    """
    if isinstance(expr, ast.JoinedStr):
        if not any(isinstance(v, ast.FormattedValue) for v in expr.values):
            return None
        return "an f-string", _fstring_parts(expr)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        template = _local_text(expr.left, scope)
        if template is None:
            return None
        return "`%` formatting", _percent_parts(template, expr.right)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        parts: list = []
        has_text = False
        for part in _flatten_add(expr):
            text = constant_text(part)
            if text is not None:
                parts.append(text)
                has_text = True
            elif isinstance(part, ast.JoinedStr):
                parts.extend(_fstring_parts(part))
                has_text = True
            else:
                parts.append((part, False))
        return ("string concatenation", parts) if has_text else None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = _local_text(expr.func.value, scope)
        if template is None:
            return None
        parts = _format_parts(template, expr)
        return ("`.format()`", parts) if parts is not None else None
    return None


def _local_text(expr: ast.AST, scope: Optional[dict]) -> Optional[str]:
    """The text of a string literal, or of a local name last bound to one."""
    text = constant_text(expr)
    if text is None and scope and isinstance(expr, ast.Name):
        text = scope.get(("text", expr.id))
    return text


def _fstring_parts(expr: ast.JoinedStr) -> list:
    parts: list = []
    for value in expr.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        elif isinstance(value, ast.FormattedValue):
            parts.append((value.value, _numeric_spec(value)))
    return parts


def _percent_parts(template: str, right: ast.AST) -> list:
    specs = list(_PERCENT_SPEC.finditer(template))
    real = [m for m in specs if m.group(2) != "%"]
    if isinstance(right, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in right.elts):
        values: list = list(right.elts) if len(right.elts) == len(real) else [None] * len(real)
    elif isinstance(right, ast.Dict):
        named = {k.value: v for k, v in zip(right.keys, right.values) if isinstance(k, ast.Constant)}
        values = [named.get(m.group(1)) if m.group(1) else None for m in real]
    else:
        values = [right if len(real) == 1 else None for _ in real]
        if len(real) > 1 and isinstance(right, ast.Name):
            values = [right] * len(real)  # a tuple variable: judge the variable
    parts: list = []
    cursor = 0
    index = 0
    for match in specs:
        parts.append(template[cursor:match.start()])
        cursor = match.end()
        if match.group(2) == "%":
            parts.append("%")
            continue
        parts.append((values[index], match.group(2) in _NUMERIC))
        index += 1
    parts.append(template[cursor:])
    return parts


def _format_parts(template: str, call: ast.Call) -> Optional[list]:
    import string

    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    parts: list = []
    auto = 0
    for literal, field, spec, _conversion in fields:
        parts.append(literal)
        if field is None:
            continue
        base = re.split(r"[.\[]", field, 1)[0]
        if base == "":
            value = call.args[auto] if auto < len(call.args) else None
            auto += 1
        elif base.isdigit():
            value = call.args[int(base)] if int(base) < len(call.args) else None
        else:
            value = keywords.get(base)
        parts.append((value, bool(spec) and spec[-1] in "dfeEgGxXob%"))
    return parts


# Statements that cannot take query parameters: values there are identifiers or settings.
_NO_PARAMETER_STATEMENTS = frozenset({
    "set", "pragma", "alter", "create", "drop", "grant", "revoke", "show", "explain", "begin", "start",
    "savepoint", "release", "rollback", "commit", "fetch", "close", "declare", "use", "truncate", "vacuum",
    "analyze", "comment", "lock", "listen", "notify", "unlisten", "reindex", "cluster", "refresh", "describe",
    "desc", "attach", "detach", "rename", "optimize", "kill", "deallocate", "prepare", "reset", "discard",
})
_VALUE_WORDS = frozenset({"like", "ilike", "limit", "offset", "then", "else", "when", "between", "in",
                          "escape", "similar", "regexp", "rlike", "glob", "against"})
_COLUMN_FUNCTIONS = frozenset({"count", "sum", "avg", "min", "max", "lower", "upper", "coalesce", "cast",
                               "distinct", "length", "trim", "date", "exists", "over", "partition", "any",
                               "all", "array_agg", "string_agg", "group_concat", "json_extract", "extract",
                               "abs", "round", "nullif", "ifnull", "isnull", "nvl", "concat", "substr",
                               "substring", "using", "on", "key", "unique", "index", "primary", "references",
                               "into", "table", "from", "join", "as", "and", "or", "not", "where", "select"})
_LAST_WORD = re.compile(r"([a-z_][a-z0-9_$]*)\s*$")


def _no_parameters(parts: list) -> bool:
    """Does the SQL start with a statement that takes no parameters (DDL, SET, PRAGMA...)?"""
    head = ""
    for part in parts:
        if not isinstance(part, str):
            break
        head += part
    head = head.lstrip(" \t\r\n(")
    word = re.match(r"[A-Za-z]+", head)
    return bool(word) and word.group(0).lower() in _NO_PARAMETER_STATEMENTS


def _value_position(before: str, after: str) -> bool:
    """Is a hole between ``before`` and ``after`` where SQL expects a value (not a name)?"""
    if before.count("'") % 2 == 1:
        if re.search(r"'\$[.\[][^']*$", before):
            return False  # a JSON path ('$.{key}'): SQL/JSON functions need it literal, no parameter fits
        return True  # inside a quoted string literal
    if after.lstrip().startswith(".") or before.endswith((".", "`", '"', "[", "@")):
        return False  # part of a (quoted or qualified) name
    text = before.rstrip().lower()
    if not text:
        return False
    if text.endswith(("=", "<", ">")):
        return True
    if text.endswith("and") and re.search(r"\bbetween\s+\S+\s+and$", text):
        return True
    if text.endswith(("(", ",")):
        depth = 0
        for position in range(len(text) - 1, -1, -1):
            char = text[position]
            if char == ")":
                depth += 1
            elif char == "(":
                if depth == 0:
                    word = _LAST_WORD.search(text[:position])
                    if word is None:
                        return False
                    name = word.group(1)
                    if name in {"in", "values"}:
                        return True
                    preceding = _LAST_WORD.search(text[:word.start()])
                    if preceding is not None and preceding.group(1) in {"into", "table", "join", "from", "update", "exists"}:
                        return False  # INSERT INTO t (col, ...)
                    return name not in _COLUMN_FUNCTIONS
                depth -= 1
        if text.endswith(","):
            return False
        return False
    word = _LAST_WORD.search(text)
    return word is not None and word.group(1) in _VALUE_WORDS


def _numeric_spec(value: ast.FormattedValue) -> bool:
    spec = value.format_spec
    if isinstance(spec, ast.JoinedStr) and spec.values and isinstance(spec.values[-1], ast.Constant):
        text = str(spec.values[-1].value)
        return bool(text) and text[-1] in "dfeEgGxXob%"
    return False


def _flatten_add(expr: ast.AST) -> list[ast.AST]:
    parts: list[ast.AST] = []
    while isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        parts.append(expr.right)
        expr = expr.left
    parts.append(expr)
    parts.reverse()
    return parts


class RawSqlString(Rule):
    code = "PR408"
    preview = True
    equivalent_codes = ("S608", "B608")
    name = "raw-sql-string"
    severity = Severity.ERROR
    summary = "SQL text is built from values with f-strings, `%`, `+` or `.format()`"
    docs = """
    ## What it does
    Finds SQL built with an f-string, `%` formatting, `+` concatenation or `.format()` that
    reaches `cursor.execute`/`executemany`/`executescript`, SQLAlchemy `text()` and
    `exec_driver_sql`, Django `Manager.raw()`, `RawSQL(...)`, `QuerySet.extra(where=[...])`
    or `pandas.read_sql`, directly or through a local variable assigned before the call
    (`q = f"..."; cursor.execute(q)`, also `q += f"..."`).

    A value is reported where SQL expects a *value*, which a query parameter can replace:
    inside a quoted literal (`'{name}'`), after a comparison (`= {id}`), in `IN (...)`,
    `VALUES (...)`, a function argument, `LIKE`, `LIMIT`/`OFFSET`. Not reported:
    - parts that are safe in SQL text: constants and UPPER_CASE module constants, numbers
      (`%d`, `{n:d}`, `int(...)`, `len(...)`), identifiers quoted with
      `connection.ops.quote_name()`/`qn()`/`quote_ident()` (also through a local variable),
      placeholder lists such as `", ".join(["%s"] * len(ids))` or numbered binds
      (`",".join(f":id_{i}" for i in range(n))`), `"ASC" if asc else "DESC"`,
      and psycopg2's `sql.SQL(...).format(sql.Identifier(...))` composition;
    - JSON paths inside a quoted literal (`JSON_VALUE(meta, '$.{key}')`): SQL/JSON
      functions need them literal, so no parameter fits;
    - identifier and fragment positions (`FROM {table}`, `WHERE {clause}`, `{alias}.col`):
      parameters cannot replace them, and in practice they hold names and parameterised
      fragments built by the code; validate or quote names that come from users;
    - statements that take no parameters at all: DDL (`CREATE`, `ALTER`, `DROP`...), `SET`,
      `PRAGMA`, `SHOW`, `EXPLAIN`, `BEGIN`...;
    - tests and migrations.

    ## Why is this bad?
    Values formatted into SQL text are interpreted as SQL: a quote in a user-supplied value
    ends the string literal and the rest runs as SQL (SQL injection). Query parameters are
    sent separately and never parsed as SQL; they also let the database reuse query plans.

    ## Example
    ```python
    cursor.execute(f"SELECT * FROM users WHERE email = '{email}'")
    ```

    ## Use instead
    ```python
    cursor.execute("SELECT * FROM users WHERE email = %s", [email])
    # SQLAlchemy
    session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email})
    ```
    Identifiers (table or column names) cannot be parameters: quote them
    (`connection.ops.quote_name`, `psycopg2.sql.Identifier`) or pick them from a fixed list.

    ## References
    - [OWASP: SQL Injection Prevention](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    - [Django: Executing custom SQL directly](https://docs.djangoproject.com/en/stable/topics/db/sql/#executing-custom-sql-directly)
    - [SQLAlchemy: Using textual SQL](https://docs.sqlalchemy.org/en/20/tutorial/dbapi_transactions.html)
    """
    invalid = [
        "def find(cursor, email):\n    cursor.execute(f\"SELECT * FROM users WHERE email = '{email}'\")\n",
        "def find(cursor, name):\n    cursor.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n",
        "def find(cursor, name):\n    cursor.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")\n",
        "def find(cursor, name):\n    cursor.execute(\"SELECT * FROM users WHERE name = '{}'\".format(name))\n",
        "def find(cursor, user_id):\n    q = f\"DELETE FROM sessions WHERE user_id = {user_id}\"\n    cursor.execute(q)\n",
        "from sqlalchemy import text\ndef find(session, name):\n    return session.execute(text(f\"SELECT * FROM t WHERE name = '{name}'\"))\n",
        "def find(name):\n    return User.objects.raw(f\"SELECT * FROM app_user WHERE name = '{name}'\")\n",
        "from django.db.models.expressions import RawSQL\ndef annotate(qs, item_id):\n    return qs.annotate(v=RawSQL(\"SELECT price FROM t WHERE id = %s\" % item_id, []))\n",
        "def search(qs, term):\n    return qs.extra(where=[f\"title LIKE '%%{term}%%'\"])\n",
        "def add(conn, rows, user_id):\n    conn.executemany(f\"INSERT INTO t (user_id, a, b) VALUES ({user_id}, ?, ?)\", rows)\n",
        "def find(cursor, filters):\n    sql = \"SELECT * FROM t WHERE 1=1\"\n    for key, value in filters.items():\n        sql += f\" AND {key} = '{value}'\"\n    cursor.execute(sql)\n",
        "import sqlalchemy as sa\ndef count(engine, name):\n    with engine.connect() as c:\n        return c.execute(sa.text(\"SELECT count(*) FROM t WHERE name = '\" + name + \"'\")).scalar()\n",
        "import pandas as pd\ndef load(conn, day):\n    return pd.read_sql(f\"SELECT * FROM events WHERE day = '{day}'\", conn)\n",
        "def find(cursor, name):\n    where = f\"name = '{name}'\"\n    cursor.execute(\"SELECT * FROM t WHERE \" + where)\n",
        "def find(cursor, ids):\n    cursor.execute(\"SELECT * FROM t WHERE id IN (%s)\" % \",\".join(ids))\n",
        "def find(cursor, n):\n    cursor.execute(\"SELECT * FROM t LIMIT {}\".format(n))\n",
        "def find(cursor, email):\n    query = \"SELECT * FROM users WHERE email = '%s'\"\n    cursor.execute(query % email)\n",
    ]
    valid = [
        "def find(cursor, email):\n    cursor.execute(\"SELECT * FROM users WHERE email = %s\", [email])\n",
        "def find(cursor):\n    cursor.execute(\"SELECT \" + \"1\")\n",
        Example("TABLE = \"users\"\ndef find(cursor, email):\n    cursor.execute(f\"SELECT * FROM {TABLE} WHERE email = %s\", [email])\n",
                note="interpolates a module constant"),
        Example("def drop(connection, cursor, table):\n    cursor.execute(\"DROP TABLE %s\" % connection.ops.quote_name(table))\n",
                note="a quoted identifier"),
        Example("def find(cursor, ids):\n    cursor.execute(\"SELECT * FROM t WHERE id IN (%s)\" % \", \".join([\"%s\"] * len(ids)), ids)\n",
                note="a placeholder list"),
        Example("def page(cursor, limit):\n    cursor.execute(\"SELECT * FROM t LIMIT %d\" % limit)\n", note="%d only formats numbers"),
        Example("from psycopg2 import sql\ndef find(cursor, table):\n    cursor.execute(sql.SQL(\"SELECT * FROM {}\").format(sql.Identifier(table)))\n",
                note="psycopg2.sql composition"),
        Example("def find(cursor, asc):\n    order = \"ASC\" if asc else \"DESC\"\n    cursor.execute(f\"SELECT * FROM t ORDER BY id {order}\")\n",
                note="a local built from constants"),
        "def find(cursor, query):\n    cursor.execute(query)\n",
        "def log(logger, name):\n    logger.info(f\"SELECT for {name}\")\n",
        Example("def find(cursor, name):\n    cursor.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n", path="tests/test_db.py", note="test code"),
        "def find(cursor, qn, cols):\n    cursor.execute(\"SELECT %s FROM t\" % \", \".join(qn(c) for c in cols))\n",
        Example("def count(cursor, table):\n    cursor.execute(\"SELECT COUNT(*) FROM %s\" % table)\n",
                note="an identifier position: parameters cannot replace a table name (quote it instead)"),
        Example("def create(cursor, name):\n    cursor.execute(f\"CREATE DATABASE {name} ENCODING 'UTF8'\")\n",
                note="DDL takes no parameters"),
        Example("def level(cursor, level):\n    cursor.execute(f\"SET SESSION TRANSACTION ISOLATION LEVEL {level}\")\n",
                note="SET takes no parameters"),
        Example("def find(cursor, where, params):\n    cursor.execute(f\"SELECT * FROM t WHERE {where}\", params)\n",
                note="a parameterised fragment built elsewhere"),
        Example("def find(cursor, alias):\n    cursor.execute(f\"SELECT * FROM a JOIN b ON a.id = {alias}.a_id\")\n",
                note="a qualified column name"),
        Example("import itertools\ndef find(cursor, pks):\n    clause = \"id IN ({})\".format(\", \".join(itertools.repeat(\"%s\", len(pks))))\n    cursor.execute(\"SELECT * FROM t WHERE \" + clause, pks)\n",
                note="placeholders from itertools.repeat"),
        Example("def delete(cursor, ids):\n    placeholders = ','.join([f':id_{i}' for i in range(len(ids))])\n    cursor.execute(f'DELETE FROM chunk WHERE id IN ({placeholders})')\n",
                note="numbered bind names (open-webui's Oracle store)"),
        Example("def find(connection, cursor, name):\n    table = connection.ops.quote_name(name)\n    cursor.execute(\"SELECT * FROM t WHERE x = %s\" % table)\n",
                note="a local holding a quoted name"),
        Example("def f(cursor, user_id):\n    cursor.execute(f\"UPDATE t SET x = {user_id}\")\n", path="app/migrations/0002_data.py",
                note="migrations"),
        Example("def query(cursor, filters):\n    sql = 'SELECT id FROM chunks WHERE collection = :c'\n    for i, key in enumerate(filters):\n        sql += f\" AND JSON_VALUE(meta, '$.{key}') = :v{i}\"\n    cursor.execute(sql)\n",
                note="a JSON path must be literal; the values are bound (open-webui's Oracle store)"),
    ]

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.locals = LocalValues()

    def _scope(self, ctx) -> dict:
        return self.locals.scope(ctx)

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not ctx.functions or len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        scope = self._scope(ctx)
        name = node.targets[0].id
        value = node.value
        if isinstance(value, ast.Constant):
            scope[name] = "safe"
            if isinstance(value.value, str):
                scope[("text", name)] = value.value
            else:
                scope.pop(("text", name), None)
            return
        scope.pop(("text", name), None)
        if not isinstance(value, _STRING_BUILDERS):
            scope.pop(name, None)
            return
        build = _SqlBuild(scope)
        how = build.risky(value)
        if how is not None:
            scope[name] = (value, how)
            return
        source = _dynamic_source(value, scope)
        if source is not None:
            scope[name] = source  # built from a dynamic fragment: carry where it was built
        elif build.safe(value):
            scope[name] = "safe"
        else:
            scope.pop(name, None)

    def visit_AugAssign(self, node: ast.AugAssign, ctx) -> None:
        if not ctx.functions or not isinstance(node.target, ast.Name) or not isinstance(node.op, ast.Add):
            return
        scope = self._scope(ctx)
        name = node.target.id
        scope.pop(("text", name), None)
        current = scope.get(name)
        build = _SqlBuild(scope)
        how = build.risky(node.value)
        source = (node.value, how) if how is not None else _dynamic_source(node.value, scope)
        if source is not None:
            scope[name] = source
        elif isinstance(current, tuple):
            pass
        elif current == "safe" and build.safe(node.value):
            pass
        else:
            scope.pop(name, None)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = callee_last(node.func, ctx)
        if last is None or ctx.file.is_test or ctx.file.is_migration:
            return
        if last in _SQL_METHODS:
            if not isinstance(node.func, ast.Attribute):
                return
            if last == "extra":
                where = keyword_value(node, "where")
                targets = list(where.elts) if isinstance(where, (ast.List, ast.Tuple)) else []
            else:
                first = node.args[0] if node.args else None
                if first is None:
                    first = next((k.value for k in node.keywords if k.arg in {"sql", "query", "statement", "operation", "raw_query"}), None)
                targets = [first] if first is not None else []
        elif last in _SQL_FUNCTION_NAMES:
            callee = ctx.resolve(node.func) or ""
            if callee not in _SQL_FUNCTIONS and not (callee.startswith("flask_sqlalchemy.") and last == "text"):
                return
            first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in {"text", "sql"}), None)
            targets = [first] if first is not None else []
        else:
            return
        scope = self._scope(ctx) if ctx.functions else {}
        for target in targets:
            self._check(target, last, scope, ctx)

    def _check(self, target: ast.expr, sink: str, scope: dict, ctx) -> None:
        if isinstance(target, ast.Call) and last_name(target.func) == "text":
            return  # execute(text(...)) is checked at text()
        how = _SqlBuild(scope).risky(target)
        if how is not None:
            expr = target
            if not _SQL_WORDS.search(_literal_parts(expr, scope)):
                return
        else:
            source = _dynamic_source(target, scope)
            if source is None:
                return
            expr, how = source  # a fragment built earlier in this function reaches the query
        if sink == "raw" and not _SELECT.search(_literal_parts(target, scope) + " " + _literal_parts(expr, scope)):
            return
        self.report(expr, f"Pass the values as query parameters (`execute(sql, params)`) instead of building the SQL "
                          f"with {how}: interpolated values allow SQL injection")


_STRING_BUILDERS = (ast.JoinedStr, ast.BinOp, ast.Call, ast.Name, ast.IfExp, ast.Attribute)


def _dynamic_source(expr: ast.AST, scope: dict) -> Optional[tuple]:
    """(fragment, how) when ``expr`` is, or is built from, a local holding a risky SQL fragment."""
    if isinstance(expr, ast.Name):
        value = scope.get(expr.id)
        return value if isinstance(value, tuple) else None
    built = _template(expr, scope)
    if built is None:
        return None
    for part in built[1]:
        if isinstance(part, tuple) and isinstance(part[0], ast.Name):
            value = scope.get(part[0].id)
            if isinstance(value, tuple):
                return value
    return None


def _literal_parts(expr: ast.AST, scope: Optional[dict] = None) -> str:
    """The constant text of a string-building expression (to see that it is SQL)."""
    out: list[str] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.Name) and scope and ("text", node.id) in scope:
            out.append(scope[("text", node.id)])
        elif isinstance(node, ast.JoinedStr):
            stack.extend(v for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.BinOp):
            stack.extend((node.left, node.right))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            stack.append(node.func.value)
    return " ".join(out)
