"""Import handling for fixes: reuse what the file already imports, add only what is missing,
keep the user's import style, and never shadow a name that means something else.

Works on the whole file's text at fix time (fixes are computed lazily, so parsing here is
paid only when someone asks for the fix). Structural changes to an existing
``from x import (...)`` statement go through libcst so parentheses, trailing commas and
comments survive; everything else is a plain inserted line.
"""

from __future__ import annotations

import ast
import warnings
from collections import OrderedDict
from functools import cached_property, lru_cache
from typing import Optional, Sequence

from prodready.core.findings import Edit
from prodready.core.names import NameResolver
from prodready.core.source import SourceFile


class ModuleImports:
    """Top-level bindings of a file and where a new import line belongs.

    ``tree``: the file's tree (None when it does not parse). A primed one (`prime`) knows
    its bindings and its leading statements, and parses the whole text only when a fix asks
    for more (an existing ``from x import`` to extend, every name of the file)."""

    def __init__(self, source: SourceFile, tree: Optional[ast.Module], bindings: dict,
                 leading: Optional[list] = None) -> None:
        self.source = source
        self._tree = tree
        self.bindings = bindings
        self._leading = leading  # primed: the statements up to the first that is no import

    @property
    def tree(self) -> Optional[ast.Module]:
        if self._tree is None and self._leading is not None:
            # Primed: the text parses (its blocks did). Not through ``source.tree``: a primed
            # source is the server's own, which keeps no whole-file tree.
            self._tree = _module_imports(self.source.text).tree
            self._leading = None
        return self._tree

    @classmethod
    def of(cls, text: str) -> "ModuleImports":
        """Parsed once per text: several fixes of one file (and fix-all rounds) share it;
        or given by the server, which knows the text's bindings already (`prime`)."""
        primed = _PRIMED.get(text)
        return primed if primed is not None else _module_imports(text)

    def bound_to(self, name: str) -> tuple[bool, Optional[str]]:
        if name in self.bindings:
            return True, self.bindings[name]
        return False, None

    def name_for(self, qualified: str) -> Optional[str]:
        return self._names_by_value.get(qualified)

    @cached_property
    def _names_by_value(self) -> dict:
        """The first name bound to each value (one scan per text, not one per fix)."""
        names: dict = {}
        for name, value in self.bindings.items():
            names.setdefault(value, name)
        return names

    @cached_property
    def logger_name(self) -> Optional[str]:
        """The name of an existing module logger, if there is one."""
        for name, value in self.bindings.items():
            if value in {"logging.getLogger()", "structlog.get_logger()", "loguru.logger"} \
                    or (value or "").endswith(".getLogger()") and value.startswith("logging"):
                return name
        return None

    def insertion_offset(self) -> int:
        """After the leading docstring/imports block (after `from __future__` at least)."""
        statements = self._leading if self._leading is not None else self.tree.body if self.tree is not None else None
        if statements is None:
            return 0
        last_end: Optional[int] = None
        for index, stmt in enumerate(statements):
            if not _leads(stmt, index):
                break
            last_end = self._line_end(stmt)
        if last_end is None:
            # Keep a shebang / coding line / leading comments first.
            offset = 0
            for line in range(self.source.line_count):
                text = self.source.line_text(line)
                if text.startswith("#"):
                    offset = self.source.line_starts[line + 1] if line + 1 < self.source.line_count else len(self.source.text)
                else:
                    break
            return offset
        return last_end

    def _line_end(self, stmt: ast.stmt) -> int:
        end_line = stmt.end_lineno or stmt.lineno
        if end_line < self.source.line_count:
            return self.source.line_starts[end_line]
        return len(self.source.text)

    def insert_line(self, line: str) -> Edit:
        offset = self.insertion_offset()
        text = self.source.text
        prefix = "" if offset == 0 or text[offset - 1:offset] == "\n" else "\n"
        return Edit(offset, offset, f"{prefix}{line}\n")


_PRIMED: "OrderedDict[str, ModuleImports]" = OrderedDict()
_PRIMED_TEXTS = 4


def _leads(stmt: ast.stmt, index: int) -> bool:
    """Is ``stmt`` (the ``index``-th of the module) part of the leading block new imports
    go after (`ModuleImports.insertion_offset`)?"""
    if index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
            and isinstance(stmt.value.value, str):
        return True
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    return isinstance(stmt, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass)) for s in stmt.body)


