"""`--format concise`: one line per finding, `path:line:col: CODE message`, nothing else.

For grep, editors' error parsers (`:cexpr`, compilation-mode) and logs: no colour, no fix
marks, no summary line.
"""

from __future__ import annotations

from typing import TextIO


def write_concise(report, out: TextIO) -> None:
    for result, item in report.items:
        out.write(f"{result.display}:{item.line}:{item.column}: {item.code} {item.message}\n")
