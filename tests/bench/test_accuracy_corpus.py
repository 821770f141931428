"""The accuracy corpus keeps its method: pinned applications, a fixed split, no excluded repos.

These guard bench/corpus.py against edits that would quietly break the held-out measurement
(an unpinned entry, a repository the project brief excludes, a half too small to judge).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus.py"

# The project brief's list of repositories never to tune or judge on.
EXCLUDED = {
    "ctfd", "redash", "healthchecks", "paperless-ngx", "mealie", "lnbits", "fastchat",
    "text-generation-webui", "plane", "recipes", "calibre-web", "dispatch", "khoj",
    "inference", "bookwyrm", "taiga-back", "securedrop", "open-assistant", "fief",
    "text-generation-inference", "codetunestudio", "modelforge", "audio", "sales-coach-ai",
}


def load_corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_application_is_pinned_by_a_full_commit():
    corpus = load_corpus()
    names = [entry[0] for entry in corpus.APPLICATIONS]
    assert len(names) == len(set(names))
    for name, repo, commit, framework in corpus.APPLICATIONS:
        assert re.fullmatch(r"[0-9a-f]{40}", commit), name
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", repo), name
        assert framework, name


def test_no_excluded_repository_and_none_from_earlier_rounds():
    corpus = load_corpus()
    earlier = {name.lower() for name in corpus.ACCURACY}
    for name, repo, _commit, _framework in corpus.APPLICATIONS:
        repo_name = repo.split("/")[1].lower()
        assert repo_name not in EXCLUDED, repo
        assert name.lower() not in earlier and repo_name not in earlier, repo


def test_split_is_the_documented_hash_rule_and_both_halves_are_judgeable():
    corpus = load_corpus()
    for name, *_ in corpus.APPLICATIONS:
        expected = "tuning" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "heldout"
        assert corpus.half_of(name) == expected
    tuning, heldout = corpus.half("tuning"), corpus.half("heldout")
    assert len(tuning) + len(heldout) == len(corpus.APPLICATIONS) >= 30
    for part in (tuning, heldout):
        assert len(part) >= 15
        frameworks = " ".join(entry[3] for entry in part)
        for kind in ("Django", "Flask", "FastAPI"):
            assert kind in frameworks
