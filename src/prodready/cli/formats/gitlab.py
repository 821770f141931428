"""`--format gitlab`: a GitLab Code Quality report (a JSON array of issues).

GitLab shows these in merge requests and compares them between the source and target
branches by ``fingerprint``, so it must be unique per finding and stable across runs and
unrelated edits: it is the baseline fingerprint (core/baseline.py) of the finding.
"""

from __future__ import annotations

import json
from typing import TextIO

from prodready.cli.runner import SYNTAX_ERROR
from prodready.core.baseline import entries_for

# prodready severity -> GitLab's info / minor / major / critical / blocker
SEVERITY = {"error": "critical", "warning": "major", "information": "minor", "hint": "info"}


def issues(report) -> list[dict]:
    out = []
    for result in report.results:
        rel = result.display.replace("\\", "/")
        entries = entries_for(rel, [(i.code, i.scope, i.line_hash) for i in result.items])
        for item, entry in zip(result.items, entries):
            name = item.code if item.name == item.code else f"{item.code} {item.name}"
            out.append({
                "type": "issue",
                "description": f"{item.code} {item.message}",
                "check_name": name,
                "categories": ["Bug Risk"],
                "fingerprint": entry.fingerprint(),
                "severity": "blocker" if item.code == SYNTAX_ERROR else SEVERITY.get(item.severity, "major"),
                "location": {
                    "path": rel,
                    "lines": {"begin": item.line, "end": item.end_line},
                    "positions": {"begin": {"line": item.line, "column": item.column},
                                  "end": {"line": item.end_line, "column": item.end_column}},
                },
            })
    return out


def write_gitlab(report, out: TextIO) -> None:
    out.write(json.dumps(issues(report), indent=2, ensure_ascii=False) + "\n")
