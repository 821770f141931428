"""prodready.urls reads the installed METADATA itself: the same URLs importlib.metadata gives."""

from __future__ import annotations

import importlib.metadata

from prodready import urls


def test_project_urls_match_the_installed_metadata():
    expected = {}
    for entry in importlib.metadata.metadata("prodready").get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        expected[label.strip().lower()] = url.strip()
    assert expected, "the test environment installs prodready"
    assert urls.project_urls() == expected
    assert urls.rule_docs_base().endswith("/")
