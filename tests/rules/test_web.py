"""Behaviour of the web and security rules (PR401-PR408) that examples cannot express:
severities, messages, positions, fixes that keep other imports, and block-by-block analysis."""

from __future__ import annotations

from prodready.api import check_text, fix_source
from prodready.checks.network.request_no_timeout import RequestNoTimeout
from prodready.checks.web.cors_allow_all import CorsAllowAll
from prodready.checks.web.csrf_exempt import CsrfExempt
from prodready.checks.web.hardcoded_cors_origins import HardcodedCorsOrigins
from prodready.checks.web.raw_sql_string import RawSqlString
from prodready.checks.web.subprocess_shell import SubprocessShell
from prodready.checks.web.trust_remote_code import TrustRemoteCode
from prodready.checks.web.unsafe_werkzeug_allowed import UnsafeWerkzeugAllowed
from prodready.core.config import Config
from prodready.core.engine import analyze_block, finalize, module_context
from prodready.core.fileinfo import FileInfo
from prodready.core.findings import Severity
from prodready.core.source import SourceFile


def findings(rule, text, path="app/views.py", config=None):
    analysis = check_text(text, path, config, rules=[rule])
    assert not analysis.errors, analysis.errors
    return [f for f in analysis.findings if f.code == rule.code]


def by_block(rule, text, path="app/module.py"):
    """Analyse each top-level statement on its own (as the server does) and merge the facts."""
    source = SourceFile(text, path)
    tree = source.tree
    module = module_context(tree.body)
    file = FileInfo.for_path(path)
    config = Config()
    pending, facts = [], set()
    for stmt in tree.body:
        result = analyze_block(source, [stmt], file, config, module, [rule])
        assert not result.errors, result.errors
        pending.extend(result.pending)
        facts |= result.facts
    return finalize(source, pending, frozenset(facts), [rule], file, config)


# -- PR401 -------------------------------------------------------------------------------------
PLAIN_VIEW = """\
from django.views.decorators.csrf import csrf_exempt

@csrf_exempt
def update_profile(request):
    request.user.save()
"""

DRF_VIEW = """\
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework.views import APIView

@method_decorator(csrf_exempt, name="dispatch")
class Items(APIView):
    def post(self, request):
        return None
"""


def test_plain_django_view_is_a_warning_without_fix():
    (finding,) = findings(CsrfExempt, PLAIN_VIEW)
    assert finding.severity is Severity.WARNING
    assert not finding.fixes
    assert "CSRF token" in finding.message
    assert PLAIN_VIEW[finding.start:finding.end] == "csrf_exempt"


def test_drf_view_is_information_with_safe_fix_saying_redundant():
    (finding,) = findings(CsrfExempt, DRF_VIEW)
    assert finding.severity is Severity.INFORMATION
    assert "redundant" in finding.message
    assert finding.safe_fix is not None


def test_drf_fix_keeps_import_still_used_elsewhere():
    text = DRF_VIEW + "\n@csrf_exempt\ndef hook(request):\n    return None\n"
    result = fix_source(text, "app/views.py", rules=[CsrfExempt], only_codes={"PR401"})
    assert "@method_decorator" not in result.text
    assert "from django.views.decorators.csrf import csrf_exempt\n" in result.text
    assert "from django.utils.decorators import method_decorator\n" not in result.text
    assert "@csrf_exempt\ndef hook" in result.text


def test_drf_method_and_api_view_are_redundant():
    text = """\
from django.views.decorators.csrf import csrf_exempt
from rest_framework import generics
from rest_framework.decorators import api_view

class Items(generics.ListCreateAPIView):
    @csrf_exempt
    def post(self, request):
        return None

@api_view(["POST"])
@csrf_exempt
def items(request):
    return None
"""
    found = findings(CsrfExempt, text)
    assert len(found) == 2
    assert all(f.severity is Severity.INFORMATION and f.safe_fix for f in found)


def test_webhook_that_verifies_signature_is_information():
    text = """\
import stripe
from django.views.decorators.csrf import csrf_exempt

@csrf_exempt
def stripe_webhook(request):
    event = stripe.Webhook.construct_event(request.body, request.headers["Stripe-Signature"], SECRET)
    return event
"""
    (finding,) = findings(CsrfExempt, text)
    assert finding.severity is Severity.INFORMATION
    assert "signature" in finding.message
    assert not finding.fixes


def test_webhook_class_with_verify_signature_method_call():
    text = """\
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

@method_decorator(csrf_exempt, name="dispatch")
class GithubHook(View):
    def post(self, request):
        if not verify_signature(request):
            return None
        return handle(request)
"""
    (finding,) = findings(CsrfExempt, text)
    assert finding.severity is Severity.INFORMATION


