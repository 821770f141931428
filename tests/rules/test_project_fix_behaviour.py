"""Behaviour of the PR6xx fixes: the fixed project is executed (or read by the tool that
consumes it) in a subprocess before and after the fix, against small stand-ins, and does
what the fix's label promises (DESIGN.md, *Fix safety*)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodready.checks import get_rule
from prodready.core.config import Config
from prodready.core.project import Project
from prodready.core.project.rule import fix_project


def _write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        if path.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _fixed(code: str, files: dict[str, str], unsafe: bool = False) -> dict[str, str]:
    project = Project.from_tree(files)
    changed = fix_project(project, Config(preview=True), [get_rule(code)], unsafe=unsafe)
    assert changed, f"{code} fixed nothing"
    return {**files, **changed}


def _run(root: Path, script: str, *, path: list[Path] = ()) -> str:
    env_path = ":".join(str(p) for p in (root, *path))
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path[:0] = {env_path.split(':')!r}\n" + script],
                            cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# A stand-in for Django's ORM: enough of `models` to define the example models and run
# querysets, counting one query per queryset evaluation and per lazily loaded relation.
FAKE_DJANGO = {
    "django/__init__.py": "",
    "django/db/__init__.py": "",
    "django/db/models.py": textwrap.dedent('''
        QUERIES = []
        CASCADE = PROTECT = object()
        TABLES = {}

        class Field:
            def __init__(self, *args, **kwargs):
                self.args, self.kwargs = args, kwargs
        class CharField(Field): pass
        class IntegerField(Field): pass
        class DateTimeField(Field): pass
        class ForeignKey(Field): pass
        class ManyToManyField(Field): pass
        class Index:
            def __init__(self, fields): self.fields = fields

        class QuerySet:
            def __init__(self, model, related=()):
                self.model, self.related = model, tuple(related)
            def _clone(self, related=()):
                return QuerySet(self.model, self.related + tuple(related))
            def all(self): return self._clone()
            def filter(self, **kw): return self._clone()
            def order_by(self, *a): return self._clone()
            def select_related(self, *names): return self._clone(names)
            def prefetch_related(self, *names): return self._clone(names)
            def __iter__(self):
                QUERIES.append(self.model.__name__)
                for row in TABLES.get(self.model.__name__, []):
                    yield Row(self.model, row, self.related)

        class Row:
            def __init__(self, model, data, related):
                self._model, self._data, self._related = model, data, related
            def __getattr__(self, name):
                value = self._data[name]
                if isinstance(value, dict):  # a related row: a query unless loaded ahead
                    if name not in self._related:
                        QUERIES.append(f"{self._model.__name__}.{name}")
                    return Row(self._model, value, ())
                return value

        class Manager:
            def __get__(self, obj, owner): return QuerySet(owner)

        class Model:
            objects = Manager()
        '''),
}


def test_select_related_fix_keeps_results_and_removes_the_per_row_queries(tmp_path):
    rule = get_rule("PR608")
    example = next(e for e in rule.invalid if e.code == "foreign-key-in-loop")
    script = textwrap.dedent('''
        import contextlib, io, json
        from django.db import models
        models.TABLES["Book"] = [{"title": t, "author": {"name": a}} for t, a in [("A1", "x"), ("A2", "y"), ("A3", "z")]]
        from library.views import index
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            index(None)
        print(json.dumps({"printed": out.getvalue(), "queries": len(models.QUERIES)}))
        ''')
    before_root, after_root = tmp_path / "before", tmp_path / "after"
    _write(before_root, {**FAKE_DJANGO, **example.files, "library/__init__.py": ""})
    _write(after_root, {**FAKE_DJANGO, **_fixed("PR608", example.files), "library/__init__.py": ""})
    before = json.loads(_run(before_root, script))
    after = json.loads(_run(after_root, script))
    assert before["printed"] == after["printed"] == "x\ny\nz\n"
    assert before["queries"] == 4  # one for the books, one per book for its author
    assert after["queries"] == 1


@pytest.mark.parametrize("name", ["django-filter-in-view", "sqlalchemy-where"])
def test_index_fix_only_adds_the_index_flag(tmp_path, name):
    """The model still defines the same columns with the same options, plus the index."""
    rule = get_rule("PR609")
    example = next(e for e in rule.invalid if e.code == name)
    fake_sqlalchemy = {
        "sqlalchemy/__init__.py": textwrap.dedent('''
            class Column:
                def __init__(self, *args, **kwargs): self.args, self.kwargs = args, kwargs
            def String(n=None): return ("String", n)
            Integer = "Integer"
            def select(*a): return a
            '''),
    }
    script = textwrap.dedent(f'''
        import builtins, importlib, json
        builtins.Base = object
        module = importlib.import_module({example.files and next(p for p in example.files if p.endswith("models.py")).replace("/", ".")[:-3]!r})
        columns = {{}}
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                for key, value in vars(cls).items():
                    if hasattr(value, "kwargs"):
                        columns[f"{{cls.__name__}}.{{key}}"] = {{k: repr(v) for k, v in value.kwargs.items()}}
        print(json.dumps(columns, sort_keys=True))
        ''')
    before_root, after_root = tmp_path / "before", tmp_path / "after"
    extra = {**FAKE_DJANGO, **fake_sqlalchemy, "shop/__init__.py": "", "app/__init__.py": ""}
    _write(before_root, {**extra, **example.files})
    _write(after_root, {**extra, **_fixed("PR609", example.files)})
    before = json.loads(_run(before_root, script))
    after = json.loads(_run(after_root, script))
    changed = {key for key in before if before[key] != after[key]}
    assert len(changed) == 1 and set(before) == set(after)
    (key,) = changed
    added = {k: v for k, v in after[key].items() if k not in before[key]}
    assert added in ({"db_index": "True"}, {"index": "True"})
    assert {k: after[key][k] for k in before[key]} == before[key]


def test_gitignore_fix_makes_git_ignore_the_env_file_and_nothing_else(tmp_path):
    rule = get_rule("PR607")
    example = next(e for e in rule.invalid if e.code == "not-listed")
    files = {**example.files, "app.py": "print('hi')\n"}

    def status(root: Path) -> str:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                              capture_output=True, text=True, check=True).stdout

    before_root, after_root = tmp_path / "before", tmp_path / "after"
    _write(before_root, files)
    _write(after_root, _fixed("PR607", files))
    before = {line[3:] for line in status(before_root).splitlines()}
    after = {line[3:] for line in status(after_root).splitlines()}
    assert ".env" in before and ".env" not in after
    assert before - {".env"} == after  # app.py and .gitignore are still seen by git
    assert (after_root / ".env").read_text() == (before_root / ".env").read_text()


def test_sdk_fix_declares_the_framework_the_app_uses_and_keeps_other_settings():
    import yaml
    rule = get_rule("PR601")
    example = next(e for e in rule.invalid if e.code == "streamlit-app-declared-gradio")
    before = yaml.safe_load(example.files["space.yaml"])
    after = yaml.safe_load(_fixed("PR601", example.files)["space.yaml"])
    assert before["sdk"] == "gradio" and after["sdk"] == "streamlit"
    assert "sdk_version" not in after  # a Gradio version must not be installed as Streamlit's
    assert {k: v for k, v in before.items() if k not in ("sdk", "sdk_version")} == {k: v for k, v in after.items() if k != "sdk"}


def test_removing_an_unused_requirement_leaves_an_app_that_still_runs(tmp_path):
    """Install (as stand-ins) exactly what requirements.txt lists; the app runs before and
    after the unsafe fix removed twilio, and twilio is no longer installed."""
    rule = get_rule("PR603")
    example = next(e for e in rule.invalid if e.code == "twilio-not-imported")
    app = {"app.py": "from flask import Flask\n\napp = Flask(__name__)\nprint(type(app).__name__)\n"}

    def install(root: Path, requirements: str) -> Path:
        site = root / "site"
        for line in requirements.splitlines():
            name = line.split("==")[0].strip()
            if name:
                _write(site, {f"{name}/__init__.py": "class Flask:\n    def __init__(self, name): pass\n"})
        return site

    for label, files in (("before", example.files), ("after", _fixed("PR603", example.files, unsafe=True))):
        root = tmp_path / label
        _write(root, {**files, **app})
        site = install(root, files["requirements.txt"])
        assert _run(root, "import runpy; runpy.run_path('app.py')", path=[site]) == "Flask\n"
        assert (site / "twilio").exists() == (label == "before")
