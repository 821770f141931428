"""core.incremental: block-wise re-analysis gives exactly what a whole-file analysis gives."""

from __future__ import annotations

import ast
import bisect
import random
import re

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
    analysis = analyze_source(source, config or Config(preview=True), rules)
    return signature(analysis.findings), source.syntax_error


@pytest.fixture(scope="module")
def pr101():
    from prodready.checks import get_rule

    return (get_rule("PR101"), get_rule("PR201"))


def _property_run(rules, seed: int, steps: int, lines: int, split_lines: int, big_class_every: int = 0):
    rnd = random.Random(seed)
    text = generate(lines, seed=seed, big_class_every=big_class_every)
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), rules, class_split_lines=split_lines)
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


# Edits that often leave a member of a class not parsing.
BREAKERS = ["(", "[", "{", ")", '"""', "'", ":", "def (", "    x = (\n", "\\\n", "        else:\n", "    @dec\n",
            "\t", "class\n", "\n    def g(self", "lambda", "        return [\n"]


def _class_spans(analyzer):
    """(start, end) of each split class in the analyzer's current text: header to last member."""
    spans: dict = {}
    for b in analyzer.blocks:
        if b.group is not None:
            lo, hi = spans.get(id(b.group), (b.start, b.end))
            spans[id(b.group)] = (min(lo, b.start), max(hi, b.end))
    return sorted(spans.values())


def _allowed_drop(blocks, start, end):
    """The old-text span whose findings a syntax error made at [start, end) may drop: the
    touched members and one block either side (all of a class whose header that is: joining a
    member's last line to the next class's header breaks that class); None when the edit is
    not inside members."""
    starts = [b.start for b in blocks]
    k0 = max(0, bisect.bisect_right(starts, start) - 1)
    k1 = max(k0, bisect.bisect_right(starts, max(end - 1, start)) - 1)
    group = blocks[k0].group
    if group is None or any(b.kind not in ("member", "error") or b.group is not group for b in blocks[k0:k1 + 1]):
        return None
    lo = blocks[max(k0 - 1, 0)].start
    k1 = min(k1 + 1, len(blocks) - 1)
    if blocks[k1].kind == "head":
        while k1 + 1 < len(blocks) and blocks[k1 + 1].group is blocks[k1].group:
            k1 += 1
    return lo, blocks[k1].end


def _map_kept(findings, start, end, delta, allowed):
    """Findings of the previous version that are outside the edit and outside ``allowed``,
    in the new text's offsets."""
    kept = []
    for item in findings:
        code, f_start, f_end, *rest = item
        if f_start >= allowed[0] and f_start < allowed[1] or f_end > allowed[0] and f_end <= allowed[1]:
            continue
        if f_end <= start:
            kept.append(item)
        elif f_start >= end:
            kept.append((code, f_start + delta, f_end + delta, *rest))
    return kept


