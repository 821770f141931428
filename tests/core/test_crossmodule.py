"""Cross-module names: an object imported from the project's extensions.py is what that
module says it is (core/crossmodule.py), through the engine, check_text, the CLI and the
incremental analyzer; nothing of the project is ever executed."""

from __future__ import annotations

import ast
import io
import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from prodready.api import check_text
from prodready.cli.main import main
from prodready.core.config import Config
from prodready.core.crossmodule import ProjectResolver, find_root
from prodready.core.incremental import DocumentAnalyzer
from prodready.core.names import NameResolver

EXTENSIONS = '''\
import pathlib
pathlib.Path(__file__).with_name("EXECUTED").write_text("extensions.py was executed")
raise SystemExit("executed!")

import httpx
import requests

http = requests.Session()


def make_client():
    return requests.Session()


client = make_client()


def build():
    session = requests.Session()
    session.headers["User-Agent"] = "app"
    return session


built = build()
cache = {}
safe_client = httpx.Client()
'''

VIEWS = '''\
from . import extensions
from .extensions import built, cache, client, http, safe_client
from app.extensions import http as h


def index(url):
    http.get(url)
    client.get(url)
    h.get(url)
    extensions.http.post(url)
    cache.get(url)
    safe_client.get(url)
    return built.get(url)
'''

# 1-based lines of VIEWS where PR405 must fire (the jedi-inferred `built` is line 13).
CHEAP_LINES = {7, 8, 9, 10}
JEDI_LINE = 13


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, {
        "pyproject.toml": "[project]\nname = 'app'\n",
        "app/__init__.py": "",
        "app/extensions.py": EXTENSIONS,
        "app/views.py": VIEWS,
    })
    return tmp_path


def pr405_lines(analysis) -> set[int]:
    source = analysis.source
    return {source.display_position(f.start)[0] for f in analysis.findings if f.code == "PR405"}


def never_executed(root: Path) -> None:
    assert not list(root.rglob("EXECUTED")), "the project's code was executed"


def test_resolver_answers_in_names_py_convention(project: Path):
    resolver = ProjectResolver(project, budget=30, startup_allowance=30)
    views = project / "app" / "views.py"
    assert resolver.resolve(".extensions.http.get", views) == "requests.Session().get"
    assert resolver.resolve("app.extensions.http", views) == "requests.Session()"
    assert resolver.resolve(".extensions.client.get", views) == "requests.Session().get"  # return statements
    assert resolver.resolve(".extensions.make_client().get", views) == "requests.Session().get"
    assert resolver.resolve(".extensions.requests.get", views) == "requests.get"
    assert resolver.resolve(".extensions.safe_client.get", views) == "httpx.Client().get"
    assert resolver.resolve(".extensions.cache.get", views) is None  # a dict literal: nothing to say
    assert resolver.resolve(".extensions.build", views) is None  # the project's own function
    assert resolver.resolve(".extensions", views) is None  # a module
    assert resolver.resolve(".missing.thing", views) is None
    never_executed(project)


def test_jedi_infers_what_the_module_alone_cannot(project: Path):
    pytest.importorskip("requests")  # jedi reads its source
    resolver = ProjectResolver(project, budget=30, startup_allowance=30)
    views = project / "app" / "views.py"
    # `built = build()`: build() returns a local variable; jedi infers requests.sessions.Session,
    # spelled as requests' package exports it.
    assert resolver.resolve(".extensions.built.get", views) == "requests.Session().get"
    assert resolver.stats["jedi_requests"] == 1
    assert resolver.resolve(".extensions.built.post", views) == "requests.Session().post"
    assert resolver.stats["jedi_requests"] == 1  # cached per module version
    import jedi

    assert jedi.settings.auto_import_modules == []  # jedi imports nothing for real
    never_executed(project)


def test_check_text_with_a_project_sees_imported_sessions(project: Path):
    pytest.importorskip("requests")
    views = project / "app" / "views.py"
    alone = check_text(VIEWS, str(views))
    assert pr405_lines(alone) == set()  # one file alone cannot know what `http` is
    resolver = ProjectResolver(project, budget=30, startup_allowance=30)
    analysis = check_text(VIEWS, str(views), project=resolver)
    assert pr405_lines(analysis) == CHEAP_LINES | {JEDI_LINE}
    assert not analysis.errors
    assert str(project / "app" / "extensions.py") in analysis.dependencies
    never_executed(project)


