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
from typing import Optional

logger = logging.getLogger(__name__)

RELEASE_DELAY_S = 1.0  # one release per burst of closes (an editor closing a workspace's tabs)
IDLE_COLLECT_S = 5.0  # the full collection frozen analyses wait for: after typing stops

_timer: Optional[asyncio.TimerHandle] = None


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, looked up once (``find_library`` runs a subprocess), or None."""
    import ctypes  # here, not at start-up: ctypes.util pulls in tempfile and shutil
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:  # not glibc, or no C library to load: the collection alone still helps
        return None


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
