"""``parley seed_demo``: the demo site, article and comments, idempotent, without the engine."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from parley.comments.models import Comment, Site, Story, hash_api_key
from parley.moderation.models import ModerationRecord

pytestmark = pytest.mark.django_db
SLUG = "pakistan-us-agree-on-joint-raids-wsj"


def seed(**env) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **env)
    return out.getvalue()


def test_seed_creates_the_demo_and_is_idempotent(monkeypatch):
    monkeypatch.setenv("PARLEY_DEMO_MODERATOR_PASSWORD", "a-demo-password-123")
    monkeypatch.setenv("PARLEY_ENGINE", "on")  # seeding must not call it anyway
    first = seed()
    second = seed()
    assert Site.objects.count() == 1 and Story.objects.count() == 1
    site = Site.objects.get()
    assert site.name == "The Express Tribune (demo)"
    assert {"http://127.0.0.1:8000", "http://localhost:8000"} <= set(site.origins)
    story = Story.objects.get()
    assert story.slug == SLUG
    assert story.url == f"http://127.0.0.1:8000/stories/{SLUG}/"
    assert story.title == "Pakistan, US agree on joint raids: WSJ"
    assert len(story.paragraphs) > 3
    assert story.publication_line.startswith("Published in The Express Tribune")
    comments = list(Comment.objects.order_by("created_at"))
    assert [c.author_name for c in comments] == ["j. von hettlingen", "P N Eswaran"]
    assert comments[1].text == "@Don: Depending on the price!"
    assert comments[1].parent_id is None
    assert all(c.status == "published" and c.created_at.year == 2012 for c in comments)
    assert story.published_count == 2
    assert {r.reasons[0] for r in ModerationRecord.objects.all()} == {"seeded"}
    user = get_user_model().objects.get(username="moderator")
    assert user.check_password("a-demo-password-123")
    assert "moderator / a-demo-password-123" in first and "0 comment(s) added" in second


def test_seed_prints_a_generated_password_once_and_keeps_it(monkeypatch):
    monkeypatch.delenv("PARLEY_DEMO_MODERATOR_PASSWORD", raising=False)
    monkeypatch.delenv("PARLEY_DEMO_API_KEY", raising=False)
    first = seed()
    line = next(ln for ln in first.splitlines() if ln.startswith("Moderator login"))
    password = line.rsplit(" / ", 1)[1]
    key_line = next(ln for ln in first.splitlines() if ln.startswith("Site API key"))
    assert Site.objects.get().api_key_hash == hash_api_key(key_line.rsplit(": ", 1)[1])
    again = seed()
    assert "Moderator login" not in again and "Site API key" not in again
    assert get_user_model().objects.get(username="moderator").check_password(password)


def test_seed_uses_the_given_api_key_and_port(monkeypatch, client):
    monkeypatch.setenv("PARLEY_DEMO_API_KEY", "pk_demo_fixed")
    seed(port="8123")
    site = Site.objects.get()
    assert site.api_key_hash == hash_api_key("pk_demo_fixed")
    assert "http://localhost:8123" in site.origins and "http://127.0.0.1:8000" in site.origins
    response = client.post("/api/v1/stories", json.dumps({
        "url": "http://127.0.0.1:8123/stories/another/", "title": "Another"}),
        content_type="application/json", HTTP_X_PARLEY_KEY="pk_demo_fixed")
    assert response.status_code == 201


def test_seeded_thread_is_served_by_the_api(client):
    seed()
    story = Story.objects.get()
    data = client.get(f"/api/v1/stories/{story.pk}/comments").json()
    assert data["published_count"] == 2
    assert [c["author_name"] for c in data["comments"]] == ["P N Eswaran", "j. von hettlingen"]
