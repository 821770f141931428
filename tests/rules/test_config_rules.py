"""Configuration rules (PR205-PR209): behaviour the generated example tests cannot express."""

from __future__ import annotations

import ast

import pytest

from prodready.api import check_text, fix_source
from prodready.checks import all_rules
from prodready.checks.config import (
    HardcodedAbsolutePath,
    HardcodedConfig,
    HardcodedLocalhostUrl,
    HardcodedServerBind,
    SqliteProductionDb,
)
from prodready.checks.config._shared import absolute_path_kind, is_local_url, is_sqlite_uri
from prodready.core.environment import contains_env_lookup, env_lookup
from prodready.core.findings import Severity
from prodready.core.incremental import DocumentAnalyzer
from prodready.core.names import NameResolver

FAMILY = [HardcodedLocalhostUrl, HardcodedServerBind, HardcodedAbsolutePath, HardcodedConfig, SqliteProductionDb]


def findings(text, path="app/module.py", rules=FAMILY):
    analysis = check_text(text, path, rules=rules)
    assert not analysis.errors, analysis.errors
    return analysis.findings


def test_localhost_url_finding_is_on_the_literal_and_names_the_variable():
    text = 'import httpx\nBACKEND_URL = "http://localhost:8000"\n'
    [finding] = findings(text)
    assert finding.code == "PR205"
    assert text[finding.start:finding.end] == '"http://localhost:8000"'
    assert "`BACKEND_URL`" in finding.message
    assert finding.severity is Severity.WARNING


def test_localhost_url_in_fstring_reports_the_whole_fstring():
    text = 'import requests\ndef f(i):\n    return requests.get(f"http://127.0.0.1:5000/items/{i}")\n'
    [finding] = findings(text)
    assert text[finding.start:finding.end] == 'f"http://127.0.0.1:5000/items/{i}"'


def test_localhost_url_fix_in_single_quoted_fstring_uses_other_quotes():
    text = "import requests\ndef f(i):\n    return requests.get(f'ws://localhost:8765/{i}')\n"
    fixed = fix_source(text, "app/x.py", rules=FAMILY).text
    assert "f'{os.environ.get(\"SOCKET_URL\", \"ws://localhost:8765\")}/{i}'" in fixed
    ast.parse(fixed)


@pytest.mark.parametrize("path", ["app/settings/local.py", "tests/test_client.py", "scripts/seed.py", "app/migrations/0001_initial.py"])
def test_localhost_url_quiet_outside_application_code(path):
    assert not findings('API_URL = "http://localhost:8000"\n', path)


def test_localhost_url_in_cors_configuration_is_only_pr402():
    rules = [r for r in all_rules() if r.code in {"PR205", "PR402"}]
    text = ('from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
            'CORS(app, origins=["http://localhost:3000"])\n')
    codes = [f.code for f in findings(text, rules=rules)]
    assert "PR205" not in codes
    if any(r.code == "PR402" for r in rules):
        assert codes.count("PR402") == 1


def test_server_bind_severity_depends_on_the_host():
    everywhere = 'from flask import Flask\napp = Flask(__name__)\napp.run(host="0.0.0.0", port=5000)\n'
    loopback = 'from flask import Flask\napp = Flask(__name__)\napp.run(host="127.0.0.1", port=5000)\n'
    [a] = findings(everywhere)
    [b] = findings(loopback)
    assert a.code == b.code == "PR206"
    assert a.severity is Severity.WARNING and "0.0.0.0" in a.message
    assert b.severity is Severity.INFORMATION
    # One finding per call, spanning the literal host and port.
    assert everywhere[a.start:a.end] == '"0.0.0.0", port=5000'


def test_server_bind_port_only_is_information():
    [finding] = findings('import uvicorn\nuvicorn.run("main:app", port=8000)\n')
    assert finding.severity is Severity.INFORMATION
    assert "`PORT`" in finding.message


def test_absolute_path_message_suggests_which_for_executables():
    [exe] = findings('import pytesseract\npytesseract.pytesseract.tesseract_cmd = r"C:\\Program Files\\Tesseract-OCR\\tesseract.exe"\n')
    [data] = findings('DATA = "/home/alice/data.csv"\n')
    assert "shutil.which" in exe.message
    assert "shutil.which" not in data.message and "`DATA_PATH`" in data.message


@pytest.mark.parametrize(("value", "kind"), [
    ("C:\\Users\\me\\x.csv", "windows"), ("d:/models", "windows"), ("\\\\srv\\share\\x", "unc"),
    ("/home/bob/x", "home"), ("/Users/ann/", "home"), ("/home/", None), ("/usr/bin/x", None),
    ("C:", None), ("https://x", None), ("/home/{user}/x", None),
])
def test_absolute_path_kind(value, kind):
    assert absolute_path_kind(value) == kind


