"""The content-hash cache: unchanged files are not analysed again.

One JSON file per *analysis key* (prodready version, the installed package's files, the
Python version, the effective configuration and the rule catalogue) under
`.prodready_cache/<version>/` at the project root. Inside, each checked file maps to the
sha256 of its bytes, its size and mtime when they were read, the path rules saw, and its
findings as plain data; the project rules' per-file facts (PR6xx) are kept in the same file,
so a warm run reads one file. A file whose bytes, path or key changed is a miss; an
unreadable or malformed cache is ignored (and rewritten).

A file whose size and mtime are what they were is not read again (as Ruff and git do); one
whose stat changed is read and hashed, and its findings are reused while its bytes are the
same. A stat is recorded only for a file last modified well before it was read
(`RACY_SECONDS`): a write in the same clock tick as the read could otherwise leave the size
and mtime unchanged over new contents.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Optional

import prodready

CACHE_DIR = ".prodready_cache"
_FORMAT = 2
PRUNE_AFTER_SECONDS = 30 * 24 * 3600
RACY_SECONDS = 2  # a file modified this recently before it was read is validated by hash


def trusted_stamp(st, now_ns: int) -> Optional[list]:
    """[mtime_ns, size] of a stat to validate by later, or None when it is too recent."""
    if now_ns - st.st_mtime_ns < RACY_SECONDS * 1_000_000_000:
        return None
    return [st.st_mtime_ns, st.st_size]


def _package_fingerprint() -> str:
    """Sizes and mtimes of prodready's own modules: editing a rule invalidates the cache."""
    base = Path(prodready.__file__).parent
    parts = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                parts.append(f"{os.path.relpath(os.path.join(folder, name), base)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def analysis_key(config_fingerprint: str, rule_codes: tuple[str, ...]) -> str:
    return "\n".join([
        f"format={_FORMAT}",
        f"prodready={prodready.__version__}",
        f"package={_package_fingerprint()}",
        f"python={sys.version_info[0]}.{sys.version_info[1]}",
        f"config={config_fingerprint}",
        f"rules={','.join(rule_codes)}",
    ])


class Cache:
    def __init__(self, folder: Path, key: str) -> None:
        self.key = key
        self.folder = folder  # <project root>/.prodready_cache unless --cache-dir
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        self.file = self.folder / prodready.__version__ / f"{digest}.json"
        self.entries: dict[str, dict] = {}
        # The project rules' facts per file ("kind:sha" -> data; core/project/model.py).
        self.project_facts: dict = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("key") == self.key and isinstance(data.get("entries"), dict):
            self.entries = data["entries"]
            facts = data.get("project_facts")
            self.project_facts = facts if isinstance(facts, dict) else {}

    def get_by_stat(self, path: str, st, analysis_path: str) -> Optional[tuple[str, dict]]:
        """(sha, payload) when ``path``'s size and mtime (``st``) are those recorded."""
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or entry.get("analysis_path") != analysis_path:
            return None
        if entry.get("stat") != [st.st_mtime_ns, st.st_size]:
            return None
        sha, payload = entry.get("sha"), entry.get("payload")
        return (sha, payload) if isinstance(sha, str) and isinstance(payload, dict) else None

    def get(self, path: str, sha: str, analysis_path: str) -> Optional[dict]:
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or entry.get("sha") != sha or entry.get("analysis_path") != analysis_path:
            return None
        payload = entry.get("payload")
        return payload if isinstance(payload, dict) else None

    def restamp(self, path: str, stamp: Optional[list]) -> None:
        """Record a new stat for an entry whose bytes were found unchanged."""
        entry = self.entries.get(path)
        if isinstance(entry, dict) and entry.get("stat") != stamp:
            entry["stat"] = stamp
            self.dirty = True

    def put(self, path: str, sha: str, analysis_path: str, payload: dict, stamp: Optional[list] = None) -> None:
        entry = {"sha": sha, "analysis_path": analysis_path, "payload": payload, "stat": stamp}
        if self.entries.get(path) != entry:
            self.entries[path] = entry
            self.dirty = True

    def set_project_facts(self, facts: Optional[dict]) -> None:
        """Replace the project facts (None: they did not change)."""
        if facts is not None and facts != self.project_facts:
            self.project_facts = facts
            self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a cache that cannot be written is silently skipped."""
        if not self.dirty:
            try:
                os.utime(self.file)  # in use: keep it from being pruned
            except OSError:
                pass
            return
        live = {p: e for p, e in self.entries.items() if os.path.exists(p)}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            for name, text in (
                (".gitignore", "# Created by prodready automatically.\n*\n"),
                ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# prodready cache; see https://bford.info/cachedir/\n"),
            ):
                marker = self.folder / name
                if not marker.exists():
                    marker.write_text(text, encoding="utf-8")
            self._prune()
            fd, tmp = tempfile.mkstemp(prefix=".cache.", suffix=".tmp", dir=self.file.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({"key": self.key, "entries": live, "project_facts": self.project_facts}, handle,
                              separators=(",", ":"))
                os.replace(tmp, self.file)
            except OSError:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        except OSError:
            pass
        self.dirty = False

    def _prune(self) -> None:
        """Drop caches of other configurations not used for a month, and of other versions."""
        import shutil
        import time

        cutoff = time.time() - PRUNE_AFTER_SECONDS
        for version_dir in self.folder.iterdir():
            if not version_dir.is_dir():
                continue
            if version_dir != self.file.parent:
                if version_dir.stat().st_mtime < cutoff:
                    shutil.rmtree(version_dir, ignore_errors=True)
                continue
            for other in version_dir.glob("*.json"):
                if other != self.file and other.stat().st_mtime < cutoff:
                    other.unlink()
