"""PR5xx behaviour the rule examples cannot express: positions, messages, severities,
block-by-block analysis (as the server does it) and handler recognition."""

from __future__ import annotations

import ast

import pytest

from prodready.api import check_text, fix_source
from prodready.checks import get_rule
from prodready.core.config import Config
from prodready.core.findings import Severity
from prodready.core.incremental import DocumentAnalyzer
from prodready.core.source import SourceFile
from prodready.quickfixes.apply import apply_edits, resolve_fix


def _findings(code: str, text: str, path: str = "app/module.py", options=None):
    config = Config.from_mapping({"preview": True, **(options or {})})
    analysis = check_text(text, path, config, rules=[get_rule(code)])
    assert not analysis.errors, analysis.errors
    return [f for f in analysis.findings if f.code == code]


def _blockwise(code: str, text: str, path: str = "app/module.py", class_split_lines: int = 300):
    """Analyse the text block by block, as the language server does (large classes member by
    member), and check the result equals the whole-file analysis."""
    rule = get_rule(code)
    analyzer = DocumentAnalyzer(path, Config(preview=True), [rule], class_split_lines=class_split_lines)
    analysis = analyzer.update(text)
    assert not analysis.errors, analysis.errors
    assert analysis.stats["blocks"] >= len(SourceFile(text).tree.body)
    whole = check_text(text, path, rules=[rule]).findings
    assert [(f.code, f.start, f.end, f.message) for f in analysis.findings] == [
        (f.code, f.start, f.end, f.message) for f in whole
    ]
    return analysis.findings


# -- handler recognition ---------------------------------------------------------------------

HANDLER_FORMS = [
    'from flask import Blueprint\nbp = Blueprint("b", __name__)\n\n@bp.route("/x")\ndef h():\n    threading.Thread(target=print).start()\n',
    'from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get("/x")\nasync def h():\n    threading.Thread(target=print).start()\n',
    'from fastapi import FastAPI\napp = FastAPI()\n\n@app.websocket("/ws")\nasync def h(ws):\n    threading.Thread(target=print).start()\n',
    'from flask.views import MethodView\n\nclass Items(MethodView):\n    def get(self):\n        threading.Thread(target=print).start()\n',
    'from rest_framework import viewsets\nfrom rest_framework.decorators import action\n\nclass V(viewsets.ViewSet):\n    @action(detail=True)\n    def publish(self, request, pk=None):\n        threading.Thread(target=print).start()\n',
    'import socketio\nsio = socketio.AsyncServer()\n\n@sio.event\nasync def message(sid, data):\n    threading.Thread(target=print).start()\n',
    'from celery import Celery\napp = Celery()\n\n@app.task(bind=True)\ndef t(self):\n    threading.Thread(target=print).start()\n',
    'from starlette.endpoints import HTTPEndpoint\n\nclass E(HTTPEndpoint):\n    async def get(self, request):\n        threading.Thread(target=print).start()\n',
]


@pytest.mark.parametrize("text", HANDLER_FORMS)
def test_handler_forms_are_recognised(text):
    assert _findings("PR504", "import threading\n" + text)


def test_method_view_helper_is_not_a_handler():
    text = "import threading\nfrom flask.views import MethodView\n\nclass Items(MethodView):\n    def helper(self):\n        threading.Thread(target=print).start()\n"
    assert not _findings("PR504", text)


# -- PR501 / PR502 ----------------------------------------------------------------------------

def test_model_load_message_and_position():
    text = 'import whisper\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.post("/t")\ndef t():\n    m = whisper.load_model("base")\n    return m\n'
    [finding] = _findings("PR501", text)
    assert text[finding.start:finding.end] == 'whisper.load_model("base")'
    assert "`t()`" in finding.message and "whisper.load_model" in finding.message
    assert finding.severity is Severity.WARNING


