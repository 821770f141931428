"""Secrets and debug rules (PR201-PR204): what the generated example tests cannot express
(severity per file kind and main guard, positions, messages) and the shared name helpers."""

from __future__ import annotations

import pytest

from prodready.api import check_text, fix_source
from prodready.checks.secrets.debug_default_true import DebugDefaultTrue
from prodready.checks.secrets.env_bool_parse import EnvBoolParse
from prodready.checks.secrets.hardcoded_secret import HardcodedSecret
from prodready.checks.secrets.hardcoded_secret_default import HardcodedSecretDefault
from prodready.core.findings import Severity
from prodready.core.secret_names import (
    NONE,
    WEAK,
    Confidence,
    has_secret_prefix,
    is_probable_secret,
    is_secret_name,
    secret_confidence,
    secret_name_strength,
)

RULES = [HardcodedSecret, HardcodedSecretDefault, DebugDefaultTrue, EnvBoolParse]


def findings(text: str, path: str = "app/module.py", rules=RULES):
    analysis = check_text(text, path, rules=rules)
    assert not analysis.errors, analysis.errors
    return analysis.findings


@pytest.mark.parametrize("name", [
    "SECRET_KEY", "api_key", "DB_PASSWORD", "jwtSecret", "WEBHOOK_SECRET", "AWS_SECRET_ACCESS_KEY",
    "DB_PASS", "client_secret", "PRIVATE_KEY", "CREDENTIALS", "apiKey", "OPENAI_API_KEY",
    "SECRET", "TOKEN", "password", "SECRET_KEY_2", "GITHUB_TOKEN", "passwd", "MYSQL_PWD",
])
def test_secret_like_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", [
    "TOKEN_TYPE", "ACCESS_KEY_ID", "SORT_KEY", "key", "pwd", "SECRET_KEY_PATH", "PASSWORD_MIN_LENGTH",
    "API_KEY_HEADER", "PASSWORD_FIELD", "JWT_ALGORITHM", "TOKEN_EXPIRY", "TOKEN_LIFETIME", "SECRET_KEY_FILE",
    "CACHE_KEY", "PUBLIC_KEY", "TOKEN_URL", "PASSWORD_NAME", "KEY_PREFIX", "AUTH_PASSWORD_VALIDATORS",
    "primary_key", "monkey", "tokenizer", "passport",
])
def test_not_secret_like_names(name):
    assert not is_secret_name(name)


def test_weak_key_names_need_a_random_value():
    assert secret_name_strength("STRIPE_KEY_LIVE") == WEAK
    assert secret_name_strength("QUERY_CANCEL_KEY") == WEAK and secret_name_strength("format_key") == NONE
    assert not is_probable_secret("QUERY_CANCEL_KEY", "cancel_query")
    assert is_probable_secret("STRIPE_KEY", "sk_live_abc")
    assert is_probable_secret("MAPBOX_KEY", "pk9a8sd7f6a5s4d3f2a1")
    assert not is_probable_secret("MAPBOX_KEY", "cancel_query")
    assert is_probable_secret("SECRET_KEY", "changeme")
    assert is_probable_secret("SECRET_KEY", "<your secret key>")
    assert not is_probable_secret("TOKEN", "_sa_default") and not is_probable_secret("token", "is not")


def test_secret_confidence():
    assert secret_confidence("sk_live_abc") is Confidence.HIGH
    assert has_secret_prefix("django-insecure-x") and has_secret_prefix("AKIAIOSFODNN7EXAMPLE")
    assert secret_confidence("changeme") is Confidence.MEDIUM
    assert secret_confidence("") is Confidence.NONE
    assert secret_confidence("${SECRET}") is Confidence.NONE
    assert secret_confidence("Enter your password.") is Confidence.NONE


# -- file kinds ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["mysite/settings/dev.py", "mysite/settings/local.py", "proj/local_settings.py",
                                  "proj/settings_dev.py"])
def test_dev_settings_are_not_production(path):
    # Dev/test settings modules are not a production code path (core/production.py).
    text = 'import os\nSECRET_KEY = "django-insecure-abc"\nAPI_TOKEN = os.getenv("API_TOKEN", "abc")\n'
    assert findings(text, path) == []


@pytest.mark.parametrize("path", ["tests/test_app.py", "app/tests/settings.py", "conftest.py", "proj/test_settings.py"])
def test_tests_are_skipped(path):
    text = ('import os\nfrom flask import Flask\napp = Flask(__name__)\nSECRET_KEY = "abc"\n'
            'TOKEN = os.getenv("TOKEN", "abc")\napp.run(debug=True)\nX = bool(os.getenv("X"))\n')
    assert findings(text, path) == []


