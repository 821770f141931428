"""Project-model indexing time (the PR6xx rules' input), cold and warm.

Usage: python bench/project_index.py [--workspace DIR] [--repeat 3]

Without --workspace, a ~300k-line workspace is assembled in bench/.work/index-workspace
from the sources of packages installed next to prodready (libcst, pytest, pip, lsprotocol,
pygls, parso, requests, yaml: real code, nothing generated). Then it times:
  * cold:  a new Project, scan + every file's facts computed + all project rules run
  * warm:  a new Project with the facts cache of the previous run (a second CLI run)
  * rescan: the same Project scanned again with nothing changed (the server's re-index)
  * edit:  one Python file changed, its facts recomputed and the project rules re-run
and prints seconds (best of --repeat) with the line count. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from prodready.checks import all_rules
from prodready.core.config import Config
from prodready.core.project import Project, run_project_rules
from prodready.core.project.scan import load_cache, save_cache, scan

HERE = Path(__file__).resolve().parent
PACKAGES = ("libcst", "_pytest", "pip", "lsprotocol", "pygls", "parso", "requests", "yaml")


def assemble(dest: Path) -> Path:
    if dest.is_dir():
        return dest
    dest.mkdir(parents=True)
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        shutil.copytree(list(spec.submodule_search_locations)[0], dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    (dest / "requirements.txt").write_text("libcst==1.4.0\npytest>=8\nrequests\n")
    return dest


def count_lines(root: Path) -> int:
    total = 0
    for path in root.rglob("*.py"):
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.workspace or assemble(HERE / ".work" / "index-workspace")
    rules, config = all_rules(), Config(preview=True)  # every rule, preview ones too
    cache = Path(tempfile.mkdtemp(prefix="prodready-index-"))

    def cold() -> Project:
        project = scan(str(root))
        for file in project.files.values():
            project.facts(file)
        run_project_rules(project, config, rules)
        return project

    def warm() -> None:
        project = Project(str(root))
        load_cache(project, str(cache), "bench")
        scan(str(root), project=project)
        run_project_rules(project, config, rules)

    try:
        t_cold = best(cold, args.repeat)
        project = cold()
        save_cache(project, str(cache), "bench")
        t_warm = best(warm, args.repeat)
        t_rescan = best(lambda: (scan(str(root), project=project), run_project_rules(project, config, rules)), args.repeat)
        target = next(p for p in sorted(project.files) if p.endswith(".py"))
        original = project.text(target)
        counter = iter(range(10**6))

        def edit() -> None:
            project.update(target, original + f"\nX_{next(counter)} = 1\n")
            run_project_rules(project, config, rules)

        t_edit = best(edit, args.repeat)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"workspace: {root} ({count_lines(root):,} Python lines, {len(project.files):,} indexed files, "
          f"{os.cpu_count()} CPUs)")
    print(f"cold index + rules:      {t_cold:6.2f} s")
    print(f"warm (facts cache):      {t_warm:6.2f} s")
    print(f"rescan, nothing changed: {t_rescan:6.2f} s")
    print(f"one file edited:         {t_edit:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
