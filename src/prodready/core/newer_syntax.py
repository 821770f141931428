"""Files written for a newer Python than the one prodready runs on.

Detection parses with CPython's `ast`, which knows only the running interpreter's grammar: on
Python 3.11 a PEP 701 f-string (``f"{x["key"]}"``), a ``type`` alias or ``def f[T]()`` is a
``SyntaxError``. Reporting that as a syntax error would be wrong (the file is valid for the
Python it targets) and would hide every finding in it. So when `ast` fails, libcst's native
parser (which knows the grammar up to 3.14) is asked; if it accepts the file, the file is
*newer syntax*: the statements the running Python can parse are analysed as usual (block by
block, as the language server does while a file is being typed), and the others are named
once, with the Python version they need.
"""

from __future__ import annotations

import re
import sys
import textwrap
from functools import lru_cache
from typing import Optional

RUNNING = sys.version_info[:2]
NEWER_SYNTAX = "newer-syntax"  # the kind of the ParseProblem notices this produces


# Constructs only a newer grammar accepts, as they look on the line a SyntaxError points at. A
# gate, not the verdict (libcst's parser is): libcst can take seconds on pathological input, so
# it is asked only when the error is at something a newer Python could mean.
_NEWER_CONSTRUCT = re.compile(
    r"""(?:(?<![\w.])(?:[fFtT][rR]?|[rR][fFtT])["'])"""  # f-/t-strings (PEP 701, PEP 750)
    r"|^\s*type\s+\w+\s*(?:\[|=)"                     # type aliases (PEP 695)
    r"|^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\["     # type parameters (PEP 695)
    r"|^\s*except\*?\s+[^(:]+,"                          # unparenthesised except (PEP 758)
)


def could_be_newer_syntax(line: str) -> bool:
    """Is the line a SyntaxError points at one where a newer grammar might accept the code?"""
    return bool(_NEWER_CONSTRUCT.search(line))


def newer_python_needed(text: str) -> Optional[tuple[int, int]]:
    """The Python version ``text`` needs when the running one cannot parse it but a newer one
    can; None when ``text`` is simply not valid Python (or libcst is unavailable)."""
    try:
        import libcst as cst
    except ImportError:  # pragma: no cover - libcst is a dependency
        return None
    try:
        module = cst.parse_module(text)
        needed = _features_version(module, cst)
    except (Exception, RecursionError):  # noqa: BLE001 - any parser failure means "not valid Python"
        return None
    return max(needed, (RUNNING[0], RUNNING[1] + 1))


@lru_cache(maxsize=256)
def fragment_needs_newer_python(text: str) -> Optional[tuple[int, int]]:
    """`newer_python_needed` for a block of a document (a statement, or a class member, which
    is indented): cached, because the server asks again for an unchanged block."""
    return newer_python_needed(textwrap.dedent(text))


def _features_version(module, cst) -> tuple[int, int]:
    """The newest grammar feature the module uses, as far as its node types tell."""
    found = (3, 0)
    features = [
        ("TypeAlias", (3, 12)),
        ("TypeParameters", (3, 12)),
        ("TemplatedString", (3, 14)),
    ]
    wanted = tuple((getattr(cst, name), version) for name, version in features if hasattr(cst, name))
    if not wanted:
        return found

    class Finder(cst.CSTVisitor):
        def on_visit(self, node) -> bool:
            nonlocal found
            for node_type, version in wanted:
                if isinstance(node, node_type) and version > found:
                    found = version
            return True

    module.visit(Finder())
    return found


def describe(version: tuple[int, int]) -> str:
    """``"Python 3.12"`` for messages."""
    return f"Python {version[0]}.{version[1]}"


def not_checked_message(version: tuple[int, int]) -> str:
    running = f"{RUNNING[0]}.{RUNNING[1]}"
    return (f"Not checked: this code uses {describe(version)} syntax and prodready runs on Python {running}; "
            f"run prodready on {describe(version)} or newer to check it")
