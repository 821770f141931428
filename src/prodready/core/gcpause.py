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
        gc.unfreeze()
        gc.collect()
    gc.freeze()
