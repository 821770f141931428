"""PR208 `hardcoded-config`: A deployment setting is a literal in a config module whose other settings come from the environment."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.checks.config._shared import (
    absolute_path_kind,
    dev_only,
    env_get_builder,
    is_local_url,
    is_sqlite_uri,
)
from prodready.core.environment import contains_env_lookup
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import is_secret_name, name_tokens

_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
# Last words that make a constant deployment configuration (it differs between environments).
_CONFIG_WORDS = frozenset({
    "HOST", "HOSTNAME", "PORT", "URL", "URI", "ENDPOINT", "BUCKET", "REGION", "MODEL", "DATABASE",
    "DB", "BROKER", "QUEUE", "TOPIC", "PROJECT", "ENVIRONMENT", "DOMAIN", "SERVER", "ADDRESS",
    "ADDR", "NAMESPACE", "CLUSTER", "TENANT", "DEPLOYMENT", "LEVEL", "DSN", "EMAIL", "SENDER",
    "CHANNEL", "VOICE", "ENGINE", "INDEX",
})
# ``<word>_NAME`` / ``<word>_ID`` that name a deployment resource: DB_NAME, S3_BUCKET_NAME, PROJECT_ID.
_NAMED_RESOURCES = frozenset({
    "DB", "DATABASE", "BUCKET", "QUEUE", "TOPIC", "MODEL", "REGION", "CLUSTER", "INDEX", "HOST",
    "SERVER", "DOMAIN", "NAMESPACE", "DEPLOYMENT", "INSTANCE", "CHANNEL", "COLLECTION", "STREAM",
})
_IDENTIFIED_RESOURCES = _NAMED_RESOURCES | {"PROJECT", "ACCOUNT", "TENANT", "ORG", "ORGANIZATION", "WORKSPACE"}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Words that make it a fact about the code (framework settings, formats, templates).
_CONSTANT_WORDS = frozenset({
    "FORMAT", "PATTERN", "REGEX", "TEMPLATE", "PREFIX", "SUFFIX", "SEPARATOR", "SEP", "HEADER",
    "VERSION", "CLASS", "BACKEND", "URLCONF", "APPLICATION", "FIELD", "ENCODING", "CHARSET",
    "COOKIE", "LOGIN", "LOGOUT", "REDIRECT", "STATIC", "MEDIA", "ALGORITHM", "ORIGIN", "ORIGINS",
    "CORS", "CSRF", "TYPE", "LABEL", "SESSION",
})


def _deployment_name(tokens: tuple[str, ...]) -> bool:
    if not tokens or any(t in _CONSTANT_WORDS for t in tokens):
        return False
    last = tokens[-1]
    if last in _CONFIG_WORDS:
        return True
    if len(tokens) > 1 and last == "NAME":
        return tokens[-2] in _NAMED_RESOURCES
    return len(tokens) > 1 and last == "ID" and tokens[-2] in _IDENTIFIED_RESOURCES


def _pr208_candidate(name: str, value: ast.AST) -> Optional[tuple[str, str]]:
    """(default text for os.environ.get, conversion) when ``NAME = value`` is deployment config."""
    literal = value
    negative = False
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and isinstance(value.operand, ast.Constant):
        literal, negative = value.operand, True
    if not isinstance(literal, ast.Constant):
        return None
    raw = literal.value
    if isinstance(raw, bool) or raw is None or isinstance(raw, (bytes, complex)):
        return None
    tokens = name_tokens(name)
    if not _deployment_name(tokens):
        return None
    if is_secret_name(name):
        return None  # PR201
    if isinstance(raw, str):
        if negative:
            return None
        text = raw.strip()
        if not text or text != raw or len(text) > 200 or any(c.isspace() for c in text):
            return None
        if is_sqlite_uri(text) or text.startswith("sqlite:") or is_local_url(text) or absolute_path_kind(text):
            return None  # PR209 / PR205 / PR207
        if "{" in text or "%(" in text or "%s" in text:
            return None  # a template
        if text.startswith("/") and "://" not in text:
            return None  # a route or a path inside the app
        words = set(tokens)
        if words & {"URL", "URI", "ENDPOINT", "DSN"} and "://" not in text and "." not in text:
            return None
        if text in _LOOPBACK and words & {"BIND", "LISTEN", "LOCAL"}:
            return None  # a local bind address is right everywhere
        if words & {"EMAIL", "SENDER"} and "@" not in text:
            return None
        if "LEVEL" in words and text.upper() not in {"DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL"}:
            return None
        if _DOTTED.match(text) and not words & {"HOST", "HOSTNAME", "DOMAIN", "SERVER", "ADDRESS", "ADDR", "ENDPOINT", "BUCKET"}:
            return None  # a module or class path
        if text.lower() == tokens[-1].lower() or text.lower() in {"default", "none", "null", "true", "false", "auto"}:
            return None  # an enum-like constant: DJANGO_DB_MYSQL = "mysql"
        if words & {"MODEL"} and "." in text and "/" not in text and "-" not in text and not any(ch.isdigit() for ch in text):
            return None
        return "str", ""
    if isinstance(raw, (int, float)):
        words = set(tokens)
        if isinstance(raw, int) and "PORT" not in words:
            return None  # limits, sizes and timeouts are code, not deployment
        if isinstance(raw, float):
            return None
        return "int", "-" if negative else ""
    return None


_OVERRIDE_MODULE_WORDS = ("local", "override", "custom", "user", "site", "system", "distro", "secret", "deploy", "instance")


class HardcodedConfig(Rule):
    code = "PR208"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    name = "hardcoded-config"
    severity = Severity.INFORMATION
    summary = "A deployment setting is a literal in a config module whose other settings come from the environment"
    fix_availability = "safe"
    docs = """
    ## What it does
    In configuration modules (`config.py`, `settings.py`, `constants.py`, `settings/*.py`),
    finds UPPER_CASE constants holding deployment settings as literals — hosts, ports,
    service URLs, bucket names, regions, model names, queue and database names — when
    sibling constants in the same module already come from the environment
    (`os.environ`, `os.getenv`, django-environ, decouple). Example:
    `DEEPGRAM_MODEL = "nova-2"` next to `DEEPGRAM_API_KEY = os.environ["DEEPGRAM_API_KEY"]`.

    Not reported (one mistake, one finding): secret-like names (PR201
    `hardcoded-secret`), SQLite URIs (PR209), localhost URLs (PR205), absolute paths (PR207)
    and booleans such as `DEBUG` (PR203). Framework constants that are facts about the code
    are not deployment settings either: `BASE_DIR`, `INSTALLED_APPS` and other lists,
    `USE_TZ = True`, `ROOT_URLCONF`, `AUTH_USER_MODEL = "accounts.User"`, dotted module
    paths, route paths such as `STATIC_URL = "/static/"`, formats, limits and timeouts.
    Constants in dev/test settings and `class DevelopmentConfig` bodies are not reported,
    nor are named defaults (`DEFAULT_PORT = 8000`, read elsewhere as
    `os.environ.get("PORT", DEFAULT_PORT)`), nor constants a later statement can override
    (`from config_local import *`, `locals().update(patch(locals()))` as in pgAdmin).

    ## Why is this bad?
    A module that reads most settings from the environment but keeps a few as literals is
    half configurable: changing the model, the bucket or the host for staging needs a code
    change and a redeploy, and the literal is easy to miss because the module *looks*
    environment-driven.

    ## Example
    ```python
    import os

    DEEPGRAM_API_KEY = os.environ["DEEPGRAM_API_KEY"]
    DEEPGRAM_MODEL = "nova-2"
    ```

    ## Use instead
    ```python
    import os

    DEEPGRAM_API_KEY = os.environ["DEEPGRAM_API_KEY"]
    DEEPGRAM_MODEL = os.environ.get("DEEPGRAM_MODEL", "nova-2")
    ```

    ## Fix safety
    The fix is safe: the literal becomes the fallback of `os.environ.get("NAME", ...)`
    (named like the constant), so the value is the same until the variable is set. Integer
    settings keep their type: `PORT = 5432` becomes
    `PORT = int(os.environ.get("PORT", "5432"))`.

    ## References
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        Example("import os\nDEEPGRAM_API_KEY = os.environ[\"DEEPGRAM_API_KEY\"]\nDEEPGRAM_MODEL = \"nova-2\"\n", path="app/config.py"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDB_PORT = 5432\n", path="app/settings.py"),
        Example("import os\n\nclass Config:\n    SECRET_KEY = os.environ.get(\"SECRET_KEY\")\n    S3_BUCKET = \"acme-uploads\"\n    AWS_REGION = \"us-east-1\"\n", path="config.py"),
        Example("import os\nOPENAI_MODEL = \"gpt-4o\"\nOPENAI_API_KEY = os.getenv(\"OPENAI_API_KEY\")\n", path="app/constants.py"),
        Example("import environ\nenv = environ.Env()\nDATABASES = {\"default\": env.db()}\nELASTICSEARCH_HOST = \"search.internal\"\n", path="proj/settings/production.py"),
    ]
    valid = [
        Example("DEEPGRAM_MODEL = \"nova-2\"\nTIMEOUT = 30\n", path="app/config.py", note="no sibling reads the environment: a plain constants module"),
        Example("import os\nAPI_KEY = os.environ[\"API_KEY\"]\nDEEPGRAM_MODEL = \"nova-2\"\n", path="app/service.py", note="not a config module"),
        Example("from pathlib import Path\nimport os\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\nBASE_DIR = Path(__file__).resolve().parent.parent\nROOT_URLCONF = \"mysite.urls\"\nUSE_TZ = True\nTIME_ZONE = \"UTC\"\nLANGUAGE_CODE = \"en-us\"\nSTATIC_URL = \"/static/\"\nAUTH_USER_MODEL = \"accounts.User\"\nDEFAULT_AUTO_FIELD = \"django.db.models.BigAutoField\"\nINSTALLED_APPS = [\"django.contrib.admin\"]\nWSGI_APPLICATION = \"mysite.wsgi.application\"\nEMAIL_BACKEND = \"django.core.mail.backends.smtp.EmailBackend\"\n", path="mysite/settings.py", note="framework constants"),
        Example("import os\nSTRIPE_KEY = os.environ[\"STRIPE_KEY\"]\nSTRIPE_SECRET_KEY = \"sk_test_123\"\n", path="config.py", note="secret names are PR201's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nSQLALCHEMY_DATABASE_URI = \"sqlite:///app.db\"\n", path="config.py", note="SQLite is PR209's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nAPI_URL = \"http://localhost:8000\"\n", path="config.py", note="localhost URLs are PR205's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDEBUG = True\n", path="config.py", note="booleans are PR203's"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nMAX_CONTENT_LENGTH = 16 * 1024 * 1024\nPAGE_SIZE = 20\n", path="config.py"),
        Example("import os\nREDIS_HOST = os.getenv(\"REDIS_HOST\")\nDB_HOST = \"db\"\n", path="config/dev.py", note="dev settings"),
        Example("import os\nREDIS_HOST = \"localhost\"\nREDIS_HOST = os.getenv(\"REDIS_HOST\", REDIS_HOST)\n", path="config.py", note="overridden from the environment later"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nclass DevelopmentConfig:\n    DB_HOST = \"db\"\n", path="config.py", note="a development config class"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nLOG_FORMAT = \"%(asctime)s %(message)s\"\nDATE_FORMAT = \"%Y-%m-%d\"\n", path="config.py"),
        Example("import os\nNAME = os.getenv(\"DATABASE_NAME\")\nDJANGO_DB_MYSQL = \"mysql\"\nDJANGO_DB_SQLITE = \"sqlite\"\nDJANGO_DB = \"default\"\n", path="core/settings/base.py", note="enum-like constants (label-studio)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nMETA_DB_LIMIT = 1000\nREDIS_STREAM_LIMIT = 1000\n", path="config.py", note="limits are code (superset)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nFSM_SYNC_PROJECT_STATE = \"fsm.project_transitions.sync_project_state\"\n", path="settings/base.py", note="a dotted module path (label-studio)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nSSH_TUNNEL_LOCAL_BIND_ADDRESS = \"127.0.0.1\"\n", path="config.py", note="a loopback bind address (superset)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nACCOUNT_AUTHENTICATION_METHOD = \"email\"\nPROJECT_NAME = \"shop\"\n", path="settings.py", note="django-allauth and naming constants"),
        Example("import os\nDATA_DIR = os.getenv(\"DATA_DIR\")\nMAIL_SERVER = \"localhost\"\nMAIL_PORT = 25\nlocals().update(evaluate_and_patch_config(locals()))\n",
                path="config.py", note="every setting can be overridden by the patch at the end (pgadmin)"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nMAIL_SERVER = \"localhost\"\ntry:\n    from config_local import *\nexcept ImportError:\n    pass\n",
                path="config.py", note="a local override module imported last"),
        Example("import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDEFAULT_HOST = \"127.0.0.1\"\nDEFAULT_PORT = 8000\n",
                path="chainlit/config.py", note="named defaults of settings read elsewhere (chainlit: `os.environ.get(\"CHAINLIT_HOST\", DEFAULT_HOST)`)"),
    ]
    fixed = {
        str(invalid[0]): "import os\nDEEPGRAM_API_KEY = os.environ[\"DEEPGRAM_API_KEY\"]\nDEEPGRAM_MODEL = os.environ.get(\"DEEPGRAM_MODEL\", \"nova-2\")\n",
        str(invalid[1]): "import os\nREDIS_URL = os.getenv(\"REDIS_URL\")\nDB_PORT = int(os.environ.get(\"DB_PORT\", \"5432\"))\n",
        str(invalid[2]): "import os\n\nclass Config:\n    SECRET_KEY = os.environ.get(\"SECRET_KEY\")\n    S3_BUCKET = os.environ.get(\"S3_BUCKET\", \"acme-uploads\")\n    AWS_REGION = os.environ.get(\"AWS_REGION\", \"us-east-1\")\n",
        str(invalid[3]): "import os\nOPENAI_MODEL = os.environ.get(\"OPENAI_MODEL\", \"gpt-4o\")\nOPENAI_API_KEY = os.getenv(\"OPENAI_API_KEY\")\n",
    }

    def _config_module(self, ctx) -> bool:
        file = ctx.file
        return file.is_settings and not file.is_dev_config and ctx.at_import_time  # tests/tooling: production_only

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._check(node.targets[0].id, node.value, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx) -> None:
        if ctx.functions or not ctx.file.is_settings or not any(a.name == "*" for a in node.names):
            return
        last = (node.module or "").rsplit(".", 1)[-1].lower()
        if any(word in last for word in _OVERRIDE_MODULE_WORDS):
            self.fact("override", node.lineno)  # `from config_local import *` at the end of config.py

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if (not ctx.functions and isinstance(func, ast.Attribute) and func.attr == "update"
                and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
                and func.value.func.id in ("locals", "globals", "vars") and ctx.file.is_settings):
            self.fact("override", node.lineno)  # pgadmin: `locals().update(evaluate_and_patch_config(locals()))`

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if node.value is not None and isinstance(node.target, ast.Name):
            self._check(node.target.id, node.value, ctx)

    def _check(self, name: str, value: ast.AST, ctx) -> None:
        if not _UPPER.match(name) or not self._config_module(ctx):
            return
        if not isinstance(value, (ast.Constant, ast.UnaryOp)):
            if contains_env_lookup(value, ctx.resolve):
                self.fact("env")
                self.fact("env-name", name)
            return
        if "DEFAULT" in name_tokens(name):
            return  # DEFAULT_PORT: the documented default of a setting configured elsewhere
        candidate = _pr208_candidate(name, value)
        if candidate is None or dev_only(ctx):
            return
        kind, sign = candidate
        span = ctx.source.node_range(value)
        if kind == "str":
            builder = env_get_builder(span, name, ctx.source.text[span[0]:span[1]])
        else:
            literal = value.operand if isinstance(value, ast.UnaryOp) else value
            builder = env_get_builder(span, name, f'"{sign}{literal.value}"', wrap="int")
        code = self.code

        line = value.lineno

        def condition(facts: frozenset) -> bool:
            if any(f[1] == "override" and f[0] == code and f[2] > line for f in facts if len(f) == 3):
                return False  # a later `from config_local import *` / `locals().update(...)` can override it
            return (code, "env") in facts and (code, "env-name", name) not in facts

        self.report(value, f"Read `{name}` from the environment like the other settings in this module",
                    fixes=[fix(f"Read `{name}` from the environment", builder)], condition=condition)
