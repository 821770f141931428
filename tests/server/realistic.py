"""A generated, realistic-looking service module for incremental-analysis tests."""

from __future__ import annotations

import random


def generate(lines: int = 1500, seed: int = 1, big_class_every: int = 0) -> str:
    """Functions and classes with some PR101/PR201 findings, non-ASCII text, decorators."""
    rnd = random.Random(seed)
    out = [
        '"""Generated service module — café ☕."""',
        "from __future__ import annotations",
        "",
        "import os",
        "import logging",
        "from datetime import datetime, timedelta",
        "import requests",
        "",
        "log = logging.getLogger(__name__)",
        'SECRET_KEY = "django-insecure-abc123"',
        "",
    ]
    i = 0
    while len(out) < lines:
        i += 1
        kind = rnd.random()
        if big_class_every and i % big_class_every == 0:
            out += [f"class Big{i}(object):", f'    """A large class {i}."""', "", "    limit = 10", ""]
            for m in range(50):
                out += [
                    f"    def method_{m}(self, value):",
                    "        total = 0",
                    "        for item in range(value):",
                    "            total += item",
                    ("        stamp = datetime.utcnow()" if rnd.random() < 0.15 else "        stamp = None"),
                    "        return total, stamp",
                    "",
                ]
        elif kind < 0.2:
            out += [f"class Service{i}:", f'    """Service {i} — déjà vu 😀."""', "", "    def __init__(self, base):",
                    "        self.base = base", "        self.count = 0", ""]
            for m in range(rnd.randint(2, 6)):
                out += [
                    f"    def method_{m}(self, value):",
                    "        total = 0",
                    "        for item in range(value):",
                    "            total += item * 2",
                    "        if total > 100:",
                    "            log.info('big %s', total)",
                    ("        stamp = datetime.utcnow()" if rnd.random() < 0.1 else "        stamp = None"),
                    "        return total",
                    "",
                ]
        elif kind < 0.3:
            out += [
                "@staticmethod_like",
                f"def decorated_{i}(x):",
                "    # a comment",
                "    return {",
                "        'when': datetime.utcnow() if x else None,",
                "        'x': x,",
                "    }",
                "",
            ]
        else:
            out += [
                f"def handler_{i}(request, retries=3):",
                f'    """Handle request {i}."""',
                "    result = []",
                "    for attempt in range(retries):",
                "        try:",
                "            data = {'id': attempt, 'name': 'x' * attempt}",
                "            result.append(data)",
                "        except ValueError as exc:",
                "            log.warning('failed: %s', exc)",
                ("    created = datetime.utcnow()" if rnd.random() < 0.08 else "    created = None"),
                "    return result, created",
                "",
                "",
            ]
    return "\n".join(out) + "\n"


SNIPPETS = [
    "x", "\n", "    y = datetime.utcnow()\n", "(", ")", '"""', "def f():\n    return datetime.utcnow()\n",
    "class K:\n    a = 1\n", "import datetime\n", "from datetime import datetime as dt\n", "    ", ":", "#",
    "'", "\n\n", "        z = dt.utcnow()\n", "@dec\n", "datetime.utcnow()", " = ", "\t", "\\\n", "é", "😀",
    "PASSWORD = 'hunter2'\n", "  # noqa: PR101", "# prodready: skip-file\n",
]


def random_edit(text: str, rnd: random.Random) -> tuple[int, int, str]:
    """(start, end, replacement) for a random edit: characters, snippets or whole lines."""
    lines = text.splitlines(True) or [""]
    r = rnd.random()
    if r < 0.35:
        pos = rnd.randrange(len(text) + 1)
        return pos, pos, rnd.choice(SNIPPETS)
    if r < 0.55:
        pos = rnd.randrange(len(text) + 1)
        return pos, min(len(text), pos + rnd.randint(1, 30)), ""
    k = rnd.randrange(len(lines))
    pos = sum(map(len, lines[:k]))
    if r < 0.8:
        return pos, pos, rnd.choice(lines)
    end = min(len(text), pos + sum(map(len, lines[k:k + rnd.randint(1, 3)])))
    return pos, end, ""
