"""`prodready check` for the project rules (PR6xx): index the project, run the rules, turn
their findings into the same per-file results the Python checks produce (any file: a
requirements file, `space.yaml`, `.gitignore`, a `.tsx`), and apply their fixes.

The project is the root of the checked paths (the configuration's folder, else the nearest
folder with pyproject.toml/.git); findings are reported for files under the paths named.
The index of file facts is cached in the cache folder by content hash.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import prodready
from prodready.cli.runner import FileResult, Item, sha256, unified_diff, write_atomic
from prodready.core.config import Config
from prodready.core.crossmodule import find_root
from prodready.core.findings import Applicability, FixContext
from prodready.core.project import Project, ProjectFinding, kinds, run_project_rules
from prodready.core.project.rule import PROJECT_EXTENSIONS, choose_project_offer, fix_project, project_rules
from prodready.core.project.scan import load_cache, save_cache, scan
from prodready.core.source import SourceFile


def project_root(paths: list[str], config: Config, cwd: Path) -> Path:
    if config.root:
        return Path(config.root)
    first = Path(paths[0]) if paths else Path(".")
    return find_root(first if first.is_absolute() else cwd / first)


def _ignorer(config: Config, cwd: Path, root: Path):
    from prodready.cli.walk import Excluder

    excluder = Excluder(config, config.respect_gitignore, cwd)
    tree = excluder.tree_for(root)

    def ignored(full: str, is_dir: bool) -> bool:
        path = Path(full)
        return excluder.name_excluded(path) or (tree is not None and tree.ignored(path, is_dir))
    return ignored


def _under_any(path: Path, targets: list[Path]) -> bool:
    return any(path == t or t in path.parents for t in targets)


def _item(pf: ProjectFinding, source: SourceFile, project: Project, want_edits: bool, unsafe: bool,
          target_version) -> Item:
    f = pf.finding
    line, col = source.display_position(f.start)
    end_line, end_col = source.display_position(f.end)
    item = Item(f.code, f.name, f.severity.label, f.message, f.start, f.end, line, col, end_line, end_col,
                [[o.title, o.applicability.value] for o in f.fixes], list(f.tags))
    if want_edits:
        offer = choose_project_offer(pf, unsafe)
        if offer is not None and pf.fix_path(offer) == pf.path:
            try:
                edits = offer.build(FixContext(source.text, 0, target_version)) or []
            except Exception:  # noqa: BLE001 - an unbuildable fix is simply not shown
                edits = []
            if edits:
                rows = []
                for edit in edits:
                    sl, sc = source.display_position(edit.start)
                    el, ec = source.display_position(edit.end)
                    rows.append([sl, sc, el, ec, edit.replacement])
                item.edit = {"title": offer.title, "applicability": offer.applicability.value, "edits": rows}
    return item


def check_project(paths: list[str], config: Config, cwd: Path, *, mode: str = "check", unsafe: bool = False,
                  want_edits: bool = False, cache_dir: Optional[Path] = None,
                  display=None) -> tuple[list[FileResult], list[str]]:
    """Per-file results of the project rules, and warnings (rule errors) to print; the facts
    are cached in ``cache_dir``'s project-index.json (the CLI keeps them in its cache file)."""
    results, warnings, _facts = run_project_check(paths, config, cwd, mode=mode, unsafe=unsafe,
                                                  want_edits=want_edits, cache_dir=cache_dir, display=display)
    return results, warnings


def _enabled_rules(config: Config) -> list:
    from prodready.checks import all_rules

    return [r for r in all_rules() if config.rule_enabled(r, None)]


def _runs_project_check(rules: list) -> bool:
    return bool(project_rules(rules)) or any(r.code in PROJECT_EXTENSIONS for r in rules)


def project_check_runs(config: Config) -> bool:
    """Does ``config`` enable a rule the project check runs (a project rule or extension)?"""
    return _runs_project_check(_enabled_rules(config))


