"""Checking (and fixing) one file; runs in the main process or in a worker process.

Everything that crosses the process boundary or goes into the cache is plain data
(`FileResult`, `Item`): findings become codes, messages, positions and fix titles; the fix
callables never leave the process that analysed the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import time
import tokenize
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

from prodready.core import baseline, engine, selectors
from prodready.core.config import Config
from prodready.core.crossmodule import ProjectResolver, find_root
from prodready.core.engine import Analysis, analyze_source, decode_source
from prodready.core.fileinfo import FileInfo
from prodready.core.findings import Applicability, Finding
from prodready.core.source import SourceFile
from prodready.core import linediff
from prodready.core.gcpause import paused_gc, settle_after_batch_file
from prodready.quickfixes.apply import choose_offer, fix_text, resolve_fix
from prodready.quickfixes.endings import resolve_finding_fix

SYNTAX_ERROR = "syntax-error"


@dataclass
class Item:
    """One finding as plain data (1-based lines, 1-based character columns)."""

    code: str
    name: str
    severity: str
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    fixes: list = field(default_factory=list)  # [[title, "safe"|"unsafe"], ...] in offer order
    tags: list = field(default_factory=list)
    # The resolved edits of the fix batch mode would apply (only when asked for, e.g. SARIF):
    # {"title", "applicability", "edits": [[line, col, end_line, end_col, text], ...]}
    edit: Optional[dict] = None
    # What baselines and GitLab fingerprints match on (core/baseline.py): the enclosing
    # def/class and a hash of the normalised flagged line.
    scope: str = ""
    line_hash: str = ""

    def offer(self, unsafe: bool) -> Optional[tuple[str, str]]:
        """The fix `--fix` applies under these flags: safe, or with ``unsafe`` unsafe first."""
        if unsafe:
            for title, applicability in self.fixes:
                if applicability == "unsafe":
                    return title, applicability
        for title, applicability in self.fixes:
            if applicability == "safe":
                return title, applicability
        return None

    def shown_fix(self, unsafe: bool) -> Optional[tuple[str, str]]:
        """The fix to describe in output: the applicable one, else the best on offer."""
        return self.offer(unsafe) or (tuple(self.fixes[0]) if self.fixes else None)  # type: ignore[return-value]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Item":
        """Rebuild from the cache; raises TypeError/ValueError on anything malformed."""
        item = cls(**data)
        ints = (item.start, item.end, item.line, item.column, item.end_line, item.end_column)
        strs = (item.code, item.name, item.severity, item.message, item.scope, item.line_hash)
        if not all(type(v) is int for v in ints) or not all(isinstance(v, str) for v in strs):
            raise ValueError("malformed cached finding")
        if not isinstance(item.tags, list) or not all(
            isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f) for f in item.fixes
        ):
            raise ValueError("malformed cached fixes")
        return item


@dataclass
class Task:
    path: str  # absolute
    display: str  # as printed
    analysis_path: str  # the path rules see (relative to the project root where possible)
    config: Config
    mode: str = "check"  # "check" | "fix" | "diff"
    unsafe: bool = False
    want_edits: bool = False
    data: Optional[bytes] = None  # stdin contents
    stdin: bool = False
    cross_module: bool = True  # resolve names imported from the project's other modules
    # --fix writes only inside these (real paths of the checked paths); empty: no limit.
    write_roots: tuple[str, ...] = ()
    through_symlinks: bool = False  # --fix-through-symlinks: also write outside them via a link
    # A project check follows (check mode): compute its facts of this file from the tree the
    # file check parsed, so that it does not parse every module again (`FileResult.facts`).
    project_facts: bool = False


@dataclass
class FileResult:
    path: str
    display: str
    sha: Optional[str] = None  # of the bytes the findings belong to (after fixing, if fixed)
    items: list[Item] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)
    # Regions not checked because they need a newer Python ('line N: message').
    notes: list[str] = field(default_factory=list)
    cannot: Optional[str] = None  # why the file could not be checked
    internal: Optional[str] = None  # unexpected exception while checking
    fixed: int = 0
    diff: Optional[str] = None
    output_text: Optional[str] = None  # stdin with --fix: the fixed source
    write_error: Optional[str] = None
    cached: bool = False
    # [mtime_ns, size] of the file when it was read, if old enough to validate the cache by
    # (cli/cache.py); None: validate by content hash.
    stamp: Optional[list] = None
    # Other project files the findings depend on (cross-module names): path -> [mtime_ns,
    # size] or None (missing). A cached result is used only while they are unchanged.
    deps: dict = field(default_factory=dict)
    # (sha256 of the text, its PythonFacts) when the task asked for them; never cached.
    facts: Optional[tuple] = None

    def cache_payload(self) -> dict:
        """What the cache keeps: findings without resolved edits, rule errors, dependencies."""
        return {"items": [{**i.to_json(), "edit": None} for i in self.items],
                "rule_errors": list(self.rule_errors), "notes": list(self.notes), "deps": dict(self.deps)}


def deps_unchanged(deps: dict) -> bool:
    """Are the files a cached result depended on (`FileResult.deps`) as they were?"""
    for path, stamp in deps.items():
        try:
            st = os.stat(path)
        except OSError:
            if stamp is not None:
                return False
            continue
        if stamp is None or [st.st_mtime_ns, st.st_size] != list(stamp):
            return False
    return True


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _items(analysis: Analysis, source: SourceFile, want_edits: bool, unsafe: bool, target_version,
           analyze: Optional[Callable[[str], list[Finding]]] = None,
           config: Optional[Config] = None, path: Optional[str] = None) -> list[Item]:
    items: list[Item] = []
    if analysis.problem is not None and (config is None or selectors.syntax_error_enabled(config, path)):
        p = analysis.problem
        line, col = source.display_position(p.start)
        end_line, end_col = source.display_position(p.end)
        level = config.severity_for(selectors.SyntaxErrorRule, None) if config is not None else None
        items.append(Item(SYNTAX_ERROR, SYNTAX_ERROR, level.label if level else "error", p.message,
                          p.start, p.end, line, col, end_line, end_col))
    for finding in analysis.findings:
        item = _item(finding, source, want_edits and not analysis.notices, unsafe, target_version, analyze)
        if analysis.notices:
            item.fixes = []  # a fixed file is verified by parsing it, which this Python cannot
        items.append(item)
    if items:
        for item, (_code, scope, digest) in zip(items, baseline.keys_for(source, [(i.code, i.start) for i in items])):
            item.scope, item.line_hash = scope, digest
    return items


def _item(finding: Finding, source: SourceFile, want_edits: bool, unsafe: bool, target_version,
          analyze: Optional[Callable[[str], list[Finding]]] = None) -> Item:
    line, col = source.display_position(finding.start)
    end_line, end_col = source.display_position(finding.end)
    item = Item(
        finding.code, finding.name, finding.severity.label, finding.message, finding.start, finding.end,
        line, col, end_line, end_col,
        [[offer.title, offer.applicability.value] for offer in finding.fixes], list(finding.tags),
    )
    if want_edits:
        offer = choose_offer(finding, unsafe)
        fix = None
        if offer is not None and analyze is not None:
            fix = resolve_finding_fix(finding, list(finding.fixes).index(offer), source.text, analyze, target_version)
        elif offer is not None:
            fix = resolve_fix(offer, source.text, target_version)
        if fix is not None:
            edits = []
            for edit in fix.edits:
                sl, sc = source.display_position(edit.start)
                el, ec = source.display_position(edit.end)
                edits.append([sl, sc, el, ec, edit.replacement])
            item.edit = {"title": fix.title, "applicability": fix.applicability.value, "edits": edits}
    return item


# One ProjectResolver per project root and process: its module and jedi caches serve every
# file of the run that this process checks (worker processes build their own).
_PROJECTS: dict[str, ProjectResolver] = {}
_ROOTS: dict[str, str] = {}  # folder -> its project root, when no config file says


_SHARED: list = []  # the run's SummaryStore, in worker processes (cli/schedule.py)
_CHECKS: list = []  # the run's files (normalised absolute path -> index), once `expect` was told them


def start_run() -> None:
    """A new `check` run: the resolvers of an earlier run in this process (tests, the API)
    took their files' stamps once, for that run only."""
    _PROJECTS.clear()
    _ROOTS.clear()
    _SHARED.clear()
    _CHECKS.clear()


