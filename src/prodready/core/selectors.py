"""Rule selectors (`PR101`, `PR1`, `naive-utcnow`, `ALL`, `syntax-error`): checking them.

A mistyped selector used to select nothing and report "All checks passed!". Every selector a
configuration holds (select, ignore, extend-select, per-file-ignores, severity) is checked
against the rule catalogue here, and the first unknown one becomes a `ConfigError` that names
it, where it came from and the closest real selectors, so the CLI exits 2 and the server
shows one message.

`syntax-error` is a pseudo-rule: it is always selected (a file that does not parse was not
checked by any rule, so hiding that would make a clean report a lie), but it can be named in
`select`, ignored with `ignore` or `per-file-ignores`, and given a `severity` like a rule.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable, Iterator, Optional, Sequence

from prodready.core.config import Config, ConfigError, _glob_match, _matches, _matches_any, _matches_exactly

SYNTAX_ERROR = "syntax-error"


class SyntaxErrorRule:
    """Stands in for a rule where selectors are matched against `syntax-error`."""

    code = SYNTAX_ERROR
    name = SYNTAX_ERROR


def is_known(selector: str, rules: Sequence) -> bool:
    key = selector.strip()
    if not key:
        return False
    if key.upper() == "ALL" or key.lower() == SYNTAX_ERROR:
        return True
    return any(_matches(rule, key) for rule in rules)


def suggestions(selector: str, rules: Sequence, n: int = 3) -> list[str]:
    """The closest real selectors, as `PR101 (naive-utcnow)` or `syntax-error`."""
    key = selector.strip()
    by_key: dict[str, str] = {}
    for rule in rules:
        label = f"{rule.code} ({rule.name})"
        by_key[rule.code] = label
        by_key[rule.name] = label
    by_key[SYNTAX_ERROR] = SYNTAX_ERROR
    looks_like_code = key[:2].upper() == "PR" or any(ch.isdigit() for ch in key)
    probe = key.upper() if looks_like_code else key.lower()
    pool = [k for k in by_key if (k.startswith("PR") and k[2:].isdigit()) == looks_like_code] or list(by_key)
    if looks_like_code:
        close = _closest_codes(probe, pool, n)
    else:
        close = difflib.get_close_matches(probe, pool, n=n, cutoff=0.6)
    seen: list[str] = []
    for match in close:
        if by_key[match] not in seen:
            seen.append(by_key[match])
    return seen


# Characters a code is mistyped with: a letter for the digit it looks like.
_LOOK_ALIKES = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8"})


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _closest_codes(probe: str, codes: Sequence[str], n: int) -> list[str]:
    """Codes one or two edits away, nearest first; a look-alike letter (``PR1O1``) counts as the
    digit it stands for, so its code is the one answer."""
    fixed = probe[:2] + probe[2:].translate(_LOOK_ALIKES)
    if fixed in codes:
        return [fixed]
    ranked = sorted((_edit_distance(fixed, code), code) for code in codes)
    best = [(d, code) for d, code in ranked if d <= 2]
    if not best:
        return []
    nearest = best[0][0]
    return [code for d, code in best if d == nearest][:n]


def _configured(config: Config) -> Iterator[tuple[str, str]]:
    """(selector, the setting it is in) for every selector of ``config``."""
    sources = dict(getattr(config, "selector_sources", ()) or ())

    def where(key: str) -> str:
        return sources.get(key) or (f"{config.source} {key}" if config.source else key)

    for selector in config.select or ():
        yield selector, where("select")
    for selector in config.ignore:
        yield selector, where("ignore")
    for selector in config.extend_select:
        yield selector, where("extend-select")
    for glob, codes in config.per_file_ignores:
        for selector in codes:
            yield selector, f"{where('per-file-ignores')} \"{glob}\""
    for selector, _level in config.severity:
        yield selector, where("severity")


def unknown(config: Config, rules: Sequence) -> list[tuple[str, str]]:
    """Every (selector, where) of ``config`` that matches no rule."""
    return [(s, w) for s, w in _configured(config) if not is_known(s, rules)]


def describe(selector: str, where: str, rules: Sequence) -> str:
    close = suggestions(selector, rules)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    if not close and re.fullmatch(r"[A-Za-z]+\d+", selector.strip()) and selector.strip()[:2].upper() != "PR":
        hint = "; prodready's codes start with PR, and this looks like another linter's code"
    return (f"{where}: unknown rule selector {selector!r}{hint} "
            "(`prodready rules` lists every code and name)")


def check(config: Config, rules: Sequence) -> None:
    """Raise `ConfigError` for the first unknown selector of ``config`` (all of them listed)."""
    problems = unknown(config, rules)
    if not problems:
        return
    first, where = problems[0]
    message = describe(first, where, rules)
    others = [s for s, _ in problems[1:]]
    if others:
        message += f"; also unknown: {', '.join(repr(s) for s in others)}"
    raise ConfigError(message)


def syntax_error_enabled(config: Config, path: Optional[str] = None) -> bool:
    """Is `syntax-error` reported for ``path``? Always selected; ignorable like a rule."""
    rule = SyntaxErrorRule
    if _matches_any(rule, config.ignore) and not _matches_exactly(rule, config.extend_select) \
            and not _names(rule, config.select or ()):
        return False
    if path is not None and config.per_file_ignores:
        rel = config.relative_path(path)
        for glob, codes in config.per_file_ignores:
            if _glob_match(rel, glob) and _matches_any(rule, codes):
                return False
    return True


def _names(rule, selectors: Iterable[str]) -> bool:
    return any(s.strip().lower() == rule.name for s in selectors)
