"""core.incremental: block-wise re-analysis gives exactly what a whole-file analysis gives."""

from __future__ import annotations

import random

import pytest

from prodready.core.config import Config
from prodready.core.engine import analyze_source
from prodready.core.incremental import DocumentAnalyzer, compose_changes
from prodready.core.source import SourceFile

from .realistic import generate, random_edit

PATH = "app/service.py"


def signature(findings):
    return [(f.code, f.start, f.end, f.message, f.severity, tuple(o.title for o in f.fixes)) for f in findings]


def full(text: str, rules, config=None):
    """Whole-file findings, and the syntax error of the file if it does not parse (even when skipped)."""
    source = SourceFile(text, PATH)
    analysis = analyze_source(source, config or Config(), rules)
    return signature(analysis.findings), source.syntax_error


@pytest.fixture(scope="module")
def pr101():
    from prodready.checks import get_rule

    return (get_rule("PR101"), get_rule("PR201"))


def _property_run(rules, seed: int, steps: int, lines: int, split_lines: int, big_class_every: int = 0):
    rnd = random.Random(seed)
    text = generate(lines, seed=seed, big_class_every=big_class_every)
    analyzer = DocumentAnalyzer(PATH, Config(), rules, class_split_lines=split_lines)
    assert signature(analyzer.update(text).findings) == full(text, rules)[0]
    last_good = text
    compared = 0
    for step in range(steps):
        start, end, replacement = random_edit(text, rnd)
        new = text[:start] + replacement + text[end:]
        hint = (start, end, start + len(replacement)) if rnd.random() < 0.5 else None
        text = new
        result = analyzer.update(text, hint)
        expected, problem = full(text, rules)
        if problem is None:
            compared += 1
            assert not result.problems or "skip-file" in text, (step, result.problems)
            assert signature(result.findings) == expected, f"seed {seed} step {step}"
            last_good = text
        else:
            assert result.problems or "skip-file" in text, f"seed {seed} step {step}: no problem reported"
            if rnd.random() < 0.6:  # undo back to a parsing version, like an editor would
                text = last_good
                result = analyzer.update(text)
                assert not result.problems or "skip-file" in text
                assert signature(result.findings) == full(text, rules)[0]
    return compared


@pytest.mark.parametrize("seed", range(3))
def test_identical_to_whole_file_analysis_pr101(pr101, seed):
    """Small class-split threshold so member blocks are exercised too."""
    compared = _property_run(pr101, seed, steps=200, lines=800, split_lines=15)
    assert compared > 30


@pytest.mark.parametrize("seed", range(2))
def test_identical_to_whole_file_analysis_all_rules(rules, seed):
    compared = _property_run(rules, seed + 10, steps=120, lines=600, split_lines=15)
    assert compared > 15


def test_large_class_members_are_blocks(pr101):
    text = generate(2500, seed=5, big_class_every=4)
    analyzer = DocumentAnalyzer(PATH, Config(), pr101)
    analyzer.update(text)
    kinds = {b.kind for b in analyzer.blocks}
    assert {"head", "member"} <= kinds
    anchor = text.index("        total += item\n", text.index("class Big"))
    new = text[:anchor] + "        stamp2 = datetime.utcnow()\n" + text[anchor:]
    result = analyzer.update(new)
    assert result.stats["reparsed_chars"] < 2000  # the class header and one method, not the class
    assert result.stats["analysed_blocks"] <= 2
    assert signature(result.findings) == full(new, pr101)[0]


