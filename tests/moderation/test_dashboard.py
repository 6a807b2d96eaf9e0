"""Dashboard numbers and its SVG charts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from parley import actions
from parley.comments.models import Comment, CommentStatus
from parley.moderation.charts import horizontal_bars, stacked_bars
from parley.moderation.dashboard import dashboard
from parley.moderation.models import HumanDecision

pytestmark = pytest.mark.django_db(transaction=True)


def test_numbers(site, story, other_story, moderator, make_comment):
    make_comment(story, status=CommentStatus.PUBLISHED)
    held = make_comment(story, reasons=["likely an insult (0.71)"])
    make_comment(story, status=CommentStatus.REJECTED, reasons=["likely an insult (0.97)"])
    old = make_comment(story, status=CommentStatus.PUBLISHED)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    make_comment(other_story)  # another site: not counted
    Comment.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    actions.reject_comment(comment=held, acting_user=moderator, reason="abusive")

    stats = dashboard(sites=[site], days=14)
    assert stats.total == 3
    assert (sum(stats.published), sum(stats.held), sum(stats.rejected)) == (1, 1, 1)
    assert stats.published[-1] == 1  # today is the last bar
    assert stats.decisions == 1
    assert 29 <= stats.median_minutes_to_decision <= 31
    assert stats.top_reasons[0] == ("likely an insult", 2)
    assert ("Rejected by a moderator: abusive", 1) in stats.top_reasons
    assert stats.stories[0]["total"] == 3 and stats.stories[0]["rejected"] == 2
    HumanDecision.objects.update(undone_at=timezone.now())
    assert dashboard(sites=[site]).median_minutes_to_decision is None


def test_charts_escape_labels():
    svg = stacked_bars(["<b>Mon</b>"], [("pub<lished", "#000", [3])], title="T & U")
    assert "<b>" not in svg and "&lt;b&gt;Mon&lt;/b&gt;" in svg
    assert "pub&lt;lished" in svg and 'aria-label="T &amp; U"' in svg
    bars = horizontal_bars([("<script>x</script>", 2)], title="r")
    assert "<script>" not in bars


def test_dashboard_page(site, other_site, story, moderator, make_comment):
    make_comment(story, status=CommentStatus.PUBLISHED)
    actions.reject_comment(comment=make_comment(story), acting_user=moderator,
                            reason="off_topic")
    client = Client()
    client.force_login(moderator)
    page = client.get("/moderate/dashboard/?days=7")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "50% published" in html
    assert "Rejected by a moderator: off-topic" in html and "off_topic" not in html
    # The window is said, with its dates, and the default is 14 days.
    assert "Every number on this page counts the last 7 days" in html
    assert "Every number on this page counts the last 14 days" in client.get(
        "/moderate/dashboard/").content.decode()
    assert client.get("/moderate/dashboard/?days=0").status_code == 422
    assert client.get("/moderate/dashboard/?site=gazette").status_code == 404
