"""Re-run the real-code accuracy review: every rule over the accuracy corpus.

Usage: python bench/accuracy.py [--corpus bench/corpus] [--sample 20] [--rule PR405] [--seed 0]

Fetches the pinned corpus (bench/corpus.py --set accuracy) when missing, checks every .py
file under its path relative to the package root (so tests/ and settings modules are
recognised as such), and prints per-rule finding counts and, for judging, a reproducible
random sample of up to --sample findings per rule with their source line. Crashes are
bugs: a rule error or an exception is printed and makes the exit code 1.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import ACCURACY, fetch  # noqa: E402

from prodready.api import check_text  # noqa: E402
from prodready.checks import all_rules  # noqa: E402
from prodready.core.engine import decode_source  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--rule", action="append", default=[])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    roots = fetch(ACCURACY, args.corpus)
    rules = [r for r in all_rules() if not args.rule or r.code in args.rule or r.name in args.rule]
    found = defaultdict(list)
    files = problems = 0
    status = 0
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            text, why = decode_source(path.read_bytes())
            if text is None:
                problems += 1
                continue
            files += 1
            analysis = check_text(text, rel, rules=rules)
            for error in analysis.errors:
                print(f"RULE ERROR {root.name}/{rel}: {error.code} {error.message}")
                status = 1
            if analysis.problem:
                problems += 1
            for finding in analysis.findings:
                line, col = analysis.source.display_position(finding.start)
                found[finding.code].append((f"{root.name}/{rel}:{line}:{col}", finding.message,
                                            analysis.source.line_text(line - 1).strip()[:160]))
    print(f"{files} files checked, {problems} not parseable or not decodable, corpus: "
          + ", ".join(f"{name} {version}" for name, version in ACCURACY.items()))
    print()
    print("| Rule | Findings |")
    print("|---|---:|")
    for rule in rules:
        print(f"| {rule.code} {rule.name} | {len(found[rule.code])} |")
    rng = random.Random(args.seed)
    for rule in rules:
        items = found[rule.code]
        if not items:
            continue
        sample = items if len(items) <= args.sample else rng.sample(items, args.sample)
        print(f"\n## {rule.code} {rule.name}: {len(sample)} of {len(items)}")
        for where, message, line in sample:
            print(f"- {where}: {line}\n    {message}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
