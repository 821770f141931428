"""PR612: Django REST framework is installed with no throttling anywhere."""

from __future__ import annotations

from prodready.checks.project._shared import is_dev_config_path
from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, tree


class DrfNoThrottle(ProjectRule):
    code = "PR612"
    preview = True
    name = "drf-no-throttle"
    severity = Severity.WARNING
    summary = "Django REST framework runs with no throttle classes"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Reports Django settings that install `rest_framework` while `REST_FRAMEWORK` sets no
    `DEFAULT_THROTTLE_CLASSES` (or is missing) and no view of the project sets
    `throttle_classes`. Development and test settings modules are not reported.

    ## Why is this bad?
    Without throttling one client can call every endpoint as fast as it likes: login
    endpoints can be brute-forced and expensive endpoints exhaust the database.

    ## Example
    ```python
    INSTALLED_APPS = [..., "rest_framework"]
    REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [...]}
    ```

    ## Use instead
    ```python
    REST_FRAMEWORK = {
        "DEFAULT_THROTTLE_CLASSES": [
            "rest_framework.throttling.AnonRateThrottle",
            "rest_framework.throttling.UserRateThrottle",
        ],
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "1000/hour"},
    }
    ```

    ## References
    - [Django REST framework: Throttling](https://www.django-rest-framework.org/api-guide/throttling/)
    """
    _apps = "INSTALLED_APPS = ['django.contrib.auth', 'rest_framework']\n"
    invalid = [
        tree("settings-without-throttle", {"site/settings.py": _apps + "REST_FRAMEWORK = {'PAGE_SIZE': 20}\n"}),
        tree("no-rest-framework-setting", {"site/settings.py": _apps}),
    ]
    valid = [
        tree("throttled", {"site/settings.py": _apps + "REST_FRAMEWORK = {'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.UserRateThrottle']}\n"}),
        tree("per-view-throttle", {"site/settings.py": _apps,
                                   "api/views.py": "from rest_framework.views import APIView\nclass Login(APIView):\n    throttle_classes = [LoginThrottle]\n"}),
        tree("dev-settings", {"site/settings/dev.py": _apps}),
        tree("settings-from-code", {"site/settings.py": _apps + "REST_FRAMEWORK = build_drf_settings()\n"},
             note="Settings built by code cannot be read statically."),
    ]

    def check(self) -> None:
        if any(facts.throttle_classes for _f, facts in self.project.python_files()):
            return
        for file, facts in self.project.python_files():
            apps = facts.settings.get("INSTALLED_APPS")
            if apps is None or not apps.literal or "rest_framework" not in (apps.value or []):
                continue
            if is_dev_config_path(file.path):
                continue
            drf = facts.settings.get("REST_FRAMEWORK")
            if drf is not None and (not drf.literal or not isinstance(drf.value, dict)):
                continue
            if drf is not None and "DEFAULT_THROTTLE_CLASSES" in drf.value:
                continue
            if drf is None:
                at = file.text.find("rest_framework", apps.start)
                start, end = (at - 1, at + len("rest_framework") + 1) if at != -1 else (apps.start, apps.end)
            else:
                start, end = drf.start, drf.end
            self.report_at(file.path, start, end,
                           "Django REST framework runs without throttling; set `DEFAULT_THROTTLE_CLASSES` and "
                           "`DEFAULT_THROTTLE_RATES` in `REST_FRAMEWORK`.")
