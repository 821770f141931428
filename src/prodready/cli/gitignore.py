"""`.gitignore` matching, written from git's documented rules (gitignore(5)).

Supported: nested `.gitignore` files (a deeper file overrides a shallower one, and within a
file the last matching pattern wins), `.git/info/exclude`, negation (`!pattern`), directory
only patterns (`dir/`), anchored patterns (a `/` at the start or in the middle), `*`, `?`,
`[...]` classes, `**` (leading `**/`, trailing `/**`, middle `/**/`), backslash escapes and
trailing spaces. As in git, a file inside an ignored directory cannot be re-included: the
walker never enters an ignored directory.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    negate: bool
    dir_only: bool
    source: str

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        return self.regex.fullmatch(rel) is not None


def _translate_segment(segment: str) -> str:
    """Translate one glob segment (no `/`) to a regex fragment."""
    out: list[str] = []
    i, n = 0, len(segment)
    while i < n:
        ch = segment[i]
        if ch == "\\" and i + 1 < n:
            out.append(re.escape(segment[i + 1]))
            i += 2
            continue
        if ch == "*":
            while i + 1 < n and segment[i + 1] == "*":
                i += 1  # "other consecutive asterisks are regular asterisks"
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = i + 1
            if j < n and segment[j] in "!^":
                j += 1
            if j < n and segment[j] == "]":
                j += 1
            while j < n and segment[j] != "]":
                j += 1
            if j >= n:  # no closing bracket: a literal "["
                out.append(re.escape(ch))
            else:
                body = segment[i + 1:j]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("[", "\\[")
                out.append(f"[{'^/' if negate else ''}{body}]" if body else "[^/]")
                i = j
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def compile_pattern(line: str) -> Optional[Pattern]:
    """One line of a .gitignore file -> Pattern, or None for blanks and comments."""
    raw = line.rstrip("\n").rstrip("\r")
    # Trailing spaces are ignored unless escaped with a backslash.
    stripped = raw.rstrip(" \t")
    if stripped.endswith("\\") and len(stripped) < len(raw):
        stripped += raw[len(stripped)]
    text = stripped
    if not text or text.startswith("#"):
        return None
    negate = False
    if text.startswith("!"):
        negate = True
        text = text[1:]
    elif text.startswith(("\\!", "\\#")):
        text = text[1:]
    dir_only = text.endswith("/") and not text.endswith("\\/")
    text = text.rstrip("/") if dir_only else text
    if not text:
        return None
    anchored = "/" in text
    text = text.lstrip("/") if text.startswith("/") else text
    segments = text.split("/")
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            if last:
                parts.append(".*")
            else:
                parts.append("(?:.*/)?")
            continue
        parts.append(_translate_segment(segment) + ("" if last else "/"))
    body = "".join(parts)  # "abc/**" -> "abc/.*": everything inside abc, not abc itself
    if not anchored:
        body = "(?:.*/)?" + body
    try:
        regex = re.compile(body, re.DOTALL)
    except re.error:
        return None
    return Pattern(regex, negate, dir_only, raw)


def parse_lines(text: str) -> list[Pattern]:
    patterns = []
    for line in text.splitlines():
        pattern = compile_pattern(line)
        if pattern is not None:
            patterns.append(pattern)
    return patterns


def find_git_root(start: Path) -> Optional[Path]:
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class IgnoreTree:
    """The `.gitignore` files that apply below ``top`` (loaded lazily, cached per folder)."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self._top = str(top)
        self._prefix = self._top if self._top.endswith(os.sep) else self._top + os.sep
        self._cache: dict[str, list[Pattern]] = {}  # folder (as a string) -> its .gitignore
        info = top / ".git" / "info" / "exclude"
        self._info = self._read(info)

    @staticmethod
    def _read(path: Path) -> list[Pattern]:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return parse_lines(handle.read())
        except OSError:
            return []

    def patterns(self, folder: Path) -> list[Pattern]:
        return self._patterns(str(folder))

    def _patterns(self, folder: str) -> list[Pattern]:
        cached = self._cache.get(folder)
        if cached is None:
            cached = self._cache[folder] = self._read(Path(folder, ".gitignore"))
        return cached

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """Is ``path`` (absolute, below ``top``) ignored by the patterns in its ancestors?

        Only the path itself is tested; the walker does not enter ignored folders, which gives
        git's rule that nothing inside an ignored folder can be re-included.
        """
        # Strings, not Path arithmetic: this runs for every file and folder a check walks.
        text = str(path)
        if not text.startswith(self._prefix):
            return False  # `top` itself, or not below it
        parts = [part for part in text[len(self._prefix):].split(os.sep) if part]
        if not parts:
            return False
        result = False
        rel = "/".join(parts)
        for pattern in self._info:
            if pattern.matches(rel, is_dir):
                result = not pattern.negate
        folder = self._top
        for depth in range(len(parts)):
            patterns = self._patterns(folder)
            if patterns:
                sub = "/".join(parts[depth:])
                for pattern in patterns:
                    if pattern.matches(sub, is_dir):
                        result = not pattern.negate
            folder = os.path.join(folder, parts[depth])
        return result

    def ignored_with_parents(self, path: Path, is_dir: bool) -> bool:
        """Like `ignored`, but also true when any folder between ``top`` and ``path`` is ignored."""
        try:
            parts = path.relative_to(self.top).parts
        except ValueError:
            return False
        current = self.top
        for index, part in enumerate(parts):
            current = current / part
            last = index == len(parts) - 1
            if self.ignored(current, is_dir if last else True):
                return True
        return False