def test_without_jedi_budget_the_cheap_answers_remain(project: Path):
    views = project / "app" / "views.py"
    analysis = check_text(VIEWS, str(views), project=ProjectResolver(project, budget=0))
    assert pr405_lines(analysis) == CHEAP_LINES
    analysis = check_text(VIEWS, str(views), project=ProjectResolver(project, use_jedi=False))
    assert pr405_lines(analysis) == CHEAP_LINES


def run_cli(root: Path, *args: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        from prodready.cli.main import _dispatch

        code = _dispatch(["check", "--format", "json", "--select", "PR405", *args, "app"], out, err)
    finally:
        os.chdir(cwd)
    assert code in (0, 1), err.getvalue()
    return json.loads(out.getvalue())


def cli_lines(report: dict, name: str) -> set[int]:
    return {f["range"]["start"]["line"] for f in report["findings"] if f["path"].endswith(name)}


def test_cli_resolves_across_modules_and_invalidates_its_cache(project: Path):
    report = run_cli(project, "--no-cache")
    assert CHEAP_LINES <= cli_lines(report, "views.py")
    never_executed(project)

    # The cache remembers which modules a file's findings came from.
    first = run_cli(project)
    assert CHEAP_LINES <= cli_lines(first, "views.py")
    extensions = project / "app" / "extensions.py"
    text = extensions.read_text(encoding="utf-8").replace("http = requests.Session()", "http = {}")
    extensions.write_text(text, encoding="utf-8")
    stat = extensions.stat()
    os.utime(extensions, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    second = run_cli(project)
    # `http` (also as `h` and `extensions.http`) is a dict now; `client` is still a session.
    assert cli_lines(second, "views.py") & CHEAP_LINES == {8}
    never_executed(project)


def test_cli_passes_stdin_through_the_project(project: Path, monkeypatch, capsys):
    monkeypatch.chdir(project)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(VIEWS.encode())))
    code = main(["check", "--format", "json", "--select", "PR405", "--stdin-filename", "app/views.py", "-"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert CHEAP_LINES <= cli_lines(report, "views.py")


def test_syntax_error_in_the_other_module_is_unknown(tmp_path: Path):
    write(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/broken.py": "import requests\nhttp = requests.Session(\n",
        "app/views.py": "from .broken import http\n\ndef f(url):\n    return http.get(url)\n",
    })
    views = tmp_path / "app" / "views.py"
    resolver = ProjectResolver(tmp_path, budget=30, startup_allowance=30)
    assert resolver.resolve(".broken.http.get", views) is None
    analysis = check_text(views.read_text(), str(views), project=resolver)
    assert not analysis.findings and not analysis.errors and analysis.problem is None
    assert resolver.stats["jedi_requests"] == 0


def test_import_cycles_terminate(tmp_path: Path):
    write(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "from .a import http\n",
        "app/a.py": "from .b import http\nfrom .b import *\n",
        "app/b.py": "from .a import http\nfrom .a import *\nfrom app import http as again\n",
        "app/views.py": "from .a import http, other\n\ndef f(url):\n    http.get(url)\n    other.get(url)\n",
    })
    views = tmp_path / "app" / "views.py"
    resolver = ProjectResolver(tmp_path, budget=30, startup_allowance=30)
    began = time.perf_counter()
    assert resolver.resolve(".a.http.get", views) is None
    assert resolver.resolve(".a.other.get", views) is None
    assert resolver.resolve("app.http.get", views) is None
    assert resolver.resolve(".b.again", views) is None
    analysis = check_text(views.read_text(), str(views), project=resolver)
    assert not analysis.findings and not analysis.errors
    assert time.perf_counter() - began < 5


def test_reexports_star_imports_and_src_layout(tmp_path: Path):
    write(tmp_path, {
        "pyproject.toml": "",
        "src/shop/__init__.py": "from .ext import http\n",
        "src/shop/ext/__init__.py": "from .clients import *\n",
        "src/shop/ext/clients.py": "import requests\nfrom requests import get as fetch\nhttp = requests.Session()\nSession = requests.Session\n",
        "src/shop/api.py": "from shop import http\nfrom shop.ext import fetch, Session\n",
    })
    api = tmp_path / "src" / "shop" / "api.py"
    resolver = ProjectResolver(tmp_path, budget=0)
    assert resolver.resolve("shop.http.get", api) == "requests.Session().get"
    assert resolver.resolve("shop.ext.fetch", api) == "requests.get"
    assert resolver.resolve("shop.ext.Session().get", api) == "requests.Session().get"
    code = "from shop import http\nfrom shop.ext import fetch\n\ndef f(url):\n    http.get(url)\n    fetch(url)\n"
    analysis = check_text(code, str(api), project=resolver)
    assert pr405_lines(analysis) == {5, 6}


def test_from_package_import_module_is_relative_to_the_package():
    tree = ast.parse("from . import extensions\nfrom .. import up\nfrom .m import x\n")
    bindings = NameResolver.module_bindings(tree.body)
    assert bindings == {"extensions": ".extensions", "up": "..up", "x": ".m.x"}


def test_names_outside_the_project_never_reach_the_hook(project: Path):
    resolver = ProjectResolver(project, budget=30)
    lookup = resolver.for_file(project / "app" / "views.py")
    asked: list[str] = []

    class Spy:
        prefixes = lookup.prefixes

        def __call__(self, qualified):
            asked.append(qualified)
            return lookup(qualified)

    names = NameResolver(NameResolver.module_bindings(ast.parse(
        "import os\nimport requests\nfrom .extensions import http\n").body), Spy())
    assert names.resolve(ast.parse("os.getenv", mode="eval").body) == "os.getenv"
    assert names.resolve(ast.parse("requests.get", mode="eval").body) == "requests.get"
    assert asked == []
    assert names.resolve(ast.parse("http.get", mode="eval").body) == "requests.Session().get"
    assert asked == [".extensions.http.get"]
    assert list(lookup.consulted) == [str(project / "app" / "extensions.py")]


def test_incremental_analyzer_uses_the_project_and_notices_changes(project: Path):
    views = project / "app" / "views.py"
    analyzer = DocumentAnalyzer(str(views), Config())
    from prodready.checks import all_rules

    analyzer.configure(Config(), all_rules())
    analyzer.project = ProjectResolver(project, use_jedi=False)
    assert pr405_lines(analyzer.update(VIEWS)) == CHEAP_LINES
    extensions = project / "app" / "extensions.py"
    extensions.write_text(EXTENSIONS.replace("client = make_client()", "client = None  # gone"), encoding="utf-8")
    stat = extensions.stat()
    os.utime(extensions, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert pr405_lines(analyzer.update(VIEWS)) == CHEAP_LINES - {8}
    never_executed(project)


def test_find_root(tmp_path: Path):
    write(tmp_path, {"repo/pyproject.toml": "", "repo/pkg/__init__.py": "", "repo/pkg/sub/mod.py": "",
                     "loose/top/__init__.py": "", "loose/top/inner/__init__.py": "", "loose/top/inner/m.py": ""})
    assert find_root(tmp_path / "repo" / "pkg" / "sub" / "mod.py") == tmp_path / "repo"
    # No marker anywhere up: the folder the outermost package is imported from.
    if not any((p / m).exists() for p in tmp_path.parents for m in ("pyproject.toml", "setup.cfg", "setup.py", ".git")):
        assert find_root(tmp_path / "loose" / "top" / "inner" / "m.py") == tmp_path / "loose"


@pytest.mark.parametrize("text, kind", [
    ("def http():\n    pass\n", "function"),
    ("async def http():\n    pass\n", "function"),
    ("class http:\n    pass\n", "class"),
    ("def http(): pass\nx = http(1)\ny = https_only\n", "function"),
    ("def http(): pass\nhttp = requests.Session()\n", None),
    ("def http(): pass\nhttp: Session = requests.Session()\n", None),
    ("from x import http\ndef http(): pass\n", None),
    ("import a as http\ndef http(): pass\n", None),
    ("def http(): pass\nfor http in x: pass\n", None),
    ("def http(): pass\nwith open(f) as http: pass\n", None),
    ("def http(): pass\nfrom y import *\n", None),
    ("def http(): pass\nhttp += 1\n", None),
    ("def http(): pass\nif (http := f()): pass\n", None),
    ("def http(): pass\na, http = 1, 2\n", None),
    ("def http(): pass\nclass http: pass\n", None),
    ("class X:\n    def http(self): pass\n", None),
])
def test_quick_kind_is_sure_or_says_parse(text: str, kind):
    """Telling a def or class from the text alone (no parse) never mistakes a rebinding."""
    from prodready.core.crossmodule import _scan_kind

    assert _scan_kind(text, "http") == kind


def test_a_def_rebound_later_is_seen_through_the_parse(tmp_path: Path):
    write(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/ext.py": "import requests\n\ndef http():\n    pass\n\nhttp = requests.Session()\n",
    })
    resolver = ProjectResolver(tmp_path, use_jedi=False)
    assert resolver.resolve(".ext.http.get", tmp_path / "app" / "views.py") == "requests.Session().get"


PROTOTYPES = '''\
import functools

import requests

from .helpers import configured, registered


def prototype(fn, retries):
    fn.retries = retries
    return fn


def shortcut(fn):
    return registered(fn)


def replaced(fn):
    fn = functools.partial(fn, timeout=5)
    return fn


@functools.lru_cache
def decorated(fn):
    return fn


http = prototype(requests.Session(), 3)
fetch = shortcut(requests.get)
chained = configured(requests.Session()).mount
bounded = replaced(requests.get)
cached = decorated(requests.get)
'''

HELPERS = '''\
REGISTRY = []


def registered(fn):
    REGISTRY.append(fn)
    return fn


def configured(session):
    return registered(session)
'''


def test_a_function_that_returns_its_argument_gives_back_that_argument(tmp_path: Path):
    # ctypes prototype helpers, registration decorators called by hand: the call's value is
    # the argument, which the calling module resolves itself; jedi is not asked.
    write(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/helpers.py": HELPERS,
        "app/prototypes.py": PROTOTYPES,
        "app/views.py": ("from .prototypes import bounded, cached, chained, fetch, http\n\n\n"
                         "def index(url):\n    http.get(url)\n    fetch(url)\n    bounded(url)\n"
                         "    cached(url)\n    return chained\n"),
    })
    views = tmp_path / "app" / "views.py"
    resolver = ProjectResolver(tmp_path, budget=0, startup_allowance=0)
    assert resolver.resolve(".prototypes.http.get", views) == "requests.Session().get"
    assert resolver.resolve(".prototypes.fetch", views) == "requests.get"  # through registered()
    assert resolver.resolve(".prototypes.chained", views) == "requests.Session().mount"  # two modules
    # The parameter bound again, a decorated function: what a call gives back is not the argument.
    assert resolver.resolve(".prototypes.bounded", views) is None
    assert resolver.resolve(".prototypes.cached", views) is None
    assert resolver.stats["jedi_requests"] == 0
    analysis = check_text(views.read_text(), str(views), project=resolver)
    assert pr405_lines(analysis) == {5, 6}  # http.get(url) and fetch(url): no timeout


