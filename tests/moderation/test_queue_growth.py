"""Moderator reads that must not grow with the site: the poll answers 204 while nothing
changed, queue counts stop at a cap, the dashboard is counted once a period."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from parley import actions
from parley.comments.models import CommentStatus, Report
from parley.moderation import selectors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_resync(settings):
    """No periodic resync, so no test depends on a minute boundary (one test sets it)."""
    settings.PARLEY_QUEUE_RESYNC_SECONDS = 0

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def version_of(html: str) -> str:
    """The token the tabs carry (the page's, or the one a poll swaps in)."""
    return re.search(r'data-version="([^"]+)"', html).group(1)


def page_state(html: str) -> tuple[str, str]:
    """The poll's ``after`` and ``version`` as the queue page gives them to its poller."""
    return re.search(r'data-after="(\d+)"', html).group(1), version_of(html)


def poll(client, after: str, version: str):
    return client.get("/moderate/poll/", {"after": after, "version": version,
                                          "queue_query": "queue=pending"}, **HX)


def test_poll_is_empty_204_until_something_changes(mod_client, moderator, story, make_comment,
                                                   django_assert_max_num_queries):
    first = make_comment(story)
    after, version = page_state(mod_client.get("/moderate/").content.decode())
    with django_assert_max_num_queries(8):
        unchanged = poll(mod_client, after, version)
    assert unchanged.status_code == 204 and unchanged.content == b""

    new = make_comment(story, text="Fresh arrival")
    changed = poll(mod_client, after, version)
    html = changed.content.decode()
    assert changed.status_code == 200
    assert f'id="item-{new.pk}"' in html and f'id="item-{first.pk}"' not in html
    assert 'data-count="pending">2<' in html
    version = version_of(html)
    assert poll(mod_client, str(new.pk), version).status_code == 204

    # A decision (here another moderator's, not through this page) is a change too.
    actions.approve_comment(comment=first, acting_user=moderator)
    decided = poll(mod_client, str(new.pk), version)
    assert decided.status_code == 200 and 'data-count="pending">1<' in decided.content.decode()
    version = version_of(decided.content.decode())
    # So is a reader's report.
    published = make_comment(story, status=CommentStatus.PUBLISHED)
    version = version_of(poll(mod_client, str(published.pk), version).content.decode())
    Report.objects.create(comment=published, reason="spam")
    assert poll(mod_client, str(published.pk), version).status_code == 200


def test_poll_without_version_answers_in_full(mod_client, story, make_comment):
    make_comment(story)
    response = mod_client.get("/moderate/poll/", {"after": "0"}, **HX)
    assert response.status_code == 200 and 'data-count="pending">1<' in response.content.decode()


def test_moderator_pages_are_never_shared(mod_client, story, make_comment):
    make_comment(story)
    for url in ("/moderate/", "/moderate/dashboard/", "/moderate/poll/?after=0"):
        response = mod_client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


def test_queue_counts_stop_at_the_cap(monkeypatch, mod_client, site, story, make_comment):
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 2)
    for _ in range(2):
        make_comment(story)
    assert selectors.queue_counts(sites=[site])["pending"] == 2
    assert 'data-count="pending">2<' in mod_client.get("/moderate/").content.decode()
    make_comment(story)
    assert selectors.queue_counts(sites=[site])["pending"] == 3  # cap + 1: "more than 2"
    assert 'data-count="pending">2+<' in mod_client.get("/moderate/").content.decode()


def test_reported_queue_counts_open_reports_per_site_threshold(site, story, make_comment):
    once = make_comment(story, status=CommentStatus.PUBLISHED)
    twice = make_comment(story, status=CommentStatus.PUBLISHED)
    Report.objects.create(comment=once, reason="spam")
    for _ in range(2):
        Report.objects.create(comment=twice, reason="abusive")
    Report.objects.create(comment=once, reason="spam", resolved=True)
    threshold = selectors.site_settings(site).report_threshold_review
    expected = {c.pk for c, n in ((once, 1), (twice, 2)) if n >= threshold}
    reported = set(selectors.queue_queryset("reported", sites=[site]).values_list("pk", flat=True))
    assert reported == expected
    assert selectors.queue_counts(sites=[site])["reported"] == len(expected)


def test_dashboard_is_counted_once_a_period_and_says_when(mod_client, story, make_comment):
    make_comment(story, status=CommentStatus.PUBLISHED)
    first = mod_client.get("/moderate/dashboard/").content.decode()
    assert re.search(r"data-total>1<", first) and "Counted at" in first
    make_comment(story, status=CommentStatus.PUBLISHED)
    assert re.search(r"data-total>1<", mod_client.get("/moderate/dashboard/").content.decode())
    with override_settings(PARLEY_DASHBOARD_CACHE_SECONDS=0):
        fresh = mod_client.get("/moderate/dashboard/").content.decode()
    assert re.search(r"data-total>2<", fresh) and "Counted at" not in fresh


def test_version_moves_once_a_resync_period_passes(monkeypatch, settings, story, make_comment):
    import time

    make_comment(story)
    settings.PARLEY_QUEUE_RESYNC_SECONDS = 60
    monkeypatch.setattr(time, "time", lambda: 6000.0)
    first = selectors.queue_version()
    monkeypatch.setattr(time, "time", lambda: 6059.0)
    assert selectors.queue_version() == first
    monkeypatch.setattr(time, "time", lambda: 6060.0)
    assert selectors.queue_version() != first
