"""Cross-module names: what an imported name of the project *is* in the module it comes from.

`core/names.py` resolves names inside one file. A name imported from the project itself
(``from .extensions import http``) resolves there to a project-local name
(``.extensions.http``) that no rule recognises. `ProjectResolver` answers what that name is
in its module, in the same convention as names.py: after ``http = requests.Session()`` in
extensions.py, ``.extensions.http`` is ``requests.Session()``, so ``http.get(url)`` in a view
resolves to ``requests.Session().get`` and the timeout rule sees it.

How (cheapest first, nothing is ever imported or executed):

1. Find the module file under the project (relative imports from the importing file's
   package; absolute ones from the project root, ``src/`` or a script's own folder). Most
   names imported from a project are its functions and classes: when the module's text
   shows that (`_scan_kind`, a few ``str.find``), it is not parsed. Otherwise parse it with
   `ast` once per version (path, size, mtime; a file analysed earlier in the run is not
   parsed again, see `ProjectResolver.adopt`) and keep a compact summary, not the tree.
   Look the name up in its module-level bindings (`NameResolver.module_bindings`); aliases
   (``Session = requests.Session``) and re-exports (``from .ext import http`` in a
   package's ``__init__``, star imports) are followed up to `MAX_HOPS` hops; cycles stop.
2. A name bound to a call of a function of that module (``client = make_client()``), or a
   call of a project function at the place of use (``make_client().get``): the function's
   return statements, when they all name the same thing (``return requests.Session()``).
   A function that returns its argument (``getx = prototype(lib.GetX)``, itself or through
   another project function) gives back that argument as the calling module resolves it
   (`FileLookup._passed`); one that may return the literal a local was first given
   (``found = None`` ... ``return found``) gives back no one object (`_may_return_literal`).
3. Otherwise, for the objects a module creates (a module-level name whose value needs
   inference: ``client = build()`` where build returns a local variable), **jedi** infers
   it statically: ``jedi.Script(code, path=..., project=jedi.Project(root))`` ``.infer()``
   on the binding. jedi runs in one daemon thread per process; each file gets a time
   budget (`DEFAULT_BUDGET`, plus a one-off `STARTUP_ALLOWANCE` for jedi's start-up) and
   what does not arrive in time is unknown for that file (the answer is still cached for
   the next file). Answers are cached per module version; any jedi exception means
   unknown. jedi uses the default environment (the active virtualenv, else this
   interpreter) and inspects compiled modules in its own subprocess; compiled extensions
   inside the project are never loaded (``load_unsafe_extensions=False``), and nothing is
   imported in this process (``settings.auto_import_modules = []``; no
   ``jedi.Interpreter``).

In a batch run an answer is worked out once for all the files that ask it from where it
means the same (`FileLookup.__call__`), with the files it was read from.

A name that turns out to be the project's own function, class or module stays what it was
(rules do not know the project's classes anyway). Answers are substituted only for the
prefix they explain: ``.extensions.http.get`` becomes ``requests.Session().get``.
"""

from __future__ import annotations

import ast
import builtins
import gc
import io
import os
import queue
import re
import textwrap
import threading
import time
import tokenize
import warnings
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, Collection, Optional, Union

from prodready.core.names import NameResolver, flatten_top_level

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
DEFAULT_BUDGET = 0.2  # seconds of jedi per analysed file
STARTUP_ALLOWANCE = 2.0  # extra wait for the first jedi answer of a process (start-up)
JEDI_MAX_TIMEOUTS = 8  # after this many files ran out of time waiting, jedi is not asked again
MAX_HOPS = 8
QUICK_NAMES = 12  # names of one module told from its text before it is parsed instead
LAYOUT_TTL = 5.0  # seconds the project's layout (which modules exist) is trusted
MAX_MODULE_BYTES = 2 * 1024 * 1024
_SCRIPT_CACHE = 32  # jedi Scripts kept (one per module version)
SHARE_CHECKED_BYTES = 8 * 1024  # batch pools: checked modules this big share their summaries
HANDOVER_BYTES = 2 * 1024 * 1024  # batch runs: source bytes whose lookup parses are kept for their own check

