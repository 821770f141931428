"""The workspace index end to end (real server process, VS Code and Neovim profiles):
progress while indexing, project diagnostics on files that are not open, re-checks on
edits of open documents, and an N+1 finding whose model lives in another module."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.server.conftest import WAIT, codes

REQUIREMENTS = "flask==3.0.3\nrequests==2.32.3\n"
APP = "import flask\nimport requests\n\napp = flask.Flask(__name__)\n"


def published_for(s, uri: str):
    """The last publishDiagnostics for ``uri`` (None before the first)."""
    for params in reversed(s.client.published):
        if params.uri == uri:
            return list(params.diagnostics)
    return None


async def test_indexing_reports_progress(session_factory):
    s = session_factory()
    for index in range(30):
        (s.root / "pkg" / f"m{index}.py").parent.mkdir(parents=True, exist_ok=True)
        (s.root / "pkg" / f"m{index}.py").write_text(f"import os\nVALUE_{index} = {index}\n")
    (s.root / "requirements.txt").write_text(REQUIREMENTS)
    await s.initialize()

    def ended():
        for token, reports in s.client.progress_reports.items():
            kinds = [r.kind for r in reports]
            if kinds and kinds[0] == "begin" and kinds[-1] == "end":
                return reports
        return None

    reports = await s.wait_for(ended, "a begin ... end progress sequence")
    assert reports[0].title.startswith("prodready")
    middle = [r for r in reports[1:-1] if r.kind == "report"]
    assert middle and middle[-1].percentage == 100
    assert all(a.percentage <= b.percentage for a, b in zip(middle, middle[1:]))
    assert "files" in (reports[-1].message or "")


async def test_requirement_becomes_unused_and_used_again(session_factory):
    s = session_factory()
    (s.root / "requirements.txt").write_text(REQUIREMENTS)
    (s.root / "app.py").write_text(APP)
    await s.initialize()
    requirements = s.uri("requirements.txt")
    uri = s.open("app.py", APP)
    await s.diagnostics(uri, 1)
    await asyncio.sleep(0.3)  # the index has seen the file: nothing to report yet
    assert "PR603" not in codes(published_for(s, requirements) or [])

    s.change(uri, (1, 0), (2, 0), "")  # delete `import requests`
    diags = await s.wait_for(lambda: (d := published_for(s, requirements)) and "PR603" in codes(d) and d,
                             "PR603 on requirements.txt")
    (finding,) = [d for d in diags if d.code == "PR603"]
    assert finding.range.start == types.Position(1, 0)
    assert "requests" in finding.message

    s.change(uri, (1, 0), (1, 0), "import requests\n")  # the import returns
    await s.wait_for(lambda: (d := published_for(s, requirements)) is not None and "PR603" not in codes(d),
                     "PR603 gone from requirements.txt")


async def test_n_plus_one_with_the_relation_defined_in_another_module(session_factory):
    s = session_factory()
    (s.root / "library").mkdir()
    (s.root / "library" / "models.py").write_text(
        "from django.db import models\n\nclass Author(models.Model):\n    name = models.CharField(max_length=9)\n\n"
        "class Book(models.Model):\n    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n")
    view = "from library.models import Book\n\ndef index(request):\n    for book in Book.objects.all():\n        print(book.author.name)\n"
    (s.root / "library" / "views.py").write_text(view)
    await s.initialize()
    uri = s.open("library/views.py", view)
    diags = await s.diagnostics(uri, 1, until=lambda d: "PR608" in codes(d))
    (finding,) = [d for d in diags if d.code == "PR608"]
    assert finding.range.start == types.Position(4, 14)
    assert "select_related" in finding.message

    # The relation disappears from the model (another module, not open): the finding goes.
    models = s.root / "library" / "models.py"
    models.write_text("from django.db import models\n\nclass Book(models.Model):\n    title = models.CharField(max_length=9)\n")
    s.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=models.as_uri(), type=types.FileChangeType.Changed)]))
    await s.diagnostics(uri, 1, until=lambda d: "PR608" not in codes(d))


async def test_workspace_diagnostic_reports_files_that_are_not_open(session_factory):
    s = session_factory()
    (s.root / ".env").write_text("SECRET=1\n")
    (s.root / "app.py").write_text("import os\n")
    result = await s.initialize()
    provider = result.capabilities.diagnostic_provider
    if not s.pull:
        await s.wait_for(lambda: "PR607" in codes(published_for(s, s.uri(".env")) or []), "PR607 pushed")
        return
    assert provider.workspace_diagnostics

    async def report():
        return await asyncio.wait_for(s.client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])), WAIT)

    async def has_env_finding():
        got = await report()
        return [i for i in got.items if i.uri == s.uri(".env") and "PR607" in codes(i.items)]

    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not await has_env_finding():
        assert loop.time() < deadline, "workspace/diagnostic never reported PR607 on .env"
        await asyncio.sleep(0.05)
