"""JavaScript/TypeScript facts, read with tree-sitter (a real parser, never patterns over text).

tree-sitter and its JavaScript and TypeScript grammars are the field's standard parsers for
these languages and ship as wheels, so no Node toolchain is needed. What is kept: the URL
string literals that point at the local machine, and whether each is already the fallback
of a bundler environment lookup (``import.meta.env.VITE_API || "http://localhost:8000"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

LOCAL_URL = re.compile(r"(?i)^(https?|wss?)://(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(:(\d{1,5}))?(/|$|\?)")


@dataclass
class ScriptUrl:
    url: str
    port: Optional[int]
    start: int  # the string literal, quotes included (character offsets)
    end: int
    env_fallback: bool  # already `env.X || "<url>"` / `env.X ?? "<url>"`
    template: bool = False  # a template string (`${...}` parts are kept as written)
    name: str = ""  # the variable or property it is assigned to, if any


@dataclass
class ScriptFacts:
    urls: list[ScriptUrl] = field(default_factory=list)
    error: str = ""  # the parser is unavailable, or the file has syntax errors
    partial: bool = False  # tree-sitter recovered from syntax errors


@lru_cache(maxsize=None)
def _parser(suffix: str):
    try:
        from tree_sitter import Language, Parser
    except ImportError:
        return None
    if suffix in (".ts", ".tsx", ".mts", ".cts"):
        import tree_sitter_typescript as grammar

        language = grammar.language_tsx() if suffix == ".tsx" else grammar.language_typescript()
    else:
        import tree_sitter_javascript as grammar  # JSX is part of the JavaScript grammar

        language = grammar.language()
    return Parser(Language(language))


class _Offsets:
    """tree-sitter counts UTF-8 bytes; the project model counts characters."""

    def __init__(self, text: str, data: bytes) -> None:
        self.ascii = len(text) == len(data)
        self.data = data

    def char(self, byte: int) -> int:
        if self.ascii:
            return byte
        return len(self.data[:byte].decode("utf-8", "replace"))


def _assigned_name(node) -> str:
    parent = node.parent
    while parent is not None and parent.type in ("binary_expression", "parenthesized_expression",
                                                  "template_substitution", "ternary_expression"):
        parent = parent.parent
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return name.text.decode("utf-8", "replace") if name is not None else ""
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        return key.text.decode("utf-8", "replace").strip("'\"") if key is not None else ""
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return left.text.decode("utf-8", "replace").rsplit(".", 1)[-1] if left is not None else ""
    return ""


def _is_env_lookup(node) -> bool:
    text = node.text.decode("utf-8", "replace")
    return text.startswith(("import.meta.env.", "process.env.", "import.meta.env[", "process.env["))


def _env_fallback(node) -> bool:
    parent = node.parent
    if parent is None or parent.type != "binary_expression":
        return False
    operator = parent.child_by_field_name("operator")
    left = parent.child_by_field_name("left")
    if operator is None or left is None or operator.type not in ("||", "??"):
        return False
    return left.id != node.id and _is_env_lookup(left)


def script_facts(text: str, path: str) -> ScriptFacts:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ".js"
    parser = _parser(suffix)
    facts = ScriptFacts()
    if parser is None:
        facts.error = "tree-sitter is not installed"
        return facts
    data = text.encode("utf-8", "surrogatepass")
    tree = parser.parse(data)
    facts.partial = tree.root_node.has_error
    offsets = _Offsets(text, data)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in ("string", "template_string"):
            raw = node.text.decode("utf-8", "replace")
            inner = raw[1:-1] if len(raw) >= 2 else ""
            match = LOCAL_URL.match(inner)
            if match:
                port = int(match.group(4)) if match.group(4) else (443 if match.group(1).lower() in ("https", "wss") else 80)
                facts.urls.append(ScriptUrl(
                    inner, port if match.group(4) else None, offsets.char(node.start_byte), offsets.char(node.end_byte),
                    _env_fallback(node), node.type == "template_string", _assigned_name(node),
                ))
            if node.type == "string":
                continue
        stack.extend(reversed(node.children))
    return facts
