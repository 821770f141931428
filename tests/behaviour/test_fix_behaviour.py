"""Behaviour of the file-rule fixes (DESIGN.md, *Fix safety*): each case's source is fixed
with the rule's own fix, then the source before and after is executed in a subprocess
(isolated temp dir, small stand-in modules on sys.path, timeout) and the observable output
is compared with what the fix's label promises: safe = same output, unsafe = only the
intended change. Project rules (PR6xx) are covered by tests/rules/test_project_fix_behaviour.py.

A completeness test keeps every fixable rule either covered here or listed in PENDING, so a
new fix cannot be added without a behavioural case (and PENDING can only shrink)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

from prodready.api import fix_source
from prodready.checks import all_rules, get_rule

FAKE_REQUESTS = {
    "requests.py": textwrap.dedent('''
        CALLS = []
        def _call(method, url, **kw):
            CALLS.append((method, url, sorted(kw.items())))
            return {"url": url, "kw": sorted(kw.items())}
        def get(url, **kw): return _call("get", url, **kw)
        def post(url, **kw): return _call("post", url, **kw)
    '''),
}


@dataclass
class Case:
    code: str
    source: str
    driver: str  # runs after the module is imported as `mod`; prints what is observable
    unsafe: bool = False
    # For unsafe fixes: (before_output, after_output) -> None, asserting the intended change only.
    intended: Optional[Callable[[str, str], None]] = None
    files: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    skip: str = ""
    note: str = ""
    # The path the rule sees (some rules only look at config modules); the code still runs as mod.py.
    path: str = "mod.py"
    # Runs before `import mod` (framework set-up such as Django's settings).
    prelude: str = ""


def _run(root: Path, files: dict, source: str, driver: str, env: dict, prelude: str = "") -> str:
    for name, text in {**files, "mod.py": source}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    script = (f"import sys; sys.path.insert(0, {str(root)!r})\n" + textwrap.dedent(prelude)
              + "\nimport mod\n" + textwrap.dedent(driver))
    result = subprocess.run([sys.executable, "-I", "-c", script], cwd=root, capture_output=True,
                            text=True, timeout=30, env={"PATH": "/usr/bin:/bin", **env})
    return f"rc={result.returncode}\n{result.stdout}" + (result.stderr.strip().splitlines() or [""])[-1]


def _expect_line_change(old: str, new: str):
    def check(before: str, after: str) -> None:
        assert old in before, before
        assert before.replace(old, new) == after, (before, after)
    return check


def _fails_fast(fallback: str, error: str):
    def check(before: str, after: str) -> None:
        assert before == f"rc=0\n{fallback}\n", before
        assert after.startswith("rc=1\n") and after.endswith(error), after
    return check


DJANGO_SETTINGS = """
import django
from django.conf import settings
settings.configure(
    SECRET_KEY="test", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="mod", DATABASES={},
    MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    REST_FRAMEWORK={"DEFAULT_AUTHENTICATION_CLASSES": [], "UNAUTHENTICATED_USER": None},
)
django.setup()
"""

DRF_VIEW = (
    "from django.urls import path\nfrom django.utils.decorators import method_decorator\n"
    "from django.views.decorators.csrf import csrf_exempt\nfrom rest_framework.response import Response\n"
    "from rest_framework.views import APIView\n\n\n"
    "@method_decorator(csrf_exempt, name=\"dispatch\")\nclass Items(APIView):\n"
    "    def post(self, request):\n        return Response({\"ok\": True})\n\n\n"
    "urlpatterns = [path(\"items/\", Items.as_view())]\n"
)

DRF_FUNCTION_VIEW = (
    "from django.urls import path\nfrom django.views.decorators.csrf import csrf_exempt\n"
    "from rest_framework.decorators import api_view\nfrom rest_framework.response import Response\n\n\n"
    "@csrf_exempt\n@api_view([\"POST\"])\ndef items(request):\n    return Response({\"ok\": True})\n\n\n"
    "urlpatterns = [path(\"items/\", items)]\n"
)

SQLITE_USERS = (
    "import sqlite3\ndb = 'users.db'\nc = sqlite3.connect(db)\nc.execute('create table users (name text)')\n"
    "c.executemany('insert into users values (?)', [('a',), ('b',)])\nc.commit()\nc.close()\n"
)

SQLALCHEMY_MODELS = (
    "from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import declarative_base, relationship\n\n"
    "Base = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = \"users\"\n"
    "    id = Column(Integer, primary_key=True)\n    posts = relationship(\"Post\", back_populates=\"author\")\n\n\n"
    "class Post(Base):\n    __tablename__ = \"posts\"\n    id = Column(Integer, primary_key=True)\n"
    "    author_id = Column(ForeignKey(\"users.id\"), nullable=False)\n"
    "    author = relationship(\"User\", back_populates=\"posts\")\n"
)

SQLALCHEMY_DELETE_PARENT = """
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
engine = create_engine("sqlite://")
mod.Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add(mod.User(id=1, posts=[mod.Post(id=1)]))
    s.commit()
    s.delete(s.get(mod.User, 1))
    try:
        s.commit()
        print("delete ok")
    except IntegrityError:
        s.rollback()
        print("delete IntegrityError")
    print("posts", s.scalar(select(func.count()).select_from(mod.Post)))
