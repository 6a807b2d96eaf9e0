"""Reader reports through the core's report_comment service: Reported queue, then hidden."""

from __future__ import annotations

import pytest

from parley import actions
from parley.actions import report_comment
from parley.comments import selectors
from parley.comments.models import CommentStatus, Story
from parley.moderation.selectors import queue_counts

pytestmark = pytest.mark.django_db(transaction=True)


def visible_ids(story):
    page = selectors.thread_page(story=Story.objects.get(pk=story.pk))
    return [node.comment.pk for node in page.comments]


def test_reports_queue_then_hide_then_moderator_restores(site, story, moderator, make_comment):
    comment = make_comment(story, status=CommentStatus.PUBLISHED, text="Contested claim")
    assert visible_ids(story) == [comment.pk]

    report_comment(comment=comment, reason="abusive", client_ip="10.0.0.1")
    assert queue_counts(sites=[site])["reported"] == 1
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED

    report_comment(comment=comment, reason="spam", client_ip="10.0.0.2")
    comment.refresh_from_db()
    report_comment(comment=comment, reason="abusive", client_ip="10.0.0.3")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert comment.moderation.hidden_by_reports
    assert visible_ids(story) == []  # the cached page was invalidated too
    counts = queue_counts(sites=[site])
    assert counts["reported"] == 1 and counts["pending"] == 1

    actions.approve_comment(comment=comment, acting_user=moderator)
    assert visible_ids(story) == [comment.pk]
    assert queue_counts(sites=[site])["reported"] == 0
