"""A batch check keeps its files' trees to the end of the process (which ends with `os._exit`,
so they are never freed node by node), within a budget, and lets them go at each periodic
collection and at the start of another run in the same process."""

from __future__ import annotations

import weakref

from prodready.cli import runner
from prodready.core import gcpause
from prodready.core.config import Config

MODULE = "import os\n\n\ndef home():\n    return os.environ.get('HOME')\n"


def _tasks(tmp_path, count):
    tasks = []
    for n in range(count):
        path = tmp_path / f"module_{n}.py"
        path.write_text(MODULE)
        tasks.append(runner.Task(str(path), path.name, path.name, Config()))
    return tasks


def test_trees_are_kept_within_the_budget_and_let_go_by_a_new_run(tmp_path, monkeypatch):
    monkeypatch.setattr(gcpause, "KEEP_TREE_SOURCE_BYTES", 2 * len(MODULE))
    runner.start_run()
    try:
        results = [runner.process(task) for task in _tasks(tmp_path, 3)]
        assert all(r.internal is None and r.cannot is None for r in results)
        assert len(gcpause._kept) == 2  # the third would pass the budget: freed as before
        kept = weakref.ref(gcpause._kept[0])
        runner.start_run()
        assert not gcpause._kept and kept() is None
    finally:
        runner.start_run()


def test_the_periodic_collection_lets_the_kept_trees_go(tmp_path, monkeypatch):
    monkeypatch.setattr(gcpause, "COLLECT_EVERY_FILES", 2)
    monkeypatch.setattr(gcpause, "_files_since_collect", 0)
    runner.start_run()
    try:
        tasks = _tasks(tmp_path, 3)
        runner.process(tasks[0])
        assert len(gcpause._kept) == 1
        runner.process(tasks[1])  # the second file: collection time
        assert not gcpause._kept
        runner.process(tasks[2])
        assert len(gcpause._kept) == 1
    finally:
        runner.start_run()
