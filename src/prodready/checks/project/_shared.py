"""Helpers the PR6xx rules share: path conventions, line edits, distribution import names."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import Optional

from prodready.core.findings import Edit
from prodready.core.production import is_test_path  # noqa: F401  (re-exported: one answer, core/production.py)

_DEV_NAMES = frozenset({"dev", "devel", "develop", "development", "local", "test", "tests", "testing", "ci"})




def is_dev_config_path(path: str) -> bool:
    """Settings meant for development or tests (``settings/dev.py``, ``local_settings.py``)."""
    stem = posixpath.basename(path).rsplit(".", 1)[0].lower()
    words = set(stem.replace("-", "_").split("_"))
    return bool(words & _DEV_NAMES) or is_test_path(path)


def line_bounds(text: str, offset: int) -> tuple[int, int]:
    """(start, end) of the line holding ``offset``; end includes its line break."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end == -1 else end + 1


def first_line(text: str) -> tuple[int, int]:
    end = text.find("\n")
    return 0, len(text) if end == -1 else end


def append_line(text: str, line: str) -> Edit:
    """An edit adding ``line`` at the end of ``text`` (starting a new line if needed)."""
    prefix = "" if not text or text.endswith("\n") else "\n"
    return Edit(len(text), len(text), f"{prefix}{line}\n")


def nearest_ancestor(path: str, candidates: list[str]) -> Optional[str]:
    """The candidate whose folder is the deepest ancestor of ``path``'s folder."""
    folder = posixpath.dirname(path)
    best, depth = None, -1
    for candidate in candidates:
        base = posixpath.dirname(candidate)
        if base == "" or folder == base or folder.startswith(base + "/"):
            if len(base) > depth:
                best, depth = candidate, len(base)
    return best


# Distributions whose import name is not their name (a maintained table for when the
# distribution is not installed where prodready runs; installed metadata is asked first).
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "pillow": ("PIL",), "scikit-learn": ("sklearn",), "scikit-image": ("skimage",),
    "beautifulsoup4": ("bs4",), "python-dotenv": ("dotenv",), "pyyaml": ("yaml",),
    "opencv-python": ("cv2",), "opencv-python-headless": ("cv2",), "opencv-contrib-python": ("cv2",),
    "python-multipart": ("multipart", "python_multipart"), "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg",), "python-jose": ("jose",), "pyjwt": ("jwt",), "pymupdf": ("fitz", "pymupdf"),
    "protobuf": ("google",), "google-cloud-storage": ("google",), "google-generativeai": ("google",),
    "google-api-python-client": ("googleapiclient",), "python-dateutil": ("dateutil",),
    "attrs": ("attr", "attrs"), "djangorestframework": ("rest_framework",), "django-cors-headers": ("corsheaders",),
    "flask-sqlalchemy": ("flask_sqlalchemy",), "flask-cors": ("flask_cors",), "flask-login": ("flask_login",),
    "flask-migrate": ("flask_migrate",), "flask-wtf": ("flask_wtf",), "flask-socketio": ("flask_socketio",),
    "python-socketio": ("socketio",), "python-telegram-bot": ("telegram",), "discord-py": ("discord",),
    "faiss-cpu": ("faiss",), "faiss-gpu": ("faiss",), "sentence-transformers": ("sentence_transformers",),
    "pydantic-settings": ("pydantic_settings",), "typing-extensions": ("typing_extensions",),
    "msgpack-python": ("msgpack",), "pycryptodome": ("Crypto",), "pycryptodomex": ("Cryptodome",),
    "pyserial": ("serial",), "pyzmq": ("zmq",), "mysqlclient": ("MySQLdb",), "pymysql": ("pymysql",),
    "python-magic": ("magic",), "python-docx": ("docx",), "python-pptx": ("pptx",), "ruamel-yaml": ("ruamel",),
    "tensorflow-cpu": ("tensorflow",), "torchvision": ("torchvision",), "huggingface-hub": ("huggingface_hub",),
    "llama-cpp-python": ("llama_cpp",), "openai-whisper": ("whisper",), "speechrecognition": ("speech_recognition",),
    "pygithub": ("github",), "gitpython": ("git",), "websocket-client": ("websocket",), "dnspython": ("dns",),
    "markdown": ("markdown",), "pyopenssl": ("OpenSSL",), "sqlalchemy-utils": ("sqlalchemy_utils",),
}

# Installed or run by name, not imported: servers, database drivers named in URLs, plugins,
# build and test tools, type stubs. Their absence from imports says nothing.
NOT_IMPORTED = frozenset({
    "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress", "gevent", "eventlet", "granian", "supervisor",
    "psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "asyncpg", "aiosqlite", "mysqlclient", "pymysql",
    "aiomysql", "cx-oracle", "oracledb", "pyodbc", "redis", "hiredis", "gevent-websocket", "uvloop", "httptools",
    "websockets", "watchfiles", "python-multipart", "email-validator", "pip", "setuptools", "wheel", "build",
    "twine", "black", "ruff", "flake8", "isort", "mypy", "pylint", "pre-commit", "pytest", "coverage", "tox",
    "nox", "ipython", "jupyter", "notebook", "ipykernel", "whitenoise", "dj-database-url", "django-environ",
    "sentry-sdk", "celery", "flower", "alembic", "honcho", "certifi", "cryptography",
    "accelerate", "bitsandbytes", "safetensors", "sentencepiece", "tiktoken", "einops", "xformers",
    "tzdata", "pytz", "openpyxl", "xlrd", "lxml", "html5lib", "pyarrow", "fastparquet", "tabulate",
})
NOT_IMPORTED_PREFIXES = ("types-", "pytest-", "flake8-", "mypy-", "sphinx", "django-stubs", "opentelemetry-instrumentation")


@lru_cache(maxsize=1)
def _installed_import_names() -> dict[str, tuple[str, ...]]:
    from importlib import metadata

    from prodready.core.project.dependencies import normalize

    table: dict[str, set[str]] = {}
    try:
        mapping = metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - broken metadata must not break the rule
        return {}
    for module, dists in mapping.items():
        for dist in dists:
            table.setdefault(normalize(dist), set()).add(module)
    return {k: tuple(sorted(v)) for k, v in table.items()}


def import_names(dist: str) -> tuple[str, ...]:
    """The top-level import names of the (normalised) distribution ``dist``."""
    names = set(IMPORT_NAMES.get(dist, ()))
    names.update(_installed_import_names().get(dist, ()))
    base = dist.replace("-", "_")
    names.add(base)
    for prefix in ("python_", "py_"):
        if base.startswith(prefix):
            names.add(base[len(prefix):])
    if base.endswith("_python"):
        names.add(base[: -len("_python")])
    return tuple(sorted(names))


def never_imported(dist: str) -> bool:
    return dist in NOT_IMPORTED or dist.startswith(NOT_IMPORTED_PREFIXES)
