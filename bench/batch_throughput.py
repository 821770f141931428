"""Batch throughput: prodready vs bandit on the same corpus of real package sources.

Usage: python bench/batch_throughput.py [--corpus bench/corpus] [--repeat 3]

Fetches the corpus (bench/corpus.py, pinned wheels of django, flask, sqlalchemy, requests)
when missing, then times, in the same run and on the same files:
  * prodready check --no-cache --jobs 1   (one core, like bandit)
  * prodready check --no-cache            (all cores)
  * bandit -r -q                          (needs `pip install bandit`, the [bench] extra)
and prints lines/s for each (best of --repeat runs) and the ratio to bandit.
This is a benchmark script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import BENCH, fetch  # noqa: E402


def count_lines(root: Path) -> tuple[int, int]:
    files = list(root.rglob("*.py"))
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def best_time(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr[-2000:]}")
        best = min(best, elapsed)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fetch(BENCH, args.corpus)
    roots = [args.corpus / f"{name}-{version}" for name, version in BENCH.items()]
    roots = [r for r in roots if r.is_dir()]
    files = lines = 0
    for root in roots:
        f, n = count_lines(root)
        files += f
        lines += n
    print(f"corpus: {', '.join(r.name for r in roots)}: {files} files, {lines} lines")
    prodready = [sys.executable, "-m", "prodready", "check", "--no-cache", "--preview", "--exit-zero", "--quiet", *map(str, roots)]
    results = {
        "prodready (1 process)": best_time([*prodready, "--jobs", "1"], args.repeat),
        "prodready (all cores)": best_time(prodready, args.repeat),
    }
    bandit = shutil.which("bandit")
    if bandit:
        results["bandit"] = best_time([bandit, "-r", "-q", "-f", "json", "-o", "/dev/null", *map(str, roots)], args.repeat)
    else:
        print("bandit not installed (pip install bandit): skipping the comparison")
    for name, seconds in results.items():
        ratio = ""
        if "bandit" in results and name != "bandit":
            ratio = f"  ({results['bandit'] / seconds:.1f}x bandit)"
        print(f"{name:24s} {seconds:7.2f} s  {lines / seconds:10,.0f} lines/s{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
