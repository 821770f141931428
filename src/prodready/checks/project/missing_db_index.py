"""PR609: a model column the project filters or orders by has no index."""

from __future__ import annotations

from prodready.core.findings import Edit, Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, RelatedLocation, file_fix, tree

# An index helps selective, b-tree indexable columns; these are neither (or are indexed
# by other means), so a query on them is not a missing index.
_NOT_INDEXABLE = frozenset({"TextField", "JSONField", "BinaryField", "BooleanField", "NullBooleanField",
                            "ManyToManyField", "relationship", "FileField", "ImageField"})


def _index_fix(field, orm: str):
    keyword = "db_index=True" if orm == "django" else "index=True"

    def build(ctx):
        return [Edit(field.insert_at, field.insert_at, f", {keyword}" if field.has_args else keyword)]
    return build


class MissingDbIndex(ProjectRule):
    code = "PR609"
    preview = True
    name = "missing-db-index"
    severity = Severity.INFORMATION
    summary = "A column used in filter/order_by has no index"
    fix_availability = "safe"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Collects every query site of the project (`filter`, `exclude`, `get`, `order_by`,
    `filter_by`, `where` on Django managers and SQLAlchemy queries) with the model each one
    reaches, and reports a model field that is queried but has no index: not
    `db_index=True`/`unique`/`primary_key` (Django), not `index=True`/`unique` (SQLAlchemy),
    not the leading column of `Meta.indexes`, `unique_together` or `__table_args__`.
    Django indexes foreign keys itself; SQLAlchemy does not, so a SQLAlchemy `ForeignKey`
    column without `index=True` is reported even when no query is seen. Text, JSON, binary
    and boolean columns are not reported (a b-tree index does not help them).

    ## Why is this bad?
    Without an index every such query scans the whole table: fine with a hundred rows in
    development, seconds per request with a million in production. Deleting a parent row
    also scans the children's unindexed foreign key column.

    ## Example
    ```python
    class Order(models.Model):
        email = models.CharField(max_length=200)

    Order.objects.filter(email=email)
    ```

    ## Use instead
    ```python
    class Order(models.Model):
        email = models.CharField(max_length=200, db_index=True)
    ```

    ## Fix safety
    Safe: adding the index changes no query result. The schema changes only through a
    migration, which you generate and review (`makemigrations` / `alembic revision
    --autogenerate`); on a large table create the index concurrently.

    ## References
    - [Django: Field.db_index](https://docs.djangoproject.com/en/stable/ref/models/fields/#db-index)
    - [SQLAlchemy: Column.index](https://docs.sqlalchemy.org/en/20/core/metadata.html#sqlalchemy.schema.Column.params.index)
    """
    invalid = [
        tree("django-filter-in-view", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    email = models.CharField(max_length=200)\n",
            "shop/views.py": "from .models import Order\n\ndef mine(request):\n    return Order.objects.filter(email=request.user.email)\n"}),
        tree("django-order-by", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    created = models.DateTimeField(\n        auto_now_add=True,\n    )\n",
            "shop/views.py": "from .models import Order\n\ndef latest():\n    return Order.objects.order_by('-created')[:10]\n"}),
        tree("sqlalchemy-where", {
            "app/models.py": "from sqlalchemy import Column, Integer, String\n\nclass User(Base):\n    __tablename__ = 'users'\n    id = Column(Integer, primary_key=True)\n    email = Column(String(200))\n",
            "app/repo.py": "from sqlalchemy import select\nfrom .models import User\n\ndef by_email(s, e):\n    return s.execute(select(User).where(User.email == e))\n"}),
        tree("sqlalchemy-foreign-key", {
            "app/models.py": "from sqlalchemy import Column, ForeignKey, Integer\n\nclass Post(Base):\n    __tablename__ = 'posts'\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey('users.id'))\n"}),
    ]
    valid = [
        tree("indexed", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    email = models.CharField(max_length=200, db_index=True)\n    code = models.CharField(max_length=9, unique=True)\n",
            "shop/views.py": "from .models import Order\n\ndef f(e, c):\n    return Order.objects.filter(email=e), Order.objects.get(code=c)\n"}),
        tree("meta-indexes", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    email = models.CharField(max_length=200)\n    class Meta:\n        indexes = [models.Index(fields=['email', 'id'])]\n",
            "shop/views.py": "from .models import Order\n\ndef f(e):\n    return Order.objects.filter(email=e)\n"}),
        tree("django-foreign-key-is-indexed", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    user = models.ForeignKey('auth.User', on_delete=models.CASCADE)\n    paid = models.BooleanField(default=False)\n",
            "shop/views.py": "from .models import Order\n\ndef f(u):\n    return Order.objects.filter(user=u, paid=True)\n"},
             note="Django indexes foreign keys; a boolean column is not selective enough to index."),
        tree("sqlalchemy-indexed-foreign-key", {
            "app/models.py": "from sqlalchemy import Column, ForeignKey, Index, Integer\n\nclass Post(Base):\n    __tablename__ = 'posts'\n    id = Column(Integer, primary_key=True)\n"
                             "    user_id = Column(Integer, ForeignKey('users.id'), index=True)\n    group_id = Column(Integer, ForeignKey('groups.id'))\n"
                             "    __table_args__ = (Index('ix_group', 'group_id'),)\n"}),
    ]
    fixed = {
        "django-filter-in-view": {"shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    email = models.CharField(max_length=200, db_index=True)\n"},
        "django-order-by": {"shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    created = models.DateTimeField(\n        auto_now_add=True, db_index=True,\n    )\n"},
        "sqlalchemy-where": {"app/models.py": "from sqlalchemy import Column, Integer, String\n\nclass User(Base):\n    __tablename__ = 'users'\n    id = Column(Integer, primary_key=True)\n    email = Column(String(200), index=True)\n"},
        "sqlalchemy-foreign-key": {"app/models.py": "from sqlalchemy import Column, ForeignKey, Integer\n\nclass Post(Base):\n    __tablename__ = 'posts'\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey('users.id'), index=True)\n"},
    }

    def check(self) -> None:
        uses: dict[tuple[str, str], list[RelatedLocation]] = {}
        for file, facts in self.project.python_files():
            for site in facts.queries:
                found = self.project.model(site.model, file.path)
                if found is None:
                    continue
                uses.setdefault((found[0] + ":" + found[1].name, site.field), []).append(
                    RelatedLocation(file.path, site.start, site.end, f"`{site.field}` used in `{site.how}` here"))
        for path, models in self._models():
            for model in models:
                for field in model.fields:
                    if field.indexed or field.name in model.indexed or field.kind in _NOT_INDEXABLE:
                        continue
                    if field.relation == "fk" and model.orm == "django":
                        continue
                    sites = uses.get((path + ":" + model.name, field.name), [])
                    keyword = "db_index=True" if model.orm == "django" else "index=True"
                    fix = file_fix(f"Add `{keyword}` (then generate a migration)", _index_fix(field, model.orm))
                    if sites:
                        where = sites[0]
                        self.report_at(path, field.start, field.end,
                                       f"`{model.name}.{field.name}` is queried ({where.path}, {len(sites)} place"
                                       f"{'s' if len(sites) > 1 else ''}) but not indexed; add `{keyword}` and a migration.",
                                       fixes=[fix], related=sites)
                    elif model.orm == "sqlalchemy" and field.foreign_key:
                        self.report_at(path, field.start, field.end,
                                       f"Foreign key `{model.name}.{field.name}` has no index (SQLAlchemy does not add one); "
                                       f"add `{keyword}` and a migration.", fixes=[fix])

    def _models(self):
        for file, facts in self.project.python_files():
            if facts.models:
                yield file.path, facts.models
