"""PR507 `missing-cascade-delete`: Deleting the parent fails: relationship() without cascade over a NOT NULL foreign key."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.core.astutil import (
    has_star_kwargs,
    is_true,
    keyword,
    keyword_value,
    string_value,
)
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_from_import, merge_insertions


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _last(ctx, expr: ast.AST) -> str:
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return (ctx.resolve(expr) or expr.id).rsplit(".", 1)[-1]
    return ""


def _annotation_parts(annotation: Optional[ast.AST]) -> tuple[bool, bool, Optional[str]]:
    """For ``Mapped[...]``: (is Mapped, is optional, innermost class name)."""
    if not isinstance(annotation, ast.Subscript):
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return False, False, None
            return _annotation_parts(annotation)
        return False, False, None
    base = annotation.value
    base_name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
    if base_name != "Mapped":
        return False, False, None
    inner = annotation.slice
    optional = False
    text_names = []
    for node in ast.walk(inner):
        if isinstance(node, ast.Constant) and node.value is None:
            optional = True
        if isinstance(node, ast.Name) and node.id == "Optional" or isinstance(node, ast.Attribute) and node.attr == "Optional":
            optional = True
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text_names.append(node.value.strip().strip("'\"").split("[")[-1].rstrip("]"))
            if "None" in node.value or "Optional" in node.value:
                optional = True
        elif isinstance(node, ast.Name) and node.id not in {"List", "list", "Set", "set", "Optional", "Union", "Mapped", "Sequence", "DynamicMapped", "WriteOnlyMapped"}:
            text_names.append(node.id)
    return True, optional, (text_names[-1].split(".")[-1] if text_names else None)


def _relationship_target(call: ast.Call, annotation: Optional[ast.AST]) -> Optional[str]:
    if call.args:
        first = call.args[0]
        if isinstance(first, ast.Lambda):
            first = first.body
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value.strip().rsplit(".", 1)[-1] or None
        if isinstance(first, ast.Name):
            return first.id
        if isinstance(first, ast.Attribute):
            return first.attr
        return None
    return _annotation_parts(annotation)[2]


def _columns_mentioned(expr: Optional[ast.AST], owner: str) -> Optional[set[str]]:
    """Column names of ``owner`` named in ``foreign_keys=``/``primaryjoin=`` (strings too)."""
    if expr is None:
        return None
    found: set[str] = set()
    nodes = [expr.body] if isinstance(expr, ast.Lambda) else [expr]
    while nodes:
        node = nodes.pop()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                try:
                    nodes.append(ast.parse(sub.value.strip(), mode="eval").body)
                except SyntaxError:
                    pass
            elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == owner:
                found.add(sub.attr)
            elif isinstance(sub, ast.Name) and sub is node and owner == "":
                found.add(sub.id)
    return found


class _AddKeyword:
    """Insert ``, cascade="all, delete-orphan"`` as the last argument of a call."""

    def __init__(self, call_end: int, last_arg_end: Optional[int]) -> None:
        self.call_end = call_end
        self.last_arg_end = last_arg_end

    def __call__(self, fc: FixContext) -> list[Edit]:
        if self.last_arg_end is None:
            at = fc.at(self.call_end - 1)
            return [Edit(at, at, 'cascade="all, delete-orphan"')]
        at = fc.at(self.last_arg_end)
        return [Edit(at, at, ', cascade="all, delete-orphan"')]


class _BackrefWithCascade:
    """Replace ``backref="children"`` by ``backref=backref("children", cascade=...)``."""

    def __init__(self, value_range: tuple[int, int], owner: Optional[str]) -> None:
        self.value_range = value_range
        self.owner = owner  # ``db`` for ``db.relationship`` (Flask-SQLAlchemy): use ``db.backref``

    def __call__(self, fc: FixContext) -> Optional[list[Edit]]:
        edits: list[Edit] = []
        if self.owner:
            func = f"{self.owner}.backref"
        else:
            new_edits, func = ensure_from_import(fc.text, "sqlalchemy.orm", "backref", fallback_alias="sa_backref")
            edits.extend(new_edits)
        start, end = fc.at(self.value_range[0]), fc.at(self.value_range[1])
        edits.append(Edit(start, end, f'{func}({fc.text[start:end]}, cascade="all, delete-orphan")'))
        return merge_insertions(edits)


class MissingCascadeDelete(Rule):
    code = "PR507"
    preview = True
    name = "missing-cascade-delete"
    severity = Severity.WARNING
    summary = "Deleting the parent fails: relationship() without cascade over a NOT NULL foreign key"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds a SQLAlchemy one-to-many `relationship()` (or the collection side created by
    `backref=`) without `cascade=` or `passive_deletes=`, whose child's foreign key column
    is NOT NULL (`nullable=False`, part of the primary key, or a non-`Optional`
    `Mapped[int] = mapped_column(ForeignKey(...))`) and has no `ondelete=`. The child model
    is looked up in the same file. One-to-one relationships (`uselist=False`) fail the same
    way and are reported too; many-to-many (`secondary=`), `viewonly=True` and
    self-referential relationships are not. When the relationship names its
    `foreign_keys=`/`primaryjoin=`, only those columns count.

    ## Why is this bad?
    With the default cascade (`save-update, merge`), deleting a parent makes SQLAlchemy
    *detach* its children by setting their foreign key to NULL. The column does not allow
    NULL, so `session.delete(parent)` fails at flush with `IntegrityError` (or "Dependency
    rule tried to blank-out primary key column"), usually first seen in production when
    someone deletes an account.

    ## Example
    ```python
    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        posts = relationship("Post", back_populates="author")

    class Post(Base):
        __tablename__ = "posts"
        id = Column(Integer, primary_key=True)
        author_id = Column(ForeignKey("users.id"), nullable=False)
        author = relationship("User", back_populates="posts")
    ```

    ## Use instead
    ```python
    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        posts = relationship("Post", back_populates="author", cascade="all, delete-orphan")
    ```
    Or let the database cascade: `ForeignKey("users.id", ondelete="CASCADE")` with
    `passive_deletes=True` on the relationship.

    ## Fix safety
    The fix is unsafe: `cascade="all, delete-orphan"` makes deleting a parent delete its
    children, and removing a child from the collection delete it. That is usually what a
    NOT NULL foreign key means, but it deletes rows that previously made the delete fail.

    ## References
    - [SQLAlchemy: cascades](https://docs.sqlalchemy.org/en/20/orm/cascades.html)
    - [SQLAlchemy: using foreign key ON DELETE with ORM relationships](https://docs.sqlalchemy.org/en/20/orm/cascades.html#using-foreign-key-on-delete-cascade-with-orm-relationships)
    """
    _MODELS = (
        'from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\n'
    )
    invalid = [
        _MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", back_populates="author")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    author = relationship("User", back_populates="posts")\n',
        'from typing import List\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    lines: Mapped[List["Line"]] = relationship()\n\n\nclass Line(Base):\n    __tablename__ = "lines"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))\n',
        _MODELS + 'class Parent(Base):\n    __tablename__ = "parent"\n    id = Column(Integer, primary_key=True)\n\n\nclass Child(Base):\n    __tablename__ = "child"\n    id = Column(Integer, primary_key=True)\n    parent_id = Column(Integer, ForeignKey("parent.id"), nullable=False)\n    parent = relationship("Parent", backref="children")\n',
        'from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\nclass Author(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    books = db.relationship("Book", backref="author")\n\n\nclass Book(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)\n',
    ]
    valid = [
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", cascade="all, delete-orphan")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n', note="cascade set"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", passive_deletes=True)\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)\n', note="database-side cascade"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"))\n', note="nullable foreign key: children are detached"),
        Example(_MODELS + 'class Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    author = relationship("User", back_populates="posts")\n', note="many-to-one side"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    groups = relationship("Group", secondary="user_groups")\n\n\nclass Group(Base):\n    __tablename__ = "groups"\n    id = Column(Integer, primary_key=True)\n', note="many-to-many"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", viewonly=True)\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n', note="view-only relationship"),
        Example('from typing import Optional\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    lines: Mapped[list["Line"]] = relationship()\n\n\nclass Line(Base):\n    __tablename__ = "lines"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    order_id: Mapped[Optional[int]] = mapped_column(ForeignKey("orders.id"))\n', note="Optional[...] makes the column nullable"),
        Example(_MODELS + 'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    edited = relationship("Post", foreign_keys="Post.editor_id")\n\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    editor_id = Column(ForeignKey("users.id"))\n', note="the relationship uses the nullable foreign key"),
    ]
    unsafe_fixed = {
        invalid[0]: invalid[0].replace('posts = relationship("Post", back_populates="author")', 'posts = relationship("Post", back_populates="author", cascade="all, delete-orphan")'),
        invalid[1]: invalid[1].replace('relationship()', 'relationship(cascade="all, delete-orphan")'),
        invalid[2]: invalid[2].replace('from sqlalchemy.orm import declarative_base, relationship', 'from sqlalchemy.orm import declarative_base, relationship, backref').replace('backref="children"', 'backref=backref("children", cascade="all, delete-orphan")'),
        invalid[3]: invalid[3].replace('db.relationship("Book", backref="author")', 'db.relationship("Book", backref="author", cascade="all, delete-orphan")'),
    }

    # Visits class-level assignments, not the class: the server may analyse a large class
    # member by member, so tables, foreign keys and relationships meet through facts.
    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) == 1:
            self._member(node.targets[0], node.value, None, ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if node.value is not None:
            self._member(node.target, node.value, node.annotation, ctx)

    def _member(self, target, value, annotation, ctx) -> None:
        cls = ctx.parent
        if not isinstance(cls, ast.ClassDef) or not isinstance(target, ast.Name):
            return
        if ctx.file.is_test or ctx.file.is_migration:
            return
        if target.id == "__tablename__":
            table = string_value(value)
            if table:
                self.fact("table", cls.name, table)
            return
        if not isinstance(value, ast.Call):
            return
        last = _last(ctx, value.func)
        if last in {"Column", "mapped_column"}:
            self._column(cls, target.id, value, annotation, ctx)
        elif last in {"relationship", "relation"}:
            self._relationship(cls, target.id, value, annotation, ctx)

    def _column(self, cls: ast.ClassDef, attr: str, call: ast.Call, annotation, ctx) -> None:
        fks = [a for a in call.args if isinstance(a, ast.Call) and _last(ctx, a.func) == "ForeignKey"]
        if len(fks) != 1 or keyword(fks[0], "ondelete") is not None or has_star_kwargs(fks[0]):
            return
        nullable = keyword_value(call, "nullable")
        if isinstance(nullable, ast.Constant):
            not_null = nullable.value is False
        elif nullable is not None:
            return
        else:
            mapped, optional, _ = _annotation_parts(annotation)
            not_null = is_true(keyword_value(call, "primary_key")) or (
                _last(ctx, call.func) == "mapped_column" and mapped and not optional
            )
        if not not_null:
            return
        target = fks[0].args[0] if fks[0].args else keyword_value(fks[0], "column")
        text = string_value(target)
        if text is not None:
            parts = text.split(".")
            if len(parts) < 2:
                return
            key = parts[-2]
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            key = "class:" + target.value.id
        else:
            return
        name_kw = string_value(keyword_value(call, "name")) or (string_value(call.args[0]) if call.args else None)
        self.fact("fk", cls.name, key, attr)
        if name_kw:
            self.fact("fk", cls.name, key, name_kw)

    def _relationship(self, cls: ast.ClassDef, attr: str, call: ast.Call, annotation, ctx) -> None:
        if has_star_kwargs(call):
            return
        if any(keyword(call, k) is not None for k in ("cascade", "passive_deletes", "secondary", "viewonly", "remote_side")):
            return
        target = _relationship_target(call, annotation)
        if not target or target == cls.name:
            return
        own = cls.name
        owner = call.func.value.id if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) else None
        restrict = _columns_mentioned(keyword_value(call, "foreign_keys"), target)
        join = _columns_mentioned(keyword_value(call, "primaryjoin"), target)
        if restrict is None:
            restrict = join or None
        code = self.code

        def table_keys(facts: frozenset, name: str) -> set[str]:
            """How foreign keys may name class ``name``'s table: its ``__tablename__``, or
            Flask-SQLAlchemy's default (snake_case), and ``ForeignKey(Cls.id)``."""
            keys = {f[3] for f in facts if len(f) == 4 and f[0] == code and f[1] == "table" and f[2] == name}
            if not keys:
                keys = {_snake(name), name.lower()}
            return keys | {"class:" + name}

        def child_fk(facts: frozenset, child: str, keys, columns) -> bool:
            for fact in facts:
                if len(fact) == 5 and fact[0] == code and fact[1] == "fk" and fact[2] == child and fact[3] in keys:
                    if columns is None or fact[4] in columns:
                        return True
            return False

        # One-to-many (or one-to-one, uselist=False) from this class: the child holds a NOT
        # NULL foreign key to us.
        end = ctx.source.node_range(call)[1]
        args = [*call.args, *call.keywords]
        last_end = max((ctx.source.node_range(a)[1] for a in args), default=None)
        self.report(
            call,
            f'Add `cascade="all, delete-orphan"` (or `ondelete="CASCADE"` with `passive_deletes=True`) to '
            f"`{cls.name}.{attr}`: deleting a `{cls.name}` sets `{target}`'s NOT NULL foreign key to NULL and fails",
            fixes=[fix('Add `cascade="all, delete-orphan"`', _AddKeyword(end, last_end), safe=False)],
            condition=lambda facts: child_fk(facts, target, table_keys(facts, own), restrict),
        )
        # ``backref="children"`` on the many-to-one side creates the one-to-many side.
        backref = keyword_value(call, "backref")
        if backref is None or keyword(call, "back_populates") is not None:
            return
        if isinstance(backref, ast.Call):
            if has_star_kwargs(backref) or any(keyword(backref, k) is not None for k in ("cascade", "passive_deletes")):
                return
            backref_name = string_value(backref.args[0]) if backref.args else None
            b_args = [*backref.args, *backref.keywords]
            b_last = max((ctx.source.node_range(a)[1] for a in b_args), default=None)
            backref_fix = _AddKeyword(ctx.source.node_range(backref)[1], b_last)
        else:
            backref_name = string_value(backref)
            if backref_name is None:
                return
            backref_fix = _BackrefWithCascade(ctx.source.node_range(backref), owner)

        def parent_fk(facts: frozenset) -> bool:
            return child_fk(facts, own, table_keys(facts, target), restrict_own)

        restrict_own = _columns_mentioned(keyword_value(call, "foreign_keys"), own) or _columns_mentioned(keyword_value(call, "primaryjoin"), own) or None
        self.report(
            backref,
            f'Give the `{backref_name or "backref"}` backref `cascade="all, delete-orphan"`: deleting a `{target}` '
            f"sets `{own}`'s NOT NULL foreign key to NULL and fails",
            fixes=[fix('Add `cascade="all, delete-orphan"` to the backref', backref_fix, safe=False)],
            condition=parent_fk,
        )
