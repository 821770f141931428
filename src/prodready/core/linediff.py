"""Line diffs that stay fast on large files with thousands of scattered changes.

`difflib.SequenceMatcher` looks for the longest match again in every gap it leaves, which
is quadratic when a fix run changes thousands of lines of a long file. Here lines that occur
exactly once in both versions anchor the alignment (the longest increasing run of them, in
O(n log n)), and `difflib` only aligns the short stretches between two anchors. Small inputs
go to `difflib` directly, so its familiar output is kept where it is cheap.
"""

from __future__ import annotations

import bisect
import difflib
from typing import Iterator, Sequence

from prodready.core.newlines import split_lines

Opcode = tuple[str, int, int, int, int]
_SMALL = 250_000  # len(a) * len(b) below which difflib aligns the stretch itself


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """difflib-style opcodes (``equal``/``replace``/``delete``/``insert``) turning ``a`` into ``b``."""
    matches: list[tuple[int, int, int]] = []
    _match(a, b, 0, len(a), 0, len(b), matches, 0)
    result: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*matches, (len(a), len(b), 0)]:
        if i < ai and j < bj:
            result.append(("replace", i, ai, j, bj))
        elif i < ai:
            result.append(("delete", i, ai, j, bj))
        elif j < bj:
            result.append(("insert", i, ai, j, bj))
        if size:
            if result and result[-1][0] == "equal":
                _tag, i1, _i2, j1, _j2 = result.pop()
                result.append(("equal", i1, ai + size, j1, bj + size))
            else:
                result.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return result


def _match(a, b, alo: int, ahi: int, blo: int, bhi: int, out: list, depth: int) -> None:
    """Append the matching blocks (i, j, size) of a[alo:ahi] and b[blo:bhi] to ``out``, in order."""
    while alo < ahi and blo < bhi and a[alo] == b[blo]:  # common head
        out.append((alo, blo, 1))
        alo, blo = alo + 1, blo + 1
    tail = 0
    while alo < ahi - tail and blo < bhi - tail and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
        tail += 1
    ahi_inner, bhi_inner = ahi - tail, bhi - tail
    if alo < ahi_inner and blo < bhi_inner and (ahi_inner - alo) * (bhi_inner - blo) <= 64 \
            and set(a[alo:ahi_inner]).isdisjoint(b[blo:bhi_inner]):
        pass  # a short stretch with no line in common: one replaced stretch
    elif alo < ahi_inner and blo < bhi_inner:
        anchors = _anchors(a, b, alo, ahi_inner, blo, bhi_inner) if depth < 50 else []
        if not anchors or (ahi_inner - alo) * (bhi_inner - blo) <= _SMALL:
            if (ahi_inner - alo) * (bhi_inner - blo) <= _SMALL * 16:
                matcher = difflib.SequenceMatcher(None, a[alo:ahi_inner], b[blo:bhi_inner], autojunk=False)
                for i, j, size in matcher.get_matching_blocks():
                    if size:
                        out.append((alo + i, blo + j, size))
            # else: too big and nothing anchors it: one replaced stretch
        else:
            i, j = alo, blo
            for ai, bj in anchors:
                _match(a, b, i, ai, j, bj, out, depth + 1)
                out.append((ai, bj, 1))
                i, j = ai + 1, bj + 1
            _match(a, b, i, ahi_inner, j, bhi_inner, out, depth + 1)
    for k in range(tail):
        out.append((ahi_inner + k, bhi_inner + k, 1))


def _anchors(a, b, alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """Pairs (i, j) of lines unique in both ranges, the longest run increasing in both."""
    count_a: dict = {}
    for i in range(alo, ahi):
        count_a[a[i]] = count_a.get(a[i], (0, i))[0] + 1, i
    count_b: dict = {}
    for j in range(blo, bhi):
        count_b[b[j]] = count_b.get(b[j], (0, j))[0] + 1, j
    pairs = []
    for line, (n, i) in count_a.items():
        other = count_b.get(line)
        if n == 1 and other is not None and other[0] == 1:
            pairs.append((i, other[1]))
    pairs.sort()
    # Longest increasing subsequence on j (patience sorting).
    tops: list[int] = []
    top_index: list[int] = []
    previous = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        if pile == len(tops):
            tops.append(j)
            top_index.append(k)
        else:
            tops[pile] = j
            top_index[pile] = k
        previous[k] = top_index[pile - 1] if pile else -1
    chain = []
    k = top_index[-1] if top_index else -1
    while k != -1:
        chain.append(pairs[k])
        k = previous[k]
    chain.reverse()
    return chain


def grouped(codes: list[Opcode], context: int = 3) -> Iterator[list[Opcode]]:
    """Hunks: changes with ``context`` equal lines around them, near changes joined."""
    if not codes:
        return
    codes = list(codes)
    if len(codes) == 1 and codes[0][0] == "equal":
        return
    if codes[0][0] == "equal":
        _tag, i1, i2, j1, j2 = codes[0]
        codes[0] = ("equal", max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    if codes[-1][0] == "equal":
        _tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = ("equal", i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    hunk: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            hunk.append(("equal", i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield hunk
            hunk = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        hunk.append((tag, i1, i2, j1, j2))
    if hunk and not (len(hunk) == 1 and hunk[0][0] == "equal"):
        yield hunk


def _range(start: int, length: int) -> str:
    first = start + 1
    if length == 1:
        return f"{first}"
    if length == 0:
        first -= 1
    return f"{first},{length}"


def unified_diff(old: str, new: str, display: str) -> str:
    """``git diff``-style text turning ``old`` into ``new`` (``a/``, ``b/`` prefixed names)."""
    a = split_lines(old, keepends=True)
    b = split_lines(new, keepends=True)
    out: list[str] = []
    for hunk in grouped(opcodes(a, b)):
        if not out:
            out.append(f"--- a/{display}\n+++ b/{display}\n")
        first, last = hunk[0], hunk[-1]
        out.append(f"@@ -{_range(first[1], last[2] - first[1])} +{_range(first[3], last[4] - first[3])} @@\n")
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                lines = [(" ", line) for line in a[i1:i2]]
            else:
                lines = [("-", line) for line in a[i1:i2]] + [("+", line) for line in b[j1:j2]]
            for mark, line in lines:
                out.append(mark + line)
                if not line.endswith(("\n", "\r")):
                    out.append("\n\\ No newline at end of file\n")
    return "".join(out)