def expect(tasks) -> dict[str, int]:
    """The files this run checks, by normalised absolute path (their index in ``tasks``): a
    module parsed for a lookup keeps its tree for its own check only if it is one of them
    (core/crossmodule.py); pool workers claim files by these indexes (cli/schedule.py)."""
    _PROJECTS.clear()
    files = {os.path.normpath(os.path.abspath(t.path)): i for i, t in enumerate(tasks) if t.data is None}
    _CHECKS[:] = [files]
    return files


def share_summaries(folder: str) -> None:
    """Worker processes: read and write module summaries in the run's ``folder``."""
    from prodready.core.module_summaries import SummaryStore

    _PROJECTS.clear()
    _SHARED[:] = [SummaryStore(folder)]


def kept_paths() -> list:
    """(resolver, module path) of the modules this process parsed for lookups and holds the
    trees of (core/crossmodule.py)."""
    return [(project, path) for project in _PROJECTS.values() for path in project.kept_paths()]


def project_for(task: Task) -> Optional[ProjectResolver]:
    if not task.cross_module:
        return None
    root = task.config.root
    if not root:
        folder = os.path.dirname(os.path.abspath(task.path))
        root = _ROOTS.get(folder)
        if root is None:
            root = _ROOTS[folder] = str(find_root(folder))
    project = _PROJECTS.get(root)
    if project is None:
        if len(_PROJECTS) >= 16:
            _PROJECTS.clear()
        project = _PROJECTS[root] = ProjectResolver(root, batch=True, shared=_SHARED[0] if _SHARED else None,
                                                    checks=_CHECKS[0] if _CHECKS else None)
    return project


