"""The README's adoption path: in order (install, check, baseline, pre-commit, CI), installing
from a checkout or a wheel, and every `prodready check` command it shows is one the command
line accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from prodready.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_adoption_steps_are_in_order():
    headings = re.findall(r"^### \d\. (.+)$", README, re.MULTILINE)
    assert [h.split(":")[0].lower() for h in headings] == ["install", "check", "baseline", "pre-commit", "ci"]


def test_install_is_from_a_checkout_or_wheel_not_a_package_index():
    assert not re.search(r"pip3? install (-U )?prodready\b", README)
    assert "pipx install ./prodready" in README and "pip install ./prodready" in README
    assert "pip wheel" in README


def _commands() -> list[str]:
    blocks = re.findall(r"```(?:sh|console|yaml)\n(.*?)```", README, re.DOTALL)
    found = []
    for block in blocks:
        for line in block.splitlines():
            match = re.search(r"(?:^|\s|\$ |- )(prodready check[^#\n]*)", line)
            if match:
                found.append(match.group(1).strip())
    return found


@pytest.mark.parametrize("command", _commands())
def test_readme_check_commands_parse(command):
    args = build_parser().parse_args(shlex.split(command)[1:])
    assert args.command == "check"


def test_readme_shows_the_adoption_commands():
    commands = " ".join(_commands())
    for flag in ("--write-baseline", "--format gitlab", "--format junit", "--show-settings", "--show-files"):
        assert flag in commands, flag
    assert "id: prodready" in README and "action.yml" in README and "try-repo" in README
