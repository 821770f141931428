r"""PR207 `hardcoded-absolute-path`: A machine-specific absolute path (C:\..., \\server\share, /home/<user>/) is hardcoded."""

from __future__ import annotations

import ast
import re
from typing import Optional

from prodready.checks.config._shared import (
    _HOME,
    _env_name,
    element_suffix,
    _last,
    _owner,
    absolute_path_kind,
    comparison_or_prefix_check,
    env_fallback,
    env_get_builder,
)
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule, fix

_REGEXISH = re.compile(r"\(\?|[\^$]|\[\^?[^\]]*\]|\.\*|\.\+|\{\d|\\[dwsSbBDW][*+?]")
_PLATFORM_NAME = re.compile(r"(?i)^_*(is_?)?(on_?)?(win|windows|win32|win64|mswindows|nt|posix|darwin|macos|mac|osx|linux)(_?platform)?$")
_PLATFORM_QUALIFIED = {"sys.platform", "os.name", "platform.system", "platform.platform", "os.sep",
                       "platform.system()", "sys.getwindowsversion", "platform.win32_ver", "platform.mac_ver"}


def _platform_branch(ctx) -> bool:
    for parent in ctx.parents:
        if isinstance(parent, (ast.If, ast.IfExp, ast.While)):
            for node in ast.walk(parent.test):
                if isinstance(node, (ast.Name, ast.Attribute)):
                    if ctx.resolve(node) in _PLATFORM_QUALIFIED:
                        return True
                    name = _last(node)
                    if name and _PLATFORM_NAME.match(name):
                        return True
                elif isinstance(node, ast.Call) and _last(node.func) in {"system", "is_windows", "iswindows", "on_windows", "platform"}:
                    return True
    return False


_EXECUTABLE_HINT = re.compile(r"(?i)(\.exe$|[\\/]bin[\\/]?$|program files|tesseract|ffmpeg|poppler|chromedriver|geckodriver|wkhtmltopdf|libreoffice|soffice|graphviz)")
_NON_PATH_KEYWORDS = {"help", "description", "epilog", "usage", "example", "examples", "doc", "message", "msg",
                      "pattern", "regex", "match"}


def _path_env_name(raw: Optional[str], value: str) -> str:
    if raw:
        name = _env_name(raw, "", ())
        if name:
            if name.endswith(("PATH", "_DIR", "_FILE", "_FOLDER", "_ROOT")):
                return name
            return name + "_PATH"
    parts = [p for p in re.split(r"[\\/]+", value) if p and not p.endswith(":")]
    if parts:
        stem = parts[-1].rsplit(".", 1)[0] if "." in parts[-1][1:] else parts[-1]
        name = re.sub(r"[^A-Za-z0-9]+", "_", stem).strip("_").upper()
        if name and name[0].isalpha() and len(name) <= 30:
            return name + "_PATH"
    return "DATA_PATH"


# Accounts that container images and sandboxes create for the service itself: their home is
# part of the image, the same on every deployment (unlike /home/alice or /Users/bob).
_SERVICE_USERS = frozenset({"app", "appuser", "sandbox", "runner", "jovyan", "docker", "container", "service",
                            "www-data", "nobody", "worker", "user"})


def _service_account_home(value: str, path: str) -> bool:
    """``/home/archivebox/...`` in archivebox's own code, ``/home/sandbox``: the image's account."""
    if not value.startswith("/home/"):
        return False
    match = _HOME.match(value)
    user = match.group(1).lower() if match else ""
    parts = [p for p in path.replace("\\", "/").split("/")[:-1] if p not in ("src", "lib", "")]
    package = parts[0].lower().replace("_", "").replace("-", "") if parts else ""
    return user in _SERVICE_USERS or bool(package) and user.replace("_", "").replace("-", "") == package


