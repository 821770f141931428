"""PR101 `naive-utcnow`: datetime.utcnow()/utcfromtimestamp() return naive datetimes and are deprecated since Python 3.12."""

from __future__ import annotations

import ast

from prodready.core.astutil import is_true, keyword_value
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_from_import, merge_insertions

_UTC_METHODS = {"datetime.datetime.utcnow": "utcnow", "datetime.datetime.utcfromtimestamp": "utcfromtimestamp"}
_COLUMN_CALLS = ("Column", "mapped_column")
_TZ_TYPES = ("DateTime", "TIMESTAMP")


def _aware_column(parents: list[ast.AST], resolve) -> bool:
    """Is the nearest enclosing SQLAlchemy column a ``DateTime(timezone=True)``?"""
    for node in reversed(parents):
        if isinstance(node, ast.Call):
            callee = resolve(node.func) or ""
            if callee.rsplit(".", 1)[-1] in _COLUMN_CALLS and "sqlalchemy" in callee or callee in _COLUMN_CALLS or callee.endswith((".Column", ".mapped_column")):
                for arg in [*node.args, *(kw.value for kw in node.keywords if kw.arg == "type_")]:
                    if isinstance(arg, ast.Call):
                        type_name = resolve(arg.func) or ""
                        if type_name.rsplit(".", 1)[-1] in _TZ_TYPES and is_true(keyword_value(arg, "timezone")):
                            return True
                return False
        if isinstance(node, (ast.stmt,)):
            return False
    return False


