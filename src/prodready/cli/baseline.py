"""`check --write-baseline FILE` and `check --baseline FILE` (or `baseline = "..."`).

Matching lives in core/baseline.py; this module applies it to a run's results: drops the
findings the baseline accepts, counts the accepted findings that are gone, and writes the
file (keeping the entries of files this run did not check, so checking one folder does not
forget the rest of the project).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from prodready.cli.runner import SYNTAX_ERROR, FileResult, Item
from prodready.core.baseline import Baseline, Entry, document, entries_for
from prodready.core.config import Config


@dataclass
class Applied:
    accepted: int = 0  # findings the baseline hid
    gone: int = 0  # baselined findings not found any more


def _entries(result: FileResult, rel: str) -> list[tuple[Item, Entry]]:
    items = [i for i in result.items if i.code != SYNTAX_ERROR]
    entries = entries_for(rel, [(i.code, i.scope, i.line_hash) for i in items])
    return list(zip(items, entries))


def apply(results: Sequence[FileResult], baseline: Baseline, config: Config, rules: Sequence) -> Applied:
    """Remove the findings ``baseline`` accepts from ``results`` (in place)."""
    applied = Applied()
    matched: set[Entry] = set()
    checked: dict[str, FileResult] = {}
    for result in results:
        if result.cannot is not None or result.internal is not None:
            continue
        rel = baseline.relative(result.path)
        checked[rel] = result
        hidden = set()
        for item, entry in _entries(result, rel):
            if entry in baseline:
                matched.add(entry)
                hidden.add(id(item))
        if hidden:
            applied.accepted += len(hidden)
            result.items = [i for i in result.items if id(i) not in hidden]
    by_code = {rule.code: rule for rule in rules}
    for entry in baseline.entries - matched:
        absolute = os.path.join(baseline.folder, entry.path)
        if entry.path in checked:
            rule = by_code.get(entry.code)
            if rule is None or config.rule_enabled(rule, absolute):
                applied.gone += 1
        elif not os.path.exists(absolute):
            applied.gone += 1  # the file itself is gone
    return applied


def write(path: str, results: Sequence[FileResult], rules: Sequence) -> int:
    """Write the baseline of ``results`` to ``path``; returns how many findings it holds."""
    target = Path(path)
    fresh = Baseline(str(target))
    entries: set[Entry] = set()
    checked: set[str] = set()
    for result in results:
        if result.cannot is not None or result.internal is not None:
            continue
        rel = fresh.relative(result.path)
        checked.add(rel)
        entries.update(entry for _item, entry in _entries(result, rel))
    if target.is_file():
        try:
            old = Baseline.load(str(target))
        except ValueError:
            old = None  # malformed: replaced whole
        if old is not None:
            entries.update(e for e in old.entries
                           if e.path not in checked and os.path.exists(os.path.join(fresh.folder, e.path)))
    names = {rule.code: rule.name for rule in rules}
    target.parent.mkdir(parents=True, exist_ok=True)
    text = document(entries, names)
    tmp = target.with_name(f".{target.name}.prodready-tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, target)
    return len(entries)
