"""PR604: imports of standard-library modules removed in a Python the project runs on."""

from __future__ import annotations

from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, tree

REMOVED = {
    **{name: (3, 12) for name in ("distutils", "asynchat", "asyncore", "imp", "smtpd")},
    **{name: (3, 13) for name in ("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib",
                                  "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib",
                                  "uu", "xdrlib", "lib2to3")},
}
LATEST = (3, 13)
# Distributions that bring a removed module back (a declared one makes the import work).
BACKPORTS = {"audioop": ("audioop-lts",), "cgi": ("legacy-cgi",), "cgitb": ("legacy-cgi",),
             "distutils": ("setuptools",), "asyncore": ("pyasyncore",), "asynchat": ("pyasynchat",),
             "imp": (), "smtpd": ("aiosmtpd",)}
# Dependencies that import a removed module themselves.
NEEDS = {"pydub": "audioop"}


def _version(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


class RemovedStdlibImport(ProjectRule):
    code = "PR604"
    preview = True
    name = "removed-stdlib-import"
    severity = Severity.ERROR
    summary = "A standard-library module the code (or a dependency) imports is removed in a Python the project runs on"
    inputs = frozenset({kinds.PYTHON, kinds.REQUIREMENTS, kinds.PYPROJECT, kinds.DOCKERFILE, kinds.PYTHON_VERSION})
    docs = """
    ## What it does
    Reports imports of modules PEP 594 and PEP 632 removed (3.12: `distutils`, `asynchat`,
    `asyncore`, `imp`, `smtpd`; 3.13: `aifc`, `audioop`, `cgi`, `cgitb`, `chunk`, `crypt`,
    `imghdr`, `mailcap`, `msilib`, `nis`, `nntplib`, `ossaudiodev`, `pipes`, `sndhdr`,
    `spwd`, `sunau`, `telnetlib`, `uu`, `xdrlib`, `lib2to3`), and declared dependencies
    known to import one (`pydub` needs `audioop`), when the project may run on that
    Python: its highest version is read from `requires-python` upper bounds, the
    Dockerfile's `FROM python:X.Y`, `.python-version` or `runtime.txt`; without any, the
    newest Python is assumed. Imports guarded by `try/except ImportError` or a
    `sys.version_info` test, and modules a declared backport provides (`audioop-lts`,
    `legacy-cgi`, `standard-imghdr`, ...) are not reported.

    ## Why is this bad?
    The import raises `ModuleNotFoundError` at start-up on the new Python: the service
    does not boot after a base-image upgrade.

    ## Example
    ```python
    import imghdr

    kind = imghdr.what(path)
    ```

    ## Use instead
    ```python
    import filetype  # or Pillow, or python-magic

    kind = filetype.guess_extension(path)
    ```

    ## References
    - [PEP 594: Removing dead batteries from the standard library](https://peps.python.org/pep-0594/)
    - [What's new in Python 3.13: removed modules](https://docs.python.org/3/whatsnew/3.13.html#pep-594-remove-dead-batteries-from-the-standard-library)
    """
    invalid = [
        tree("cgi-on-newest-python", {"app.py": "import cgi\n\nform = cgi.FieldStorage()\n"}),
        tree("distutils-with-requires-python", {
            "pyproject.toml": "[project]\nname = 'svc'\nrequires-python = '>=3.10'\n",
            "svc/build.py": "from distutils.util import strtobool\n"}),
        tree("pydub-needs-audioop", {"requirements.txt": "pydub==0.25.1\n", "app.py": "import pydub\n"}),
    ]
    valid = [
        tree("capped-python", {"Dockerfile": "FROM python:3.11-slim\n", "app.py": "import imghdr\n"},
             note="The image runs Python 3.11, where imghdr still exists."),
        tree("guarded-import", {"app.py": "try:\n    import audioop\nexcept ImportError:\n    audioop = None\n"}),
        tree("backport-declared", {"requirements.txt": "pydub==0.25.1\naudioop-lts==0.2.1\n",
                                   "app.py": "import audioop\nimport pydub\n"}),
        tree("project-module-with-that-name", {"app.py": "import pipes\n", "pipes.py": "def run(): ...\n"}),
        tree("version-check", {"app.py": "import sys\nif sys.version_info < (3, 13):\n    import telnetlib\n"}),
    ]

    def check(self) -> None:
        cap = self.project.python_version_cap()
        runs_on = max(cap or LATEST, self.config.target_version)
        local = self.project.local_modules()

        def provided(module: str) -> bool:
            names = (*BACKPORTS.get(module, ()), f"standard-{module}")
            return any(self.project.declared(n) for n in names)

        for file, facts in self.project.python_files():
            for site in facts.imports:
                top = site.module.split(".", 1)[0]
                removed = REMOVED.get(top)
                if site.relative or site.guarded or removed is None or runs_on < removed or top in local:
                    continue
                if provided(top):
                    continue
                self.report_at(file.path, site.start, site.end,
                               f"`{top}` was removed in Python {_version(removed)}, which this project runs on; "
                               f"replace it (or pin Python below {_version(removed)}).")
        for dep in self.project.dependencies():
            module = NEEDS.get(dep.name)
            if module is None or runs_on < REMOVED[module] or provided(module):
                continue
            self.report_at(dep.path, dep.start, dep.end,
                           f"`{dep.name}` imports `{module}`, removed in Python {_version(REMOVED[module])}; "
                           f"add `{(BACKPORTS.get(module) or (f'standard-{module}',))[0]}` or pin Python below {_version(REMOVED[module])}.")
