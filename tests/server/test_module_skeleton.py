"""Skeletons of top-level statements give the module context the statements give, and keep
almost none of the tree (what an open document costs the server between edits)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from prodready.core.engine import module_context
from prodready.core.module_skeleton import module_skeleton

from .realistic import generate

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").rglob("*.py"))

BINDINGS = '''
import os, logging as log
from datetime import datetime as dt, timezone
from . import views
from .models import *
session = requests.Session()
client = await make_client(timeout=3)
a, (b, *rest) = pair()
first: Client = Client(base_url="http://localhost")
counter: int
app = Flask(__name__).wsgi_app(x=1)
handler = log.getLogger(__name__).handlers[0]
lookup = {"a": 1}["a"]
factory = (lambda: 1)()
chain = a.b().c.d()
for index, item in enumerate(rows()):
    print(index)
with open("x") as handle, lock:
    shared = handle.read()
try:
    import ujson as json
except ImportError:
    import json
else:
    fast = True
finally:
    done = object()
if TYPE_CHECKING:
    from typing import Protocol
elif os.name == "nt":
    def helper(): return 1
else:
    class Helper(Base, metaclass=Meta):
        x = 1
async def serve(request):
    return await request.json()
class Base(models.Model, mixins.Audit(), Local):
    name = models.CharField(max_length=10)
class Local:
    pass
class View(Base, generic.View):
    def get(self, request):
        return render(request)
del counter
global_value = 1
print(global_value)
'''


def _context(statements):
    module = module_context(statements)
    return module.bindings, module.classes


@pytest.mark.parametrize("text", [BINDINGS, generate(400, seed=3, big_class_every=40)], ids=["bindings", "generated"])
def test_skeleton_gives_the_same_module_context(text):
    tree = ast.parse(text)
    skeleton = module_skeleton(tree.body)
    assert _context(skeleton) == _context(tree.body)
    again = module_skeleton(skeleton)  # blocks made from other blocks' skeletons skeletonize again
    assert _context(again) == _context(tree.body)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_skeleton_gives_the_same_module_context_on_the_examples(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _context(module_skeleton(tree.body)) == _context(tree.body)


def test_the_module_context_is_the_one_that_counts():
    """The comparison above is not empty: these bindings are what the rules resolve through."""
    bindings, classes = _context(ast.parse(BINDINGS).body)
    assert bindings["session"] == "requests.Session()"
    assert bindings["client"] == "make_client()"
    assert bindings["first"] == "Client()"
    assert bindings["log"] == "logging"
    assert bindings["shared"] is not None and "json" in bindings and "Protocol" in bindings
    assert classes["Base"] == ("models.Model", "mixins.Audit()", "<local>.Local")


def test_skeleton_keeps_almost_none_of_the_tree():
    tree = ast.parse(generate(5000, seed=1))
    nodes = sum(1 for _ in ast.walk(tree))
    kept = sum(1 for stmt in module_skeleton(tree.body) for _ in ast.walk(stmt))
    assert kept < nodes / 20, (kept, nodes)
