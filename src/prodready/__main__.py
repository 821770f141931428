"""`python -m prodready` runs the same command line as the `prodready` script."""

from prodready._isolation import drop_working_directory

drop_working_directory()  # before anything else is imported: never import the workspace

import sys  # noqa: E402

from prodready._isolation import run_server, starts_server  # noqa: E402


def __getattr__(name: str):
    """`from prodready.__main__ import main`: the command line's entry, imported when asked
    (`prodready server` starts without it)."""
    if name == "main":
        from prodready.cli.main import main

        return main
    raise AttributeError(name)


if __name__ == "__main__":
    if starts_server(sys.argv[1:]):
        run_server(sys.argv[2:])
    from prodready.cli.exiting import run

    run()
