"""PR306 `secret-in-log`: A secret-like value is written to the logs or stdout."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.errors._shared import LOG_METHODS, is_logger, last_name
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule
from prodready.core.secret_names import is_secret_name, name_tokens

_NOT_SECRET_FIRST = frozenset({"HAS", "IS", "USE", "USES", "NEEDS", "REQUIRE", "REQUIRES", "SHOULD", "NO", "NUM",
                               "N", "MASKED", "REDACTED", "HASHED", "OBFUSCATED", "ENCRYPTED", "VALID", "INVALID",
                               "MISSING", "NEW_", "TOTAL", "MAX", "MIN"})
_SECRET_METHODS = frozenset({"decode", "encode", "strip", "lower", "upper", "hex", "rstrip", "lstrip", "get_secret_value"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "getenv", "os.environ.__getitem__"})


# ``*_KEY`` names are mostly lookup keys in code that logs (``cache_key``, ``DATABASES_KEY``,
# ``entity_key``): in logging calls they count only with a qualifier that names a credential.
_SECRET_KEY_QUALIFIERS = frozenset({
    "API", "SECRET", "PRIVATE", "ACCESS", "SIGNING", "SIGN", "ENCRYPTION", "ENCRYPT", "DECRYPTION", "CRYPTO",
    "AUTH", "MASTER", "CLIENT", "FERNET", "HMAC", "JWT", "AES", "RSA", "WEBHOOK", "LICENSE", "SERVICE",
    "ACCOUNT", "ADMIN", "APP", "STRIPE", "AWS", "OPENAI", "ANTHROPIC", "SENDGRID", "TWILIO", "MAILGUN",
    "GOOGLE", "GITHUB", "SLACK", "SESSION", "SSH", "GPG", "PGP", "DEPLOY", "SHARED", "SYMMETRIC",
})


def _secret_like(name: str) -> bool:
    if not is_secret_name(name):
        return False
    tokens = name_tokens(name)
    if not tokens or tokens[0] in _NOT_SECRET_FIRST:
        return False
    if tokens[-1] in ("KEY", "KEYS"):
        return len(tokens) > 1 and tokens[-2] in _SECRET_KEY_QUALIFIERS
    return True


def secret_reference(expr: ast.AST, ctx) -> Optional[tuple[ast.AST, str]]:
    """The first secret-like name whose value ``expr`` would print, with that name."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            if _secret_like(node.id):
                return node, node.id
        elif isinstance(node, ast.Attribute):
            if _secret_like(node.attr):
                return node, node.attr
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _secret_like(key.value):
                return node, key.value
        elif isinstance(node, ast.JoinedStr):
            stack.extend(reversed(node.values))
        elif isinstance(node, ast.FormattedValue):
            stack.append(node.value)
        elif isinstance(node, ast.BinOp):
            stack.extend((node.right, node.left))
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            stack.extend(reversed(node.elts))
        elif isinstance(node, ast.Dict):
            stack.extend(reversed([v for v in node.values if v is not None]))
        elif isinstance(node, ast.IfExp):
            stack.extend((node.orelse, node.body))
        elif isinstance(node, ast.Starred):
            stack.append(node.value)
        elif isinstance(node, ast.Call):
            func = node.func
            last = last_name(func)
            if last == "format" and isinstance(func, ast.Attribute):
                stack.extend(reversed([*node.args, *(kw.value for kw in node.keywords)]))
            elif isinstance(func, ast.Name) and func.id in ("str", "repr", "dict") and (ctx.resolve(func) in ("str", "repr", "dict")):
                stack.extend(reversed([*node.args, *(kw.value for kw in node.keywords)]))
            elif isinstance(func, ast.Attribute) and last in _SECRET_METHODS:
                stack.append(func.value)
            elif last in ("getenv", "get") and node.args:
                callee = ctx.resolve(func) or ""
                key = node.args[0]
                if callee in _ENV_GETTERS and isinstance(key, ast.Constant) and isinstance(key.value, str) and _secret_like(key.value):
                    return node, key.value
    return None


