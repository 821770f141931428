"""The server primes `ModuleImports` from its analysis (module bindings, leading blocks) so a
quick fix that adds an import does not parse the whole file: what the fixes read of a primed
one must be what they read of a parsed one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.incremental import DocumentAnalyzer
from prodready.core.rule import as_example
from prodready.core.source import SourceFile
from prodready.quickfixes import imports
from prodready.quickfixes.imports import ModuleImports, prime

HEADERS = [
    '"""Docstring."""\nimport os\n\nx = 1\n',
    "#!/usr/bin/env python\n# comment\nfrom __future__ import annotations\n\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n\nimport subprocess as sp\n\n\ndef f():\n    return sp\n",
    "import os\nimport sys\n",  # nothing but imports: the blocks end with the imports
    "x = 1\nimport late\n",
    "",
]


def _texts() -> list[str]:
    texts = list(HEADERS)
    for rule in all_rules():
        for example in [*rule.invalid, *rule.valid]:
            texts.append(as_example(example).code)
    return texts


def _parsed(text: str) -> ModuleImports:
    return imports._module_imports(text)


@pytest.mark.parametrize("text", _texts())
def test_a_primed_module_reads_as_a_parsed_one(text: str):
    analyzer = DocumentAnalyzer("app/module.py", Config(preview=True), all_rules())
    analyzer.update(text)
    hint = analyzer.imports_hint(text)
    parsed = _parsed(text)
    imports._PRIMED.clear()
    if hint is None:
        assert parsed.tree is None or any(b.kind == "error" for b in analyzer.blocks) or analyzer._whole_file
        return
    source = SourceFile(text)
    prime(text, source, *hint)
    primed = ModuleImports.of(text)
    try:
        if primed is parsed:
            return  # not primed (the leading blocks were all imports): parsed as before
        assert primed.bindings == parsed.bindings
        assert primed.insertion_offset() == parsed.insertion_offset()
        assert primed.logger_name == parsed.logger_name
        assert ast.dump(primed.tree) == ast.dump(parsed.tree)  # parsed on demand
    finally:
        imports._PRIMED.clear()


def test_priming_spares_the_whole_file_parse(monkeypatch):
    text = "import os\n\n\n" + "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(200)) + 'os.system("ls")\n'
    analyzer = DocumentAnalyzer("app/module.py", Config(), all_rules())
    analyzer.update(text)
    hint = analyzer.imports_hint(text)
    assert hint is not None and len(hint[1]) == 2  # the import block, then the first def
    parsed: list = []
    monkeypatch.setattr(imports, "_module_imports", lambda t: parsed.append(t) or pytest.fail("parsed"))
    prime(text, SourceFile(text), *hint)
    edits, name = imports.ensure_import(text, "subprocess")
    assert name == "subprocess" and edits[0].start == len("import os\n") and not parsed
    imports._PRIMED.clear()


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_primed_crlf_or_lf_file_inserts_where_a_parsed_one_does(ending):
    text = ending.join(['"""Doc."""', "import os", "from sys import argv", "", "", "def f():", "    return os", ""])
    analyzer = DocumentAnalyzer("app/module.py", Config(), all_rules())
    analyzer.update(text)
    hint = analyzer.imports_hint(text)
    assert hint is not None
    parsed = _parsed(text)
    imports._PRIMED.clear()
    prime(text, SourceFile(text), *hint)
    try:
        primed = ModuleImports.of(text)
        assert primed is not parsed
        assert primed.insertion_offset() == parsed.insertion_offset() == text.index("def") - 2 * len(ending)
    finally:
        imports._PRIMED.clear()
