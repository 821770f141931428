"""An argument parser that suggests the closest option or command for a typo.

`prodready check --formt json` should say "did you mean --format?" (as Ruff and git do), not
only "unrecognized arguments". argparse reports unknown options from the top-level parser,
so the suggestions come from every option of every sub-command, the chosen one first.
"""

from __future__ import annotations

import argparse
import difflib
import re
from typing import Optional


class SuggestingParser(argparse.ArgumentParser):
    def _option_strings(self) -> list[str]:
        found: list[str] = []
        for action in self._actions:
            found.extend(s for s in action.option_strings if s.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    if isinstance(sub, SuggestingParser):
                        found.extend(sub._option_strings())
        return list(dict.fromkeys(found))

    def _commands(self) -> list[str]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []

    def hint(self, message: str) -> Optional[str]:
        """A "did you mean" for an argparse error message, or None."""
        unknown = re.match(r"unrecognized arguments: (.+)", message)
        if unknown:
            hints = []
            for word in unknown.group(1).split():
                if not word.startswith("-"):
                    continue
                name = word.split("=", 1)[0]
                close = difflib.get_close_matches(name, self._option_strings(), n=1, cutoff=0.6)
                if close:
                    hints.append(f"{name}: did you mean {close[0]}?")
            return "; ".join(hints) or None
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.+)\)", message)
        if choice:
            options = re.findall(r"'([^']*)'", choice.group(2)) or [c.strip() for c in choice.group(2).split(",")]
            close = difflib.get_close_matches(choice.group(1), options, n=1, cutoff=0.6)
            if close:
                return f"did you mean {close[0]!r}?"
        return None

    def error(self, message: str):  # type: ignore[override]
        hint = self.hint(message)
        if hint:
            message = f"{message} ({hint})"
        super().error(message)