class SecretInLog(Rule):
    code = "PR306"
    preview = True
    name = "secret-in-log"
    severity = Severity.WARNING
    summary = "A secret-like value is written to the logs or stdout"
    docs = """
    ## What it does
    Finds secret-like variables and attributes (`password`, `api_key`, `self.token`,
    `settings.SECRET_KEY`, `config["DB_PASSWORD"]`, `os.getenv("API_TOKEN")`) passed to a
    logging call (`logger.info/debug/warning/error/exception/critical/log`, `logging.*`) or
    to `print`, including inside f-strings, `.format()` arguments, `%`-formatting and
    `extra=`. Secret-like names are those of the secrets rules (`SECRET`, `TOKEN`,
    `PASSWORD`, `API_KEY`, qualified `*_KEY`...; not `TOKEN_TYPE`, `SORT_KEY`, `KEY_ID`,
    `PASSWORD_URL`); in logging calls a `*_KEY` name counts only when its qualifier names
    a credential (`api_key`, `secret_key`, `private_key`, `access_key`, `signing_key`...),
    since code that logs is full of lookup keys (`cache_key`, `DATABASES_KEY`,
    `entity_key`). Not reported: the word inside a string (`"password reset sent"`),
    derived values that do not reveal the secret (`len(token)`, `token is None`,
    `mask(token)`, `token[:4]`), flags such as `has_token` or `is_password_set`, and
    tests.

    ## Why is this bad?
    Logs are copied to terminals, log shippers, third-party services and bug reports, are
    kept for months and are readable by many more people than the secrets store. A
    credential in a log line is a leaked credential that must be rotated.

    ## Example
    ```python
    logger.info("Connecting with api_key=%s", api_key)
    ```

    ## Use instead
    ```python
    logger.info("Connecting with api_key=%s...", api_key[:4])
    ```

    ## References
    - [OWASP Logging Cheat Sheet: data to exclude](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude)
    - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    """
    invalid = [
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef connect(api_key):\n    logger.info('Connecting with %s', api_key)\n",
        "import logging\n\ndef login(user, password):\n    logging.debug(f'login {user} {password}')\n",
        "def login(user):\n    print('token:', user.auth_token)\n",
        "import logging\nlog = logging.getLogger(__name__)\nfrom django.conf import settings\nlog.warning('key is {}'.format(settings.SECRET_KEY))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(config):\n    logger.info('db password ' + config['DB_PASSWORD'])\n",
        "import os\nimport logging\nlogging.info('token=%s', os.getenv('GITHUB_TOKEN'))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(client_secret):\n    logger.error('auth failed', extra={'secret': client_secret})\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\nclass C:\n    def f(self):\n        logger.log(logging.DEBUG, 'using %s', self.access_token)\n",
    ]
    valid = [
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(user):\n    logger.info('password reset sent to %s', user.email)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(token):\n    logger.info('token length %d', len(token))\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(token):\n    logger.info('token prefix %s', token[:4])\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(has_token, token_type):\n    logger.info('has token: %s (%s)', has_token, token_type)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(d):\n    for key, value in d.items():\n        logger.debug('%s=%s', key, value)\n",
        "import logging\nlogger = logging.getLogger(__name__)\n\ndef f(token):\n    logger.info('token set: %s', token is not None)\n",
        Example("def test_x(password):\n    print(password)\n", path="tests/test_x.py"),
        "import warnings\n\ndef f(token):\n    warnings.warn(token)\n",
        Example("import logging\nlogger = logging.getLogger(__name__)\nDATABASES_KEY = 'databases'\n\ndef f(data):\n    logger.info('Importing %d %s', len(data), DATABASES_KEY)\n", note="a lookup key, not a credential (Superset)"),
        Example("import logging\nlogger = logging.getLogger(__name__)\n\ndef f(query, entity_key):\n    logger.info('cache %s / %s', query.results_key, entity_key)\n", note="cache and registry keys"),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in LOG_METHODS or not is_logger(func.value, ctx):
                return
        elif isinstance(func, ast.Name):
            if func.id != "print" or ctx.resolve(func) not in ("print", "builtins.print"):
                return
        else:
            return
        if ctx.file.is_test:
            return
        values = [*node.args, *(kw.value for kw in node.keywords if kw.arg not in ("exc_info", "stack_info", "stacklevel", "file", "sep", "end", "flush"))]
        for value in values:
            found = secret_reference(value, ctx)
            if found is not None:
                where, name = found
                what = "log" if isinstance(func, ast.Attribute) else "output"
                self.report(where, f"Remove the secret `{name}` from this {what} or mask it", )
                return
