"""Keep the analysed workspace off the import path of prodready itself.

``python -m prodready`` puts the working directory first on ``sys.path``; a workspace with
an ``argparse.py`` or ``tokenize.py`` would then be imported, and run, by prodready. Every
entry point (`prodready`, ``python -m prodready``, ``python -m prodready.server``, the
VS Code bundled entry) calls `drop_working_directory` before it imports anything else.

Python's own ``-m`` machinery imports a handful of modules (``contextlib``, ``warnings``,
``types``, ``importlib.util``) before any prodready code runs, so the editor configurations
and the docs never start prodready with ``python -m`` from a workspace: they run the
``prodready`` executable, or ``python -P -m prodready`` (3.11+), or `LAUNCH_CODE` below
with ``python -c`` (which removes the working directory before importing anything).
"""

from __future__ import annotations

import os
import sys

# For `python -c LAUNCH_CODE server`: nothing is imported before the working directory ('',
# which `-c` puts first) leaves sys.path.
LAUNCH_CODE = (
    "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
    "import runpy; runpy.run_module('prodready', run_name='__main__', alter_sys=True)"
)


def drop_working_directory() -> None:
    """Remove the working directory (``''``, ``'.'`` or its full path) from ``sys.path``."""
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the working directory was deleted
        cwd = None
    kept = []
    for entry in sys.path:
        if entry in ("", "."):
            continue
        if cwd is not None:
            try:
                if os.path.realpath(entry) == cwd:
                    continue
            except (OSError, ValueError):
                pass
        kept.append(entry)
    sys.path[:] = kept


def starts_server(argv: list) -> bool:
    """``prodready server ...`` (not asking for help): started straight away, without the
    command line's own modules. Those took 110 ms to import (the batch runner, the output
    formats, every rule's module), all before the editor's ``initialize`` was answered."""
    return argv[:1] == ["server"] and not any(arg in ("-h", "--help") for arg in argv[1:])


def run_server(argv: list):
    """The language server's own command line (`prodready.server.main`) on ``argv``; exits."""
    from prodready.server.main import run

    raise SystemExit(run(argv))


def main() -> int:
    """The ``prodready`` console script."""
    drop_working_directory()
    if starts_server(sys.argv[1:]):
        run_server(sys.argv[2:])
    from prodready.cli.exiting import run

    run()  # exits (at once after `check`: cli/exiting.py)
