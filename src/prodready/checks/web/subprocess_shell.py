"""PR404 `subprocess-shell`: A command runs through the shell (`shell=True`, `os.system`, `os.popen`)."""

from __future__ import annotations

import ast
import shlex
from typing import Optional

from prodready.checks.web._shared import LocalValues, callee_last, constant_text
from prodready.core.astutil import is_true, keyword, keyword_value
from prodready.core.findings import Edit, FixContext, Severity
from prodready.core.rule import Example, Rule, fix
from prodready.quickfixes.imports import ensure_import, merge_insertions

_SHELL_KWARG = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                          "subprocess.Popen"})
_ALWAYS_SHELL = frozenset({"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                           "asyncio.create_subprocess_shell"})
_SHELL_LAST = frozenset({n.rsplit(".", 1)[-1] for n in _SHELL_KWARG | _ALWAYS_SHELL})
# Characters whose meaning the shell changes (expansion, globbing, redirection, control).
_SHELL_META = set("|&;<>$`*?~(){}[]!#\\\n\r\t%^")
_SHELL_BUILTINS = frozenset({"cd", "export", "source", ".", "set", "unset", "alias", "exit", "ulimit", "umask",
                             "eval", "exec", "trap", "wait", "read", "shopt", "type", "hash", "builtin",
                             "command", "if", "for", "while", "case", "until", "function", "local",
                             "dir", "copy", "del", "move", "ren", "cls", "start", "mkdir", "rd", "md", "echo"})


def _is_literal_command(expr: ast.AST, locals_: dict, depth: int = 0) -> bool:
    """A command made only of literals and UPPER_CASE constants (no runtime values)."""
    if depth > 6:
        return False
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.JoinedStr):
        return all(_is_literal_command(v.value if isinstance(v, ast.FormattedValue) else v, locals_, depth + 1)
                   for v in expr.values)
    if isinstance(expr, (ast.List, ast.Tuple)):
        return all(_is_literal_command(e, locals_, depth + 1) for e in expr.elts)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _is_literal_command(expr.left, locals_, depth + 1) and _is_literal_command(expr.right, locals_, depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        return isinstance(expr.func.value, ast.Constant) and all(
            _is_literal_command(a, locals_, depth + 1) for a in [*expr.args, *(k.value for k in expr.keywords)])
    if isinstance(expr, ast.Attribute):
        return expr.attr.isupper() and len(expr.attr) > 1
    if isinstance(expr, ast.Name):
        if expr.id.isupper() and len(expr.id) > 1:
            return True
        value = locals_.get(expr.id)
        return isinstance(value, ast.AST) and _is_literal_command(value, {}, depth + 1)
    return False


def _command_template(command: ast.AST, source) -> Optional[tuple[str, dict[str, str]]]:
    """(text, {placeholder: expression source}) for a literal or an f-string command.

    Each ``{expr}`` of an f-string becomes an alphanumeric placeholder so that the text can
    be split like the shell would; conversions and format specs are not handled.
    """
    text = constant_text(command)
    if text is not None:
        return text, {}
    if not isinstance(command, ast.JoinedStr):
        return None
    pieces: list[str] = []
    holes: dict[str, str] = {}
    for value in command.values:
        if isinstance(value, ast.Constant):
            pieces.append(str(value.value))
            continue
        if not isinstance(value, ast.FormattedValue) or value.conversion != -1 or value.format_spec is not None:
            return None
        expr = source.segment(value.value)
        if "\n" in expr or "\\" in expr:
            return None
        key = f"PRODREADYARG{len(holes)}X"
        holes[key] = expr
        pieces.append(key)
    return "".join(pieces), holes


def _argv(text: str, holes: Optional[dict[str, str]] = None) -> Optional[list[str]]:
    """Tokens of a shell command that means the same without a shell, as Python source, or None.

    A placeholder that is a whole token becomes ``str(expr)``; one inside a token becomes an
    f-string token (``f"--out={path}"``), so each value stays exactly one argument.
    """
    holes = holes or {}
    if not text.strip() or any(c in _SHELL_META for c in text):
        return None
    try:
        tokens = shlex.split(text)
    except ValueError:
        return None
    if not tokens or "=" in tokens[0] or tokens[0] in _SHELL_BUILTINS or tokens[0] in holes:
        return None
    if sum(token.count(key) for token in tokens for key in holes) != len(holes):
        return None  # a placeholder vanished or was duplicated (should not happen)
    rendered = []
    for token in tokens:
        if not token.isprintable():
            return None
        if token in holes:
            rendered.append(f"str({holes[token]})")
            continue
        inside = [key for key in holes if key in token]
        if inside:
            body = token.replace("{", "{{").replace("}", "}}")
            for key in inside:
                body = body.replace(key, "{" + holes[key] + "}")
            exprs = "".join(holes[key] for key in inside)
            quote = '"' if '"' not in token and '"' not in exprs else "'" if "'" not in token and "'" not in exprs else None
            if quote is None:
                return None
            rendered.append(f"f{quote}{body}{quote}")
        elif '"' not in token:
            rendered.append(f'"{token}"')
        elif "'" not in token:
            rendered.append(f"'{token}'")
        else:
            return None
    return rendered


def _removal_span(ctx, call: ast.Call, kw: ast.keyword) -> tuple[int, int]:
    """The text to delete to drop keyword ``kw`` from ``call`` (with its comma)."""
    source = ctx.source
    start, end = source.node_range(kw)
    line = source.line_of(start)
    line_start = source.line_starts[line]
    rest = source.line_text(line)[end - line_start:]
    if not source.text[line_start:start].strip() and rest.lstrip().startswith(",") and source.line_of(end) == line:
        after = rest.lstrip()[1:].strip()
        if not after or after.startswith("#"):
            stop = source.line_starts[line + 1] if line + 1 < source.line_count else len(source.text)
            return line_start, stop  # the keyword is alone on its line
    elements = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
    index = elements.index(kw)
    if index > 0:
        return source.node_range(elements[index - 1])[1], end
    if index + 1 < len(elements):
        return start, source.node_range(elements[index + 1])[0]
    return start, end


class SubprocessShell(Rule):
    code = "PR404"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    equivalent_codes = ("S602", "S605", "B602", "B605")
    name = "subprocess-shell"
    severity = Severity.ERROR
    summary = "A command runs through the shell (`shell=True`, `os.system`, `os.popen`)"
    fix_availability = "unsafe"
    docs = """
    ## What it does
    Finds commands run through a shell: `shell=True` in `subprocess.run`, `call`,
    `check_call`, `check_output` and `Popen`, and `os.system`, `os.popen`,
    `subprocess.getoutput`/`getstatusoutput`, `asyncio.create_subprocess_shell`.
    It is an error when the command is built from variables (an f-string with values, `+`,
    `%`, `.format()`, a variable), a warning for a literal command.

    ## Why is this bad?
    The shell interprets `;`, `|`, `$(...)`, backticks and quotes in the command. When any
    part of it comes from a request, a file name or a database, an attacker can run commands
    on the server (shell injection). Even for literal commands an argument list is clearer
    and does not depend on which `/bin/sh` the container ships.

    ## Example
    ```python
    subprocess.run(f"convert {upload_path} out.png", shell=True)
    ```

    ## Use instead
    ```python
    subprocess.run(["convert", upload_path, "out.png"], check=True)
    ```

    ## Fix safety
    Offered only for a literal command, or a simple f-string, that contains no shell
    syntax: no `|&;<>$`, backticks, globs (`*?[]`), `~`, braces, `#`, `%`, backslashes,
    leading `VAR=value` assignments or shell builtins (`cd`, `export`, `echo`...). The
    string is split with `shlex.split` into an argument list and `shell=True` is removed;
    each f-string placeholder stays exactly one argument (`f"convert {src} out.png"` becomes
    `["convert", str(src), "out.png"]`, `f"--out={dst}"` stays an f-string argument), which
    is the point of the fix: a value with spaces or `;` is no longer split or run; `os.system("...")` used as a statement becomes `subprocess.run([...])` (adding
    `import subprocess`); `asyncio.create_subprocess_shell("...")` becomes
    `create_subprocess_exec(...)`. The fix is **unsafe** because behaviour differs in edge
    cases: a missing program raises `FileNotFoundError` instead of returning exit status
    127, and on Windows `cmd.exe` builtins stop working. There is no fix for commands built
    from variables (build the argument list yourself), for `os.popen`/`getoutput` (different
    return types) or where the return value of `os.system` is used (it is a wait status,
    not an exit code). The fix never just sets `shell=False` on a string.

    ## References
    - [Python docs: Security considerations for subprocess](https://docs.python.org/3/library/subprocess.html#security-considerations)
    - [Bandit B602/B605](https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html)
    """
    invalid = [
        "import subprocess\nsubprocess.run(f\"convert {path} out.png\", shell=True)\n",
        "import subprocess\nsubprocess.call(\"rm -rf \" + folder, shell=True)\n",
        "import subprocess\nout = subprocess.check_output(\"grep %s log.txt\" % pattern, shell=True)\n",
        "import subprocess\nsubprocess.Popen(\"ffmpeg -i {}\".format(name), shell=True)\n",
        "import os\nos.system(\"ping -c 1 \" + host)\n",
        "import os\nos.popen(cmd).read()\n",
        "import asyncio\nasync def f(cmd):\n    await asyncio.create_subprocess_shell(cmd)\n",
        "import subprocess\nsubprocess.run(\"ls -l /tmp\", shell=True, check=True)\n",
        "import subprocess\nsubprocess.run(\n    \"git status --short\",\n    shell=True,\n    check=True,\n)\n",
        "import os\nos.system(\"clear\")\n",
        "import os\nif os.system(\"make build\") != 0:\n    raise SystemExit(1)\n",
        "import subprocess\nsubprocess.run(\"ls | wc -l\", shell=True)\n",
        "import asyncio\nasync def f():\n    await asyncio.create_subprocess_shell(\"git pull --ff-only\", stdout=asyncio.subprocess.PIPE)\n",
        "import subprocess\ndef f():\n    cmd = \"git status\"\n    subprocess.run(cmd, shell=True)\n",
        "from subprocess import check_output as co\nco(f\"grep 'hello world' notes.txt\", shell=True)\n",
        "import subprocess\nsubprocess.getoutput(\"uptime\")\n",
    ]
    valid = [
        "import subprocess\nsubprocess.run([\"convert\", path, \"out.png\"], check=True)\n",
        "import subprocess\nsubprocess.run(\"ls\", shell=False)\n",
        "import subprocess\nsubprocess.run(cmd, shell=use_shell)\n",
        "def system(cmd):\n    return cmd\nsystem(\"ls\")\n",
        "import os\nos.path.join(a, b)\n",
        Example("import os\nos.system(\"clear\")\n", path="tests/test_cli.py", note="test code"),
        Example("import subprocess\ndef build(tag):\n    subprocess.run(f\"docker build -t {tag} .\", shell=True)\n",
                path="tools/release.py", note="tools are tooling, not the service"),
        "class Runner:\n    def run(self, cmd, shell=True):\n        return cmd\nRunner().run(\"x\", shell=True)\n",
    ]
    unsafe_fixed = {
        invalid[0]: "import subprocess\nsubprocess.run([\"convert\", str(path), \"out.png\"])\n",
        invalid[7]: "import subprocess\nsubprocess.run([\"ls\", \"-l\", \"/tmp\"], check=True)\n",
        invalid[8]: "import subprocess\nsubprocess.run(\n    [\"git\", \"status\", \"--short\"],\n    check=True,\n)\n",
        invalid[9]: "import os\nimport subprocess\nsubprocess.run([\"clear\"])\n",
        invalid[12]: "import asyncio\nasync def f():\n    await asyncio.create_subprocess_exec(\"git\", \"pull\", \"--ff-only\", stdout=asyncio.subprocess.PIPE)\n",
        invalid[14]: "from subprocess import check_output as co\nco([\"grep\", \"hello world\", \"notes.txt\"])\n",
    }

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.locals = LocalValues()

    def visit_Assign(self, node: ast.Assign, ctx) -> None:
        if ctx.functions:
            scope = self.locals.scope(ctx)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    scope[target.id] = node.value

    def visit_Call(self, node: ast.Call, ctx) -> None:
        last = callee_last(node.func, ctx)
        if last not in _SHELL_LAST:  # tests/tooling: production_only
            return
        callee = ctx.resolve(node.func) or ""
        shell_kw = None
        if callee in _SHELL_KWARG:
            shell_kw = keyword(node, "shell")
            if shell_kw is None or not is_true(shell_kw.value):
                return
        elif callee not in _ALWAYS_SHELL:
            return
        command = node.args[0] if node.args else keyword_value(node, "args") or keyword_value(node, "cmd") or keyword_value(node, "command")
        if command is None or isinstance(command, ast.Starred):
            literal = False
        else:
            literal = _is_literal_command(command, self.locals.scope(ctx) if ctx.functions else {})
        if callee in _SHELL_KWARG:
            what = "Pass the command as an argument list and drop `shell=True`"
        else:
            what = f"Run the command with `subprocess.run()` and an argument list instead of `{callee}()`"
            if callee == "asyncio.create_subprocess_shell":
                what = "Use `asyncio.create_subprocess_exec()` with separate arguments instead of `create_subprocess_shell()`"
        if literal:
            message = f"{what}: a command run through the shell becomes shell injection as soon as a value is added to it"
            severity = Severity.WARNING
        else:
            message = f"{what}: a shell command built from variables allows shell injection"
            severity = Severity.ERROR
        fixes = []
        template = _command_template(command, ctx.source) if command is not None else None
        argv = _argv(*template) if template is not None else None
        if argv is not None and (command is node.args[0] if node.args else False):
            offer = self._fix(node, ctx, callee, command, shell_kw, argv)
            if offer is not None:
                fixes.append(offer)
        self.report(node.func, message, severity=severity, fixes=fixes)

    def _fix(self, node: ast.Call, ctx, callee: str, command: ast.expr, shell_kw, argv: list[str]):
        source = ctx.source
        if callee in _SHELL_KWARG:
            if keyword(node, "executable") is not None or shell_kw is None:
                return None
            cmd_range = source.node_range(command)
            kw_span = _removal_span(ctx, node, shell_kw)
            replacement = "[" + ", ".join(argv) + "]"

            def build(fc: FixContext):
                return [Edit(fc.at(cmd_range[0]), fc.at(cmd_range[1]), replacement), Edit(fc.at(kw_span[0]), fc.at(kw_span[1]), "")]

            return fix("Pass an argument list and drop `shell=True`", build, safe=False)
        if callee == "os.system":
            if not isinstance(ctx.parent, ast.Expr) or len(node.args) != 1 or node.keywords:
                return None
            call_range = source.node_range(node)
            arguments = ", ".join(argv)

            def build_system(fc: FixContext):
                edits, name = ensure_import(fc.text, "subprocess")
                return merge_insertions([*edits, Edit(fc.at(call_range[0]), fc.at(call_range[1]), f"{name}.run([{arguments}])")])

            return fix("Use `subprocess.run()` with an argument list", build_system, safe=False)
        if callee == "asyncio.create_subprocess_shell" and isinstance(node.func, ast.Attribute):
            func_end = source.node_range(node.func)[1]
            attr_range = (func_end - len("create_subprocess_shell"), func_end)
            cmd_range = source.node_range(command)
            arguments = ", ".join(argv)

            def build_exec(fc: FixContext):
                return [Edit(fc.at(attr_range[0]), fc.at(attr_range[1]), "create_subprocess_exec"),
                        Edit(fc.at(cmd_range[0]), fc.at(cmd_range[1]), arguments)]

            return fix("Use `create_subprocess_exec()` with separate arguments", build_exec, safe=False)
        return None
