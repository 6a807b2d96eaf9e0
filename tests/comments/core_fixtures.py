"""Fixtures for the core backend tests: a site, stories, and comments posted through services.

Import the fixtures you need into a test module (``from tests.comments.core_fixtures import ...``).
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from parley import actions
from parley.comments import services
from parley.comments.models import Site, Story

API_KEY = "pk_test_key_for_the_api"
ORIGIN = "https://news.example.com"


@pytest.fixture
def rules_only():
    """Model-free pipeline and no rate limits, unless a test turns them back on."""
    with override_settings(PARLEY_ENGINE=False, RATELIMIT_ENABLE=False):
        yield


@pytest.fixture
def site(db) -> Site:
    site = Site(name="Test News", slug="test-news", allowed_origins=f"{ORIGIN}\nhttp://localhost:9")
    site.set_api_key(API_KEY)
    site.save()
    return site


@pytest.fixture
def story(site) -> Story:
    return services.ensure_story(site=site, url=f"{ORIGIN}/world/raids", title="Joint raids")


@pytest.fixture
def other_story(site) -> Story:
    return services.ensure_story(site=site, url=f"{ORIGIN}/world/other", title="Other story")


def post(story: Story, text: str = "A fair point.", name: str = "Reader", **kwargs):
    """Post through the real service and return the comment."""
    return actions.post_comment(story=story, text=text, author_name=name, **kwargs).comment
