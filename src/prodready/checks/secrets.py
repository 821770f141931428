"""Secrets and debug rules (PR201-PR204): credentials in source, secret fallbacks, debug mode
on by default, and ``bool()`` of environment strings."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Optional

from prodready.core.engine import is_main_guard
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ModuleImports, ensure_import, merge_insertions

from prodready.checks._helpers import argument, keyword, string_value
from prodready.checks._secrets import (
    SECRET_PREFIXES, Confidence, has_secret_prefix, is_probable_secret, is_secret_name, name_tokens, secret_confidence,
    secret_name_strength,
)

# -- environment lookups -------------------------------------------------------------------

_OS_LOOKUPS = {"os.getenv": "getenv", "os.environ.get": "get", "os.environ.setdefault": "setdefault"}
_LOOKUP_ATTRS = frozenset({"getenv", "get", "setdefault"})
# django-environ / environs typed readers: ``env.str("X", default=...)``.
_ENV_METHODS = frozenset({
    "str", "bool", "int", "float", "json", "list", "tuple", "dict", "url", "db_url", "db",
    "cache_url", "cache", "email_url", "email", "search_url", "path", "get_value", "decimal",
})
_ENV_INSTANCES = ("environ.Env()", "environ.FileAwareEnv()", "environs.Env()")
_DECOUPLE = frozenset({"decouple.config", "decouple.AutoConfig()", "decouple.Config()"})
_MISSING = object()


@dataclass
class Lookup:
    """An environment lookup with a fallback: ``os.getenv("X", "d")``, ``env.bool("X", default=True)``."""

    call: ast.Call
    kind: str                      # "os", "environ" (django-environ/environs), "decouple"
    name: Optional[str]            # the variable name when it is a literal
    name_node: Optional[ast.expr]
    default: Optional[ast.expr]    # None when there is no fallback
    cast: Optional[str]            # "bool", "int", "str"... when the reader casts


def env_lookup(call: ast.Call, ctx) -> Optional[Lookup]:
    """The lookup ``call`` is (with its fallback), or None. Checks the spelling before resolving."""
    func = call.func
    if isinstance(func, ast.Attribute):
        attr = func.attr
        if attr not in _LOOKUP_ATTRS and attr not in _ENV_METHODS and attr != "config":
            return None
        owner = func.value
        if attr in ("get", "setdefault") and not (isinstance(owner, ast.Name) or isinstance(owner, ast.Attribute) and owner.attr == "environ"):
            return None  # self.cache.get(...), request.args.get(...)
    elif isinstance(func, ast.Name):
        attr = None
    else:
        return None
    callee = ctx.call_name(call)
    if not callee:
        return None
    cast: Optional[str] = None
    if callee in _OS_LOOKUPS:
        kind = "os"
        default = argument(call, 1, "default")
    elif callee in _DECOUPLE:
        kind = "decouple"
        default = argument(call, 1, "default")
        cast = _cast_name(argument(call, 2, "cast"), ctx)
    elif callee in _ENV_INSTANCES or (isinstance(func, ast.Name) and func.id == "env" and _imported_env_name(callee, ctx)):
        # ``env("X", cast, default)``; ``env`` imported from a base settings module counts too.
        kind = "environ"
        default = argument(call, 2, "default")
        cast = _cast_name(argument(call, 1, "cast"), ctx)
    elif attr in _ENV_METHODS and (callee.startswith(_ENV_INSTANCES) or _imported_env(func.value, callee, ctx)):
        kind = "environ"
        default = argument(call, 1, "default")
        cast = attr if attr not in ("get_value",) else _cast_name(keyword(call, "cast") and keyword(call, "cast").value, ctx)
    else:
        return None
    name_node = argument(call, 0)
    if name_node is None:
        for kw in call.keywords:
            if kw.arg in ("key", "var", "option", "name"):
                name_node = kw.value
    return Lookup(call, kind, string_value(name_node), name_node, default, cast)


def _imported_env_name(resolved: str, ctx) -> bool:
    """``env`` imported from another settings module (``from .base import env``), or left
    unbound by ``from .base import *`` in a settings module."""
    return resolved.endswith(".env") or resolved == "env" and ctx.file.is_settings


def _imported_env(value: ast.expr, callee: str, ctx) -> bool:
    """``env.str(...)`` on such an imported ``env``."""
    return isinstance(value, ast.Name) and value.id == "env" and _imported_env_name(callee.rsplit(".", 1)[0], ctx)


def _cast_name(node: Optional[ast.expr], ctx) -> Optional[str]:
    if node is None:
        return None
    if isinstance(node, ast.Name) and node.id in ("bool", "int", "str", "float"):
        return node.id
    resolved = ctx.resolve(node) or ""
    if resolved.endswith("strtobool"):
        return "bool"
    return None


# -- where a finding matters ---------------------------------------------------------------

def _file_severity(ctx, base: Severity) -> Optional[Severity]:
    """Tests are skipped; dev/test settings (modules, or ``class DevelopmentConfig``) lower the
    severity to information."""
    file = ctx.file
    if file.is_test:
        return None
    if file.is_dev_config or ctx.classes and _in_dev_class(ctx):
        return Severity.INFORMATION
    return base


_DEV_CLASS_TOKENS = frozenset({"DEV", "DEVELOPMENT", "LOCAL", "TEST", "TESTING", "TESTS", "DEBUG", "CI"})


def _in_dev_class(ctx) -> bool:
    """Inside ``class DevelopmentConfig`` / ``class TestingConfig`` (Flask config classes)."""
    for cls in ctx.classes:
        if _DEV_CLASS_TOKENS.intersection(name_tokens(cls.name)):
            return True
    return False


_ENUM_BASES = ("enum.", "django.db.models.TextChoices", "django.db.models.IntegerChoices", "django.db.models.Choices")


def _in_enum(ctx) -> bool:
    cls = ctx.current_class
    if cls is None or ctx.functions:
        return False
    for base in ctx.class_bases(cls):
        if base.startswith(_ENUM_BASES) or base.endswith(("Enum", "Choices", "TextChoices")):
            return True
    return False


_SETTINGS_BASES = frozenset({
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings", "pydantic.BaseSettings",
    "pydantic.v1.BaseSettings", "pydantic.env_settings.BaseSettings",
})


def _settings_class(ctx) -> Optional[ast.ClassDef]:
    """The pydantic-settings class whose body we are directly in, if any."""
    cls = ctx.current_class
    if cls is None or ctx.parent is not cls:
        return None
    if ctx.class_bases(cls) & _SETTINGS_BASES:
        return cls
    return None


def _env_name(name: str) -> str:
    """``secretKey`` / ``secret-key`` -> ``SECRET_KEY`` (an environment variable name)."""
    tokens = name_tokens(name)
    return "_".join(tokens) if tokens else "SECRET"


def _normalised(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _value_names_itself(name: str, value: str) -> bool:
    """``PASSWORD = "password"``, ``API_KEY = "api_key"``: a constant naming a field, not a secret."""
    norm_value = _normalised(value)
    if not norm_value:
        return True
    tokens = name_tokens(name)
    return norm_value == _normalised(name) or norm_value in {t.lower() for t in tokens} or norm_value == _normalised("".join(tokens[-2:]))


_SETTING_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")  # not "AWS::KMS::Key" or "$.a.private_key"


def _names_a_secret(value: str) -> bool:
    """``{"access_token": "password"}``: a mapping between field names, not a secret."""
    tokens = name_tokens(value)
    return (value.replace("-", "_").isidentifier() and is_secret_name(value)
            and tokens[-1] in ("PASSWORD", "PASSWD", "TOKEN", "SECRET", "KEY", "CREDENTIALS", "CREDENTIAL", "APIKEY"))


_PLACEHOLDER_FIRST = frozenset({"SUPER", "MY", "YOUR", "DEV", "TEST", "CHANGE", "DEFAULT", "DUMMY", "FAKE", "LOCAL",
                                "INSECURE", "DEMO", "EXAMPLE", "SAMPLE", "SOME", "THE", "A", "NOT", "TOP", "VERY"})


def _names_another_setting(name: str, value: str) -> bool:
    """``SECRET_KEY = "aws_secret_access_key"``, ``ACCESS_KEY = "AWSAccessKeyId"``: the name of
    a config key, not its value."""
    if not value.replace("-", "_").isidentifier():
        return False
    tokens = name_tokens(value)
    if len(tokens) < 3 or tokens[0] in _PLACEHOLDER_FIRST:
        return False
    return is_secret_name(value) or len(set(tokens) & set(name_tokens(name))) >= 2


def _literal_quote(ctx, node: Optional[ast.expr]) -> str:
    if node is not None:
        text = ctx.source.segment(node)
        stripped = text.lstrip("rRbBuUfF")
        if stripped.startswith("'"):
            return "'"
    return '"'


def _environ_expr(fc: FixContext, edits: list[Edit]) -> str:
    """How this file can spell ``os.environ`` (adds ``import os`` only when missing)."""
    info = ModuleImports.of(fc.text)
    os_name = info.name_for("os")
    if os_name:
        return f"{os_name}.environ"
    environ = info.name_for("os.environ")
    if environ:
        return environ
    new_edits, os_name = ensure_import(fc.text, "os")
    edits.extend(new_edits)
    return f"{os_name}.environ"


_NEEDS_PARENS = (ast.Compare, ast.BinOp, ast.Attribute, ast.Subscript, ast.Await)


def _wrap(text: str, parent: Optional[ast.AST], node: ast.AST) -> str:
    """Parenthesise a comparison that replaces ``node`` where precedence would change it."""
    if isinstance(parent, _NEEDS_PARENS) or (isinstance(parent, ast.UnaryOp) and not isinstance(parent.op, ast.Not)):
        return f"({text})"
    if isinstance(parent, ast.Call) and parent.func is node:
        return f"({text})"
    return text


class _EnvironReplace:
    """Replace a range by ``os.environ["NAME"]`` (importing os when needed)."""

    def __init__(self, target: tuple[int, int], env_name: str, quote: str) -> None:
        self.target = target
        self.env_name = env_name
        self.quote = quote

    def __call__(self, fc: FixContext):
        edits: list[Edit] = []
        environ = _environ_expr(fc, edits)
        q = self.quote
        start, end = self.target
        edits.append(Edit(fc.at(start), fc.at(end), f"{environ}[{q}{self.env_name}{q}]"))
        return merge_insertions(edits)


def _replace(target: tuple[int, int], text: str):
    def build(fc: FixContext):
        start, end = target
        return [Edit(fc.at(start), fc.at(end), text)]
    return build


def _removal_range(ctx, call: ast.Call, arg: ast.AST) -> Optional[tuple[int, int]]:
    """The text to delete to drop argument ``arg`` (a value or a keyword) with its comma."""
    items: list[ast.AST] = [*call.args, *call.keywords]
    items.sort(key=lambda n: (n.lineno, n.col_offset))
    index = next((i for i, n in enumerate(items) if n is arg), None)
    if index is None:
        return None
    start, end = ctx.source.node_range(arg)
    if index > 0:
        return ctx.source.node_range(items[index - 1])[1], end
    if len(items) > 1:
        return start, ctx.source.node_range(items[1])[0]
    return start, end


# -- PR201 ---------------------------------------------------------------------------------

class HardcodedSecret(Rule):
    code = "PR201"
    name = "hardcoded-secret"
    severity = Severity.ERROR
    summary = "A secret (key, token, password) is hardcoded as a string literal"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds a non-empty string literal assigned to a secret-like name: `SECRET_KEY = "..."`,
    `SECRET_KEY: str = "..."`, `app.secret_key = "..."`, `app.config["SECRET_KEY"] = "..."`,
    `app.config.update(SECRET_KEY="...")`, `dict(API_KEY="...")` and dict literals such as
    `{"PASSWORD": "..."}` (Django's `DATABASES`).

    Secret-like names end in `SECRET`, `TOKEN`, `PASSWORD`/`PASSWD`/`PASSPHRASE`,
    `CREDENTIAL(S)`, or `KEY` after a secret qualifier (`API_KEY`, `SECRET_KEY`,
    `SIGNING_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`...); `PWD`/`PASS` count with a qualifier
    (`DB_PASS`). Other `<X>_KEY` names (`STRIPE_KEY`, but also `QUERY_CANCEL_KEY`, which
    holds a dict key) are reported only when the value looks like a real credential or a
    generated token; `SORT_KEY`, `CACHE_KEY`, `PUBLIC_KEY` and a bare `key` never are.
    Names that *describe* a secret are not secret-like: `*_TYPE`, `*_HEADER`, `*_NAME`,
    `*_FIELD`, `*_URL`, `*_PATH`, `*_FILE`, `*_PREFIX`, `*_LENGTH`, `*_ALGORITHM`,
    `*_EXPIRY`, `*_LIFETIME`, `*_ID` (`TOKEN_TYPE = "bearer"` is fine), nor are actions
    (`set_password`, `reset_password`), pagination/parser tokens (`next_token`,
    `pad_token`) and CSRF tokens. Values that start like real credentials
    (`django-insecure-`, `sk_live_`, `sk_test_`, `rk_`, `whsec_`, `sk-`, `ghp_`, `AKIA`...)
    are reported as such (the message shows only the prefix, never the secret).
    Placeholders like `"changeme"` or `"<your api key>"` are still findings: they end up
    deployed.

    Not reported: tests; `""`; values that are not secrets but names or text: interpolations
    (`"${SECRET}"`), prose (a label or error message under a secret-like key), boolean
    words, regular expressions, header names, CLI options, `_sentinels`, the names of other
    settings (`SECRET_KEY = "AWS_SECRET_ACCESS_KEY"`), field-name mappings
    (`{"access_token": "password"}`), constants that name themselves
    (`PASSWORD = "password"`), dotted config paths (`"web.search.bing_api_key"`), display
    masks (`"xxxxxxx"`), URLs without credentials, paths to credential files
    (`GOOGLE_APPLICATION_CREDENTIALS = "/.gcs"`), old published defaults kept to refuse
    them (`LEGACY_DEFAULT_ADMIN_PASSWORD`), and dummy API keys that only satisfy a client
    library (`api_key="ollama"`, `"EMPTY"`, `"unused"`, `"sk-FAKE-..."`: they grant no
    access; a placeholder `SECRET_KEY` or password still is reported); members of `Enum`/`Choices` classes; fields of pydantic
    `BaseSettings` classes (PR202 reports those). In dev/test settings modules
    (`settings/dev.py`, `local.py`) and `DevelopmentConfig`/`TestingConfig` classes the
    severity is information.

    ## Why is this bad?
    A secret in source code is shared with everyone who can read the repository, its forks,
    CI logs and container images, and it cannot be rotated without a deploy. Leaked
    Django `SECRET_KEY`s allow forging sessions and password-reset tokens.

    ## Example
    ```python
    SECRET_KEY = "django-insecure-8f2k..."
    ```

    ## Use instead
    ```python
    import os

    SECRET_KEY = os.environ["SECRET_KEY"]
    ```

    ## Fix safety
    The fix is unsafe: it reads the value from the environment with `os.environ["NAME"]`
    (adding `import os` only when the file has no `os` import; a `from os import environ`
    is reused), so the program fails at start-up until the variable is set. The secret
    itself must still be rotated: it stays in the repository history.

    ## References
    - [OWASP: Use of hard-coded credentials](https://owasp.org/www-community/vulnerabilities/Use_of_hard-coded_password)
    - [Django: SECRET_KEY](https://docs.djangoproject.com/en/stable/ref/settings/#secret-key)
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        'SECRET_KEY = "django-insecure-8f2k$w0x"\n',
        'SECRET_KEY: str = "s3cr3t"\n',
        'from flask import Flask\napp = Flask(__name__)\napp.secret_key = "dev"\n',
        'from flask import Flask\napp = Flask(__name__)\napp.config["SECRET_KEY"] = "changeme"\n',
        'from flask import Flask\napp = Flask(__name__)\napp.config.update(SECRET_KEY="changeme", DEBUG=False)\n',
        'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "PASSWORD": "hunter2",\n    }\n}\n',
        'import os\nSTRIPE_API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n',
        'from os import environ\nGITHUB_TOKEN = \'ghp_abcdefghijklmnop\'\n',
        'class Client:\n    def __init__(self):\n        self.api_key = "abc123"\n',
        'config = dict(DB_PASSWORD="hunter2")\n',
        'jwtSecret = "super-secret"\n',
        Example('SECRET_KEY = "django-insecure-dev"\n', path="mysite/settings/dev.py",
                note="dev settings: reported with information severity"),
        'import os as operating_system\nAWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG"\n',
        'os = None\nWEBHOOK_SECRET = "whsec_123"\n',
        'STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\nMAPBOX_KEY = "pk9a8sd7f6a5s4d3f2a1"\n',
        Example('class DevelopmentConfig:\n    SECRET_KEY = "dev"\n', path="app/config.py",
                note="a development config class: information severity"),
    ]
    valid = [
        'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        'TOKEN_TYPE = "bearer"\n',
        'PASSWORD_FIELD = "password"\nSECRET_KEY_PATH = "/run/secrets/key"\nJWT_ALGORITHM = "HS256"\n',
        'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"\n',
        'SORT_KEY = "created_at"\nkey = "name"\nCACHE_KEY = "users"\n',
        'SECRET_KEY = ""\n',
        'API_KEY_HEADER = "X-API-Key"\n',
        Example('SECRET_KEY = "test-secret"\n', path="tests/settings.py", note="tests are skipped"),
        Example('SECRET_KEY = "test-secret"\n', path="app/conftest.py", note="conftest is test code"),
        Example('import enum\nclass GrantType(str, enum.Enum):\n    PASSWORD = "password"\n    TOKEN = "refresh"\n',
                note="enum members name things"),
        Example('PASSWORD = "password"\nTOKEN = "token"\n', note="constants naming a field"),
        Example('errors = {"password": "This password is too short."}\n', note="prose is not a secret"),
        Example('SECRET_KEY = "${SECRET_KEY}"\n', note="an interpolation placeholder filled in by a template engine"),
        Example('from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    secret_key: str = "dev"\n',
                note="PR202 reports settings-class defaults"),
        'password = get_password()\n',
        Example('QUERY_CANCEL_KEY = "cancel_query"\nformat_key = "DATE_INPUT_FORMATS"\ndeck_viz_key = "path"\n',
                note="`*_KEY` constants holding dict keys (superset, django)"),
        Example('set_password = \'ALTER USER %(user)s IDENTIFIED BY "%(password)s"\'\nreset_url_token = "set-password"\n',
                note="names that describe an action on a secret (django)"),
        Example('_DEFAULT_TOKEN = "_sa_default"\ndefault_metavalue_token = "NULL"\n', note="sentinels (sqlalchemy)"),
        Example("ACCESS_KEY = 'aws_access_key_id'\nSECRET_KEY = 'AWS_SECRET_ACCESS_KEY'\n",
                note="the names of settings, not their values (botocore)"),
        Example('context_key_mapping = {"access_token": "password"}\nargs = dict(database="db", username="user", password="passwd")\n',
                note="mappings between field names (superset, sqlalchemy)"),
        Example('SCHEMAS = {"AWS::KMS::Key": "2b447c471bc70388"}\n', note="keys that are not setting names (cfn-lint)"),
        Example('DEFAULT_REMOTE_ACCESS = {"ec2SshKey": "eksKeypair"}\n', note="the name of a key pair (moto)"),
        Example('ACL_CREDENTIALS = "Access-Control-Allow-Credentials"\nresponse.headers["Access-Control-Allow-Credentials"] = "true"\n',
                note="header names and boolean words (flask-cors, httpbin)"),
        Example('PAGINATION = {"input_token": "marker"}\npad_token = "<pad>"\nproblematic_token = "<EOF>"\njsonnet_token = r\'[^\\W\\d]\\w*\'\n',
                note="pagination, tokenizer and lexer tokens"),
        Example("HIVE_SITE_KEY = '--hive-site'\nCHANGE_ME_SECRET_KEY = \"CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET\"\n",
                note="a CLI option; a sentinel the app compares against (superset)"),
        Example('ENGINE_PARAMS = {"password": "Database password", "client_secret": "Azure AD application secret"}\n',
                note="descriptions of parameters (superset)"),
        Example("CONFIG_KEYS = {'BING_SEARCH_V7_SUBSCRIPTION_KEY': 'web.search.bing_search_v7_subscription_key'}\n",
                note="a setting name mapped to its config path (open-webui)"),
        Example("display_dsn_args['password'] = 'xxxxxxx'\n", note="a display mask (pgadmin)"),
        Example('_DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/"\n',
                note="a URL without credentials: the key of Docker's auth config (mlflow)"),
        Example('envs = {}\nenvs["GOOGLE_APPLICATION_CREDENTIALS"] = "/.gcs"\n',
                note="the path of a credentials file, not a credential (mlflow)"),
        Example('_LEGACY_DEFAULT_ADMIN_PASSWORD = "password1234"\n',
                note="an old published default the code refuses (mlflow)"),
        Example('class OllamaConfig:\n    api_key: str = "ollama"\n\nclient_kwargs = {}\nclient_kwargs["api_key"] = "unused"\n',
                note="dummy keys for clients that insist on one; they grant no access (mlflow)"),
        Example('import os\n\ndef run(ci):\n    if ci:\n        os.environ["OPENAI_API_KEY"] = "sk-FAKE-OPENAI-API-KEY"\n',
                note="an explicitly fake API key (chainlit's CI mode)"),
    ]
    unsafe_fixed = {
        invalid[0]: 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        invalid[1]: 'import os\nSECRET_KEY: str = os.environ["SECRET_KEY"]\n',
        invalid[2]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.secret_key = os.environ["SECRET_KEY"]\n',
        invalid[3]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n',
        invalid[4]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.config.update(SECRET_KEY=os.environ["SECRET_KEY"], DEBUG=False)\n',
        invalid[5]: 'import os\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "PASSWORD": os.environ["PASSWORD"],\n    }\n}\n',
        invalid[6]: 'import os\nSTRIPE_API_KEY = os.environ["STRIPE_API_KEY"]\n',
        invalid[7]: "from os import environ\nGITHUB_TOKEN = environ['GITHUB_TOKEN']\n",
        invalid[10]: 'import os\njwtSecret = os.environ["JWT_SECRET"]\n',
        invalid[12]: 'import os as operating_system\nAWS_SECRET_ACCESS_KEY = operating_system.environ["AWS_SECRET_ACCESS_KEY"]\n',
        invalid[13]: 'import os as _os\nos = None\nWEBHOOK_SECRET = _os.environ["WEBHOOK_SECRET"]\n',
    }

    def _check(self, ctx, name: str, value: ast.expr, anchor: ast.AST, mapping: bool = False) -> None:
        text = string_value(value)
        if text is None or not is_probable_secret(name, text):
            return
        confidence = secret_confidence(text)
        if confidence is Confidence.MEDIUM and (_value_names_itself(name, text) or mapping and _names_a_secret(text)
                                                or _names_another_setting(name, text)):
            return
        severity = _file_severity(ctx, self.severity)
        if severity is None or _in_enum(ctx):
            return
        if confidence is Confidence.HIGH:
            # Only the well-known prefix: messages end up in CI logs and SARIF reports.
            shown = next(p for p in SECRET_PREFIXES if text.strip().startswith(p)) + "…"
            message = f"`{name}` holds what looks like a real credential (`{shown}`): revoke it and load it from the environment"
        else:
            message = f"Load `{name}` from the environment or a secret store instead of hardcoding it"
        builder = _EnvironReplace(ctx.source.node_range(value), _env_name(name), _literal_quote(ctx, value))
        self.report(value, message, fixes=[fix(f"Read `{name}` from the environment (`os.environ`)", builder, safe=False)],
                    severity=severity)

    @staticmethod
    def _target_name(target: ast.AST) -> Optional[str]:
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute):
            return target.attr
        if isinstance(target, ast.Subscript):
            return string_value(target.slice)
        return None

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if not isinstance(node.value, ast.Constant) or not isinstance(node.value.value, str):
            return
        for target in node.targets:
            name = self._target_name(target)
            if name:
                self._check(ctx, name, node.value, target)
                return

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        if not isinstance(node.value, ast.Constant) or not isinstance(node.value.value, str):
            return
        name = self._target_name(node.target)
        if name and _settings_class(ctx) is None:
            self._check(ctx, name, node.value, node.target)

    def visit_Dict(self, node: ast.Dict, ctx) -> None:
        for key, value in zip(node.keys, node.values):
            if (isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Constant)
                    and isinstance(value.value, str) and _SETTING_KEY.match(key.value)):
                self._check(ctx, key.value, value, key, mapping=True)

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not node.keywords:
            return
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in ("update", "from_mapping"):
                return
        elif not (isinstance(func, ast.Name) and func.id == "dict" and ctx.resolve(func) == "dict"):
            return
        for kw in node.keywords:
            if kw.arg and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                self._check(ctx, kw.arg, kw.value, kw, mapping=True)


# -- PR202 ---------------------------------------------------------------------------------

_PYDANTIC_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field", "pydantic_settings.Field"})
_SECRET_TYPES = frozenset({"pydantic.SecretStr", "pydantic.types.SecretStr", "pydantic.SecretBytes", "pydantic.v1.SecretStr"})


class HardcodedSecretDefault(Rule):
    code = "PR202"
    name = "hardcoded-secret-default"
    severity = Severity.ERROR
    summary = "An environment lookup for a secret falls back to a hardcoded value"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds environment lookups of a secret-like variable with a literal fallback:
    `os.getenv("SECRET_KEY", "dev")`, `os.environ.get(...)`, `os.environ.setdefault(...)`
    (also with `getenv`/`environ` imported from `os`, and `os.environ.get(...) or "dev"`), django-environ
    `env("SECRET_KEY", default="dev")` / `env.str(...)`, environs `env.str(...)`,
    python-decouple `config("SECRET_KEY", default="dev")`, and fields of pydantic-settings
    `BaseSettings` classes with a literal default (`secret_key: str = "dev"`).
    `""` and `None` fallbacks are not reported (they do not hide a secret), nor are dummy
    API keys that only satisfy a client library (`os.environ.get("OLLAMA_API_KEY", "ollama")`),
    nor is test code;
    in dev/test settings modules the severity is information.

    ## Why is this bad?
    When the variable is missing in production (a typo, a forgotten secret in a new
    environment) the application starts anyway and silently signs sessions, tokens or
    passwords with a value that is public in the repository. The fallback also is a
    hardcoded secret in its own right.

    ## Example
    ```python
    import os

    SECRET_KEY = os.getenv("SECRET_KEY", "dev-secret")
    ```

    ## Use instead
    ```python
    import os

    SECRET_KEY = os.environ["SECRET_KEY"]  # fails fast when unset
    ```

    ## Fix safety
    The fix is unsafe: it drops the fallback, so a process started without the variable now
    fails at start-up instead of running with the public value. `os.getenv`/`os.environ.get`
    /`os.environ.setdefault` become `os.environ["NAME"]`; django-environ, environs and
    python-decouple lookups keep their reader and only lose `default=` (they raise when the
    variable is missing, and keep their cast); a pydantic-settings field loses its default
    (becoming required), and `Field("dev")` becomes `Field(...)`.

    ## References
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    - [Django deployment checklist: SECRET_KEY](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#secret-key)
    - [pydantic-settings](https://docs.pydantic.dev/latest/concepts/pydantic_settings/)
    """
    invalid = [
        'import os\nSECRET_KEY = os.getenv("SECRET_KEY", "dev-secret")\n',
        'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-abc")\n',
        'import os\nos.environ.setdefault("API_TOKEN", "abc123")\n',
        'from os import getenv\nDB_PASSWORD = getenv("DB_PASSWORD", "postgres")\n',
        'from os import environ\nSECRET_KEY = environ.get("SECRET_KEY", default="dev")\n',
        'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-key")\n',
        'import environ\nenv = environ.Env()\nSECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-key")\n',
        'from decouple import config\nSECRET_KEY = config("SECRET_KEY", default="dev-key")\n',
        'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    secret_key: str = "dev-secret"\n    debug: bool = False\n',
        'from pydantic import Field\nfrom pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    api_key: str = Field("changeme", description="API key")\n',
        'import os as o\nJWT_SECRET = o.getenv("JWT_SECRET", "secret")\n',
        Example('import os\nSECRET_KEY = os.getenv("SECRET_KEY", "local-secret")\n', path="proj/settings/local.py",
                note="dev settings: information severity"),
        'from pydantic_settings import BaseSettings\nclass Base(BaseSettings):\n    pass\nclass Settings(Base):\n    stripe_key: str = "sk_test_123"\n',
        'from decouple import config\nPASSWORD = config("DB_PASSWORD", "postgres")\n',
        'import os\nSECRET_KEY = os.environ.get("SECRET_KEY") or "dev-secret"\n',
        'from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    db_password: SecretStr = SecretStr("postgres")\n',
        Example('from .base import *  # noqa\nSECRET_KEY = env.str("DJANGO_SECRET_KEY", default="prod-fallback")\n',
                path="config/settings/production.py", note="`env` from a star import of the base settings"),
    ]
    valid = [
        'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        'import os\nSECRET_KEY = os.getenv("SECRET_KEY")\n',
        'import os\nSECRET_KEY = os.getenv("SECRET_KEY", "")\n',
        'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", None)\n',
        'import os\nTOKEN_TYPE = os.getenv("TOKEN_TYPE", "bearer")\n',
        'import os\nDEBUG = os.getenv("DEBUG", "false")\n',
        'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY")\n',
        'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    secret_key: str\n    secret_key_file: str = "/run/secrets/key"\n',
        Example('from pydantic import BaseModel\nclass Login(BaseModel):\n    password: str = "x"\n',
                note="a plain model is not settings (PR201 territory at most)"),
        Example('import os\nSECRET_KEY = os.getenv("SECRET_KEY", "test")\n', path="tests/settings.py", note="tests are skipped"),
        'cache = {}\nSECRET_KEY = cache.get("SECRET_KEY", "x")\n',
        'import os\nSECRET_KEY = os.getenv("SECRET_KEY", default_key)\n',
        'import os\nSECRET_KEY = os.environ.get("SECRET_KEY") or ""\n',
        'import os\nTOKEN_TYPE = os.environ.get("TOKEN_TYPE") or "bearer"\n',
        Example('SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="x-fallback")\n', path="app/jobs.py",
                note="an unknown `env` outside settings modules"),
        Example('import os\nconfig = OllamaConfig(api_key=os.environ.get("OLLAMA_API_KEY", "ollama"))\n',
                note="Ollama's documented dummy key: the local server ignores it (mlflow)"),
    ]
    unsafe_fixed = {
        invalid[0]: 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        invalid[1]: 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        invalid[2]: 'import os\nos.environ["API_TOKEN"]\n',
        invalid[3]: 'from os import getenv\nimport os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n',
        invalid[4]: 'from os import environ\nSECRET_KEY = environ["SECRET_KEY"]\n',
        invalid[5]: 'import environ\nenv = environ.Env()\nSECRET_KEY = env("DJANGO_SECRET_KEY")\n',
        invalid[6]: 'import environ\nenv = environ.Env()\nSECRET_KEY = env.str("DJANGO_SECRET_KEY")\n',
        invalid[7]: 'from decouple import config\nSECRET_KEY = config("SECRET_KEY")\n',
        invalid[8]: 'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    secret_key: str\n    debug: bool = False\n',
        invalid[9]: 'from pydantic import Field\nfrom pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    api_key: str = Field(..., description="API key")\n',
        invalid[10]: 'import os as o\nJWT_SECRET = o.environ["JWT_SECRET"]\n',
        invalid[13]: 'from decouple import config\nPASSWORD = config("DB_PASSWORD")\n',
        invalid[14]: 'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        invalid[15]: 'from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    db_password: SecretStr\n',
    }

    def _message(self, name: str, text: str) -> str:
        if has_secret_prefix(text.strip()):
            return f"Remove the hardcoded fallback for `{name}` (it looks like a real credential; revoke it) so a missing variable fails fast"
        return f"Remove the hardcoded fallback for `{name}` so the app fails fast when it is unset"

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not node.args and not node.keywords:
            return
        lookup = env_lookup(node, ctx)
        if lookup is None or lookup.default is None or lookup.name is None:
            return
        text = string_value(lookup.default)
        if text is None or not is_probable_secret(lookup.name, text):
            return
        severity = _file_severity(ctx, self.severity)
        if severity is None:
            return
        if lookup.kind == "os":
            builder = _EnvironReplace(ctx.source.node_range(node), lookup.name, _literal_quote(ctx, lookup.name_node))
            title = f'Use `os.environ["{lookup.name}"]` (fails fast when unset)'
        else:
            default_arg: ast.AST = keyword(node, "default") or lookup.default
            removal = _removal_range(ctx, node, default_arg)
            if removal is None:
                return
            builder = _replace(removal, "")
            title = "Drop the fallback (the lookup raises when the variable is unset)"
        self.report(lookup.default, self._message(lookup.name, text), fixes=[fix(title, builder, safe=False)], severity=severity)

    def visit_BoolOp(self, node: ast.BoolOp, ctx) -> None:
        """``os.environ.get("SECRET_KEY") or "dev"``: the same fallback, spelled with ``or``."""
        if not isinstance(node.op, ast.Or) or len(node.values) != 2:
            return
        first, literal = node.values
        text = string_value(literal)
        if text is None or not isinstance(first, ast.Call):
            return
        lookup = env_lookup(first, ctx)
        if lookup is None or lookup.name is None or lookup.kind != "os" or not is_probable_secret(lookup.name, text):
            return
        severity = _file_severity(ctx, self.severity)
        if severity is None:
            return
        builder = _EnvironReplace(ctx.source.node_range(node), lookup.name, _literal_quote(ctx, lookup.name_node))
        self.report(literal, self._message(lookup.name, text),
                    fixes=[fix(f'Use `os.environ["{lookup.name}"]` (fails fast when unset)', builder, safe=False)],
                    severity=severity)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        value = node.value
        if value is None or not isinstance(node.target, ast.Name) or not secret_name_strength(node.target.id):
            return
        if _settings_class(ctx) is None:
            return
        name = node.target.id
        literal: Optional[ast.expr] = None
        if isinstance(value, ast.Constant):
            literal = value
            ann_end = ctx.source.node_range(node.annotation)[1]
            builder = _replace((ann_end, ctx.source.node_range(value)[1]), "")
        elif isinstance(value, ast.Call) and ctx.call_name(value) in _PYDANTIC_FIELD:
            literal = argument(value, 0, "default")
            builder = _replace(ctx.source.node_range(literal), "...") if literal is not None else None
        elif isinstance(value, ast.Call) and ctx.call_name(value) in _SECRET_TYPES and len(value.args) == 1:
            literal = value.args[0]
            ann_end = ctx.source.node_range(node.annotation)[1]
            builder = _replace((ann_end, ctx.source.node_range(value)[1]), "")
        else:
            return
        text = string_value(literal)
        if text is None or not is_probable_secret(name, text):
            return
        severity = _file_severity(ctx, self.severity)
        if severity is None:
            return
        self.report(literal, self._message(name, text),
                    fixes=[fix("Remove the default (the setting becomes required)", builder, safe=False)], severity=severity)