def _hint_between(old: str, new: str):
    """A change hint (start, old_end, new_end) covering every difference of two texts."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, len(new) - suffix


def _class_property_run(rules, seed: int, steps: int, check_kept: bool, split_lines: int = 300):
    """Random edits inside large (split) classes, many of them breaking a member: while a
    member does not parse the other members keep their findings; when the file parses
    again the findings are those of the whole-file analysis."""
    rnd = random.Random(seed)
    text = generate(1400, seed=seed, big_class_every=2)
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), rules, class_split_lines=split_lines)
    good = signature(analyzer.update(text).findings)
    assert good == full(text, rules)[0]
    last_good = text
    good_now = True
    compared = broken = kept_checked = 0
    for step in range(steps):
        spans = _class_spans(analyzer)
        if not spans or rnd.random() < 0.1:
            start, end, replacement = random_edit(text, rnd)
        else:
            lo, hi = rnd.choice(spans)
            if rnd.random() < 0.5:
                start = end = rnd.randrange(lo, hi)
                replacement = rnd.choice(BREAKERS)
            else:
                start, end, replacement = random_edit(text[lo:hi], rnd)
                start, end = start + lo, end + lo
        new = text[:start] + replacement + text[end:]
        hinted = rnd.random() < 0.5
        allowed = _allowed_drop(analyzer.blocks, start, end)
        result = analyzer.update(new, (start, end, start + len(replacement)) if hinted else None)
        previous, text = text, new
        expected, problem = full(text, rules)
        where = f"seed {seed} step {step} hint {hinted}"
        if problem is None:
            compared += 1
            assert not result.problems or "skip-file" in text, (where, result.problems)
            assert signature(result.findings) == expected, where
            last_good, good, good_now = text, signature(result.findings), True
            continue
        broken += 1
        assert result.problems or "skip-file" in text, f"{where}: no problem reported"
        if check_kept and good_now and allowed is not None and "skip-file" not in text:
            delta = len(new) - len(previous)
            # (code, range): a module-wide finding's message may count lines (PR508)
            missing = ({k[:3] for k in _map_kept(good, start, end, delta, allowed)}
                       - {k[:3] for k in signature(result.findings)})
            assert not missing, (where, sorted(missing)[:3])
            kept_checked += 1
        good_now = False
        r = rnd.random()
        if r < 0.45:  # undo the edit, like an editor would
            undo = (start, start + len(replacement), end) if rnd.random() < 0.5 else None
            text = previous
            result = analyzer.update(text, undo)
        elif r < 0.75:  # back to the last version that parsed
            hint = _hint_between(text, last_good) if rnd.random() < 0.5 else None
            text = last_good
            result = analyzer.update(text, hint)
        else:
            continue  # keep editing the broken file
        expected, problem = full(text, rules)
        if problem is None:
            compared += 1
            assert not result.problems or "skip-file" in text, (where, "undo", result.problems)
            assert signature(result.findings) == expected, f"{where} undo"
            last_good, good, good_now = text, signature(result.findings), True
    return compared, broken, kept_checked


@pytest.mark.parametrize("seed", range(4))
def test_edits_inside_large_classes_pr101(pr101, seed):
    compared, broken, kept_checked = _class_property_run(pr101, seed, steps=150, check_kept=True)
    assert compared > 60 and broken > 40 and kept_checked > 20


@pytest.mark.parametrize("seed", range(2))
def test_edits_inside_large_classes_all_rules(rules, seed):
    compared, broken, kept_checked = _class_property_run(rules, seed + 20, steps=80, check_kept=True, split_lines=40)
    assert compared > 30 and broken > 20 and kept_checked > 15


def _service_class(methods: int, name: str = "Service") -> list:
    lines = [f"class {name}:"]
    for i in range(methods):
        lines += [f"    def m{i}(self, x):", f"        y = x + {i}", "        return datetime.utcnow()", ""]
    return lines


@pytest.mark.parametrize("hinted", [False, True])
@pytest.mark.parametrize("member", [0, 50, 119])
def test_syntax_error_in_a_member_keeps_the_other_members(rules, hinted, member):
    text = "\n".join(["import requests", "from datetime import datetime", "", *_service_class(120),
                      "", "def after():", "    return datetime.utcnow()"]) + "\n"
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), rules)
    assert [f.code for f in analyzer.update(text).findings] == ["PR101"] * 121
    old = f"        y = x + {member}\n"
    at = text.index(old)
    for replacement in ("        y = x + (\n", '        y = """\n', "        y = x +\n", "        y = x + ]\n"):
        broken = text[:at] + replacement + text[at + len(old):]
        change = (at, at + len(old), at + len(replacement)) if hinted else None
        result = analyzer.update(broken, change)
        assert [f.code for f in result.findings] == ["PR101"] * 120, replacement
        (problem,) = result.problems
        assert problem.message.startswith("SyntaxError")
        member_start = broken.rindex("    def ", 0, at)
        member_end = broken.find("    def ", at)
        assert member_start <= problem.start <= problem.end <= (member_end if member_end != -1 else len(broken))
        assert sum(b.kind == "member" for b in analyzer.blocks) == 119  # the class stays split
        back = (at, at + len(replacement), at + len(old)) if hinted else None
        repaired = analyzer.update(text, back)
        assert not repaired.problems
        assert signature(repaired.findings) == full(text, rules)[0]
        assert repaired.stats["reparsed_chars"] < 1000


def test_unclosed_string_in_a_member_closed_further_down(pr101):
    text = "\n".join(["from datetime import datetime", "", *_service_class(120)]) + "\n"
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
    analyzer.update(text)
    opened = text.replace("        y = x + 60\n", '        y = """\n', 1)
    result = analyzer.update(opened)
    assert len(result.findings) >= 60 and result.problems  # at least every member before it
    # the message's line numbers are the document's
    assert f"line {opened.count(chr(10), 0, opened.index('    def m61'))}" in result.problems[0].message
    closed = opened.replace("        y = x + 70\n", '        """\n', 1)
    at = opened.index("        y = x + 70\n")
    result = analyzer.update(closed, (at, at + len("        y = x + 70\n"), at + len('        """\n')))
    assert not result.problems
    assert signature(result.findings) == full(closed, pr101)[0]
    assert result.stats["analysed_blocks"] <= 3  # the re-split class keeps its members' results


