"""Constants and helpers shared by the editor integration tests."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
EDITORS = REPO_ROOT / "editors"

# A file with findings. Line 4 (0-based) has non-ASCII text before the call, so byte,
# UTF-16 and character columns all differ there.
UNICODE_PREFIX = 'msg = "héllo — ünïcode 🎉"; x = '
SAMPLE = (
    "from datetime import datetime\n"
    "\n"
    'SECRET_KEY = "abc"\n'
    "started = datetime.utcnow()\n"
    f"{UNICODE_PREFIX}datetime.utcnow()\n"
)
UNICODE_LINE = 4


def tail(path: Path | str | None, lines: int = 60) -> str:
    if not path:
        return ""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def which(name: str) -> str | None:
    return shutil.which(name)
