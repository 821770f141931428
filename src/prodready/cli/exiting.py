"""Ending a `prodready check` process without the interpreter's teardown.

At exit CPython runs a last garbage collection and frees every object still alive. After a
check that is the whole working set: the trees the cross-module resolver keeps, findings,
the fix rounds' texts. On the fix benchmark (one 32k-line file, 16k fixes) that teardown
took 0.45 s of a 3.05 s run. A batch check has nothing left to clean up once its report is
written (worker pools are closed by their `with`, files are written atomically and closed,
no atexit hooks hold state), so it flushes its streams and leaves with `os._exit`, as mypy
does. Other commands (the language server above all) exit normally.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn, Optional, Sequence


def hard_exit(code: int) -> NoReturn:
    """Flush stdout and stderr, then end the process at once with ``code``."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`prodready check | head`): nothing to add
            pass
    os._exit(code)


def run(argv: Optional[Sequence[str]] = None) -> NoReturn:
    """`prodready.cli.main.main`, then exit: at once after `check`, normally otherwise."""
    from prodready.cli import main as cli

    code = cli.main(argv)
    if cli.check_ran():
        hard_exit(code)
    raise SystemExit(code)
