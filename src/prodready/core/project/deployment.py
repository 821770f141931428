"""Deployment files: Hugging Face Space settings (``space.yaml`` or README front matter),
Dockerfile ``CMD``/``ENTRYPOINT`` and Procfile commands.

Only the flat ``key: value`` settings these files use are read (no YAML library needed):
Spaces' ``sdk``/``app_file``/``app_port`` are top-level scalars.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field


@dataclass
class Setting:
    value: str
    start: int  # character range of the value in the file
    end: int


@dataclass
class SpaceSettings:
    settings: dict[str, Setting] = field(default_factory=dict)
    is_space: bool = False  # the file declares Space settings (sdk:)


def _scalar(raw: str) -> str:
    value = raw.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def parse_flat_yaml(text: str, offset: int = 0) -> dict[str, Setting]:
    """Top-level ``key: scalar`` pairs with the range of each value (nested keys ignored)."""
    out: dict[str, Setting] = {}
    pos = 0
    for line in text.splitlines(keepends=True):
        match = re.match(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*\r?\n?$", line)
        if match and match.group(2) and not match.group(2).startswith(("#", "|", ">")):
            raw = match.group(2)
            value = _scalar(raw)
            index = line.find(value, match.start(2)) if value else match.start(2)
            out[match.group(1)] = Setting(value, offset + pos + index, offset + pos + index + len(value))
        pos += len(line)
    return out


def parse_space(text: str, is_readme: bool) -> SpaceSettings:
    """Space settings of ``space.yaml`` or of a README's ``---`` front matter."""
    body, offset = text, 0
    if is_readme:
        match = re.match(r"---[ \t]*\r?\n(.*?)(?:\r?\n)---[ \t]*(\r?\n|$)", text, re.DOTALL)
        if not match:
            return SpaceSettings()
        body, offset = match.group(1), match.start(1)
    settings = parse_flat_yaml(body, offset)
    return SpaceSettings(settings, "sdk" in settings)


@dataclass
class Command:
    """A process a deployment file starts: its words and where the command is written."""

    argv: list[str]
    start: int
    end: int
    origin: str  # "dockerfile" | "procfile"


def _argv(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("["):
        try:
            words = json.loads(raw)
            if isinstance(words, list):
                return [str(w) for w in words]
        except ValueError:
            pass
    try:
        return shlex.split(raw)
    except ValueError:
        return raw.split()


def parse_dockerfile(text: str) -> list[Command]:
    """The CMD / ENTRYPOINT instructions (the last one of each is what runs)."""
    commands: list[Command] = []
    for match in re.finditer(r"(?im)^[ \t]*(CMD|ENTRYPOINT)[ \t]+(.+?)[ \t]*$", text):
        commands.append(Command(_argv(match.group(2)), match.start(2), match.end(2), "dockerfile"))
    return commands


def parse_procfile(text: str) -> list[Command]:
    commands: list[Command] = []
    for match in re.finditer(r"(?m)^([\w-]+)[ \t]*:[ \t]*(.+?)[ \t]*$", text):
        commands.append(Command(_argv(match.group(2)), match.start(2), match.end(2), "procfile"))
    return commands


def command_port(argv: list[str]) -> int | None:
    """The port a server command line binds (``--port 8000``, ``-b 0.0.0.0:8000``, ``-p``)."""
    for index, word in enumerate(argv):
        value = None
        if word in ("--port", "-p", "--bind", "-b", "--server.port") and index + 1 < len(argv):
            value = argv[index + 1]
        elif word.startswith(("--port=", "--bind=", "--server.port=")):
            value = word.split("=", 1)[1]
        if value is not None:
            tail = value.rsplit(":", 1)[-1]
            if tail.isdigit():
                return int(tail)
    return None
