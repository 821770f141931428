"""PR611: a Flask app accepts uploads with no request size limit."""

from __future__ import annotations

import os

from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, tree


class MissingMaxContentLength(ProjectRule):
    code = "PR611"
    name = "missing-max-content-length"
    severity = Severity.WARNING
    summary = "A Flask app reads uploads but never sets MAX_CONTENT_LENGTH"
    inputs = frozenset({kinds.PYTHON})
    docs = """
    ## What it does
    Reports the `Flask(...)` app of a project whose code reads `request.files` while no
    module sets `MAX_CONTENT_LENGTH` (`app.config["MAX_CONTENT_LENGTH"] = ...`,
    `config.update(MAX_CONTENT_LENGTH=...)`, a config class attribute). Projects that load
    their configuration from a file or the environment (`from_pyfile`, `from_envvar`,
    `from_prefixed_env`) are not reported: the limit may be set there.

    ## Why is this bad?
    Without a limit Flask (Werkzeug before 3.1) reads request bodies of any size: one
    client uploading gigabytes fills the worker's memory or disk and takes the service
    down.

    ## Example
    ```python
    app = Flask(__name__)

    @app.post("/upload")
    def upload():
        request.files["file"].save(path)
    ```

    ## Use instead
    ```python
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024  # 16 MiB; larger uploads get 413
    ```

    ## References
    - [Flask: MAX_CONTENT_LENGTH](https://flask.palletsprojects.com/en/stable/config/#MAX_CONTENT_LENGTH)
    """
    _app = "from flask import Flask\n\napp = Flask(__name__)\n"
    _view = "from flask import request\nfrom .app import app\n\n@app.post('/upload')\ndef upload():\n    request.files['f'].save('/tmp/f')\n    return 'ok'\n"
    invalid = [
        tree("upload-without-limit", {"svc/app.py": _app, "svc/views.py": _view}),
    ]
    valid = [
        tree("limit-set", {"svc/app.py": _app + "app.config['MAX_CONTENT_LENGTH'] = 16 * 1024 * 1024\n", "svc/views.py": _view}),
        tree("limit-in-config-class", {"svc/app.py": _app + "app.config.from_object('svc.config.Prod')\n",
                                       "svc/config.py": "class Prod:\n    MAX_CONTENT_LENGTH = 10_000_000\n",
                                       "svc/views.py": _view}),
        tree("config-from-env", {"svc/app.py": _app + "app.config.from_prefixed_env()\n", "svc/views.py": _view}),
        tree("no-uploads", {"svc/app.py": _app + "@app.get('/')\ndef index():\n    return 'hi'\n"}),
    ]

    def check(self) -> None:
        apps = []
        uploads: list[str] = []
        limited = external = False
        for file, facts in self.project.python_files():
            apps.extend((file.path, span) for span in facts.flask_apps)
            if facts.reads_uploads:
                uploads.append(file.path)
            limited = limited or facts.sets_max_content_length
            external = external or facts.flask_config_external
        if not apps or not uploads or limited or external:
            return
        # The app next to the code that reads the uploads (same package), else the first one.
        reader = uploads[0]
        path, span = max(apps, key=lambda a: len(os.path.commonprefix([a[0].rsplit("/", 1)[0] + "/", reader])))
        self.report_at(path, span.start, span.end,
                       "This app reads uploads (`request.files`) with no size limit; set "
                       "`app.config[\"MAX_CONTENT_LENGTH\"]` so oversized requests get 413.")
