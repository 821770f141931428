"""PR602: a requirements file line that does not pin one version."""

from __future__ import annotations

from prodready.core.findings import Severity
from prodready.core.project import kinds
from prodready.core.project.rule import ProjectRule, tree


class UnpinnedRequirement(ProjectRule):
    code = "PR602"
    preview = True
    name = "unpinned-requirement"
    severity = Severity.INFORMATION
    summary = "A requirements file line does not pin one version (`==`)"
    inputs = frozenset({kinds.REQUIREMENTS})
    docs = """
    ## What it does
    Reports lines of `requirements*.txt` files (and files in a `requirements/` folder)
    that do not pin one version with `==` or `===`. Includes (`-r`), constraints (`-c`),
    editable installs (`-e`), URLs and paths are not judged, and a name that another
    requirements or constraints file of the project pins is not reported. Version ranges
    in `[project.dependencies]` are never reported: a library must allow ranges.

    ## Why is this bad?
    A service installed from `requirements.txt` gets whatever is newest on the day of the
    build: two builds of the same commit can run different code, and a release of a
    dependency breaks production without a change in the repository.

    ## Example
    ```text
    flask>=2.0
    requests
    ```

    ## Use instead
    ```text
    flask==3.0.3
    requests==2.32.3
    ```
    (or keep ranges in a `requirements.in` and compile the pins with pip-tools / uv).

    ## References
    - [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    """
    invalid = [
        tree("range-and-bare-name", {"requirements.txt": "flask>=2.0\nrequests\n"}),
        tree("folder-of-requirements", {"requirements/base.txt": "django~=5.0  # web\n"}),
    ]
    valid = [
        tree("pinned", {"requirements.txt": "flask==3.0.3\nrequests===2.32.3\n-r base.txt\n-e .\n"}),
        tree("pinned-by-constraints", {"requirements.txt": "-c constraints.txt\nflask\n",
                                       "constraints.txt": "flask==3.0.3\n",
                                       "requirements-lock.txt": "flask==3.0.3\n"},
             note="Another requirements file of the project pins the name."),
        tree("library-ranges", {"pyproject.toml": "[project]\nname = 'lib'\ndependencies = ['requests>=2']\n"}),
    ]

    def check(self) -> None:
        pinned = {d.name for f in self.project.of_kind(kinds.REQUIREMENTS)
                  for d in self.project.facts(f).dependencies if d.pinned}
        for file in self.project.of_kind(kinds.REQUIREMENTS):
            for dep in self.project.facts(file).dependencies:
                if dep.pinned or dep.name in pinned:
                    continue
                self.report_at(file.path, dep.start, dep.end,
                               f"`{dep.raw}` is not pinned; pin one version (`{dep.name}==<version>`) so every build installs the same code.")