def _analyze(text: str, task: Task, file: FileInfo, fixable_only: bool = False,
             with_facts: bool = False) -> tuple[Analysis, SourceFile]:
    """Analyse ``text`` as ``task``'s file; ``fixable_only``: with only the rules that can
    offer a fix (see `fixable_rules`); ``with_facts``: gathering the project check's facts
    during the same walk (``Analysis.python_facts``)."""
    from prodready.checks import all_rules

    source = SourceFile(text, task.path if not task.stdin else task.analysis_path)
    project = project_for(task)
    if project is not None and task.stdin:
        project = _At(project, task.path)  # type: ignore[assignment]
    elif project is not None:
        tree = project.take_tree(task.path, text)  # parsed already, for another file's lookup
        if tree is not None:
            source.use_tree(tree)
    rules = fixable_rules(all_rules()) if fixable_only else all_rules()
    also = ()
    if with_facts:
        from prodready.core.project.python_facts import FactsDuringWalk

        also = (FactsDuringWalk,)
    analysis = analyze_source(source, task.config, rules, file, project, also)
    return analysis, source


class _At:
    """Stdin: rules see the display path, relative imports resolve from the absolute one."""

    def __init__(self, project: ProjectResolver, path: str) -> None:
        self.project, self.path = project, path

    def for_file(self, _path: str):
        return self.project.for_file(self.path)

    def adopt(self, *_args) -> None:
        pass  # the text is not the file's


