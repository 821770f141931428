"""Resolving lazy fixes into edits, checking them, and applying many fixes to one file.

A fix is offered only if the edited text still parses. Many fixes are applied in rounds:
non-overlapping edits go in together, the file is re-analysed, and the loop repeats until
nothing changes (two fixes that each add ``import os`` at the same place cannot both go in
one round, but they can in two).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from prodready.core.findings import Applicability, Edit, Finding, Fix, FixContext, FixOffer

MAX_ROUNDS = 10


class EditConflict(ValueError):
    """Two edits of one fix overlap."""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (character offsets into ``text``)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    cursor = 0
    for edit in ordered:
        if edit.start < cursor or edit.end < edit.start or edit.end > len(text):
            raise EditConflict(f"overlapping or out-of-range edit at {edit.start}-{edit.end}")
        out.append(text[cursor:edit.start])
        out.append(edit.replacement)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _normalized(edits: Sequence[Edit], text: str) -> tuple[Edit, ...]:
    """Drop no-op edits and trim each to the part that really changes (minimal edits)."""
    result = []
    for edit in edits:
        old = text[edit.start:edit.end]
        new = edit.replacement
        if old == new:
            continue
        prefix = 0
        limit = min(len(old), len(new))
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
            suffix += 1
        result.append(Edit(edit.start + prefix, edit.end - suffix, new[prefix:len(new) - suffix]))
    return tuple(result)


def resolve_fix(
    offer: FixOffer, text: str, target_version: tuple[int, int] = (3, 10), *, verify: bool = True
) -> Optional[Fix]:
    """Compute a fix's edits against ``text``; None when it does not apply or would not parse.

    ``verify=False`` skips the parse of the result, for callers that verify a whole batch.
    """
    try:
        edits = offer.build(FixContext(text, offer.offset, target_version))
    except Exception:  # noqa: BLE001 - a broken fix is not offered, it never breaks the file
        return None
    if not edits:
        return None
    edits = _normalized(list(edits), text)
    if not edits:
        return None
    try:
        fixed = apply_edits(text, edits)
    except EditConflict:
        return None
    if verify and not parses(fixed):
        return None
    return Fix(offer.title, offer.applicability, edits)


def choose_offer(finding: Finding, unsafe: bool) -> Optional[FixOffer]:
    """The fix batch mode applies: the safe one, or with ``unsafe`` the first unsafe one."""
    if unsafe:
        for offer in finding.fixes:
            if offer.applicability is Applicability.UNSAFE:
                return offer
    return finding.safe_fix


@dataclass
class FixRun:
    text: str
    applied: int
    rounds: int


def fix_text(
    text: str,
    analyze: Callable[[str], list[Finding]],
    *,
    unsafe: bool = False,
    target_version: tuple[int, int] = (3, 10),
    only: Optional[Callable[[Finding], bool]] = None,
) -> FixRun:
    """Apply fixes in rounds until none applies; never returns text that does not parse.

    Each round collects the non-overlapping fixes and verifies the combined result with one
    parse; only if that fails are fixes verified one by one (so a large file with many
    fixes costs a few parses per round, not one per fix).
    """
    applied = 0
    rounds = 0
    seen: set[str] = {text}
    for rounds in range(1, MAX_ROUNDS + 1):
        findings = [f for f in analyze(text) if only is None or only(f)]
        new_text, count = _round(text, findings, unsafe, target_version, verify=False)
        if new_text is None or not parses(new_text):
            new_text, count = _round(text, findings, unsafe, target_version, verify=True)
        if new_text is None or new_text in seen or not parses(new_text):
            break
        seen.add(new_text)
        text = new_text
        applied += count
    return FixRun(text, applied, rounds)


def _round(
    text: str, findings: list[Finding], unsafe: bool, target_version: tuple[int, int], *, verify: bool
) -> tuple[Optional[str], int]:
    """One round: the text with every non-conflicting fix applied (None if none applies)."""
    batch: list[Edit] = []
    taken: list[tuple[int, int]] = []
    count = 0
    for finding in findings:
        offer = choose_offer(finding, unsafe)
        if offer is None:
            continue
        fix = resolve_fix(offer, text, target_version, verify=verify)
        if fix is None:
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any(_overlaps(a, b) for a in spans for b in taken):
            continue
        if verify and batch and not parses(apply_edits(text, [*batch, *fix.edits])):
            continue
        batch.extend(fix.edits)
        taken.extend(spans)
        count += 1
    if not batch:
        return None, 0
    return apply_edits(text, batch), count


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Insertions at the same point conflict too (two `import os` lines at one place).
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1] or a[0] == b[0]
