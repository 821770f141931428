"""`python -m prodready` runs the same command line as the `prodready` script."""

from prodready._isolation import drop_working_directory

drop_working_directory()  # before anything else is imported: never import the workspace

from prodready.cli.main import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
