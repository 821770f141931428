"""PR406 `unsafe-werkzeug-allowed`: `allow_unsafe_werkzeug=True` runs the Werkzeug development server in production.

The rule's metadata, docs, examples, visitor and fix builders live together here."""

from __future__ import annotations

import ast

from prodready.checks.web._shared import last_name
from prodready.core.astutil import is_true, keyword
from prodready.core.findings import Severity
from prodready.core.rule import Example, Rule


class UnsafeWerkzeugAllowed(Rule):
    code = "PR406"
    name = "unsafe-werkzeug-allowed"
    severity = Severity.WARNING
    summary = "`allow_unsafe_werkzeug=True` runs the Werkzeug development server in production"
    docs = """
    ## What it does
    Finds `socketio.run(app, ..., allow_unsafe_werkzeug=True)` (Flask-SocketIO).

    ## Why is this bad?
    Flask-SocketIO refuses to start the Werkzeug development server outside debug mode
    because it is not built for production: it is slow, has no worker management and is
    not hardened. `allow_unsafe_werkzeug=True` silences that safety check, usually to make a
    container start, and the development server ends up serving real traffic.

    ## Example
    ```python
    socketio.run(app, host="0.0.0.0", allow_unsafe_werkzeug=True)
    ```

    ## Use instead
    ```
    gunicorn --worker-class eventlet -w 1 app:app
    ```
    (or `gevent`, or run under `eventlet`/`gevent` installed so `socketio.run` picks them).

    ## References
    - [Flask-SocketIO: Deployment](https://flask-socketio.readthedocs.io/en/latest/deployment.html)
    """
    invalid = [
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app)\nsocketio.run(app, host=\"0.0.0.0\", allow_unsafe_werkzeug=True)\n",
        "from extensions import socketio\nif __name__ == \"__main__\":\n    socketio.run(app, port=5000, allow_unsafe_werkzeug=True)\n",
    ]
    valid = [
        "from flask_socketio import SocketIO\nsocketio = SocketIO(app)\nsocketio.run(app)\n",
        "socketio.run(app, allow_unsafe_werkzeug=False)\n",
        "socketio.run(app, allow_unsafe_werkzeug=os.environ.get(\"DEV\") == \"1\")\n",
        Example("socketio.run(app, allow_unsafe_werkzeug=True)\n", path="tests/conftest.py", note="test code"),
    ]

    def visit_Call(self, node: ast.Call, ctx) -> None:
        if not node.keywords or last_name(node.func) != "run" or ctx.file.is_test:
            return
        kw = keyword(node, "allow_unsafe_werkzeug")
        if kw is not None and is_true(kw.value):
            self.report(kw, "Serve the app with a production server (gunicorn with eventlet/gevent workers) instead of "
                            "forcing the Werkzeug development server with `allow_unsafe_werkzeug=True`")
