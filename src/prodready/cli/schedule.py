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

Workers are forked from this process, so they start with the rules already imported. They
share the module summaries their cross-module lookups make through a folder of the run's
(core/module_summaries.py), so a module asked about in both workers is parsed for that once.
Results come back in any order; the caller sorts them.
"""

from __future__ import annotations

import os
from typing import Sequence

from prodready.cli.runner import FileResult, Task, expect, kept_paths, process, share_summaries

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


def chunks_by_size(tasks: Sequence[Task], workers: int) -> list[list[int]]:
    """The indexes of ``tasks``, largest first, in chunks of roughly equal total bytes."""
    sized = sorted(((task_size(t), i) for i, t in enumerate(tasks)), key=lambda p: (-p[0], p[1]))
    total = sum(size for size, _ in sized)
    budget = max(1, total // max(1, workers * CHUNKS_PER_WORKER))
    chunks: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for size, index in sized:
        current.append(index)
        filled += size
        if filled >= budget or len(current) >= MAX_CHUNK_FILES:
            chunks.append(current)
            current, filled = [], 0
    if current:
        chunks.append(current)
    return chunks


# -- worker side -------------------------------------------------------------------------------
# Who checks which file. A file is checked by the worker that claims it first: the one whose
# chunk it is in, or one that parsed it earlier to answer a lookup of another file and still
# holds the tree (core/crossmodule.py, `ProjectResolver.kept_paths`), which checks it next
# instead of leaving it to be parsed again elsewhere.
_RUN: dict = {}


def _start_worker(tasks: Sequence[Task], claims, summaries: str) -> None:
    index = expect(tasks)  # (forked workers know them already; spawned ones do not)
    share_summaries(summaries)
    _RUN.clear()
    _RUN.update(tasks=tasks, claims=claims, index=index)


def _claim(index: int) -> bool:
    claims = _RUN["claims"]
    with claims.get_lock():
        if claims[index]:
            return False
        claims[index] = 1
        return True


def process_chunk(indexes: list[int]) -> list[FileResult]:
    """Worker side: check the files of one chunk that no other worker claimed, and the files
    this worker parsed for lookups meanwhile that nobody claimed yet."""
    tasks = _RUN["tasks"]
    results = []
    for index in indexes:
        if _claim(index):
            results.append(process(tasks[index]))
            _check_kept(results)
    return results


def _check_kept(results: list[FileResult]) -> None:
    tasks, by_path = _RUN["tasks"], _RUN["index"]
    while True:
        kept = kept_paths()
        if not kept:
            return
        for project, path in kept:
            index = by_path.get(str(path))
            if index is not None and _claim(index):
                results.append(process(tasks[index]))  # takes the tree; may keep others
            else:
                project.drop_tree(path)  # not a file of the run, or another worker's


def _memory_folder():
    """Where the run's summary files go: a memory-backed folder when the system has one
    (Linux's /dev/shm), else the temporary folder. A summary written to a disk folder cost
    0.55 ms (creating and renaming a file), one in /dev/shm 0.05 ms; workers write one per
    checked module of 8 KB or more."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None


def run_pool(tasks: Sequence[Task], workers: int) -> list[FileResult]:
    """Check ``tasks`` in ``workers`` processes; the results come in no particular order.

    Raises what `ProcessPoolExecutor` raises when workers cannot start or die, so the caller
    can fall back to checking in its own process.
    """
    import multiprocessing
    import shutil
    import tempfile
    from concurrent.futures import ProcessPoolExecutor

    results: list[FileResult] = []
    summaries = tempfile.mkdtemp(prefix="prodready-summaries-", dir=_memory_folder())
    claims = multiprocessing.Array("b", len(tasks))
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                 initargs=(list(tasks), claims, summaries)) as pool:
            futures = [pool.submit(process_chunk, chunk) for chunk in chunks_by_size(tasks, workers)]
            for future in futures:
                results.extend(future.result())
    finally:
        shutil.rmtree(summaries, ignore_errors=True)
    if len(results) != len(tasks):  # every file is claimed once; should one be missing, check it here
        done = {r.path for r in results}
        results.extend(process(t) for t in tasks if t.path not in done)
    return results