def test_model_load_with_handler_argument_has_no_fix():
    text = 'import whisper\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.post("/t/<size>")\ndef t(size):\n    return whisper.load_model(size)\n'
    [finding] = _findings("PR501", text)
    assert not finding.fixes


def test_model_load_fix_reuses_existing_getter_and_lru_cache_import():
    text = (
        'from functools import lru_cache\nimport whisper\nfrom flask import Flask\napp = Flask(__name__)\n\n\n'
        '@app.post("/a")\ndef a():\n    return whisper.load_model("base")\n\n\n'
        '@app.post("/b")\ndef b():\n    return whisper.load_model("base")\n'
    )
    result = fix_source(text, "app/module.py", unsafe=True, rules=[get_rule("PR501")], only_codes={"PR501"})
    assert result.text.count("def get_") == 1
    assert "@lru_cache(maxsize=1)" in result.text
    assert "import functools" not in result.text
    assert result.text.count("return get_whisper_load_model()") == 2
    assert not _findings("PR501", result.text)


def test_getter_goes_above_comments_of_the_handler():
    text = 'import whisper\nfrom flask import Flask\napp = Flask(__name__)\n\n\n# Transcribe audio.\n@app.post("/t")\ndef t():\n    return whisper.load_model("base")\n'
    result = fix_source(text, "app/module.py", unsafe=True, rules=[get_rule("PR501")], only_codes={"PR501"})
    assert '    return whisper.load_model("base")\n\n\n# Transcribe audio.\n@app.post' in result.text


def test_getter_name_does_not_shadow_module_names():
    text = 'import redis\nfrom flask import Flask\napp = Flask(__name__)\nget_r = None\n\n\n@app.get("/")\ndef h():\n    r = redis.Redis()\n    return r\n'
    result = fix_source(text, "app/module.py", unsafe=True, rules=[get_rule("PR502")], only_codes={"PR502"})
    assert "def get_r_2():" in result.text and "r = get_r_2()" in result.text


def test_pool_message_for_dbapi_connections():
    text = 'import psycopg2\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.get("/")\ndef h():\n    conn = psycopg2.connect("")\n    try:\n        return str(conn)\n    finally:\n        conn.close()\n'
    [finding] = _findings("PR502", text)
    assert "connection pool" in finding.message and not finding.fixes
    assert not _findings("PR503", text)


def test_leaked_dbapi_connection_in_a_handler_is_one_finding():
    text = 'import psycopg2\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.get("/")\ndef h():\n    with psycopg2.connect("") as conn:\n        return str(conn.cursor().fetchone())\n'
    assert not _findings("PR502", text)
    assert len(_findings("PR503", text)) == 1


def test_per_call_fix_in_block_mode():
    text = 'import whisper\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post("/t")\ndef t():\n    model = whisper.load_model("base")\n    return model\n'
    [finding] = _blockwise("PR501", text)
    assert text[finding.start:finding.end] == 'whisper.load_model("base")'
    fix = resolve_fix(finding.fixes[0], text)
    fixed = apply_edits(text, fix.edits)
    assert 'def get_model():\n    return whisper.load_model("base")\n\n\n@app.post("/t")' in fixed
    assert "    model = get_model()\n" in fixed
    ast.parse(fixed)


# -- PR503 ------------------------------------------------------------------------------------

def test_connection_leak_fix_in_block_mode():
    text = 'import sqlite3\n\n\ndef a():\n    pass\n\n\ndef count(path):\n    conn = sqlite3.connect(path)\n    n = conn.execute("select 1").fetchone()\n    conn.close()\n    return n\n'
    [finding] = _blockwise("PR503", text)
    fixed = apply_edits(text, resolve_fix(finding.fixes[0], text).edits)
    assert fixed.endswith('def count(path):\n    with contextlib.closing(sqlite3.connect(path)) as conn:\n        n = conn.execute("select 1").fetchone()\n    return n\n')


