"""The posting path: validation, closed stories, parents, durable writes, counts, rate limits."""

from __future__ import annotations

import hashlib

import pytest
from django.db import transaction
from django.test import override_settings

from parley import actions
from parley.comments import services
from parley.comments.client_address import hash_client_address
from parley.comments.errors import BadRequest, CommentsClosed, InvalidInput, RateLimited
from parley.comments.models import Comment, CommentStatus, Report, Story
from parley.moderation.models import ModerationRecord
from tests.comments.core_fixtures import post

pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n\t  "}, "text"),
        ({"text": "\u200b\u200d\ufeff"}, "text"),  # only invisible characters
        ({"text": "x" * 5001}, "text"),
        ({"author_name": ""}, "author_name"),
        ({"author_name": "  \u200b "}, "author_name"),
        ({"author_name": "n" * 81}, "author_name"),
        ({"author_email": "not-an-email"}, "author_email"),
        ({"author_email": "a@b"}, "author_email"),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(story, kwargs, field):
    args = {"story": story, "text": "Fine text", "author_name": "Ann"} | kwargs
    with pytest.raises(InvalidInput) as err:
        actions.post_comment(**args)
    assert err.value.field == field
    assert err.value.status == 422
    assert err.value.message.startswith(f"{field}: ")
    assert Comment.objects.count() == 0


def test_length_limit_comes_from_settings(story):
    with override_settings(PARLEY_MAX_COMMENT_CHARS=10):
        post(story, "x" * 10)
        with pytest.raises(InvalidInput, match="at most 10 characters"):
            post(story, "x" * 11)


def test_text_is_cleaned_before_it_is_stored(story):
    comment = post(story, "  Cafe\u0301 id\u200biot\x07 here\u202e\n\n\n\nSecond\tpara  ")
    assert comment.text == "Caf\u00e9 idiot here\n\nSecond para"


def test_parent_in_another_story_is_a_bad_request(story, other_story):
    parent = post(other_story)
    with pytest.raises(BadRequest, match="another story"):
        post(story, parent=parent)


def test_cannot_reply_to_a_removed_comment(story):
    parent = post(story)
    actions.change_comment_status(comment=parent, status=CommentStatus.REMOVED)
    with pytest.raises(BadRequest):
        post(story, parent=parent)


def test_reply_records_depth_and_root(story):
    top = post(story)
    reply = post(story, parent=top)
    deeper = post(story, parent=reply)
    assert (reply.depth, reply.root_id) == (1, top.pk)
    assert (deeper.depth, deeper.root_id, deeper.parent_id) == (2, top.pk, reply.pk)


def test_closed_story_refuses_comments(story):
    story.is_closed = True
    story.save()
    with pytest.raises(CommentsClosed) as err:
        post(story)
    assert err.value.status == 403
    assert err.value.message == "Comments are closed on this story."


def test_story_past_its_closing_time_refuses_comments(story):
    from datetime import timedelta

    from django.utils import timezone

    story.closes_at = timezone.now() - timedelta(minutes=1)
    story.save()
    with pytest.raises(CommentsClosed):
        post(story)


def test_story_closed_while_scoring_is_caught_under_the_write_lock(story, monkeypatch):
    from parley.moderation import pipeline

    real = pipeline.moderate

    def moderate_then_close(**kwargs):
        Story.objects.filter(pk=story.pk).update(is_closed=True)
        return real(**kwargs)

    import parley.actions.comments

    monkeypatch.setattr(parley.actions.comments, "moderate", moderate_then_close)
    with pytest.raises(CommentsClosed):
        post(story)
    assert Comment.objects.count() == 0


def test_site_rule_closing_the_story_while_scoring_is_caught_under_the_write_lock(
        story, monkeypatch):
    """The re-check under the lock is Story.comments_closed itself, the site's rule included."""
    from datetime import timedelta

    from django.utils import timezone

    import parley.actions.comments

    story.site.moderation_settings = {"close_after_days": 2}
    story.site.save()
    story.refresh_from_db()
    real = parley.actions.comments.moderate

    def moderate_then_backdate(**kwargs):
        Story.objects.filter(pk=story.pk).update(
            published_at=timezone.now() - timedelta(days=3))
        return real(**kwargs)

    monkeypatch.setattr(parley.actions.comments, "moderate", moderate_then_backdate)
    with pytest.raises(CommentsClosed):
        post(story)
    assert Comment.objects.count() == 0
    story.refresh_from_db()
    assert (story.published_count, story.cache_version) == (0, 0)


def test_comment_record_and_counts_are_written_together(story):
    comment = post(story)
    record = ModerationRecord.objects.get(comment=comment)
    assert record.decision == "publish"
    assert record.engine_version == "rules"
    story.refresh_from_db()
    assert story.published_count == 1
    assert story.cache_version == 1


def test_pending_comment_does_not_count_or_touch_the_cache(story):
    story.premoderate = True
    story.save()
    result = actions.post_comment(story=story, text="Hold me", author_name="Ann")
    assert result.status == "pending"
    story.refresh_from_db()
    assert (story.published_count, story.cache_version) == (0, 0)
    assert ModerationRecord.objects.get(comment=result.comment).decision == "review"


def test_status_changes_keep_the_count_and_bump_the_version(story):
    comment = post(story)
    actions.change_comment_status(comment=comment, status=CommentStatus.REMOVED)
    story.refresh_from_db()
    assert (story.published_count, story.cache_version) == (0, 2)
    actions.change_comment_status(comment=comment, status=CommentStatus.REMOVED)  # no-op
    actions.change_comment_status(comment=comment, status=CommentStatus.PUBLISHED)
    story.refresh_from_db()
    assert (story.published_count, story.cache_version) == (1, 3)
    with pytest.raises(InvalidInput):
        actions.change_comment_status(comment=comment, status="deleted")


