"""prepared_insert writes the same row as ``objects.create`` and sends the same signals."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save

from parley import prepared_insert
from parley.comments.models import Comment, Site, Story
from parley.moderation.models import ModerationRecord


@pytest.fixture
def story(db) -> Story:
    site = Site.objects.create(name="Insert News", slug="insert-news")
    return Story.objects.create(site=site, url="https://insert.example/a", title="A")


def _row(comment: Comment) -> dict:
    fields = [f.attname for f in Comment._meta.concrete_fields if f.attname not in ("id",)]
    values = Comment.objects.filter(pk=comment.pk).values(*fields).get()
    values.pop("created_at"), values.pop("updated_at")
    return values


def test_insert_writes_the_row_create_would(story):
    parent = Comment.objects.create(story=story, text="parent", author_name="P")
    fields = dict(story=story, parent=parent, root_id=parent.pk, depth=1, author_name="Näme",
                  author_email="a@example.com", text="Ünïcode and 'quotes'", language="de",
                  status="pending", public_reasons=["held for a moderator"])
    created = Comment.objects.create(**fields)
    inserted = prepared_insert.insert(Comment(**fields))
    assert inserted.pk and inserted.pk != created.pk
    assert inserted._state.adding is False and inserted._state.db == "default"
    assert _row(inserted) == _row(created)
    stored = Comment.objects.get(pk=inserted.pk)
    assert stored.updated_at is not None and stored.created_at == inserted.created_at  # auto_now

    record = prepared_insert.insert(ModerationRecord(
        comment=inserted, decision="review", reasons=["likely an insult (0.71)"],
        scores={"TOXICITY": 0.71}, language="de", engine_version="test"))
    assert ModerationRecord.objects.get(pk=record.pk).scores == {"TOXICITY": 0.71}


def test_insert_sends_post_save_as_created(story):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((sender, instance.pk, created))

    post_save.connect(receiver, sender=Comment)
    try:
        comment = prepared_insert.insert(Comment(story=story, text="x", author_name="A"))
    finally:
        post_save.disconnect(receiver, sender=Comment)
    assert seen == [(Comment, comment.pk, True)]
