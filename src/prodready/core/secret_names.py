"""Secret-like names and secret-looking values, shared by the secrets family (PR2xx) and the
rules that must not leak secrets (PR306 secret-in-log).

A name is secret-like when its last meaningful word holds a secret (``SECRET``, ``TOKEN``,
``PASSWORD``, ``API_KEY``...). Names that *describe* a secret rather than hold one end in a
descriptive word instead (``TOKEN_TYPE``, ``PASSWORD_FIELD``, ``SECRET_KEY_PATH``,
``ACCESS_KEY_ID``) and are not secret-like. ``KEY`` alone is too generic (dict keys, sort
keys, cache keys), so it counts only with a qualifier that is not a known non-secret one.
"""

from __future__ import annotations

import re
from enum import IntEnum
from functools import lru_cache
from typing import Optional

__all__ = [
    "Confidence",
    "NON_SECRET_SUFFIXES",
    "is_dummy_api_key",
    "is_probable_secret",
    "looks_random",
    "secret_name_strength",
    "SECRET_PREFIXES",
    "has_secret_prefix",
    "is_secret_name",
    "name_tokens",
    "secret_confidence",
]

# Words that hold a secret when they end a name.
_SECRET_WORDS = frozenset({
    "SECRET", "TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDENTIALS",
    "APIKEY", "SECRETKEY", "AUTHTOKEN", "ACCESSTOKEN", "PRIVATEKEY",
})
# Words that hold a secret only with a qualifier in front (``DB_PASS``, ``MYSQL_PWD``,
# ``SIGNING_KEY``); alone they are too ambiguous (``pwd`` the working directory, ``key`` the
# dict key, ``pass`` the ticket).
_QUALIFIED_WORDS = frozenset({"KEY", "KEYS", "PWD", "PASS", "PRIVATE"})
# Qualifiers that make ``*_KEY`` a secret for sure. Other qualifiers (``STRIPE_KEY``,
# ``QUERY_CANCEL_KEY``, ``format_key``) make a *weak* secret name: most such names hold dict
# keys and cache keys, so rules want a random-looking value before calling it a secret.
_SECRET_KEY_QUALIFIERS = frozenset({
    "SECRET", "API", "PRIVATE", "SIGNING", "SIGN", "SIGNATURE", "ENCRYPTION", "ENCRYPT", "DECRYPTION",
    "CRYPTO", "CRYPT", "CIPHER", "ACCESS", "AUTH", "MASTER", "CLIENT", "APP", "APPLICATION", "LICENSE",
    "LICENCE", "SERVICE", "HMAC", "JWT", "FERNET", "AES", "RSA", "DEVELOPER", "SUBSCRIPTION", "CONSUMER",
    "ADMIN", "WEBHOOK", "SECURITY", "PASSWORD", "SHARED", "PRESHARED", "PSK", "GPG", "PGP", "TLS",
    "SSL", "SECRETS", "ACCOUNT", "SERVER", "RECAPTCHA", "CAPTCHA", "VAPID",
    "SIGNER", "HASHING", "SALT", "OTP", "TOTP", "MFA", "ENCRYPTED",
})
# Qualifiers that make ``*_KEY`` a non-secret key even as a weak name.
_NON_SECRET_KEY_QUALIFIERS = frozenset({
    "SORT", "CACHE", "PRIMARY", "FOREIGN", "LOOKUP", "PUBLIC", "PUBLISHABLE", "PARTITION",
    "ROUTING", "HASH", "DICT", "MAP", "ID", "UNIQUE", "GROUP", "ORDER", "ROW", "COLUMN", "INDEX",
    "REDIS", "STORAGE", "OBJECT", "BUCKET", "S3", "FILE", "LOCK", "IDEMPOTENCY", "DEDUP", "RES",
    "RIS", "RATELIMIT", "RATE", "LIMIT", "CONFIG", "SETTINGS", "SETTING", "STATE", "EVENT", "MESSAGE",
    "QUEUE", "TRANSLATION", "LANGUAGE", "LANG", "LOCALE", "FIELD", "ATTR", "ATTRIBUTE", "PARAM",
    "QUERY", "URL", "JSON", "DATA", "RESULT", "CONTEXT", "TEMPLATE", "PK", "FK", "NATURAL", "SHORTCUT",
    "HOT", "HOTKEY", "KEYBOARD", "MODIFIER", "SEARCH", "FILTER", "COMPOSITE", "SURROGATE", "NAMESPACE",
    "PREFIX", "SUFFIX", "SESSION", "COOKIE", "STORE", "REGISTRY", "TASK", "JOB", "METRIC", "LABEL",
    "TAG", "TYPE", "KIND", "NAME", "DEFAULT", "FORMAT", "TEMP", "TEST", "NORMALIZED", "VIZ", "PICKLE",
    "VERSION", "TOKEN", "TITLE", "COLUMNS", "TABLE", "MODEL", "ITEM", "ENTRY", "RECORD", "USER",
    "OPTION", "FLAG", "FEATURE", "SOURCE", "TARGET", "VALUE", "REF", "TRACE", "SPAN", "LOG", "AUDIT",
    "PUB", "APPLIED", "INCLUDED", "ROUTER", "LIMITS", "PATH", "SPECIFICITY", "FRONTEND", "STATUS", "CODE",
    "REQUEST", "RESPONSE", "HEADER", "FORM", "INPUT", "OUTPUT", "STEP", "STAGE", "PIPELINE", "CHANNEL",
    "TOPIC", "STREAM", "TENANT", "SHARD", "CELERY", "BROKER", "DB", "DATABASE", "SCHEMA", "MEMO", "ETAG",
})
# Tokens that are not credentials: pagination cursors, parser tokens, CSRF form tokens.
_NON_SECRET_TOKEN_QUALIFIERS = frozenset({
    "INPUT", "OUTPUT", "NEXT", "PAGE", "PAGINATION", "CONTINUATION", "CURSOR", "RESUME", "SYNC", "START",
    "END", "STOP", "PARSE", "PARSER", "LEXER", "LAST", "PREV", "PREVIOUS", "CURRENT", "CSRF", "XSRF",
    "CANCELLATION", "CANCEL", "MARKER", "SEPARATOR", "SPECIAL", "PAD", "EOS", "BOS", "UNK", "MASK", "CLS", "SEP",
})
# First words that make the name an action or a question about a secret, not a secret:
# ``set_password``, ``reset_url_token``, ``has_token``, ``CHANGE_ME_SECRET_KEY``.
_NON_SECRET_FIRST = frozenset({
    "SET", "GET", "RESET", "CHANGE", "UPDATE", "CHECK", "VALIDATE", "VERIFY", "FORGOT", "FORGOTTEN",
    "HASH", "HASHED", "ENCODE", "DECODE", "CREATE", "DELETE", "GENERATE", "SHOW", "HIDE", "HAS", "IS",
    "USE", "USES", "CONFIRM", "INVALID", "MISSING", "WRONG", "REQUIRE", "REQUIRES", "ROTATE", "REVOKE",
    "SEND", "RESEND", "NUM", "MAX", "MIN", "MASKED", "REDACTED", "OBFUSCATED", "NO",
})
# With ``DEFAULT`` in the name: an old published default the code refuses (mlflow's
# ``_LEGACY_DEFAULT_ADMIN_PASSWORD``), not a credential in use.
_OUTDATED_FIRST = frozenset({"LEGACY", "DEPRECATED", "FORMER", "OLD", "PREVIOUS"})
# Words that describe a secret rather than hold one, when they end a name.
NON_SECRET_SUFFIXES = frozenset({
    "TYPE", "TYPES", "HEADER", "HEADERS", "NAME", "NAMES", "FIELD", "FIELDS", "URL", "URLS", "URI",
    "PATH", "PATHS", "FILE", "FILES", "FILENAME", "DIR", "PREFIX", "SUFFIX", "LENGTH", "LEN",
    "ALGORITHM", "ALGORITHMS", "ALG", "EXPIRY", "EXPIRES", "EXPIRE", "EXPIRATION", "LIFETIME",
    "TTL", "TIMEOUT", "AGE", "ID", "IDS", "PARAM", "KIND", "FORMAT", "MODE", "ENV", "VAR",
    "REGEX", "PATTERN", "ERROR", "MESSAGE", "MSG", "LABEL", "HELP", "HINT", "TEMPLATE",
    "CLASS", "BACKEND", "BACKENDS", "HASHER", "HASHERS", "VALIDATOR", "VALIDATORS", "POLICY",
    "SCOPE", "SCOPES", "ENDPOINT", "LOCATION", "STYLE", "ENABLED", "REQUIRED", "COUNT",
    "SIZE", "MIN", "MAX", "LIMIT", "RESET", "CHARS", "CHARSET", "ENCODING", "SOURCE",
})
_ENV_QUALIFIERS = frozenset({"PROD", "PRODUCTION", "LIVE", "DEV", "STAGING", "TEST", "SANDBOX", "OLD", "NEW", "V1", "V2"})

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


@lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[str, ...]:
    """``"jwtSecretKey"`` / ``"JWT_SECRET_KEY"`` -> ``("JWT", "SECRET", "KEY")``."""
    tokens: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        if not part:
            continue
        tokens.extend(m.group(0).upper() for m in _CAMEL.finditer(part))
    return tuple(tokens)


NONE, WEAK, STRONG = 0, 1, 2


@lru_cache(maxsize=4096)
def secret_name_strength(name: str) -> int:
    """STRONG for names that hold a secret (``SECRET_KEY``, ``DB_PASSWORD``, ``apiToken``),
    WEAK for ``<qualifier>_KEY`` names that may be a vendor key or just a dict key
    (``STRIPE_KEY``, ``QUERY_CANCEL_KEY``), NONE otherwise."""
    tokens = list(name_tokens(name))
    # Trailing version numbers and environment qualifiers: SECRET_KEY_2, STRIPE_KEY_LIVE.
    while len(tokens) > 1 and (tokens[-1].isdigit() or tokens[-1] in _ENV_QUALIFIERS):
        tokens.pop()
    if not tokens:
        return NONE
    last = tokens[-1]
    if last in NON_SECRET_SUFFIXES:
        return NONE
    if len(tokens) > 1 and tokens[0] in _NON_SECRET_FIRST:
        return NONE
    if tokens[0] in _OUTDATED_FIRST and "DEFAULT" in tokens:
        return NONE  # _LEGACY_DEFAULT_ADMIN_PASSWORD: a published old default, kept to refuse it
    if last in _SECRET_WORDS:
        if last == "TOKEN" and len(tokens) > 1 and tokens[-2] in _NON_SECRET_TOKEN_QUALIFIERS:
            return NONE
        return STRONG
    if last in _QUALIFIED_WORDS and len(tokens) > 1:
        qualifier = tokens[-2]
        if qualifier.isdigit():
            return NONE
        if last in ("KEY", "KEYS"):
            if qualifier in _SECRET_KEY_QUALIFIERS:
                return STRONG
            return NONE if qualifier in _NON_SECRET_KEY_QUALIFIERS else WEAK
        return STRONG
    return NONE


