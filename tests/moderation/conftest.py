"""Fixtures for the moderation tests: two sites, their moderators, and comments as the pipeline
leaves them (a comment plus its ModerationRecord)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from parley.comments.models import Comment, CommentStatus, Site, Story
from parley.moderation.models import ModerationRecord, Role, SiteMembership

_numbers = itertools.count(1)


@pytest.fixture
def site(db):
    return Site.objects.create(name="Daily Planet", slug="planet")


@pytest.fixture
def other_site(db):
    return Site.objects.create(name="Gotham Gazette", slug="gazette")


@pytest.fixture
def story(site):
    return Story.objects.create(site=site, url="https://planet.example/a",
                                title="Rates rise <again>", slug="rates")


@pytest.fixture
def other_story(other_site):
    return Story.objects.create(site=other_site, url="https://gazette.example/b",
                                title="Gotham news", slug="gotham")


def make_user(username, *, site=None, role=Role.MODERATOR, staff=False):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw-secret-123", is_staff=staff
    )
    if site is not None:
        SiteMembership.objects.create(user=user, site=site, role=role)
    return user


@pytest.fixture
def moderator(site):
    return make_user("mod", site=site)


@pytest.fixture
def other_moderator(other_site):
    return make_user("othermod", site=other_site)


@pytest.fixture
def make_comment():
    """Create a comment the way the pipeline writes it (status, record, story count)."""

    def _make(story, *, status=CommentStatus.PENDING, text=None, author="Reader", email="",
              scores=None, reasons=None, language="en", parent=None, ip_hash=""):
        n = next(_numbers)
        comment = Comment.objects.create(
            story=story, parent=parent, root=(parent.root or parent) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            text=text or f"Comment number {n}", author_name=author, author_email=email,
            author_ip_hash=ip_hash, status=status, language=language,
        )
        ModerationRecord.objects.create(
            comment=comment, decision={"published": "publish", "pending": "review",
                                       "rejected": "reject"}.get(status, "review"),
            scores=scores or {"TOXICITY": 0.1, "INSULT": 0.05}, reasons=reasons or [],
            language=language, engine_version="test",
        )
        if status == CommentStatus.PUBLISHED:
            Story.objects.filter(pk=story.pk).update(published_count=F("published_count") + 1)
        return comment

    return _make
