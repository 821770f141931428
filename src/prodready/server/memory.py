"""Give memory back after documents close.

Closing a document drops its text, trees and findings, but the analysis graphs hold reference
cycles (parent links, closures in fixes), so they wait for the cyclic collector, and CPython's
allocator keeps freed arenas mapped. Measured with bench/server_scale.py (50 open documents of
5,000 lines): the resident size stayed at 70% of its peak after closing all of them. So a
moment after the last of a burst of closes, the server runs one full collection and, on glibc,
``malloc_trim`` to return the freed pages to the system.

While documents are edited, full collections are kept off the keystroke path: after each
analysis the heap is frozen (`freeze_heap`), and the collection runs once typing has stopped
for IDLE_COLLECT_S.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import urllib.parse
from concurrent.futures import Executor
from typing import Iterable, Optional


logger = logging.getLogger(__name__)

RELEASE_DELAY_S = 1.0  # one release per burst of closes (an editor closing a workspace's tabs)
IDLE_COLLECT_S = 5.0  # the full collection frozen analyses wait for: after typing stops

_timer: Optional[asyncio.TimerHandle] = None


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim`` among the symbols already loaded into the process, or None (not
    glibc: the collection alone still helps)."""
    import ctypes  # here, not at import: `prepare` loads it once the client is initialized

    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):
        return None


def prepare(pools: Iterable[Executor] = ()) -> None:
    """Once the client is initialized, before documents arrive: make what is made once, on
    first use, and kept for the life of the server (the ``malloc_trim`` lookup, the worker
    threads of ``pools``: 2 ms). Made while the first documents are analysed, or on the first
    close, such objects land among the documents' memory and keep CPython's allocator from
    giving those arenas back after the documents close (bench/server_scale.py)."""
    _malloc_trim()
    for pool in pools:
        pool.submit(int)  # a thread pool starts its thread on the first task


def freeze_heap() -> None:
    """After an analysis: move everything alive into the collector's permanent generation.

    A huge document's blocks, trees and findings stay alive between edits, and every full
    collection walked all of them again: about 0.8 s each on a 100k-line file, landing on
    random keystrokes. Frozen objects are still freed by reference counting; cyclic garbage
    among them waits for the idle collection (`schedule_release`), which unfreezes first.
    """
    gc.freeze()


def release_now() -> None:
    gc.unfreeze()
    urllib.parse.clear_cache()  # documents' URIs, parsed by pygls and by us
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def schedule_release(delay: float = RELEASE_DELAY_S) -> None:
    """Collect and release memory ``delay`` seconds after the last call (on the event loop)."""
    global _timer
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        release_now()
        return
    if _timer is not None:
        _timer.cancel()
    _timer = loop.call_later(delay, release_now)