class HardcodedAbsolutePath(Rule):
    code = "PR207"
    preview = True
    production_only = True  # quiet on tests and tooling: core/production.py
    name = "hardcoded-absolute-path"
    severity = Severity.WARNING
    summary = "A machine-specific absolute path (C:\\..., \\\\server\\share, /home/<user>/) is hardcoded"
    fix_availability = "safe"
    docs = """
    ## What it does
    Finds string literals that are Windows drive paths (`C:\\Users\\me\\data.csv`,
    `D:/models`), UNC paths (`\\\\fileserver\\share`) or user home directories
    (`/home/alice/...`, `/Users/bob/...`) outside tests and outside `sys.platform` /
    `os.name` / `platform.system()` branches. Docstrings, help texts, regular expressions,
    comparisons and prefix checks are not paths and are not reported, nor are homes of
    service accounts that container images create (`/home/app`, `/home/sandbox`, or the
    project's own name: `/home/archivebox/` in archivebox).

    ## Why is this bad?
    The path exists on one developer's machine. In a container, on a colleague's laptop or
    on the server it does not, and the code fails with `FileNotFoundError` far from the
    line that caused it. For executables (Tesseract, ffmpeg, Poppler), the install
    location differs per machine and operating system.

    ## Example
    ```python
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = r"C:\\Program Files\\Tesseract-OCR\\tesseract.exe"
    ```

    ## Use instead
    ```python
    import os
    import shutil

    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = os.environ.get("TESSERACT_CMD_PATH") or shutil.which("tesseract")
    ```

    ## Fix safety
    The fix is safe: the literal becomes the fallback of
    `os.environ.get("<NAME>_PATH", r"<literal>")` (named after the assignment target or the
    keyword), so the value only changes when the variable is set. For executables the
    message also suggests `shutil.which()`, which finds the program on `PATH` wherever it is
    installed; that change is left to you.

    ## References
    - [shutil.which](https://docs.python.org/3/library/shutil.html#shutil.which)
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    """
    invalid = [
        "import pytesseract\npytesseract.pytesseract.tesseract_cmd = r\"C:\\Program Files\\Tesseract-OCR\\tesseract.exe\"\n",
        "import pandas as pd\ndf = pd.read_csv(\"/home/alice/data/sales.csv\")\n",
        "MODEL_DIR = \"/Users/bob/models/bert\"\n",
        "SHARE = r\"\\\\fileserver\\exports\\daily\"\n",
        "from pdf2image import convert_from_path\npages = convert_from_path(\"doc.pdf\", poppler_path=r\"C:\\poppler\\bin\")\n",
        "import sys\nsys.path.append(\"/home/ubuntu/project/src\")\n",
        "def load(path=\"D:/datasets/train.csv\"):\n    return open(path)\n",
        Example("MP4_HLS_COMMAND_PATH = \"/home/bob/bin/mp4hls\"\nDIRS = [\"/home/bob/a\", \"/home/bob/b\"]\n",
                note="digits stay in their word; each list entry gets its own variable"),
    ]
    valid = [
        "import os\nDATA = os.environ.get(\"DATA_PATH\", r\"C:\\data\")\n",
        Example("import sys\nif sys.platform == \"win32\":\n    FONT = r\"C:\\Windows\\Fonts\\arial.ttf\"\nelse:\n    FONT = \"/usr/share/fonts/arial.ttf\"\n", note="a platform branch"),
        "import os\nFONT = r\"C:\\Windows\\Fonts\\arial.ttf\" if os.name == \"nt\" else \"/usr/share/fonts/arial.ttf\"\n",
        Example("DATA = \"/home/alice/data.csv\"\n", path="tests/test_data.py", note="tests"),
        "def f():\n    \"\"\"Reads C:\\\\data\\\\x.csv on Windows.\"\"\"\n",
        "import argparse\np = argparse.ArgumentParser()\np.add_argument(\"--out\", help=\"C:\\\\out or /home/me/out\")\n",
        "import re\nWIN = re.compile(r\"^[A-Za-z]:\\\\\")\n",
        "def is_home(p):\n    return p.startswith(\"/home/\")\n",
        "LOG = \"/var/log/app.log\"\n",
        "HOME = \"/home/\"\n",
        "path = \"/home/{user}/data\"\n",
        "URL = \"C://not-a-path\"\n",
        Example("import os\nif IN_DOCKER and os.path.lexists('/home/archivebox/.config/chromium/SingletonLock'):\n    os.remove('/home/archivebox/.config/chromium/SingletonLock')\n",
                path="archivebox/util.py", note="the home of the project's own account in its container image (archivebox)"),
        Example("_HOME_MOUNT = \"/home/sandbox\"\n", note="a sandbox container's home (mlflow)"),
    ]
    fixed = {
        invalid[0]: "import pytesseract\nimport os\npytesseract.pytesseract.tesseract_cmd = os.environ.get(\"TESSERACT_CMD_PATH\", r\"C:\\Program Files\\Tesseract-OCR\\tesseract.exe\")\n",
        invalid[1]: "import pandas as pd\nimport os\ndf = pd.read_csv(os.environ.get(\"SALES_PATH\", \"/home/alice/data/sales.csv\"))\n",
        invalid[2]: "import os\nMODEL_DIR = os.environ.get(\"MODEL_DIR\", \"/Users/bob/models/bert\")\n",
        invalid[4]: "from pdf2image import convert_from_path\nimport os\npages = convert_from_path(\"doc.pdf\", poppler_path=os.environ.get(\"POPPLER_PATH\", r\"C:\\poppler\\bin\"))\n",
        str(invalid[7]): "import os\nMP4_HLS_COMMAND_PATH = os.environ.get(\"MP4_HLS_COMMAND_PATH\", \"/home/bob/bin/mp4hls\")\nDIRS = [os.environ.get(\"DIRS_PATH_1\", \"/home/bob/a\"), os.environ.get(\"DIRS_PATH_2\", \"/home/bob/b\")]\n",
    }

    def visit_Constant(self, node: ast.Constant, ctx) -> None:
        value = node.value
        if not isinstance(value, str) or len(value) < 3:
            return
        head = value[0]
        if not (value[1] == ":" or head == "\\" or head == "/" and value[1] in "hU"):
            return
        kind = absolute_path_kind(value)
        if kind is None:
            return
        parent = ctx.parent
        if isinstance(parent, ast.Expr):
            return
        target: ast.AST = node
        if isinstance(parent, ast.JoinedStr):
            if parent.values[0] is not node:
                return
            target = parent
        if ctx.file.is_dev_config or ctx.file.is_migration:  # tests/tooling: production_only
            return
        if _REGEXISH.search(value) or (kind == "home" and " " in value):
            return
        if kind == "home" and _service_account_home(value, ctx.file.path):
            return
        kind_owner, raw = _owner(ctx, target)
        if kind_owner == "keyword" and raw in _NON_PATH_KEYWORDS:
            return
        if env_fallback(ctx, target) or comparison_or_prefix_check(ctx, target) or _platform_branch(ctx):
            return
        executable = bool(_EXECUTABLE_HINT.search(value))
        env = _path_env_name(raw if kind_owner else None, value) + element_suffix(ctx, target)
        what = {"windows": "Windows drive path", "unc": "network (UNC) path", "home": "user's home directory path"}[kind]
        if executable:
            message = f"This {what} exists only on one machine; read it from the environment (`{env}`) or find the executable with `shutil.which()`"
        else:
            message = f"This {what} exists only on one machine; read it from the environment (`{env}`) or configuration"
        fixes = []
        if target is node:
            span = ctx.source.node_range(node)
            fixes.append(fix(f"Read the path from the `{env}` environment variable",
                             env_get_builder(span, env, ctx.source.text[span[0]:span[1]])))
        self.report(target, message, fixes=fixes)
