"""PR205 in JS/TS (tree-sitter parsed): what is reported, the bundler idiom the fix uses,
its round trip and its behaviour under Node (the literal stays the fallback)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from prodready.checks import get_rule
from prodready.core.config import Config
from prodready.core.project import Project, run_project_rules
from prodready.core.project.rule import fix_project

VITE = '{"devDependencies": {"vite": "^5.0.0"}}'
CRA = '{"dependencies": {"react-scripts": "5.0.1"}}'
NEXT = '{"dependencies": {"next": "14.2.0"}}'


def found(files: dict[str, str]):
    result = run_project_rules(Project.from_tree(files), Config(preview=True), [get_rule("PR205")])
    assert not result.errors
    return [f for f in result.findings if f.finding.code == "PR205"]


@pytest.mark.parametrize(("path", "text"), [
    ("web/src/api.js", "const API_URL = 'http://localhost:8000/api';\n"),
    ("web/src/App.jsx", "export default () => <img src=\"http://127.0.0.1:5000/logo.png\" />;\n"),
    ("web/src/client.ts", "export const socketUrl: string = `ws://localhost:8765/ws`;\n"),
    ("web/src/Page.tsx", "const x = { baseURL: 'http://0.0.0.0:9000' };\nexport const P = () => <div>{x.baseURL}</div>;\n"),
])
def test_reported_in_every_script_kind(path, text):
    items = found({"web/package.json": VITE, path: text})
    assert len(items) == 1 and items[0].path == path
    literal = text[items[0].finding.start:items[0].finding.end]
    assert "localhost" in literal or "127.0.0.1" in literal or "0.0.0.0" in literal


@pytest.mark.parametrize("text", [
    "const API = import.meta.env.VITE_API || 'http://localhost:8000';\n",
    "const API = process.env.REACT_APP_API ?? \"http://localhost:8000\";\n",
    "// fetch('http://localhost:8000') in a comment is not code\nconst x = 'https://api.example.com';\n",
    "const re = /http:\\/\\/localhost/;\n",
])
def test_not_reported(text):
    assert not found({"web/package.json": VITE, "web/src/api.js": text})


def test_tests_are_not_reported():
    assert not found({"web/package.json": VITE, "web/src/api.test.js": "fetch('http://localhost:1')\n"})


@pytest.mark.parametrize(("package", "expected"), [
    (VITE, 'const API_BASE = (import.meta.env.VITE_API_BASE || "http://localhost:5000");\n'),
    (CRA, 'const API_BASE = (process.env.REACT_APP_API_BASE || "http://localhost:5000");\n'),
    (NEXT, 'const API_BASE = (process.env.NEXT_PUBLIC_API_BASE || "http://localhost:5000");\n'),
])
def test_fix_uses_the_bundler_idiom_and_round_trips(package, expected):
    project = Project.from_tree({"web/package.json": package, "web/src/api.js": 'const API_BASE = "http://localhost:5000";\n'})
    changed = fix_project(project, Config(preview=True), [get_rule("PR205")])
    assert changed == {"web/src/api.js": expected}
    assert not found({"web/package.json": package, "web/src/api.js": expected})
    assert fix_project(project, Config(preview=True), [get_rule("PR205")]) == {}


def test_unnamed_literal_fix_is_unsafe():
    items = found({"web/package.json": VITE, "web/src/api.js": "fetch('http://localhost:5000/x');\n"})
    assert [o.applicability.value for o in items[0].finding.fixes] == ["unsafe"]


def test_non_ascii_before_the_literal_keeps_character_offsets():
    text = "const titre = 'Données';\nconst API_URL = 'http://localhost:8000';\n"
    (item,) = found({"web/package.json": VITE, "web/src/api.js": text})
    assert text[item.finding.start:item.finding.end] == "'http://localhost:8000'"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the fixed script")
def test_fixed_script_behaves_the_same_until_the_variable_is_set(tmp_path):
    source = 'const API_BASE = "http://localhost:5000";\nconsole.log(API_BASE);\n'
    project = Project.from_tree({"package.json": '{"dependencies": {"react-scripts": "5"}}', "src/api.js": source})
    fixed = fix_project(project, Config(preview=True), [get_rule("PR205")])["src/api.js"]

    def run(text: str, env: dict) -> str:
        script = tmp_path / "api.js"
        script.write_text(text, encoding="utf-8")
        return subprocess.run(["node", str(script)], capture_output=True, text=True, env=env, check=True).stdout

    assert run(source, {}) == run(fixed, {}) == "http://localhost:5000\n"
    assert run(fixed, {"REACT_APP_API_BASE": "https://api.example.com"}) == "https://api.example.com\n"
