"""PR610: the frontend calls the backend on a port the Python server does not bind."""

from __future__ import annotations

import posixpath

from prodready.checks.project._shared import is_test_path, nearest_ancestor
from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.deployment import command_port
from prodready.core.project.rule import ProjectRule, RelatedLocation, tree

# Ports server commands bind when no option says otherwise.
_COMMAND_DEFAULTS = {"uvicorn": 8000, "gunicorn": 8000, "hypercorn": 8000, "daphne": 8000, "flask": 5000,
                     "streamlit": 8501, "fastapi": 8000}


def backend_ports(project) -> dict[int, RelatedLocation]:
    """Ports the project's Python servers listen on, with where each is decided."""
    ports: dict[int, RelatedLocation] = {}
    for file, facts in project.python_files():
        if is_test_path(file.path):
            continue
        for bind in facts.binds:
            ports.setdefault(bind.port, RelatedLocation(file.path, bind.start, bind.end, f"the server binds {bind.port} here"))
    for file in project.of_kind(kinds.DOCKERFILE, kinds.PROCFILE):
        facts = project.facts(file)
        for command in (facts.commands if hasattr(facts, "commands") else facts):
            argv = command.argv
            if not argv:
                continue
            program = posixpath.basename(argv[0])
            if program.startswith("python") and "-m" in argv[:3]:
                program = argv[argv.index("-m") + 1] if argv.index("-m") + 1 < len(argv) else program
            port = command_port(argv)
            if port is None and "runserver" in argv:
                tail = argv[argv.index("runserver") + 1:] or ["8000"]
                port = int(tail[0].rsplit(":", 1)[-1]) if tail[0].rsplit(":", 1)[-1].isdigit() else 8000
            if port is None:
                port = _COMMAND_DEFAULTS.get(program)
            if port is not None:
                ports.setdefault(port, RelatedLocation(file.path, command.start, command.end, f"the server binds {port} here"))
    for file in project.of_kind(kinds.SPACE):
        space = project.facts(file)
        app_port = space.settings.get("app_port")
        if space.is_space and app_port is not None and app_port.value.isdigit():
            ports.setdefault(int(app_port.value), RelatedLocation(file.path, app_port.start, app_port.end, "app_port"))
    return ports


class FrontendBackendPortMismatch(ProjectRule):
    code = "PR610"
    preview = True
    name = "frontend-backend-port-mismatch"
    severity = Severity.WARNING
    summary = "The frontend's backend URL uses a port the Python server does not bind"
    inputs = frozenset({kinds.SCRIPT, kinds.PACKAGE_JSON, kinds.PYTHON, kinds.DOCKERFILE, kinds.PROCFILE, kinds.SPACE})
    docs = """
    ## What it does
    Compares the ports of `localhost` URLs in a JS/TS frontend (`.js/.jsx/.ts/.tsx` files
    under a `package.json`, parsed with tree-sitter) with the ports the project's Python
    server binds: `app.run(port=)`, `uvicorn.run(port=)` (their defaults when no port is
    given), server commands in a `Dockerfile` or `Procfile` (`--port`, `-b host:port`,
    `runserver`) and a Space's `app_port`. A URL on the frontend's own dev-server port
    (Vite 5173, Create React App and Next.js 3000, or `--port` in its `dev` script) is not
    a backend URL and is not compared.

    ## Why is this bad?
    Every call the frontend makes fails with a connection error: the page loads and shows
    no data. The mismatch usually appears when one side's port changes (Flask's 5000 to
    uvicorn's 8000) and the other is not updated.

    ## Example
    ```js
    // web/src/api.js, with `uvicorn.run(app, port=8000)` in main.py
    const API = "http://localhost:5000/api";
    ```

    ## Use instead
    ```js
    const API = import.meta.env.VITE_API_URL || "http://localhost:8000/api";
    ```

    ## References
    - [Vite: Env variables and modes](https://vite.dev/guide/env-and-mode)
    """
    _pkg = '{"name": "web", "devDependencies": {"vite": "^5.0.0"}}'
    invalid = [
        tree("flask-port-vs-uvicorn", {
            "main.py": "import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nuvicorn.run(app, port=8000)\n",
            "web/package.json": _pkg,
            "web/src/api.js": "export const API = 'http://localhost:5000/api';\n"}),
        tree("dockerfile-port", {
            "Dockerfile": "FROM python:3.12\nCMD gunicorn -b 0.0.0.0:8080 app:app\n",
            "frontend/package.json": '{"dependencies": {"react-scripts": "5.0.1"}}',
            "frontend/src/App.tsx": "const base: string = `http://127.0.0.1:8000/v1`;\nexport default base;\n"}),
    ]
    valid = [
        tree("same-port", {
            "app.py": "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(port=5000)\n",
            "web/package.json": _pkg, "web/src/api.ts": "export const API = 'http://localhost:5000';\n"}),
        tree("frontend-own-port", {
            "main.py": "import uvicorn\nuvicorn.run('main:app', port=8000)\n",
            "web/package.json": _pkg, "web/src/auth.js": "const redirect = 'http://localhost:5173/callback';\n"},
             note="The URL points at the frontend's own dev server."),
        tree("no-known-backend-port", {"web/package.json": _pkg, "web/src/api.js": "fetch('http://localhost:9999/x')\n"}),
    ]

    def check(self) -> None:
        ports = backend_ports(self.project)
        if not ports:
            return
        packages = [f.path for f in self.project.of_kind(kinds.PACKAGE_JSON)]
        for file in self.project.of_kind(kinds.SCRIPT):
            if is_test_path(file.path):
                continue
            package = nearest_ancestor(file.path, packages)
            if package is None:
                continue
            info = self.project.facts(self.project.files[package])
            for url in self.project.facts(file).urls:
                if url.port is None or url.port in ports or url.port == info.dev_port:
                    continue
                bound = ", ".join(str(p) for p in sorted(ports))
                self.report_at(file.path, url.start, url.end,
                               f"The frontend calls port {url.port}, but the Python server binds {bound}; "
                               "use the server's port (from an environment variable).",
                               related=list(ports.values()))