class NaiveUtcnow(Rule):
    code = "PR101"
    preview = True
    equivalent_codes = ("DTZ003", "DTZ004")
    name = "naive-utcnow"
    severity = Severity.WARNING
    summary = "datetime.utcnow()/utcfromtimestamp() return naive datetimes and are deprecated since Python 3.12"
    fix_availability = "safe"
    tags = ("deprecated",)
    docs = """
    ## What it does
    Finds `datetime.utcnow()` and `datetime.utcfromtimestamp(ts)` in every import form
    (`from datetime import datetime as dt`, `import datetime as d`), and references to them
    passed as callables: `Column(DateTime, default=datetime.utcnow)`, `onupdate=`,
    `mapped_column(default=)`, pydantic `Field(default_factory=)`,
    `dataclasses.field(default_factory=)`, Django `DateTimeField(default=)`,
    `f = datetime.utcnow`.

    ## Why is this bad?
    Both return a *naive* `datetime` (no `tzinfo`) that holds UTC wall-clock time. Code
    that later calls `.astimezone()`, compares it with an aware value or serialises it
    treats it as local time, and the error appears only on servers whose clock is not UTC.
    Both methods are deprecated since Python 3.12 (they still exist in 3.13) and emit a
    `DeprecationWarning`.

    ## Example
    ```python
    from datetime import datetime

    created = datetime.utcnow()
    ```

    ## Use instead
    ```python
    from datetime import datetime, timezone

    created = datetime.now(timezone.utc)
    ```

    ## Fix safety
    The safe fix keeps the value naive, so nothing else changes:
    `datetime.now(timezone.utc).replace(tzinfo=None)`. The unsafe fix produces an aware
    value, `datetime.now(timezone.utc)`, which is the recommended form where the
    surrounding code accepts aware datetimes. A reference becomes a `lambda:` of the same.
    On a SQLAlchemy `DateTime(timezone=True)` column the aware form is the safe one (the
    column stores aware values); on a naive `DateTime` column an aware default would be
    read back naive and comparisons with aware values would raise `TypeError`, so the
    naive-preserving form is offered.
    `utcfromtimestamp(ts)` becomes `fromtimestamp(ts, tz=timezone.utc)`. The fix keeps
    your import style and adds `timezone` to an existing `from datetime import ...`; if
    `timezone` already means something else (Django's `django.utils.timezone`), it is
    imported as `dt_timezone`, or `UTC` is used when the target Python is 3.11+.

    Not reported: `arrow.utcnow()`, `pendulum.now()`, `django.utils.timezone.now`, and a
    class of your own called `datetime`.

    ## References
    - [Python docs: datetime.utcnow](https://docs.python.org/3/library/datetime.html#datetime.datetime.utcnow)
    - [PEP 495 and aware datetimes](https://docs.python.org/3/library/datetime.html#aware-and-naive-objects)
    """
    invalid = [
        "from datetime import datetime\nx = datetime.utcnow()\n",
        "import datetime\nx = datetime.datetime.utcnow()\n",
        "from datetime import datetime as dt\nx = dt.utcnow()\n",
        "import datetime as d\nx = d.datetime.utcnow()\n",
        "from datetime import datetime\nx = datetime.utcfromtimestamp(ts)\n",
        "import datetime\nx = datetime.datetime.utcfromtimestamp(ts)\n",
        "from datetime import datetime\nfrom sqlalchemy import Column, DateTime\ncreated = Column(DateTime, default=datetime.utcnow)\n",
        "from datetime import datetime\nfrom sqlalchemy import Column, DateTime\ncreated = Column(DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)\n",
        "from datetime import datetime\nfrom sqlalchemy import Column, DateTime\ncreated = Column(DateTime(timezone=True), default=datetime.utcnow)\n",
        "import datetime\nimport sqlalchemy as sa\nfrom sqlalchemy.orm import mapped_column\ncreated = mapped_column(sa.DateTime(timezone=True), default=datetime.datetime.utcnow)\n",
        "from datetime import datetime\nfrom pydantic import BaseModel, Field\nclass Event(BaseModel):\n    at: datetime = Field(default_factory=datetime.utcnow)\n",
        "import dataclasses\nfrom datetime import datetime\n@dataclasses.dataclass\nclass Event:\n    at: datetime = dataclasses.field(default_factory=datetime.utcnow)\n",
        "from datetime import datetime\nfrom django.db import models\nclass Post(models.Model):\n    created = models.DateTimeField(default=datetime.utcnow)\n",
        "from datetime import datetime\nnow = datetime.utcnow\n",
        "from datetime import datetime\nfrom django.utils import timezone\nx = datetime.utcnow()\n",
        "from datetime import datetime\ndef stamp():\n    return datetime.utcnow().isoformat()\n",
    ]
    valid = [
        "from datetime import datetime, timezone\nx = datetime.now(timezone.utc)\n",
        "import arrow\nx = arrow.utcnow()\n",
        "import pendulum\nx = pendulum.now('UTC')\n",
        "from django.utils import timezone\nx = timezone.now()\n",
        "from django.db import models\nfrom django.utils import timezone\nclass Post(models.Model):\n    created = models.DateTimeField(default=timezone.now)\n",
        Example("class datetime:\n    @staticmethod\n    def utcnow():\n        return 0\nx = datetime.utcnow()\n", note="a user class called datetime"),
        Example("from mylib import datetime\nx = datetime.utcnow()\n", note="another library's datetime"),
        "import datetime\nx = datetime.utcnow()\n",
        "x = obj.utcnow()\n",
    ]
    fixed = {
        invalid[0]: "from datetime import datetime, timezone\nx = datetime.now(timezone.utc).replace(tzinfo=None)\n",
        invalid[1]: "import datetime\nx = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)\n",
        invalid[2]: "from datetime import datetime as dt, timezone\nx = dt.now(timezone.utc).replace(tzinfo=None)\n",
        invalid[3]: "import datetime as d\nx = d.datetime.now(d.timezone.utc).replace(tzinfo=None)\n",
        invalid[4]: "from datetime import datetime, timezone\nx = datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)\n",
        invalid[5]: "import datetime\nx = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc).replace(tzinfo=None)\n",
        invalid[6]: "from datetime import datetime, timezone\nfrom sqlalchemy import Column, DateTime\ncreated = Column(DateTime, default=lambda: datetime.now(timezone.utc).replace(tzinfo=None))\n",
        invalid[8]: "from datetime import datetime, timezone\nfrom sqlalchemy import Column, DateTime\ncreated = Column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))\n",
        invalid[9]: "import datetime\nimport sqlalchemy as sa\nfrom sqlalchemy.orm import mapped_column\ncreated = mapped_column(sa.DateTime(timezone=True), default=lambda: datetime.datetime.now(datetime.timezone.utc))\n",
        invalid[13]: "from datetime import datetime, timezone\nnow = lambda: datetime.now(timezone.utc).replace(tzinfo=None)\n",
        invalid[14]: "from datetime import datetime, timezone as dt_timezone\nfrom django.utils import timezone\nx = datetime.now(dt_timezone.utc).replace(tzinfo=None)\n",
        invalid[15]: "from datetime import datetime, timezone\ndef stamp():\n    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat()\n",
    }
    unsafe_fixed = {
        invalid[0]: "from datetime import datetime, timezone\nx = datetime.now(timezone.utc)\n",
        invalid[6]: "from datetime import datetime, timezone\nfrom sqlalchemy import Column, DateTime\ncreated = Column(DateTime, default=lambda: datetime.now(timezone.utc))\n",
        invalid[4]: "from datetime import datetime, timezone\nx = datetime.fromtimestamp(ts, tz=timezone.utc)\n",
    }

    def visit_Attribute(self, node: ast.Attribute, ctx) -> None:
        if node.attr not in ("utcnow", "utcfromtimestamp"):
            return
        qualified = ctx.resolve(node)
        method = _UTC_METHODS.get(qualified or "")
        if method is None:
            return
        parent = ctx.parent
        is_call = isinstance(parent, ast.Call) and parent.func is node
        target = parent if is_call else node
        aware_column = _aware_column(ctx.parents, ctx.resolve)
        class_expr = ctx.source.node_range(node.value)
        class_text = ctx.source.text[class_expr[0]:class_expr[1]]
        module_expr = None
        if isinstance(node.value, ast.Attribute):
            start, end = ctx.source.node_range(node.value.value)
            module_expr = ctx.source.text[start:end]
        ts_text = None
        if method == "utcfromtimestamp" and is_call:
            if len(parent.args) != 1 or parent.keywords or isinstance(parent.args[0], ast.Starred):
                ts_text = None
            else:
                ts_text = ctx.source.segment(parent.args[0])
        target_range = ctx.source.node_range(target)
        what = f"datetime.{method}()"
        shown = "datetime.now(timezone.utc)" if method == "utcnow" else "datetime.fromtimestamp(ts, tz=timezone.utc)"
        message = f"`{what}` returns a naive datetime and is deprecated since Python 3.12; use `{shown}`"
        fixes = []
        if not (method == "utcfromtimestamp" and is_call and ts_text is None):
            builder = _Rewrite(target_range, class_text, module_expr, method, is_call, ts_text)
            builder.stripped_after = is_call and _tzinfo_none_follows(ctx.parents)
            if aware_column:
                fixes.append(fix(f"Use timezone-aware `{shown}` (the column is timezone-aware)", builder.aware, safe=True))
            else:
                fixes.append(fix(f"Replace with `{shown}.replace(tzinfo=None)` (same naive value)", builder.naive, safe=True))
                fixes.append(fix(f"Replace with timezone-aware `{shown}` (values become aware)", builder.aware, safe=False))
        self.report(target, message, fixes=fixes)