def test_production_settings_are_errors():
    found = findings('SECRET_KEY = "django-insecure-abc"\nDEBUG = True\n', "mysite/settings/production.py")
    assert [(f.code, f.severity) for f in found] == [("PR201", Severity.ERROR), ("PR203", Severity.ERROR)]


# -- PR201 -------------------------------------------------------------------------------------

def test_pr201_points_at_the_literal_and_says_what_to_do():
    text = 'SECRET_KEY = "changeme"\n'
    (finding,) = findings(text)
    assert text[finding.start:finding.end] == '"changeme"'
    assert finding.message == "Load `SECRET_KEY` from the environment or a secret store instead of hardcoding it"
    assert finding.severity is Severity.ERROR


def test_pr201_known_prefix_message():
    (finding,) = findings('STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n')
    assert "real credential" in finding.message and "revoke" in finding.message
    assert "(`sk_live_…`)" in finding.message and "4eC39" not in finding.message  # never echo the secret


def test_pr201_fix_is_unsafe_only():
    text = 'SECRET_KEY = "changeme"\n'
    assert fix_source(text, "app/m.py", rules=[HardcodedSecret]).text == text
    fixed = fix_source(text, "app/m.py", unsafe=True, rules=[HardcodedSecret]).text
    assert fixed == 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n'


def test_pr201_fix_reuses_existing_os_import_without_adding_one():
    text = 'import os\n\nPASSWORD = "x1y2"\n'
    assert fix_source(text, "app/m.py", unsafe=True, rules=[HardcodedSecret]).text == 'import os\n\nPASSWORD = os.environ["PASSWORD"]\n'


def test_pr201_nested_django_databases_password():
    text = 'DATABASES = {"default": {"NAME": "app", "USER": "app", "PASSWORD": "app-pass"}}\n'
    (finding,) = findings(text, "mysite/settings.py")
    assert text[finding.start:finding.end] == '"app-pass"'


# -- PR202 -------------------------------------------------------------------------------------

def test_pr202_points_at_the_fallback():
    text = 'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "insecure")\n'
    (finding,) = findings(text)
    assert finding.code == "PR202"
    assert text[finding.start:finding.end] == '"insecure"'
    assert finding.message.startswith("Remove the hardcoded fallback for `SECRET_KEY`")


def test_pr202_env_imported_from_base_settings():
    text = 'from .base import env\nSECRET_KEY = env("DJANGO_SECRET_KEY", default="x-dev-key")\n'
    (finding,) = findings(text, "config/settings/production.py")
    assert finding.code == "PR202"
    fixed = fix_source(text, "config/settings/production.py", unsafe=True, rules=[HardcodedSecretDefault]).text
    assert fixed == 'from .base import env\nSECRET_KEY = env("DJANGO_SECRET_KEY")\n'


def test_pr202_environ_call_with_positional_cast_and_default():
    text = 'import environ\nenv = environ.Env()\nSECRET_KEY = env("SECRET_KEY", str, "dev-key")\n'
    (finding,) = findings(text)
    assert text[finding.start:finding.end] == '"dev-key"'
    fixed = fix_source(text, "app/m.py", unsafe=True, rules=[HardcodedSecretDefault]).text
    assert fixed == 'import environ\nenv = environ.Env()\nSECRET_KEY = env("SECRET_KEY", str)\n'


def test_pr202_does_not_double_report_with_pr201():
    found = findings('import os\nSECRET_KEY = os.getenv("SECRET_KEY", "dev")\n')
    assert [f.code for f in found] == ["PR202"]


# -- PR203 -------------------------------------------------------------------------------------

def test_pr203_main_guard_is_a_warning():
    text = 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(debug=True)\n'
    (finding,) = findings(text)
    assert finding.code == "PR203" and finding.severity is Severity.WARNING
    assert text[finding.start:finding.end] == "True"


def test_pr203_outside_main_guard_is_an_error():
    (finding,) = findings('from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n')
    assert finding.severity is Severity.ERROR


def test_pr203_reports_the_whole_evaluated_expression():
    text = 'import os\nDEBUG = os.getenv("DEBUG", "True").lower() == "true"\n'
    (finding,) = findings(text)
    assert text[finding.start:finding.end] == 'os.getenv("DEBUG", "True").lower() == "true"'
    assert finding.message == "Make `DEBUG` default to off: debug mode is on when the variable is unset"


