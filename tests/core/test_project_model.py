"""The project model: facts by kind, updates by content hash, scanning, the disk cache, and
bad input (unparseable, undecodable, huge files) that never breaks indexing."""

from __future__ import annotations

from prodready.core.project import Project
from prodready.core.project.dependencies import parse_pyproject, parse_requirements
from prodready.core.project.scan import load_cache, save_cache, scan


def test_requirements_includes_comments_and_options():
    facts = parse_requirements("-r base.txt\nflask==3.0 # web\n--index-url x\n-e .\nrequests>=2 ; python_version>'3'\nhttps://x/y.whl\n", "r.txt")
    assert facts.includes == ["base.txt"]
    assert [(d.name, d.pinned) for d in facts.dependencies] == [("flask", True), ("requests", False)]


def test_pyproject_optional_groups_and_poetry():
    text = ("[project]\nname='svc'\ndependencies=['Flask_SQLAlchemy>=3']\n[project.optional-dependencies]\nml=['torch==2.3']\n"
            "[tool.poetry.dependencies]\npython='^3.11'\nrequests='2.32.3'\n[tool.poetry.group.dev.dependencies]\npytest='^8'\n")
    facts = parse_pyproject(text, "pyproject.toml")
    assert [(d.name, d.group, d.pinned) for d in facts.dependencies] == [
        ("flask-sqlalchemy", "main", False), ("torch", "ml", True), ("requests", "main", True), ("pytest", "dev", False)]
    for dep in facts.dependencies:
        assert dep.name.replace("-", "_") in text[dep.start:dep.end].lower().replace("-", "_")


def test_update_recomputes_only_changed_content():
    project = Project.from_tree({"app.py": "import os\n"})
    facts = project.facts(project.files["app.py"])
    assert project.update("app.py", "import os\n") is None  # same hash: nothing changed
    assert project.facts(project.files["app.py"]) is facts
    assert project.update("app.py", "import sys\n") == "python"
    assert [i.module for i in project.facts(project.files["app.py"]).imports] == ["sys"]
    project.update("app.py", "import os\n")  # reverting reuses the facts computed for that hash
    assert project.facts(project.files["app.py"]) is facts


def test_facts_of_old_contents_are_not_kept_forever():
    """A server's index sees every edit of an open file: the facts of contents no file has
    any more are kept for the last RECENT_CONTENTS of them (an undo), not for each edit; a
    removed file's are dropped; files with equal contents share theirs."""
    from prodready.core.project import model

    project = Project.from_tree({"app.py": "import os\n", "copy.py": "import os\n"})
    shared = project.facts(project.files["app.py"])
    assert project.facts(project.files["copy.py"]) is shared
    computed = {}
    for n in range(200):
        project.update("app.py", f"import os\nVALUE = {n}\n")
        computed[n] = project.facts(project.files["app.py"])
    assert project.facts(project.files["copy.py"]) is shared  # still held by copy.py
    assert len(project._facts) == 2 and len(project._recent) == model.RECENT_CONTENTS
    project.update("app.py", "import os\nVALUE = 198\n")  # an undo: found among the recent
    assert project.facts(project.files["app.py"]) is computed[198]
    project.update("app.py", "import os\nVALUE = 5\n")  # long gone: computed again
    assert project.facts(project.files["app.py"]) is not computed[5]
    last = (project.files["app.py"].kind, project.files["app.py"].sha)
    project.remove("app.py")
    project.remove("copy.py")
    assert not project._facts and last not in project._recent


def test_models_and_queries_across_modules():
    project = Project.from_tree({
        "a/models.py": "from django.db import models\nclass Book(models.Model):\n    title = models.CharField(max_length=9)\n",
        "b/views.py": "from a.models import Book\ndef v():\n    return Book.objects.filter(title='x')\n"})
    path, model = project.model("Book", "b/views.py")
    assert path == "a/models.py" and [f.name for f in model.fields] == ["title"]
    (site,) = project.facts(project.files["b/views.py"]).queries
    assert (site.model, site.field, site.how) == ("Book", "title", "filter")


def test_bad_files_are_indexed_without_breaking(tmp_path):
    (tmp_path / "broken.py").write_text("def (:\n")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "package.json").write_text("{not json")
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "crlf.txt").write_text("x")
    (tmp_path / "requirements.txt").write_bytes(b"flask==1\r\ntwilio\r\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.js").write_text("fetch('http://localhost:1')")
    project = scan(str(tmp_path))
    assert "latin.py" not in project.files  # undecodable: left out, never guessed
    assert "node_modules/x.js" not in project.files
    assert project.facts(project.files["broken.py"]).error
    assert project.facts(project.files["package.json"]).error
    assert project.facts(project.files["pyproject.toml"]).error
    deps = project.facts(project.files["requirements.txt"]).dependencies
    assert [d.raw for d in deps] == ["flask==1", "twilio"]


def test_disk_cache_round_trip_gives_equal_facts(tmp_path):
    (tmp_path / "m.py").write_text("from django.db import models\nclass A(models.Model):\n    x = models.IntegerField(db_index=True)\n")
    (tmp_path / "Procfile").write_text("web: gunicorn app:app -b 0.0.0.0:8000\n")
    (tmp_path / "space.yaml").write_text("sdk: gradio\n")
    first = scan(str(tmp_path))
    save_cache(first, str(tmp_path / "cache"), "k")
    second = Project(str(tmp_path))
    load_cache(second, str(tmp_path / "cache"), "k")
    scan(str(tmp_path), project=second)
    for path, file in first.files.items():
        assert second.facts(second.files[path]) == first.facts(file)
    stale = Project(str(tmp_path))
    load_cache(stale, str(tmp_path / "cache"), "other-version")
    assert stale.disk_cache == {}


def test_scan_removes_deleted_files(tmp_path):
    (tmp_path / "a.py").write_text("import os\n")
    project = scan(str(tmp_path))
    (tmp_path / "a.py").unlink()
    scan(str(tmp_path), project=project)
    assert "a.py" not in project.files
