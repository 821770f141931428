"""Turning ``print(...)`` into a logging call, and deleting whole statements cleanly.

``print(a, b)`` -> ``logger.info("%s %s", a, b)``: string literals and simple f-strings are
folded into the format string (``print("Loaded", n, "rows")`` ->
``logger.info("Loaded %s rows", n)``, ``print(f"user {uid!r}")`` ->
``logger.info("user %r", uid)``), every other argument becomes a lazy ``%s`` argument (what
``print`` does: ``str()`` of it). ``sep=`` is honoured when it is a literal, ``end=`` and
``flush=`` are dropped (a log record is one line and handlers flush). An f-string with a
format spec (``{x:.2f}``) is kept whole as one argument (``"%s", f"..."``) rather than
translated, so the text logged stays exactly the same.

A message without arguments is not %-formatted by `logging` (``LogRecord.getMessage`` only
applies ``msg % args`` when there are args), so a lone literal is kept as it is and ``%`` is
escaped as ``%%`` only when arguments follow. Loguru loggers format with ``{}``; pass
``style="brace"`` for them.
"""

from __future__ import annotations

import ast
from typing import Callable, Optional

from prodready.core.source import SourceFile

_CONVERSIONS = {-1: "s", 115: "s", 114: "r", 97: "a"}  # ord("s"), ord("r"), ord("a")


def string_literal(value: str) -> str:
    """A double-quoted Python literal for ``value``."""
    text = repr(value)
    if text.startswith('"'):
        return text
    inner = text[1:-1].replace("\\'", "'").replace('"', '\\"')
    return f'"{inner}"'


def _escape(text: str, style: str) -> str:
    if style == "brace":
        return text.replace("{", "{{").replace("}", "}}")
    return text.replace("%", "%%")


def _placeholder(conversion: int, style: str) -> str:
    code = _CONVERSIONS[conversion]
    if style == "brace":
        return "{}" if code == "s" else "{!" + code + "}"
    return "%" + code


def print_call_arguments(
    call: ast.Call, segment: Callable[[ast.AST], str], style: str = "percent"
) -> Optional[str]:
    """The argument list of the logging call that replaces ``call`` (a ``print(...)``).

    Returns None when the call cannot be converted faithfully (``*args``, a computed
    ``sep``, an unknown keyword) or prints nothing (``print()``).
    """
    sep = " "
    for kw in call.keywords:
        if kw.arg == "sep":
            if isinstance(kw.value, ast.Constant) and kw.value.value is None:
                continue
            if not (isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)):
                return None
            sep = kw.value.value
        elif kw.arg not in ("end", "flush", "file"):
            return None
    if not call.args:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if len(call.args) == 1 and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return segment(call.args[0])  # keep the user's literal exactly
    if len(call.args) == 1 and style == "percent":
        lazy = _percent_format_arguments(call.args[0], segment)
        if lazy is not None:
            return lazy
    # pieces: ("lit", text) or ("arg", source, conversion)
    pieces: list[tuple] = []
    for index, arg in enumerate(call.args):
        if index:
            pieces.append(("lit", sep))
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            pieces.append(("lit", arg.value))
        elif isinstance(arg, ast.JoinedStr) and _simple_fstring(arg):
            for part in arg.values:
                if isinstance(part, ast.Constant):
                    pieces.append(("lit", part.value))
                else:
                    pieces.append(("arg", _expression_text(part.value), part.conversion))
        else:
            text = segment(arg)
            if isinstance(arg, ast.GeneratorExp) and not text.startswith("("):
                text = f"({text})"
            pieces.append(("arg", text, -1))
    args = [p for p in pieces if p[0] == "arg"]
    if not args:
        return string_literal("".join(p[1] for p in pieces))
    fmt = "".join(_escape(p[1], style) if p[0] == "lit" else _placeholder(p[2], style) for p in pieces)
    return ", ".join([string_literal(fmt), *(p[1] for p in args)])


def _percent_format_arguments(arg: ast.expr, segment: Callable[[ast.AST], str]) -> Optional[str]:
    """``print("x %s y %d" % (a, b))`` -> ``"x %s y %d", a, b`` (logging formats lazily).

    Only for a literal tuple on the right: ``"%s" % t`` formats a tuple ``t`` differently
    from ``logger.info("%s", t)``, and ``%(name)s`` needs a mapping.
    """
    if not (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod)):
        return None
    template, values = arg.left, arg.right
    if not (isinstance(template, ast.Constant) and isinstance(template.value, str)) or "%(" in template.value:
        return None
    if not isinstance(values, ast.Tuple) or not values.elts or any(isinstance(e, ast.Starred) for e in values.elts):
        return None
    parts = [segment(template)]
    for element in values.elts:
        text = segment(element)
        if isinstance(element, ast.GeneratorExp) and not text.startswith("("):
            text = f"({text})"
        parts.append(text)
    return ", ".join(parts)


def _simple_fstring(node: ast.JoinedStr) -> bool:
    for part in node.values:
        if isinstance(part, ast.FormattedValue):
            if part.format_spec is not None or part.conversion not in _CONVERSIONS:
                return False
        elif not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
            return False
    return True


def _expression_text(node: ast.AST) -> str:
    # Positions inside f-strings are unreliable before Python 3.12: unparse instead.
    text = ast.unparse(node)
    if isinstance(node, (ast.NamedExpr, ast.Lambda, ast.Yield, ast.YieldFrom, ast.GeneratorExp)) and not text.startswith("("):
        text = f"({text})"
    return text


def statement_line_span(source: SourceFile, stmt: ast.stmt) -> Optional[tuple[int, int]]:
    """(start, end) character offsets of the whole lines ``stmt`` occupies, line break
    included, or None when the lines hold other code too (``a(); b()``, ``if x: b()``).

    A trailing comment on the last line goes with the statement.
    """
    start, end = source.node_range(stmt)
    first = source.line_of(start)
    last = source.line_of(end)
    line_start = source.line_starts[first]
    if source.text[line_start:start].strip():
        return None
    rest_end = source.line_starts[last + 1] if last + 1 < source.line_count else len(source.text)
    rest = source.text[end:rest_end].strip()
    if rest and not rest.startswith("#"):
        return None
    return line_start, rest_end


def removal_edit_span(source: SourceFile, stmt: ast.stmt, only_statement: bool) -> Optional[tuple[int, int, str]]:
    """How to delete ``stmt`` from its block: (start, end, replacement).

    The whole line goes (``replacement`` is empty); when ``stmt`` is the only statement of
    its block it becomes ``pass`` so the block stays valid. A blank line left doubled by the
    removal goes too.
    """
    span = statement_line_span(source, stmt)
    if span is None:
        return None
    start, end = span
    if only_statement:
        stmt_start, stmt_end = source.node_range(stmt)
        return stmt_start, stmt_end, "pass"
    text = source.text
    before_blank = start == 0 or (start >= 2 and text[:start - 1].rsplit("\n", 1)[-1].strip() == "")
    after_line_end = text.find("\n", end)
    after = text[end:after_line_end if after_line_end != -1 else len(text)]
    if before_blank and start > 0 and end < len(text) and after.strip() == "":
        end = after_line_end + 1 if after_line_end != -1 else len(text)
    return start, end, ""
