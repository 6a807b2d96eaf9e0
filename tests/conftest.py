"""Shared test fixtures: sites, stories and comments built through the real services."""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config):
    from django.conf import settings

    return f"parley database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (thread pages, counts, rate-limit counters)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared_dir():
    """The ../shared folder beside the repository (seed article, XSS corpus, data)."""
    from pathlib import Path

    path = Path(os.environ.get("PARLEY_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    return path
