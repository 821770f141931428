"""Cross-module names in a `check` run: the run's resolver takes each file's stamp once and
hands a module parsed for another file's lookup to that module's own check."""

from __future__ import annotations

import ast
import json
import types

from prodready.cli.main import main
from prodready.core import crossmodule, source

VIEWS = '''\
from .zclient import http


def fetch(url):
    return http.get(url).json()
'''
CLIENT = '''\
import requests

http = requests.Session()
'''


def _project(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "views.py").write_text(VIEWS)  # checked first (path order): it asks about zclient
    (app / "zclient.py").write_text(CLIENT)
    return tmp_path


def _findings(capsys) -> set:
    return {(f["path"], f["code"]) for f in json.loads(capsys.readouterr().out)["findings"]}


def test_a_module_parsed_for_a_lookup_is_not_parsed_again_for_its_own_check(tmp_path, monkeypatch, capsys):
    parsed: list[str] = []

    def counting_parse(text, filename="<unknown>", **kwargs):
        parsed.append(text)
        return ast.parse(text, filename=filename, **kwargs)

    counting_ast = types.SimpleNamespace(**{**vars(ast), "parse": counting_parse})
    monkeypatch.setattr(crossmodule, "ast", counting_ast)
    monkeypatch.setattr(source, "ast", counting_ast)
    monkeypatch.chdir(_project(tmp_path))
    main(["check", "--no-cache", "--jobs", "1", "--format", "json", "."])
    # views.py's `http.get(url)` is `requests.Session().get`, known from zclient.py's text
    assert ("app/views.py", "PR405") in _findings(capsys)
    assert parsed.count(CLIENT) == 1  # parsed for the lookup, and that tree checked zclient.py
    assert parsed.count(VIEWS) == 1


def test_a_later_run_in_the_same_process_sees_a_changed_module(tmp_path, monkeypatch, capsys):
    """Stamps are taken once per run, not once per process: an API user or a test that edits
    a file between two runs gets the new contents."""
    monkeypatch.chdir(_project(tmp_path))
    main(["check", "--no-cache", "--jobs", "1", "--format", "json", "."])
    assert ("app/views.py", "PR405") in _findings(capsys)
    (tmp_path / "app" / "zclient.py").write_text("http = object()\n")
    main(["check", "--no-cache", "--jobs", "1", "--format", "json", "."])
    assert ("app/views.py", "PR405") not in _findings(capsys)


def test_a_kept_tree_is_only_handed_to_the_text_it_was_parsed_from(tmp_path):
    project = _project(tmp_path)
    resolver = crossmodule.ProjectResolver(project, batch=True, use_jedi=False)
    views = project / "app" / "views.py"
    client = project / "app" / "zclient.py"
    assert resolver.for_file(views)(".zclient.http.get") == "requests.Session().get"
    assert resolver.take_tree(client, CLIENT + "# edited\n") is None  # other text: parse it
    assert resolver.take_tree(client, CLIENT) is None  # handed out (or refused) once
    resolver = crossmodule.ProjectResolver(project, batch=True, use_jedi=False)
    resolver.for_file(views)(".zclient.http.get")
    tree = resolver.take_tree(client, CLIENT)
    assert ast.dump(tree) == ast.dump(ast.parse(CLIENT))
    # the editor's resolver keeps no trees: open documents must not pin parses
    editor = crossmodule.ProjectResolver(project, use_jedi=False)
    assert editor.for_file(views)(".zclient.http.get") == "requests.Session().get"
    assert editor.take_tree(client, CLIENT) is None


# -- worker processes of one run ---------------------------------------------------------------

def test_a_summary_made_in_one_worker_is_read_in_another(tmp_path):
    from prodready.core.module_summaries import SummaryStore

    project = _project(tmp_path / "project")
    store = SummaryStore(str(tmp_path / "summaries"))
    (tmp_path / "summaries").mkdir()
    views = project / "app" / "views.py"
    client = project / "app" / "zclient.py"
    first = crossmodule.ProjectResolver(project, batch=True, use_jedi=False, shared=store)
    assert first.for_file(views)(".zclient.http.get") == "requests.Session().get"

    def no_parse(*_args, **_kwargs):
        raise AssertionError("parsed again")

    second = crossmodule.ProjectResolver(project, batch=True, use_jedi=False, shared=store)
    original = crossmodule.ModuleInfo.load
    crossmodule.ModuleInfo.load = no_parse  # the other worker reads the summary
    try:
        assert second.for_file(views)(".zclient.http.get") == "requests.Session().get"
    finally:
        crossmodule.ModuleInfo.load = original
    # a summary of another version of the file, or a damaged one, is not used
    client.write_text(CLIENT + "http = object()\n")
    third = crossmodule.ProjectResolver(project, batch=True, use_jedi=False, shared=store)
    assert third.for_file(views)(".zclient.http.get") == "object().get"  # the file as it is now
    for summary in (tmp_path / "summaries").iterdir():
        summary.write_bytes(b"\x00garbage")
    fourth = crossmodule.ProjectResolver(project, batch=True, use_jedi=False, shared=store)
    assert fourth.for_file(views)(".zclient.http.get") == "object().get"
    assert store.get(client, (1, 2)) is None


