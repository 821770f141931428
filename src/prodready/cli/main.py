"""`prodready` command line entry point (console script and `python -m prodready`).

Exit codes: 0 no findings, 1 findings (or `--diff` would change files), 2 usage error, bad
configuration, a path that could not be checked, or an internal error. Messages go to
stderr and never as a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional, Sequence, TextIO

import prodready
from prodready import urls
from prodready.cli import output
from prodready.cli.suggest import SuggestingParser
from prodready.cli.runner import FileResult, Item, Task, deps_unchanged, expect, process, start_run
from prodready.core.production import project_root_of, root_relative
from prodready.core.config import Config, ConfigError
from prodready.core.config_checks import check_glob

ISSUES_URL = urls.issues()
PARALLEL_THRESHOLD = 16  # analyse in worker processes above this many files to check

EPILOG_MAIN = """\
examples:
  prodready check                      check the current folder
  prodready check src tests --fix      apply safe fixes
  prodready check --format sarif -o prodready.sarif
  prodready rule naive-utcnow

Run `prodready COMMAND --help` for a command's options.
"""

EPILOG_CHECK = """\
exit codes:
  0  no problems (or all were fixed)
  1  problems found, or --diff would change files
  2  usage or configuration error, a path that could not be checked, internal error

examples:
  prodready check                                  check the current folder
  prodready check app/ --select PR101,PR2          only these rules (codes, prefixes or names)
  prodready check --ignore naive-utcnow            everything but one rule
  prodready check --fix                            apply safe fixes, report what is left
  prodready check --fix --unsafe-fixes             apply unsafe fixes too
  prodready check --diff                           show what --fix would change
  prodready check --format github                  annotations in a GitHub Actions log
  prodready check --format sarif -o results.sarif  for GitHub code scanning
  cat app.py | prodready check - --stdin-filename app.py
