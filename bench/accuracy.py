"""Measure rule precision on real applications: one half of the corpus, seeded samples, verdicts.

Usage:
  python bench/accuracy.py --half tuning|heldout [--seed 0] [--sample 15]
         [--corpus /work/corpus8] [--mirrors /work/.mirror] [--out DIR] [--reuse]
         [--verdicts FILE] [--rescore EARLIER-VERDICTS]

Steps, all reproducible from the pinned corpus (bench/corpus.py APPLICATIONS) and the seed:
1. Materialise the half's applications from their git mirrors (see bench/corpus.py).
2. Run `prodready check --format json --no-cache --select ALL --preview --isolated --exit-zero .` in each
   application's folder (so paths are relative to the project root and tests/, settings
   modules, migrations and management commands are recognised), every rule selected,
   including any that are off by default. Findings go to <out>/<half>/findings.json.
   `--reuse` reads that file instead of running the checker again.
3. Draw a sample per rule: all findings when there are --sample or fewer, otherwise a
   random sample from `random.Random(f"{seed}:{code}")` over the findings sorted by id, so one
   rule's change never reshuffles another rule's sample.
4. Write the judging sheet <out>/<half>/sheet-seed<seed>.md: per rule, each sampled finding's
   id, path, line, message, offered fix and +-6 lines of code around it; and the counts
   table <out>/<half>/counts.md (findings per rule, and per rule per application).
5. With --verdicts FILE (JSON: {"<id>": {"verdict": true|false, "reason": "..."}}), print per
   rule precision with sample size, and the overall precision weighted by finding count
   (each rule's sample precision times its number of findings, over all judged rules).

A finding's id is "<code>:<app>/<path>:<line>:<column>": stable across runs as long as the
code and the finding's position are the same. The sheet quotes third-party code, so <out>
defaults to a folder next to the corpus, outside this repository; only verdicts (ids and
one-line reasons) are committed. Checker errors (exit code 2, rule errors) are reported and
make the exit code 1.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import half, materialise  # noqa: E402

CONTEXT = 6


def run_checker(folder: Path) -> tuple[list[dict], str]:
    """All findings of every rule on one application, and any error text the checker gave."""
    cmd = [sys.executable, "-m", "prodready", "check", "--format", "json", "--no-cache",
           "--select", "ALL", "--preview", "--isolated", "--exit-zero", "-q", "."]
    result = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
    problem = result.stderr.strip() if result.returncode != 0 else ""
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [], problem or "no JSON report: " + result.stdout[:300]
    return report.get("findings", []), problem


def finding_id(app: str, finding: dict) -> str:
    start = finding["range"]["start"]
    return f"{finding['code']}:{app}/{finding['path']}:{start['line']}:{start['column']}"


def collect(which: str, corpus: Path, mirrors: Path) -> tuple[list[dict], list[str]]:
    findings, problems = [], []
    for entry in half(which):
        folder, missing = materialise(entry, mirrors, corpus)
        found, problem = run_checker(folder)
        if problem:
            problems.append(f"{entry[0]}: {problem[:2000]}")
        for finding in found:
            findings.append({"id": finding_id(entry[0], finding), "app": entry[0], **finding})
        print(f"{entry[0]}: {len(found)} findings" + (f" ({missing} blobs missing)" if missing else ""),
              file=sys.stderr)
    return findings, problems


def sample(findings: list[dict], size: int, seed: int) -> dict[str, list[dict]]:
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for finding in findings:
        by_rule[finding["code"]].append(finding)
    drawn = {}
    for code in sorted(by_rule):
        items = sorted(by_rule[code], key=lambda f: f["id"])
        if len(items) > size:
            items = sorted(random.Random(f"{seed}:{code}").sample(items, size), key=lambda f: f["id"])
        drawn[code] = items
    return drawn


def context(corpus: Path, finding: dict) -> str:
    path = corpus / finding["app"] / finding["path"]
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(source not readable)"
    line = finding["range"]["start"]["line"]
    low, high = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
    return "\n".join(f"{'>' if n == line else ' '}{n:5d}  {lines[n - 1]}" for n in range(low, high + 1))


def write_sheet(path: Path, which: str, seed: int, drawn: dict[str, list[dict]], counts: Counter,
                corpus: Path) -> None:
    out = [f"# Judging sheet: {which} half, seed {seed}", "",
           "Judge each finding as a senior reviewer preparing the service for production: true if",
           "you would want it changed or consciously suppressed. Record verdicts as JSON",
           '{"<id>": {"verdict": true|false, "reason": "..."}}.', ""]
    for code, items in drawn.items():
        name = items[0]["name"]
        out += [f"## {code} {name}: {len(items)} of {counts[code]}", ""]
        for finding in items:
            fix = finding.get("fix")
            out += [f"### {finding['id']}", "", f"- message: {finding['message']}"]
            if fix:
                out.append(f"- fix ({fix.get('applicability')}): {fix.get('title')}")
            out += ["", "```python", context(corpus, finding), "```", ""]
    path.write_text("\n".join(out), encoding="utf-8")


def write_counts(path: Path, which: str, findings: list[dict]) -> str:
    counts = Counter(f["code"] for f in findings)
    names = {f["code"]: f["name"] for f in findings}
    per_app: dict[str, Counter] = defaultdict(Counter)
    for finding in findings:
        per_app[finding["code"]][finding["app"]] += 1
    out = [f"# Findings per rule: {which} half", "", "| Rule | Findings | Apps | Top apps |", "|---|---:|---:|---|"]
    for code in sorted(counts):
        top = ", ".join(f"{app} {n}" for app, n in per_app[code].most_common(4))
        out.append(f"| {code} {names[code]} | {counts[code]} | {len(per_app[code])} | {top} |")
    out.append(f"| total | {sum(counts.values())} | | |")
    text = "\n".join(out) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def precision(drawn: dict[str, list[dict]], counts: Counter, verdicts: dict) -> tuple[str, list[str]]:
    rows = ["| Rule | Findings | Judged | True | Precision |", "|---|---:|---:|---:|---:|"]
    unjudged, weighted, total = [], 0.0, 0
    for code, items in drawn.items():
        judged = [verdicts[f["id"]] for f in items if f["id"] in verdicts]
        unjudged += [f["id"] for f in items if f["id"] not in verdicts]
        if not judged:
            rows.append(f"| {code} {items[0]['name']} | {counts[code]} | 0 | – | – |")
            continue
        true = sum(1 for v in judged if v["verdict"])
        rate = true / len(judged)
        weighted += rate * counts[code]
        total += counts[code]
        rows.append(f"| {code} {items[0]['name']} | {counts[code]} | {len(judged)} | {true} | {rate:.2f} |")
    if total:
        rows.append(f"| weighted by findings | {total} | | | {weighted / total:.2f} |")
    return "\n".join(rows) + "\n", unjudged


def rescore(findings: list[dict], verdicts: dict) -> str:
    """An earlier round's verdicts against today's findings: per rule, how many judged findings
    are still reported (and the precision among them), how many false ones are gone (closed
    false positives) and how many true ones are gone (lost true positives). No new judging:
    findings that are new since that round are not in it."""
    current = {f["id"] for f in findings}
    counts = Counter(f["code"] for f in findings)
    rows = ["| Rule | Findings now | Judged then | Still reported | True among them | Precision | False gone | True gone |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    by_rule: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for key, verdict in verdicts.items():
        by_rule[key.split(":", 1)[0]].append((key, verdict))
    for code in sorted(by_rule):
        judged = by_rule[code]
        kept = [v for k, v in judged if k in current]
        true_kept = sum(1 for v in kept if v["verdict"])
        false_gone = sum(1 for k, v in judged if k not in current and not v["verdict"])
        true_gone = sum(1 for k, v in judged if k not in current and v["verdict"])
        rate = f"{true_kept / len(kept):.2f}" if kept else "–"
        rows.append(f"| {code} | {counts[code]} | {len(judged)} | {len(kept)} | {true_kept} | {rate} | {false_gone} | {true_gone} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "heldout"], required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=15)
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus8"))
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=None, help="default: <corpus>/_accuracy")
    parser.add_argument("--reuse", action="store_true", help="read the stored findings.json instead of re-running")
    parser.add_argument("--verdicts", type=Path, default=None)
    parser.add_argument("--rescore", type=Path, default=None,
                        help="an earlier round's verdicts: how many of its judged findings are still reported")
    args = parser.parse_args()
    out = (args.out or args.corpus / "_accuracy") / args.half
    out.mkdir(parents=True, exist_ok=True)
    stored = out / "findings.json"
    status = 0
    if args.reuse and stored.is_file():
        findings = json.loads(stored.read_text())
    else:
        findings, problems = collect(args.half, args.corpus, args.mirrors)
        stored.write_text(json.dumps(findings, indent=1), encoding="utf-8")
        for problem in problems:
            print(f"CHECKER PROBLEM {problem}", file=sys.stderr)
            status = 1
    counts = Counter(f["code"] for f in findings)
    if args.rescore:
        print(rescore(findings, json.loads(args.rescore.read_text())))
    print(write_counts(out / "counts.md", args.half, findings))
    drawn = sample(findings, args.sample, args.seed)
    sheet = out / f"sheet-seed{args.seed}.md"
    write_sheet(sheet, args.half, args.seed, drawn, counts, args.corpus)
    print(f"{sum(len(v) for v in drawn.values())} sampled findings: {sheet}")
    if args.verdicts:
        verdicts = json.loads(args.verdicts.read_text())
        table, unjudged = precision(drawn, counts, verdicts)
        print(table)
        if unjudged:
            print(f"{len(unjudged)} sampled findings have no verdict:", *unjudged[:20], sep="\n  ")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
