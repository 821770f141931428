"""PR606: models exist but their migrations folder holds no migration."""

from __future__ import annotations

import posixpath

from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, tree


def _has_migration(project, folder: str) -> bool:
    prefix = folder + "/"
    return any(p.startswith(prefix) and p.endswith(".py") and posixpath.basename(p) != "__init__.py"
               for p in project.files)


def _exists(project, folder: str) -> bool:
    return folder in project.folders or any(p.startswith(folder + "/") for p in project.files)


class MissingMigrations(ProjectRule):
    code = "PR606"
    name = "missing-migrations"
    severity = Severity.WARNING
    summary = "Models exist but the migrations folder is empty"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Reports a Django app whose `models.py` (or `models/` package) defines concrete models
    while its `migrations/` folder holds no migration, and an Alembic set-up (`env.py`
    with a `versions/` folder) whose `versions/` is empty while the project defines
    SQLAlchemy models.

    ## Why is this bad?
    Without migrations the tables are never created on a fresh database (or are created
    by `create_all()` and then drift): the first request that touches a model fails with
    "no such table" in production.

    ## Example
    ```text
    shop/models.py          class Order(models.Model): ...
    shop/migrations/__init__.py
    ```

    ## Use instead
    Run `python manage.py makemigrations shop` (or `alembic revision --autogenerate`) and
    commit the migration.

    ## References
    - [Django: Migrations](https://docs.djangoproject.com/en/stable/topics/migrations/)
    - [Alembic: Auto generating migrations](https://alembic.sqlalchemy.org/en/latest/autogenerate.html)
    """
    invalid = [
        tree("django-app", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    total = models.IntegerField()\n",
            "shop/migrations/__init__.py": ""}),
        tree("alembic-empty-versions", {
            "app/models.py": "from sqlalchemy import Column, Integer\nfrom .db import Base\n\nclass User(Base):\n    __tablename__ = 'users'\n    id = Column(Integer, primary_key=True)\n",
            "migrations/env.py": "from alembic import context\n",
            "migrations/versions/": ""}),
    ]
    valid = [
        tree("with-migration", {
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    total = models.IntegerField()\n",
            "shop/migrations/__init__.py": "", "shop/migrations/0001_initial.py": "from django.db import migrations\n"}),
        tree("abstract-models-only", {
            "core/models.py": "from django.db import models\n\nclass Stamped(models.Model):\n    created = models.DateTimeField()\n    class Meta:\n        abstract = True\n",
            "core/migrations/__init__.py": ""}),
        tree("no-alembic", {"app/models.py": "from sqlalchemy import Column, Integer\nclass User(Base):\n    __tablename__ = 'u'\n    id = Column(Integer, primary_key=True)\n"},
             note="Without Alembic the project creates its tables some other way."),
    ]

    def check(self) -> None:
        sqlalchemy_models = False
        for file, facts in self.project.python_files():
            concrete = [m for m in facts.models if not m.abstract]
            sqlalchemy_models = sqlalchemy_models or any(m.orm == "sqlalchemy" for m in concrete)
            django = [m for m in concrete if m.orm == "django"]
            if not django:
                continue
            folder = posixpath.dirname(file.path)
            if posixpath.basename(file.path) == "__init__.py" and posixpath.basename(folder) == "models":
                folder = posixpath.dirname(folder)
            elif posixpath.basename(file.path) != "models.py":
                continue
            migrations = posixpath.join(folder, "migrations") if folder else "migrations"
            if _exists(self.project, migrations) and not _has_migration(self.project, migrations):
                model = django[0]
                self.report_at(file.path, model.start, model.end,
                               f"`{migrations}/` has no migration for these models; run "
                               f"`python manage.py makemigrations {posixpath.basename(folder) or ''}`".rstrip() + " and commit it.")
        if not sqlalchemy_models:
            return
        for file in self.project.of_kind(kinds.PYTHON):
            if posixpath.basename(file.path) != "env.py":
                continue
            versions = posixpath.join(posixpath.dirname(file.path), "versions")
            if _exists(self.project, versions) and not _has_migration(self.project, versions):
                end = file.text.find("\n")
                self.report_at(file.path, 0, len(file.text) if end == -1 else end,
                               f"`{versions}/` is empty while the project defines SQLAlchemy models; run "
                               "`alembic revision --autogenerate` and commit the migration.")
