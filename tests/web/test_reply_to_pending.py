"""A reply to a comment still awaiting moderation is held, not published-and-invisible."""

from __future__ import annotations

import json

import pytest

from parley.comments.models import Comment, CommentStatus, Story
from parley.moderation.models import ModerationRecord

pytestmark = pytest.mark.usefixtures("rules_only")


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_a_reply_to_a_pending_comment_is_held_and_not_counted(client, story):
    Story.objects.filter(pk=story.pk).update(premoderate=True)
    url = f"/api/v1/stories/{story.pk}/comments"
    parent = post_json(client, url, {"text": "Held for a look.", "author_name": "Ann"}).json()
    assert parent["status"] == "pending"
    Story.objects.filter(pk=story.pk).update(premoderate=False)

    reply = post_json(client, url, {"text": "Replying to my own comment.", "author_name": "Ann",
                                    "parent_id": parent["comment"]["id"]})
    assert reply.status_code == 201
    data = reply.json()
    assert data["status"] == "pending"
    assert data["public_reasons"] == [
        "Your reply will be shown once the comment it answers has been approved."]
    record = ModerationRecord.objects.get(comment_id=data["comment"]["id"])
    assert "the parent comment is awaiting moderation" in record.reasons
    story.refresh_from_db()
    assert story.published_count == 0
    thread = client.get(url).json()
    assert thread["published_count"] == 0 and thread["comments"] == []


def test_a_reply_to_a_published_comment_is_still_published(client, story):
    url = f"/api/v1/stories/{story.pk}/comments"
    parent = post_json(client, url, {"text": "Open to all.", "author_name": "Ann"}).json()
    reply = post_json(client, url, {"text": "Agreed.", "author_name": "Bob",
                                    "parent_id": parent["comment"]["id"]}).json()
    assert reply["status"] == "published"
    assert Comment.objects.filter(status=CommentStatus.PUBLISHED).count() == 2
    assert client.get(url).json()["published_count"] == 2