class _Rewrite:
    """Builds the PR101 replacement text for one occurrence (call or reference)."""

    def __init__(self, target_range, class_text, module_expr, method, is_call, ts_text) -> None:
        self.target_range = target_range
        self.class_text = class_text
        self.module_expr = module_expr
        self.method = method
        self.is_call = is_call
        self.ts_text = ts_text
        self.stripped_after = False

    def naive(self, fc: FixContext):
        return self._build(fc, naive=True)

    def aware(self, fc: FixContext):
        return self._build(fc, naive=False)

    def _build(self, fc: FixContext, naive: bool):
        edits: list[Edit] = []
        if self.module_expr is not None:
            tz = f"{self.module_expr}.timezone.utc"
        else:
            tz = _timezone_expr(fc, edits)
        # `utcnow().replace(tzinfo=None)` already strips: do not add a second `.replace`.
        suffix = ".replace(tzinfo=None)" if naive and not self.stripped_after else ""
        if self.method == "utcnow":
            expr = f"{self.class_text}.now({tz}){suffix}"
            text = expr if self.is_call else f"lambda: {expr}"
        else:
            ts = self.ts_text if self.is_call else "ts"
            expr = f"{self.class_text}.fromtimestamp({ts}, tz={tz}){suffix}"
            text = expr if self.is_call else f"lambda ts: {expr}"
        start, end = self.target_range
        edits.append(Edit(fc.at(start), fc.at(end), text))
        return merge_insertions(edits)


def _tzinfo_none_follows(parents) -> bool:
    """The call is followed by `.replace(tzinfo=None)`."""
    if len(parents) < 3:
        return False
    attribute, call = parents[-2], parents[-3]
    return (isinstance(attribute, ast.Attribute) and attribute.attr == "replace" and isinstance(call, ast.Call)
            and call.func is attribute and not call.args and len(call.keywords) == 1
            and call.keywords[0].arg == "tzinfo" and isinstance(call.keywords[0].value, ast.Constant)
            and call.keywords[0].value.value is None)


def _timezone_expr(fc: FixContext, edits: list[Edit]) -> str:
    from prodready.quickfixes.imports import ModuleImports

    info = ModuleImports.of(fc.text)
    existing = info.name_for("datetime.timezone")
    if existing:
        return f"{existing}.utc"
    existing_utc = info.name_for("datetime.UTC")
    if existing_utc:
        return existing_utc
    taken = info.bound_to("timezone")[0]
    if taken and fc.target_version >= (3, 11) and not info.bound_to("UTC")[0]:
        new_edits, local = ensure_from_import(fc.text, "datetime", "UTC")
        edits.extend(new_edits)
        return local
    new_edits, local = ensure_from_import(fc.text, "datetime", "timezone", fallback_alias="dt_timezone")
    edits.extend(new_edits)
    return f"{local}.utc"