# Values whose meaning may need inference; literals, subscripts, comprehensions... do not.
_INFERABLE = (ast.Call, ast.Name, ast.Attribute, ast.Await, ast.IfExp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_CALLS = re.compile(r"^(\w+)((?:\(\))*)$")  # `make_client()()` -> make_client, 2 calls

_BUILTINS = frozenset(dir(builtins))

Stamp = tuple[int, int]  # (mtime_ns, size)


def find_root(path: Union[str, os.PathLike]) -> Path:
    """The project root of ``path``: the nearest folder up with pyproject.toml, setup.cfg,
    setup.py or .git; when there is none, the folder holding the outermost package around
    ``path`` (where Python would import it from)."""
    start = Path(os.path.abspath(path))
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if any(os.path.exists(folder / marker) for marker in ROOT_MARKERS):
            return folder
    folder = start
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _stamp(path: Path) -> Optional[Stamp]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _read_text(path: Path) -> Optional[str]:
    """A source file's text (PEP 263 encoding, BOM dropped), or None."""
    try:
        data = path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _scan_kind(text: str, name: str) -> Optional[str]:
    """The kind, ``function`` or ``class``, when every occurrence of the word ``name`` in
    ``text`` that could bind it is a def or class at column 0; None when one may be something
    else (an assignment, import, loop or with target, global, star import) or there is none.

    A quick look (``str.find``, no parse) that errs on the safe side: None means "parse the
    module", and a wrong kind only loses an answer (the name keeps its local meaning)."""
    if "import *" in text or "import(*" in text:
        return None
    kind = None
    size = len(name)
    find = text.find
    start = 0
    while True:
        at = find(name, start)
        if at < 0:
            return kind
        start = at + size
        before = text[at - 1] if at else "\n"
        after = text[start] if start < len(text) else "\n"
        if before.isalnum() or before == "_" or after.isalnum() or after == "_":
            continue  # a longer word
        line_start = text.rfind("\n", 0, at) + 1
        line_end = find("\n", start)
        head = text[line_start:at]
        tail = text[start:line_end if line_end >= 0 else len(text)].lstrip()
        words = head.split()
        if head[:1] not in (" ", "\t") and words in (["def"], ["class"], ["async", "def"]):
            found = "class" if words == ["class"] else "function"
            if kind not in (None, found):
                return None
            kind = found
            continue
        if tail.startswith("=") and not tail.startswith("=="):
            return None  # x = ...
        if tail[:1] in (":", ",", "+", "-", "*", "/", "|", "&", "^", "%", "@", ">", "<") and "=" in tail:
            return None  # x: T = ..., x, y = ..., x += ..., (x := ...)
        if words and (words[0] in ("import", "from", "global", "nonlocal", "for", "async", "with", "del")
                      or words[-1] == "as" or "import" in words):
            return None
    return kind


def _chain(node: ast.AST) -> Optional[tuple[str, int, str]]:
    """``make().session.query()`` -> ("make", 1, ".session.query()"): the Name it starts
    from, how many calls of it come first, and the rest; None for anything else."""
    parts: list = []
    while True:
        if isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        elif isinstance(node, ast.Attribute):
            parts.append("." + node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            break
        else:
            return None
    parts.reverse()
    lead = 0
    while lead < len(parts) and parts[lead] == "()":
        lead += 1
    return node.id, lead, "".join(parts[lead:])


def _first_call_arguments(node: ast.AST, aliases: NameResolver) -> Optional[tuple]:
    """What each positional argument of the innermost call of a `_chain` resolves to (None
    where it is not a name, attribute or call chain); None when there are starred arguments.
    ``prototype(lib.fn, [...])`` -> ("pkg.lib.fn", None): what a function that returns its
    argument (a decorator, a ctypes prototype helper) gives back (`FileLookup._passed`)."""
    innermost = None
    while not isinstance(node, ast.Name):
        if isinstance(node, ast.Call):
            innermost = node
            node = node.func
        else:
            node = node.value  # type: ignore[attr-defined]
    if innermost is None or any(isinstance(arg, ast.Starred) for arg in innermost.args):
        return None
    return tuple(aliases.resolve(arg) if isinstance(arg, (ast.Name, ast.Attribute, ast.Call)) else None
                 for arg in innermost.args)


def _lines(text: str) -> list[str]:
    """Lines as Python numbers them (\\n, \\r\\n, \\r; not form feeds), ends kept as \\n."""
    return io.StringIO(text, newline=None).readlines()


def _target_names(target: ast.AST):
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


class ModuleInfo:
    """What one module of the project binds at top level, kept compact.

    No `ast` tree is kept: thousands of cached trees would make every garbage collection of
    the run walk them (measured: 2.4x the analysis time on Django). Instead: the module's
    bindings (names.py's view), for each bound name what kind of statement bound it and
    where. The text is read again when needed (a function's return statements, jedi).
    """

    __slots__ = ("path", "stamp", "ok", "bindings", "definitions", "stars", "returns")

    # definitions: name -> (kind, line, column, extra); kind "class", "function" (extra: the
    # function's last line), "import", "assign" (extra: (inferable, augmented, alias: what a
    # Name/Attribute value resolves to here, chain: `_chain` of the value, arguments: what
    # the positional arguments of the chain's first call resolve to here, or None)), "target"
    # (for/with targets); column: UTF-8 byte offset, -1 for def/class, -2 for a decorated def.

    def __init__(self, path: Path, stamp: Optional[Stamp]) -> None:
        self.path = path
        self.stamp = stamp
        self.ok = False  # parsed
        self.bindings: dict = {}
        self.definitions: dict = {}
        self.stars: tuple = ()
        self.returns: dict = {}  # function name -> `_function_summary`

    @classmethod
    def load(cls, path: Path, stamp: Optional[Stamp], keep=None) -> "ModuleInfo":
        """Parse the module at ``path`` and summarise it. ``keep(text, tree)``: given the parse
        (a batch run hands it to the module's own check, which then does not parse it again)."""
        info = cls(path, stamp)
        if stamp is None or stamp[1] > MAX_MODULE_BYTES:
            return info
        text = _read_text(path)
        if text is None:
            return info
        # The tree lives for a moment and has no cycles (refcounting frees it), but its
        # allocations would set off collections that walk every live object of the run.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes etc.
                tree = ast.parse(text, filename=str(path))
            if keep is not None:
                keep(text, tree)
            return cls.from_tree(path, stamp, tree)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return info
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def from_tree(cls, path: Path, stamp: Optional[Stamp], tree: ast.Module,
                  bindings: Optional[dict] = None) -> "ModuleInfo":
        """From a parse of the module's current text (``bindings``: its module bindings)."""
        info = cls(path, stamp)
        info.ok = True
        statements = flatten_top_level(tree.body)
        info.bindings = dict(bindings) if bindings is not None else NameResolver.module_bindings(statements)
        aliases = NameResolver(info.bindings)
        definitions = info.definitions
        stars = []
        for stmt in statements:
            if isinstance(stmt, ast.ClassDef):
                definitions[stmt.name] = ("class", stmt.lineno, -1, None)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                definitions[stmt.name] = ("function", stmt.lineno, -2 if stmt.decorator_list else -1,
                                          stmt.end_lineno or stmt.lineno)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    definitions[alias.asname or alias.name.split(".", 1)[0]] = ("import", stmt.lineno, -1, None)
            elif isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if alias.name == "*":
                        module = "." * stmt.level + (stmt.module or "")
                        if module.strip("."):
                            stars.append(module)
                    else:
                        definitions[alias.asname or alias.name] = ("import", stmt.lineno, -1, None)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                value = stmt.value
                if value is None:
                    continue
                alias = aliases.resolve(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
                chain = _chain(value)
                extra = (isinstance(value, _INFERABLE), isinstance(stmt, ast.AugAssign), alias, chain,
                         _first_call_arguments(value, aliases) if chain is not None and chain[1] else None)
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for name in _target_names(target):
                        definitions[name.id] = ("assign", name.lineno, name.col_offset, extra)
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                for name in _target_names(stmt.target):
                    definitions[name.id] = ("target", name.lineno, name.col_offset, None)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        for name in _target_names(item.optional_vars):
                            definitions[name.id] = ("target", name.lineno, name.col_offset, None)
        info.stars = tuple(stars)
        return info

    @classmethod
    def from_summary(cls, path: Path, stamp: Optional[Stamp], summary: tuple) -> "ModuleInfo":
        """From (bindings, definitions, stars) another process summarised at ``stamp``
        (core/module_summaries.py)."""
        info = cls(path, stamp)
        info.ok = True
        info.bindings, info.definitions, info.stars = summary
        return info

    def text(self) -> Optional[str]:
        """The module's text, if the file is still the version this describes."""
        if not self.ok or _stamp(self.path) != self.stamp:
            return None
        return _read_text(self.path)

    def position(self, name: str, text: str) -> Optional[tuple[int, int]]:
        """jedi's (line, column in characters) of the binding of ``name`` in ``text``."""
        definition = self.definitions.get(name)
        if definition is None:
            return None
        kind, line, column, _ = definition
        lines = _lines(text)
        if not 1 <= line <= len(lines):
            return None
        row = lines[line - 1]
        if column < 0:
            match = re.search(r"\b(?:def|class)\s+(" + re.escape(name) + r")\b", row)
            return (line, match.start(1)) if match else None
        return line, len(row.encode("utf-8")[:column].decode("utf-8", "replace"))

    def function(self, name: str) -> Optional[ast.AST]:
        """The top-level function ``name``, parsed again from its lines."""
        definition = self.definitions.get(name)
        text = self.text() if definition is not None and definition[0] == "function" else None
        if text is None:
            return None
        lines = _lines(text)
        segment = textwrap.dedent("".join(lines[definition[1] - 1: definition[3]]))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body = ast.parse(segment).body
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
        return body[0] if body and isinstance(body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) else None


class ProjectResolver:
    """Cross-module answers for one project (one per CLI run and process, one per workspace).

    Thread-safe: module and jedi caches are shared by all files; `for_file` gives the
    per-file hook (`FileLookup`) with its own time budget.

    ``shared``: the `SummaryStore` of the run's worker processes (batch runs): summaries
    another worker made are read from it instead of parsing the module again.

    ``checks``: the files the run checks (batch runs): only their trees are kept.

    ``batch``: the resolver of one CLI run, in which the checked files are taken not to change
    (the editor's resolver lives for hours and sees every save). Then a file's (mtime, size)
    and which paths are files are looked up once, not at every question; and a module parsed
    to answer a lookup keeps its tree (up to `HANDOVER_BYTES` of source) until the run checks
    that module itself (`take_tree`), so it is not parsed twice: about 200 of the 1,186 modules
    of the benchmark corpus are asked about before their own turn.
    """

    def __init__(
        self,
        root: Union[str, os.PathLike],
        *,
        budget: float = DEFAULT_BUDGET,
        use_jedi: bool = True,
        startup_allowance: float = STARTUP_ALLOWANCE,
        batch: bool = False,
        shared=None,
        checks: Optional[Collection[str]] = None,
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.batch = batch
        self.shared = shared  # batch: the run's SummaryStore (core/module_summaries.py), or None
        self.checks = checks  # batch: the paths (normalised, absolute) the run checks; None: any
        self._stamps: dict[Path, Optional[Stamp]] = {}  # batch: each file's stamp, taken once
        self._isfile: dict[str, bool] = {}  # batch: os.path.isfile, asked once per path
        self._trees: dict[Path, tuple[str, ast.Module]] = {}  # batch: parses kept for the module's check
        self._tree_bytes = 0
        self._read: Optional[tuple[Path, str]] = None  # batch: the text the run read for the file it checks
        self.budget = budget
        self.use_jedi = use_jedi
        self.startup_allowance = startup_allowance
        self._modules: dict[Path, ModuleInfo] = {}
        self._quick: dict[Path, tuple] = {}  # path -> (stamp, text, {name: kind}) for quick_kind
        self._layout_time = 0.0
        self._roots: dict[str, tuple[Path, ...]] = {}  # importer's folder -> search roots
        self._tops: dict[Path, frozenset] = {}
        self._located: dict[tuple, Optional[tuple[Path, int]]] = {}
        # batch: answers by (where the question is asked from, the question), with the files
        # they were read from; see `FileLookup.__call__`.
        self.answers: Optional[dict[tuple, tuple[Optional[str], dict]]] = {} if batch else None
        self.refresh()
        self._lock = threading.Lock()
        self._jedi_answers: dict[tuple, Future] = {}
        self._queue: Optional[queue.SimpleQueue] = None
        self._thread_pid: Optional[int] = None
        self._jedi_warm = False
        self._jedi_state: dict[str, Any] = {}  # owned by the jedi thread
        self.stats = {"jedi_requests": 0, "jedi_timeouts": 0}

    @classmethod
    def for_path(cls, path: Union[str, os.PathLike], **options: Any) -> "ProjectResolver":
        return cls(find_root(path), **options)

    # -- the per-file hook ------------------------------------------------------------------
    def for_file(self, path: Union[str, os.PathLike], budget: Optional[float] = None) -> "FileLookup":
        """The `NameResolver` hook for the file at ``path`` (relative paths: from the root)."""
        self._layout()
        return FileLookup(self, self._file(path), self.budget if budget is None else budget)

    def _file(self, path: Union[str, os.PathLike]) -> Path:
        file = Path(path)
        if not file.is_absolute():
            file = self.root / file if (self.root / file).parent.is_dir() else Path(os.path.abspath(file))
        return Path(os.path.normpath(file))

    def adopt(self, path: Union[str, os.PathLike], text: str, tree: ast.Module, bindings: Optional[dict] = None) -> None:
        """An analysed file's parse, kept for the files that import it (no second parse),
        when ``text`` is what the file holds on disk."""
        file = self._file(path)
        stamp = self._stamp(file)
        if stamp is None or file.suffix != ".py":
            return
        read, self._read = self._read, None
        cached = self._modules.get(file)
        if cached is not None and cached.stamp == stamp:
            return
        if not (read is not None and read[0] == file and read[1] is text) and _read_text(file) != text:
            return
        info = self._modules[file] = ModuleInfo.from_tree(file, stamp, tree, bindings)
        if self.shared is not None and stamp[1] >= SHARE_CHECKED_BYTES:
            # Another worker may ask about it later; a small module is parsed faster than that.
            self.shared.put(info)

    def resolve(self, qualified: str, importer: Union[str, os.PathLike]) -> Optional[str]:
        """One question with a fresh budget: what is ``qualified`` as imported by ``importer``?"""
        return self.for_file(importer)(qualified)

    # -- files ------------------------------------------------------------------------------
    def _stamp(self, path: Path) -> Optional[Stamp]:
        if not self.batch:
            return _stamp(path)
        try:
            return self._stamps[path]
        except KeyError:
            stamp = self._stamps[path] = _stamp(path)
            return stamp

    def _is_file(self, path: str) -> bool:
        if not self.batch:
            return os.path.isfile(path)
        try:
            return self._isfile[path]
        except KeyError:
            found = self._isfile[path] = os.path.isfile(path)
            return found

    def module(self, path: Path) -> ModuleInfo:
        stamp = self._stamp(path)
        cached = self._modules.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        shared = self.shared
        if shared is not None:
            summary = shared.get(path, stamp)  # another worker of the run summarised it
            if summary is not None:
                info = self._modules[path] = ModuleInfo.from_summary(path, stamp, summary)
                self._quick.pop(path, None)
                return info
        keep = None
        if self.batch and (str(path) in self.checks if self.checks is not None else str(path).startswith(str(self.root))):
            keep = self._keeper(path)  # the run checks this module later: no second parse
        info = ModuleInfo.load(path, stamp, keep)
        if shared is not None and info.ok:
            shared.put(info)
        self._modules[path] = info
        self._quick.pop(path, None)
        return info

    def _keeper(self, path: Path):
        def keep(text: str, tree: ast.Module) -> None:
            with self._lock:
                if path in self._trees or len(text) > HANDOVER_BYTES:
                    return
                self._trees[path] = (text, tree)
                self._tree_bytes += len(text)
                while self._tree_bytes > HANDOVER_BYTES:  # the oldest first
                    oldest = next(iter(self._trees))
                    self._tree_bytes -= len(self._trees.pop(oldest)[0])
        return keep

    def changed(self, path: Union[str, os.PathLike]) -> None:
        """The run wrote the file at ``path`` (a fix): its stamp is taken again, and answers
        read from the files are worked out again."""
        self._stamps.pop(self._file(path), None)
        if self.answers is not None:
            self.answers.clear()

    def note_read(self, path: Union[str, os.PathLike], text: str) -> None:
        """The run read ``text`` from the file at ``path`` for its check (batch runs): when the
        check `adopt`s that very text, the file is not read again to compare. One file at a
        time: a file that is not adopted (it does not parse) leaves nothing behind."""
        if self.batch:
            self._read = (self._file(path), text)

    def kept_paths(self) -> list[Path]:
        """The modules whose trees are kept for their own check (batch runs)."""
        with self._lock:
            return list(self._trees)

    def _pop_tree(self, path: Path) -> Optional[tuple[str, ast.Module]]:
        with self._lock:
            kept = self._trees.pop(path, None)
            if kept is not None:
                self._tree_bytes -= len(kept[0])
        return kept

    def drop_tree(self, path: Path) -> None:
        """Let a kept tree go: this process will not check that module."""
        self._pop_tree(path)

    def take_tree(self, path: Union[str, os.PathLike], text: str) -> Optional[ast.Module]:
        """The tree a lookup parsed of the module at ``path``, if ``text`` is what it parsed
        (batch runs; see the class). Handed out once."""
        if not self._trees:
            return None
        kept = self._pop_tree(self._file(path))
        return kept[1] if kept is not None and kept[0] == text else None

    def parsed(self, path: Path) -> bool:
        """Is a summary of the current version of ``path`` at hand?"""
        cached = self._modules.get(path)
        return cached is not None and cached.stamp == self._stamp(path)

    def quick_kind(self, path: Path, name: str) -> tuple[Optional[Stamp], Optional[str]]:
        """(stamp, "function" or "class") when the text of ``path`` shows ``name`` bound only
        by a top-level def or class (`_scan_kind`); (stamp, None): parse it. After
        `QUICK_NAMES` names of one module, parsing it once is cheaper: None."""
        stamp = self._stamp(path)
        cached = self._quick.get(path)
        if cached is None or cached[0] != stamp:
            text = _read_text(path) if stamp is not None and stamp[1] <= MAX_MODULE_BYTES else None
            cached = self._quick[path] = (stamp, text, {})
        _, text, kinds = cached
        if name in kinds:
            return stamp, kinds[name]
        if text is None or len(kinds) >= QUICK_NAMES:
            return stamp, None
        kind = kinds[name] = _scan_kind(text, name)
        return stamp, kind

    def refresh(self) -> None:
        """Forget the project's layout (which modules and packages exist); module contents
        are checked against each file's mtime and size on every use anyway. Done by itself
        every `LAYOUT_TTL` seconds (not in a batch run); call it when files are created or
        deleted."""
        self._layout_time = time.monotonic()
        self._roots = {}
        self._tops = {}
        self._located = {}
        self._isfile = {}
        self._stamps = {}

    def _layout(self) -> None:
        if not self.batch and time.monotonic() - self._layout_time > LAYOUT_TTL:
            self.refresh()

    def search_roots(self, importer: Path) -> tuple[Path, ...]:
        """Where absolute imports of the project are found: the root, ``src/``, and the
        importer's own folder when that is not a package (a script next to its modules)."""
        key = os.path.dirname(str(importer))  # strings: a Path's .parent is a new Path each time
        roots = self._roots.get(key)
        if roots is None:
            folder = importer.parent
            found = [self.root]
            src = self.root / "src"
            if src.is_dir():
                found.append(src)
            if folder not in found and not (folder / "__init__.py").is_file():
                found.append(folder)
            roots = self._roots[key] = tuple(found)
        return roots

    def top_names(self, base: Path) -> frozenset:
        """Importable top-level names in ``base``: modules and regular packages."""
        cached = self._tops.get(base)
        if cached is not None:
            return cached
        names = set()
        try:
            with os.scandir(base) as entries:
                for entry in entries:
                    name = entry.name
                    if name.endswith(".py") and name[:-3].isidentifier() and name != "__init__.py":
                        names.add(name[:-3])
                    elif name.isidentifier() and entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                        names.add(name)
        except OSError:
            pass
        result = self._tops[base] = frozenset(names)
        return result

    def prefixes_for(self, importer: Path) -> tuple[str, ...]:
        heads: set = set()
        for base in self.search_roots(importer):
            heads |= self.top_names(base)
        return (".", *sorted(f"{head}." for head in heads))

    def is_project_name(self, qualified: str, importer: Path) -> bool:
        if qualified.startswith("."):
            return True
        head = qualified.split(".", 1)[0]
        return any(head in self.top_names(base) for base in self.search_roots(importer))

    def locate(self, level: int, parts: list, importer: Path) -> Optional[tuple[Path, int]]:
        """(module file, how many of ``parts`` name it): the longest module prefix of ``parts``."""
        limit = 0
        while limit < len(parts) and parts[limit].isidentifier():
            limit += 1
        # Relative imports depend on the importer's folder; absolute ones only on where they
        # are searched, which most folders of a project share.
        key = ((os.path.dirname(str(importer)), level, tuple(parts[:limit])) if level
               else (self.search_roots(importer), tuple(parts[:limit])))
        try:
            return self._located[key]
        except KeyError:
            pass
        result = self._located[key] = self._locate(level, parts, limit, importer)
        return result

    def _locate(self, level: int, parts: list, limit: int, importer: Path) -> Optional[tuple[Path, int]]:
        if level:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            bases = [base]
        else:
            if not limit:
                return None
            bases = [b for b in self.search_roots(importer) if parts[0] in self.top_names(b)][:1]
        for base in bases:
            for count in range(limit, 0, -1):
                target = os.path.join(base, *parts[:count])
                init = os.path.join(target, "__init__.py")
                if self._is_file(init):
                    return Path(init), count
                module = target + ".py"
                if self._is_file(module):
                    return Path(module), count
            if level:
                init = os.path.join(base, "__init__.py")  # `from . import name`: the package's own
                if self._is_file(init):
                    return Path(init), 0
        return None

    # -- jedi -------------------------------------------------------------------------------
    def jedi_request(self, module: ModuleInfo, name: str, calls: int, positioned: bool = True) -> Future:
        """A future for jedi's answer (a qualified name or None); shared by every file."""
        key = (module.path, module.stamp, name, calls)
        with self._lock:
            self._ensure_thread()
            future = self._jedi_answers.get(key)
            if future is None:
                future = Future()
                self._jedi_answers[key] = future
                self.stats["jedi_requests"] += 1
                assert self._queue is not None
                self._queue.put((future, lambda: self._jedi_infer(module, name, calls, positioned)))
        return future

    def _ensure_thread(self) -> None:
        pid = os.getpid()
        if self._thread_pid == pid:
            return
        # First use, or a forked worker process inherited a resolver whose thread it lacks.
        self._jedi_answers = {}
        self._jedi_state = {}
        self._queue = queue.SimpleQueue()
        self._thread_pid = pid
        thread = threading.Thread(target=self._serve, args=(self._queue,), name="prodready-jedi", daemon=True)
        thread.start()

    def _serve(self, jobs: queue.SimpleQueue) -> None:
        while True:
            future, job = jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = job()
            except BaseException:  # noqa: BLE001 - any jedi failure means "unknown"
                result = None
            self._jedi_warm = True
            future.set_result(result)

    def _jedi(self):
        state = self._jedi_state
        if "jedi" not in state:
            import jedi

            # Nothing imported in this process; no scanning of other files for call sites.
            jedi.settings.auto_import_modules = []
            jedi.settings.dynamic_params = False
            jedi.settings.dynamic_params_for_other_modules = False
            jedi.settings.dynamic_array_additions = False
            src = self.root / "src"
            state["jedi"] = jedi
            state["project"] = jedi.Project(
                str(self.root), load_unsafe_extensions=False, smart_sys_path=True,
                added_sys_path=(str(src),) if src.is_dir() else (),
            )
            state["scripts"] = {}
        return state["jedi"], state["project"], state["scripts"]

    def _jedi_infer(self, module: ModuleInfo, name: str, calls: int, positioned: bool) -> Optional[str]:
        """jedi thread: infer ``name`` (called ``calls`` times) in ``module``."""
        text = module.text()
        if text is None:
            return None
        jedi, project, scripts = self._jedi()
        position = module.position(name, text) if positioned else None
        if position is None:
            # Not bound by a statement we can point at (a star import): ask at a new last line.
            code = text + ("" if text.endswith("\n") else "\n") + name + "\n"
            script = jedi.Script(code, path=str(module.path), project=project)
            position = (code.count("\n"), 0)
        else:
            key = (module.path, module.stamp)
            script = scripts.get(key)
            if script is None:
                if len(scripts) >= _SCRIPT_CACHE:
                    scripts.pop(next(iter(scripts)))
                script = scripts[key] = jedi.Script(text, path=str(module.path), project=project)
        names = script.infer(*position)
        for _ in range(calls):
            names = [result for n in names for result in n.execute()]
        answers = {self._convert(n) for n in names}
        return answers.pop() if len(answers) == 1 else None

    def _convert(self, definition) -> Optional[str]:
        """A jedi Name as names.py would spell it: ``requests.Session()`` for an instance."""
        kind = definition.type
        suffix = {"instance": "()", "class": "", "function": "", "module": ""}.get(kind)
        full = definition.full_name
        if suffix is None or not full:
            return None
        module_path = definition.module_path
        if module_path is not None and self._in_project(Path(module_path)):
            return None  # the project's own class or function: rules do not know it
        full = self._public_name(full, definition.module_name, module_path)
        if full.startswith("builtins."):
            full = full[len("builtins."):]  # names.py spells builtins bare: `open`, `dict()`
        return full + suffix

    def _in_project(self, path: Path) -> bool:
        try:
            rel = path.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError):
            return False
        return not any(part in {"site-packages", "dist-packages"} for part in rel.parts)

    def _public_name(self, full: str, module_name: Optional[str], module_path) -> str:
        """``requests.sessions.Session`` -> ``requests.Session`` when a package re-exports it
        (the shortest such name), reading the packages' ``__init__.py`` with `ast`."""
        if not module_name or not module_path or not full.startswith(module_name + "."):
            return full
        attr = full[len(module_name) + 1:]
        if not attr.isidentifier():
            return full
        parts = module_name.split(".")
        path = Path(module_path)
        if path.suffix != ".py":
            return full
        folder = path.parent if path.name == "__init__.py" else path.with_suffix("")
        for count in range(1, len(parts)):
            package_dir = folder
            for _ in range(len(parts) - count):
                package_dir = package_dir.parent
            if package_dir.name != parts[count - 1]:
                return full
            init = self.module(package_dir / "__init__.py")
            value = init.bindings.get(attr)
            if not isinstance(value, str):
                continue
            if value.startswith("."):
                level = len(value) - len(value.lstrip("."))
                anchor = parts[: count - (level - 1)] if level - 1 <= count else None
                if anchor is None:
                    continue
                value = ".".join([*anchor, value[level:]])
            if value == full:
                return ".".join([*parts[:count], attr])
        return full


class FileLookup:
    """The `NameResolver` hook for one analysed file: ``lookup(".extensions.http.get")``.

    ``consulted``: the project files its answers were read from, with their (mtime_ns, size),
    so that a cache of this file's results can tell when they may have changed.
    """

    def __init__(self, project: ProjectResolver, path: Path, budget: float) -> None:
        self.project = project
        self.path = path
        self.remaining = budget
        self.prefixes = project.prefixes_for(path)
        self.consulted: dict[str, Optional[Stamp]] = {}
        self._answers: dict[str, Optional[str]] = {}
        self._asked_jedi = False

    def __call__(self, qualified: str) -> Optional[str]:
        """What ``qualified`` (as this file imports it) is, or None.

        In a batch run the answer is shared with the run's other files that ask the same from
        where it means the same (a relative name from the same folder, an absolute one with
        the same search roots): the modules it is read from do not change during the run.
        Of the benchmark corpus's 7,360 questions, 4,281 were different. An answer that
        waited for jedi is not shared: it depends on the file's time budget."""
        try:
            return self._answers[qualified]
        except KeyError:
            pass
        shared = self.project.answers
        key = None
        if shared is not None:
            where = os.path.dirname(str(self.path)) if qualified.startswith(".") else self.project.search_roots(self.path)
            key = (where, qualified)
            known = shared.get(key)
            if known is not None:
                answer, consulted = known
                self.consulted.update(consulted)
                self._answers[qualified] = answer
                return answer
        outer, self.consulted = self.consulted, {}
        self._asked_jedi = False
        try:
            answer = self._answer(qualified, self.path, 0, set())
            failed = False
        except Exception:  # noqa: BLE001 - cross-module answers are best effort: unknown
            answer, failed = None, True
        finally:
            consulted, self.consulted = self.consulted, outer
            outer.update(consulted)
        if key is not None and not failed and not self._asked_jedi:
            shared[key] = (answer, consulted)
        self._answers[qualified] = answer
        return answer

    # -- resolution -------------------------------------------------------------------------
    def _answer(self, qualified: str, importer: Path, hops: int, seen: set) -> Optional[str]:
        if hops > MAX_HOPS:
            return None
        stripped = qualified.lstrip(".")
        level = len(qualified) - len(stripped)
        parts = stripped.split(".") if stripped else []
        located = self.project.locate(level, parts, importer)
        if located is None:
            return None
        path, count = located
        if count == len(parts):
            return None  # a module of the project: nothing to substitute
        match = _CALLS.match(parts[count])
        if match is None or not match.group(1).isidentifier():
            return None
        name, calls = match.group(1), len(match.group(2)) // 2
        if not self.project.parsed(path):
            # Most names imported from the project are its functions and classes: tell them
            # from the text, without parsing a module nobody needed parsed so far.
            stamp, kind = self.project.quick_kind(path, name)
            if kind == "class" or (kind == "function" and not calls):
                self.consulted[str(path)] = stamp
                return None
        module = self._module(path)
        if not module.ok:
            return None
        value = self._value(module, name, calls, hops, seen)
        if value is None:
            return None
        rest = parts[count + 1:]
        return ".".join([value, *rest]) if rest else value

    def _module(self, path: Path) -> ModuleInfo:
        module = self.project.module(path)
        self.consulted[str(path)] = module.stamp
        return module

    def _follow(self, value: str, module: ModuleInfo, hops: int, seen: set) -> Optional[str]:
        """A value found in ``module``: project-local ones are resolved from there."""
        if self.project.is_project_name(value, module.path):
            return self._answer(value, module.path, hops + 1, seen)
        return value

    def _value(self, module: ModuleInfo, name: str, calls: int, hops: int, seen: set) -> Optional[str]:
        """What ``name`` followed by ``calls`` calls is in ``module``, or None."""
        key = (module.path, name, calls)
        if key in seen:
            return None  # an import cycle
        seen.add(key)
        bound = module.bindings.get(name)
        if isinstance(bound, str):
            return self._follow(bound + "()" * calls, module, hops, seen)
        definition = module.definitions.get(name)
        if definition is None:
            for star in module.stars:
                if self.project.is_project_name(star, module.path):
                    found = self._answer(f"{star}.{name}{'()' * calls}", module.path, hops + 1, seen)
                    if found is not None:
                        return found
            if any(not self.project.is_project_name(star, module.path) for star in module.stars):
                return self._jedi(module, name, calls, positioned=False)  # a library's star import
            return None
        kind, _line, _column, extra = definition
        if kind == "function":
            if not calls:
                return None  # the project's own function
            # What a call returns: only from its return statements. (jedi is kept for the
            # module's objects; results of calls at use sites are too many to infer.)
            returned, _inferable = self._returns(module, name, hops, seen)
            return returned + "()" * (calls - 1) if returned is not None else None
        if kind == "assign":
            inferable, augmented, alias, chain, arguments = extra
            if augmented or not inferable:
                return None
            if alias is not None:  # `Session = requests.Session`, `builtin_str = str`
                followed = self._follow(alias + "()" * calls, module, hops, seen)
                if followed is not None or chain is None or not chain[1]:
                    return followed
                # `mount = configure(requests.Session()).mount`: configure() may return its argument
            if chain is None:  # `x if c else y`, ...
                return self._jedi(module, name, calls)
            # A chain on a name bound here: `client = make_client()`, `session = db.session`.
            root, lead, rest = chain
            if root == name and not lead and not rest:  # `str = str`
                return name + "()" * calls if name in _BUILTINS else None
            value = self._value(module, root, lead, hops, seen)
            if value is not None:
                return value + rest + "()" * calls
            function = self._function_named(root, module, hops) if lead else None
            if function is None:
                return None  # the project's own class or object: nothing a rule knows
            # `getx = prototype(lib.GetX, [...])`, prototype() (here or imported) returning
            # its argument: that argument, as it resolves here.
            position = self._passed(function[0], function[1], hops, seen)
            if position is not None and arguments is not None and position < len(arguments) \
                    and arguments[position] is not None:
                passed = arguments[position] + "()" * (lead - 1) + rest + "()" * calls
                return self._follow(passed, module, hops, seen)
            if function[0] is not module:
                return None
            # `built = build()`, build() returning a local variable: ask jedi about `built`.
            return self._jedi(module, name, calls) if self._returns(module, root, hops, seen)[1] else None
        if kind == "target":
            return self._jedi(module, name, calls)
        return None  # the project's own class; an import names.py could not name

    def _returns(self, module: ModuleInfo, name: str, hops: int, seen: set) -> tuple[Optional[str], bool]:
        """(what function ``name`` returns when every return statement names the same thing,
        whether a return value is worth inferring)."""
        value, inferable = self._summary(module, name)[0]
        if value is None:
            return None, inferable
        if self.project.is_project_name(value, module.path):
            followed = self._answer(value, module.path, hops + 1, seen)
            return followed, inferable and followed is None
        return value, inferable

    @staticmethod
    def _summary(module: ModuleInfo, name: str) -> tuple:
        cached = module.returns.get(name)
        if cached is None:
            cached = module.returns[name] = _function_summary(module, name)
        return cached

    def _passed(self, module: ModuleInfo, name: str, hops: int, seen: set) -> Optional[int]:
        """The position of the parameter that function ``name`` of ``module`` returns from
        every return statement, itself or through another function that returns it; None
        for any other function. (Such a call's value is its argument, which the use site
        knows better than jedi would.)"""
        key = ("passes", module.path, name)
        if hops > MAX_HOPS or key in seen:
            return None
        seen.add(key)
        try:
            position = None
            for parameter, callee, argument in self._summary(module, name)[1]:
                if callee is not None:
                    target = self._function_named(callee, module, hops)
                    if target is None or self._passed(target[0], target[1], hops + 1, seen) != argument:
                        return None
                if position is None:
                    position = parameter
                elif position != parameter:
                    return None
            return position
        finally:
            seen.discard(key)

    def _function_named(self, spelled: str, module: ModuleInfo, hops: int) -> Optional[tuple[ModuleInfo, str]]:
        """(module, name) of the project's top-level function that ``spelled`` names in
        ``module`` (its own ``helper``, or an imported ``helper`` / ``mod.helper``, following
        re-exports); None for anything else."""
        for _ in range(MAX_HOPS - hops + 1):
            head, _, tail = spelled.partition(".")
            bound = module.bindings.get(head)
            if not isinstance(bound, str):
                definition = module.definitions.get(head)
                found = not tail and definition is not None and definition[0] == "function"
                return (module, head) if found else None
            qualified = f"{bound}.{tail}" if tail else bound
            if not self.project.is_project_name(qualified, module.path):
                return None
            stripped = qualified.lstrip(".")
            parts = stripped.split(".")
            located = self.project.locate(len(qualified) - len(stripped), parts, module.path)
            if located is None or located[1] != len(parts) - 1:
                return None
            module = self._module(located[0])
            if not module.ok:
                return None
            spelled = parts[-1]
        return None

    def _jedi(self, module: ModuleInfo, name: str, calls: int, positioned: bool = True) -> Optional[str]:
        project = self.project
        self._asked_jedi = True
        if not project.use_jedi or self.remaining <= 0:
            return None
        future = project.jedi_request(module, name, calls, positioned)
        timeout = self.remaining + (0.0 if project._jedi_warm else project.startup_allowance)
        warm = project._jedi_warm
        began = time.perf_counter()
        try:
            answer = future.result(timeout=timeout)
        except FutureTimeout:
            project.stats["jedi_timeouts"] += 1
            if project.stats["jedi_timeouts"] >= JEDI_MAX_TIMEOUTS:
                project.use_jedi = False  # too slow for this project: stop making files wait
            self.remaining = 0.0
            return None
        spent = time.perf_counter() - began
        self.remaining -= spent if warm else max(0.0, spent - project.startup_allowance)
        if answer is None or project.is_project_name(answer, module.path):
            return None  # e.g. the project's own class, seen through a bundled stub
        return answer


def _scan_body(func: ast.AST) -> Optional[tuple[list, set]]:
    """(the return statements of ``func``'s own body, the names it binds: assignments,
    targets, nested ``def``/``class``), or None for a generator or a function with
    ``global``/``nonlocal``. Nested functions and lambdas are not entered."""
    returns: list = []
    local: set = set()
    stack = list(func.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)):
            return None
        if isinstance(node, ast.Return):
            returns.append(node)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            local.add(node.id)
        if isinstance(node, _SCOPES):
            if not isinstance(node, ast.Lambda):
                local.add(node.name)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return returns, local


def _function_summary(module: ModuleInfo, name: str) -> tuple[tuple[Optional[str], bool], tuple]:
    """What `FileLookup` needs of top-level function ``name``, from one parse of it:
    (`_returned_value`, `_returned_parameters`)."""
    func = module.function(name)
    scan = _scan_body(func) if func is not None else None
    if scan is None:
        return (None, False), ()
    returns, local = scan
    decorated = module.definitions[name][2] == -2  # a decorator may replace what a call runs
    forms = () if decorated else _returned_parameters(func, returns, local)
    return _returned_value(module, func, returns, local), forms


def _returned_parameters(func: ast.AST, returns: list, rebound: set) -> tuple:
    """How ``func`` returns one of its positional parameters: for every return statement
    (parameter position, None, None) for ``return f``, or (parameter position, callee,
    argument position) for ``return g(x, f)`` (g as spelled in the module: it passes ``f``
    through when g returns its argument at that position). Empty when some return statement
    gives anything else or the parameter is bound again."""
    args = func.args  # type: ignore[attr-defined]
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]

    def parameter(node) -> Optional[int]:
        if isinstance(node, ast.Name) and node.id in positional and node.id not in rebound:
            return positional.index(node.id)
        return None

    forms = []
    for statement in returns:
        value = statement.value
        position = parameter(value)
        if position is not None:
            forms.append((position, None, None))
            continue
        if not isinstance(value, ast.Call) or any(isinstance(a, ast.Starred) for a in value.args):
            return ()
        callee = _spelled(value.func, rebound | set(positional))
        through = [(parameter(a), i) for i, a in enumerate(value.args) if parameter(a) is not None]
        if callee is None or len(through) != 1:
            return ()
        forms.append((through[0][0], callee, through[0][1]))
    return tuple(forms)


_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))  # try/except* from Python 3.11
# Statements whose blocks may run or not: a name bound only inside them keeps its earlier value.
_CONDITIONAL = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Match, *_TRIES)


