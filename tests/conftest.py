"""Shared test fixtures: sites, stories and comments built through the real services."""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config):
    from django.conf import settings

    return f"parley database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (thread pages, counts, rate-limit counters) and in the
    default language."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    # A request in Urdu leaves Urdu active on the thread (LocaleMiddleware activates, nothing
    # deactivates): every test starts in the site's default language.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()


@pytest.fixture
def shared_dir():
    """The ../shared folder beside the repository (seed article, XSS corpus, data)."""
    from pathlib import Path

    path = Path(os.environ.get("PARLEY_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
    return path
