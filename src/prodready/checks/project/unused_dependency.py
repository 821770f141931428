"""PR603: a declared dependency that no module of the project imports."""

from __future__ import annotations

import posixpath

from prodready.checks.project._shared import import_names, is_test_path, never_imported
from prodready.core.findings import Edit, Severity
from prodready.core.project import kinds
from prodready.core.project.dependencies import normalize
from prodready.core.project.rule import ProjectRule, file_fix, tree

_DEV_FILE_WORDS = ("dev", "test", "lint", "doc", "ci", "build", "tool", "local")


def used_names(project) -> set[str]:
    """Top-level names the project imports or names (dotted strings, console scripts, commands)."""
    used: set[str] = set()
    for file, facts in project.python_files():
        for site in facts.imports:
            if not site.relative and site.module:
                used.add(site.module.split(".", 1)[0])
        used.update(facts.string_modules)
    for file in project.of_kind(kinds.PYPROJECT):
        for target in project.facts(file).scripts:
            used.add(target.split(":", 1)[0].split(".", 1)[0])
    for file in project.of_kind(kinds.DOCKERFILE, kinds.PROCFILE):
        facts = project.facts(file)
        commands = facts.commands if hasattr(facts, "commands") else facts
        for command in commands:
            for index, word in enumerate(command.argv):
                used.add(word.split(".", 1)[0])
                if word == "-m" and index + 1 < len(command.argv):
                    used.add(command.argv[index + 1].split(".", 1)[0])
    return used


def removal_fix(dep):
    def build(ctx):
        line = ctx.text[dep.line_start:dep.line_end]
        if dep.source == "requirements" or line.strip().strip(",") in (f'"{dep.raw}"', f"'{dep.raw}'"):
            return [Edit(dep.line_start, dep.line_end, "")]
        return None
    return build


class UnusedDependency(ProjectRule):
    code = "PR603"
    preview = True
    name = "unused-dependency"
    severity = Severity.WARNING
    summary = "A declared dependency is never imported"
    fix_availability = "unsafe"
    inputs = frozenset({kinds.PYTHON, kinds.REQUIREMENTS, kinds.PYPROJECT, kinds.DOCKERFILE, kinds.PROCFILE})
    docs = """
    ## What it does
    Reports a dependency declared in `requirements*.txt` or `[project.dependencies]` /
    Poetry's main dependencies whose import names appear nowhere in the project: not in an
    `import`, not in a dotted string (`INSTALLED_APPS`, `"pkg.module:app"`), not in a
    console script, not as a command in a `Dockerfile` or `Procfile`.

    Import names come from the installed distribution's metadata where it is installed,
    else from a maintained table (`Pillow` -> `PIL`, `scikit-learn` -> `sklearn`,
    `beautifulsoup4` -> `bs4`, ...). Servers, database drivers, plugins, build and test
    tools and type stubs are never reported (they are run or loaded by name), nor are
    optional groups and `requirements-dev.txt`-style files.

    Allow more names with `allow-unused-dependencies = ["name", ...]` in `[tool.prodready]`.

    ## Why is this bad?
    Every dependency is installed, updated and scanned for vulnerabilities in every build;
    one nothing uses (a `twilio` left from a removed feature) costs image size and build
    time and widens the attack surface.

    ## Example
    ```text
    # requirements.txt, with no module importing twilio
    flask==3.0.3
    twilio==9.0.0
    ```

    ## Use instead
    ```text
    flask==3.0.3
    ```

    ## Fix safety
    Unsafe: the line is removed. Code that loads the package dynamically
    (`importlib.import_module(name)` with a computed name) would stop working.

    ## References
    - [deptry: DEP002 unused dependencies](https://deptry.com/rules-violations/#unused-dependencies-dep002)
    """
    invalid = [
        tree("twilio-not-imported", {"requirements.txt": "flask==3.0.3\ntwilio==9.0.0\n",
                                     "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"}),
        tree("pyproject-dependency", {
            "pyproject.toml": "[project]\nname = 'svc'\ndependencies = [\n    'fastapi>=0.110',\n    'pandas>=2',\n]\n",
            "svc/main.py": "from fastapi import FastAPI\n"}),
        tree("included-requirements", {"requirements.txt": "-r requirements-base.txt\n",
                                       "requirements-base.txt": "numpy==1.26.4\n", "main.py": "import os\n"}),
    ]
    valid = [
        tree("import-name-differs", {"requirements.txt": "Pillow==10.0\nscikit-learn==1.4\nbeautifulsoup4==4.12\n",
                                     "app.py": "from PIL import Image\nimport sklearn\nfrom bs4 import BeautifulSoup\n"}),
        tree("server-and-driver", {"requirements.txt": "gunicorn==22.0\npsycopg2-binary==2.9.9\nflask==3.0\n",
                                   "app.py": "import flask\n"}, note="Servers and drivers are run or loaded by name."),
        tree("named-in-settings", {"requirements.txt": "django-cors-headers==4.3\ndjango==5.0\n",
                                   "site/settings.py": "INSTALLED_APPS = ['django.contrib.auth', 'corsheaders']\n"}),
        tree("dev-requirements", {"requirements-dev.txt": "pytest-cov==5.0\nfreezegun==1.4\n", "app.py": "import os\n"}),
        tree("command-in-procfile", {"requirements.txt": "celery==5.3\n", "Procfile": "worker: celery -A tasks worker\n",
                                     "tasks.py": "import os\n"}),
        tree("guarded-import-counts", {"requirements.txt": "orjson==3.9\n",
                                       "app.py": "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n"}),
    ]
    unsafe_fixed = {
        "twilio-not-imported": {"requirements.txt": "flask==3.0.3\n"},
        "pyproject-dependency": {"pyproject.toml": "[project]\nname = 'svc'\ndependencies = [\n    'fastapi>=0.110',\n]\n"},
        "included-requirements": {"requirements-base.txt": ""},
    }

    def check(self) -> None:
        if not any(True for _ in self.project.python_files()):
            return
        used = used_names(self.project) | self.project.local_modules()
        allowed = {normalize(str(n)) for n in self.option("allow-unused-dependencies", ()) or ()}
        own = {normalize(self.project.facts(f).name) for f in self.project.of_kind(kinds.PYPROJECT)}
        for dep in self.project.dependencies():
            if dep.group != "main" or dep.name in own or dep.name in allowed or never_imported(dep.name):
                continue
            stem = posixpath.basename(dep.path).lower()
            if dep.source == "requirements" and any(w in stem.replace("requirements", "") for w in _DEV_FILE_WORDS):
                continue
            if is_test_path(dep.path):
                continue
            names = import_names(dep.name)
            if any(n in used for n in names):
                continue
            self.report_at(dep.path, dep.start, dep.end,
                           f"`{dep.name}` is declared but never imported (looked for {', '.join(f'`{n}`' for n in names)}); "
                           "remove it, or list it in `allow-unused-dependencies` if it is loaded by name.",
                           fixes=[file_fix(f"Remove `{dep.raw}`", removal_fix(dep), safe=False)])
