"""A bounded, seeded fuzz run over mutated copies of ``examples/``.

Each mutant (a truncation, inserted bytes, other line ends, another encoding, a BOM) is
checked and fixed (unsafe fixes included) through the same per-file path the CLI uses. No
mutant may raise, and a rewritten file must decode, parse, keep its line-end style and not
change again on a second run. The seed is fixed, so a failure reproduces; set
PRODREADY_FUZZ_SEED / PRODREADY_FUZZ_MUTANTS to explore further.
"""

from __future__ import annotations

import ast
import os
import random
import warnings
from pathlib import Path

import pytest

from prodready.cli.runner import Task, process
from prodready.core.config import Config

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED = int(os.environ.get("PRODREADY_FUZZ_SEED", "20261202"))
MUTANTS_PER_FILE = int(os.environ.get("PRODREADY_FUZZ_MUTANTS", "6"))
INSERTIONS = [b"\x00", b"\r", b"\r\n", b"\n", b"\xff", b"\xe2\x80\xa8", b"\x0c", b"'", b'"""', b"(", b")",
              b":", b"\\", b"# noqa", b"\t", b"\xef\xbb\xbf", b"# -*- coding: latin-1 -*-\n"]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _insert(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(INSERTIONS) + data[at:]
    return data


def _line_ends(data: bytes, rng: random.Random) -> bytes:
    newline = rng.choice([b"\r\n", b"\r"])
    if rng.random() < 0.5:
        return data.replace(b"\n", newline)
    lines = data.split(b"\n")  # mixed: every line gets its own
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in lines)


def _encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    if rng.random() < 0.5:
        return b"\xef\xbb\xbf" + data
    return b"# -*- coding: latin-1 -*-\n" + text.encode("latin-1", "replace")


MUTATIONS = [_truncate, _insert, _line_ends, _encoding]


def _mutants():
    rng = random.Random(SEED)
    for path in sorted(EXAMPLES.rglob("*.py")):
        data = path.read_bytes()
        if not data.strip():
            continue
        for index in range(MUTANTS_PER_FILE):
            mutation = MUTATIONS[index % len(MUTATIONS)] if index < len(MUTATIONS) else rng.choice(MUTATIONS)
            mutant = mutation(data, rng)
            if index >= len(MUTATIONS):
                mutant = rng.choice(MUTATIONS)(mutant, rng)  # and one more on top
            yield pytest.param(path.relative_to(EXAMPLES).as_posix(), mutant,
                               id=f"{path.relative_to(EXAMPLES).as_posix()}-{index}-{mutation.__name__}")


def _style(data: bytes) -> tuple[int, int, int]:
    crlf = data.count(b"\r\n")
    return crlf, data.count(b"\n") - crlf, data.count(b"\r") - crlf


def _run(path: Path, relative: str) -> object:
    task = Task(str(path), relative, relative, Config(), mode="fix", unsafe=True, cross_module=False)
    return process(task)


@pytest.mark.parametrize(("relative", "mutant"), list(_mutants()))
def test_mutated_example_never_crashes_and_fixes_stay_sound(relative, mutant, tmp_path):
    path = tmp_path / Path(relative).name
    path.write_bytes(mutant)
    first = _run(path, relative)
    assert first.internal is None, first.internal
    assert not first.rule_errors, first.rule_errors
    after = path.read_bytes()
    if after == mutant:
        return
    assert first.fixed > 0
    assert after.startswith(b"\xef\xbb\xbf") == mutant.startswith(b"\xef\xbb\xbf")
    from prodready.core.engine import decode_source

    text, why = decode_source(after)
    assert why is None, why
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a mutant may hold an invalid escape sequence
        ast.parse(text)
    before_style, after_style = _style(mutant), _style(after)
    for kind, count in zip(("CRLF", "LF", "CR"), before_style):
        if count == 0 and any(before_style):  # a one-line file gets "\n" for a new line
            assert after_style[("CRLF", "LF", "CR").index(kind)] == 0, f"the fix introduced {kind} line ends"
    second = _run(path, relative)
    assert second.internal is None
    assert path.read_bytes() == after, "a second --fix changed the file again"
