"""The JSON API at /api/v1/: status codes and messages, privacy, CORS, auth, query counts."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory, override_settings

from parley.comments.client_address import client_address
from parley.comments.models import Comment, Report, Story
from tests.comments.core_fixtures import API_KEY, ORIGIN, post

pytestmark = pytest.mark.usefixtures("rules_only")
EMAIL = "secret.reader@example.org"


def post_json(client, url, data, **extra):
    body = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def comments_url(story) -> str:
    return f"/api/v1/stories/{story.pk}/comments"


def new_comment(client, story, **fields):
    data = {"text": "An on-topic remark.", "author_name": "Ann"} | fields
    return post_json(client, comments_url(story), data)


# --- Reading ----------------------------------------------------------------------------------

def test_story_by_id_and_by_url(client, story):
    response = client.get(f"/api/v1/stories/{story.pk}")
    assert response.status_code == 200
    assert response.json()["title"] == "Joint raids"
    assert client.get("/api/v1/stories", {"url": story.url}).json()["id"] == story.pk
    missing = client.get("/api/v1/stories", {"url": "https://news.example.com/none"})
    assert missing.status_code == 404
    assert client.get("/api/v1/stories/424242").status_code == 404
    assert client.get("/api/v1/stories").status_code == 422  # url is required


def test_thread_nests_replies_and_never_returns_email(client, story):
    top = new_comment(client, story, author_email=EMAIL).json()["comment"]
    reply = new_comment(client, story, text="Agreed.", author_name="Bob",
                        author_email=EMAIL, parent_id=top["id"])
    assert reply.status_code == 201 and EMAIL not in reply.content.decode()
    response = client.get(comments_url(story))
    assert response.status_code == 200
    data = response.json()
    assert data["published_count"] == 2 and data["next_cursor"] is None
    [item] = data["comments"]
    assert set(item) >= {"id", "parent_id", "author_name", "created", "text", "reply_count",
                         "replying_to", "replies"}
    assert item["reply_count"] == 1 and item["replies"][0]["parent_id"] == top["id"]
    assert item["created"].endswith("+00:00")
    assert EMAIL not in response.content.decode()
    assert "author_email" not in response.content.decode()
    assert "ip_hash" not in response.content.decode()


def test_thread_pages_with_cursor_and_order(client, story):
    for i in range(5):
        post(story, f"c{i}")
    first = client.get(comments_url(story), {"limit": 2, "order": "oldest"}).json()
    assert [c["text"] for c in first["comments"]] == ["c0", "c1"]
    second = client.get(comments_url(story), {"limit": 2, "order": "oldest",
                                              "cursor": first["next_cursor"]}).json()
    assert [c["text"] for c in second["comments"]] == ["c2", "c3"]
    bad = client.get(comments_url(story), {"cursor": "bogus"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"
    bad = client.get(comments_url(story), {"order": "sideways"})
    assert bad.status_code == 422 and bad.json()["field"] == "order"
    bad = client.get(comments_url(story), {"limit": 500})
    assert bad.status_code == 422 and bad.json()["field"] == "limit"


def test_thread_query_counts_are_pinned(client, story, django_assert_num_queries):
    for i in range(3):
        top = post(story, f"top {i}")
        post(story, "reply", parent=post(story, "mid", parent=top))
    # Cold: the story's cache version, the story, the top-level page, all their replies.
    with django_assert_num_queries(4):
        cold = client.get(comments_url(story))
    with django_assert_num_queries(1):  # only the story's cache version, then the cached body
        warm = client.get(comments_url(story))
    assert cold.content == warm.content
    post(story, "news")
    with django_assert_num_queries(4):
        fresh = client.get(comments_url(story))
    assert fresh.json()["published_count"] == 10


# --- Posting ----------------------------------------------------------------------------------

def test_post_returns_201_with_status_and_reasons(client, story):
    response = new_comment(client, story, author_email=EMAIL)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "published" and body["public_reasons"] == []
    assert body["comment"]["text"] == "An on-topic remark."
    assert Comment.objects.get(pk=body["comment"]["id"]).author_email == EMAIL


@override_settings(PARLEY_BANNED_WORDS=["frobnicate"])
def test_rejected_and_pending_are_still_201_and_stored(client, story):
    rejected = new_comment(client, story, text="You FROBNICATE!")
    assert rejected.status_code == 201
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["public_reasons"]
    Story.objects.filter(pk=story.pk).update(premoderate=True)
    pending = new_comment(client, story)
    assert pending.status_code == 201 and pending.json()["status"] == "pending"
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": " \n "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"author_name": "n" * 81}, "author_name"),
        ({"author_name": ""}, "author_name"),
        ({"author_email": "nope"}, "author_email"),
        ({"text": 5}, "text"),
        ({"parent_id": "first"}, "parent_id"),
    ],
)
def test_bad_fields_are_422_naming_the_field(client, story, fields, field):
    response = new_comment(client, story, **fields)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert body["detail"].startswith(f"{field}: ")
    assert Comment.objects.count() == 0


def test_missing_field_is_422_naming_it(client, story):
    response = post_json(client, comments_url(story), {"author_name": "Ann"})
    assert response.status_code == 422
    assert response.json()["detail"] == "text: This field is required."


def test_body_that_is_not_an_object_is_422(client, story):
    response = post_json(client, comments_url(story), [1, 2])
    assert response.status_code == 422


def test_invalid_json_and_invalid_utf8_are_400(client, story):
    broken = post_json(client, comments_url(story), b'{"text": "unfinished')
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["detail"]
    latin1 = post_json(client, comments_url(story),
                       b'{"text": "caf\xe9", "author_name": "Ann"}')
    assert latin1.status_code == 400
    assert latin1.json()["detail"] == "The request body is not valid UTF-8."


def test_body_over_64_kb_is_413_before_parsing(client, story):
    big = {"text": "x" * (70 * 1024), "author_name": "Ann"}
    response = post_json(client, comments_url(story), big)
    assert response.status_code == 413
    assert Comment.objects.count() == 0


def test_body_is_measured_itself_not_only_its_content_length_header(story):
    """A body bigger than the limit is refused even when the header does not say so."""
    from django.http import HttpResponse

    from parley.comments.middleware import ApiGuardMiddleware

    reached = []
    guard = ApiGuardMiddleware(lambda request: reached.append(request) or HttpResponse("ok"))
    request = RequestFactory().post(comments_url(story), b"{}", content_type="application/json")
    del request.META["CONTENT_LENGTH"]
    request._body = b"z" * (64 * 1024 + 1)  # as a server that streamed it without a length
    assert guard(request).status_code == 413
    assert reached == []
    small = RequestFactory().post(comments_url(story), b"{}", content_type="application/json")
    assert guard(small).status_code == 200  # passed on down the stack
    assert reached == [small]


class RecordingMiddleware:
    """A middleware added at the bottom of the stack, as a later change might add one."""

    seen: list[str] = []

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        RecordingMiddleware.seen.append(request.path)
        response = self.get_response(request)
        response["X-Recorded"] = "yes"
        return response


@pytest.mark.parametrize("method", ["get_thread", "counts", "post"])
def test_api_requests_go_through_the_whole_middleware_stack(client, story, settings, method):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RecordingMiddleware"]
    RecordingMiddleware.seen = []
    if method == "get_thread":
        response = client.get(comments_url(story))
    elif method == "counts":
        response = post_json(client, "/api/v1/counts", {"urls": [story.url]})
    else:
        response = new_comment(client, story)
    assert response.status_code in (200, 201)
    assert response["X-Recorded"] == "yes"
    assert RecordingMiddleware.seen == [response.wsgi_request.path]


def test_unknown_story_or_parent_is_404_and_foreign_parent_400(client, story, other_story):
    assert post_json(client, "/api/v1/stories/99999/comments",
                     {"text": "x", "author_name": "A"}).status_code == 404
    missing = new_comment(client, story, parent_id=99999)
    assert missing.status_code == 404 and "parent_id" in missing.json()["detail"]
    foreign = post(other_story)
    response = new_comment(client, story, parent_id=foreign.pk)
    assert response.status_code == 400
    assert "another story" in response.json()["detail"]


def test_closed_story_is_403_with_the_message(client, story):
    Story.objects.filter(pk=story.pk).update(is_closed=True)
    response = new_comment(client, story)
    assert response.status_code == 403
    assert response.json()["detail"] == "Comments are closed on this story."


def close_after_days(story, days: int, age_days: int) -> None:
    """Give the story's site a "close after N days" rule and publish the story age_days ago."""
    from datetime import timedelta

    from django.utils import timezone

    story.site.moderation_settings = {"close_after_days": days}
    story.site.save()
    Story.objects.filter(pk=story.pk).update(
        published_at=timezone.now() - timedelta(days=age_days))


