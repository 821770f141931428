"""The prodready language server (pygls 2.x): diagnostics as you type, quick fixes, hover.

`prodready server` (or ``python -m prodready.server``) runs it on stdio; see `server.py`.
"""