def _encoding(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return encoding


def unified_diff(old: str, new: str, display: str) -> str:
    return linediff.unified_diff(old, new, display)


def symlink_refusal(task: Task) -> Optional[str]:
    """Why ``task.path`` must not be written: a symlink (itself or a parent folder) leads
    outside the checked paths, and --fix-through-symlinks was not given."""
    if task.through_symlinks or not task.write_roots:
        return None
    target = os.path.realpath(task.path)
    for root in task.write_roots:
        if target == root or target.startswith(root.rstrip(os.sep) + os.sep):
            return None
    return (f"it is a symlink to {target}, outside the checked paths; not written "
            "(--fix-through-symlinks writes there)")


def write_atomic(path: Path, data: bytes, original: bytes) -> Optional[str]:
    """Replace ``path``'s contents by ``data`` atomically; None, or why it was not written."""
    target = Path(os.path.realpath(path))  # write through symlinks, keep the link
    try:
        if target.read_bytes() != original:
            return "the file changed while it was being checked; not written"
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError as exc:
        return f"cannot read it again before writing: {exc.strerror or exc}"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".prodready-tmp", dir=target.parent)
    except OSError as exc:
        return f"cannot create a temporary file next to it: {exc.strerror or exc}"
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return f"cannot write: {exc.strerror or exc}"
    return None


def process(task: Task) -> FileResult:
    """Check one file (and fix or diff it); never raises.

    What the file left alive is settled (frozen, core/gcpause.py) before the collector is
    on again: settled afterwards, the objects the file made set off a collection of them
    first, at every file (2% of a single-process run)."""
    with paused_gc():
        result = _checked(task)
        settle_after_batch_file()
    return result


def _checked(task: Task) -> FileResult:
    result = FileResult(task.path, task.display)
    try:
        _process(task, result)
    except Exception as exc:  # noqa: BLE001, PR302 - recorded and reported: one file's bug must not stop the run
        result.internal = f"{type(exc).__name__}: {exc}"
    return result


def _process(task: Task, result: FileResult) -> None:
    if task.data is not None:
        data = task.data
    else:
        try:
            with open(task.path, "rb") as handle:
                before = os.fstat(handle.fileno())  # before reading: a write during the read changes it
                data = handle.read(engine.MAX_FILE_BYTES + 1)  # enough to tell it is too large
                size = os.fstat(handle.fileno()).st_size
        except OSError as exc:
            result.cannot = f"cannot read: {exc.strerror or exc}"
            return
        if len(data) > engine.MAX_FILE_BYTES:
            result.cannot = (f"file is too large to analyse ({max(size, len(data)) // 1024} KiB > "
                             f"{engine.MAX_FILE_BYTES // 1024} KiB); exclude it or split it")
            return
    text, why = decode_source(data)
    if text is None:
        result.cannot = why
        return
    result.sha = sha256(data)
    if task.data is None:
        from prodready.cli.cache import trusted_stamp

        result.stamp = trusted_stamp(before, time.time_ns())
        project = project_for(task)
        if project is not None:
            project.note_read(task.path, text)  # what adopting it compares with: no second read
    file = FileInfo.for_path(task.analysis_path, task.config.option("entrypoints", ()))
    target = task.config.target_version
    wants_facts = task.project_facts and task.mode == "check"
    analysis, source = _analyze(text, task, file, with_facts=wants_facts)
    if wants_facts and analysis.problem is None and source.tree is not None:
        from prodready.core.project.model import sha256_text
        from prodready.core.project.python_facts import python_facts

        # An ASCII text is its own bytes: their hash is the one the facts are filed under.
        key = result.sha if len(text) == len(data) and text.isascii() else sha256_text(text)
        facts = analysis.python_facts  # gathered by the rules' walk; else (it did not finish) walked here
        result.facts = (key, facts if facts is not None else python_facts(text, task.analysis_path, source.tree, source))
    if task.mode in ("fix", "diff") and analysis.problem is None and not analysis.notices and any(
        choose_offer(f, task.unsafe) is not None for f in analysis.findings
    ):
        new_text, applied = _fix(text, task, file, analysis.findings)
        if applied and new_text != text:
            result.fixed = applied
            if task.mode == "diff":
                result.diff = unified_diff(text, new_text, task.display)
            elif task.stdin:
                result.output_text = new_text
                analysis, source = _analyze(new_text, task, file)
            else:
                encoding = _encoding(data)
                try:
                    new_data = new_text.encode(encoding)
                except (UnicodeEncodeError, LookupError) as exc:
                    result.write_error = f"the fixed text cannot be encoded as {encoding} ({exc}); not written"
                    result.fixed = 0
                else:
                    error = symlink_refusal(task) or write_atomic(Path(task.path), new_data, data)
                    if error:
                        result.write_error = error
                        result.fixed = 0
                    else:
                        project = project_for(task)
                        if project is not None:
                            project.changed(task.path)
                        result.sha = sha256(new_data)
                        result.stamp = None  # just written: validate by hash next time
                        analysis, source = _analyze(new_text, task, file)
    if task.stdin and task.mode == "fix" and result.output_text is None:
        result.output_text = text
    result.items = _items(analysis, source, task.want_edits, task.unsafe, target,
                          _memo(lambda t: _analyze(t, task, file)[0].findings), task.config, task.analysis_path)
    result.rule_errors = [f"{e.code} ({e.name}) failed: {e.message}" for e in analysis.errors]
    if analysis.notices:
        lines = ", ".join(str(source.display_position(n.start)[0]) for n in analysis.notices)
        word = "line" if len(analysis.notices) == 1 else "lines"
        result.notes = [f"{word} {lines}: {analysis.notices[0].message}"]
    result.deps = {path: list(stamp) if stamp else None for path, stamp in analysis.dependencies.items()}