def test_happy_path_close_message():
    text = 'import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    conn.execute("x")\n    conn.close()\n'
    [finding] = _findings("PR503", text)
    assert "every path" in finding.message


def test_leak_without_fix_when_cursor_is_returned():
    text = 'import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    cur = conn.cursor()\n    cur.execute("x")\n    return cur\n'
    [finding] = _findings("PR503", text)
    assert not finding.fixes


def test_leak_without_fix_when_used_after_the_block():
    text = 'import sqlite3\n\n\ndef f(p, flag):\n    if flag:\n        conn = sqlite3.connect(p)\n        conn.execute("x")\n    else:\n        conn = sqlite3.connect(":memory:")\n    conn.execute("y")\n'
    findings = _findings("PR503", text)
    assert findings and not any(f.fixes for f in findings)


def test_connection_passed_to_a_function_is_still_a_leak():
    text = 'import sqlite3\nimport pandas as pd\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    return pd.read_sql("select 1", conn)\n'
    assert _findings("PR503", text)


def test_connection_wrapped_in_an_object_escapes():
    text = 'import sqlite3\n\n\ndef f(p):\n    conn = sqlite3.connect(p)\n    return Repository(conn)\n'
    assert not _findings("PR503", text)


def test_leak_is_not_reported_in_tests():
    text = 'import sqlite3\n\n\ndef test_x(tmp_path):\n    conn = sqlite3.connect(tmp_path / "x.db")\n    conn.execute("x")\n'
    assert not _findings("PR503", text, path="tests/test_db.py")


# -- PR505 ------------------------------------------------------------------------------------

def test_unbounded_state_across_blocks():
    text = 'from flask import Flask\n\napp = Flask(__name__)\n_cache = {}\n\n\n@app.get("/<k>")\ndef get(k):\n    _cache[k] = k\n    return k\n'
    assert len(_blockwise("PR505", text)) == 1
    cleared = text + '\n\ndef reset():\n    _cache.clear()\n'
    assert not _blockwise("PR505", cleared)


def test_unbounded_state_reported_once_per_name_and_block():
    text = 'from flask import Flask\n\napp = Flask(__name__)\nlog = []\n\n\n@app.get("/")\ndef h():\n    log.append(1)\n    log.append(2)\n    return ""\n'
    assert len(_findings("PR505", text)) == 1


def test_race_message_mentions_lock():
    text = 'from flask import Flask\n\napp = Flask(__name__)\nhits = {}\n\n\n@app.get("/<k>")\ndef h(k):\n    hits[k] += 1\n    return ""\n\n\ndef reset():\n    hits.clear()\n'
    [finding] = _findings("PR505", text)
    assert "threading.Lock" in finding.message


def test_async_handlers_do_not_race():
    text = 'from fastapi import FastAPI\n\napp = FastAPI()\nhits = {}\n\n\n@app.get("/{k}")\nasync def h(k):\n    hits[k] += 1\n\n\ndef reset():\n    hits.clear()\n'
    assert not _findings("PR505", text)


# -- PR506 ------------------------------------------------------------------------------------

def test_singleton_reported_on_init_name():
    text = 'class R:\n    _i = None\n\n    def __new__(cls):\n        if cls._i is None:\n            cls._i = super().__new__(cls)\n        return cls._i\n\n    def __init__(self):\n        self.items = {}\n'
    [finding] = _findings("PR506", text)
    assert text[finding.start:finding.end] == "__init__"


def test_singleton_without_lock_when_module_uses_threads():
    text = 'import threading\n\n\nclass R:\n    _i = None\n\n    def __new__(cls):\n        if cls._i is None:\n            cls._i = super().__new__(cls)\n        return cls._i\n'
    [finding] = _findings("PR506", text)
    assert text[finding.start:finding.end] == "__new__"
    assert "Lock" in finding.message


# -- PR507 ------------------------------------------------------------------------------------

