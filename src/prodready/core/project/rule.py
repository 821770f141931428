"""`ProjectRule`: a rule that sees the whole project model and reports on any file.

Per-file rules (core/rule.py) visit one Python syntax tree; a project rule reads the
`Project` (requirements, `space.yaml`, ORM models of every module, JS/TS URLs...) and
reports findings at a path and a character range of that file, Python or not. It shares
the per-file rules' metadata (code, name, severity, docs), selection and severity
configuration. Its examples are small trees (path -> text); fixes are edits, possibly in a
file other than the finding's (`FileFixOffer.path`: PR607 adds a line to `.gitignore`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable, Optional, Sequence

from prodready.core.config import Config
from prodready.core.findings import Applicability, Edit, Finding, FixContext, FixOffer, RuleError, Severity
from prodready.core.project.model import Project
from prodready.core.rule import Example, Rule
from prodready.core.suppress import is_suppressed


@dataclass(frozen=True)
class ProjectExample(Example):
    """A rule example that is a whole (small) project: ``files`` maps paths to texts.

    ``code`` is the example's name; `fixed` maps that name to the files a fix changes.
    """

    files: dict = field(default_factory=dict)


def tree(name: str, files: dict[str, str], *, note: str = "", options: Optional[dict] = None) -> ProjectExample:
    return ProjectExample(name, "", options or {}, note, files)


@dataclass(frozen=True)
class RelatedLocation:
    path: str
    start: int
    end: int
    message: str


@dataclass(frozen=True, eq=False)
class FileFixOffer(FixOffer):
    """A fix whose edits apply to ``path`` ("" = the finding's own file)."""

    path: str = ""


def file_fix(title: str, build, *, path: str = "", safe: bool = True) -> FileFixOffer:
    return FileFixOffer(title, Applicability.SAFE if safe else Applicability.UNSAFE, build, 0, path)


@dataclass(frozen=True, eq=False)
class ProjectFinding:
    path: str  # POSIX, relative to the project root
    finding: Finding
    related: tuple[RelatedLocation, ...] = ()

    def fix_path(self, offer: FixOffer) -> str:
        return getattr(offer, "path", "") or self.path


class ProjectRule(Rule):
    """Base class of project rules: override `check`; report with `report_at`."""

    project_rule: ClassVar[bool] = True
    # The kinds of file (core/project/kinds.py) whose contents the rule reads: an edit to
    # another kind of file does not re-run it.
    inputs: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, project: Project, config: Config) -> None:  # type: ignore[override]
        self.project = project
        self.config = config
        self.found: list[ProjectFinding] = []

    def check(self) -> None:
        raise NotImplementedError

    def report_at(
        self,
        path: str,
        start: int,
        end: int,
        message: str,
        *,
        fixes: Iterable[FixOffer] = (),
        severity: Optional[Severity] = None,
        related: Sequence[RelatedLocation] = (),
    ) -> None:
        finding = Finding(self.code, self.name, severity or self.severity, message, start, end, tuple(fixes), self.tags)
        self.found.append(ProjectFinding(path, finding, tuple(related)))

    def option(self, key: str, default):  # type: ignore[override]
        return self.config.option(key, default)


@dataclass
class ProjectResult:
    findings: list[ProjectFinding] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)


def project_rules(rules: Iterable[type[Rule]]) -> list[type[ProjectRule]]:
    return [r for r in rules if isinstance(r, type) and issubclass(r, ProjectRule)]


# Per-file rules whose check also covers non-Python files of the project (PR205 in JS/TS):
# rule code -> a ProjectRule subclass that reports under that rule's code and name.
PROJECT_EXTENSIONS: dict[str, type[ProjectRule]] = {}


def _with_extensions(rules: Iterable[type[Rule]]) -> list[type[ProjectRule]]:
    rules = list(rules)
    out = project_rules(rules)
    for rule in rules:
        extension = PROJECT_EXTENSIONS.get(rule.code)
        if extension is not None and not issubclass(rule, ProjectRule):
            out.append(extension)
    return out


