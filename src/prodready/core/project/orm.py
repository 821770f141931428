"""ORM models of one module: Django and SQLAlchemy classes, their fields and indexes.

A class is a model when its fields are ORM fields (``models.CharField``, ``Column``,
``mapped_column``, ``db.Column``, ``relationship``), resolved through the module's imports.
Facts that matter to the PR6xx rules are kept: which fields are indexed (``db_index``,
``unique``, ``primary_key``, ``index=True``, ``Meta.indexes``, ``__table_args__``), foreign
keys and their targets, relations and how SQLAlchemy loads them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable, Optional

from prodready.core.source import SourceFile

_DJANGO_RELATIONS = {"ForeignKey": "fk", "OneToOneField": "fk", "ManyToManyField": "m2m"}
_DJANGO_INDEXED_TYPES = {"SlugField", "AutoField", "BigAutoField", "SmallAutoField", "ForeignKey", "OneToOneField"}


@dataclass
class FieldDef:
    name: str
    kind: str  # "CharField", "Column", "mapped_column", "relationship", ...
    indexed: bool
    foreign_key: str = ""  # target ("Author", "authors.id") when the field is a foreign key
    relation: str = ""  # "fk" | "m2m" | "relationship" (SQLAlchemy)
    target: str = ""  # related model name for relations
    related_name: str = ""  # Django related_name
    lazy: str = ""  # SQLAlchemy relationship lazy= ("select" by default)
    start: int = 0  # the field's call
    end: int = 0
    insert_at: int = 0  # after the call's last argument: where `, db_index=True` goes
    has_args: bool = False


@dataclass
class ModelDef:
    name: str
    orm: str  # "django" | "sqlalchemy"
    start: int  # the class name
    end: int
    fields: list[FieldDef] = field(default_factory=list)
    indexed: list[str] = field(default_factory=list)  # leading columns of Meta.indexes / __table_args__
    abstract: bool = False
    table: str = ""  # SQLAlchemy __tablename__

    def field(self, name: str) -> Optional[FieldDef]:
        return next((f for f in self.fields if f.name == name), None)


def _kw(call: ast.Call, name: str) -> Optional[ast.expr]:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _true(node: Optional[ast.expr]) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _text(node: Optional[ast.expr]) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _insert_at(call: ast.Call, source: SourceFile) -> tuple[int, bool]:
    parts = [*call.args, *call.keywords]
    if not parts:
        return source.node_range(call)[1] - 1, False
    last = max(parts, key=lambda p: (p.end_lineno or 0, p.end_col_offset or 0))
    return source.node_range(last)[1], True


def _field(name: str, call: ast.Call, qualified: str, source: SourceFile) -> Optional[FieldDef]:
    leaf = qualified.rsplit(".", 1)[-1]
    start, end = source.node_range(call)
    insert_at, has_args = _insert_at(call, source)
    django = qualified.startswith("django.") or ".models." in f".{qualified}" and leaf.endswith(("Field", "Key"))
    if django and (leaf.endswith("Field") or leaf in _DJANGO_RELATIONS):
        relation = _DJANGO_RELATIONS.get(leaf, "")
        target = _text(call.args[0]) if relation and call.args else _text(_kw(call, "to")) if relation else ""
        indexed = (leaf in _DJANGO_INDEXED_TYPES and not (_kw(call, "db_index") is not None and not _true(_kw(call, "db_index"))))
        indexed = indexed or any(_true(_kw(call, k)) for k in ("db_index", "unique", "primary_key"))
        return FieldDef(name, leaf, indexed, target if relation == "fk" else "", relation, target.split(".")[-1],
                        _text(_kw(call, "related_name")), "", start, end, insert_at, has_args)
    if leaf in ("Column", "mapped_column"):
        foreign = ""
        for arg in call.args:
            if isinstance(arg, ast.Call) and _text(arg.func) == "ForeignKey" and arg.args:
                foreign = _text(arg.args[0])
        indexed = any(_true(_kw(call, k)) for k in ("index", "unique", "primary_key"))
        return FieldDef(name, leaf, indexed, foreign, "", "", "", "", start, end, insert_at, has_args)
    if leaf == "relationship":
        target = _text(call.args[0]) if call.args else ""
        lazy = _kw(call, "lazy")
        return FieldDef(name, leaf, False, "", "relationship", target.split(".")[-1], "",
                        _text(lazy) if lazy is not None else "select", start, end, insert_at, has_args)
    return None


def _meta_indexes(body: list[ast.stmt]) -> tuple[list[str], bool]:
    """Leading fields of Meta.indexes / unique_together / index_together, and Meta.abstract."""
    indexed: list[str] = []
    abstract = False
    for stmt in body:
        if not (isinstance(stmt, ast.ClassDef) and stmt.name == "Meta"):
            continue
        for inner in stmt.body:
            if not isinstance(inner, ast.Assign) or not isinstance(inner.targets[0], ast.Name):
                continue
            key = inner.targets[0].id
            if key == "abstract" and _true(inner.value):
                abstract = True
            elif key == "indexes" and isinstance(inner.value, (ast.List, ast.Tuple)):
                for item in inner.value.elts:
                    if isinstance(item, ast.Call):
                        fields = _kw(item, "fields")
                        if isinstance(fields, (ast.List, ast.Tuple)) and fields.elts:
                            indexed.append(_text(fields.elts[0]).lstrip("-"))
            elif key in ("unique_together", "index_together") and isinstance(inner.value, (ast.List, ast.Tuple)):
                groups = inner.value.elts
                if groups and isinstance(groups[0], ast.Constant):
                    groups = [inner.value]
                for group in groups:
                    if isinstance(group, (ast.List, ast.Tuple)) and group.elts:
                        indexed.append(_text(group.elts[0]))
        for inner in stmt.body:
            if isinstance(inner, ast.Assign) and isinstance(inner.targets[0], ast.Name) and inner.targets[0].id == "constraints":
                for item in ast.walk(inner.value):
                    if isinstance(item, ast.Call) and _text(item.func) == "UniqueConstraint":
                        fields = _kw(item, "fields")
                        if isinstance(fields, (ast.List, ast.Tuple)) and fields.elts:
                            indexed.append(_text(fields.elts[0]))
    return indexed, abstract


def _table_args(body: list[ast.stmt]) -> list[str]:
    indexed: list[str] = []
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__table_args__" for t in stmt.targets):
            for item in ast.walk(stmt.value):
                if isinstance(item, ast.Call) and _text(item.func) in ("Index", "UniqueConstraint"):
                    columns = item.args[1:] if _text(item.func) == "Index" else item.args
                    if columns:
                        indexed.append(_text(columns[0]))
    return indexed


def collect_models(classes: list[ast.ClassDef], source: SourceFile, qualify: Callable[[ast.AST], Optional[str]]) -> list[ModelDef]:
    """The ORM models among ``classes`` (every class of the module, collected by its walk)."""
    models: list[ModelDef] = []
    for node in classes:
        fields: list[FieldDef] = []
        table = ""
        for stmt in node.body:
            targets: list[ast.expr] = []
            value: Optional[ast.expr] = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            if not (len(targets) == 1 and isinstance(targets[0], ast.Name)):
                continue
            name = targets[0].id
            if name == "__tablename__":
                table = _text(value)
                continue
            if isinstance(value, ast.Call):
                made = _field(name, value, qualify(value.func) or "", source)
                if made is not None:
                    fields.append(made)
        if not fields and not table:
            continue
        orm = "sqlalchemy" if table or any(f.kind in ("Column", "mapped_column", "relationship") for f in fields) else "django"
        indexed, abstract = _meta_indexes(node.body)
        if orm == "sqlalchemy":
            indexed = _table_args(node.body)
        line_start = source.offset_from_ast(node.lineno, node.col_offset)
        name_at = source.text.find(node.name, line_start)
        name_at = name_at if name_at != -1 else line_start
        models.append(ModelDef(node.name, orm, name_at, name_at + len(node.name), fields, indexed, abstract, table))
    return models