def _may_return_literal(func: ast.AST) -> bool:
    """Does the function end with ``return x`` where ``x`` may still hold the literal it was
    given (``x = None``, then bound again only inside an ``if``, a loop or a ``try``)? Then
    what a call gives back is that literal on some path, not one library object a rule
    could name, and inferring it (jedi) cannot say more:

        chardet = None
        for lib in ("chardet", "charset_normalizer"):
            try:
                chardet = importlib.import_module(lib)
            ...
        return chardet
    """
    body = func.body  # type: ignore[attr-defined]
    last = body[-1] if body else None
    if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name)):
        return False
    name = last.value.id
    holds_literal = False
    for stmt in body[:-1]:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(
                isinstance(t, ast.Name) and t.id == name
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])):
            holds_literal = isinstance(stmt.value, ast.Constant)
            continue
        if not _binds(stmt, name):
            continue
        if not isinstance(stmt, _CONDITIONAL) or _binds_unconditionally(stmt, name):
            holds_literal = False
    return holds_literal


def _binds(node: ast.AST, name: str) -> bool:
    """Does anything under ``node`` bind ``name`` (an assignment, a loop or ``with`` target, an
    import, a ``def``/``class``; nested scopes counted too, which only makes this say yes more)?"""
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id == name and not isinstance(child.ctx, ast.Load):
            return True
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child.name == name:
            return True
        if isinstance(child, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".", 1)[0]) == name for a in child.names):
            return True
        if isinstance(child, ast.ExceptHandler) and child.name == name:
            return True
        if isinstance(child, (ast.Global, ast.Nonlocal)):
            return True
    return False


