"""Import insertion keeps the user's style; edits apply without conflicts; fixes never break files."""

import pytest

from prodready.core.findings import Applicability, Edit, Finding, FixOffer, Severity
from prodready.quickfixes.apply import EditConflict, apply_edits, fix_text, resolve_fix
from prodready.quickfixes.imports import ensure_from_import, ensure_import, ensure_logger


def applied(text, edits):
    return apply_edits(text, edits)


def test_ensure_import_reuses_existing():
    text = "import os\nx = 1\n"
    assert ensure_import(text, "os") == ([], "os")


def test_ensure_import_reuses_alias():
    edits, name = ensure_import("import os as _os\n", "os")
    assert (edits, name) == ([], "_os")


def test_ensure_import_goes_after_docstring_and_imports():
    text = '"""Doc."""\nfrom __future__ import annotations\n\nimport sys\n\nx = 1\n'
    edits, name = ensure_import(text, "os")
    assert name == "os"
    assert applied(text, edits) == '"""Doc."""\nfrom __future__ import annotations\n\nimport sys\nimport os\n\nx = 1\n'


def test_ensure_import_in_empty_module_keeps_shebang_first():
    text = "#!/usr/bin/env python\nx = 1\n"
    edits, _ = ensure_import(text, "os")
    assert applied(text, edits) == "#!/usr/bin/env python\nimport os\nx = 1\n"


def test_from_import_extends_parenthesised_list():
    text = "from datetime import (\n    date,\n    datetime,  # the class\n)\n"
    edits, name = ensure_from_import(text, "datetime", "timezone")
    assert name == "timezone"
    result = applied(text, edits)
    assert "timezone" in result and "# the class" in result
    compile(result, "x", "exec")


def test_from_import_aliases_when_name_is_taken():
    text = "from datetime import datetime\nfrom django.utils import timezone\n"
    edits, name = ensure_from_import(text, "datetime", "timezone", fallback_alias="dt_timezone")
    assert name == "dt_timezone"
    assert applied(text, edits).startswith("from datetime import datetime, timezone as dt_timezone\n")


def test_ensure_logger_adds_import_and_logger_once():
    text = '"""Doc."""\nimport sys\n\n\ndef f():\n    pass\n'
    edits, name = ensure_logger(text)
    result = applied(text, edits)
    assert name == "logger"
    assert "import logging\n" in result and "logger = logging.getLogger(__name__)" in result
    assert ensure_logger(result) == ([], "logger")


def test_overlapping_edits_are_refused():
    with pytest.raises(EditConflict):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def _finding(offer):
    return Finding("PR000", "test", Severity.WARNING, "m", 0, 1, (offer,))


def test_a_fix_whose_result_does_not_parse_is_not_offered():
    offer = FixOffer("break it", Applicability.SAFE, lambda fc: [Edit(0, 1, "(")])
    assert resolve_fix(offer, "x = 1\n") is None


def test_a_fix_that_raises_is_not_offered():
    def boom(fc):
        raise RuntimeError("bug in fix")

    assert resolve_fix(FixOffer("t", Applicability.SAFE, boom), "x = 1\n") is None


def test_fix_edits_are_trimmed_to_what_changes():
    offer = FixOffer("t", Applicability.SAFE, lambda fc: [Edit(0, 9, "value = 2")])
    fix = resolve_fix(offer, "value = 1\n")
    assert fix.edits == (Edit(8, 9, "2"),)


def test_fix_text_stops_when_nothing_changes_and_never_breaks_text():
    calls = []

    def analyze(text):
        calls.append(text)
        if "x = 1" in text:
            return [_finding(FixOffer("t", Applicability.SAFE, lambda fc: [Edit(fc.text.index("1"), fc.text.index("1") + 1, "2")]))]
        return []

    run = fix_text("x = 1\n", analyze)
    assert run.text == "x = 2\n" and run.applied == 1


def test_unsafe_fixes_need_opt_in():
    offer = FixOffer("t", Applicability.UNSAFE, lambda fc: [Edit(4, 5, "2")])
    analyze = lambda text: [_finding(offer)] if "1" in text else []  # noqa: E731
    assert fix_text("x = 1\n", analyze).text == "x = 1\n"
    assert fix_text("x = 1\n", analyze, unsafe=True).text == "x = 2\n"
