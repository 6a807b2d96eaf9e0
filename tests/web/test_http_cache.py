"""HTTP caching: thread and counts answers are shareable (ETag, 304, short public max-age,
Vary: Origin) and versioned on publish and on moderation; nothing personal is shareable."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from parley import actions
from parley.comments.models import CommentStatus
from parley.moderation.models import SiteMembership
from tests.comments.core_fixtures import ORIGIN, post

pytestmark = pytest.mark.usefixtures("rules_only")


def comments_url(story) -> str:
    return f"/api/v1/stories/{story.pk}/comments"


def assert_public(response) -> None:
    cache_control = response["Cache-Control"]
    for part in ("public", "max-age=0", "s-maxage=10"):
        assert part in cache_control, cache_control
    # A browser must never show a stale thread first (the reader's own new comment missing).
    assert "stale-while-revalidate" not in cache_control
    assert response["CDN-Cache-Control"] == "public, max-age=10, stale-while-revalidate=10"
    assert "Origin" in response["Vary"]
    assert response["ETag"].startswith('"')


def assert_private(response) -> None:
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control, cache_control
    assert "public" not in cache_control and "ETag" not in response


def test_thread_is_shareable_and_answers_304_while_unchanged(client, story):
    post(story, "First remark.")
    first = client.get(comments_url(story))
    assert first.status_code == 200
    assert_public(first)
    again = client.get(comments_url(story), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert_public(again)
    # Another page, order or size of the same story is another ETag.
    oldest = client.get(comments_url(story), {"order": "oldest"})
    assert oldest["ETag"] != first["ETag"]
    assert client.get(comments_url(story), {"order": "oldest"},
                      HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_thread_etag_moves_on_publish_and_on_moderation(client, story):
    post(story, "First remark.")
    etag = client.get(comments_url(story))["ETag"]
    comment = post(story, "A second, newer remark.")
    assert comment.status == CommentStatus.PUBLISHED
    after_publish = client.get(comments_url(story), HTTP_IF_NONE_MATCH=etag)
    assert after_publish.status_code == 200
    assert "A second, newer remark." in after_publish.content.decode()
    assert after_publish["ETag"] != etag
    moderator = get_user_model().objects.create_user("mod-cache", password="pw-secret-123")
    SiteMembership.objects.create(user=moderator, site=story.site)
    actions.reject_comment(comment=comment, acting_user=moderator, reason="spam")
    after_rejection = client.get(comments_url(story), HTTP_IF_NONE_MATCH=after_publish["ETag"])
    assert after_rejection.status_code == 200
    assert "A second, newer remark." not in after_rejection.content.decode()
    assert after_rejection["ETag"] not in (etag, after_publish["ETag"])


def test_thread_304_keeps_cors_for_allowed_origin(client, story):
    etag = client.get(comments_url(story), HTTP_ORIGIN=ORIGIN)["ETag"]
    response = client.get(comments_url(story), HTTP_ORIGIN=ORIGIN, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["Access-Control-Allow-Origin"] == ORIGIN


def test_counts_by_get_are_shareable_and_versioned_by_content(client, story, other_story):
    urls = {"url": [story.url, other_story.url, "https://news.example.com/unknown"]}
    first = client.get("/api/v1/counts", urls)
    assert first.status_code == 200
    assert first.json()["counts"] == {story.url: 0, other_story.url: 0,
                                      "https://news.example.com/unknown": 0}
    assert_public(first)
    assert client.get("/api/v1/counts", urls, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    post(story, "Counted now.")
    after = client.get("/api/v1/counts", urls, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after.json()["counts"][story.url] == 1
    assert after["ETag"] != first["ETag"]
    # The POST form answers the same numbers, and is not cacheable.
    posted = client.post("/api/v1/counts", {"urls": urls["url"]}, content_type="application/json")
    assert posted.json() == after.json()
    assert "public" not in posted["Cache-Control"]


def test_counts_by_get_refuse_bad_input(client):
    assert client.get("/api/v1/counts").status_code == 422
    too_many = {"url": [f"https://news.example.com/{i}" for i in range(101)]}
    assert client.get("/api/v1/counts", too_many).status_code == 422


@override_settings(PARLEY_PUBLIC_MAX_AGE=5)
def test_max_age_follows_the_setting(client, story):
    response = client.get(comments_url(story))
    assert "s-maxage=5" in response["Cache-Control"]
    assert "stale-while-revalidate=5" in response["CDN-Cache-Control"]


def test_reader_pages_are_never_shared(client, story):
    page = client.get(f"/stories/{story.slug}/")
    assert page.status_code == 200
    assert_private(page)
    # A reader who posted (their own pending comment shown to them alone) stays private too.
    response = client.post(f"/stories/{story.slug}/comments/new/", {
        "text": "My own remark.", "author_name": "Ann"})
    assert response.status_code in (200, 302, 303)
    assert_private(client.get(f"/stories/{story.slug}/"))
