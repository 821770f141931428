"""Pause Python's cyclic garbage collector while building large object graphs.

Parsing a 30k-line file creates a million AST nodes; with the collector on, each
generation-0 collection that promotes them makes later full collections walk the whole
growing heap, and parsing and analysing a big file took two to three times as long (measured
in bench/fix_engine.py). Trees and findings hold no cycles that need the collector to be
freed, so it is paused for the duration and left to run normally afterwards. Re-entrant and
thread-safe: the collector is re-enabled only when the last holder leaves, and never if it
was off to begin with.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()


# -- batch runs ------------------------------------------------------------------------------
COLLECT_EVERY_FILES = 1000
_files_since_collect = 0

# A batch process ends with `os._exit` (cli/exiting.py; pool workers are forked and end the
# same way), so what is alive at its end is never freed. Freeing a file's syntax tree node by
# node (each node a Python object with its own dict) was a tenth of the work of a check, so a
# batch check keeps each file's tree instead, up to KEEP_TREE_SOURCE_BYTES of source text per
# process (a tree takes about 28 times the bytes of its text: ~250 MB); past that, and at each
# periodic collection below, trees are freed as before.
KEEP_TREE_SOURCE_BYTES = 9 * 1024 * 1024
_kept: list = []
_kept_bytes = 0


def keep_until_exit(tree: object, source_bytes: int) -> None:
    """Keep ``tree`` alive to the end of a batch process instead of freeing it now."""
    global _kept_bytes
    if _kept_bytes + source_bytes <= KEEP_TREE_SOURCE_BYTES:
        _kept.append(tree)
        _kept_bytes += source_bytes


def forget_kept() -> None:
    """Free the kept trees (a periodic collection, or a new run in a process that goes on)."""
    global _kept_bytes
    _kept.clear()
    _kept_bytes = 0


def settle_after_batch_file() -> None:
    """After one file of a batch run: what is alive now (rules, caches, the cross-module facts
    of files seen so far) lives for the rest of the run, so it is moved out of the collector's
    way (``gc.freeze``); the automatic collections then only look at what the next file makes.
    They walked the growing heap again and again: 1.1 s of a 7.7 s single-process run over
    429k lines. A file's own objects are freed by reference counting (no cycles hold its
    tree); the few cycles that remain are collected every COLLECT_EVERY_FILES files."""
    global _files_since_collect
    _files_since_collect += 1
    if _files_since_collect >= COLLECT_EVERY_FILES:
        _files_since_collect = 0
        forget_kept()  # the collection would walk them all, and memory stays bounded
        gc.unfreeze()
        gc.collect()
    gc.freeze()
