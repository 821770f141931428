"""The project model: what prodready knows about a whole project, not one file.

Rules in the PR6xx family need facts that live between files: the dependencies a
``requirements.txt`` declares and the modules that import them, a ``space.yaml`` and the
framework the app file uses, the ORM models of one module and the queries in another. This
package reads those facts from file *texts* (never importing or running the user's code),
keeps one summary per file keyed by its content hash, and recomputes only the summaries of
files whose contents changed. The CLI and the language server share it.
"""

from prodready.core.project.model import Project, ProjectFile
from prodready.core.project.rule import (
    FileFixOffer,
    ProjectExample,
    ProjectFinding,
    ProjectRule,
    RelatedLocation,
    run_project_rules,
)

__all__ = [
    "FileFixOffer",
    "Project",
    "ProjectExample",
    "ProjectFile",
    "ProjectFinding",
    "ProjectRule",
    "RelatedLocation",
    "run_project_rules",
]
