"""Readers' everyday features through the JSON API: featured comments and their order, editing
and deleting your own comment with its token, "Recommend", and the "new comments" poll."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from parley import actions
from parley.comments.models import Comment, CommentRevision, Reaction, hash_edit_token
from parley.moderation.models import AuditAction, AuditEntry
from tests.comments.core_fixtures import ORIGIN

pytestmark = pytest.mark.usefixtures("rules_only")
READER = "reader-aaaaaaaaaaaaaaaa"
OTHER_READER = "reader-bbbbbbbbbbbbbbbb"


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def new_comment(client, story, **fields) -> dict:
    data = {"text": "An on-topic remark.", "author_name": "Ann"} | fields
    response = post_json(client, f"/api/v1/stories/{story.pk}/comments", data)
    assert response.status_code == 201, response.content
    return response.json()


def edit(client, comment_id, text, token):
    headers = {"HTTP_X_PARLEY_EDIT_TOKEN": token} if token is not None else {}
    return client.patch(f"/api/v1/comments/{comment_id}", json.dumps({"text": text}),
                        content_type="application/json", **headers)


def delete(client, comment_id, token):
    return client.delete(f"/api/v1/comments/{comment_id}", HTTP_X_PARLEY_EDIT_TOKEN=token)


def recommend(client, comment_id, on=True, reader=READER, **extra):
    return post_json(client, f"/api/v1/comments/{comment_id}/recommend", {"recommend": on},
                     HTTP_X_PARLEY_READER=reader, **extra)


def thread(client, story, **query) -> dict:
    response = client.get(f"/api/v1/stories/{story.pk}/comments", query)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def moderator(db):
    return get_user_model().objects.create_user("mod", "mod@example.com", "pw", is_staff=True)


# --- Featured ---------------------------------------------------------------------------------

def test_featured_order_puts_featured_first_and_pages_without_repeats(client, story, moderator):
    ids = [new_comment(client, story, text=f"Point number {i}.")["comment"]["id"]
           for i in range(5)]
    for pk in (ids[0], ids[2]):
        actions.feature_comment(comment=Comment.objects.get(pk=pk), acting_user=moderator)
    data = thread(client, story, order="featured", limit=2)
    assert data["order"] == "featured"
    assert [c["id"] for c in data["comments"]] == [ids[2], ids[0]]
    assert all(c["is_featured"] for c in data["comments"])
    rest = thread(client, story, order="featured", limit=2, cursor=data["next_cursor"])
    last = thread(client, story, order="featured", limit=2, cursor=rest["next_cursor"])
    assert [c["id"] for c in rest["comments"] + last["comments"]] == [ids[4], ids[3], ids[1]]
    assert last["next_cursor"] is None
    newest = thread(client, story)
    assert [c["is_featured"] for c in newest["comments"]] == [False, False, True, False, True]
    # A cursor of one order is refused by another, with a clear message.
    wrong = client.get(f"/api/v1/stories/{story.pk}/comments",
                       {"order": "newest", "cursor": data["next_cursor"]})
    assert wrong.status_code == 422 and "another order" in wrong.json()["detail"]


# --- Editing and deleting your own comment ---------------------------------------------------

def test_posting_returns_the_token_once_and_stores_only_its_hash(client, story):
    posted = new_comment(client, story)
    token = posted["edit_token"]
    assert len(token) >= 40 and posted["editable_until"]
    comment = Comment.objects.get(pk=posted["comment"]["id"])
    assert comment.edit_token_hash == hash_edit_token(token)
    body = json.dumps(thread(client, story))
    assert token not in body and comment.edit_token_hash not in body and "edit_token" not in body


def test_edit_own_comment_keeps_history_and_rescoring_can_hold_it(client, story, site):
    posted = new_comment(client, story, text="The raids start next week.")
    cid, token = posted["comment"]["id"], posted["edit_token"]
    response = edit(client, cid, "The raids start next month.", token)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "published" and data["changed"] is True
    assert data["comment"]["text"] == "The raids start next month." and data["comment"]["edited"]
    assert thread(client, story)["comments"][0]["text"] == "The raids start next month."
    [revision] = CommentRevision.objects.filter(comment_id=cid)
    assert revision.text == "The raids start next week." and revision.status == "published"
    # The site's rules hold the new text: the comment goes back to Pending and leaves the count.
    site.moderation_settings = {"suspect_words": ["bribe"]}
    site.save()
    held = edit(client, cid, "Who took the bribe?", token).json()
    assert held["status"] == "pending"
    assert thread(client, story)["published_count"] == 0
    assert [e.action for e in AuditEntry.objects.filter(comment_id=cid)] == [
        AuditAction.AUTHOR_EDIT, AuditAction.AUTHOR_EDIT]
    # Unchanged text is not an edit.
    again = edit(client, cid, "Who took the bribe?", token).json()
    assert again["changed"] is False and CommentRevision.objects.filter(comment_id=cid).count() == 2


def test_an_edit_that_would_be_rejected_changes_nothing(client, story, site):
    site.moderation_settings = {"banned_words": ["scoundrel"]}
    site.save()
    posted = new_comment(client, story, text="A fair point about the raids.")
    response = edit(client, posted["comment"]["id"], "You scoundrel.", posted["edit_token"])
    assert response.status_code == 422 and "unchanged" in response.json()["detail"]
    assert Comment.objects.get(pk=posted["comment"]["id"]).text == "A fair point about the raids."


def test_cannot_edit_or_delete_another_readers_comment(client, story):
    mine = new_comment(client, story, text="Mine.")
    theirs = new_comment(client, story, text="Theirs.", author_name="Bob")
    for token in (mine["edit_token"], "", None, "x" * 43, theirs["edit_token"][:-1] + "A"):
        if token == theirs["edit_token"]:
            continue
        assert edit(client, theirs["comment"]["id"], "Hijacked.", token).status_code == 403
        if token is not None:
            assert delete(client, theirs["comment"]["id"], token).status_code == 403
    assert Comment.objects.get(pk=theirs["comment"]["id"]).text == "Theirs."
    assert Comment.objects.get(pk=theirs["comment"]["id"]).status == "published"


def test_edit_window_is_the_sites_setting(client, story, site):
    posted = new_comment(client, story)
    cid, token = posted["comment"]["id"], posted["edit_token"]
    Comment.objects.filter(pk=cid).update(created_at=timezone.now() - timedelta(minutes=16))
    late = edit(client, cid, "Too late.", token)
    assert late.status_code == 403 and "15 minutes" in late.json()["detail"]
    site.moderation_settings = {"edit_window_minutes": 60}
    site.save()
    assert edit(client, cid, "In time for this site.", token).status_code == 200
    with override_settings(PARLEY_EDIT_WINDOW_MINUTES=0):
        site.moderation_settings = {}
        site.save()
        assert new_comment(client, story)["editable_until"]  # the token is still given
        assert edit(client, cid, "No editing here.", token).status_code == 403


def test_delete_keeps_the_thread_shape_and_the_count(client, story):
    top = new_comment(client, story, text="Top comment.", author_name="Ann")
    new_comment(client, story, text="A reply.", author_name="Bob", parent_id=top["comment"]["id"])
    lonely = new_comment(client, story, text="Nobody answered me.", author_name="Cy")
    assert thread(client, story)["published_count"] == 3
    response = delete(client, top["comment"]["id"], top["edit_token"])
    assert response.status_code == 200 and response.json()["status"] == "deleted"
    assert delete(client, top["comment"]["id"], top["edit_token"]).status_code == 200  # twice
    assert delete(client, lonely["comment"]["id"], lonely["edit_token"]).status_code == 200
    data = thread(client, story)
    assert data["published_count"] == 1
    [placeholder] = data["comments"]  # the lonely deleted comment is gone altogether
    assert placeholder["status"] == "deleted"
    assert placeholder["text"] == "" and placeholder["author_name"] == ""
    assert placeholder["replies"][0]["text"] == "A reply."
    assert placeholder["reply_count"] == 1
    # Moderators keep the text.
    assert CommentRevision.objects.get(comment_id=top["comment"]["id"]).text == "Top comment."
    # A deleted comment cannot be edited back.
    assert edit(client, top["comment"]["id"], "Back.", top["edit_token"]).status_code == 400


# --- Recommend --------------------------------------------------------------------------------

def test_recommend_is_one_per_reader_idempotent_and_toggles(client, story):
    cid = new_comment(client, story)["comment"]["id"]
    first = recommend(client, cid)
    assert first.status_code == 200 and first.json() == {"comment_id": cid, "recommended": True,
                                                         "count": 1}
    assert recommend(client, cid).json()["count"] == 1  # the same reader again: still one
    assert recommend(client, cid, reader=OTHER_READER).json()["count"] == 2
    assert thread(client, story)["comments"][0]["recommend_count"] == 2
    mine = client.get(f"/api/v1/stories/{story.pk}/recommended", HTTP_X_PARLEY_READER=READER)
    assert mine.json() == {"comment_ids": [cid]}
    assert recommend(client, cid, on=False).json() == {"comment_id": cid, "recommended": False,
                                                       "count": 1}
    assert recommend(client, cid, on=False).json()["count"] == 1
    assert Reaction.objects.filter(comment_id=cid).count() == 1
    assert READER not in "".join(Reaction.objects.values_list("reader_hash", flat=True))


def test_recommend_needs_a_reader_id_and_a_published_comment(client, story, site):
    cid = new_comment(client, story)["comment"]["id"]
    assert recommend(client, cid, reader="").status_code == 422
    assert recommend(client, cid, reader="short").status_code == 422
    assert recommend(client, cid, reader="<script>alert(1)</script>xxxxxx").status_code == 422
    assert recommend(client, 999999).status_code == 404
    site.moderation_settings = {"suspect_words": ["bribe"]}
    site.save()
    held = new_comment(client, story, text="A bribe?")["comment"]["id"]
    assert recommend(client, held).status_code == 400


def test_recommend_is_rate_limited_per_address(client, story):
    cid = new_comment(client, story)["comment"]["id"]
    with override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_REACTIONS="3/m"):
        codes = [recommend(client, cid, on=i % 2 == 0, reader=f"reader-{i:016d}",
                           REMOTE_ADDR="203.0.113.9").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_cors_preflight_allows_the_new_methods_and_headers(client, story):
    response = client.options("/api/v1/comments/1", HTTP_ORIGIN=ORIGIN,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH")
    assert response.status_code == 204
    assert "PATCH" in response["Access-Control-Allow-Methods"]
    assert "DELETE" in response["Access-Control-Allow-Methods"]
    assert "X-Parley-Edit-Token" in response["Access-Control-Allow-Headers"]
    assert "X-Parley-Reader" in response["Access-Control-Allow-Headers"]


# --- New comments poll ------------------------------------------------------------------------

def test_updates_counts_newer_comments_and_answers_304_while_nothing_changed(client, story):
    first = new_comment(client, story)["comment"]["id"]
    url = f"/api/v1/stories/{story.pk}/updates"
    response = client.get(url, {"since": first})
    assert response.status_code == 200
    assert response.json() == {"story_id": story.pk, "latest_id": first, "new_count": 0,
                               "published_count": 1}
    etag = response["ETag"]
    assert client.get(url, {"since": first}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    second = new_comment(client, story, text="Another.")["comment"]["id"]
    new_comment(client, story, text="A reply.", parent_id=first)
    fresh = client.get(url, {"since": first}, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["new_count"] == 2 and fresh.json()["latest_id"] > second
    assert client.get("/api/v1/stories/424242/updates").status_code == 404
