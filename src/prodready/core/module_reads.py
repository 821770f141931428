"""What one block's analysis read of the module context, so an edit re-analyses only the
blocks whose reading it changes.

A block's findings depend on the module context (names.py bindings and the top-level class
table) only through what the block looked up in it. When an edit adds, removes or rebinds a
top-level name (an import, a constant, a function), the blocks that never looked that name
up would get exactly the same result, and re-analysing every block of a 5,000-line file for
each new import made such edits ten times slower than the others.

`ModuleReads` collects, during one block's analysis:

- ``names``: every bare name looked up in the module scope — found *or not* (a name that was
  unbound and becomes bound changes what it resolves to);
- ``classes``: every name looked up in the top-level class table;
- ``derived``: whole-module facts a rule computes from all bindings (``ModuleContext.derived``:
  "does this module import a CLI framework?"), with the value the block saw;
- ``everything``: set when the block enumerated the bindings or classes itself; such a block
  depends on all of them.

`still_valid` decides, for a block analysed against an old context, whether its cached
result holds for a new one. The whole-file analysis records nothing (`RecordingBindings`
is only installed for the incremental analyzer), so batch runs pay nothing for this.
"""

from __future__ import annotations

from typing import Callable


class ModuleReads:
    __slots__ = ("names", "classes", "derived", "everything")

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.classes: set[str] = set()
        self.derived: dict[object, tuple[Callable, object]] = {}
        self.everything = False


class RecordingBindings(dict):
    """A module mapping as one block sees it: reads go to the shared mapping and are written
    down one key at a time; writes stay in this overlay (never in the shared mapping).

    Nothing is copied: a huge module binds tens of thousands of names and has thousands of
    blocks, and copying the bindings for each block was quadratic. Enumerating the mapping
    (iteration, ``keys``/``values``/``items``, ``len``) makes the reader depend on every entry.
    """

    __slots__ = ("_shared", "_keys", "_reads")

    def __init__(self, shared: dict, keys: set, reads: ModuleReads) -> None:
        super().__init__()
        self._shared = shared
        self._keys = keys
        self._reads = reads

    def __contains__(self, key) -> bool:
        self._keys.add(key)
        return dict.__contains__(self, key) or key in self._shared

    def __getitem__(self, key):
        self._keys.add(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self._shared[key]

    def get(self, key, default=None):
        self._keys.add(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self._shared.get(key, default)

    def _merged(self) -> dict:
        self._reads.everything = True
        return {**self._shared, **dict(dict.items(self))}

    def __iter__(self):
        return iter(self._merged())

    def __len__(self) -> int:
        return len(self._merged())

    def __bool__(self) -> bool:
        return bool(self._merged())

    def keys(self):
        return self._merged().keys()

    def values(self):
        return self._merged().values()

    def items(self):
        return self._merged().items()

    def copy(self) -> dict:
        return self._merged()


def changed_keys(old: dict, new: dict) -> set:
    """Keys bound in only one of the mappings, or to different values."""
    changed = set(old.keys() ^ new.keys())
    for key, value in new.items():
        if key in old and old[key] != value:
            changed.add(key)
    return changed


def still_valid(reads: ModuleReads, changed_names: set, changed_classes: set, module) -> bool:
    """Whether a block that read ``reads`` of an old module context reads the same of
    ``module`` (the new one, whose bindings and classes differ in the changed keys)."""
    if reads.everything:
        return False
    if not reads.names.isdisjoint(changed_names) or not reads.classes.isdisjoint(changed_classes):
        return False
    for key, (compute, value) in reads.derived.items():
        if module.derived(key, compute) != value:
            return False
    return True


__all__ = ["ModuleReads", "RecordingBindings", "changed_keys", "still_valid"]