def test_cascade_across_blocks_and_class_reference():
    text = (
        'from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\n'
        'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship(lambda: Post)\n\n\n'
        'class Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey(User.id), nullable=False)\n'
    )
    [finding] = _blockwise("PR507", text)
    assert text[finding.start:finding.end] == "relationship(lambda: Post)"


def test_cascade_with_foreign_keys_on_the_not_null_column():
    text = (
        'from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\n'
        'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", foreign_keys="[Post.author_id]")\n\n\n'
        'class Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(ForeignKey("users.id"), nullable=False)\n    editor_id = Column(ForeignKey("users.id"))\n'
    )
    assert len(_findings("PR507", text)) == 1


# -- PR508 ------------------------------------------------------------------------------------

def test_god_file_is_information_on_line_one():
    text = "import os\n" + "x = 1\n" * 20
    [finding] = _findings("PR508", text, options={"max-module-lines": 10})
    assert finding.severity is Severity.INFORMATION
    assert finding.start == 0 and text[finding.start:finding.end] == "import os"
    assert "21 lines" in finding.message


def test_long_function_reported_on_its_name():
    text = "async def handler():\n" + "    x = 1\n" * 8
    [finding] = _findings("PR508", text, options={"max-function-statements": 5})
    assert text[finding.start:finding.end] == "handler"
    assert "8 statements" in finding.message


# -- large classes analysed member by member (server) ------------------------------------------

_FILLER = "".join(f"    def m{i}(self):\n        return {i}\n\n" for i in range(12))


def test_singleton_in_a_class_split_into_members():
    text = (
        "class R:\n    _i = None\n\n    def __new__(cls):\n        if cls._i is None:\n            cls._i = super().__new__(cls)\n"
        "        return cls._i\n\n" + _FILLER + "    def __init__(self):\n        self.items = {}\n"
    )
    [finding] = _blockwise("PR506", text, class_split_lines=10)
    assert text[finding.start:finding.end] == "__init__"
    assert DocumentAnalyzer("app/module.py", Config(preview=True), [get_rule("PR506")], class_split_lines=10).update(text).stats["blocks"] > 10


def test_cascade_in_classes_split_into_members():
    text = (
        'from sqlalchemy import Column, ForeignKey, Integer\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\n'
        'class User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n\n' + _FILLER +
        '    posts = relationship("Post")\n\n\n'
        'class Post(Base):\n    __tablename__ = "posts"\n\n' + _FILLER +
        '    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)\n'
    )
    [finding] = _blockwise("PR507", text, class_split_lines=10)
    assert text[finding.start:finding.end] == 'relationship("Post")'


def test_per_call_fix_in_a_class_split_into_members():
    text = (
        'import spacy\nfrom rest_framework.views import APIView\n\n\n'
        'class Entities(APIView):\n' + _FILLER +
        '    def post(self, request):\n        nlp = spacy.load("en_core_web_sm")\n        return nlp\n'
    )
    [finding] = _blockwise("PR501", text, class_split_lines=10)
    fixed = apply_edits(text, resolve_fix(finding.fixes[0], text).edits)
    assert '@functools.lru_cache(maxsize=1)\ndef get_nlp():\n    return spacy.load("en_core_web_sm")\n\n\nclass Entities(APIView):' in fixed
    assert "        nlp = get_nlp()\n" in fixed


def test_leak_fix_in_a_class_split_into_members():
    text = (
        'import sqlite3\n\n\nclass Store:\n' + _FILLER +
        '    def count(self, path):\n        conn = sqlite3.connect(path)\n        n = conn.execute("x").fetchone()\n        conn.close()\n        return n\n'
    )
    [finding] = _blockwise("PR503", text, class_split_lines=10)
    fixed = apply_edits(text, resolve_fix(finding.fixes[0], text).edits)
    assert fixed.endswith('        with contextlib.closing(sqlite3.connect(path)) as conn:\n            n = conn.execute("x").fetchone()\n        return n\n')
