"""The project check's facts gathered during the rules' walk (`FactsDuringWalk`) are the
facts `python_facts` works out in a walk of its own: a batch run uses the first, the project
check the second for files the run did not check, and a cached run mixes both."""

from __future__ import annotations

import textwrap

import pytest

from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.engine import analyze_source
from prodready.core.project.python_facts import FactsDuringWalk, python_facts
from prodready.core.source import SourceFile

SNIPPETS = {
    "guarded imports": """
        import os
        try:
            import ujson as json
        except ImportError:
            import json
        try:
            import yaml
        except ValueError:
            pass
        if sys.version_info >= (3, 11):
            import tomllib
        else:
            import tomli as tomllib
        def f():
            try:
                from . import local
            except (ImportError, KeyError):
                local = None
    """,
    "main guard": """
        import logging
        logging.basicConfig(level="INFO")
        def main():
            logging.basicConfig()
        if __name__ == "__main__":
            logging.basicConfig()
            app.run(port=8000)
        else:
            logging.basicConfig()
    """,
    "settings and strings": """
        DEBUG = False
        INSTALLED_APPS = ["django.contrib.admin", "shop.apps.ShopConfig"]
        DEBUG = True
        class Config:
            SECRET = "x"
            MAX_CONTENT_LENGTH = 10
        def f():
            LOCAL = "celery.app.task"
            return "a.b.c"
    """,
    "queries in loops": """
        from django.db import models

        class Book(models.Model):
            author = models.ForeignKey("Author", on_delete=models.CASCADE)
            title = models.CharField(max_length=10)

        def listing(request):
            books = Book.objects.filter(title="x").order_by("-title")
            for book in books:
                print(book.author.name)
            names = [b.author for b in Book.objects.all()]
            lam = lambda: [b.title for b in Book.objects.all()]
            def inner():
                for b in books:
                    b.title
            return names, lam

        @register(lambda: [b.author for b in Book.objects.all()])
        def decorated(x=[b.author for b in Book.objects.all()]):
            qs = Book.objects.select_related("author")
            for b in qs:
                b.author
    """,
    "flask app and ports": """
        import uvicorn
        from flask import Flask, request
        app = Flask(__name__)
        app.config.from_pyfile("settings.cfg")
        app.config.update(MAX_CONTENT_LENGTH=1)
        def upload():
            return request.files["f"]
        uvicorn.run(app, port=9000)
        app.run()
    """,
}


def _walked(text: str, path: str):
    analysis = analyze_source(SourceFile(text, path), Config(preview=True), all_rules(), also=(FactsDuringWalk,))
    return analysis


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_walk_gathers_the_facts_python_facts_finds(name):
    text = textwrap.dedent(SNIPPETS[name])
    path = "shop/views.py"
    analysis = _walked(text, path)
    assert analysis.python_facts is not None
    assert repr(analysis.python_facts) == repr(python_facts(text, path))
    assert not analysis.errors


def test_the_facts_are_told_apart_by_where_they_are():
    facts = _walked(textwrap.dedent(SNIPPETS["guarded imports"]), "shop/x.py").python_facts
    guarded = {site.module: site.guarded for site in facts.imports}
    assert guarded == {"os": False, "ujson": True, "json": False, "yaml": False, "tomllib": True, "tomli": True, "": True}
    logging = _walked(textwrap.dedent(SNIPPETS["main guard"]), "shop/x.py").python_facts.logging_configs
    assert [span.start for span in logging] == sorted(span.start for span in logging) and len(logging) == 3


def test_when_the_walk_fails_the_runner_works_the_facts_out_itself(tmp_path, monkeypatch):
    from prodready.cli import runner

    text = textwrap.dedent(SNIPPETS["flask app and ports"])
    path = tmp_path / "app.py"
    path.write_text(text)

    def broken(self, node, ctx=None):
        raise RuntimeError("broken")

    monkeypatch.setattr(FactsDuringWalk, "visit_Call", broken)
    analysis = _walked(text, "app.py")
    assert analysis.python_facts is None and not analysis.errors  # no rule error shown for it
    task = runner.Task(str(path), "app.py", "app.py", Config(preview=True), project_facts=True, cross_module=False)
    result = runner.process(task)
    assert result.internal is None and not result.rule_errors
    assert repr(result.facts[1]) == repr(python_facts(text, "app.py"))


def test_facts_are_gathered_only_when_asked():
    assert analyze_source(SourceFile("import os\n", "a.py"), Config(), all_rules()).python_facts is None
