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
It prints seconds and lines/s for each (best of --repeat rounds; a round runs every command
once, so that a slow spell of a shared machine falls on every tool alike) and the ratios
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


def run_time(cmd: list[str]) -> float:
    """Seconds one run of ``cmd`` took."""
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed


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
    smallest = min(roots, key=lambda r: count_lines(r)[1])
    bandit, ruff = shutil.which("bandit"), shutil.which("ruff")
    with tempfile.TemporaryDirectory() as caches:
        commands: dict[str, list[str]] = {
            "prodready cold (1 process)": [*prodready, "--no-cache", "--jobs", "1"],
            "prodready cold (all cores)": [*prodready, "--no-cache"],
            "prodready warm": [*prodready, "--cache-dir", str(Path(caches, "prodready"))],
        }
        run_time([*prodready[:-len(roots)], str(smallest), "--no-cache"])  # writes the bytecode caches
        if bandit:
            bandit_cmd = [bandit, "-r", "-q", "-f", "json", "-o", "/dev/null"]
            commands["bandit"] = [*bandit_cmd, *map(str, roots)]
            run_time([*bandit_cmd, str(smallest)])
        else:
            print("bandit not installed (pip install bandit): skipping the comparison")
        if ruff:
            ruff_cmd = [ruff, "check", "--exit-zero", "--quiet", *map(str, roots)]
            commands["ruff cold"] = [*ruff_cmd, "--no-cache"]
            commands["ruff warm"] = [*ruff_cmd, "--cache-dir", str(Path(caches, "ruff"))]
        else:
            print("ruff not installed (pip install ruff): skipping the comparison")
        for name in ("prodready warm", "ruff warm"):
            if name in commands:
                run_time(commands[name])  # fill the cache
        # Rounds: each round runs every command once, so a slow spell of a shared machine
        # slows every tool alike instead of one; the best of the rounds is kept.
        results = {name: float("inf") for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                results[name] = min(results[name], run_time(cmd))
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