def test_class_webhook_decided_across_member_blocks():
    text = """\
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

@method_decorator(csrf_exempt, name="dispatch")
class StripeHook(View):
    def post(self, request):
        event = stripe.Webhook.construct_event(request.body, sig, SECRET)
        return event

@method_decorator(csrf_exempt, name="dispatch")
class Upload(View):
    def post(self, request):
        return None
"""
    found = by_block(CsrfExempt, text)
    assert [f.severity for f in found] == [Severity.INFORMATION, Severity.WARNING]
    assert found == sorted(found, key=lambda f: f.start)


def test_rules_do_not_prevent_member_splitting():
    from prodready.checks import all_rules
    from prodready.core.rule import Rule

    family_rules = [r for r in all_rules() if r.__module__.split(".")[2] in ("web", "network")]
    assert len(family_rules) == 8
    for value in family_rules:
        assert "ClassDef" not in value.handlers(), value.code
        assert value.finish is Rule.finish, value.code


def test_webhook_without_verification_is_a_warning():
    text = PLAIN_VIEW.replace("update_profile", "stripe_webhook")
    (finding,) = findings(CsrfExempt, text)
    assert finding.severity is Severity.WARNING


def test_drf_view_through_local_base_in_another_block():
    text = """\
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework.viewsets import ModelViewSet

class Base(ModelViewSet):
    pass

@method_decorator(csrf_exempt, name="dispatch")
class Items(Base):
    pass
"""
    (finding,) = by_block(CsrfExempt, text)
    assert finding.severity is Severity.INFORMATION


# -- PR402 / PR403 -----------------------------------------------------------------------------
def test_cors_origins_variable_is_reported_across_blocks():
    text = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
origins = ["http://localhost:3000", "https://app.example.com"]
app.add_middleware(CORSMiddleware, allow_origins=origins)
"""
    (finding,) = by_block(HardcodedCorsOrigins, text)
    assert text[finding.start:finding.end].startswith("[")
    assert finding.safe_fix is not None


def test_origin_list_not_used_for_cors_is_quiet():
    text = 'origins = ["https://app.example.com"]\nrequests.get(origins[0])\n'
    assert not by_block(HardcodedCorsOrigins, text)


def test_cors_settings_in_dev_and_test_are_quiet():
    text = 'CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]\nCORS_ALLOW_ALL_ORIGINS = True\n'
    for path in ("mysite/settings/local.py", "mysite/settings/test.py", "tests/settings.py"):
        assert not findings(HardcodedCorsOrigins, text, path)
        assert not findings(CorsAllowAll, text, path)
    assert findings(HardcodedCorsOrigins, text, "mysite/settings/production.py")
    (allow_all,) = findings(CorsAllowAll, text, "mysite/settings/production.py")
    assert allow_all.severity is Severity.ERROR


def test_wildcard_origin_is_not_pr402():
    assert not findings(HardcodedCorsOrigins, 'from flask_cors import CORS\nCORS(app, origins=["*"], supports_credentials=True)\n')
    assert findings(CorsAllowAll, 'from flask_cors import CORS\nCORS(app, origins=["*"], supports_credentials=True)\n')


def test_flask_cors_default_origins_quiet_when_config_sets_them_in_another_block():
    text = """\
from flask import Flask
from flask_cors import CORS

class Config:
    CORS_ORIGINS = ["https://app.example.com"]

app = Flask(__name__)
CORS(app, supports_credentials=True)
"""
    assert not by_block(CorsAllowAll, text)
    assert by_block(CorsAllowAll, text.replace("CORS_ORIGINS", "OTHER"))


# -- PR404 -------------------------------------------------------------------------------------
def test_subprocess_severity_depends_on_the_command():
    (variable,) = findings(SubprocessShell, 'import subprocess\nsubprocess.run("convert " + path, shell=True)\n')
    assert variable.severity is Severity.ERROR
    assert "shell injection" in variable.message and not variable.fixes
    (fstring,) = findings(SubprocessShell, 'import subprocess\nsubprocess.run(f"convert {path}", shell=True)\n')
    assert fstring.severity is Severity.ERROR and fstring.fixes  # a simple f-string has an argv fix
    (literal,) = findings(SubprocessShell, 'import subprocess\nsubprocess.run("ls -l", shell=True)\n')
    assert literal.severity is Severity.WARNING
    assert literal.fixes and literal.safe_fix is None  # the argv fix is unsafe


def test_no_fix_for_shell_syntax_or_builtins():
    for command in ("ls *.txt", "cd /tmp", "echo $HOME", "FOO=1 make", "cat a > b", "ls ~", "a && b"):
        (finding,) = findings(SubprocessShell, f'import subprocess\nsubprocess.run("{command}", shell=True)\n')
        assert not finding.fixes, command


def test_os_system_return_value_used_has_no_fix():
    (finding,) = findings(SubprocessShell, 'import os\nstatus = os.system("make")\n')
    assert not finding.fixes


# -- PR405 -------------------------------------------------------------------------------------
def test_session_methods_are_reported():
    text = """\
