"""In-process checks of the server's helpers: change application, hints, minimal edits."""

from __future__ import annotations

import random

from lsprotocol import types

from prodready.core.incremental import compose_changes
from prodready.quickfixes.apply import apply_edits
from prodready.server import convert
from prodready.server.code_actions import _kind_wanted
from prodready.server.documents import Document


def change(start, end, text):
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(*start), types.Position(*end)), text=text)


def test_incremental_changes_in_utf16_and_utf8():
    text = "a = '😀x'\nb = 2\n"
    doc = Document("file:///tmp/x.py", 1, text)
    # UTF-16: the emoji is two code units; replace the "x" after it (column 7 -> 8).
    doc.apply_changes(2, [change((0, 7), (0, 8), "y"), change((1, 4), (1, 5), "3")], "utf-16")
    assert doc.text == "a = '😀y'\nb = 3\n"
    assert doc.version == 2
    hint = compose_changes(doc.changes)
    assert hint is not None
    start, old_end, new_end = hint
    assert text[:start] == doc.text[:start] and text[old_end:] == doc.text[new_end:]
    doc = Document("file:///tmp/x.py", 1, text)
    doc.apply_changes(2, [change((0, 9), (0, 10), "z")], "utf-8")  # the emoji is 4 bytes
    assert doc.text == "a = '😀z'\nb = 2\n"
    doc.apply_changes(3, [types.TextDocumentContentChangeWholeDocument(text="c = 1\n")], "utf-8")
    assert doc.text == "c = 1\n" and doc.changes is None


def test_composed_hints_match_random_change_sequences():
    rnd = random.Random(3)
    for _ in range(200):
        text = "".join(rnd.choice("ab\n😀é ") for _ in range(rnd.randint(0, 40)))
        doc = Document("file:///tmp/x.py", 1, text)
        changes = []
        current = text
        for _k in range(rnd.randint(1, 4)):
            lines = current.split("\n")
            line = rnd.randrange(len(lines))
            col = rnd.randint(0, len(lines[line]))
            end_col = rnd.randint(col, len(lines[line]))
            new = "".join(rnd.choice("xy\n😀") for _ in range(rnd.randint(0, 3)))
            changes.append(change((line, col), (line, end_col), new))
            start = sum(len(l) + 1 for l in lines[:line])
            current = current[:start + col] + new + current[start + end_col:]
        doc.apply_changes(2, changes, "utf-32")
        assert doc.text == current
        start, old_end, new_end = compose_changes(doc.changes)
        assert text[:start] == current[:start]
        assert text[old_end:] == current[new_end:]


def test_minimal_edits_are_small_and_exact():
    old = "import os\n\nx = 1\ny = 2\nz = 3\n" * 50
    new = old.replace("y = 2\n", "y = 20\n", 1).replace("import os\n", "import os, sys\n", 1)
    edits = convert.minimal_edits(old, new)
    assert apply_edits(old, edits) == new
    assert len(edits) == 2 and all(len(e.replacement) <= 5 for e in edits)
    assert convert.minimal_edits(old, old) == []


def test_code_action_kind_matching():
    assert _kind_wanted("source.fixAll.prodready", None)
    assert _kind_wanted("source.fixAll.prodready", ["source"])
    assert _kind_wanted("source.fixAll.prodready", [types.CodeActionKind.SourceFixAll])
    assert not _kind_wanted("source.fixAll.prodready", ["quickfix"])
    assert not _kind_wanted("quickfix", ["source.fixAll"])


def test_notifications_leave_no_future_behind():
    """pygls files a future for each notification handled by a generator (its didOpen,
    didChange, didClose) or a coroutine, and never removes it: one per keystroke for the
    life of the server. The server's protocol removes it once the handler is done; requests
    keep theirs until answered (cancellation finds them there)."""
    import asyncio

    from prodready.server.server import create_server

    protocol = create_server().protocol

    def generator_handler():
        yield from ()

    async def coroutine_handler():
        return None

    async def run() -> None:
        for n in range(50):
            protocol._execute_handler(f"g{n}", generator_handler, protocol._check_handler_result)
            protocol._execute_handler(f"c{n}", coroutine_handler, protocol._check_handler_result)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        protocol._execute_handler("request", coroutine_handler, lambda future: None)

    asyncio.run(run())
    assert list(protocol._request_futures) == ["request"]