def is_secret_name(name: str) -> bool:
    """Whether ``name`` (a variable, attribute, key or environment variable) holds a secret.

    >>> [is_secret_name(n) for n in ("SECRET_KEY", "api_key", "DB_PASSWORD", "jwtSecret")]
    [True, True, True, True]
    >>> [is_secret_name(n) for n in ("TOKEN_TYPE", "ACCESS_KEY_ID", "SORT_KEY", "key", "pwd", "set_password")]
    [False, False, False, False, False, False]
    """
    return secret_name_strength(name) == STRONG


def is_probable_secret(name: str, value: object) -> bool:
    """Is ``name = value`` a hardcoded secret? A strong name with a plausible value, or a weak
    name (``STRIPE_KEY``) with a value that looks like a real credential or random token."""
    if not isinstance(value, str):
        return False
    strength = secret_name_strength(name)
    if strength == NONE:
        return False
    confidence = secret_confidence(value)
    if confidence == Confidence.NONE:
        return False
    if is_dummy_api_key(name, value):
        return False
    if strength == WEAK:
        return confidence == Confidence.HIGH or looks_random(value)
    return True


# Values that OpenAI-compatible local servers document as "required by the client, ignored
# by the server" (Ollama, vLLM, LM Studio, llama.cpp), and explicit dummies.
_DUMMY_API_KEYS = frozenset({"ollama", "empty", "lm-studio", "lmstudio", "sk-no-key-required", "no-key", "nokey",
                             "not-needed", "not_needed", "unused", "dummy", "fake", "none-needed", "ignored"})