"""


class UsageError(Exception):
    """A problem with the command line or configuration: message, exit 2."""


# -- argument parsing ----------------------------------------------------------------------------
def _split(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = SuggestingParser(
        prog="prodready",
        description="Find the mistakes reviewers find when a Python web or ML service goes to production.",
        epilog=EPILOG_MAIN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"prodready {prodready.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="check files and folders",
        description="Check Python files and folders (default: the current folder).",
        epilog=EPILOG_CHECK, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or folders to check (default: .); `-` reads the source from stdin")
    out = check.add_argument_group("output")
    out.add_argument("--format", "--output-format", dest="format", choices=output.FORMATS, default=None,
                     help="text (default), concise (one line each, no summary), json, sarif (2.1.0), "
                          "github (workflow annotations), gitlab (Code Quality) or junit (XML)")
    out.add_argument("-o", "--output", "--output-file", dest="output", metavar="FILE",
                     help="write the report to FILE instead of stdout")
    out.add_argument("--statistics", action="store_true", help="print how many findings each rule has, not each finding")
    out.add_argument("--show-source", action="store_true", default=False, help="show the source line under each finding")
    out.add_argument("--no-show-source", dest="show_source", action="store_false", help=argparse.SUPPRESS)
    out.add_argument("-q", "--quiet", action="store_true", help="print findings only: no summary line and no warnings")
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colour the text output (auto: on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it)")
    fixes = check.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true", default=False, help="apply safe fixes (files are rewritten in place)")
    fixes.add_argument("--no-fix", dest="fix", action="store_false", help=argparse.SUPPRESS)
    fixes.add_argument("--unsafe-fixes", action="store_true", default=False,
                       help="with --fix or --diff, apply unsafe fixes too (they change behaviour on purpose); "
                            "alone, only mark unsafe fixes as available ([*]) in the report")
    fixes.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false", help=argparse.SUPPRESS)
    fixes.add_argument("--diff", action="store_true",
                       help="print a unified diff of what --fix would change and write nothing (exit 1 if it would change something)")
    fixes.add_argument("--fix-through-symlinks", action="store_true", default=False,
                       help="with --fix, also rewrite files that a symlink inside the checked paths points to "
                            "outside them (by default those are reported and left alone)")
    fixes.add_argument("--exit-non-zero-on-fix", action="store_true",
                       help="exit 1 when --fix changed a file, even if no problems are left")
    adopt = check.add_argument_group("adopting on an existing codebase")
    adopt.add_argument("--baseline", metavar="FILE",
                       help="report only findings not recorded in FILE (also `baseline = \"FILE\"` in [tool.prodready])")
    adopt.add_argument("--write-baseline", metavar="FILE",
                       help="record today's findings in FILE (sorted JSON to commit) and exit 0")
    adopt.add_argument("--add-noqa", action="store_true",
                       help="add `# noqa: PRxxx` comments that suppress every finding reported, and print how many")
    rules = check.add_argument_group("rule selection (codes like PR101, prefixes like PR1 or PR, names like naive-utcnow, or ALL)")
    rules.add_argument("--select", action="append", metavar="RULES",
                       help="check only these rules (comma-separated, repeatable); replaces the configuration's select and ignore")
    rules.add_argument("--ignore", action="append", metavar="RULES", help="do not check these rules")
    rules.add_argument("--extend-select", action="append", metavar="RULES", help="check these rules in addition to the selected ones")
    rules.add_argument("--preview", dest="preview", action="store_true", default=None,
                       help="turn on preview rules (below the precision bar on unseen code; see docs/accuracy.md)")
    rules.add_argument("--no-preview", dest="preview", action="store_false", help=argparse.SUPPRESS)
    files = check.add_argument_group("files")
    files.add_argument("--exclude", action="append", metavar="PATTERNS",
                       help="glob patterns of files and folders to skip; replaces the defaults (.git, .venv, build, ...)")
    files.add_argument("--extend-exclude", action="append", metavar="PATTERNS", help="more patterns to skip, in addition to the defaults")
    files.add_argument("--force-exclude", action="store_true",
                       help="apply excludes and .gitignore to paths named on the command line too (for pre-commit)")
    files.add_argument("--respect-gitignore", dest="respect_gitignore", action="store_true", default=None,
                       help="skip files matched by .gitignore files (the default)")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                       help="check files even if .gitignore matches them")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="the path of the source read from stdin (for configuration and messages)")
    settings = check.add_argument_group("configuration and run")
    settings.add_argument("--config", metavar="FILE",
                          help="use this pyproject.toml / prodready.toml instead of the one found from the first path")
    settings.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    settings.add_argument("--show-settings", action="store_true",
                          help="print the resolved configuration for the first PATH (a file or folder) and exit")
    settings.add_argument("--show-files", action="store_true", help="print the files that would be checked and exit")
    settings.add_argument("--target-version", metavar="VERSION", help="the lowest Python version the code supports, e.g. py311")
    settings.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found (errors still exit 2)")
    settings.add_argument("--no-cache", action="store_true", help="do not read or write the cache (.prodready_cache/)")
    settings.add_argument("--cache-dir", metavar="DIR", help="where to keep the cache (default: .prodready_cache in the project root)")
    settings.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N",
                          help=f"worker processes for large runs (default: the number of CPUs; parallel above {PARALLEL_THRESHOLD} files)")

    listing = commands.add_parser("rules", help="list every rule",
                                  description="List every rule: code, name, severity, fix and summary.",
                                  epilog="examples:\n  prodready rules\n  prodready rules --format json",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    listing.add_argument("--format", "--output-format", dest="format", choices=("text", "json"), default="text")

    one = commands.add_parser("rule", help="show one rule's documentation",
                              description="Print a rule's documentation (Markdown).",
                              epilog="examples:\n  prodready rule PR101\n  prodready rule naive-utcnow",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    one.add_argument("rule", metavar="RULE", help="a code (PR101) or a name (naive-utcnow)")

    docs = commands.add_parser("docs", help="regenerate docs/rules/ from the rule metadata",
                               description="Write docs/rules/<CODE>-<name>.md for every rule and an index README.md.",
                               epilog="examples:\n  prodready docs\n  prodready docs --check        exit 1 if the pages are out of date",
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    docs.add_argument("--output", default="docs/rules", metavar="DIR", help="the folder to write (default: docs/rules)")
    docs.add_argument("--check", action="store_true", help="write nothing; exit 1 if the pages are missing or out of date")

    server = commands.add_parser("server", help="run the language server on stdio",
                                 description="Run the prodready language server on stdio (editors start this).",
                                 epilog="examples:\n  prodready server\n  prodready server --debounce 300",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    server.add_argument("--debounce", metavar="MS", help="milliseconds to wait after a change before re-checking")
    server.add_argument("--stdio", action="store_true", help="use stdio (the default and only transport; accepted because clients pass it)")
    server.add_argument("server_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


# -- messages -----------------------------------------------------------------------------------
class Console:
    def __init__(self, err: TextIO, quiet: bool = False) -> None:
        self.err = err
        self.quiet = quiet
        self.style = output.Style(output.use_colour(err))

    def warning(self, message: str) -> None:
        if not self.quiet:
            self.err.write(f"{self.style._wrap('1;33', 'warning')}: {message}\n")

    def error(self, message: str) -> None:
        self.err.write(f"{self.style.red('error')}: {message}\n")


# -- check ---------------------------------------------------------------------------------------
def _config_for(args, cwd: Path, first: Optional[Path]) -> Config:
    from prodready.checks import all_rules
    from prodready.core import selectors

    if args.isolated:
        config = Config()
    elif args.config:
        path = Path(args.config)
        if not path.is_file():
            raise ConfigError(f"--config {args.config}: no such file")
        config = Config.load(path)
    else:
        config = Config.discover(first or cwd)
    select, ignore, extend = _split(args.select), _split(args.ignore) or [], _split(args.extend_select) or []
    # Check the file's selectors first, so a typo is reported with the file it is in.
    selectors.check(config, all_rules())
    if select is not None:
        # Like Ruff: a --select on the command line starts a new selection on top of the file's.
        config = replace(config, select=tuple(select), ignore=tuple(ignore), extend_select=tuple(extend))
    else:
        config = replace(config, ignore=config.ignore + tuple(ignore), extend_select=config.extend_select + tuple(extend))
    given = Config(select=tuple(select) if select is not None else None, ignore=tuple(ignore),
                   extend_select=tuple(extend),
                   selector_sources=(("extend-select", "--extend-select"), ("ignore", "--ignore"), ("select", "--select")))
    selectors.check(given, all_rules())
    if getattr(args, "baseline", None):
        config = replace(config, baseline=str((cwd / args.baseline).resolve()))
    exclude, extend_exclude = _split(args.exclude), _split(args.extend_exclude)
    for flag, patterns in (("--exclude", exclude), ("--extend-exclude", extend_exclude)):
        for pattern in patterns or ():
            check_glob(pattern, flag)
    if exclude is not None:
        config = replace(config, exclude=tuple(exclude))
    if extend_exclude:
        config = replace(config, extend_exclude=config.extend_exclude + tuple(extend_exclude))
    if args.target_version:
        try:
            config = Config.from_mapping({"target-version": args.target_version}, base=config, where="--target-version")
        except ConfigError:
            raise ConfigError(f"--target-version {args.target_version!r}: expected a version such as py311 or 3.11") from None
    if args.respect_gitignore is not None:
        config = replace(config, respect_gitignore=args.respect_gitignore)
    if args.preview is not None:
        config = replace(config, preview=args.preview)
    return config


def _under(path: Path, folder: Path) -> Optional[str]:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return None


def _display(path: Path, cwd: Path) -> str:
    rel = _under(path, cwd)
    return rel if rel is not None else path.as_posix()


def _analysis_path(path: Path, cwd: Path, config: Config) -> str:
    """The path rules see (test file? settings module?): relative to the project root (the
    configuration's folder, else the nearest folder with a project marker), never to the
    folders above it: `prodready check ~/dev/shop` must not make every file look like tooling."""
    for root in (config.root, project_root_of(str(path.absolute())), cwd):
        if root:
            rel = _under(path, Path(root))
            if rel is not None:
                return rel
    return root_relative(str(path.absolute()), None)


def _run_tasks(tasks: list[Task], jobs: int, console: Console) -> list[FileResult]:
    """Check ``tasks``, in worker processes when there are many (cli/schedule.py)."""
    expect(tasks)
    if len(tasks) > PARALLEL_THRESHOLD and jobs > 1:
        try:
            from concurrent.futures.process import BrokenProcessPool

            from prodready.cli.schedule import run_pool

            try:
                return run_pool(tasks, min(jobs, len(tasks)))
            except BrokenProcessPool as exc:
                console.warning(f"worker processes failed ({exc}); checking in this process")
        except (OSError, ImportError, NotImplementedError) as exc:
            console.warning(f"cannot start worker processes ({exc}); checking in this process")
    return [process(task) for task in tasks]


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return stream.read()
    return sys.stdin.read().encode("utf-8")


@dataclass
class _Inputs:
    """What one `check` run works on: tasks to analyse, cached results, the cache itself."""

    tasks: list[Task] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    errors: int = 0
    cache: Optional[object] = None
    stdin_text: dict[str, str] = field(default_factory=dict)
    excluded_stdin: Optional[bytes] = None


_CHECK_RAN = False


def check_ran() -> bool:
    """Whether this process ran `check` (cli/exiting.py: such a process may exit at once)."""
    return _CHECK_RAN


def run_check(args, out: TextIO, err: TextIO) -> int:
    global _CHECK_RAN
    from prodready.checks import all_rules

    _CHECK_RAN = True
    start_run()

    console = Console(err, args.quiet)
    cwd = Path(os.getcwd())
    fmt = args.format or os.environ.get("PRODREADY_OUTPUT_FORMAT") or "text"
    if fmt not in output.FORMATS:
        raise UsageError(f"PRODREADY_OUTPUT_FORMAT: unknown format {fmt!r} (expected one of {', '.join(output.FORMATS)})")
    paths = list(args.paths)
    use_stdin = paths == ["-"] or (not paths and args.stdin_filename is not None)
    if "-" in paths and not use_stdin:
        raise UsageError("`-` (read from stdin) cannot be combined with other paths")
    mode = "diff" if args.diff else "fix" if args.fix else "check"
    if use_stdin:
        first = (cwd / args.stdin_filename) if args.stdin_filename else cwd
    else:
        paths = paths or ["."]
        first = cwd / paths[0]
    config = _config_for(args, cwd, first)
    rules = all_rules()
    if args.show_settings:
        from prodready.cli.settings_view import show_settings

        out.write(show_settings(config, first, rules))
        return 0
    if args.show_files:
        from prodready.cli.walk import discover

        found = discover(paths or ["."], config, cwd=cwd, force_exclude=args.force_exclude)
        for message in found.errors:
            console.error(message)
        for path in found.files:
            out.write(_display(path, cwd) + "\n")
        return 2 if found.errors else 0
    exclusive = [flag for flag, on in (("--write-baseline", args.write_baseline), ("--add-noqa", args.add_noqa),
                                       ("--fix", args.fix), ("--diff", args.diff)) if on]
    if len(exclusive) > 1 and set(exclusive) != {"--fix", "--diff"}:
        raise UsageError(f"{' and '.join(exclusive)} cannot be combined")
    accepted = None
    if config.baseline and not args.write_baseline:
        from prodready.core.baseline import Baseline

        accepted = Baseline.load(config.baseline, _display(Path(config.baseline), cwd))

    want_edits = fmt == "sarif" and mode == "check"
    if use_stdin:
        inputs = _stdin_inputs(args, config, cwd, mode, want_edits)
        if inputs.excluded_stdin is not None:
            if mode == "fix":
                out.write(inputs.excluded_stdin.decode("utf-8", "replace"))
            return 0
    else:
        inputs = _path_inputs(args, paths, config, rules, cwd, mode, want_edits, console)

    # In check mode the file checks also work out the project check's facts of the modules
    # they parse (`Task.project_facts`), so the project check that follows parses none of
    # them again (it was a third of a cold run). Fixes must see the fixed files first.
    if not use_stdin and mode == "check":
        from prodready.cli.project_check import project_check_runs

        if project_check_runs(config):
            for task in inputs.tasks:
                task.project_facts = True
    done = _run_tasks(inputs.tasks, args.jobs or os.cpu_count() or 1, console)
    known = {}
    for result in done:
        if result.facts is not None:
            known[result.facts[0]] = result.facts[1]
            result.facts = None
    results = inputs.results + done
    results.sort(key=lambda r: r.display)
    errors = inputs.errors + _report_file_problems(results, console)
    if inputs.cache is not None:
        _update_cache(inputs.cache, results, cwd, config)
    if not use_stdin:
        results, project_errors = _with_project_results(args, paths, config, cwd, mode, want_edits, results, console,
                                                        inputs.cache, known)
        errors += project_errors
    if inputs.cache is not None:
        inputs.cache.save()

    if args.write_baseline:
        from prodready.cli import baseline as cli_baseline

        if errors:
            console.error(f"{args.write_baseline}: not written: some paths could not be checked")
            return 2
        try:
            count = cli_baseline.write(str(cwd / args.write_baseline), results, rules)
        except OSError as exc:
            raise UsageError(f"--write-baseline {args.write_baseline}: cannot write: {exc.strerror or exc}") from None
        if not args.quiet:
            err.write(f"Wrote {output._plural(count, 'finding')} to {args.write_baseline}; "
                      f"`prodready check --baseline {args.write_baseline}` now reports only new ones.\n")
        return 0
    applied = None
    if accepted is not None:
        from prodready.cli import baseline as cli_baseline

        applied = cli_baseline.apply(results, accepted, config, rules)
    if args.add_noqa:
        return _emit_add_noqa(results, errors, console, err, args.quiet)
    checked = [r for r in results if r.cannot is None and r.internal is None]
    stdin_text = inputs.stdin_text
    report = output.Report(
        checked, rules, unsafe=args.unsafe_fixes, show_source=args.show_source, fix_mode=mode == "fix",
        read_text=lambda r: stdin_text[r.path] if r.path in stdin_text else _read_text(r.path),
        errors=errors, cwd=str(cwd),
    )
    if mode == "diff":
        return _emit_diff(args, results, errors, out, err)
    if use_stdin and mode == "fix":
        for r in results:
            if r.output_text is not None:
                out.write(r.output_text)
        out.flush()
        out = err  # the fixed source owns stdout; the report goes to stderr
    _emit_report(args, fmt, report, out)
    if applied is not None and not args.quiet:
        out.flush()
        err.write(_baseline_note(applied, config.baseline or "", cwd))
    if errors:
        return 2
    if args.exit_non_zero_on_fix and report.fixed:
        return 1
    return 1 if report.items and not args.exit_zero else 0


def _project_facts(cache) -> Optional[dict]:
    """The project facts the cache holds ({} when empty), or None without a cache."""
    return dict(cache.project_facts) if cache is not None else None


class _Display:
    """`_display` relative to one working directory, as a picklable callable."""

    def __init__(self, cwd: str) -> None:
        self.cwd = Path(cwd)

    def __call__(self, path) -> str:
        return _display(Path(path), self.cwd)


def _with_project_results(args, paths, config: Config, cwd: Path, mode: str, want_edits: bool,
                          results: list[FileResult], console: Console,
                          cache=None, known: Optional[dict] = None) -> tuple[list[FileResult], int]:
    """Add the project rules' (PR6xx) findings and fixes; see cli/project_check.py.

    ``cache``: the run's cache, which keeps the project facts too; ``known``: Python facts
    this run's file checks computed, by the sha256 of the text."""
    from prodready.cli.project_check import merge, run_project_check

    outcome = run_project_check(paths, config, cwd, mode=mode, unsafe=args.unsafe_fixes, want_edits=want_edits,
                                facts=_project_facts(cache), display=_Display(str(cwd)), known=known)
    extra, notes, facts = outcome
    if cache is not None:
        cache.set_project_facts(facts)
    for note in notes:
        console.warning(note)
    errors = 0
    for result in extra:
        if result.write_error:
            console.error(f"{result.display}: not fixed: {result.write_error}")
            errors += 1
    merged = merge(results, extra)
    merged.sort(key=lambda r: r.display)
    return merged, errors


def _baseline_note(applied, path: str, cwd: Path) -> str:
    shown = _display(Path(path), cwd)
    note = f"Baseline {shown}: {output._plural(applied.accepted, 'finding')} accepted"
    if applied.gone:
        note += (f"; {output._plural(applied.gone, 'baselined finding')} gone (fixed or changed): "
                 f"`prodready check --write-baseline {shown}` drops them")
    return note + ".\n"


def _emit_add_noqa(results: list[FileResult], errors: int, console: Console, err: TextIO, quiet: bool) -> int:
    from prodready.cli.noqa import add_noqa

    added = add_noqa(results)
    for problem in added.problems:
        console.warning(problem)
    if not quiet:
        err.write(f"Added {output._plural(added.comments, 'noqa comment')} suppressing "
                  f"{output._plural(added.findings, 'finding')} in {output._plural(added.files, 'file')}.\n")
    return 2 if errors else 0


def _stdin_inputs(args, config: Config, cwd: Path, mode: str, want_edits: bool) -> _Inputs:
    inputs = _Inputs()
    data = _read_stdin()
    display = args.stdin_filename or "-"
    if args.stdin_filename:
        abs_path = os.path.normpath(cwd / args.stdin_filename)
        analysis_path = _analysis_path(Path(abs_path), cwd, config)
        if args.force_exclude:
            from prodready.cli.walk import excluded_by_settings

            if excluded_by_settings(Path(abs_path), config, cwd):
                inputs.excluded_stdin = data
                return inputs
    else:
        abs_path, analysis_path = str(cwd / "<stdin>.py"), "<stdin>.py"
    inputs.tasks.append(Task(abs_path, display, analysis_path, config, mode, args.unsafe_fixes, want_edits, data, True))
    inputs.stdin_text[abs_path] = data.decode("utf-8", "replace")
    return inputs


def _path_inputs(args, paths, config: Config, rules, cwd: Path, mode: str, want_edits: bool, console: Console) -> _Inputs:
    from prodready.cli.walk import discover

    inputs = _Inputs()
    found = discover(paths, config, cwd=cwd, force_exclude=args.force_exclude)
    for message in found.errors:
        console.error(message)
    for message in found.warnings:
        console.warning(message)
    inputs.errors = len(found.errors)
    cache = None
    if not args.no_cache:
        from prodready.cli.cache import CACHE_DIR, Cache, analysis_key

        folder = Path(args.cache_dir) if args.cache_dir else (Path(config.root) if config.root else cwd) / CACHE_DIR
        cache = inputs.cache = Cache(cwd / folder, analysis_key(config.fingerprint(), tuple(r.code for r in rules)))
    roots = tuple(os.path.realpath(cwd / p) for p in paths)
    for path in found.files:
        task = Task(str(path), _display(path, cwd), _analysis_path(path, cwd, config), config, mode,
                    args.unsafe_fixes, want_edits, write_roots=roots, through_symlinks=args.fix_through_symlinks)
        hit = _cache_hit(cache, task) if cache is not None else None
        if hit is not None:
            inputs.results.append(hit)
        else:
            inputs.tasks.append(task)
    return inputs


def _report_file_problems(results: list[FileResult], console: Console) -> int:
    """Print per-file errors and warnings (stderr); return how many count as errors."""
    errors = 0
    for result in results:
        if result.cannot:
            console.error(f"{result.display}: cannot check: {result.cannot}")
            errors += 1
        elif result.internal:
            console.error(f"{result.display}: internal error while checking ({result.internal}). "
                          f"This is a bug in prodready; please report it at {ISSUES_URL}")
            errors += 1
        if result.write_error:
            console.error(f"{result.display}: not fixed: {result.write_error}")
            errors += 1
        for note in result.notes:
            console.warning(f"{result.display}: {note}")
        for message in result.rule_errors:
            console.warning(f"{result.display}: rule {message}; the other rules still checked this file. "
                            f"Please report it at {ISSUES_URL}")
    return errors


def _update_cache(cache, results: list[FileResult], cwd: Path, config: Config) -> None:
    """Record the analysed files (the caller saves, once the project facts are in too)."""
    for result in results:
        if result.sha and not (result.cannot or result.internal or result.write_error or result.cached):
            cache.put(result.path, result.sha, _analysis_path(Path(result.path), cwd, config), result.cache_payload(),
                      result.stamp)


def _emit_diff(args, results: list[FileResult], errors: int, out: TextIO, err: TextIO) -> int:
    changed = [r for r in results if r.diff]
    with _opened(args.output, out) as stream:
        for r in changed:
            stream.write(r.diff or "")
    would = sum(r.fixed for r in changed)
    out.flush()  # the diff before the stderr summary when both go to one terminal
    if not args.quiet:
        err.write(f"Would fix {output._plural(would, 'problem')}.\n" if would else "No fixes available.\n")
    if errors:
        return 2
    return 1 if changed and not args.exit_zero else 0


def _emit_report(args, fmt: str, report: output.Report, out: TextIO) -> None:
    with _opened(args.output, out) as stream:
        if args.statistics:
            output.write_statistics(report, stream, fmt)
        elif fmt == "json":
            output.write_json(report, stream)
        elif fmt == "sarif":
            output.write_sarif(report, stream)
        elif fmt == "github":
            output.write_github(report, stream)
        elif fmt == "gitlab":
            from prodready.cli.formats.gitlab import write_gitlab

            write_gitlab(report, stream)
        elif fmt == "junit":
            from prodready.cli.formats.junit import write_junit

            write_junit(report, stream)
        elif fmt == "concise":
            from prodready.cli.formats.concise import write_concise

            write_concise(report, stream)
        else:
            colour = args.color == "always" if args.output else output.use_colour(stream, args.color)
            output.write_text(report, stream, output.Style(colour), quiet=args.quiet)


class _opened:
    """`--output FILE` or the given stream, as a context manager."""

    def __init__(self, path: Optional[str], default: TextIO) -> None:
        self.path = path
        self.default = default
        self.handle: Optional[TextIO] = None

    def __enter__(self) -> TextIO:
        if not self.path:
            return self.default
        try:
            parent = Path(self.path).parent
            parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise UsageError(f"--output {self.path}: cannot write: {exc.strerror or exc}") from None
        return self.handle

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()


def _read_text(path: str) -> Optional[str]:
    from prodready.core.engine import decode_source

    try:
        with open(path, "rb") as handle:
            text, _ = decode_source(handle.read())
    except OSError:
        return None
    return text


def _cache_hit(cache, task: Task) -> Optional[FileResult]:
    """The cached result of ``task``'s file: found by its size and mtime without reading it,
    else by the hash of its bytes (cli/cache.py)."""
    import time

    from prodready.cli.cache import trusted_stamp
    from prodready.cli.runner import sha256
    from prodready.core import engine

    try:
        st = os.stat(task.path)
    except OSError:
        return None
    if st.st_size > engine.MAX_FILE_BYTES:
        return None  # reported by the check itself
    hit = cache.get_by_stat(task.path, st, task.analysis_path)
    if hit is not None:
        sha, payload = hit
    else:
        try:
            with open(task.path, "rb") as handle:
                data = handle.read(engine.MAX_FILE_BYTES + 1)
        except OSError:
            return None
        if len(data) > engine.MAX_FILE_BYTES:
            return None
        sha = sha256(data)
        payload = cache.get(task.path, sha, task.analysis_path)
        if payload is None:
            return None
        cache.restamp(task.path, trusted_stamp(st, time.time_ns()))
    try:
        items = [Item.from_json(entry) for entry in payload["items"]]
        rule_errors = [str(m) for m in payload.get("rule_errors", [])]
        notes = [str(m) for m in payload.get("notes", [])]
        deps = payload.get("deps") or {}
        if not deps_unchanged(deps):
            return None  # a module its cross-module names came from changed
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    needs_fixes = task.mode in ("fix", "diff") or task.want_edits
    if needs_fixes and any(item.offer(task.unsafe) is not None for item in items):
        return None  # the fix edits are computed from a fresh analysis
    return FileResult(task.path, task.display, sha, items, rule_errors, notes, cached=True, deps=deps)


# -- rules / rule / docs / server ----------------------------------------------------------------
def run_rules(args, out: TextIO) -> int:
    from prodready.checks import all_rules
    from prodready.core.docs import rule_url

    rules = all_rules()
    if args.format == "json":
        data = [{"code": r.code, "name": r.name, "severity": r.severity.label, "fix": r.fix_availability,
                 "preview": r.preview, "summary": r.summary, "url": rule_url(r)} for r in rules]
        out.write(json.dumps(data, indent=2, ensure_ascii=output._ascii_only(out)) + "\n")
        return 0
    rows = [(r.code, r.name, r.severity.label, r.fix_availability, "preview" if r.preview else "", r.summary)
            for r in rules]
    header = ("CODE", "NAME", "SEVERITY", "FIX", "STATUS", "SUMMARY")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5] + "\n")
    if any(r.preview for r in rules):
        out.write("\npreview rules are off by default: `preview = true` in [tool.prodready] or --preview turns them on;\n"
                  "selecting one by its code or name turns on that one.\n")
    return 0


