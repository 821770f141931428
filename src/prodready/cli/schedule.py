"""Spreading a batch run over worker processes so that every core stays busy to the end.

Files differ in size by three orders of magnitude (a 4,000-line Django module next to
hundreds of ten-line `__init__.py`s). Handing them out in path order, in fixed chunks of 32,
left one worker finishing a chunk of big files while the other sat idle. So the work is
ordered largest first (by bytes on disk) and cut into chunks of about equal bytes: big files
travel alone, small ones in groups, so the per-chunk transfer cost stays small and the last
chunks to finish are small ones (longest-processing-time-first).

The project check (PR6xx) runs in this process after the pool: the workers hand back, with
each module's findings, the project facts they computed from the tree they parsed
(`Task.project_facts`), so it parses nothing again. (It used to run in the pool beside the
files, parsing every module a second time: a third of a cold run's work.)

Workers are forked from this process, so they start with the rules already imported. Results
come back in any order; the caller sorts them.
"""

from __future__ import annotations

import os
from typing import Sequence

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


def run_pool(tasks: Sequence[Task], workers: int) -> list[FileResult]:
    """Check ``tasks`` in ``workers`` processes; the results come in no particular order.

    Raises what `ProcessPoolExecutor` raises when workers cannot start or die, so the caller
    can fall back to checking in its own process.
    """
    from concurrent.futures import ProcessPoolExecutor

    results: list[FileResult] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(process_chunk, chunk) for chunk in chunks_by_size(tasks, workers)]
        for future in futures:
            results.extend(future.result())
    return results