def test_the_worker_that_parsed_a_module_for_a_lookup_checks_it(tmp_path, monkeypatch):
    """`views.py` asks what `.zclient.http` is, so this worker parses zclient.py: it claims
    that file and checks it with that tree; the worker whose chunk holds zclient.py skips it."""
    import multiprocessing

    from prodready.cli import runner, schedule
    from prodready.core.config import Config

    project = _project(tmp_path / "project")
    (tmp_path / "summaries").mkdir()
    config = Config.discover(project)
    tasks = [runner.Task(str(project / "app" / name), f"app/{name}", f"app/{name}", config)
             for name in ("views.py", "zclient.py")]
    claims = multiprocessing.Array("b", len(tasks))
    runner.start_run()
    schedule._start_worker(tasks, claims, str(tmp_path / "summaries"))
    try:
        results = schedule.process_chunk([0])
        assert [r.display for r in results] == ["app/views.py", "app/zclient.py"]
        assert "PR405" in {item.code for item in results[0].items}
        assert schedule.process_chunk([1]) == []  # claimed already: not checked twice
    finally:
        runner.start_run()
        schedule._RUN.clear()


def test_a_big_checked_module_shares_its_summary(tmp_path):
    """A module a worker checked (not parsed for a lookup) is shared when it is big enough
    that reading the summary beats parsing it; a small one is not written at all."""
    from prodready.core.module_summaries import SummaryStore

    project = _project(tmp_path / "project")
    (tmp_path / "summaries").mkdir()
    store = SummaryStore(str(tmp_path / "summaries"))
    client = project / "app" / "zclient.py"
    big = CLIENT + "".join(f"SETTING_{n} = {n}\n" for n in range(crossmodule.SHARE_CHECKED_BYTES // 10))
    checker = crossmodule.ProjectResolver(project, batch=True, use_jedi=False, shared=store)
    checker.adopt(client, CLIENT, ast.parse(CLIENT))
    assert not list((tmp_path / "summaries").iterdir())
    client.write_text(big)
    checker = crossmodule.ProjectResolver(project, batch=True, use_jedi=False, shared=store)
    checker.adopt(client, big, ast.parse(big))
    bindings, definitions, _stars = store.get(client, crossmodule._stamp(client))
    assert bindings["http"] == "requests.Session()" and "SETTING_7" in definitions


def test_a_checked_file_is_not_read_again_to_be_adopted(tmp_path, monkeypatch):
    """The check read the file; adopting the summary of that very text reads nothing more.
    Any other text (a fix's result, stdin) is compared with the file first."""
    project = _project(tmp_path / "project")
    client = project / "app" / "zclient.py"
    reads = []
    original = crossmodule._read_text
    monkeypatch.setattr(crossmodule, "_read_text", lambda path: reads.append(path) or original(path))
    resolver = crossmodule.ProjectResolver(project, batch=True, use_jedi=False)
    text = client.read_text()
    resolver.note_read(client, text)
    resolver.adopt(client, text, ast.parse(text))
    assert reads == [] and resolver.parsed(client)
    other = crossmodule.ProjectResolver(project, batch=True, use_jedi=False)
    other.note_read(client, text)
    edited = text + "x = 1\n"
    other.adopt(client, edited, ast.parse(edited))
    assert reads == [client] and not other.parsed(client)  # not what the file holds


def test_a_module_the_run_does_not_check_keeps_no_tree(tmp_path, monkeypatch, capsys):
    from prodready.cli import runner

    monkeypatch.chdir(_project(tmp_path))
    main(["check", "--no-cache", "--jobs", "1", "--format", "json", "app/views.py"])
    assert ("app/views.py", "PR405") in _findings(capsys)  # zclient.py was read for the lookup
    assert runner.kept_paths() == []  # but its tree was not kept: nothing here will check it


def test_an_answer_is_shared_by_the_files_that_ask_it_with_its_dependencies(tmp_path):
    root = _project(tmp_path)
    (root / "app" / "other.py").write_text(VIEWS)
    resolver = crossmodule.ProjectResolver(root, batch=True)
    first = resolver.for_file(root / "app" / "views.py")
    second = resolver.for_file(root / "app" / "other.py")
    assert first(".zclient.http.get") == "requests.Session().get"
    asked: list = []
    original = crossmodule.FileLookup._answer
    try:
        crossmodule.FileLookup._answer = lambda self, *a: asked.append(a) or original(self, *a)
        assert second(".zclient.http.get") == "requests.Session().get"
    finally:
        crossmodule.FileLookup._answer = original
    assert asked == []  # worked out once for the folder
    # ... and the second file depends on zclient.py too, so a cached result of it is
    # checked again when zclient.py changes.
    assert str(root / "app" / "zclient.py") in second.consulted
    assert second.consulted == first.consulted
    # A file the run fixed (wrote) is read again for the answers that come after.
    (root / "app" / "zclient.py").write_text("http = None\n")
    resolver.changed(root / "app" / "zclient.py")
    third = resolver.for_file(root / "app" / "views.py")
    assert third(".zclient.http.get") is None


def test_a_warm_run_sees_a_dependency_of_a_shared_answer_change(tmp_path, monkeypatch, capsys):
    root = _project(tmp_path)
    (root / "app" / "other.py").write_text(VIEWS)
    monkeypatch.chdir(root)
    main(["check", "--jobs", "1", "--format", "json", "."])
    assert {("app/views.py", "PR405"), ("app/other.py", "PR405")} <= _findings(capsys)
    (root / "app" / "zclient.py").write_text("import httpx\n\nhttp = httpx.Client(timeout=5)\n")
    main(["check", "--jobs", "1", "--format", "json", "."])
    assert not {("app/views.py", "PR405"), ("app/other.py", "PR405")} & _findings(capsys)
