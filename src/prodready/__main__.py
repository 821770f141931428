"""`python -m prodready` runs the same command line as the `prodready` script."""

from prodready.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
