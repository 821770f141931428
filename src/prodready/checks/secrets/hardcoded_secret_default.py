"""PR202 `hardcoded-secret-default`: An environment lookup for a secret falls back to a hardcoded value."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.secrets._shared import (
    EnvironReplace,
    _replace,
    env_lookup,
    file_severity,
    literal_quote,
    settings_class,
)
from prodready.core.astutil import argument, keyword, string_value
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import (
    has_secret_prefix,
    is_probable_secret,
    secret_name_strength,
)


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


_PYDANTIC_FIELD = frozenset({"pydantic.Field", "pydantic.fields.Field", "pydantic_settings.Field"})
_SECRET_TYPES = frozenset({"pydantic.SecretStr", "pydantic.types.SecretStr", "pydantic.SecretBytes", "pydantic.v1.SecretStr"})


class HardcodedSecretDefault(Rule):
    code = "PR202"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
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
    nor is code that is not a production path (tests, `scripts/`, `examples/`, `docs/`,
    settings templates and dev/test settings modules: see docs/production-paths.md).

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
        Example('import os\nSECRET_KEY = os.getenv("SECRET_KEY", "local-secret")\n', path="proj/settings/production.py",
                note="production settings"),
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
        Example('import os\nSECRET_KEY = os.getenv("SECRET_KEY", "local-secret")\n', path="proj/settings/local.py",
                note="dev settings: not a production path"),
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
        severity = file_severity(ctx, self.severity)
        if severity is None:
            return
        if lookup.kind == "os":
            builder = EnvironReplace(ctx.source.node_range(node), lookup.name, literal_quote(ctx, lookup.name_node))
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
        severity = file_severity(ctx, self.severity)
        if severity is None:
            return
        builder = EnvironReplace(ctx.source.node_range(node), lookup.name, literal_quote(ctx, lookup.name_node))
        self.report(literal, self._message(lookup.name, text),
                    fixes=[fix(f'Use `os.environ["{lookup.name}"]` (fails fast when unset)', builder, safe=False)],
                    severity=severity)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx) -> None:
        value = node.value
        if value is None or not isinstance(node.target, ast.Name) or not secret_name_strength(node.target.id):
            return
        if settings_class(ctx) is None:
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
        severity = file_severity(ctx, self.severity)
        if severity is None:
            return
        self.report(literal, self._message(name, text),
                    fixes=[fix("Remove the default (the setting becomes required)", builder, safe=False)], severity=severity)