# -- PR203 ---------------------------------------------------------------------------------

_TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f", ""})
_STR_METHODS = frozenset({"lower", "upper", "strip", "casefold", "title", "capitalize", "lstrip", "rstrip"})
_UNKNOWN = object()
_OFF_FOR = {
    "True": "False", "true": "false", "TRUE": "FALSE", "1": "0", "yes": "no", "Yes": "No", "YES": "NO",
    "on": "off", "On": "Off", "ON": "OFF", "y": "n", "Y": "N", "t": "f", "T": "F",
}
_DEBUG_SERVERS = frozenset({"fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart"})


# ``SQL_DEBUG``, ``TEMPLATE_DEBUG``: debug output of one subsystem, not the app's debug mode.
_SUBSYSTEM_DEBUG = frozenset({
    "SQL", "SQLALCHEMY", "DB", "DATABASE", "TEMPLATE", "TEMPLATES", "TOOLBAR", "LOG", "LOGGING", "ASYNC",
    "ASYNCIO", "JS", "CSS", "ASSETS", "CACHE", "CELERY", "QUERY", "QUERIES", "HTTP", "REQUESTS", "PROFILE",
    "PROFILER", "GRAPHQL", "SSL", "SMTP", "MAIL", "EMAIL", "WEBPACK", "VITE", "COMPRESS", "PROPAGATE",
    "ENGINEIO", "SOCKETIO", "GRPC", "TRACE", "TRACING", "METRICS", "JINJA", "JINJA2", "PDB", "IPDB",
})