_DUMMY_WORDS = frozenset({"FAKE", "DUMMY", "UNUSED", "IGNORED", "PLACEHOLDER"})


def is_dummy_api_key(name: str, value: str) -> bool:
    """``api_key = "ollama"``, ``OPENAI_API_KEY = "sk-FAKE-OPENAI-API-KEY"``: a value that only
    satisfies a client library that insists on *some* key for an outbound API. It grants no
    access anywhere, so it is not a leaked credential. Only for API-key names: a placeholder
    ``SECRET_KEY`` or password still signs sessions or opens a login, so those stay findings."""
    tokens = name_tokens(name)
    if not tokens or not (tokens[-1] == "APIKEY" or tokens[-2:] == ("API", "KEY")):
        return False
    stripped = value.strip()
    if stripped.lower() in _DUMMY_API_KEYS:
        return True
    return not _DUMMY_WORDS.isdisjoint(name_tokens(stripped))


_RANDOM_CHARS = re.compile(r"^[A-Za-z0-9+/=_\-.~!@#$%^&*]+$")


def looks_random(value: str) -> bool:
    """``"a8Fk2...Zq"``: long, no spaces, letters mixed with digits (a generated token)."""
    if len(value) < 16 or not _RANDOM_CHARS.match(value) or value.startswith(("http:", "https:", "/")):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and sum(c.isdigit() for c in value) >= 2


SECRET_PREFIXES: tuple[str, ...] = (
    "django-insecure-", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "rk_", "whsec_", "sk-",
    "ghp_", "gho_", "ghs_", "github_pat_", "xoxb-", "xoxp-", "AKIA", "ASIA", "AIza",
    "glpat-", "-----BEGIN",
)


def has_secret_prefix(value: str) -> bool:
    """Whether ``value`` starts like a real credential (Stripe, GitHub, AWS, Django...)."""
    return value.startswith(SECRET_PREFIXES)


class Confidence(IntEnum):
    """How sure we are that a string literal is a secret (for a secret-like name)."""

    NONE = 0      # not a secret value at all: empty, an interpolation, a sentence
    MEDIUM = 1    # plausible, including placeholders like "changeme"
    HIGH = 2      # starts with a known credential prefix


_INTERPOLATION = re.compile(r"^\s*(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|%\([A-Za-z_]+\)s|\{[A-Za-z_][A-Za-z0-9_]*\})\s*$")
_NOT_VALUES = frozenset({"true", "false", "yes", "no", "none", "null", "nil", "on", "off", "0", "1", "undefined", "n/a", "-"})
_PLACEHOLDER = re.compile(r"^(<.+>|\[.+\]|(change|replace|insert|put|your|enter)\b[^.!?]{0,40})$", re.I)


