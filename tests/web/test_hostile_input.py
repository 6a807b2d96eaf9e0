"""Hostile input: no hand-written bad request gets a server error (issue 10, part 5)."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from parley.moderation.models import Role, SiteMembership
from tests.comments.core_fixtures import API_KEY, ORIGIN, post
from tests.web.hostile_probes import probes, run_probes

pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.fixture
def moderator_client(site, django_user_model):
    user = django_user_model.objects.create_user("mod", "mod@example.com", "pw-secret-123")
    SiteMembership.objects.create(user=user, site=site, role=Role.MODERATOR)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_no_hostile_probe_gets_a_server_error(story, moderator_client):
    comment = post(story)
    items = probes(story_id=story.pk, comment_id=comment.pk, slug=story.slug,
                   site_slug=story.site.slug, api_key=API_KEY, origin=ORIGIN)
    assert len(items) >= 150
    anonymous = Client(raise_request_exception=False)
    failures = run_probes(anonymous, [p for p in items if not p.login])
    failures += run_probes(moderator_client, [p for p in items if p.login])
    report = "\n".join(f"{status} {p.method} {p.path[:90]} {str(p.body)[:90]!r}"
                       for status, p in failures)
    print(f"{len(items)} probes, {len(failures)} server errors")
    assert not failures, f"{len(failures)} of {len(items)} probes got a 5xx:\n{report}"


def post_raw(client, url, body: str, **headers):
    return client.post(url, body, content_type="application/json", headers=headers)


BIG = "99999999999999999999"


def test_ids_too_big_for_the_database_are_refused_not_500(client, story, moderator_client):
    listed = client.get(f"/api/v1/stories/{BIG}/comments")
    assert listed.status_code == 422 and listed.json()["field"] == "story_id"
    reported = post_raw(client, f"/api/v1/comments/{BIG}/reports", '{"reason": "spam"}')
    assert reported.status_code == 422 and reported.json()["field"] == "comment_id"
    assert client.post(f"/comments/{BIG}/report/", {"reason": "spam"}).status_code == 404
    queue = moderator_client.get(f"/moderate/?story={BIG}")
    assert queue.status_code == 422 and b"must be a story number" in queue.content
    assert moderator_client.get("/moderate/dashboard/?days=\u00b2").status_code == 422
    assert client.get("/faq/?story=\u00b2").status_code == 200


@pytest.mark.parametrize("field", ["text", "author_name", "author_email"])
def test_a_lone_surrogate_is_a_400_with_a_message(client, story, field):
    body = {"text": "A fair point.", "author_name": "Ann", "author_email": ""}
    raw = json.dumps(body).replace(f'"{field}": "{body[field]}"', f'"{field}": "x\\ud800"')
    response = post_raw(client, f"/api/v1/stories/{story.pk}/comments", raw)
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


def test_surrogate_and_deep_nesting_on_the_perspective_endpoint(client, site):
    url = f"/v1alpha1/comments:analyze?key={API_KEY}"
    surrogate = post_raw(client, url, '{"comment": {"text": "\\udfff"}}')
    assert surrogate.status_code == 400 and "surrogate" in surrogate.json()["error"]["message"]
    deep = post_raw(client, url, "[" * 30_000)
    assert deep.status_code == 400 and "nested" in deep.json()["error"]["message"]


def test_deep_nesting_and_bad_ipv6_on_counts(client, story):
    deep = post_raw(client, "/api/v1/counts", "[" * 30_000)
    assert deep.status_code == 400 and "nested more than 32" in deep.json()["detail"]
    broken = post_raw(client, "/api/v1/counts", '{"urls": ["http://[::1", "' + story.url + '"]}')
    assert broken.status_code == 200
    assert broken.json()["counts"] == {"http://[::1": 0, story.url: 0}


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
def test_cursor_with_an_out_of_range_date_is_422(client, story, stamp):
    cursor = base64.urlsafe_b64encode(f"{stamp}|1".encode()).decode().rstrip("=")
    response = client.get(f"/api/v1/stories/{story.pk}/comments", {"cursor": cursor})
    assert response.status_code == 422 and response.json()["field"] == "cursor"
    assert client.get(f"/stories/{story.slug}/", {"cursor": cursor}).status_code in (400, 422)


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                   "2300-01-01T00:00:00Z"])
def test_far_future_or_year_one_story_dates_are_422(client, site, stamp):
    body = json.dumps({"url": f"{ORIGIN}/dated", "title": "Dated", "published_at": stamp})
    response = post_raw(client, "/api/v1/stories", body, Authorization=f"Bearer {API_KEY}")
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "published_at"
    assert "1800 to 2199" in response.json()["detail"]
