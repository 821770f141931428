"""Resolving lazy fixes into edits, checking them, and applying many fixes to one file.

A fix is offered only if the edited text still parses. Many fixes are applied in rounds:
non-overlapping edits go in together, the file is re-analysed, and the loop repeats until
nothing changes. Two fixes that insert the very same text at the same place (each adding
``import logging``) share that insertion, so they go in one round; different insertions at
one place wait for the next round.

Cost is O(n log n) in the number of fixes per round: fixes are resolved without copying the
file, conflicts are found with a sorted interval list, the combined result is built and
parsed once, and that parse is reused by the analysis of the next round. Text with ``\r\n``
or lone ``\r`` line ends is fixed through its ``\n`` form (the builders assume ``\n``) and
the edits are mapped back, so the file keeps its own line ends.
"""

from __future__ import annotations

import ast
import bisect
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from prodready.core.findings import Applicability, Edit, Finding, Fix, FixContext, FixOffer
from prodready.core.gcpause import paused_gc
from prodready.core.newlines import LineEndings
from prodready.core.source import parse_and_remember

MAX_ROUNDS = 10


class EditConflict(ValueError):
    """Two edits of one fix overlap."""


def _ordered(edits: Iterable[Edit], length: int) -> list[Edit]:
    """``edits`` sorted; raises EditConflict if they overlap or leave ``0..length``."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    cursor = 0
    for edit in ordered:
        if edit.start < cursor or edit.end < edit.start or edit.end > length:
            raise EditConflict(f"overlapping or out-of-range edit at {edit.start}-{edit.end}")
        cursor = edit.end
    return ordered


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (character offsets into ``text``)."""
    out: list[str] = []
    cursor = 0
    for edit in _ordered(edits, len(text)):
        out.append(text[cursor:edit.start])
        out.append(edit.replacement)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def parses(text: str) -> bool:
    try:
        with warnings.catch_warnings(), paused_gc():
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
        if verify:
            if not parses(apply_edits(text, edits)):
                return None
        else:
            _ordered(edits, len(text))
    except EditConflict:
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
    findings: Optional[list[Finding]] = None,
) -> FixRun:
    """Apply fixes in rounds until none applies; never returns text that does not parse.

    ``findings``: what ``analyze(text)`` returns, when the caller already has it.
    Each round collects the non-overlapping fixes and verifies the combined result with one
    parse; only if that fails are fixes verified one by one.
    """
    applied = 0
    rounds = 0
    seen: set[str] = {text}
    for rounds in range(1, MAX_ROUNDS + 1):
        ends = LineEndings(text)
        work = ends.lf
        if findings is None or ends.changed:
            findings = analyze(work)
        chosen = [f for f in findings if only is None or only(f)]
        findings = None
        edits, count = _round(work, chosen, unsafe, target_version, verify=False)
        if not edits:
            break
        new_text = _verified(text, ends, edits)
        if new_text is None:
            edits, count = _round(work, chosen, unsafe, target_version, verify=True)
            new_text = _verified(text, ends, edits)
        if new_text is None or new_text in seen:
            break
        seen.add(new_text)
        text = new_text
        applied += count
    return FixRun(text, applied, rounds)


def _verified(text: str, ends: LineEndings, edits: list[Edit]) -> Optional[str]:
    """``text`` with ``edits`` (offsets in ``ends.lf``) applied, or None if it would not parse."""
    if not edits:
        return None
    if ends.changed:
        edits = ends.edits_to_original(edits)
    try:
        new_text = apply_edits(text, edits)
    except EditConflict:
        return None
    return new_text if parse_and_remember(new_text) else None


class _Taken:
    """Spans already claimed in one round, sorted, for O(log n) overlap checks."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.edits: list[Edit] = []

    def status(self, edit: Edit) -> str:
        """"free", "shared" (the identical edit is already taken) or "conflict"."""
        index = bisect.bisect_left(self.starts, edit.start)
        for k in (index - 1, index, index + 1):
            if 0 <= k < len(self.edits):
                other = self.edits[k]
                if other == edit:
                    return "shared"
        for k in range(max(0, index - 1), min(len(self.edits), index + 2)):
            if _overlaps((edit.start, edit.end), (self.edits[k].start, self.edits[k].end)):
                return "conflict"
        return "free"

    def add(self, edit: Edit) -> None:
        index = bisect.bisect_right(self.starts, edit.start)
        self.starts.insert(index, edit.start)
        self.edits.insert(index, edit)


def _round(
    text: str, findings: list[Finding], unsafe: bool, target_version: tuple[int, int], *, verify: bool
) -> tuple[list[Edit], int]:
    """One round: the edits of every non-conflicting fix (offsets in ``text``) and their number.

    ``verify``: check each fix on its own and together with the ones taken so far (slow; only
    used when the combined result of the fast path did not parse).
    """
    batch: list[Edit] = []
    taken = _Taken()
    count = 0
    for finding in findings:
        offer = choose_offer(finding, unsafe)
        if offer is None:
            continue
        fix = resolve_fix(offer, text, target_version, verify=verify)
        if fix is None:
            continue
        statuses = [taken.status(e) for e in fix.edits]
        if "conflict" in statuses:
            continue
        fresh = [e for e, state in zip(fix.edits, statuses) if state == "free"]
        if verify and batch and not parses(apply_edits(text, [*batch, *fresh])):
            continue
        for edit in fresh:
            taken.add(edit)
        batch.extend(fresh)
        count += 1
    return batch, count


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Insertions at the same point conflict too (two different lines added at one place).
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1] or a[0] == b[0]