@pytest.mark.parametrize("hinted", [False, True])
def test_file_opened_with_a_broken_member(pr101, hinted):
    """A file that never parsed: a large class is still split, only the broken member dropped."""
    text = "\n".join(["from datetime import datetime", "", *_service_class(120), "",
                      "def after():", "    return datetime.utcnow()"]) + "\n"
    old = "        y = x + 30\n"
    at = text.index(old)
    for replacement in ("        y = x + (\n", '        y = """\n', "    def g(self\n", "        else:\n"):
        broken = text[:at] + replacement + text[at + len(old):]
        analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
        result = analyzer.update(broken)
        assert len(result.findings) == 120, replacement
        assert result.problems
        member_line = broken.count("\n", 0, at)  # 1-based line of the member's `def`
        for problem in result.problems:  # "def g(self" leaves two broken members
            assert broken.rindex("    def ", 0, at) <= problem.start <= broken.index("    def m31")
            # line numbers in the message are the document's (the broken member's lines)
            for number in re.findall(r"line (\d+)", problem.message):
                assert member_line <= int(number) <= member_line + 4, problem.message
        back = (at, at + len(replacement), at + len(old)) if hinted else None
        repaired = analyzer.update(text, back)
        assert not repaired.problems
        assert signature(repaired.findings) == full(text, pr101)[0]
        assert repaired.stats["reparsed_chars"] < 1000


def test_syntax_error_in_a_small_class_keeps_the_rest_of_the_file(pr101):
    text = "\n".join(["from datetime import datetime", "", *_service_class(5), "",
                      "def after():", "    return datetime.utcnow()", "", *_service_class(3, "Other")]) + "\n"
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
    assert len(analyzer.update(text).findings) == 9
    broken = text.replace("        y = x + 2\n", "        y = x + (\n", 1)
    result = analyzer.update(broken)
    assert len(result.findings) == 4 and len(result.problems) == 1  # only the small class is dropped
    assert signature(analyzer.update(text).findings) == full(text, pr101)[0]


def test_one_line_edit_in_a_huge_class_is_cheap(pr101):
    text = "\n".join(["from datetime import datetime", "", *_service_class(750)]) + "\n"
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
    analyzer.update(text)
    for member in (0, 400, 749):
        old = original = f"        y = x + {member}\n"
        at = text.index(old)
        for replacement in (f"        y = x + {member} + 1\n", "        y = x + (\n", original):
            new = text[:at] + replacement + text[at + len(old):]
            result = analyzer.update(new, (at, at + len(old), at + len(replacement)))
            text, old = new, replacement
            assert result.stats["analysed_blocks"] <= 2
            if result.problems:
                # the members, then the rest of the class (it may close what they opened),
                # never the whole class from its header
                rest = len(text) - max(0, at - 200)  # from the member before to the end
                assert result.stats["reparsed_chars"] < 2000 + rest, (member, replacement)
                assert len(result.findings) == 749
            else:
                assert result.stats["reparsed_chars"] < 1000, (member, replacement)
                assert len(result.findings) == 750
    assert signature(result.findings) == full(text, pr101)[0]


def test_large_class_members_are_blocks(pr101):
    text = generate(2500, seed=5, big_class_every=4)
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
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
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
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
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
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
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
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
    result = DocumentAnalyzer(PATH, Config(preview=True), pr101).update(text)
    assert len(result.problems) == 1
    assert [f.code for f in result.findings] == ["PR101", "PR101"]


def test_configure_invalidates(pr101):
    text = "from datetime import datetime\nx = datetime.utcnow()\n"
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
    assert len(analyzer.update(text).findings) == 1
    analyzer.configure(Config(ignore=("PR101",)), pr101)
    assert analyzer.update(text).findings == []


def test_skip_file_and_empty(pr101):
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
    assert analyzer.update("").findings == []
    assert len(analyzer.update("from datetime import datetime\nx = datetime.utcnow()").findings) == 1
    assert analyzer.update("# prodready: skip-file\nfrom datetime import datetime\nx = datetime.utcnow()").findings == []
    assert analyzer.update("").findings == []


