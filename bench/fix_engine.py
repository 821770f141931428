"""Fix engine speed: ``prodready check --diff --unsafe-fixes`` on one file with many fixable findings.

Usage: python bench/fix_engine.py [--findings 16000] [--repeat 1]

Generates a module of small handler functions, each with fixable findings (naive
``utcnow()``, ``requests`` calls without a timeout, ``print`` in production code), checks
how many findings are fixable, then times the CLI's ``--diff --unsafe-fixes`` on it (best of
--repeat runs; plain ``check`` timed too, for reference). Asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FUNCTION = '''
def handler_{n}(url):
    started = datetime.datetime.utcnow()
    response = requests.get(url)
    print("fetched", url)
    return started, response
'''
PER_FUNCTION = 3


def generate(findings: int) -> str:
    head = "import datetime\n\nimport requests\n"
    return head + "".join(FUNCTION.format(n=n) for n in range(max(1, findings // PER_FUNCTION)))


def timed(cmd: list[str], repeat: int) -> tuple[float, subprocess.CompletedProcess]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=16000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "handlers.py")
        path.write_text(generate(args.findings), encoding="utf-8")
        # --preview: PR101 and PR305, two of the three fixes generated, are preview rules.
        base = [sys.executable, "-m", "prodready", "check", "--no-cache", "--preview", str(path)]
        check_time, check = timed(base + ["--statistics"], args.repeat)
        print(check.stdout.strip().splitlines()[-5:] if check.stdout else check.stderr)
        diff_time, diff = timed(base + ["--diff", "--unsafe-fixes"], args.repeat)
        print(f"lines: {path.read_text().count(chr(10))}")
        print(f"check: {check_time:.2f} s")
        print(f"--diff --unsafe-fixes: {diff_time:.2f} s; {diff.stderr.strip().splitlines()[-1:]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
