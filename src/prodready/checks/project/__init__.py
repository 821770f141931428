"""Project rules (PR6xx): deployment, dependencies, migrations, ORM and frontend checks that
need the whole project (core/project/), one rule per module."""

from prodready.checks.project import _js_localhost_url  # noqa: E402,F401 - registers PR205 for JS/TS
