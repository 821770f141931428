"""Plain data the engine produces: findings, fixes and the text edits fixes are made of.

Positions are character offsets into the analysed text (Python ``str`` indices). Converting
them to lines and columns in any encoding is `SourceFile`'s job, so a finding never carries
an encoding-specific column that could be misread.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence


class Severity(enum.IntEnum):
    """Ordered like LSP's DiagnosticSeverity so the server can pass the value through."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: object) -> "Severity":
        """Accept `error`, `warning`, `warn`, `information`, `info`, `hint` (any case) or 1-4."""
        if isinstance(value, Severity):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
            return cls(value)
        if isinstance(value, str):
            key = value.strip().lower()
            aliases = {"warn": "warning", "info": "information", "note": "information"}
            key = aliases.get(key, key)
            for member in cls:
                if member.name.lower() == key:
                    return member
        raise ValueError(
            f"unknown severity {value!r}; expected one of error, warning, information, hint"
        )


class Applicability(str, enum.Enum):
    """Whether applying a fix keeps behaviour (safe) or changes it on purpose (unsafe)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement`` (character offsets)."""

    start: int
    end: int
    replacement: str

    def shifted(self, delta: int) -> "Edit":
        return Edit(self.start + delta, self.end + delta, self.replacement)


@dataclass(frozen=True)
class Fix:
    """A computed fix: a title, its applicability and minimal edits."""

    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class FixContext:
    """What a fix builder gets: the whole file as it is now, and where the analysed text starts.

    Rules see either a whole file or one block of it (the server re-checks only edited
    blocks); node positions a rule captured are relative to what it saw, so a builder adds
    ``offset`` (see `at`) and may look at the whole ``text`` to place imports.
    """

    text: str
    offset: int = 0
    target_version: tuple[int, int] = (3, 10)

    def at(self, relative: int) -> int:
        return self.offset + relative


# A fix builder returns edits in offsets of ``FixContext.text``, or None when the fix turns
# out not to apply here (the engine also drops fixes whose result would not parse).
FixBuilder = Callable[[FixContext], Optional[Sequence[Edit]]]


def _moved(item, field_name: str, delta: int, other: Optional[str] = None):
    """A copy of a frozen dataclass instance with ``field_name`` (and ``other``) moved by
    ``delta``. Built by copying its ``__dict__``: the generated frozen ``__init__`` sets each
    field through ``object.__setattr__``, and an edit near the top of a huge document moves
    tens of thousands of findings."""
    clone = object.__new__(type(item))
    state = clone.__dict__
    state.update(item.__dict__)
    state[field_name] += delta
    if other is not None:
        state[other] += delta
    return clone


@dataclass(frozen=True, eq=False)
class FixOffer:
    """A fix that is described now and computed later (``build``), so diagnostics stay cheap."""

    title: str
    applicability: Applicability
    build: FixBuilder
    # Offsets in ``build``'s results are relative to the text the rule saw; when the finding
    # was produced from one block of a larger file the engine records the block's offset.
    offset: int = 0

    def shifted(self, delta: int) -> "FixOffer":
        return _moved(self, "offset", delta)


@dataclass(frozen=True, eq=False)
class Finding:
    """One problem at one place, with the fixes that may repair it."""

    code: str
    name: str
    severity: Severity
    message: str
    start: int
    end: int
    fixes: tuple[FixOffer, ...] = ()
    tags: tuple[str, ...] = field(default=())  # "unnecessary", "deprecated"

    @property
    def safe_fix(self) -> Optional[FixOffer]:
        return next((f for f in self.fixes if f.applicability is Applicability.SAFE), None)

    @property
    def fix_applicability(self) -> Optional[Applicability]:
        """The best applicability on offer (safe before unsafe), or None."""
        if not self.fixes:
            return None
        return Applicability.SAFE if self.safe_fix else Applicability.UNSAFE

    def shifted(self, delta: int) -> "Finding":
        if not delta:
            return self
        moved = _moved(self, "start", delta, "end")
        if self.fixes:
            moved.__dict__["fixes"] = tuple(_moved(f, "offset", delta) for f in self.fixes)
        return moved

    def key(self) -> tuple:
        """Identity used to match findings across runs (for caches and code actions)."""
        return (self.code, self.start, self.end, self.message)


@dataclass(frozen=True)
class RuleError:
    """A rule raised while checking a file; that rule is skipped for that file."""

    code: str
    name: str
    message: str


@dataclass(frozen=True)
class ParseProblem:
    """The file (or one block of it) does not parse, or cannot be read as text."""

    message: str
    start: int
    end: int
    kind: str = "syntax-error"  # or "decode-error", "too-large", "newer-syntax"