def test_lone_carriage_returns_fall_back_to_whole_file(pr101):
    text = "from datetime import datetime\rx = datetime.utcnow()\r"
    result = DocumentAnalyzer(PATH, Config(preview=True), pr101).update(text)
    assert signature(result.findings) == full(text, pr101)[0]


def test_compose_changes():
    # "abcdef" -> replace "cd" by "XYZ" -> "abXYZef" -> insert "!" at 0 -> "!abXYZef"
    assert compose_changes([(2, 4, 3), (0, 0, 1)]) == (0, 4, 6)
    assert compose_changes([(5, 5, 2), (1, 2, 0)]) == (1, 5, 6)
    assert compose_changes([]) is None


def test_suppression_at_the_end_of_a_multiline_statement_survives_edits(pr101):
    """A `# noqa` where the statement ends (not on the finding's line) suppresses in every
    block, also after edits elsewhere: the statement ends come from each block's own text."""
    members = "".join(f"    def m{k}(self):\n        return {k}\n\n" for k in range(40))
    text = (
        "import datetime\n\n"
        "def top():\n"
        "    return max(datetime.datetime.utcnow(),\n"
        "               None)  # noqa: PR101\n\n"
        "class Big:\n" + members +
        "    def stamp(self):\n"
        "        return (datetime.datetime.utcnow(),\n"
        "                1)  # noqa: naive-utcnow\n\n"
        "    def loud(self):\n"
        "        return datetime.datetime.utcnow()\n"
    )
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101, class_split_lines=20)
    first = analyzer.update(text)
    assert [f.code for f in first.findings] == ["PR101"]  # only `loud`'s
    assert signature(first.findings) == full(text, pr101)[0]
    edited = text.replace("return 7\n", "return 8\n")
    offset = text.index("return 7\n") + len("return ")
    again = analyzer.update(edited, (offset, offset + 1, offset + 1))
    assert again.stats["analysed_blocks"] == 1
    assert signature(again.findings) == full(edited, pr101)[0]
    assert [f.code for f in again.findings] == ["PR101"]


_MODULE_BODY = '''import datetime
import logging
import requests
from django.views.decorators.csrf import csrf_exempt
from django.views import View

log = logging.getLogger(__name__)


class Base(View):
    pass


class Orders(Base):
    def post(self, request):
        print("posted", request)
        return requests.get("http://localhost:8000/x")


class Cache:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __init__(self):
        self.items = {}


@csrf_exempt
def webhook(request):
    return datetime.datetime.utcnow()


def report(rows):
    for row in rows:
        print(row)
    return len(rows)


def fetch(url):
    try:
        return requests.get(url)
    except Exception as exc:
        return str(exc)
'''

# Top-level statements that change what names in the module above resolve to.
_BINDING_EDITS = [
    "import os\n", "import click\n", "import threading\n", "from threading import Lock\n",
    "requests = None\n", "def requests():\n    return 1\n", "print = log.info\n",
    "from datetime import datetime\n", "class View:\n    pass\n", "Base = object\n",
    "from concurrent.futures import ThreadPoolExecutor\n", "import typer\n",
    "csrf_exempt = lambda f: f\n", "from flask import Flask\napp = Flask(__name__)\n",
    "import hmac\n", "Cache = dict\n",
]


@pytest.mark.parametrize("seed", range(4))
def test_top_level_name_edits_keep_only_unaffected_blocks(rules, seed):
    """Adding and removing imports, constants and classes at the top level: every step's
    findings equal a whole-file analysis, and blocks that read none of the changed names
    keep their results (`kept_blocks`)."""
    rnd = random.Random(seed)
    text = _MODULE_BODY
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), rules)
    assert signature(analyzer.update(text).findings) == full(text, rules)[0]
    inserted: list[str] = []
    kept = 0
    for step in range(40):
        starts = [m.start() for m in re.finditer(r"^(?=\S)", text, re.M)
                  if not text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1].startswith("@")] + [len(text)]
        present = [s for s in inserted if s in text]
        if present and rnd.random() < 0.4:
            snippet = rnd.choice(present)
            pos = text.index(snippet)
            start, end, replacement = pos, pos + len(snippet), ""
        else:
            snippet = rnd.choice(_BINDING_EDITS)
            pos = rnd.choice(starts)
            start, end, replacement = pos, pos, snippet
            inserted.append(snippet)
        text = text[:start] + replacement + text[end:]
        hint = (start, end, start + len(replacement)) if rnd.random() < 0.5 else None
        result = analyzer.update(text, hint)
        expected, problem = full(text, rules)
        assert problem is None, text
        assert signature(result.findings) == expected, f"seed {seed} step {step}: {snippet!r}"
        kept += result.stats.get("kept_blocks", 0)
    assert kept > 40  # the mechanism is at work, not every block re-analysed each time