def _binds_unconditionally(stmt: ast.AST, name: str) -> bool:
    """A conditional statement whose part that always runs binds ``name``: a loop's target,
    an ``if``'s test (a walrus), a ``try``'s ``finally``."""
    always: list = []
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        always = [stmt.target, stmt.iter]
    elif isinstance(stmt, (ast.If, ast.While)):
        always = [stmt.test]
    elif isinstance(stmt, _TRIES):
        always = list(stmt.finalbody)  # type: ignore[attr-defined]
    else:  # match: its subject
        always = [getattr(stmt, "subject", None)]
    return any(part is not None and _binds(part, name) for part in always)


def _spelled(node: ast.AST, local: set) -> Optional[str]:
    """``helper`` or ``pkg.mod.helper`` as the module binds it (None for a local name or
    anything else than a name or attribute chain)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id in local:
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _returned_value(module: ModuleInfo, func: ast.AST, returns: list, local: set) -> tuple[Optional[str], bool]:
    """(the qualified name every return statement of ``func`` resolves to, with module
    bindings and its own locals (``local``) shadowing them; whether some return value is an
    expression worth inferring). Functions with bare returns: (None, False)."""
    if not returns or any(r.value is None for r in returns):
        return None, False
    inferable = any(isinstance(r.value, _INFERABLE) for r in returns) and not _may_return_literal(func)
    resolver = NameResolver(module.bindings)
    resolver.push("function", func)
    resolver.bind_arguments(func.args)  # type: ignore[attr-defined]
    for local_name in local:
        resolver.bind(local_name, None)
    values = {resolver.resolve(r.value) for r in returns}
    value = values.pop() if len(values) == 1 else None
    return value, inferable
