"""PR607: a `.env` file that `.gitignore` does not ignore."""

from __future__ import annotations

import posixpath

from prodready.checks.project._shared import append_line
from prodready.cli.gitignore import parse_lines
from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, file_fix, tree

TEMPLATES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl", ".in")


def ignored(project, path: str, is_dir: bool = False) -> bool:
    """Would git ignore ``path`` given the project's `.gitignore` files (gitignore(5))?"""
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):  # a folder above it being ignored ignores it too
        last = depth == len(parts)
        result = False
        for level in range(depth):
            folder = "/".join(parts[:level])
            gitignore = project.files.get(f"{folder}/.gitignore" if folder else ".gitignore")
            if gitignore is None:
                continue
            sub = "/".join(parts[level:depth])
            for pattern in parse_lines(gitignore.text):
                if pattern.matches(sub, is_dir if last else True):
                    result = not pattern.negate
        if result:
            return True
    return False


def _gitignore_fix(pattern: str):
    def build(ctx):
        return [append_line(ctx.text, pattern)]
    return build


class DotenvNotIgnored(ProjectRule):
    code = "PR607"
    preview = True
    name = "dotenv-not-ignored"
    severity = Severity.ERROR
    summary = "A `.env` file is not ignored by `.gitignore`"
    fix_availability = "safe"
    inputs = frozenset({kinds.DOTENV, kinds.GITIGNORE})
    docs = """
    ## What it does
    Reports `.env` and `.env.*` files that the project's `.gitignore` files do not ignore
    (matched as git does, nested `.gitignore` files and negations included). Templates
    meant to be committed (`.env.example`, `.env.sample`, `.env.template`, ...) are not
    reported. The file's contents are never read.

    ## Why is this bad?
    A `.env` holds the secrets the code reads from the environment; one `git add .` puts
    them in the repository's history, from where they leak with every clone and fork.

    ## Example
    ```text
    .env          SECRET_KEY=...
    .gitignore    __pycache__/
    ```

    ## Use instead
    ```text
    .gitignore    __pycache__/
                  .env
    ```

    ## Fix safety
    Safe: the fix appends the file's name to the root `.gitignore` (creating it if
    needed); nothing the application does changes. A `.env` that is already tracked stays
    tracked: remove it with `git rm --cached .env` and rotate its secrets.

    ## References
    - [gitignore documentation](https://git-scm.com/docs/gitignore)
    """
    invalid = [
        tree("not-listed", {".env": "SECRET_KEY=x\n", ".gitignore": "__pycache__/"}),
        tree("no-gitignore", {"backend/.env.production": "TOKEN=x\n", "backend/app.py": "import os\n"}),
        tree("negated", {".env": "", ".gitignore": ".env*\n!.env\n"}),
    ]
    valid = [
        tree("ignored", {".env": "", ".gitignore": "# secrets\n.env\n"}),
        tree("ignored-by-glob-in-subfolder", {"api/.env.local": "", "api/.gitignore": ".env*\n"}),
        tree("template", {".env.example": "SECRET_KEY=\n", ".gitignore": "\n"}),
        tree("folder-ignored", {"deploy/.env": "", ".gitignore": "deploy/\n"}),
    ]
    fixed = {
        "not-listed": {".gitignore": "__pycache__/\n.env\n"},
        "no-gitignore": {".gitignore": ".env.production\n"},
        "negated": {".gitignore": ".env*\n!.env\n.env\n"},
    }

    def check(self) -> None:
        for file in self.project.of_kind(kinds.DOTENV):
            name = posixpath.basename(file.path)
            if name.lower().endswith(TEMPLATES) or ignored(self.project, file.path):
                continue
            self.report_at(file.path, 0, 0,
                           f"`{file.path}` is not ignored by `.gitignore`; add `{name}` so its secrets are never committed.",
                           fixes=[file_fix(f"Add `{name}` to .gitignore", _gitignore_fix(name), path=".gitignore")])
