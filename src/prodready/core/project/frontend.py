"""JS/TS frontends: a ``package.json``, the bundler it builds with, and its dev-server port.

The bundler decides how the frontend reads configuration at build time, which is what a
fix for a hard-coded backend URL must use: Vite exposes ``import.meta.env.VITE_*``, Create
React App ``process.env.REACT_APP_*``, Next.js ``process.env.NEXT_PUBLIC_*``.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

# bundler -> (how code reads a variable, the prefix the bundler exposes, default dev port)
BUNDLERS = {
    "vite": ("import.meta.env.", "VITE_", 5173),
    "next": ("process.env.", "NEXT_PUBLIC_", 3000),
    "react-scripts": ("process.env.", "REACT_APP_", 3000),
    "vue-cli": ("process.env.", "VUE_APP_", 8080),
}


@dataclass
class PackageInfo:
    name: str = ""
    dependencies: list[str] = field(default_factory=list)
    bundler: str = ""  # a key of BUNDLERS, or ""
    dev_port: int = 0  # the port the frontend's own dev server listens on
    proxy_ports: list[int] = field(default_factory=list)  # CRA "proxy": "http://localhost:5000"
    error: str = ""


def _port_option(command: str) -> int:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    for index, word in enumerate(words):
        if word in ("--port", "-p") and index + 1 < len(words) and words[index + 1].isdigit():
            return int(words[index + 1])
        if word.startswith("--port=") and word[7:].isdigit():
            return int(word[7:])
    return 0


def parse_package_json(text: str) -> PackageInfo:
    info = PackageInfo()
    try:
        data = json.loads(text)
    except ValueError as exc:
        info.error = str(exc)
        return info
    if not isinstance(data, dict):
        info.error = "package.json is not an object"
        return info
    info.name = str(data.get("name") or "")
    for key in ("dependencies", "devDependencies"):
        table = data.get(key)
        if isinstance(table, dict):
            info.dependencies.extend(str(k) for k in table)
    deps = set(info.dependencies)
    if "vite" in deps:
        info.bundler = "vite"
    elif "next" in deps:
        info.bundler = "next"
    elif "react-scripts" in deps:
        info.bundler = "react-scripts"
    elif "@vue/cli-service" in deps:
        info.bundler = "vue-cli"
    scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
    dev = str(scripts.get("dev") or scripts.get("start") or "")
    info.dev_port = _port_option(dev) or (BUNDLERS[info.bundler][2] if info.bundler else 0)
    proxy = data.get("proxy")
    if isinstance(proxy, str) and proxy.rsplit(":", 1)[-1].strip("/").isdigit():
        info.proxy_ports.append(int(proxy.rsplit(":", 1)[-1].strip("/")))
    return info
