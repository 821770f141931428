"""Command line of the language server: ``prodready server [--debounce MS] [--log-level L]``.

stdout is the LSP channel: everything else (logs) goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import logging
import sys
from typing import Optional, Sequence


def _debounce(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of milliseconds, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more milliseconds, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prodready server", description="Run the prodready language server on stdio.")
    parser.add_argument("--debounce", type=_debounce, default=None, metavar="MS",
                        help="milliseconds to wait after a change before re-checking (default 150; 0: at once)")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        type=str.upper, help="level of the log written to stderr (default WARNING)")
    parser.add_argument("--stdio", action="store_true", help="use stdio (the default and only transport)")
    return parser


def run(argv: Optional[Sequence[str]] = None) -> int:
    """Start the server on stdio; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse already printed the message to stderr
        return int(exc.code or 0) if not isinstance(exc.code, int) else exc.code
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, args.log_level),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from prodready.server.early import answer_initialize

    # Answer the editor's initialize first, then load pygls while it sends what comes next.
    early = answer_initialize(sys.stdin.buffer, sys.stdout.buffer)
    from prodready.server.server import create_server
    from prodready.server.transport import serve

    server = create_server(debounce_ms=args.debounce)
    code = serve(server, early=early)
    # Leave now: the stdin reader may be blocked in read() and an analysis may be running;
    # neither must keep a server the client told to exit alive.
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":
    raise SystemExit(run())
