"""Batch throughput: prodready vs bandit and Ruff on the same corpus of real package sources.

Usage: python bench/batch_throughput.py [--corpus bench/corpus] [--repeat 3]

Fetches the corpus (bench/corpus.py, pinned wheels of django, flask, sqlalchemy, requests)
when missing, copies it to a temporary folder outside this repository (inside it, the files
would count as the project's benchmark code), then times, in the same run and on the same
files:
  * prodready check --no-cache --jobs 1   (cold, one core, like bandit)
  * prodready check --no-cache            (cold, all cores)
  * prodready check                        (warm: the cache of a previous run, tree unchanged)
  * bandit -r -q                           (needs `pip install bandit`, the [bench] extra)
  * ruff check --no-cache                  (cold) and ruff check with its cache (warm), when
                                           `ruff` is installed (the [test] extra has it)
The tools run as installed: with Python's bytecode caches (an environment that sets
PYTHONDONTWRITEBYTECODE would otherwise make prodready and bandit compile every module of
theirs from source on each run; one untimed run first writes the caches).
It prints seconds and lines/s for each (best of --repeat runs) and the ratios
prodready/bandit and prodready/Ruff, cold and warm (how many times faster prodready is;
below 1, slower). The warm runs keep their caches in a temporary folder.
This is a benchmark script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import BENCH, fetch  # noqa: E402


def count_lines(root: Path) -> tuple[int, int]:
    files = list(root.rglob("*.py"))
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


# As installed tools run: reading their bytecode caches, not compiling their sources.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best_time(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
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
    fetched = [args.corpus / f"{name}-{version}" for name, version in BENCH.items()]
    # Checked where a user's checkout would be: outside this repository. Under bench/ the
    # files are the prodready project's benchmark code, which most rules leave alone
    # (core/production.py), and a run there measures almost nothing.
    workdir = Path(tempfile.mkdtemp(prefix="prodready-batch-corpus-"))
    roots = []
    for root in fetched:
        if root.is_dir():
            shutil.copytree(root, workdir / root.name)
            roots.append(workdir / root.name)
    files = lines = 0
    for root in roots:
        f, n = count_lines(root)
        files += f
        lines += n
    print(f"corpus: {', '.join(r.name for r in roots)}: {files} files, {lines} lines")
    prodready = [sys.executable, "-m", "prodready", "check", "--preview", "--exit-zero", "--quiet", *map(str, roots)]
    results: dict[str, float] = {}
    smallest = min(roots, key=lambda r: count_lines(r)[1])
    with tempfile.TemporaryDirectory() as caches:
        best_time([*prodready[:-len(roots)], str(smallest), "--no-cache"], 1)  # writes the bytecode caches
        if shutil.which("bandit"):
            best_time([shutil.which("bandit"), "-r", "-q", "-f", "json", "-o", "/dev/null", str(smallest)], 1)
        results["prodready cold (1 process)"] = best_time([*prodready, "--no-cache", "--jobs", "1"], args.repeat)
        results["prodready cold (all cores)"] = best_time([*prodready, "--no-cache"], args.repeat)
        warm = [*prodready, "--cache-dir", str(Path(caches, "prodready"))]
        best_time(warm, 1)  # fill the cache
        results["prodready warm"] = best_time(warm, args.repeat)
        bandit = shutil.which("bandit")
        if bandit:
            results["bandit"] = best_time([bandit, "-r", "-q", "-f", "json", "-o", "/dev/null", *map(str, roots)],
                                          args.repeat)
        else:
            print("bandit not installed (pip install bandit): skipping the comparison")
        ruff = shutil.which("ruff")
        if ruff:
            ruff_cmd = [ruff, "check", "--exit-zero", "--quiet", *map(str, roots)]
            results["ruff cold"] = best_time([*ruff_cmd, "--no-cache"], args.repeat)
            ruff_warm = [*ruff_cmd, "--cache-dir", str(Path(caches, "ruff"))]
            best_time(ruff_warm, 1)
            results["ruff warm"] = best_time(ruff_warm, args.repeat)
        else:
            print("ruff not installed (pip install ruff): skipping the comparison")
    for name, seconds in results.items():
        print(f"{name:28s} {seconds:7.2f} s  {lines / seconds:12,.0f} lines/s")
    cold, warm_time = results["prodready cold (all cores)"], results["prodready warm"]
    for other, cold_key, warm_key in (("bandit", "bandit", "bandit"), ("Ruff", "ruff cold", "ruff warm")):
        if cold_key in results:
            print(f"prodready/{other}: cold {results[cold_key] / cold:.2f}x, warm {results[warm_key] / warm_time:.2f}x"
                  f"  (1 process cold: {results[cold_key] / results['prodready cold (1 process)']:.2f}x)")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
