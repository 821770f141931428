"""Output formats: text (default), json, sarif (2.1.0), github (workflow annotations)."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, TextIO

import prodready
from prodready import urls
from prodready.cli.runner import SYNTAX_ERROR, FileResult, Item, applicability_counts
from prodready.core.docs import rule_url
from prodready.core.newlines import split_lines
from prodready.core.rule import Rule

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
INFORMATION_URI = urls.repository()
JSON_SCHEMA_VERSION = 1


# -- colour -------------------------------------------------------------------------------------
def use_colour(stream: TextIO, requested: str = "auto") -> bool:
    """`--color always|never|auto`; auto: a TTY, unless NO_COLOR is set; FORCE_COLOR forces it."""
    if requested == "always":
        return True
    if requested == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
    except (OSError, ValueError):
        return False


class Style:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def red(self, text: str) -> str:
        return self._wrap("1;31", text)

    def cyan(self, text: str) -> str:
        return self._wrap("36", text)

    def blue(self, text: str) -> str:
        return self._wrap("1;34", text)

    def green(self, text: str) -> str:
        return self._wrap("1;32", text)


@dataclass
class Report:
    results: Sequence[FileResult]
    rules: Sequence[type[Rule]]
    unsafe: bool = False
    show_source: bool = False
    fix_mode: bool = False
    read_text: Optional[Callable[[FileResult], Optional[str]]] = None
    errors: int = 0  # paths that could not be checked
    cwd: str = field(default_factory=os.getcwd)

    @property
    def items(self) -> list[tuple[FileResult, Item]]:
        return [(r, i) for r in self.results for i in r.items]

    @property
    def checked_files(self) -> int:
        return sum(1 for r in self.results if r.cannot is None and r.internal is None)

    @property
    def fixed(self) -> int:
        return sum(r.fixed for r in self.results)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> Optional[str]:
    items = [i for _, i in report.items]
    if not items:
        return None if report.errors else "All checks passed!"
    fixable, hidden = applicability_counts(items, report.unsafe)
    notes = []
    if report.fix_mode:
        fixable = 0  # --fix already applied what it could; what is left did not apply
    if fixable:
        notes.append(f"{fixable} fixable with --fix")
    if hidden:
        notes.append(f"{hidden} {'more ' if fixable else 'fixable '}with --unsafe-fixes")
    tail = f" ({'; '.join(notes)})" if notes else ""
    return f"Found {_plural(len(items), 'problem')}{tail}."


# -- text ---------------------------------------------------------------------------------------
def write_text(report: Report, out: TextIO, style: Style, *, quiet: bool = False) -> None:
    for result, item in report.items:
        fix = item.offer(report.unsafe)
        mark = style.cyan("[*]") + " " if fix is not None else ""
        colon = style.cyan(":")
        out.write(
            f"{style.bold(result.display)}{colon}{item.line}{colon}{item.column}{colon} "
            f"{style.red(item.code)} {mark}{item.message}\n"
        )
        if report.show_source:
            out.write(_source_excerpt(report, result, item, style))
    if quiet:
        return
    if report.fixed:
        out.write(f"Fixed {_plural(report.fixed, 'problem')}.\n")
    line = summary_line(report)
    if line:
        out.write((style.green(line) if line.startswith("All") else style.bold(line)) + "\n")


def _source_excerpt(report: Report, result: FileResult, item: Item, style: Style) -> str:
    text = report.read_text(result) if report.read_text else None
    if text is None:
        return ""
    lines = split_lines(text)  # only line ends end a line (not form feeds or U+2028)
    if not (1 <= item.line <= len(lines)):
        return ""
    source = lines[item.line - 1].expandtabs(1)
    width = len(str(item.end_line))
    gutter = " " * width
    last = item.end_column if item.end_line == item.line else len(source) + 1
    carets = "^" * max(1, last - item.column)
    bar = style.blue("|")
    return (
        f"{gutter} {bar}\n"
        f"{style.blue(str(item.line).rjust(width))} {bar} {source}\n"
        f"{gutter} {bar} {' ' * (item.column - 1)}{style.red(carets)}\n"
        f"{gutter} {bar}\n"
    )


def write_statistics(report: Report, out: TextIO, fmt: str) -> None:
    counts = Counter(i.code for _, i in report.items)
    names = {i.code: i.name for _, i in report.items}
    fixable = Counter(i.code for _, i in report.items if i.offer(report.unsafe) is not None)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if fmt == "json":
        data = [{"code": c, "name": names[c], "count": n, "fixable": fixable[c]} for c, n in rows]
        out.write(json.dumps(data, indent=2) + "\n")
        return
    width = max((len(str(n)) for _, n in rows), default=1)
    code_width = max((len(c) for c, _ in rows), default=5)
    for code, count in rows:
        mark = "[*]" if fixable[code] == count else ("[-]" if fixable[code] else "[ ]")
        out.write(f"{str(count).rjust(width)}\t{code.ljust(code_width)}\t{mark} {names[code]}\n")


# -- json ---------------------------------------------------------------------------------------
def json_document(report: Report) -> dict:
    findings = []
    for result, item in report.items:
        shown = item.shown_fix(report.unsafe)
        findings.append({
            "path": result.display,
            "code": item.code,
            "name": item.name,
            "severity": item.severity,
            "message": item.message,
            "range": {
                "start": {"line": item.line, "column": item.column},
                "end": {"line": item.end_line, "column": item.end_column},
            },
            "fix": {"applicability": shown[1], "title": shown[0]} if shown else None,
        })
    by_code = Counter(f["code"] for f in findings)
    return {
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "prodready", "version": prodready.__version__},
        "findings": findings,
        "summary": {"files": report.checked_files, "findings": len(findings), "by_code": dict(sorted(by_code.items()))},
    }


def _ascii_only(out: TextIO) -> bool:
    """Escape non-ASCII in JSON when the stream cannot encode it (a non-UTF-8 console)."""
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("_", "-")
    return not encoding.startswith("utf")


def write_json(report: Report, out: TextIO) -> None:
    out.write(json.dumps(json_document(report), indent=2, ensure_ascii=_ascii_only(out)) + "\n")


# -- sarif --------------------------------------------------------------------------------------
_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(display: str) -> str:
    from urllib.parse import quote

    return quote(display.replace(os.sep, "/"), safe="/:")


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def sarif_document(report: Report) -> dict:
    descriptors = []
    index: dict[str, int] = {}
    for rule in report.rules:
        index[rule.code] = len(descriptors)
        descriptors.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc_markdown() or rule.summary, "markdown": rule.doc_markdown() or rule.summary},
            "helpUri": rule_url(rule),
            "help": {"text": rule.summary, "markdown": f"{rule.summary}\n\nSee {rule_url(rule)}"},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity.label]},
            "properties": {
                "severity": rule.severity.label,
                "fix": rule.fix_availability,
                "tags": ["prodready", *rule.tags],
            },
        })
    index[SYNTAX_ERROR] = len(descriptors)
    descriptors.append({
        "id": SYNTAX_ERROR,
        "name": SYNTAX_ERROR,
        "shortDescription": {"text": "The file does not parse as Python"},
        "fullDescription": {"text": "The file does not parse as Python, so no other rule could check it."},
        "helpUri": INFORMATION_URI,
        "defaultConfiguration": {"level": "error"},
        "properties": {"severity": "error", "fix": "none", "tags": ["prodready"]},
    })
    results = []
    for result, item in report.items:
        location = {"uri": _uri(result.display), "uriBaseId": "%SRCROOT%"}
        entry = {
            "ruleId": item.code,
            "level": _SARIF_LEVEL.get(item.severity, "warning"),
            "message": {"text": item.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": _region(item.line, item.column, item.end_line, item.end_column),
                },
            }],
        }
        if item.code in index:
            entry = {"ruleId": item.code, "ruleIndex": index[item.code], **{k: v for k, v in entry.items() if k != "ruleId"}}
        if item.edit:
            entry["fixes"] = [{
                "description": {"text": item.edit["title"]},
                "artifactChanges": [{
                    "artifactLocation": dict(location),
                    "replacements": [
                        {"deletedRegion": _region(sl, sc, el, ec), "insertedContent": {"text": text}}
                        for sl, sc, el, ec, text in item.edit["edits"]
                    ],
                }],
            }]
            entry["properties"] = {"fixApplicability": item.edit["applicability"]}
        results.append(entry)
    base = report.cwd.replace(os.sep, "/")
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "prodready",
                "version": prodready.__version__,
                "semanticVersion": prodready.__version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + _uri(base.rstrip("/") + "/")}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def write_sarif(report: Report, out: TextIO) -> None:
    out.write(json.dumps(sarif_document(report), indent=2, ensure_ascii=_ascii_only(out)) + "\n")


# -- github -------------------------------------------------------------------------------------
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(report: Report, out: TextIO) -> None:
    for result, item in report.items:
        level = _GITHUB_LEVEL.get(item.severity, "warning")
        props = ",".join([
            f"file={escape_property(result.display)}",
            f"line={item.line}",
            f"col={item.column}",
            f"endLine={item.end_line}",
            f"endColumn={item.end_column}",
            f"title={escape_property(f'{item.code} {item.name}' if item.name != item.code else item.code)}",
        ])
        out.write(f"::{level} {props}::{escape_data(item.message)}\n")