def run_rule(args, out: TextIO, err: TextIO) -> int:
    from prodready.checks import all_rules, get_rule
    from prodready.core.docs import render_markdown

    rule = get_rule(args.rule)
    if rule is None:
        rules = all_rules()
        keys = {r.code: r for r in rules} | {r.name: r for r in rules}
        close = difflib.get_close_matches(args.rule.upper() if args.rule[:2].lower() == "pr" else args.rule.lower(), list(keys), n=3, cutoff=0.5)
        hint = ""
        if close:
            hint = " Did you mean " + ", ".join(f"{keys[c].code} ({keys[c].name})" for c in close) + "?"
        Console(err).error(f"unknown rule {args.rule!r}.{hint} `prodready rules` lists every rule.")
        return 2
    out.write(render_markdown(rule).rstrip("\n") + "\n")
    return 0


def run_docs(args, out: TextIO, err: TextIO) -> int:
    from prodready.checks import all_rules
    from prodready.cli.docsgen import stale_files, write_pages

    folder = Path(args.output)
    rules = all_rules()
    if args.check:
        problems = stale_files(folder, rules)
        for problem in problems:
            err.write(f"{problem}\n")
        if problems:
            err.write("Run `prodready docs` to regenerate the rule pages.\n")
            return 1
        out.write(f"{folder}: up to date ({len(rules)} rules).\n")
        return 0
    try:
        changed = write_pages(folder, rules)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot write: {exc.strerror or exc}") from None
    for line in changed:
        out.write(line + "\n")
    out.write(f"{folder}: {len(rules)} rules, {len(changed)} file(s) changed.\n")
    return 0