_COMMENTED = (".py", ".pyi", ".txt", ".toml", ".yaml", ".yml", ".gitignore", "Dockerfile", "Procfile", ".ini", ".cfg")


def run_project_rules(
    project: Project,
    config: Config,
    rules: Iterable[type[Rule]],
    only: Optional[Callable[[type[ProjectRule]], bool]] = None,
) -> ProjectResult:
    """Run the enabled project rules; apply per-file ignores, severities and `# noqa`."""
    result = ProjectResult()
    for rule in _with_extensions(rules):
        if not config.rule_enabled(rule, None) or (only is not None and not only(rule)):
            continue
        instance = rule(project, config)
        try:
            instance.check()
        except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
            result.errors.append(RuleError(rule.code, rule.name, f"{type(exc).__name__}: {exc}"))
            continue
        level = config.severity_for(rule, None)
        for item in instance.found:
            if not config.rule_enabled(rule, item.path):
                continue
            file = project.files.get(item.path)
            if file is not None and item.path.endswith(_COMMENTED) and file.text:
                f = item.finding
                if is_suppressed(file.source, f.code, f.name, f.start, f.end, rule.equivalent_codes):
                    continue
            if level is not None:
                f = item.finding
                item = ProjectFinding(item.path, Finding(f.code, f.name, level, f.message, f.start, f.end, f.fixes, f.tags),
                                      item.related)
            result.findings.append(item)
    result.findings.sort(key=lambda p: (p.path, p.finding.start, p.finding.code))
    return result


def choose_project_offer(finding: ProjectFinding, unsafe: bool) -> Optional[FixOffer]:
    fixes = finding.finding.fixes
    if unsafe:
        for offer in fixes:
            if offer.applicability is Applicability.UNSAFE:
                return offer
    return next((o for o in fixes if o.applicability is Applicability.SAFE), None)


def fix_edits(project: Project, findings: Iterable[ProjectFinding], unsafe: bool,
              target_version: tuple[int, int] = (3, 10)) -> dict[str, list[Edit]]:
    """The edits per file that the chosen fixes make (overlapping edits: the first wins)."""
    by_path: dict[str, list[Edit]] = {}
    for item in findings:
        offer = choose_project_offer(item, unsafe)
        if offer is None:
            continue
        path = item.fix_path(offer)
        text = project.text(path)
        try:
            edits = offer.build(FixContext(text, 0, target_version))
        except Exception:  # noqa: BLE001 - a fix that cannot be built is not offered
            edits = None
        if not edits:
            continue
        taken = by_path.setdefault(path, [])
        if any(e.start < t.end and t.start < e.end or (e.start == e.end == t.start == t.end) for e in edits for t in taken):
            continue
        taken.extend(edits)
    return by_path


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end:]
    return text


def fix_project(project: Project, config: Config, rules: Iterable[type[Rule]], *, unsafe: bool = False,
                rounds: int = 4, only: Optional[Callable[[ProjectFinding], bool]] = None) -> dict[str, str]:
    """Apply fixes to the project's texts in rounds; returns {path: new text} of changed files.

    Python files whose fixed text would not parse are left as they were.
    """
    import ast

    rules = list(rules)
    changed: dict[str, str] = {}
    for _ in range(rounds):
        found = run_project_rules(project, config, rules).findings
        if only is not None:
            found = [f for f in found if only(f)]
        edits = fix_edits(project, found, unsafe, config.target_version)
        progress = False
        for path, file_edits in edits.items():
            new = apply_edits(project.text(path), file_edits)
            if path.endswith(".py"):
                try:
                    ast.parse(new)
                except SyntaxError:
                    continue
            if new != project.text(path):
                project.update(path, new)
                changed[path] = new
                progress = True
        if not progress:
            break
    return changed
