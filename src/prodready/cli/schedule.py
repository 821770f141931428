"""Spreading a batch run over worker processes so that every core stays busy to the end.

Files differ in size by three orders of magnitude (a 4,000-line Django module next to
hundreds of ten-line `__init__.py`s). Handing them out in path order, in fixed chunks of 32,
left one worker finishing a chunk of big files while the other sat idle, and the project
check (PR6xx, which scans the whole project) ran alone after the pool had finished. So:

* the work is ordered largest first (by bytes on disk) and cut into chunks of about equal
  bytes: big files travel alone, small ones in groups, so the per-chunk transfer cost stays
  small and the last chunks to finish are small ones (longest-processing-time-first);
* an extra job (the project check in `check` mode) is submitted first, so it runs beside
  the files instead of after them.

Workers are forked from this process, so they start with the rules already imported. Results
come back in any order; the caller sorts them.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional, Sequence

from prodready.cli.runner import FileResult, Task, process

CHUNKS_PER_WORKER = 24  # enough for the tail to balance; few enough that transfers stay cheap
MAX_CHUNK_FILES = 32


def task_size(task: Task) -> int:
    """Bytes to analyse (stdin data, else the file's size; 0 when it cannot be read)."""
    if task.data is not None:
        return len(task.data)
    try:
        return os.stat(task.path).st_size
    except OSError:
        return 0


def chunks_by_size(tasks: Sequence[Task], workers: int) -> list[list[Task]]:
    """``tasks`` largest first, in chunks of roughly equal total bytes."""
    sized = sorted(((task_size(t), i) for i, t in enumerate(tasks)), key=lambda p: (-p[0], p[1]))
    total = sum(size for size, _ in sized)
    budget = max(1, total // max(1, workers * CHUNKS_PER_WORKER))
    chunks: list[list[Task]] = []
    current: list[Task] = []
    filled = 0
    for size, index in sized:
        current.append(tasks[index])
        filled += size
        if filled >= budget or len(current) >= MAX_CHUNK_FILES:
            chunks.append(current)
            current, filled = [], 0
    if current:
        chunks.append(current)
    return chunks


def process_chunk(tasks: list[Task]) -> list[FileResult]:
    """Worker side: check one chunk of files."""
    return [process(task) for task in tasks]


def run_pool(tasks: Sequence[Task], workers: int,
             extra: Optional[Callable[[], Any]] = None) -> tuple[list[FileResult], Any]:
    """Check ``tasks`` in ``workers`` processes; run ``extra`` (a picklable callable) there too.

    Returns the results (in no particular order) and what ``extra`` returned (None without
    it). Raises what `ProcessPoolExecutor` raises when workers cannot start or die, so the
    caller can fall back to checking in its own process.
    """
    from concurrent.futures import ProcessPoolExecutor

    results: list[FileResult] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        extra_future = pool.submit(extra) if extra is not None else None
        futures = [pool.submit(process_chunk, chunk) for chunk in chunks_by_size(tasks, workers)]
        for future in futures:
            results.extend(future.result())
        extra_result = extra_future.result() if extra_future is not None else None
    return results, extra_result
