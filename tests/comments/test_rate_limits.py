"""Rate limits one client cannot turn against others (issue 10), and limits on reports."""

from __future__ import annotations

import pytest
from django.test import override_settings

from parley import actions
from parley.comments.errors import RateLimited
from parley.comments.models import Comment, Report
from tests.comments.core_fixtures import post

pytestmark = pytest.mark.usefixtures("rules_only")


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_IP="3/m",
                   PARLEY_RATE_PER_STORY="10/m", PARLEY_RATE_PER_AUTHOR="100/m")
def test_one_address_flooding_a_story_does_not_lock_out_other_readers(story):
    refused = 0
    for n in range(50):  # one address, fifty posts
        try:
            post(story, name=f"Flood {n}", client_ip="203.0.113.9")
        except RateLimited:
            refused += 1
    assert refused == 47
    for n in range(5):  # other readers, each from their own address, still get through
        post(story, name=f"Reader {n}", client_ip=f"198.51.100.{n + 1}")
    assert Comment.objects.count() == 3 + 5


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_PER_IP="100/m",
                   PARLEY_RATE_PER_STORY="100/m", PARLEY_RATE_PER_AUTHOR="2/m")
def test_posts_refused_for_their_author_do_not_fill_the_story_counter(story):
    with override_settings(PARLEY_RATE_PER_STORY="4/m"):
        for _ in range(2):
            post(story, name="Ann", client_ip="192.0.2.1")
        for _ in range(10):
            with pytest.raises(RateLimited):
                post(story, name="Ann", client_ip="192.0.2.1")
        post(story, name="Bob", client_ip="192.0.2.2")
        post(story, name="Cem", client_ip="192.0.2.3")
        with pytest.raises(RateLimited):  # the story's own limit still holds: 4 accepted
            post(story, name="Dee", client_ip="192.0.2.4")


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_REPORTS_PER_IP="3/m",
                   PARLEY_RATE_REPORTS_PER_COMMENT="100/h")
def test_reports_are_limited_per_address(story):
    comments = [post(story, name=f"Writer {n}", client_ip=f"10.0.0.{n}") for n in range(5)]
    for comment in comments[:3]:
        actions.report_comment(comment=comment, reason="spam", client_ip="192.0.2.7")
    with pytest.raises(RateLimited) as err:
        actions.report_comment(comment=comments[3], reason="spam", client_ip="192.0.2.7")
    assert "reporting too quickly" in err.value.message
    actions.report_comment(comment=comments[3], reason="spam", client_ip="192.0.2.8")
    assert Report.objects.count() == 4


@override_settings(RATELIMIT_ENABLE=True, PARLEY_RATE_REPORTS_PER_IP="100/m",
                   PARLEY_RATE_REPORTS_PER_COMMENT="2/h")
def test_reports_are_limited_per_comment_and_address(client, story):
    comment = post(story)
    url = f"/api/v1/comments/{comment.pk}/reports"
    for _ in range(2):
        ok = client.post(url, '{"reason": "spam"}', content_type="application/json")
        assert ok.status_code == 201
    limited = client.post(url, '{"reason": "spam"}', content_type="application/json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert "reporting too quickly" in limited.json()["detail"]