def prime(text: str, source: SourceFile, bindings: dict, leading: Sequence[tuple[int, str]]) -> None:
    """Tell `ModuleImports.of` what ``text`` binds without parsing it whole: the server's
    analysis of an open file has its module bindings (``bindings``, what
    `NameResolver.module_bindings` gives for the whole text, which parses) and its first
    top-level blocks (``leading``: (offset, text), each starting a line); where new imports
    go is read from those blocks alone. Parsing a 5,600-line module for each quick fix that
    adds an import was a third of a code action's time. Nothing is primed when the blocks
    end before the leading imports do (then the text is parsed as before)."""
    if text in _PRIMED:
        return
    body: list = []
    for start, block_text in leading:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(block_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        ast.increment_lineno(tree, source.line_of(start))
        for stmt in tree.body:
            body.append(stmt)
            if not _leads(stmt, len(body) - 1):  # the first statement after the imports
                _PRIMED[text] = ModuleImports(source, None, dict(bindings), body)
                while len(_PRIMED) > _PRIMED_TEXTS:
                    _PRIMED.popitem(last=False)
                return
    # The blocks given may all be imports: where they end is not known.


@lru_cache(maxsize=8)
def _module_imports(text: str) -> ModuleImports:
    source = SourceFile(text)
    tree = source.tree
    bindings = NameResolver.module_bindings(tree.body) if tree else {}
    return ModuleImports(source, tree, bindings)


def ensure_import(text: str, module: str) -> tuple[list[Edit], str]:
    """Make ``module`` (e.g. ``os``) usable; returns (edits, the name to refer to it by)."""
    info = ModuleImports.of(text)
    existing = info.name_for(module)
    if existing:
        return [], existing
    top = module.split(".")[0]
    found, value = info.bound_to(top)
    if not found and "." not in module:
        return [info.insert_line(f"import {module}")], module
    if found and value == top and "." in module:
        return [info.insert_line(f"import {module}")], module
    alias = "_" + module.replace(".", "_")
    return [info.insert_line(f"import {module} as {alias}")], alias


def ensure_from_import(text: str, module: str, name: str, fallback_alias: Optional[str] = None) -> tuple[list[Edit], str]:
    """Make ``module.name`` usable by a bare name, adding to an existing ``from module import``.

    If ``name`` is already bound to something else (Django's ``timezone``), import it as
    ``fallback_alias`` instead. Returns (edits, the name to use).
    """
    info = ModuleImports.of(text)
    qualified = f"{module}.{name}"
    existing = info.name_for(qualified)
    if existing:
        return [], existing
    found, _value = info.bound_to(name)
    alias = None
    if found:
        alias = fallback_alias or f"_{name}"
        if info.bound_to(alias)[0]:
            alias = f"_{module.replace('.', '_')}_{name}"
    local = alias or name
    statement = _existing_from_import(info, module)
    if statement is not None:
        edit = _add_alias(info.source, statement, name, alias)
        if edit is not None:
            return [edit], local
    line = f"from {module} import {name}" + (f" as {alias}" if alias else "")
    return [info.insert_line(line)], local


def _existing_from_import(info: ModuleImports, module: str) -> Optional[ast.ImportFrom]:
    if info.tree is None:
        return None
    for stmt in info.tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == module and not stmt.level:
            if any(alias.name == "*" for alias in stmt.names):
                continue
            return stmt
    return None


def _add_alias(source: SourceFile, stmt: ast.ImportFrom, name: str, alias: Optional[str]) -> Optional[Edit]:
    start, end = source.node_range(stmt)
    segment = source.text[start:end]
    import libcst as cst  # here, not at the top: every rule module imports this one, and a
    # batch run that builds no fix must not pay libcst's ~0.13 s import in each process

    try:
        node = cst.parse_statement(segment)
    except cst.ParserSyntaxError:
        return None
    if not isinstance(node, cst.SimpleStatementLine) or not isinstance(node.body[0], cst.ImportFrom):
        return None
    imp = node.body[0]
    if isinstance(imp.names, cst.ImportStar):
        return None
    names = list(imp.names)
    new_alias = cst.ImportAlias(
        name=cst.Name(name),
        asname=cst.AsName(name=cst.Name(alias)) if alias else None,
    )
    last = names[-1]
    had_trailing_comma = isinstance(last.comma, cst.Comma)
    if not had_trailing_comma:
        names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        names.append(new_alias)
    else:
        # Parenthesised multi-line list with a trailing comma: add in the same style.
        names.append(new_alias.with_changes(comma=last.comma))
    updated = imp.with_changes(names=names)
    code = cst.Module([]).code_for_node(node.with_changes(body=[updated, *node.body[1:]]))
    code = code.rstrip("\n") if not segment.endswith("\n") else code
    return Edit(start, end, code)


def ensure_logger(text: str) -> tuple[list[Edit], str]:
    """Make a module logger usable: reuse ``logger = logging.getLogger(...)`` or add one."""
    info = ModuleImports.of(text)
    if info.logger_name is not None:
        return [], info.logger_name
    edits, logging_name = ensure_import(text, "logging")
    logger_name = "logger" if not info.bound_to("logger")[0] else "_logger"
    offset = info.insertion_offset()
    prefix = "" if offset == 0 or info.source.text[offset - 1:offset] == "\n" else "\n"
    line = f"{logger_name} = {logging_name}.getLogger(__name__)\n"
    if edits:
        insertion = edits[0].replacement + f"\n{line}"
    else:
        insertion = f"{prefix}\n{line}"
    insertion += _separation_after(info.source.text, offset)
    return [Edit(offset, offset, insertion)], logger_name


def _separation_after(text: str, offset: int) -> str:
    """Blank lines to keep between an inserted top-level line and the code right after it
    (PEP 8: two before a def or class)."""
    if offset >= len(text) or text.startswith(("\n", "\r\n", "\r"), offset):
        return ""
    return "\n\n" if text.startswith(("def ", "async def ", "class ", "@"), offset) else "\n"


def merge_insertions(edits: list[Edit]) -> list[Edit]:
    """Combine several insertions at the same offset (their texts in order) into one edit."""
    merged: dict[tuple[int, int], Edit] = {}
    others: list[Edit] = []
    for edit in edits:
        if edit.start == edit.end:
            key = (edit.start, edit.end)
            if key in merged:
                if edit.replacement not in merged[key].replacement:
                    merged[key] = Edit(edit.start, edit.end, merged[key].replacement + edit.replacement)
            else:
                merged[key] = edit
        else:
            others.append(edit)
    return [*others, *merged.values()]


def remove_import_if_unused(text: str, name: str, removed: tuple[int, int] = (0, 0)) -> list[Edit]:
    """Edits that drop ``name`` from its top-level ``from x import ...`` when nothing else uses it.

    ``removed`` is a span of ``text`` another edit of the same fix deletes (the decorator or
    call that was the last use); uses inside it do not count. The whole statement goes when
    ``name`` was its only name; otherwise just that name (parentheses, commas and comments of
    a multi-line import survive). Returns [] when the name is still used, exported through
    ``__all__``, or not imported that way.
    """
    source = SourceFile(text)
    tree = source.tree
    if tree is None:
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name:
            start, end = source.node_range(node)
            if not (removed[0] <= start and end <= removed[1]):
                return []
        elif isinstance(node, ast.Constant) and node.value == name:
            return []  # `__all__ = ["name"]`, getattr(module, "name"), ...
    for stmt in tree.body:
        if not isinstance(stmt, ast.ImportFrom):
            continue
        aliases = [a for a in stmt.names if (a.asname or a.name) == name]
        if not aliases:
            continue
        start, end = source.node_range(stmt)
        line = source.line_of(start)
        end_line = source.line_of(end)
        before = text[source.line_starts[line]:start]
        after = source.line_text(end_line)[end - source.line_starts[end_line]:].strip()
        if before.strip() or (after and not after.startswith("#")):
            return []  # shares its line with other statements
        if len(stmt.names) == 1:
            stop = source.line_starts[end_line + 1] if end_line + 1 < source.line_count else len(text)
            return [Edit(source.line_starts[line], stop, "")]
        edit = _drop_alias(text[start:end], name)
        return [Edit(start, end, edit)] if edit is not None else []
    return []


def _drop_alias(segment: str, name: str) -> Optional[str]:
    import libcst as cst  # lazily, as in _add_alias

    try:
        node = cst.parse_statement(segment)
    except cst.ParserSyntaxError:
        return None
    if not isinstance(node, cst.SimpleStatementLine) or not isinstance(node.body[0], cst.ImportFrom):
        return None
    imp = node.body[0]
    if isinstance(imp.names, cst.ImportStar):
        return None
    names = list(imp.names)
    index = next((i for i, a in enumerate(names) if (a.evaluated_alias or a.evaluated_name) == name), None)
    if index is None:
        return None
    removed = names.pop(index)
    if index == len(names) and names:
        names[-1] = names[-1].with_changes(comma=removed.comma)
    code = cst.Module([]).code_for_node(node.with_changes(body=[imp.with_changes(names=names), *node.body[1:]]))
    return code.rstrip("\n") if not segment.endswith("\n") else code
