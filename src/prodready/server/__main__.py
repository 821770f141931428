"""`python -m prodready.server [--debounce MS]`: the language server on stdio."""

from prodready.server.main import run

if __name__ == "__main__":
    raise SystemExit(run())
