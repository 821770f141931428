"""The `prodready` command line: `check`, `rules`, `rule`, `docs`, `server`."""