def test_site_close_after_days_shows_closed_everywhere_the_post_is_refused(client, story):
    close_after_days(story, days=3, age_days=4)
    assert client.get(f"/api/v1/stories/{story.pk}").json()["comments_closed"] is True
    embed = post_json(client, "/api/v1/embed/stories", {"url": story.url, "title": "x"},
                      HTTP_ORIGIN=ORIGIN)
    assert embed.json()["comments_closed"] is True  # the embed hides its form on this flag
    response = new_comment(client, story)
    assert response.status_code == 403
    assert response.json()["detail"] == "Comments are closed on this story."


def test_site_close_after_days_leaves_younger_stories_open(client, story):
    close_after_days(story, days=3, age_days=2)
    assert client.get(f"/api/v1/stories/{story.pk}").json()["comments_closed"] is False
    assert new_comment(client, story).status_code == 201


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_IP="2/m")
def test_too_many_posts_is_429_with_retry_after(client, story):
    assert new_comment(client, story, author_name="A").status_code == 201
    assert new_comment(client, story, author_name="B").status_code == 201
    response = new_comment(client, story, author_name="C")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Comment.objects.count() == 2


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_IP="1/m")
def test_forged_forwarded_for_does_not_escape_the_limit(client, story):
    assert new_comment(client, story, author_name="A",
                       ).status_code == 201
    response = post_json(client, comments_url(story),
                         {"text": "again", "author_name": "B"},
                         HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429


# --- Client address ---------------------------------------------------------------------------

def test_forwarded_for_is_believed_only_from_trusted_proxies():
    rf = RequestFactory()
    direct = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_address(direct) == "203.0.113.5"
    with override_settings(PARLEY_TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"]):
        assert client_address(direct) == "203.0.113.5"
        proxied = rf.get("/", REMOTE_ADDR="10.1.2.3",
                         HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4, 127.0.0.1")
        assert client_address(proxied) == "198.51.100.4"  # right-most untrusted hop
        garbage = rf.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="not-an-ip")
        assert client_address(garbage) == "10.1.2.3"
        no_header = rf.get("/", REMOTE_ADDR="127.0.0.1")
        assert client_address(no_header) == "127.0.0.1"


# --- Counts and reports -----------------------------------------------------------------------

def test_counts_for_listing_pages(client, story, other_story):
    post(story)
    response = post_json(client, "/api/v1/counts",
                         {"urls": [story.url, other_story.url, "https://x.example/"]})
    assert response.status_code == 200
    assert response.json()["counts"] == {story.url: 1, other_story.url: 0,
                                         "https://x.example/": 0}
    too_many = post_json(client, "/api/v1/counts",
                         {"urls": [f"https://x.example/{i}" for i in range(101)]})
    assert too_many.status_code == 422
    assert too_many.json()["field"] == "urls"
    assert "100" in too_many.json()["detail"]


def test_reports(client, story):
    comment = post(story)
    url = f"/api/v1/comments/{comment.pk}/reports"
    response = post_json(client, url, {"reason": "off_topic", "note": "Not about raids"})
    assert response.status_code == 201
    assert Report.objects.get().reason == "off_topic"
    bad = post_json(client, url, {"reason": "ugly"})
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    assert post_json(client, "/api/v1/comments/9999/reports",
                     {"reason": "spam"}).status_code == 404


# --- Stories: API key and embed ---------------------------------------------------------------

def test_story_writes_need_the_site_key(client, site):
    data = {"url": f"{ORIGIN}/2024/budget", "title": "Budget day"}
    assert post_json(client, "/api/v1/stories", data).status_code == 401
    assert post_json(client, "/api/v1/stories", data,
                     HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    created = post_json(client, "/api/v1/stories", data, HTTP_AUTHORIZATION=f"Bearer {API_KEY}")
    assert created.status_code == 201 and created.json()["slug"] == "budget"
    updated = post_json(client, "/api/v1/stories", data | {"title": "Budget", "is_closed": True},
                        HTTP_X_PARLEY_KEY=API_KEY)
    assert updated.status_code == 200
    assert updated.json()["comments_closed"] is True
    assert Story.objects.get(url=data["url"]).title == "Budget"
    bad = post_json(client, "/api/v1/stories", {"url": "ftp://x", "title": "t"},
                    HTTP_X_PARLEY_KEY=API_KEY)
    assert bad.status_code == 422 and bad.json()["field"] == "url"


def test_embed_creates_stories_only_for_allowed_origins(client, site):
    data = {"url": f"{ORIGIN}/2024/floods/", "title": "Floods"}
    created = post_json(client, "/api/v1/embed/stories", data, HTTP_ORIGIN=ORIGIN)
    assert created.status_code == 201
    assert created["Access-Control-Allow-Origin"] == ORIGIN
    again = post_json(client, "/api/v1/embed/stories", data | {"title": "Changed"},
                      HTTP_ORIGIN=ORIGIN)
    assert again.status_code == 200 and again.json()["title"] == "Floods"
    stranger = post_json(client, "/api/v1/embed/stories", data, HTTP_ORIGIN="https://evil.test")
    assert stranger.status_code == 403
    # Readable by the page (so the embed can say why), and it says what to configure.
    assert stranger["Access-Control-Allow-Origin"] == "https://evil.test"
    assert stranger.json()["code"] == "origin_not_allowed"
    assert stranger.json()["origin"] == "https://evil.test"
    assert "parley site origins YOUR-SITE --add https://evil.test" in stranger.json()["hint"]
    elsewhere = post_json(client, "/api/v1/embed/stories",
                          {"url": "https://other.example/x", "title": "X"}, HTTP_ORIGIN=ORIGIN)
    assert elsewhere.status_code == 403
    body = elsewhere.json()
    assert (body["code"], body["origin"]) == ("story_origin_not_allowed", "https://other.example")
    assert f"parley site origins {site.slug} --add https://other.example" in body["hint"]
    assert not body["detail"].startswith("url:")
    assert Story.objects.count() == 1


def test_the_story_url_may_be_on_another_origin_of_the_same_site(client, site):
    # A page on http://localhost:9 (also listed) whose canonical URL is on the main origin.
    data = {"url": f"{ORIGIN}/2024/canonical/", "title": "Canonical"}
    created = post_json(client, "/api/v1/embed/stories", data, HTTP_ORIGIN="http://localhost:9")
    assert created.status_code == 201
    assert Story.objects.get(url=data["url"]).site == site


def test_only_the_embed_s_first_call_is_readable_from_any_origin(client, story):
    first = client.options("/api/v1/embed/stories", HTTP_ORIGIN="https://evil.test",
                           HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert first.status_code == 204 and "Access-Control-Allow-Credentials" not in first
    other = client.options(comments_url(story), HTTP_ORIGIN="https://evil.test",
                           HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert other.status_code == 403


def test_cors_preflight_and_headers_only_for_allowed_origins(client, story):
    ok = client.options(comments_url(story), HTTP_ORIGIN=ORIGIN,
                        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert ok.status_code == 204
    assert ok["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in ok["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in ok
    denied = client.options(comments_url(story), HTTP_ORIGIN="https://evil.test",
                            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in denied
    read = client.get(comments_url(story), HTTP_ORIGIN=ORIGIN)
    assert read["Access-Control-Allow-Origin"] == ORIGIN and "Origin" in read["Vary"]
    foreign = client.get(comments_url(story), HTTP_ORIGIN="https://evil.test")
    assert "Access-Control-Allow-Origin" not in foreign


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/api/v1/stories/{story_id}", "/api/v1/stories/{story_id}/comments",
                 "/api/v1/counts", "/api/v1/comments/{comment_id}/reports", "/api/v1/stories",
                 "/api/v1/embed/stories"]:
        assert path in paths
    assert "author_email" not in json.dumps(schema.json()["components"]["schemas"]["CommentOut"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()  # the Swagger UI comes from our static files
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()


def test_thread_gives_each_comment_its_language_so_the_embed_can_mark_it(client, story):
    comment = post(story, text="یہ ایک اچھا تبصرہ ہے")
    Comment.objects.filter(pk=comment.pk).update(language="ur")
    Story.objects.filter(pk=story.pk).update(cache_version=story.cache_version + 1)
    body = client.get(comments_url(story)).json()
    assert [(c["id"], c["language"]) for c in body["comments"]] == [(comment.pk, "ur")]


def test_answers_are_built_through_their_declared_schemas(story, monkeypatch):
    """A dict that drifts from the operation's schema fails on the server, not in a client."""
    import pydantic

    from parley.web import api

    good = api.story_dict(story)
    assert api.through_schema(api.StoryOut, good) == good | {"published_at": None}
    broken = {k: v for k, v in good.items() if k != "comments_closed"}
    monkeypatch.setattr(api, "story_dict", lambda _story: broken)
    with pytest.raises(pydantic.ValidationError):
        api.get_story(RequestFactory().get("/"), story.pk)


# --- Writes are seen by the next read (no per-process copy to go stale) -----------------------

def test_story_changes_through_the_actions_are_seen_by_the_next_post_and_read(client, story):
    from datetime import timedelta

    from parley import actions
    from tests.moderation.conftest import make_user

    moderator = make_user("mod", site=story.site)
    admin = make_user("boss", site=story.site, role="admin")
    assert new_comment(client, story).status_code == 201  # posting has read the story once

    actions.update_story_settings(story=story, acting_user=moderator, premoderate=True)
    assert new_comment(client, story).json()["status"] == "pending"
    actions.update_story_settings(story=story, acting_user=moderator, close_now=True)
    assert new_comment(client, story).status_code == 403
    assert client.get(f"/api/v1/stories/{story.pk}").json()["comments_closed"] is True

    actions.update_story_settings(story=story, acting_user=moderator, reopen=True,
                                  premoderate=False)
    actions.update_site_rules(site=story.site, acting_user=admin,
                              changes={"close_after_days": 1})
    Story.objects.filter(pk=story.pk).update(  # as old as a bulk import might make it
        published_at=story.created_at - timedelta(days=3))
    assert new_comment(client, story).status_code == 403
    assert client.get(f"/api/v1/stories/{story.pk}").json()["comments_closed"] is True


def test_an_article_edit_by_queryset_update_is_seen_by_the_next_post(client, story, monkeypatch):
    from parley.actions import comments as posting

    assert new_comment(client, story).status_code == 201
    seen = []
    real = posting.moderate
    monkeypatch.setattr(posting, "moderate",
                        lambda **kw: seen.append(kw["story"].title) or real(**kw))
    Story.objects.filter(pk=story.pk).update(title="Raids called off")
    assert new_comment(client, story).status_code == 201
    assert seen == ["Raids called off"]
