"""The OpenAPI schema says exactly what the API accepts and answers; PATCH updates a story
partially while PUT (and POST) replace it."""

from __future__ import annotations

import json

import pytest

from parley.comments.models import Story
from tests.comments.core_fixtures import API_KEY, ORIGIN

pytestmark = pytest.mark.usefixtures("rules_only")
KEY = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture
def schema(client, db):
    return client.get("/api/v1/openapi.json").json()


def _param(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)["schema"]


def test_ranges_and_answers_are_declared(schema):
    paths = schema["paths"]
    thread = paths["/api/v1/stories/{story_id}/comments"]
    limit = _param(thread["get"], "limit")
    limit = next(s for s in limit.get("anyOf", [limit]) if s.get("type") == "integer")
    assert (limit["minimum"], limit["maximum"]) == (1, 100)
    story_id = _param(thread["get"], "story_id")
    assert (story_id["minimum"], story_id["maximum"]) == (1, 2**63 - 1)
    for path, method in [("/api/v1/stories/{story_id}/comments", "post"),
                         ("/api/v1/comments/{comment_id}/reports", "post"),
                         ("/api/v1/counts", "post"), ("/api/v1/stories", "put"),
                         ("/api/v1/stories/{story_id}", "patch")]:
        answers = set(paths[path][method]["responses"])
        assert {"400", "413", "415", "422"} <= answers, (path, method, answers)
    for path in ["/api/v1/stories/{story_id}/comments", "/api/v1/comments/{comment_id}/reports"]:
        assert "429" in paths[path]["post"]["responses"]
    story_in = schema["components"]["schemas"]["StoryIn"]["properties"]
    assert story_in["url"]["format"] == "uri"
    published = story_in["published_at"]
    assert "date-time" in json.dumps(published) and "1800" in published["description"]


def test_patch_changes_only_the_fields_sent(client, site):
    full = {"url": f"{ORIGIN}/budget", "title": "Budget", "standfirst": "Taxes rise",
            "body": "The full article.", "premoderate": True}
    created = client.put("/api/v1/stories", json.dumps(full), content_type="application/json",
                         headers=KEY)
    assert created.status_code == 201
    story_id = created.json()["id"]
    patched = client.patch(f"/api/v1/stories/{story_id}", json.dumps({"title": "Budget 2026"}),
                           content_type="application/json", headers=KEY)
    assert patched.status_code == 200 and patched.json()["title"] == "Budget 2026"
    story = Story.objects.get(pk=story_id)
    assert (story.standfirst, story.body, story.premoderate) == (
        "Taxes rise", "The full article.", True)
    refused = client.patch(f"/api/v1/stories/{story_id}", json.dumps({"title": None}),
                           content_type="application/json", headers=KEY)
    assert refused.status_code == 422 and refused.json()["field"] == "title"
    # PUT replaces: what it leaves out takes its default, as its description says.
    replaced = client.put("/api/v1/stories", json.dumps({"url": full["url"], "title": "B"}),
                          content_type="application/json", headers=KEY)
    assert replaced.status_code == 200
    story.refresh_from_db()
    assert (story.title, story.standfirst, story.premoderate) == ("B", "", False)


def test_patch_needs_the_key_and_the_keys_own_story(client, site):
    from parley.comments.models import Site

    other = Site(name="Other", slug="other")
    other.set_api_key("pk_other_site_key")
    other.save()
    theirs = Story.objects.create(site=other, url="https://other.example/x", title="X", slug="x")
    body = json.dumps({"title": "Taken over"})
    assert client.patch(f"/api/v1/stories/{theirs.pk}", body,
                        content_type="application/json").status_code == 401
    foreign = client.patch(f"/api/v1/stories/{theirs.pk}", body,
                           content_type="application/json", headers=KEY)
    assert foreign.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "X"