def test_side_effects_wait_for_the_commit(story, django_capture_on_commit_callbacks,
                                         monkeypatch):
    from parley.moderation import tasks

    sent = []
    monkeypatch.setattr(tasks.alert_waiting_pending, "delay", lambda: sent.append("alert"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(story)
    assert sent == []  # nothing is sent before the commit
    assert len(callbacks) == 2  # the posting lock's release, then the comment's events
    for callback in callbacks:
        callback()
    assert sent == ["alert"]


def test_status_change_to_removed_is_audited(story):
    from parley.moderation.models import AuditEntry

    comment = post(story)
    actions.change_comment_status(comment=comment, status=CommentStatus.REMOVED, note="legal")
    entry = AuditEntry.objects.get(comment=comment)
    assert (entry.action, entry.actor, entry.note) == ("change_status", None, "legal")
    assert (entry.before["status"], entry.after["status"]) == ("published", "removed")


@pytest.mark.django_db(transaction=True)
def test_posting_cannot_hide_inside_a_callers_transaction(story):
    """Durable: a 201 must mean committed, so an enclosing transaction is refused."""
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        post(story)
    post(story)
    assert Comment.objects.count() == 1


def test_client_address_is_stored_only_as_a_keyed_hash(story):
    comment = post(story, client_ip="203.0.113.9")
    assert comment.author_ip_hash == hash_client_address("203.0.113.9")
    assert "203.0.113.9" not in comment.author_ip_hash
    assert comment.author_ip_hash != hashlib.sha256(b"203.0.113.9").hexdigest()
    assert len(comment.author_ip_hash) == 64


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_AUTHOR="2/m",
                   PARLEY_RATE_PER_IP="100/m", PARLEY_RATE_PER_STORY="100/m")
def test_rate_limit_per_author(story):
    post(story, name="Ann", author_email="ann@example.com")
    post(story, name="ann ", author_email="ANN@example.com")
    with pytest.raises(RateLimited) as err:
        post(story, name="Ann", author_email="ann@example.com")
    assert err.value.status == 429
    assert 1 <= err.value.retry_after <= 60
    post(story, name="Bob")  # someone else is not limited
    assert Comment.objects.count() == 3


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_IP="2/m",
                   PARLEY_RATE_PER_AUTHOR="100/m", PARLEY_RATE_PER_STORY="100/m")
def test_rate_limit_per_client_address(story):
    post(story, name="A", client_ip="198.51.100.1")
    post(story, name="B", client_ip="198.51.100.1")
    with pytest.raises(RateLimited):
        post(story, name="C", client_ip="198.51.100.1")
    post(story, name="D", client_ip="198.51.100.2")


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_STORY="2/m",
                   PARLEY_RATE_PER_IP="100/m", PARLEY_RATE_PER_AUTHOR="100/m")
def test_rate_limit_per_story(story, other_story):
    post(story, name="A")
    post(story, name="B")
    with pytest.raises(RateLimited):
        post(story, name="C")
    post(other_story, name="C")


def test_report_a_published_comment(story):
    comment = post(story)
    report = actions.report_comment(comment=comment, reason="spam", note=" buy\x00 now ",
                                     client_ip="192.0.2.1")
    assert (report.reason, report.note) == ("spam", "buy now")
    assert report.reporter_ip_hash == hash_client_address("192.0.2.1")
    with pytest.raises(InvalidInput) as err:
        actions.report_comment(comment=comment, reason="boring")
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput):
        actions.report_comment(comment=comment, reason="other", note="n" * 501)
    actions.change_comment_status(comment=comment, status=CommentStatus.REMOVED)
    with pytest.raises(BadRequest):
        actions.report_comment(comment=comment, reason="spam")
    assert Report.objects.count() == 1


def test_repeated_reports_by_one_reader_count_once(story):
    comment = post(story)
    first = actions.report_comment(comment=comment, reason="abusive", client_ip="192.0.2.7")
    again = actions.report_comment(comment=comment, reason="spam", client_ip="192.0.2.7")
    other = actions.report_comment(comment=comment, reason="spam", client_ip="192.0.2.8")
    assert again.pk == first.pk and other.pk != first.pk
    assert comment.reports.count() == 2


def test_ensure_story_creates_once_and_keeps_the_sites_title(site):
    first = services.ensure_story(site=site, url="https://news.example.com/a/b-c/#top",
                                  title="First")
    again = services.ensure_story(site=site, url="https://NEWS.example.com/a/b-c/", title="Other")
    assert first.pk == again.pk
    assert again.title == "First"
    assert first.url == "https://news.example.com/a/b-c/"
    assert first.slug == "b-c"
    with pytest.raises(InvalidInput) as err:
        services.ensure_story(site=site, url="javascript:alert(1)", title="x")
    assert err.value.field == "url"
    with pytest.raises(InvalidInput) as err:
        services.ensure_story(site=site, url="https://news.example.com/new", title="  ")
    assert err.value.field == "title"


def test_save_story_updates_in_place_and_keeps_slugs_unique(site):
    a, created = services.save_story(site=site, url="https://news.example.com/x/raids",
                                     title="Raids")
    assert created and a.slug == "raids"
    b, _ = services.save_story(site=site, url="https://news.example.com/y/raids", title="Raids 2")
    assert b.slug == "raids-2"
    a2, created = services.save_story(site=site, url="https://news.example.com/x/raids",
                                      title="Raids, updated", is_closed=True)
    assert not created and a2.pk == a.pk and a2.title == "Raids, updated" and a2.is_closed
    assert a2.slug == "raids"