def run_project_check(paths: list[str], config: Config, cwd: Path, *, mode: str = "check", unsafe: bool = False,
                      want_edits: bool = False, cache_dir: Optional[Path] = None, facts: Optional[dict] = None,
                      display=None, known: Optional[dict] = None) -> tuple[list[FileResult], list[str], Optional[dict]]:
    """`check_project`, and the facts to cache: with ``facts`` (a previous run's facts, {}
    for none) they are read from and returned as data instead of project-index.json; the
    third value is None when they did not change (or without ``facts``). ``known``: Python
    facts by the sha256 of the text, computed by this run's file checks."""
    rules = _enabled_rules(config)
    if not _runs_project_check(rules):
        return [], [], None
    root = project_root(paths, config, cwd)
    key = f"{prodready.__version__}"
    project = Project(str(root))
    if known:
        project.known = {(kinds.PYTHON, sha): value for sha, value in known.items()}
    if facts is not None:
        project.disk_cache = facts
    elif cache_dir is not None:
        load_cache(project, str(cache_dir), key)
    scan(str(root), _ignorer(config, cwd, root), project)
    warnings: list[str] = []
    diffs: dict[str, str] = {}
    fixed_counts: dict[str, int] = {}
    write_errors: dict[str, str] = {}
    if mode in ("fix", "diff"):
        before = {p: project.text(p) for p in project.files}
        count_before = _fixable_by_path(project, config, rules, unsafe)
        changed = fix_project(project, config, rules, unsafe=unsafe)
        count_after = _fixable_by_path(project, config, rules, unsafe)
        for rel, text in changed.items():
            fixed_counts[rel] = max(1, count_before.get(rel, 0) - count_after.get(rel, 0))
            original = before.get(rel, "")
            if mode == "diff":
                diffs[rel] = unified_diff(original, text, display(root / rel) if display else rel)
                continue
            target = root / rel
            if target.exists():
                error = write_atomic(target, text.encode("utf-8"), original.encode("utf-8"))
            else:
                try:
                    target.write_text(text, encoding="utf-8")
                    error = None
                except OSError as exc:
                    error = f"cannot write: {exc.strerror or exc}"
            if error:
                write_errors[rel] = error
    result = run_project_rules(project, config, rules)
    new_facts = None
    if facts is not None:
        if project.cache_keys() != set(facts):
            new_facts = project.cache_data(facts)
    elif cache_dir is not None:
        save_cache(project, str(cache_dir), key)
    for error in result.errors:
        warnings.append(f"rule {error.code} ({error.name}) failed: {error.message}; the other rules still ran")
    targets = [Path(os.path.normpath(p if os.path.isabs(p) else cwd / p)) for p in (paths or ["."])]
    by_path: dict[str, FileResult] = {}
    for pf in result.findings:
        absolute = root / pf.path
        if not _under_any(absolute, targets):
            continue
        fr = by_path.get(pf.path)
        if fr is None:
            fr = by_path[pf.path] = FileResult(str(absolute), display(absolute) if display else pf.path,
                                               sha256(project.text(pf.path).encode("utf-8")))
        file = project.files.get(pf.path)
        source = file.source if file is not None else SourceFile("", pf.path)
        fr.items.append(_item(pf, source, project, want_edits, unsafe, config.target_version))
    for rel in set(diffs) | set(fixed_counts) | set(write_errors):
        fr = by_path.get(rel)
        if fr is None:
            absolute = root / rel
            fr = by_path[rel] = FileResult(str(absolute), display(absolute) if display else rel)
        fr.diff = diffs.get(rel)
        fr.fixed = 0 if rel in write_errors else fixed_counts.get(rel, 0)
        fr.write_error = write_errors.get(rel)
    return list(by_path.values()), warnings, new_facts


def _fixable_by_path(project: Project, config: Config, rules, unsafe: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pf in run_project_rules(project, config, rules).findings:
        offer = choose_project_offer(pf, unsafe)
        if offer is not None and (unsafe or offer.applicability is Applicability.SAFE):
            counts[pf.fix_path(offer)] = counts.get(pf.fix_path(offer), 0) + 1
    return counts


def merge(results: list[FileResult], extra: list[FileResult]) -> list[FileResult]:
    """Add project results to the per-file ones (one result per file, items in line order)."""
    by_path = {r.path: r for r in results}
    for item in extra:
        current = by_path.get(item.path)
        if current is None:
            results.append(item)
            by_path[item.path] = item
            continue
        current.items = sorted(current.items + item.items, key=lambda i: (i.line, i.column, i.code))
        current.fixed += item.fixed
        if item.diff:
            current.diff = (current.diff or "") + item.diff
        current.write_error = current.write_error or item.write_error
    return results