def secret_confidence(value: Optional[str]) -> Confidence:
    """Rate a string literal assigned to a secret-like name."""
    if value is None:
        return Confidence.NONE
    stripped = value.strip()
    if not stripped:
        return Confidence.NONE
    if has_secret_prefix(stripped):
        return Confidence.HIGH
    if _INTERPOLATION.match(stripped) or stripped.lower() in _NOT_VALUES:
        return Confidence.NONE
    if stripped.startswith("_") and stripped.replace("_", "").isalnum():
        return Confidence.NONE  # a sentinel / private key name: "_sa_default"
    if any(ch.isspace() for ch in stripped) and "\n" not in stripped and not _PLACEHOLDER.search(stripped):
        return Confidence.NONE  # prose: a label, help text or error message
    if len(stripped) < 3 or stripped.startswith("-") or _REGEX_HINT.search(stripped) or _SPECIAL_TOKEN.match(stripped):
        return Confidence.NONE  # a one-letter code, a CLI option, a regular expression
    if _UPPER_TOKEN.match(stripped) and not _PLACEHOLDER_LEAD.match(stripped.strip("<|>")):
        return Confidence.NONE  # a model's special token: "<IMG_CONTEXT>", "<|IMAGE_PAD|>"
    if _LABEL_WORD.match(stripped) and stripped not in _PLACEHOLDER_WORDS:
        return Confidence.NONE  # an enum / type label in upper case: {"password": "LDAP"}
    if _NAME_LIKE.match(stripped) or _HEADER_NAME.match(stripped) or _DOTTED_NAME.match(stripped):
        return Confidence.NONE  # the *name* of a setting, header or key: "AWS_SECRET_ACCESS_KEY"
    if _SNAKE_NAME.match(stripped) and not set(re.split(r"_+", stripped.upper())) & _PLACEHOLDER_WORDS:
        return Confidence.NONE  # a field name: "next_marker", "cancel_query"
    if _DOTTED_PATH.match(stripped):
        return Confidence.NONE  # a config path: "web.search.bing_search_v7_subscription_key"
    if len(set(stripped)) == 1:
        return Confidence.NONE  # a display mask: "xxxxxxx", "********"
    if _PLAIN_URL.match(stripped) and not any(looks_random(part) for part in re.split(r"[/?&=#]", stripped)):
        return Confidence.NONE  # a URL without credentials: a registry or endpoint name
    if _FILE_PATH.match(stripped) and not any(looks_random(part) for part in stripped.split("/")):
        return Confidence.NONE  # a path to a credentials file: GOOGLE_APPLICATION_CREDENTIALS = "/.gcs"
    return Confidence.MEDIUM


_REGEX_HINT = re.compile(r"\\[wdsWDSb]|\[\^|\(\?|\.\*|\.\+|\$$")
_SPECIAL_TOKEN = re.compile(r"^<[A-Za-z/|_]{1,8}>$")  # tokenizer/parser tokens: "<pad>", "<EOF>"
# A bracketed upper-case identifier is a tokenizer's special token, unless it reads as a
# placeholder for the user to fill in ("<YOUR_API_KEY>", which stays a finding).
_UPPER_TOKEN = re.compile(r"^<\|?[A-Z][A-Z0-9_]*\|?>$")
_PLACEHOLDER_LEAD = re.compile(r"^(YOUR|MY|CHANGE|REPLACE|INSERT|PUT|ENTER)(_|$)")
# One upper-case word without digits: Python spells enum members and type labels that way
# ("LDAP", "OAUTH", "BASIC"); placeholder words ("ADMIN", "SECRET") stay findings.
_LABEL_WORD = re.compile(r"^[A-Z]{2,}$")
_NAME_LIKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
_HEADER_NAME = re.compile(r"^(X-[A-Za-z0-9-]+|[A-Z][a-z]+(-[A-Z][a-z0-9]*)+)$")
_DOTTED_NAME = re.compile(r"^[A-Za-z_][A-Za-z_]*([.:]+[A-Za-z_][A-Za-z_]*)+$")
_SNAKE_NAME = re.compile(r"^[a-z][a-z]*(_[a-z]+)+$")
_DOTTED_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*){2,}$")
_PLAIN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s@:/]+(:\d+)?(/[^\s@]*)?$")
_FILE_PATH = re.compile(r"^(/|~/|\./|\.\./)[A-Za-z0-9_.\-/]*$")
_PLACEHOLDER_WORDS = frozenset({
    "SECRET", "KEY", "PASSWORD", "PASS", "PWD", "TOKEN", "DEV", "TEST", "CHANGE", "CHANGEME", "ME",
    "INSECURE", "DEFAULT", "ADMIN", "ROOT", "DUMMY", "FAKE", "MY", "YOUR", "SUPER", "LOCAL", "DEMO",
    "EXAMPLE", "SAMPLE", "TEMP", "FOO", "BAR", "HARD", "CODED", "HARDCODED", "NOT", "SAFE", "UNSAFE",
    "PRIVATE", "API", "JWT", "SIGNING", "DEVELOPMENT", "PROD", "PRODUCTION", "APP", "SESSION", "LOGIN",
})