"""


CASES = [
    Case("PR101", "from datetime import datetime\nx = datetime.utcnow()\n",
         "print(type(mod.x).__name__, mod.x.tzinfo)"),
    Case("PR101", "from datetime import datetime\nx = datetime.utcnow()\n",
         "print(type(mod.x).__name__, mod.x.tzinfo)", unsafe=True,
         intended=_expect_line_change("datetime None", "datetime UTC")),
    Case("PR101", "from datetime import datetime\nx = datetime.utcfromtimestamp(86400)\n", "print(repr(mod.x))"),
    Case("PR101", "from datetime import datetime\nx = datetime.utcnow().replace(tzinfo=None)\n", "print(type(mod.x).__name__, mod.x.tzinfo)"),
    # PR202 (unsafe): with the variable set nothing changes; unset, the placeholder fallback is gone
    # and the module fails at import (KeyError) instead of running with the placeholder.
    Case("PR202", 'import os\nAPI_KEY = os.getenv("API_KEY", "changeme")\n', "print(mod.API_KEY)", unsafe=True,
         env={"API_KEY": "real"}, intended=_expect_line_change("", "")),
    Case("PR202", 'import os\nAPI_KEY = os.getenv("API_KEY", "changeme")\n', "print(mod.API_KEY)", unsafe=True,
         intended=_fails_fast("changeme", "KeyError: 'API_KEY'")),
    Case("PR405", "import requests\nr = requests.get('http://x')\n", "print(mod.r)", unsafe=True,
         files=FAKE_REQUESTS,
         intended=_expect_line_change("'kw': []", "'kw': [('timeout', 30)]")),
    Case("PR201", 'SECRET_KEY = "django-insecure-8f2k$w0x"\n', "print(mod.SECRET_KEY)", unsafe=True,
         env={"SECRET_KEY": "from-env"},
         intended=_expect_line_change("django-insecure-8f2k$w0x", "from-env")),
    Case("PR203", 'import os\nDEBUG = os.getenv("DEBUG", "True") == "True"\n', "print(mod.DEBUG)", unsafe=True,
         intended=_expect_line_change("True", "False")),
    Case("PR203", 'import os\nDEBUG = os.getenv("DEBUG", "True") == "True"\n', "print(mod.DEBUG)", unsafe=True,
         env={"DEBUG": "True"}, intended=_expect_line_change("", ""),
         note="a deployment that sets the variable keeps its value"),
    # PR502: the cached client is created once; every request still gets the same answer.
    Case("PR502", 'import redis\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get("/count")\ndef count():\n'
                  '    r = redis.Redis(host="cache")\n    return str(r.incr("hits"))\n',
         "print(mod.count(), mod.count(), mod.count())\nimport redis\nprint('clients', redis.CREATED)", unsafe=True,
         files={"redis.py": "CREATED = 0\nHITS = {}\nclass Redis:\n    def __init__(self, **kw):\n        global CREATED\n"
                            "        CREATED += 1\n    def incr(self, k):\n        HITS[k] = HITS.get(k, 0) + 1\n        return HITS[k]\n",
                "flask.py": "class Flask:\n    def __init__(self, name): pass\n    def get(self, path):\n        return lambda f: f\n"},
         intended=_expect_line_change("clients 3", "clients 1")),
    # Safe env-backed fixes: unset variables keep every value; each distinct value has its own
    # variable, so setting one changes only that one (the driver sets them after the fix).
    Case("PR205", 'URLS = ["http://localhost:8000", "http://localhost:9000"]\n', "print(mod.URLS)"),
    Case("PR205", 'A = "http://localhost:8000"\nB = "http://localhost:9000"\n', "print(mod.A, mod.B)"),
    Case("PR205", 'URLS = ["http://localhost:8000", "http://localhost:9000"]\n', "print(mod.URLS)", unsafe=True,
         env={"URLS_URL_1": "http://api"}, intended=_expect_line_change("http://localhost:8000", "http://api")),
    Case("PR207", 'DIRS = ["C:\\\\data\\\\a", "C:\\\\data\\\\b"]\n', "print(mod.DIRS)"),
    Case("PR207", 'DIRS = ["C:\\\\data\\\\a", "C:\\\\data\\\\b"]\n', "print(mod.DIRS)", unsafe=True,
         env={"DIRS_PATH_2": "/srv/b"}, intended=_expect_line_change("C:\\\\data\\\\b", "/srv/b")),
    Case("PR207", 'MP4_HLS_COMMAND_PATH = "C:\\\\bin\\\\mp4hls.exe"\n', "print(mod.MP4_HLS_COMMAND_PATH)", unsafe=True,
         env={"MP4_HLS_COMMAND_PATH": "/usr/bin/mp4hls"},
         intended=_expect_line_change("C:\\bin\\mp4hls.exe", "/usr/bin/mp4hls")),
    # PR304 (unsafe): the library no longer configures logging at import, so the application's
    # own configuration takes effect (before, the app's basicConfig was a no-op).
    Case("PR304", 'import logging\nlogging.basicConfig(level=logging.INFO)\nlog = logging.getLogger(__name__)\n'
                  'def f():\n    log.warning("hi")\n',
         "import logging, sys\nlogging.basicConfig(stream=sys.stdout, format='%(levelname)s %(message)s')\nmod.f()",
         unsafe=True, intended=_expect_line_change("rc=0\nWARNING:mod:hi", "rc=0\nWARNING hi\n")),
    # PR206 (safe): unset HOST keeps the old bind host.
    Case("PR206", 'from flask import Flask\napp = Flask(__name__)\napp.run(host="0.0.0.0")\n', "",
         files={"flask.py": "class Flask:\n    def __init__(self, name): pass\n"
                            "    def run(self, **kw): print('run', sorted(kw.items()))\n"}),
    # PR204 (unsafe): "false"/"0" now parse as False (bool("false") was True); unset stays False.
    Case("PR204", 'import os\nUSE_CACHE = bool(os.getenv("USE_CACHE", False))\n', "print(mod.USE_CACHE)", unsafe=True,
         env={"USE_CACHE": "false"}, intended=_expect_line_change("True", "False")),
    Case("PR204", 'import os\nUSE_CACHE = bool(os.getenv("USE_CACHE", False))\n', "print(mod.USE_CACHE)", unsafe=True,
         env={"USE_CACHE": "0"}, intended=_expect_line_change("True", "False")),
    Case("PR204", 'import os\nUSE_CACHE = bool(os.getenv("USE_CACHE", False))\n', "print(mod.USE_CACHE)", unsafe=True,
         intended=_expect_line_change("", "")),
    # PR402 (safe): unset CORS_ORIGINS keeps the old origin list.
    Case("PR402", 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                  'CORS(app, origins=["http://localhost:3000", "https://app.example.com"])\n', "",
         files={"flask.py": "class Flask:\n    def __init__(self, name): pass\n",
                "flask_cors.py": "def CORS(app, **kw): print('cors', sorted(kw.items()))\n"}),
    # PR305 (unsafe): with logging configured to print messages to stdout, the line is still emitted.
    Case("PR305", 'def sync(orders):\n    print("Syncing", len(orders), "orders")\n',
         "import logging, sys\nlogging.basicConfig(stream=sys.stdout, level=logging.INFO, format='%(message)s')\n"
         "mod.sync([1, 2])", unsafe=True, intended=_expect_line_change("", "")),
    # PR404 (unsafe): a command without shell syntax prints the same output without the shell
    # (the fix offers nothing for a constant `echo`, so `ls -1` in the temp dir is the command).
    Case("PR404", 'import subprocess\nsubprocess.run("ls -1", shell=True)\n', "", unsafe=True,
         intended=_expect_line_change("", "")),
    # PR209 (unsafe): a set DATABASE_URL is used; unset, the fix drops the sqlite default and fails fast.
    Case("PR209", 'SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"\n', "print(mod.SQLALCHEMY_DATABASE_URI)", unsafe=True,
         env={"DATABASE_URL": "postgresql://db/app"}, intended=_expect_line_change("sqlite:///app.db", "postgresql://db/app")),
    Case("PR209", 'SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"\n', "print(mod.SQLALCHEMY_DATABASE_URI)", unsafe=True,
         intended=_fails_fast("sqlite:///app.db", "KeyError: 'DATABASE_URL'")),
    # PR303 (unsafe): the traceback is reported once (logger.exception) instead of twice.
    Case("PR303", "import logging\nimport traceback\nlogger = logging.getLogger(__name__)\n\ndef f():\n    try:\n"
                  "        work()\n    except Exception:\n        logger.exception('failed')\n        traceback.print_exc()\n"
                  "        return None\n",
         "import logging, sys\nsys.stderr = sys.stdout\nlogging.basicConfig(stream=sys.stdout, format='%(message)s')\n"
         "mod.work = lambda: 1 / 0\nprint(mod.f())", unsafe=True,
         intended=lambda before, after: (before.count("ZeroDivisionError: division by zero") == 2
                                         and after.count("ZeroDivisionError: division by zero") == 1
                                         and after.startswith("rc=0\nfailed\n")) or pytest.fail((before, after))),
    # PR305 inside `except`: the message is logged at error level (it reports a failure).
    Case("PR305", 'def f():\n    try:\n        1 / 0\n    except Exception as e:\n        print("failed", e)\n',
         "import logging, sys\nlogging.basicConfig(stream=sys.stdout, level=logging.INFO, format='%(levelname)s %(message)s')\n"
         "mod.f()", unsafe=True, intended=_expect_line_change("rc=0\nfailed division by zero", "rc=0\nERROR failed division by zero")),
    # PR301 (unsafe): the client sees the generic message, not the exception text; the exception is logged once.
    Case("PR301", "from flask import Flask, jsonify\napp = Flask(__name__)\n\n@app.route('/x')\ndef x():\n    try:\n"
                  "        return work()\n    except Exception as e:\n        return jsonify({\"error\": str(e)}), 500\n",
         "import logging, sys\nlogging.basicConfig(stream=sys.stdout, format='LOG %(message)s')\n"
         "def boom(): raise ValueError('db password=hunter2')\nmod.work = boom\nprint('client', mod.x())", unsafe=True,
         files={"flask.py": "class Flask:\n    def __init__(self, name): pass\n    def route(self, path):\n"
                            "        return lambda f: f\ndef jsonify(d): return d\n"},
         intended=lambda before, after: (
             "client ({'error': 'db password=hunter2'}, 500)" in before and "LOG" not in before
             and "client ({'error': 'Internal server error'}, 500)" in after and "hunter2'}" not in after
             and after.count("LOG Unexpected error") == 1) or pytest.fail((before, after))),
    # PR501 (unsafe): the model is loaded once; every request gets the same answer.
    Case("PR501", 'import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/transcribe")\n'
                  'def transcribe():\n    model = whisper.load_model("base")\n    return model.transcribe("audio.mp3")["text"]\n',
         "print(mod.transcribe(), mod.transcribe(), mod.transcribe())\nimport whisper\nprint('loads', whisper.LOADS)", unsafe=True,
         files={"whisper.py": "LOADS = 0\nclass _M:\n    def transcribe(self, path): return {'text': 'hello ' + path}\n"
                             "def load_model(name):\n    global LOADS\n    LOADS += 1\n    return _M()\n",
                "flask.py": "class Flask:\n    def __init__(self, name): pass\n    def post(self, path):\n        return lambda f: f\n"},
         intended=_expect_line_change("loads 3", "loads 1")),
    # PR208 (safe): unset, the setting keeps its literal value and type; the variable now overrides it.
    Case("PR208", 'import os\nREDIS_URL = os.getenv("REDIS_URL")\nDB_PORT = 5432\nDB_HOST = "db.internal"\n',
         "print(repr(mod.DB_PORT), repr(mod.DB_HOST))", path="app/settings.py"),
    # PR401 (safe) with the real Django and DRF: DRF's views are already CSRF-exempt (its
    # as_view wraps them), so removing the redundant csrf_exempt changes nothing a client sees.
    Case("PR401", DRF_VIEW, "from django.test import Client\n"
         "r = Client(enforce_csrf_checks=True).post('/items/', {})\nprint(r.status_code, r.content)\n"
         "print('exempt', getattr(mod.Items.as_view(), 'csrf_exempt', False))", prelude=DJANGO_SETTINGS),
    Case("PR401", DRF_FUNCTION_VIEW, "from django.test import Client\n"
         "r = Client(enforce_csrf_checks=True).post('/items/', {})\nprint(r.status_code, r.content)",
         prelude=DJANGO_SETTINGS),
    # PR503 (safe) with the real sqlite3: the connection is closed by `with closing(...)`; the
    # function returns the same rows and the writes are committed as before.
    Case("PR503", 'import sqlite3\n\n\ndef count_users(path):\n    conn = sqlite3.connect(path)\n'
                  '    rows = conn.execute("select count(*) from users").fetchone()\n    conn.close()\n    return rows[0]\n',
         SQLITE_USERS + "print(mod.count_users(db), mod.count_users(db))"),
    Case("PR503", 'import sqlite3\n\n\ndef save(path, value):\n    with sqlite3.connect(path) as conn:\n'
                  '        conn.execute("insert into users values (?)", (value,))\n',
         SQLITE_USERS + "mod.save(db, 'c')\nmod.save(db, 'd')\n"
         "print(sqlite3.connect(db).execute('select name from users order by name').fetchall())"),
    # PR507 (unsafe) with the real SQLAlchemy: deleting a parent used to null the children's NOT
    # NULL key (IntegrityError); with the cascade the children are deleted with it.
    Case("PR507", SQLALCHEMY_MODELS, SQLALCHEMY_DELETE_PARENT, unsafe=True,
         intended=_expect_line_change("delete IntegrityError\nposts 1", "delete ok\nposts 0")),
]

# Fixable file rules that have no behavioural case yet. This list may only shrink.
PENDING: set[str] = set()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{'unsafe' if c.unsafe else 'safe'}-{i}" for i, c in enumerate(CASES)])
def test_fix_keeps_its_label(case: Case, tmp_path: Path):
    if case.skip:
        pytest.skip(case.skip)
    rule = get_rule(case.code)
    fixed = fix_source(case.source, case.path, unsafe=case.unsafe, rules=[rule], only_codes={case.code}).text
    assert fixed != case.source, f"{case.code} fixed nothing"
    outputs = []
    for name, text in (("before", case.source), ("after", fixed)):
        (tmp_path / name).mkdir()
        outputs.append(_run(tmp_path / name, case.files, text, case.driver, case.env, case.prelude))
    before, after = outputs
    if case.unsafe:
        assert case.intended is not None, "an unsafe case must say which change it intends"
        case.intended(before, after)
    else:
        assert before.startswith("rc=0\n"), f"the example itself fails, so it shows nothing: {before}"
        assert before == after


def test_every_fixable_rule_has_a_behavioural_case():
    fixable = {r.code for r in all_rules() if (r.fixed or r.unsafe_fixed) and not r.code.startswith("PR6")}
    covered = {c.code for c in CASES}
    assert fixable - covered - PENDING == set(), "fixable rules without a behavioural case"
    assert PENDING & covered == set(), "covered rules still listed in PENDING"
    assert PENDING <= fixable, "PENDING lists rules that offer no fix"


CLOSED_CLIENTS = [
    'import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/x")\nasync def x(url: str):\n'
    '    async with httpx.AsyncClient() as client:\n        return (await client.get(url)).text\n',
    'import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/x")\ndef x(url: str):\n'
    '    client = httpx.Client()\n    with client:\n        return client.get(url).text\n',
    'import httpx\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/x")\ndef x(url: str):\n'
    '    client = httpx.Client()\n    try:\n        return client.get(url).text\n    finally:\n        client.close()\n',
]


@pytest.mark.parametrize("source", CLOSED_CLIENTS)
def test_pr502_offers_no_cache_for_a_client_the_handler_closes(source):
    # Caching it would hand the second request a closed client.
    assert fix_source(source, "app/m.py", unsafe=True, rules=[get_rule("PR502")]).text == source


def test_pr101_fix_titles_describe_the_edit():
    from prodready.api import check_text
    text = "from datetime import datetime\nx = datetime.utcfromtimestamp(5)\n"
    (finding,) = check_text(text, "app/m.py", rules=[get_rule("PR101")]).findings
    assert all("fromtimestamp(ts, tz=timezone.utc)" in f.title for f in finding.fixes), [f.title for f in finding.fixes]


def test_pr101_adds_no_second_tzinfo_strip():
    text = "from datetime import datetime\nx = datetime.utcnow().replace(tzinfo=None)\n"
    fixed = fix_source(text, "app/m.py", rules=[get_rule("PR101")]).text
    assert fixed.count(".replace(tzinfo=None)") == 1, fixed
