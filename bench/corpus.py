"""Fetch and unpack the benchmark/accuracy corpus: real packages' sources from PyPI wheels.

Usage: python bench/corpus.py [--set bench|accuracy|apps] [--dest bench/corpus]

Wheels are downloaded by name and pinned version with pip (no URLs), and unpacked; only
the .py files are kept. Pinned versions make figures and accuracy reviews re-runnable.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BENCH = {
    "django": "5.2.19",
    "flask": "3.1.3",
    "sqlalchemy": "2.1.9",
    "requests": "2.34.2",
}
# Application-shaped packages (second accuracy round): web apps and ML services whose wheels
# ship the application code itself, so the handler, settings and deployment rules see real
# routes, views, tasks, settings modules and model-serving code.
APPS = {
    "open-webui": "0.12.4",          # FastAPI + ML (RAG, embeddings, audio)
    "label-studio-ml": "1.0.9",      # ML backend server (Flask)
    "changedetection.io": "0.60.10",  # Flask app
    "archivebox": "0.7.4",           # Django app
    "pgadmin4": "9.18",              # Flask app
    "wger": "2.1",                   # Django + DRF app
    "chainlit": "2.12.0",            # FastAPI + Socket.IO LLM app server
    "mlflow": "3.18.0",              # Flask/FastAPI tracking and model server
}
ACCURACY = {
    **BENCH,
    "fastapi": "0.165.0",
    "celery": "5.7.0",
    "httpx": "0.28.1",
    "httpbin": "0.10.4",
    "flask-appbuilder": "5.3.0",
    "django-oscar": "4.2.1",
    "label-studio": "1.23.2",
    "apache-superset": "6.1.0",
    **APPS,
}


def fetch(packages: dict[str, str], dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name, version in packages.items():
        target = dest / f"{name}-{version}"
        if target.is_dir() and any(target.rglob("*.py")):
            out.append(target)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                   "--dest", tmp, f"{name}=={version}"]
            result = subprocess.run(cmd, capture_output=True, text=True)
            if result.returncode != 0:
                print(f"skip {name}=={version}: {result.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            for wheel in Path(tmp).glob("*.whl"):
                with zipfile.ZipFile(wheel) as archive:
                    for member in archive.namelist():
                        if member.endswith(".py") and ".dist-info/" not in member:
                            archive.extract(member, target)
        out.append(target)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["bench", "accuracy", "apps"], default="bench")
    parser.add_argument("--dest", type=Path, default=Path(__file__).parent / "corpus")
    args = parser.parse_args()
    sets = {"bench": BENCH, "accuracy": ACCURACY, "apps": APPS}
    for path in fetch(sets[args.set], args.dest):
        lines = sum(p.read_bytes().count(b"\n") for p in path.rglob("*.py"))
        print(f"{path.name}: {lines} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
