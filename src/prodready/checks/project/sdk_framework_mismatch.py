"""PR601: a Hugging Face Space declares one SDK while its app file uses another framework."""

from __future__ import annotations

import posixpath

from prodready.checks.project._shared import line_bounds
from prodready.core.findings import Edit, Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, file_fix, tree

_UI = ("gradio", "streamlit")
_SERVERS = ("flask", "fastapi", "django", "starlette", "aiohttp", "tornado", "sanic", "quart", "litestar", "dash", "panel", "chainlit")


def app_frameworks(project, app_path: str) -> set[str]:
    """Frameworks the app file imports, directly or through the project modules it imports."""
    file = project.files.get(app_path)
    if file is None or file.kind != kinds.PYTHON:
        return set()
    facts = project.facts(file)
    used = set(facts.frameworks)
    by_module = {project.module_name(f.path): f for f in project.of_kind(kinds.PYTHON)}
    folder = posixpath.dirname(app_path)
    for site in facts.imports:
        candidates = [site.module, f"{folder.replace('/', '.')}.{site.module}".strip(".")]
        for name in candidates:
            other = by_module.get(name)
            if other is not None and other.path != app_path:
                used |= project.facts(other).frameworks
                break
    return used


class SdkFrameworkMismatch(ProjectRule):
    code = "PR601"
    name = "sdk-framework-mismatch"
    severity = Severity.ERROR
    summary = "The Space's `sdk:` is not the framework its app file uses"
    fix_availability = "safe"
    inputs = frozenset({kinds.SPACE, kinds.PYTHON, kinds.DOCKERFILE})
    docs = """
    ## What it does
    Reads the Hugging Face Space settings (`space.yaml`, or the `---` front matter of the
    Space's `README.md`) and compares `sdk:` with the framework the `app_file` (default
    `app.py`) imports, directly or through the project modules it imports.

    ## Why is this bad?
    The Space runtime starts the app with the declared SDK: a Streamlit script under
    `sdk: gradio` is run by `python app.py`, draws nothing and the Space shows an error; a
    Flask or FastAPI server needs `sdk: docker` and a `Dockerfile`.

    ## Example
    ```yaml
    # space.yaml, with app.py doing `import streamlit as st`
    sdk: gradio
    sdk_version: 4.44.0
    app_file: app.py
    ```

    ## Use instead
    ```yaml
    sdk: streamlit
    app_file: app.py
    ```

    ## Fix safety
    Safe: the deployment cannot start as declared, and the fix declares the SDK the app
    is written for. The `sdk_version` line is removed because it names a version of the
    other SDK (the Space then uses the current version). `sdk: docker` is only proposed
    when a `Dockerfile` sits next to the settings.

    ## References
    - [Hugging Face: Spaces configuration reference](https://huggingface.co/docs/hub/spaces-config-reference)
    """
    invalid = [
        tree("streamlit-app-declared-gradio", {
            "space.yaml": "title: Demo\nsdk: gradio\nsdk_version: 4.44.0\napp_file: app.py\n",
            "app.py": "import streamlit as st\n\nst.title('Demo')\n",
        }),
        tree("readme-front-matter", {
            "README.md": "---\ntitle: Demo\nsdk: streamlit\n---\n# Demo\n",
            "app.py": "import gradio as gr\n\ngr.Interface(lambda x: x, 'text', 'text').launch()\n",
        }),
        tree("fastapi-app-needs-docker", {
            "space.yaml": "sdk: gradio\napp_file: main.py\n",
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "Dockerfile": "FROM python:3.11\nCMD [\"uvicorn\", \"main:app\", \"--port\", \"7860\"]\n",
        }),
        tree("ui-imported-through-a-module", {
            "space.yaml": "sdk: gradio\n",
            "app.py": "from ui import build\n\nbuild()\n",
            "ui.py": "import streamlit as st\n\ndef build():\n    st.write('hi')\n",
        }),
    ]
    valid = [
        tree("matching-sdk", {"space.yaml": "sdk: streamlit\napp_file: app.py\n", "app.py": "import streamlit as st\n"}),
        tree("gradio-mounted-in-fastapi", {
            "space.yaml": "sdk: gradio\n",
            "app.py": "import gradio as gr\nfrom fastapi import FastAPI\n\napp = gr.mount_gradio_app(FastAPI(), gr.Blocks(), '/')\n",
        }, note="The app uses the declared SDK; other frameworks next to it are fine."),
        tree("readme-without-space-settings", {"README.md": "# A project\n", "app.py": "import streamlit\n"}),
        tree("app-file-not-in-project", {"space.yaml": "sdk: gradio\napp_file: missing.py\n"},
             note="Without the app file there is nothing to compare."),
    ]
    fixed = {
        "streamlit-app-declared-gradio": {"space.yaml": "title: Demo\nsdk: streamlit\napp_file: app.py\n"},
        "readme-front-matter": {"README.md": "---\ntitle: Demo\nsdk: gradio\n---\n# Demo\n"},
        "fastapi-app-needs-docker": {"space.yaml": "sdk: docker\napp_file: main.py\n"},
        "ui-imported-through-a-module": {"space.yaml": "sdk: streamlit\n"},
    }

    def check(self) -> None:
        for file in self.project.of_kind(kinds.SPACE):
            space = self.project.facts(file)
            if not space.is_space:
                continue
            sdk = space.settings["sdk"]
            folder = posixpath.dirname(file.path)
            app_file = space.settings.get("app_file")
            app_path = posixpath.join(folder, app_file.value if app_file else "app.py")
            used = app_frameworks(self.project, app_path)
            if not used:
                continue
            declared = sdk.value.lower()
            expected = None
            if declared in _UI and declared not in used:
                other = [u for u in _UI if u in used]
                expected = other[0] if other else ("docker" if used & set(_SERVERS) else None)
            elif declared == "static" and used & set(_UI + _SERVERS):
                expected = next((u for u in _UI if u in used), "docker")
            if expected is None:
                continue
            has_docker = posixpath.join(folder, "Dockerfile") in self.project.files
            fixes = []
            if expected in _UI or has_docker:
                fixes.append(file_fix(f"Declare `sdk: {expected}`", self._fix(file.path, sdk.start, sdk.end, expected,
                                                                              space.settings.get("sdk_version"))))
            need = "" if expected in _UI or has_docker else " and add a Dockerfile"
            self.report_at(file.path, sdk.start, sdk.end,
                           f"The Space declares `sdk: {declared}` but `{app_path}` uses {', '.join(sorted(used))}; "
                           f"declare `sdk: {expected}`{need}.", fixes=fixes)

    @staticmethod
    def _fix(path, start, end, expected, version):
        def build(ctx):
            edits = [Edit(start, end, expected)]
            if version is not None:
                ls, le = line_bounds(ctx.text, version.start)
                edits.append(Edit(ls, le, ""))
            return edits
        return build