@pytest.mark.parametrize("hinted", [True, False])
def test_inserting_and_removing_a_member_line_in_a_huge_class_is_cheap(pr101, hinted):
    """A statement inserted between two members becomes a member block; deleting it again
    drops that block without re-parsing the class (it used to re-split the whole class)."""
    text = "\n".join(["from datetime import datetime", "", *_service_class(750)]) + "\n"
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), pr101)
    analyzer.update(text)
    at = text.index("    def m400(")
    line = "    stamp = datetime.utcnow()\n"
    inserted = text[:at] + line + text[at:]
    result = analyzer.update(inserted, (at, at, at + len(line)) if hinted else None)
    assert result.stats["reparsed_chars"] < 2000
    assert signature(result.findings) == full(inserted, pr101)[0]
    assert len(result.findings) == 751
    result = analyzer.update(text, (at, at + len(line), at) if hinted else None)
    assert result.stats["reparsed_chars"] < 2000
    assert result.stats["analysed_blocks"] == 0
    assert signature(result.findings) == full(text, pr101)[0]
    assert len(result.findings) == 750


def _parked_document(rules):
    """A module with a split class (members are blocks), analysed once."""
    text = _MODULE_BODY.replace("import datetime\n", "from datetime import datetime\n", 1)
    text += "\n\n" + "\n".join(_service_class(40)) + "\n"  # 40 members calling datetime.utcnow()
    analyzer = DocumentAnalyzer(PATH, Config(preview=True), rules, class_split_lines=30)
    analyzer.update(text)
    return analyzer, text


def test_an_open_document_keeps_no_syntax_tree(rules):
    """Between edits a document keeps block texts, statement skeletons and results; the
    parsed trees (nine tenths of an open document's memory) are let go."""
    analyzer, _text = _parked_document(rules)
    kinds = {b.kind for b in analyzer.blocks}
    assert {"top", "head", "member"} <= kinds
    for block in analyzer.blocks:
        if block.kind in ("top", "member"):
            assert block.statements is None, block.text[:40]
        for stmt in block.module_stmts:
            assert not any(isinstance(node, ast.Return) for node in ast.walk(stmt))  # no bodies
    sources = [b.source for b in analyzer.blocks if b.source is not None] + [analyzer.analysis.source]
    assert all("_parsed" not in source.__dict__ for source in sources)


@pytest.mark.parametrize("edit", ["import os\n", "requests = None\n", "def datetime():\n    return 1\n",
                                  "class View:\n    pass\n"])
def test_blocks_analysed_again_after_their_trees_went_parse_their_own_text(rules, edit):
    """A name that blocks read changes: those blocks (top-level and members) are parsed again
    from their text and their findings are the whole file's."""
    analyzer, text = _parked_document(rules)
    text = edit + text
    result = analyzer.update(text, (0, 0, len(edit)))
    assert result.stats["analysed_blocks"] > 1
    assert signature(result.findings) == full(text, rules)[0]
    removed = text[len(edit):]
    assert signature(analyzer.update(removed, (0, len(edit), 0)).findings) == full(removed, rules)[0]


def test_a_block_whose_text_parses_otherwise_alone_is_found_in_its_whole_source(rules):
    """If a parked block's own text ever parsed into other statements than it had (the count
    is checked), its statements come from a parse of the text it was first parsed in."""
    analyzer, text = _parked_document(rules)
    for block in analyzer.blocks:
        if block.statements is None:
            block.parked += 1  # what the re-parse of the block's own text is checked against
    analyzer.configure(Config(preview=True), rules)  # every block is analysed again
    result = analyzer.update(text)
    assert result.stats["analysed_blocks"] == len([b for b in analyzer.blocks if b.kind != "error"])
    assert signature(result.findings) == full(text, rules)[0]
    assert len(result.findings) > 40