OPTIONAL = '''\
import importlib

import requests


def detector():
    found = None
    for lib in ("chardet", "charset_normalizer"):
        try:
            found = importlib.import_module(lib)
        except ImportError:
            pass
    return found


def rebound():
    client = None
    client = requests.Session()
    return client


detected = detector()
client = rebound()
'''


def test_a_function_that_may_return_its_literal_is_not_inferred(tmp_path: Path):
    # `found` may still be None when detector() returns: no one library object a rule could
    # name, so jedi is not started for it. `client` is bound again unconditionally: jedi is.
    pytest.importorskip("requests")
    write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/optional.py": OPTIONAL,
                     "app/views.py": "from .optional import client, detected\n"})
    views = tmp_path / "app" / "views.py"
    resolver = ProjectResolver(tmp_path, budget=30, startup_allowance=30)
    assert resolver.resolve(".optional.detected.detect", views) is None
    assert resolver.stats["jedi_requests"] == 0
    assert resolver.resolve(".optional.client.get", views) == "requests.Session().get"
    assert resolver.stats["jedi_requests"] == 1
    never_executed(tmp_path)


@pytest.mark.parametrize(("body", "expected"), [
    ("x = None\nif c:\n    x = make()\nreturn x", True),
    ("x = None\ntry:\n    x = make()\nexcept E:\n    pass\nreturn x", True),
    ("x = None\nwith lock:\n    x = make()\nreturn x", False),  # a with block always runs
    ("x = None\ntry:\n    pass\nfinally:\n    x = make()\nreturn x", False),
    ("x = None\nfor x in items:\n    pass\nreturn x", False),
    ("x = None\nx = make()\nreturn x", False),
    ("x = make()\nif c:\n    x = None\nreturn x", False),
    ("x = None\nreturn y", False),
])
def test_may_return_literal(body: str, expected: bool):
    from prodready.core.crossmodule import _may_return_literal

    func = ast.parse("def f():\n" + textwrap.indent(body, "    ")).body[0]
    assert _may_return_literal(func) is expected