def test_url_and_sqlite_matchers():
    assert is_local_url("http://localhost") and is_local_url("wss://127.0.0.1:9/x") and is_local_url("http://0.0.0.0:80?x")
    assert not is_local_url("http://localhost.example.com") and not is_local_url("see http://localhost")
    assert is_sqlite_uri("sqlite:///app.db") and is_sqlite_uri("sqlite+aiosqlite:///./x.db")
    assert not is_sqlite_uri("sqlite://") and not is_sqlite_uri("sqlite:///:memory:")
    assert is_sqlite_uri("sqlite:///", prefix=True)


CONFIG = (
    "import os\n"
    "REDIS_URL = os.environ.get(\"REDIS_URL\")\n"
    "\n"
    "def helper():\n"
    "    return 1\n"
    "\n"
    "S3_BUCKET = \"acme-uploads\"\n"
)


def test_hardcoded_config_decides_across_top_level_blocks():
    whole = [f.code for f in findings(CONFIG, "app/config.py")]
    assert whole == ["PR208"]
    analyzer = DocumentAnalyzer("app/config.py", rules=FAMILY)
    blocks = analyzer.update(CONFIG)
    assert [f.code for f in blocks.findings] == ["PR208"]
    # The environment-backed sibling goes away in another block: so does the finding.
    edited = CONFIG.replace('os.environ.get("REDIS_URL")', '"redis://cache:6379/0"')
    again = analyzer.update(edited)
    assert not [f for f in again.findings if f.code == "PR208"]
    assert not [f for f in findings(edited, "app/config.py") if f.code == "PR208"]


def test_hardcoded_config_int_fix_keeps_the_type():
    text = "import os\nHOST = os.getenv(\"HOST\")\nPORT = 8080\n"
    fixed = fix_source(text, "app/config.py", rules=FAMILY).text
    assert fixed.endswith('PORT = int(os.environ.get("PORT", "8080"))\n')


def test_one_mistake_one_finding_in_a_config_module():
    family = [r for r in all_rules() if r.code.startswith("PR2")]
    text = (
        "import os\n"
        "REDIS_URL = os.environ.get(\"REDIS_URL\")\n"
        "SECRET_KEY = \"not-so-secret\"\n"
        "DEBUG = True\n"
        "SQLALCHEMY_DATABASE_URI = \"sqlite:///app.db\"\n"
        "API_URL = \"http://localhost:8000\"\n"
        "EXPORT_DIR = \"/home/alice/exports\"\n"
        "ELASTIC_HOST = \"search.internal\"\n"
    )
    result = findings(text, "app/config.py", rules=family)
    by_line: dict[int, list[str]] = {}
    for f in result:
        line = text.count("\n", 0, f.start) + 1
        by_line.setdefault(line, []).append(f.code)
    for line, codes in by_line.items():
        assert len(codes) == 1, (line, codes)
    assert by_line.get(5) == ["PR209"]
    assert by_line.get(6) == ["PR205"]
    assert by_line.get(7) == ["PR207"]
    assert by_line.get(8) == ["PR208"]


def test_sqlite_production_db_django_override_in_another_block():
    text = (
        "import dj_database_url\n"
        "DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\n"
        "\n"
        "DATABASES[\"default\"].update(dj_database_url.config())\n"
    )
    assert not findings(text, "mysite/settings.py")
    analyzer = DocumentAnalyzer("mysite/settings.py", rules=FAMILY)
    assert not analyzer.update(text).findings
    assert [f.code for f in findings(text.split("\n\n")[0] + "\n", "mysite/settings.py")] == ["PR209"]


def test_sqlite_production_db_only_in_production_settings():
    text = 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}\n'
    assert [f.severity for f in findings(text, "mysite/settings/production.py")] == [Severity.WARNING]
    assert not findings(text, "mysite/settings/local.py")
    assert not findings(text, "mysite/urls.py")


def _lookup(code):
    tree = ast.parse(code)
    resolver = NameResolver(NameResolver.module_bindings(tree.body))
    expr = tree.body[-1].value
    return env_lookup(expr, resolver.resolve), contains_env_lookup(expr, resolver.resolve)


@pytest.mark.parametrize("code", [
    "import os\nos.getenv('X', 'd')", "import os\nos.environ.get('X', 'd')", "from os import environ\nenviron['X']",
    "from os import getenv\ngetenv('X')", "import environ\nenv = environ.Env()\nenv.str('X', default='d')",
    "from decouple import config\nconfig('X', default='d')", "from core.utils import get_env\nget_env('LABEL_STUDIO_HOST', 'd')",
    "import dj_database_url\ndj_database_url.config(default='sqlite:///x')",
])
def test_env_lookup_recognises_common_forms(code):
    found, contained = _lookup(code)
    assert found is not None and contained


@pytest.mark.parametrize("code", ["d = {}\nd.get('X', 'd')", "from app import config\nconfig.get('x')", "env('lowercase')"])
def test_env_lookup_ignores_look_alikes(code):
    found, _ = _lookup(code)
    assert found is None
