"""Shared test fixtures."""

from __future__ import annotations

import pytest

from prodready.checks import all_rules


@pytest.fixture(scope="session")
def rules():
    return all_rules()
