"""PR608: a loop over a query follows a relation of each row (one query per row)."""

from __future__ import annotations

from prodready.core.findings import Edit, Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, file_fix, tree


def relations(project, model_name: str, near: str) -> dict[str, str]:
    """Relation name -> how to load it ahead: "select_related" | "prefetch_related" | "selectinload"."""
    found = project.model(model_name, near)
    if found is None:
        return {}
    _path, model = found
    table: dict[str, str] = {}
    for field in model.fields:
        if field.relation == "fk":
            table[field.name] = "select_related"
        elif field.relation == "m2m":
            table[field.name] = "prefetch_related"
        elif field.relation == "relationship" and field.lazy in ("select", "True", "dynamic") or (
                field.relation == "relationship" and field.lazy == ""):
            table[field.name] = "selectinload"
    if model.orm == "django":  # reverse accessors of foreign keys that point here
        for entries in project.models().values():
            for _p, other in entries:
                for field in other.fields:
                    if field.relation in ("fk", "m2m") and field.target == model.name:
                        table.setdefault(field.related_name or f"{other.name.lower()}_set", "prefetch_related")
    return table


class NPlusOneQuery(ProjectRule):
    code = "PR608"
    preview = True
    name = "n-plus-one-query"
    severity = Severity.WARNING
    summary = "A loop over a query follows a relation per row (N+1 queries)"
    fix_availability = "sometimes"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Finds `for` loops and comprehensions over a Django queryset (`Model.objects...`) or a
    SQLAlchemy query (`session.query(Model)`, `select(Model)`, `Model.query`) whose body
    reads a relation of the loop variable (`book.author`, `book.tags.all()`, a reverse
    `author.book_set`) that the query did not load ahead with `select_related`,
    `prefetch_related` or `.options(selectinload(...))`. The model and its relations are
    looked up in the project's model index, so a model defined in another module counts.

    ## Why is this bad?
    Each access to a lazily loaded relation is one more database round trip: a page that
    lists 500 rows runs 501 queries, fast in development with ten rows and slow in
    production.

    ## Example
    ```python
    for book in Book.objects.filter(published=True):
        print(book.author.name)
    ```

    ## Use instead
    ```python
    for book in Book.objects.filter(published=True).select_related("author"):
        print(book.author.name)
    ```

    ## Fix safety
    Safe for Django querysets: `select_related` (foreign keys, one-to-one) and
    `prefetch_related` (many-to-many, reverse relations) return the same rows and the
    same related objects, loaded in one or two queries instead of one per row. The call is
    appended to the queryset the loop iterates (before a slice). SQLAlchemy queries get no
    automatic fix (the loader option needs an import and a session-specific form); the
    message names the `selectinload` option to add.

    ## References
    - [Django: select_related](https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related)
    - [SQLAlchemy: Relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
    """
    _models = ("library/models.py", "from django.db import models\n\nclass Author(models.Model):\n    name = models.CharField(max_length=100)\n\n"
               "class Tag(models.Model):\n    label = models.CharField(max_length=20)\n\n"
               "class Book(models.Model):\n    title = models.CharField(max_length=100)\n"
               "    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n    tags = models.ManyToManyField(Tag)\n")
    invalid = [
        tree("foreign-key-in-loop", {
            _models[0]: _models[1],
            "library/views.py": "from .models import Book\n\ndef index(request):\n    for book in Book.objects.filter(title__startswith='A'):\n        print(book.author.name)\n"}),
        tree("queryset-in-a-variable", {
            _models[0]: _models[1],
            "library/views.py": "from library.models import Book\n\ndef tags(request):\n    books = Book.objects.all()\n    return [t.label for b in books for t in b.tags.all()]\n"}),
        tree("reverse-relation", {
            _models[0]: _models[1],
            "library/api.py": "from .models import Author\n\ndef counts():\n    return {a.name: a.book_set.count() for a in Author.objects.order_by('name')}\n"}),
        tree("sqlalchemy-lazy-relationship", {
            "app/models.py": "from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import relationship\n\n"
                             "class Post(Base):\n    __tablename__ = 'posts'\n    id = Column(Integer, primary_key=True)\n"
                             "    user_id = Column(Integer, ForeignKey('users.id'))\n    user = relationship('User')\n",
            "app/views.py": "from .models import Post\n\ndef feed(session):\n    for post in session.query(Post).all():\n        print(post.user.name)\n"}),
    ]
    valid = [
        tree("select-related", {
            _models[0]: _models[1],
            "library/views.py": "from .models import Book\n\ndef index(request):\n    for book in Book.objects.select_related('author'):\n        print(book.author.name)\n"}),
        tree("only-own-columns", {
            _models[0]: _models[1],
            "library/views.py": "from .models import Book\n\ndef index(request):\n    for book in Book.objects.all():\n        print(book.title, book.author_id)\n"},
             note="`author_id` is a column of the row; no query."),
        tree("prefetched-later", {
            _models[0]: _models[1],
            "library/views.py": "from .models import Book\n\ndef index(request):\n    books = Book.objects.all().prefetch_related('tags')\n    for b in books:\n        print(list(b.tags.all()))\n"}),
        tree("values-rows", {
            _models[0]: _models[1],
            "library/views.py": "from .models import Book\n\ndef index(request):\n    for row in Book.objects.values('title'):\n        print(row.author)\n"}),
        tree("selectinload", {
            "app/models.py": "from sqlalchemy.orm import relationship\nclass Post(Base):\n    __tablename__ = 'posts'\n    user = relationship('User')\n",
            "app/views.py": "from sqlalchemy.orm import selectinload\nfrom .models import Post\n\ndef feed(session):\n"
                            "    for post in session.query(Post).options(selectinload(Post.user)):\n        print(post.user.name)\n"}),
    ]
    fixed = {
        "foreign-key-in-loop": {
            "library/views.py": "from .models import Book\n\ndef index(request):\n    for book in Book.objects.filter(title__startswith='A').select_related(\"author\"):\n        print(book.author.name)\n"},
        "queryset-in-a-variable": {
            "library/views.py": "from library.models import Book\n\ndef tags(request):\n    books = Book.objects.all().prefetch_related(\"tags\")\n    return [t.label for b in books for t in b.tags.all()]\n"},
        "reverse-relation": {
            "library/api.py": "from .models import Author\n\ndef counts():\n    return {a.name: a.book_set.count() for a in Author.objects.order_by('name').prefetch_related(\"book_set\")}\n"},
    }

    def check(self) -> None:
        for file, facts in self.project.python_files():
            for loop in facts.loops:
                table = relations(self.project, loop.model, file.path)
                if not table:
                    continue
                loaded = set(loop.prefetched)
                missing: dict[str, str] = {}
                first = None
                for access in loop.accesses:
                    how = table.get(access.attr)
                    if how is None or access.attr in loaded or (how == "select_related" and "*" in loaded):
                        continue
                    missing.setdefault(access.attr, how)
                    first = first or access
                if first is None:
                    continue
                hint = "; ".join(f'`.{h}("{n}")`' if h != "selectinload" else f"`.options(selectinload({loop.model}.{n}))`"
                                 for n, h in missing.items())
                fixes = []
                if loop.can_fix and loop.orm == "django":
                    fixes.append(file_fix(f"Load {', '.join(missing)} with the query", self._fix(loop.insert_at, missing)))
                self.report_at(file.path, first.start, first.end,
                               f"`{file.text[first.start:first.end]}` runs one query per row of `{loop.model}`; "
                               f"load it with the query: {hint}.", fixes=fixes)

    @staticmethod
    def _fix(at: int, missing: dict[str, str]):
        def build(ctx):
            calls = []
            for how in ("select_related", "prefetch_related"):
                names = [n for n, h in missing.items() if h == how]
                if names:
                    calls.append(f".{how}({', '.join(chr(34) + n + chr(34) for n in names)})")
            return [Edit(at, at, "".join(calls))]
        return build