def test_one_line_edit_reparses_one_block(pr101):
    text = generate(3000, seed=2)
    analyzer = DocumentAnalyzer(PATH, Config(), pr101)
    analyzer.update(text)
    anchor = text.index("    result = []\n", len(text) // 2)
    new = text[:anchor] + "    extra = datetime.utcnow()\n" + text[anchor:]
    result = analyzer.update(new, (anchor, anchor, anchor + len("    extra = datetime.utcnow()\n")))
    assert result.stats["reparsed_chars"] < 1000
    assert result.stats["analysed_blocks"] == 1
    assert signature(result.findings) == full(new, pr101)[0]


def test_syntax_error_keeps_other_blocks_findings(pr101):
    text = ("from datetime import datetime\n\n\ndef a():\n    return datetime.utcnow()\n\n\n"
            "def b():\n    return 1\n\n\ndef c():\n    return datetime.utcnow()\n")
    analyzer = DocumentAnalyzer(PATH, Config(), pr101)
    assert len(analyzer.update(text).findings) == 2
    broken = text.replace("    return 1\n", "    return int(\n")
    result = analyzer.update(broken)
    assert [f.code for f in result.findings] == ["PR101", "PR101"]
    (problem,) = result.problems
    assert problem.message.startswith("SyntaxError")
    assert broken.index("def b") <= problem.start <= broken.index("def c")
    # the import block breaking keeps names resolving elsewhere (last good statements)
    assert signature(analyzer.update(text).findings) == full(text, pr101)[0]
    broken_import = text.replace("from datetime import datetime\n", "from datetime import (datetime\n")
    result = analyzer.update(broken_import)
    assert [f.code for f in result.findings] == ["PR101", "PR101"] and result.problems
    assert signature(analyzer.update(text).findings) == full(text, pr101)[0]


def test_unclosed_string_closed_far_away_still_parses(pr101):
    body = "".join(f"\n\ndef f{k}():\n    return datetime.utcnow()\n" for k in range(8))
    text = "from datetime import datetime\n" + body
    analyzer = DocumentAnalyzer(PATH, Config(), pr101)
    analyzer.update(text)
    opened = text.replace("def f1():", 'X = """\ndef f1():', 1)
    assert analyzer.update(opened).problems
    closed = opened.replace("def f6():", '"""\ndef f6():', 1)
    result = analyzer.update(closed)
    assert not result.problems
    assert signature(result.findings) == full(closed, pr101)[0]


def test_file_that_never_parsed(pr101):
    text = ("from datetime import datetime\nx = datetime.utcnow()\n\ndef broken(:\n    pass\n\n"
            "y = datetime.utcnow()\n")
    result = DocumentAnalyzer(PATH, Config(), pr101).update(text)
    assert len(result.problems) == 1
    assert [f.code for f in result.findings] == ["PR101", "PR101"]


def test_configure_invalidates(pr101):
    text = "from datetime import datetime\nx = datetime.utcnow()\n"
    analyzer = DocumentAnalyzer(PATH, Config(), pr101)
    assert len(analyzer.update(text).findings) == 1
    analyzer.configure(Config(ignore=("PR101",)), pr101)
    assert analyzer.update(text).findings == []


def test_skip_file_and_empty(pr101):
    analyzer = DocumentAnalyzer(PATH, Config(), pr101)
    assert analyzer.update("").findings == []
    assert len(analyzer.update("from datetime import datetime\nx = datetime.utcnow()").findings) == 1
    assert analyzer.update("# prodready: skip-file\nfrom datetime import datetime\nx = datetime.utcnow()").findings == []
    assert analyzer.update("").findings == []


def test_lone_carriage_returns_fall_back_to_whole_file(pr101):
    text = "from datetime import datetime\rx = datetime.utcnow()\r"
    result = DocumentAnalyzer(PATH, Config(), pr101).update(text)
    assert signature(result.findings) == full(text, pr101)[0]


def test_compose_changes():
    # "abcdef" -> replace "cd" by "XYZ" -> "abXYZef" -> insert "!" at 0 -> "!abXYZef"
    assert compose_changes([(2, 4, 3), (0, 0, 1)]) == (0, 4, 6)
    assert compose_changes([(5, 5, 2), (1, 2, 0)]) == (1, 5, 6)
    assert compose_changes([]) is None
