"""A file's tree is freed by reference counting as soon as its analysis is dropped.

Cycles through the analysis (a rule's condition closure and the context's list of pending
findings, the walker's bound handlers, a source file and its statement-end index) kept each
tree alive until a full collection, which in a batch run walked every tree seen so far."""

from __future__ import annotations

import ast
import gc
import weakref
from pathlib import Path

import pytest

from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.engine import analyze_source
from prodready.core.source import SourceFile

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.py")))
def test_tree_is_freed_without_the_cycle_collector(name):
    path = EXAMPLES / name
    text = path.read_text(encoding="utf-8")
    rules = list(all_rules()) if callable(all_rules) else list(all_rules)
    analyze_source(SourceFile(text, str(path)), Config(preview=True), rules)  # first-use caches
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        source = SourceFile(text, str(path))
        tree = weakref.ref(source.tree)
        analysis = analyze_source(source, Config(preview=True), rules)
        del analysis, source  # (findings keep what their fixes need: they go too)
        alive = tree() is not None
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        # (the standard library's ast.literal_eval leaves a few closures in a cycle: no nodes)
        nodes_in_cycles = sum(isinstance(o, ast.AST) for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert not alive, "something still holds the tree: a reference cycle through the analysis"
    assert nodes_in_cycles == 0
