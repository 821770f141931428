"""`python -m prodready.server [--debounce MS]`: the language server on stdio."""

from prodready._isolation import drop_working_directory

drop_working_directory()  # before anything else is imported: never import the workspace

from prodready.server.main import run  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(run())
