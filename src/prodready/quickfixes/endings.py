"""One finding's fix in a file whose lines end in ``\\r\\n`` or a lone ``\\r``.

Fix builders assume ``\\n`` line ends, and the positions a finding's builder captured belong
to the text its rule saw. So for such a file the finding is found again in the file's
``\\n`` form, its fix is built there, and the edits are mapped back with the file's own line
end in any new lines. For ``\\n`` files this is plain `resolve_fix`.
"""

from __future__ import annotations

from typing import Callable, Optional

from prodready.core.findings import Finding, Fix
from prodready.core.newlines import LineEndings
from prodready.quickfixes.apply import resolve_fix


def resolve_finding_fix(
    finding: Finding,
    index: int,
    text: str,
    analyze: Callable[[str], list[Finding]],
    target_version: tuple[int, int] = (3, 10),
) -> Optional[Fix]:
    """The ``index``-th fix of ``finding`` (found in ``text``) as edits of ``text``."""
    if index >= len(finding.fixes):
        return None
    ends = LineEndings(text)
    if not ends.changed:
        return resolve_fix(finding.fixes[index], text, target_version)
    start, end = ends.to_lf(finding.start), ends.to_lf(finding.end)
    for twin in analyze(ends.lf):
        if twin.code == finding.code and twin.start == start and twin.end == end and index < len(twin.fixes):
            fix = resolve_fix(twin.fixes[index], ends.lf, target_version)
            if fix is None:
                return None
            return Fix(fix.title, fix.applicability, tuple(ends.edits_to_original(fix.edits)))
    return None
