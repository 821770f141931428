"""PR201 `hardcoded-secret`: A secret (key, token, password) is hardcoded as a string literal."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.checks.secrets._shared import (
    EnvironReplace,
    file_severity,
    literal_quote,
    settings_class,
)
from prodready.core.astutil import string_value
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import (
    SECRET_PREFIXES,
    Confidence,
    is_probable_secret,
    is_secret_name,
    name_tokens,
    secret_confidence,
)

_ENUM_BASES = ("enum.", "django.db.models.TextChoices", "django.db.models.IntegerChoices", "django.db.models.Choices")


def _in_enum(ctx) -> bool:
    cls = ctx.current_class
    if cls is None or ctx.functions:
        return False
    for base in ctx.class_bases(cls):
        if base.startswith(_ENUM_BASES) or base.endswith(("Enum", "Choices", "TextChoices")):
            return True
    return False


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


class HardcodedSecret(Rule):
    code = "PR201"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    equivalent_codes = ("S105", "S106", "B105", "B106")
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
    `BaseSettings` classes (PR202 reports those). Files that are not a production
    code path are skipped (tests, `scripts/`, `tools/`, `docs/`, `examples/`, `dev/`, `eval/`,
    `benchmarks/`, `setup.py`, settings templates `*.example.py` and dev/test settings modules
    `settings/dev.py`, `settings/local.py`, `settings_dev.py`: see docs/production-paths.md);
    inside `DevelopmentConfig`/`TestingConfig` classes the severity is information.

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
        Example('SECRET_KEY = "django-insecure-8f2k$w0x"\n', path="mysite/settings/production.py", note="production settings"),
        'import os as operating_system\nAWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG"\n',
        'os = None\nWEBHOOK_SECRET = "whsec_123"\n',
        'STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\nMAPBOX_KEY = "pk9a8sd7f6a5s4d3f2a1"\n',
        Example('class DevelopmentConfig:\n    SECRET_KEY = "dev"\n', path="app/config.py",
                note="a development config class: information severity"),
        'API_TOKEN = "<YOUR_API_TOKEN>"\nDB_PASSWORD = "ADMIN"\n',
    ]
    valid = [
        'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        Example('IMG_CONTEXT_TOKEN = "<IMG_CONTEXT>"\nIMAGE_PAD_TOKEN = "<|IMAGE_PAD|>"\nPAD_TOKEN = "[PAD]"\n',
                note="A model's special tokens in brackets are vocabulary entries, not credentials."),
        Example('AUTH_BACKENDS = {"password": "LDAP", "token": "OAUTH"}\nAUTH_TYPE = "password"\n',
                note="An upper-case word is an enum or type label: which kind of authentication, not a password."),
        'TOKEN_TYPE = "bearer"\n',
        'PASSWORD_FIELD = "password"\nSECRET_KEY_PATH = "/run/secrets/key"\nJWT_ALGORITHM = "HS256"\n',
        'AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"\n',
        'SORT_KEY = "created_at"\nkey = "name"\nCACHE_KEY = "users"\n',
        'SECRET_KEY = ""\n',
        'API_KEY_HEADER = "X-API-Key"\n',
        Example('SECRET_KEY = "test-secret"\n', path="tests/settings.py", note="tests are skipped"),
        Example('SECRET_KEY = "django-insecure-dev"\n', path="mysite/settings/dev.py", note="dev settings: not a production path"),
        Example('c.S3Storage.secret_key = "password"\n', path="examples/docker/assets/conda_store_config.py",
                note="examples are tooling, not the service"),
        Example('API_TOKEN = "tok_live_abcdef123456"\n', path="scripts/seed_demo.py", note="scripts are tooling"),
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
        severity = file_severity(ctx, self.severity)
        if severity is None or _in_enum(ctx):
            return
        if confidence is Confidence.HIGH:
            # Only the well-known prefix: messages end up in CI logs and SARIF reports.
            shown = next(p for p in SECRET_PREFIXES if text.strip().startswith(p)) + "…"
            message = f"`{name}` holds what looks like a real credential (`{shown}`): revoke it and load it from the environment"
        else:
            message = f"Load `{name}` from the environment or a secret store instead of hardcoding it"
        builder = EnvironReplace(ctx.source.node_range(value), _env_name(name), literal_quote(ctx, value))
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
        if name and settings_class(ctx) is None:
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