import requests

def fetch(url):
    s = requests.Session()
    s.headers["X"] = "1"
    a = s.get(url)
    b = s.request("POST", url, json={})
    return a, b
"""
    found = findings(RequestNoTimeout, text)
    assert [text[f.start:f.end] for f in found] == ["s.get", "s.request"]
    assert all(f.severity is Severity.WARNING for f in found)


def test_kwargs_may_carry_the_timeout():
    text = """\
import requests

def call(method, url, **kwargs):
    return requests.request(method, url, **kwargs)

def get(url, options):
    return requests.get(url, **options)
"""
    assert not findings(RequestNoTimeout, text)


def test_session_attribute_across_class_member_blocks():
    text = """\
import requests

class Client:
    def fetch(self, url):
        return self.session.get(url)

    def __init__(self):
        self.session = requests.Session()
"""
    assert len(by_block(RequestNoTimeout, text)) == 1
    assert len(findings(RequestNoTimeout, text)) == 1


def test_mounted_session_is_quiet():
    text = """\
import requests

def fetch(url):
    s = requests.Session()
    s.mount("https://", TimeoutAdapter(timeout=5))
    return s.get(url)
"""
    assert not findings(RequestNoTimeout, text)


def test_configured_timeout_is_used_by_the_fix():
    config = Config.from_mapping({"request-timeout": 7})
    result = fix_source("import requests\nrequests.get(url)\n", "app/a.py", config, unsafe=True,
                        rules=[RequestNoTimeout], only_codes={"PR405"})
    assert result.text == "import requests\nrequests.get(url, timeout=7)\n"


def test_httpx_default_timeout_is_fine_but_none_is_not():
    assert not findings(RequestNoTimeout, "import httpx\nhttpx.post(url, json={})\n")
    (finding,) = findings(RequestNoTimeout, "import httpx\nc = httpx.AsyncClient()\nasync def f():\n    await c.get(url, timeout=None)\n")
    assert finding.fixes


# -- PR406 / PR407 / PR408 ---------------------------------------------------------------------
def test_unsafe_werkzeug_position():
    text = "socketio.run(app, allow_unsafe_werkzeug=True)\n"
    (finding,) = findings(UnsafeWerkzeugAllowed, text, "app.py")
    assert text[finding.start:finding.end] == "allow_unsafe_werkzeug=True"


def test_trust_remote_code_pinned_revision_is_information():
    pinned = 'AutoModel.from_pretrained("org/m", trust_remote_code=True, revision="' + "a" * 40 + '")\n'
    (finding,) = findings(TrustRemoteCode, pinned)
    assert finding.severity is Severity.INFORMATION
    (branch,) = findings(TrustRemoteCode, 'AutoModel.from_pretrained("org/m", trust_remote_code=True, revision="main")\n')
    assert branch.severity is Severity.WARNING


def test_raw_sql_message_names_the_construct_and_points_at_it():
    text = "def f(cursor, name):\n    cursor.execute(\"SELECT * FROM t WHERE name = '%s'\" % name)\n"
    (finding,) = findings(RawSqlString, text)
    assert "`%` formatting" in finding.message
    assert text[finding.start:finding.end].startswith('"SELECT')


def test_raw_sql_through_reassigned_variable_is_quiet_when_rebuilt_safely():
    text = """\
def f(cursor, name):
    q = f"SELECT * FROM t WHERE name = '{name}'"
    q = "SELECT * FROM t WHERE name = %s"
    cursor.execute(q, [name])
"""
    assert not findings(RawSqlString, text)


def test_split_class_members_give_the_same_findings_as_the_whole_file():
    from prodready.core.incremental import DocumentAnalyzer

    filler = "".join(f"    def helper_{i}(self):\n        return {i}\n\n" for i in range(12))
    text = f"""\
import requests
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

@method_decorator(csrf_exempt, name="dispatch")
class Hook(View):
    def post(self, request):
        self.session.post(URL, json={{}})
        return verify_signature(request)

{filler}
    def __init__(self):
        self.session = requests.Session()

    def run(self, cursor, name):
        cursor.execute(f"SELECT * FROM t WHERE name = '{{name}}'")
"""
    rules = [CsrfExempt, RequestNoTimeout, RawSqlString, SubprocessShell]
    doc = DocumentAnalyzer("app/views.py", Config(preview=True), rules, class_split_lines=10)
    split = doc.update(text)
    assert any(b.kind == "member" for b in doc.blocks)
    whole = check_text(text, "app/views.py", rules=rules)
    key = lambda f: (f.code, f.start, f.end, f.severity, f.message)  # noqa: E731
    assert sorted(map(key, split.findings)) == sorted(map(key, whole.findings))
    assert {f.code for f in whole.findings} == {"PR401", "PR405", "PR408"}