def _is_debug_name(name: Optional[str]) -> bool:
    if not name:
        return False
    tokens = name_tokens(name)
    if tokens[-2:] == ("DEBUG", "MODE"):
        tokens = tokens[:-1]
    if not tokens or tokens[-1] != "DEBUG":
        return False
    return len(tokens) == 1 or tokens[-2] not in _SUBSYSTEM_DEBUG


def _strtobool(value: Any) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE_WORDS:
            return True
        if low in _FALSE_WORDS:
            return False
        return _UNKNOWN
    if isinstance(value, (bool, int)):
        return bool(value)
    return _UNKNOWN


def _unset_value(lookup: Lookup, default_value: Any) -> Any:
    """What the lookup returns when the variable is not set, given the fallback's value."""
    if lookup.kind != "os" and lookup.cast == "bool":
        return _strtobool(default_value) if default_value is not None else _UNKNOWN
    if lookup.kind != "os" and lookup.cast == "int" and isinstance(default_value, (str, int)) and not isinstance(default_value, bool):
        try:
            return int(default_value)
        except ValueError:
            return _UNKNOWN
    return default_value


def _constant(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        values = [_constant(e) for e in node.elts]
        return _UNKNOWN if any(v is _UNKNOWN for v in values) else tuple(values)
    return _UNKNOWN


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    try:
        if isinstance(op, ast.Eq):
            return left == right
        if isinstance(op, ast.NotEq):
            return left != right
        if isinstance(op, ast.In):
            return left in right
        if isinstance(op, ast.NotIn):
            return left not in right
        if isinstance(op, ast.Is):
            return left is right if right is None or isinstance(right, bool) else _UNKNOWN
        if isinstance(op, ast.IsNot):
            return left is not right if right is None or isinstance(right, bool) else _UNKNOWN
    except TypeError:
        return _UNKNOWN
    return _UNKNOWN


def _evaluate_chain(start: ast.AST, value: Any, chain: list[ast.AST], resolve) -> tuple[Any, ast.AST]:
    """Push ``value`` (what ``start`` evaluates to) up through ``chain`` (its ancestors,
    innermost first) while the ancestors are simple transformations. Returns the value and
    the outermost node evaluated (``_UNKNOWN`` when the outcome depends on something else)."""
    node = start
    index = 0
    while index < len(chain):
        parent = chain[index]
        if isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _STR_METHODS:
            call = chain[index + 1] if index + 1 < len(chain) else None
            if not (isinstance(call, ast.Call) and call.func is parent and not call.args and not call.keywords):
                break
            if not isinstance(value, str):
                return _UNKNOWN, node  # AttributeError at runtime: not "debug on"
            value = getattr(value, parent.attr)()
            node = call
            index += 2
            continue
        if isinstance(parent, ast.Call) and len(parent.args) == 1 and parent.args[0] is node and not parent.keywords:
            callee = resolve(parent.func) or ""
            last = callee.rsplit(".", 1)[-1]
            if callee == "bool":
                value = bool(value)
            elif callee == "int":
                try:
                    value = int(value) if value is not None else _UNKNOWN
                except (TypeError, ValueError):
                    value = _UNKNOWN
            elif callee == "str":
                value = str(value)
            elif last in ("strtobool", "str2bool", "str_to_bool", "to_bool", "parse_bool", "as_bool", "asbool"):
                value = _strtobool(value)
            else:
                break
            if value is _UNKNOWN:
                return _UNKNOWN, parent
            node = parent
            index += 1
            continue
        if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
            if parent.left is node:
                other = _constant(parent.comparators[0])
                result = _UNKNOWN if other is _UNKNOWN else _compare(parent.ops[0], value, other)
            else:
                other = _constant(parent.left)
                result = _UNKNOWN if other is _UNKNOWN else _compare(parent.ops[0], other, value)
            if result is _UNKNOWN:
                return _UNKNOWN, parent
            value = result
            node = parent
            index += 1
            continue
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            value = not value
            node = parent
            index += 1
            continue
        if isinstance(parent, ast.BoolOp):
            others = [_constant(v) for v in parent.values if v is not node]
            if isinstance(parent.op, ast.Or):
                if value:
                    value = True if isinstance(value, bool) else value
                elif all(o is not _UNKNOWN for o in others):
                    value = any(others)
                else:
                    return _UNKNOWN, parent
            else:
                if not value:
                    value = value
                elif all(o is not _UNKNOWN for o in others):
                    value = all(others)
                else:
                    return _UNKNOWN, parent
            node = parent
            index += 1
            continue
        break
    return value, node


def _debug_sink(node: ast.AST, parent: Optional[ast.AST]) -> bool:
    """Is ``node`` stored as the debug setting (``DEBUG = <node>``, ``debug=<node>``)?"""
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else string_value(target.slice) if isinstance(target, ast.Subscript) else None
            if _is_debug_name(name):
                return True
        return False
    if isinstance(parent, ast.keyword):
        return _is_debug_name(parent.arg)
    return False


def _off_literal(value: Any, quote: str) -> Optional[str]:
    if isinstance(value, bool):
        return "False"
    if isinstance(value, int):
        return "0"
    if isinstance(value, str):
        off = _OFF_FOR.get(value)
        if off is None:
            return None
        return f"{quote}{off}{quote}"
    return None


class DebugDefaultTrue(Rule):
    code = "PR203"
    name = "debug-default-true"
    severity = Severity.ERROR
    summary = "Debug mode is on when nothing is configured"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds debug mode that is on unless someone turns it off. Environment lookups of a
    debug variable (`DEBUG`, `FLASK_DEBUG`, `DJANGO_DEBUG`, `DEBUG_MODE`...; not subsystem
    switches such as `SQL_DEBUG` or `TEMPLATE_DEBUG`) are evaluated
    with the variable unset: `os.getenv("DEBUG", "True") == "True"`,
    `os.environ.get("DEBUG", "1") == "1"`, `os.getenv("DEBUG", "true").lower() in ("1", "true")`,
    `int(os.getenv("DEBUG", "1"))`, `env.bool("DEBUG", default=True)`,
    `config("DEBUG", default=True, cast=bool)`, `environ.Env(DEBUG=(bool, True))`,
    `os.environ.setdefault("FLASK_DEBUG", "1")`, and `DEBUG = os.getenv("DEBUG", "False")`
    (the *string* `"False"` is true). Literal forms: `DEBUG = True` in a production settings
    module (not in `settings/dev.py`, `local.py`, tests, nor inside a `DevelopmentConfig`/
    `TestingConfig` class), `app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)`,
    `app.debug = True`, `app.run(debug=True)`, `socketio.run(app, debug=True)`,
    `FastAPI(debug=True)`, and `debug: bool = True` in a pydantic-settings class.

    Under `if __name__ == "__main__":` (or in a function called `main`) the finding stays,
    because development servers started this way do get deployed (`CMD python app.py` in
    a Dockerfile), but with **warning** severity: the code does not run when a WSGI/ASGI
    server imports the module. Literal assignments inside any other `if` are not reported
    (they are already conditional on configuration). Dev/test settings lower the severity
    to information; tests are skipped. `bool(os.getenv("DEBUG", ...))` is reported by
    PR204 (env-bool-parse) instead.

    ## Why is this bad?
    A debug server in production exposes the interactive Werkzeug debugger (remote code
    execution), Django's technical 500 pages with settings and stack frames, and slows
    every request. When debug mode is the default, a missing variable in one environment
    is all it takes.

    ## Example
    ```python
    import os

    DEBUG = os.getenv("DEBUG", "True") == "True"
    ```

    ## Use instead
    ```python
    import os

    DEBUG = os.getenv("DEBUG", "False") == "True"
    ```

    ## Fix safety
    The fix is safe: it flips the fallback to the "off" value in the same style (`"True"`
    -> `"False"`, `"1"` -> `"0"`, `True` -> `False`), or replaces a literal `True` by
    `os.environ.get("DEBUG", "false").lower() == "true"` (adding `import os` when missing),
    so debug mode is only on when the environment asks for it; deployments that set the
    variable behave as before. A raw string lookup stored as the debug flag
    (`DEBUG = os.getenv("DEBUG", "False")`) gets an unsafe fix that compares it,
    `os.getenv("DEBUG", "False").lower() == "true"`, because values such as `"1"` change
    meaning.

    ## References
    - [Flask: Debug mode](https://flask.palletsprojects.com/en/stable/quickstart/#debug-mode)
    - [Django deployment checklist: DEBUG](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug)
    - [Werkzeug debugger security](https://werkzeug.palletsprojects.com/en/stable/debug/#debugger-pin)
    """
    invalid = [
        'import os\nDEBUG = os.getenv("DEBUG", "True") == "True"\n',
        'import os\nDEBUG = os.environ.get("DEBUG", "1") == "1"\n',
        'import os\nDEBUG = os.getenv("DEBUG", "true").lower() in ("1", "true")\n',
        'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=True)\n',
        Example('DEBUG = True\n', path="mysite/settings.py"),
        'from flask import Flask\napp = Flask(__name__)\napp.config["DEBUG"] = True\n',
        'from flask import Flask\napp = Flask(__name__)\napp.debug = True\n',
        'from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n',
        'from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app, debug=True)\n',
        'from fastapi import FastAPI\napp = FastAPI(debug=True)\n',
        'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)\n',
        'from decouple import config\nDEBUG = config("DEBUG", default=True, cast=bool)\n',
        'import environ\nenv = environ.Env(DEBUG=(bool, True))\n',
        'import os\nos.environ.setdefault("FLASK_DEBUG", "1")\n',
        'import os\nDEBUG = os.getenv("DEBUG", "False")\n',
        'import os\nDEBUG = int(os.getenv("DEBUG", 1))\n',
        'from os import getenv\nDEBUG = getenv("DJANGO_DEBUG") != "False"\n',
        'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    debug: bool = True\n',
        Example('class Config:\n    DEBUG = True\n', path="app/config.py"),
        'from flask import Flask\napp = Flask(__name__)\napp.config.update(DEBUG=True)\n',
        Example('from flask import Flask\napp = Flask(__name__)\napp.run(port=5000, debug=True)\n', path="proj/settings/dev.py",
                note="dev settings: information severity"),
        'from fastapi import FastAPI\nimport os\napp = FastAPI(debug=os.getenv("DEBUG", "yes") == "yes")\n',
        "import os\nDEBUG = os.getenv('DEBUG', 'True').lower() == 'true'\n",
    ]
    valid = [
        'import os\nDEBUG = os.getenv("DEBUG", "False") == "True"\n',
        'import os\nDEBUG = os.environ.get("DEBUG", "0") == "1"\n',
        'import os\nDEBUG = os.getenv("DEBUG", "false").lower() in ("1", "true")\n',
        'import os\nDEBUG = os.getenv("DEBUG") == "True"\n',
        'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False)\n',
        Example('DEBUG = True\n', path="mysite/settings/dev.py", note="dev settings may turn debug on"),
        Example('DEBUG = True\n', path="mysite/local_settings.py", note="local settings"),
        Example('DEBUG = True\n', path="app/views.py", note="not a settings module"),
        Example('class DevelopmentConfig:\n    DEBUG = True\n', path="app/config.py", note="a development config class"),
        Example('from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n', path="tests/test_app.py", note="tests"),
        'from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)\n',
        'from flask import Flask\nimport os\napp = Flask(__name__)\nif os.environ.get("FLASK_ENV") == "development":\n    app.debug = True\n',
        'import os\nDEBUG = bool(os.getenv("DEBUG", "True"))\n',
        'import os\nDEBUG = os.environ.get("DEBUG", "false").lower() == "true"\n',
        'import os\nLOG_LEVEL = os.getenv("LOG_LEVEL", "DEBUG")\n',
        'import os\nflag = os.getenv("DEBUG", "1")\n',
        Example('import os\nSQL_DEBUG = os.getenv("SQL_DEBUG", "1") == "1"\nTEMPLATE_DEBUG = os.getenv("TEMPLATE_DEBUG", "1") == "1"\n',
                note="debug output of one subsystem is not debug mode"),
        'import subprocess\nsubprocess.run(["ls"])\n',
        'import logging\nlog = logging.getLogger()\nlog.debug = True\n',
    ]
    fixed = {
        invalid[0]: 'import os\nDEBUG = os.getenv("DEBUG", "False") == "True"\n',
        invalid[1]: 'import os\nDEBUG = os.environ.get("DEBUG", "0") == "1"\n',
        invalid[2]: 'import os\nDEBUG = os.getenv("DEBUG", "false").lower() in ("1", "true")\n',
        invalid[3]: 'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False)\n',
        str(invalid[4]): 'import os\nDEBUG = os.environ.get("DEBUG", "false").lower() == "true"\n',
        invalid[5]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.config["DEBUG"] = os.environ.get("DEBUG", "false").lower() == "true"\n',
        invalid[6]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.debug = os.environ.get("DEBUG", "false").lower() == "true"\n',
        invalid[7]: 'from flask import Flask\nimport os\napp = Flask(__name__)\napp.run(debug=os.environ.get("DEBUG", "false").lower() == "true")\n',
        invalid[9]: 'from fastapi import FastAPI\nimport os\napp = FastAPI(debug=os.environ.get("DEBUG", "false").lower() == "true")\n',
        invalid[11]: 'from decouple import config\nDEBUG = config("DEBUG", default=False, cast=bool)\n',
        invalid[12]: 'import environ\nenv = environ.Env(DEBUG=(bool, False))\n',
        invalid[13]: 'import os\nos.environ.setdefault("FLASK_DEBUG", "0")\n',
        invalid[15]: 'import os\nDEBUG = int(os.getenv("DEBUG", 0))\n',
        invalid[16]: 'from os import getenv\nDEBUG = getenv("DJANGO_DEBUG", "False") != "False"\n',
        invalid[17]: 'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    debug: bool = False\n',
        invalid[21]: 'from fastapi import FastAPI\nimport os\napp = FastAPI(debug=os.getenv("DEBUG", "no") == "yes")\n',
        invalid[22]: "import os\nDEBUG = os.getenv('DEBUG', 'False').lower() == 'true'\n",
    }
    unsafe_fixed = {
        invalid[14]: 'import os\nDEBUG = os.getenv("DEBUG", "False").lower() == "true"\n',
    }

    # -- helpers -----------------------------------------------------------------------------
    def _severity(self, ctx) -> Optional[Severity]:
        severity = _file_severity(ctx, self.severity)
        if severity is None or severity is Severity.INFORMATION:
            return severity
        if ctx.in_main_guard or ctx.file.is_script or any(getattr(f.node, "name", "") == "main" for f in ctx.functions):
            return Severity.WARNING
        return severity

    def _conditional(self, ctx) -> bool:
        """Inside an ``if`` (other than the main guard) of the current scope."""
        for parent in reversed(ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return False
            if isinstance(parent, ast.If):
                if not is_main_guard(parent.test):
                    return True
        return False

    def _report_literal(self, ctx, value: ast.Constant, what: str, env_name: str = "DEBUG", parent: Optional[ast.AST] = None) -> None:
        if self._conditional(ctx) or _in_dev_class(ctx):
            return
        severity = self._severity(ctx)
        if severity is None:
            return
        target = ctx.source.node_range(value)
        node_parent = parent
        q = '"'

        def build(fc: FixContext):
            edits: list[Edit] = []
            environ = _environ_expr(fc, edits)
            text = _wrap(f'{environ}.get({q}{env_name}{q}, {q}false{q}).lower() == {q}true{q}', node_parent, value)
            edits.append(Edit(fc.at(target[0]), fc.at(target[1]), text))
            return merge_insertions(edits)

        self.report(value, f"Turn debug mode on only from configuration: {what} enables it unconditionally",
                    fixes=[fix(f'Read debug mode from the environment (`{env_name}`, off by default)', build, safe=True)],
                    severity=severity)

    # -- environment lookups -----------------------------------------------------------------
    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "run" or isinstance(func, ast.Name) and func.id in ("FastAPI", "Starlette", "Quart") or isinstance(func, ast.Attribute) and func.attr in ("FastAPI", "Starlette", "Quart"):
            self._debug_keyword(node, ctx)
            return
        if isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping"):
            owner = ctx.source.segment(func.value).lower() if node.keywords else ""
            if "config" in owner or "settings" in owner:
                self._debug_keyword(node, ctx, what=f"`{func.attr}(DEBUG=True)`")
            return
        if node.keywords and (isinstance(func, ast.Name) and func.id == "Env" or isinstance(func, ast.Attribute) and func.attr in ("Env", "FileAwareEnv")):
            self._env_scheme(node, ctx)
            return
        if not node.args and not node.keywords:
            return
        lookup = env_lookup(node, ctx)
        if lookup is None or not _is_debug_name(lookup.name):
            return
        self._check_lookup(lookup, ctx)

    def _debug_keyword(self, node: ast.Call, ctx, what: Optional[str] = None) -> None:
        for kw in node.keywords:
            if kw.arg is not None and (kw.arg == "debug" or kw.arg == "DEBUG" and what) and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                callee = ctx.call_name(node) or ""
                if what is None:
                    last = callee.rsplit(".", 1)[-1] if callee else ""
                    if last == "run":
                        if callee.startswith(("subprocess.", "asyncio.", "uvicorn.", "anyio.", "trio.")):
                            return
                        what = "`run(debug=True)`"
                    elif callee in _DEBUG_SERVERS:
                        what = f"`{last}(debug=True)`"
                    else:
                        return
                self._report_literal(ctx, kw.value, what, parent=kw)

    def _env_scheme(self, node: ast.Call, ctx) -> None:
        """``environ.Env(DEBUG=(bool, True))``: django-environ's default scheme."""
        if (ctx.call_name(node) or "") not in ("environ.Env", "environ.FileAwareEnv"):
            return
        for kw in node.keywords:
            if not _is_debug_name(kw.arg) or not isinstance(kw.value, ast.Tuple) or len(kw.value.elts) != 2:
                continue
            cast, default = kw.value.elts
            if not (isinstance(cast, ast.Name) and cast.id == "bool" and isinstance(default, ast.Constant)):
                continue
            if _strtobool(default.value) is True:
                severity = _file_severity(ctx, self.severity)
                if severity is None:
                    continue
                off = _off_literal(default.value, _literal_quote(ctx, default))
                fixes = [fix("Make debug mode default to off", _replace(ctx.source.node_range(default), off), safe=True)] if off else []
                self.report(default, f"Make `{kw.arg}` default to off: debug mode is on when the variable is unset",
                            fixes=fixes, severity=severity)

    def _check_lookup(self, lookup: Lookup, ctx) -> None:
        call = lookup.call
        if lookup.default is None:
            default_value: Any = None
        else:
            default_value = _constant(lookup.default)
            if default_value is _UNKNOWN:
                return
        chain = list(reversed(ctx.parents))
        # bool(os.getenv("DEBUG", ...)) is PR204's finding.
        if lookup.kind == "os" and chain and isinstance(chain[0], ast.Call) and isinstance(chain[0].func, ast.Name) and chain[0].func.id == "bool":
            return
        start_value = _unset_value(lookup, default_value)
        if start_value is _UNKNOWN:
            return
        value, top = _evaluate_chain(call, start_value, chain, ctx.resolve)
        if value is _UNKNOWN or not value:
            return
        if top is call:
            top_parent = chain[0] if chain else None
            setdefault = isinstance(call.func, ast.Attribute) and call.func.attr == "setdefault" and isinstance(top_parent, ast.Expr)
            if setdefault and _strtobool(value) is not True:
                return
            raw_string = isinstance(value, str)
            if not (value is True or (lookup.cast == "bool" and lookup.kind != "os") or setdefault or _debug_sink(call, top_parent)):
                return
            if raw_string and not setdefault and _strtobool(value) is not True:
                # DEBUG = os.getenv("DEBUG", "False"): the string itself is true.
                self._report_raw_string(lookup, ctx, value)
                return
        severity = self._severity(ctx)
        if severity is None:
            return
        fixes = []
        off = self._off_edit(lookup, ctx, chain, start_value)
        if off is not None:
            fixes.append(fix("Make debug mode default to off", off, safe=True))
        self.report(top, f"Make `{lookup.name}` default to off: debug mode is on when the variable is unset",
                    fixes=fixes, severity=severity)

    def _off_edit(self, lookup: Lookup, ctx, chain: list[ast.AST], start_value: Any):
        """A replacement for the fallback that makes the whole expression false when unset."""
        quote = _literal_quote(ctx, lookup.default if lookup.default is not None else lookup.name_node)
        if lookup.default is None:
            if lookup.kind != "os" or len(lookup.call.args) != 1 or lookup.call.keywords:
                return None
            candidates = [f"{quote}False{quote}", f"{quote}false{quote}", f"{quote}0{quote}"]
        else:
            original = _constant(lookup.default)
            first = _off_literal(original, quote)
            candidates = [c for c in (first, "False", f"{quote}False{quote}", f"{quote}false{quote}", f"{quote}0{quote}") if c]
        setdefault = isinstance(lookup.call.func, ast.Attribute) and lookup.call.func.attr == "setdefault"
        # `... or TESTING`: it is enough that our operand becomes false.
        for index, node in enumerate(chain):
            if isinstance(node, ast.BoolOp):
                chain = chain[:index]
                break
        for candidate in candidates:
            value = ast.literal_eval(candidate)
            if setdefault:
                if _strtobool(value) is False:
                    return _replace(ctx.source.node_range(lookup.default), candidate)
                continue
            result, _top = _evaluate_chain(lookup.call, _unset_value(lookup, value), chain, ctx.resolve)
            if result is not _UNKNOWN and not result:
                if lookup.default is None:
                    end = ctx.source.node_range(lookup.call.args[0])[1]
                    return _replace((end, end), f", {candidate}")
                return _replace(ctx.source.node_range(lookup.default), candidate)
        return None

    def _report_raw_string(self, lookup: Lookup, ctx, value: str) -> None:
        severity = self._severity(ctx)
        if severity is None:
            return
        call = lookup.call
        target = ctx.source.node_range(call)
        text = ctx.source.segment(call)
        q = _literal_quote(ctx, lookup.name_node)
        replacement = _wrap(f"{text}.lower() == {q}true{q}", ctx.parent, call)
        self.report(call, f"Compare `{lookup.name}` with a boolean word: the string {value!r} it falls back to is true",
                    fixes=[fix('Compare with `"true"`', _replace(target, replacement), safe=False)], severity=severity)

    # -- literal forms -----------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        value = node.value
        if not (isinstance(value, ast.Constant) and value.value is True):
            return
        for target in node.targets:
            self._literal_target(target, value, ctx, node)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        value = node.value
        if not (isinstance(value, ast.Constant) and value.value is True):
            return
        if isinstance(node.target, ast.Name) and _is_debug_name(node.target.id) and _settings_class(ctx) is not None:
            severity = _file_severity(ctx, self.severity)
            if severity is not None and not _in_dev_class(ctx):
                self.report(value, f"Make `{node.target.id}` default to off: debug mode is on when the variable is unset",
                            fixes=[fix("Make debug mode default to off", _replace(ctx.source.node_range(value), "False"), safe=True)],
                            severity=severity)
            return
        self._literal_target(node.target, value, ctx, node)

    def _literal_target(self, target: ast.AST, value: ast.Constant, ctx, stmt: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if target.id in ("DEBUG", "FLASK_DEBUG") and not ctx.functions and ctx.file.is_production_settings:
                self._report_literal(ctx, value, f"`{target.id} = True` in a production settings module",
                                     env_name=target.id, parent=stmt)
        elif isinstance(target, ast.Attribute):
            if target.attr == "debug" and self._is_app(target.value, ctx):
                self._report_literal(ctx, value, "`app.debug = True`", parent=stmt)
        elif isinstance(target, ast.Subscript):
            if string_value(target.slice) == "DEBUG":
                owner = target.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
                if "config" in owner_name.lower():
                    self._report_literal(ctx, value, '`config["DEBUG"] = True`', parent=stmt)

    @staticmethod
    def _is_app(node: ast.AST, ctx) -> bool:
        resolved = ctx.resolve(node) or ""
        if resolved in ("flask.Flask()", "quart.Quart()", "fastapi.FastAPI()", "starlette.applications.Starlette()"):
            return True
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        return name in ("app", "application", "flask_app", "api") or name.endswith("_app")


# -- PR204 ---------------------------------------------------------------------------------

_FLAG_WORDS = frozenset({
    "DEBUG", "VERBOSE", "ENABLE", "ENABLED", "DISABLE", "DISABLED", "USE", "ALLOW", "ALLOWED", "SKIP",
    "FORCE", "STRICT", "NO", "IS", "HAS", "FEATURE", "FLAG", "TESTING", "DRY", "QUIET", "SILENT",
    "REDIRECT", "INSECURE", "SECURE", "SSL", "TLS", "VERIFY", "CACHE", "RELOAD", "AUTORELOAD", "PROFILE",
    "TRACE", "ECHO", "MOCK", "FAKE", "SANDBOX", "MAINTENANCE", "READONLY", "OFFLINE", "LOCAL", "COLOR",
    "COLORS", "COLOUR", "STRIP", "PROPAGATE", "EAGER", "ALWAYS",
})


def _presence_check(name: Optional[str], default: Optional[ast.expr]) -> bool:
    """``bool(os.getenv("SENTRY_DSN"))`` asks "is it configured?", which is what it answers.

    Without a fallback (or with ``None``/``""``) only flag-like names are reported
    (``DEBUG``, ``USE_CACHE``, ``ENABLE_X``); a boolean fallback marks a flag anyway.
    """
    if not name or not (default is None or isinstance(default, ast.Constant) and default.value in (None, "")):
        return False
    tokens = name_tokens(name)
    if not tokens or is_secret_name(name):
        return True
    return not (set(tokens) & _FLAG_WORDS) or tokens[-1] == "PROFILE" and len(tokens) > 1


class EnvBoolParse(Rule):
    code = "PR204"
    name = "env-bool-parse"
    severity = Severity.WARNING
    summary = "bool() of an environment variable is true for \"False\" and \"0\""
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds `bool(os.getenv("X", ...))`, `bool(os.environ.get("X", ...))` and
    `bool(os.environ["X"])`, in every import form (`from os import getenv`, `import os as o`).

    ## Why is this bad?
    Environment variables are strings. `bool()` of any non-empty string is `True`, so
    `FEATURE_X=False`, `FEATURE_X=0` and `FEATURE_X=no` all turn the feature *on*; and a
    fallback such as `"False"` is true as well.

    ## Example
    ```python
    import os

    USE_CACHE = bool(os.getenv("USE_CACHE", False))
    ```

    ## Use instead
    ```python
    import os

    USE_CACHE = os.getenv("USE_CACHE", "false").lower() in ("1", "true", "yes")
    ```

    ## Fix safety
    The fix is unsafe (RULES calls it "safe-ish"): it parses the value as a boolean word,
    `os.getenv("X", "false").lower() in ("1", "true", "yes")`, keeping your lookup
    (`os.getenv`, `os.environ.get`, an alias) and the meaning of the fallback (`"true"` for
    `True`/`"1"`/`"yes"`..., otherwise `"false"`). That is the point of the fix, but it does
    change behaviour for values that were set: `"False"`/`"0"` become false as intended, and
    so do values outside the list such as `"on"` or `"enabled"`, which a deployment may
    rely on. A fallback that is not a literal gets no fix.

    ## References
    - [Python docs: Truth value testing](https://docs.python.org/3/library/stdtypes.html#truth-value-testing)
    - [Python docs: os.getenv](https://docs.python.org/3/library/os.html#os.getenv)
    """
    invalid = [
        'import os\nUSE_CACHE = bool(os.getenv("USE_CACHE", False))\n',
        'import os\nDEBUG = bool(os.environ.get("DEBUG", "True"))\n',
        'from os import getenv\nVERBOSE = bool(getenv("VERBOSE"))\n',
        'import os\nSTRICT = bool(os.environ["STRICT"])\n',
        'import os as o\nif bool(o.getenv("FEATURE_X", "0")) == True:\n    pass\n',
        "from os import environ\nX = not bool(environ.get('ENABLE_X', ''))\n",
    ]
    valid = [
        'import os\nUSE_CACHE = os.getenv("USE_CACHE", "false").lower() in ("1", "true", "yes")\n',
        'import os\nN = int(os.getenv("WORKERS", "2"))\n',
        Example("import os\nITERM = bool(os.environ.get('ITERM_PROFILE'))\n", note="a presence check (celery)"),
        Example('import os\nHAS_KEY = bool(os.getenv("API_KEY"))\nHAS_SENTRY = bool(os.environ.get("SENTRY_DSN"))\n',
                note="presence checks of a value-holding variable are fine"),
        'value = {}\nX = bool(value.get("X"))\n',
        'def bool(x):\n    return x == "1"\nimport os\nX = bool(os.getenv("X"))\n',
        'import os\nX = bool(os.getenv)\n',
    ]
    unsafe_fixed = {
        invalid[0]: 'import os\nUSE_CACHE = os.getenv("USE_CACHE", "false").lower() in ("1", "true", "yes")\n',
        invalid[1]: 'import os\nDEBUG = os.environ.get("DEBUG", "true").lower() in ("1", "true", "yes")\n',
        invalid[2]: 'from os import getenv\nVERBOSE = getenv("VERBOSE", "false").lower() in ("1", "true", "yes")\n',
        invalid[3]: 'import os\nSTRICT = os.environ["STRICT"].lower() in ("1", "true", "yes")\n',
        invalid[4]: 'import os as o\nif (o.getenv("FEATURE_X", "false").lower() in ("1", "true", "yes")) == True:\n    pass\n',
        invalid[5]: "from os import environ\nX = not environ.get('ENABLE_X', 'false').lower() in ('1', 'true', 'yes')\n",
    }

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if not (isinstance(func, ast.Name) and func.id == "bool") or len(node.args) != 1 or node.keywords:
            return
        inner = node.args[0]
        if not isinstance(inner, (ast.Call, ast.Subscript)) or ctx.resolve(func) != "bool":
            return
        if isinstance(inner, ast.Subscript):
            if not isinstance(inner.value, (ast.Name, ast.Attribute)) or ctx.resolve(inner.value) != "os.environ":
                return
            name = string_value(inner.slice)
            q = _literal_quote(ctx, inner.slice)
            replacement = f"{ctx.source.segment(inner)}.lower() in ({q}1{q}, {q}true{q}, {q}yes{q})"
        else:
            lookup = env_lookup(inner, ctx)
            if lookup is None or lookup.kind != "os" or lookup.name_node is None:
                return
            if isinstance(inner.func, ast.Attribute) and inner.func.attr == "setdefault":
                return
            name = lookup.name
            q = _literal_quote(ctx, lookup.name_node)
            replacement = None
            default = lookup.default
            if _presence_check(name, default):
                return
            word: Optional[str] = None
            if default is None or (isinstance(default, ast.Constant) and default.value in (None, False, "")):
                word = "false"
            elif isinstance(default, ast.Constant) and (default.value is True or isinstance(default.value, (str, int))):
                word = "true" if _strtobool(default.value) is True else "false"
            if word is not None:
                callee = ctx.source.segment(inner.func)
                name_text = ctx.source.segment(lookup.name_node)
                replacement = f"{callee}({name_text}, {q}{word}{q}).lower() in ({q}1{q}, {q}true{q}, {q}yes{q})"
        severity = _file_severity(ctx, self.severity)
        if severity is None:
            return
        shown = f"`{name}`" if name else "the variable"
        message = f"Parse {shown} as a boolean word instead of `bool()`, which is true for \"False\" and \"0\""
        fixes = []
        if replacement is not None:
            replacement = _wrap(replacement, ctx.parent, node)
            fixes.append(fix('Compare with ("1", "true", "yes")', _replace(ctx.source.node_range(node), replacement), safe=False))
        self.report(node, message, fixes=fixes, severity=severity)
