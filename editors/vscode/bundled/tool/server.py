"""Entry point the VS Code extension runs: ``python bundled/tool/server.py [args]``.

It starts ``prodready server`` (an LSP server on stdio) with the prodready that matches
``PRODREADY_IMPORT_STRATEGY``:

* ``useBundled`` (default): the copy pip-installed into ``bundled/libs`` next to this
  folder is put first on ``sys.path``, so it wins over anything in the interpreter's
  environment.
* ``fromEnvironment``: the interpreter's own installed prodready is used; if it is not
  installed there, the bundled copy is used instead (and a note goes to the log).

Everything written here goes to stderr, never stdout: stdout is the LSP channel.
"""

from __future__ import annotations

import os
import runpy
import sys

MIN_PYTHON = (3, 10)
HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED_LIBS = os.path.normpath(os.path.join(HERE, os.pardir, "libs"))


def log(message: str) -> None:
    sys.stderr.write(f"[prodready extension] {message}\n")
    sys.stderr.flush()


def use_bundled(first: bool) -> None:
    if not os.path.isdir(BUNDLED_LIBS):
        log(f"bundled libraries not found at {BUNDLED_LIBS}")
        return
    if BUNDLED_LIBS in sys.path:
        sys.path.remove(BUNDLED_LIBS)
    if first:
        sys.path.insert(0, BUNDLED_LIBS)
    else:
        sys.path.append(BUNDLED_LIBS)


def main() -> int:
    if sys.version_info < MIN_PYTHON:
        log(
            "prodready needs Python %d.%d or newer, but %s is Python %s. Select another "
            "interpreter (Python extension, or the prodready.interpreter setting)."
            % (*MIN_PYTHON, sys.executable, sys.version.split()[0])
        )
        return 1

    strategy = os.environ.get("PRODREADY_IMPORT_STRATEGY", "useBundled")
    if strategy == "fromEnvironment":
        try:
            import prodready  # noqa: F401
        except ImportError:
            log(f"prodready is not installed in {sys.executable}; using the bundled copy")
            use_bundled(first=False)
    else:
        use_bundled(first=True)

    try:
        import prodready
    except ImportError as error:
        log(f"cannot import prodready with {sys.executable}: {error}")
        return 1
    log(
        "running prodready %s from %s with %s (Python %s), import strategy %s"
        % (
            getattr(prodready, "__version__", "?"),
            os.path.dirname(prodready.__file__),
            sys.executable,
            sys.version.split()[0],
            strategy,
        )
    )
    # Same as `python -m prodready server ARGS`. stdio is the only transport: a `--stdio`
    # that an LSP client adds by habit is dropped rather than rejected.
    args = [arg for arg in sys.argv[1:] if arg != "--stdio"]
    sys.argv = ["prodready", "server", *args]
    runpy.run_module("prodready", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