def _memo(analyze: Callable[[str], list[Finding]]) -> Callable[[str], list[Finding]]:
    """``analyze`` remembering its last answer (fixes of one CR/CRLF file share one analysis)."""
    last: list = []

    def remembered(text: str) -> list[Finding]:
        if not last or last[0] != text:
            last[:] = [text, analyze(text)]
        return last[1]

    return remembered


_FIXABLE: dict[tuple, tuple] = {}


def fixable_rules(rules: tuple) -> tuple:
    """The rules that can offer a fix (``fix_availability`` other than "none").

    The fix rounds after the first only look for findings with a fix, and a rule's findings
    do not depend on which other rules run (each keeps its own state and facts; a failing rule
    is dropped alone), so those rounds need not run the others: they found 10 of the 42 rules'
    findings only to throw them away. A rule that says "none" offers no fix
    (tests/test_rule_examples.py checks its examples).
    """
    key = tuple(rules)
    found = _FIXABLE.get(key)
    if found is None:
        found = _FIXABLE[key] = tuple(r for r in rules if r.fix_availability != "none")
    return found


def _fix(text: str, task: Task, file: FileInfo, findings: list[Finding]) -> tuple[str, int]:
    """Apply fixes in rounds; keeps the file's line ends; never returns unparseable text."""

    def analyze(current: str) -> list[Finding]:
        return _analyze(current, task, file, fixable_only=True)[0].findings

    run = fix_text(text, analyze, unsafe=task.unsafe, target_version=task.config.target_version, findings=findings)
    if run.text == text:  # fix_text never returns text that does not parse
        return text, 0
    return run.text, run.applied


def applicability_counts(items: list[Item], unsafe: bool) -> tuple[int, int]:
    """(fixable under these flags, fixable only with --unsafe-fixes)."""
    fixable = hidden = 0
    for item in items:
        if item.offer(unsafe) is not None:
            fixable += 1
        elif not unsafe and any(a == Applicability.UNSAFE.value for _, a in item.fixes):
            hidden += 1
    return fixable, hidden
