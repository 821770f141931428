"""`python -m prodready` runs the same command line as the `prodready` script."""

from prodready._isolation import drop_working_directory

drop_working_directory()  # before anything else is imported: never import the workspace

from prodready.cli.main import main  # noqa: E402,F401 - `from prodready.__main__ import main`

if __name__ == "__main__":
    from prodready.cli.exiting import run

    run()