def test_pr203_bool_of_lookup_is_left_to_pr204():
    found = findings('import os\nDEBUG = bool(os.getenv("DEBUG", "False"))\n')
    assert [f.code for f in found] == ["PR204"]


def test_pr203_dev_settings_are_not_production():
    assert findings('from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n', "proj/settings/dev.py") == []


def test_pr203_adds_import_os_once_for_several_fixes():
    text = 'from flask import Flask\napp = Flask(__name__)\napp.debug = True\napp.run(debug=True)\n'
    fixed = fix_source(text, "app/m.py", unsafe=True, rules=[DebugDefaultTrue]).text
    assert fixed.count("import os") == 1
    assert findings(fixed, rules=[DebugDefaultTrue]) == []


def test_pr203_literal_in_non_settings_module_is_fine_but_app_run_is_not():
    assert findings("DEBUG = True\n", "app/views.py") == []


@pytest.mark.parametrize("text", [
    'import os\nDEBUG = os.getenv("DEBUG", "0") == "1"\n',
    'import os\nDEBUG = os.getenv("DEBUG", "no").lower() in ("1", "true", "yes")\n',
    'import os\nDEBUG = os.environ.get("DEBUG") in ("1", "true")\n',
    'import os\nDEBUG = os.getenv("DEBUG", "False") == "True" or TESTING\n',
    'from decouple import config\nDEBUG = config("DEBUG", default=False, cast=bool)\n',
    'import os\nDEBUG = "DEBUG" in os.environ\n',
])
def test_pr203_off_by_default_is_quiet(text):
    assert findings(text, rules=[DebugDefaultTrue]) == []


@pytest.mark.parametrize("text", [
    'import os\nDEBUG = os.getenv("DEBUG", "1") != "0"\n',
    'import os\nDEBUG = not os.getenv("DEBUG", "true") == "false"\n',
    'import os\nDEBUG = os.getenv("DEBUG", "True") == "True" or TESTING\n',
    'from distutils.util import strtobool\nimport os\nDEBUG = strtobool(os.getenv("DEBUG", "yes"))\n',
    'import os\nDEBUG = os.getenv("FLASK_DEBUG", "True") in ["True", "true"]\n',
])
def test_pr203_on_by_default_is_reported(text):
    found = findings(text, rules=[DebugDefaultTrue])
    assert [f.code for f in found] == ["PR203"]
    fixed = fix_source(text, "app/m.py", unsafe=True, rules=[DebugDefaultTrue]).text
    assert fixed != text and findings(fixed, rules=[DebugDefaultTrue]) == []


# -- PR204 -------------------------------------------------------------------------------------

def test_pr204_message_and_range():
    text = 'import os\nUSE_CACHE = bool(os.getenv("USE_CACHE", "False"))\n'
    (finding,) = findings(text)
    assert finding.severity is Severity.WARNING
    assert text[finding.start:finding.end] == 'bool(os.getenv("USE_CACHE", "False"))'
    assert finding.message == 'Parse `USE_CACHE` as a boolean word instead of `bool()`, which is true for "False" and "0"'
    fixed = fix_source(text, "app/m.py", unsafe=True, rules=[EnvBoolParse]).text
    assert fixed == 'import os\nUSE_CACHE = os.getenv("USE_CACHE", "false").lower() in ("1", "true", "yes")\n'


def test_pr204_non_literal_default_has_no_fix():
    (finding,) = findings('import os\nX = bool(os.getenv("X", DEFAULT_X))\n')
    assert finding.fixes == ()


def test_dev_config_class_lowers_pr201_to_information():
    text = 'class Config:\n    SECRET_KEY = "abc-prod"\nclass DevelopmentConfig(Config):\n    SECRET_KEY = "abc-dev"\n'
    found = findings(text, "app/config.py")
    assert [f.severity for f in found] == [Severity.ERROR, Severity.INFORMATION]


# -- block-by-block analysis (the server) gives the same findings as the whole file ------------

def _examples():
    from prodready.core.rule import as_example

    for rule in RULES:
        for example in rule.invalid:
            yield as_example(example)


@pytest.mark.parametrize("example", list(_examples()), ids=lambda e: e.code[:40])
def test_blocks_match_whole_file(example):
    from prodready.core.incremental import DocumentAnalyzer

    whole = check_text(example.code, example.path, rules=RULES).findings
    analyzer = DocumentAnalyzer(example.path, rules=RULES, class_split_lines=1)
    blocks = analyzer.update(example.code).findings
    assert [(f.code, f.start, f.end, f.severity) for f in blocks] == [(f.code, f.start, f.end, f.severity) for f in whole]
