"""PR613: Django settings that `manage.py check --deploy` would warn about, read statically."""

from __future__ import annotations

import posixpath

from prodready.checks.project._shared import first_line, is_dev_config_path
from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, tree

_COOKIES = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


class InsecureDeploySettings(ProjectRule):
    code = "PR613"
    preview = True
    name = "insecure-deploy-settings"
    severity = Severity.WARNING
    summary = "Django production settings allow any host, send no HSTS or use insecure cookies"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Reads the project's Django settings modules (a module defining `INSTALLED_APPS`, with
    the other modules of a `settings/` package) and reports what `manage.py check
    --deploy` reports, without running the app: `ALLOWED_HOSTS` empty (while `DEBUG` is
    not `True`) or containing `"*"` (W020 and host-header attacks), no
    `SECURE_HSTS_SECONDS` (W004), `SESSION_COOKIE_SECURE` / `CSRF_COOKIE_SECURE` missing
    or `False` (W012, W016). A setting whose value comes from code (`env.bool(...)`) counts
    as configured. Development and test settings (`settings/dev.py`, `local_settings.py`)
    are not reported.

    ## Why is this bad?
    `ALLOWED_HOSTS = ["*"]` lets a forged `Host` header poison password-reset links and
    caches; without HSTS and secure cookies, the first plain-HTTP request exposes the
    session cookie to anyone on the network.

    ## Example
    ```python
    ALLOWED_HOSTS = ["*"]
    ```

    ## Use instead
    ```python
    ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")
    SECURE_HSTS_SECONDS = 31536000
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ```

    ## References
    - [Django: Deployment checklist](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/)
    - [Django: check --deploy](https://docs.djangoproject.com/en/stable/ref/django-admin/#cmdoption-check-deploy)
    """
    _apps = "INSTALLED_APPS = ['django.contrib.auth']\n"
    _secure = "SECURE_HSTS_SECONDS = 31536000\nSESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n"
    invalid = [
        tree("any-host", {"site/settings.py": _apps + "ALLOWED_HOSTS = ['*']\n" + _secure}),
        tree("no-hsts-no-secure-cookies", {"site/settings.py": _apps + "ALLOWED_HOSTS = ['example.com']\n"}),
        tree("split-settings", {"site/settings/base.py": _apps + "ALLOWED_HOSTS = []\n",
                                "site/settings/production.py": "from .base import *\n" + _secure}),
    ]
    valid = [
        tree("secure", {"site/settings.py": _apps + "ALLOWED_HOSTS = ['example.com']\n" + _secure}),
        tree("from-environment", {"site/settings.py": "import environ\nenv = environ.Env()\n" + _apps +
                                  "ALLOWED_HOSTS = env.list('ALLOWED_HOSTS')\nSECURE_HSTS_SECONDS = env.int('HSTS', 0)\n"
                                  "SESSION_COOKIE_SECURE = env.bool('SECURE', True)\nCSRF_COOKIE_SECURE = env.bool('SECURE', True)\n"}),
        tree("dev-settings", {"site/settings/dev.py": _apps + "ALLOWED_HOSTS = ['*']\n"}),
    ]

    def check(self) -> None:
        groups: dict[str, list] = {}
        for file, facts in self.project.python_files():
            if is_dev_config_path(file.path) or not facts.settings:
                continue
            folder = posixpath.dirname(file.path)
            key = folder if posixpath.basename(folder) == "settings" else file.path
            groups.setdefault(key, []).append((file, facts))
        for members in groups.values():
            anchor = next(((f, s) for f, s in members if "INSTALLED_APPS" in s.settings), None)
            if anchor is None:
                continue
            merged = {}
            for _f, facts in members:
                for name, setting in facts.settings.items():
                    merged.setdefault(name, (_f, setting))
            hosts = merged.get("ALLOWED_HOSTS")
            debug = merged.get("DEBUG")
            if hosts is not None and hosts[1].literal and isinstance(hosts[1].value, list):
                file, setting = hosts
                if "*" in setting.value:
                    self.report_at(file.path, setting.start, setting.end,
                                   "`ALLOWED_HOSTS` accepts any host (`\"*\"`); list the domains the site serves.")
                elif not setting.value and not (debug and debug[1].literal and debug[1].value is True):
                    self.report_at(file.path, setting.start, setting.end,
                                   "`ALLOWED_HOSTS` is empty, so every request fails with DEBUG off; list the site's domains.")
            missing = []
            hsts = merged.get("SECURE_HSTS_SECONDS")
            if hsts is None or (hsts[1].literal and not hsts[1].value):
                missing.append("`SECURE_HSTS_SECONDS`")
            for name in _COOKIES:
                entry = merged.get(name)
                if entry is None or (entry[1].literal and entry[1].value is not True):
                    missing.append(f"`{name} = True`")
            if missing:
                file = anchor[0]
                start, end = first_line(file.text)
                self.report_at(file.path, start, end,
                               f"Production settings lack {', '.join(missing)}; set them so sessions only travel over HTTPS.")
