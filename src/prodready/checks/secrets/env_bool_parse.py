"""PR204 `env-bool-parse`: bool() of an environment variable is true for "False" and "0".

The rule's metadata, docs, examples, visitor and fix builders live together here."""

from __future__ import annotations

import ast
from typing import Optional

from prodready.checks.secrets._shared import (
    file_severity, literal_quote, _replace, _strtobool, wrap, env_lookup,
)
from prodready.core.astutil import string_value
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule, fix
from prodready.core.secret_names import is_secret_name, name_tokens


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
            q = literal_quote(ctx, inner.slice)
            replacement = f"{ctx.source.segment(inner)}.lower() in ({q}1{q}, {q}true{q}, {q}yes{q})"
        else:
            lookup = env_lookup(inner, ctx)
            if lookup is None or lookup.kind != "os" or lookup.name_node is None:
                return
            if isinstance(inner.func, ast.Attribute) and inner.func.attr == "setdefault":
                return
            name = lookup.name
            q = literal_quote(ctx, lookup.name_node)
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
        severity = file_severity(ctx, self.severity)
        if severity is None:
            return
        shown = f"`{name}`" if name else "the variable"
        message = f"Parse {shown} as a boolean word instead of `bool()`, which is true for \"False\" and \"0\""
        fixes = []
        if replacement is not None:
            replacement = wrap(replacement, ctx.parent, node)
            fixes.append(fix('Compare with ("1", "true", "yes")', _replace(ctx.source.node_range(node), replacement), safe=False))
        self.report(node, message, fixes=fixes, severity=severity)