def run_server(args, err: TextIO) -> int:
    try:
        from prodready.server.main import run  # type: ignore[import-not-found]
    except ImportError as exc:
        missing = getattr(exc, "name", None) or str(exc)
        if missing and str(missing).startswith("prodready"):
            Console(err).error("the language server is not available in this installation of prodready "
                               f"({exc}). Reinstall prodready, or report it at {ISSUES_URL}")
        else:
            Console(err).error(f"the language server needs {missing!r}, which is not installed ({exc}). "
                               "Reinstall prodready with its dependencies: pip install --force-reinstall prodready")
        return 2
    argv = list(args.server_args or [])
    if args.debounce is not None:
        argv = ["--debounce", args.debounce, *argv]
    code = run(argv)
    return code if isinstance(code, int) else 0


# -- entry point --------------------------------------------------------------------------------
def _dispatch(argv: Optional[Sequence[str]], out: TextIO, err: TextIO) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command is None:
        parser.print_help(err)
        return 2
    if args.command == "check":
        return run_check(args, out, err)
    if args.command == "rules":
        return run_rules(args, out)
    if args.command == "rule":
        return run_rule(args, out, err)
    if args.command == "docs":
        return run_docs(args, out, err)
    if args.command == "server":
        return run_server(args, err)
    parser.error(f"unknown command {args.command!r}")
    return 2


def main(argv: Optional[Sequence[str]] = None) -> int:
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        try:  # a message must never fail on a console that cannot encode a character
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass
    try:
        return _dispatch(argv, out, err)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except (UsageError, ConfigError) as exc:
        Console(err).error(str(exc))
        return 2
    except KeyboardInterrupt:
        err.write("prodready: interrupted\n")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except Exception as exc:  # noqa: BLE001 - never a traceback for users
        if os.environ.get("PRODREADY_TRACEBACK"):
            raise
        Console(err).error(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in prodready {prodready.__version__}; "
            f"please report it at {ISSUES_URL} (set PRODREADY_TRACEBACK=1 to see the traceback)."
        )
        return 2


def _silence_stdout() -> None:
    """After a closed pipe (`prodready check | head`), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
