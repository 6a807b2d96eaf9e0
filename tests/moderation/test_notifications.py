"""E-mails (reply, rejection, pending alert) and signed webhooks with retries, through Celery
running eagerly as in the demo."""

from __future__ import annotations

import http.server
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from parley import actions
from parley.actions import post_comment
from parley.comments.errors import NotFound
from parley.comments.models import Comment
from parley.moderation.models import WebhookDelivery, WebhookEndpoint
from parley.moderation.notifications import alert_waiting_pending
from parley.moderation.webhooks import sign, verify_signature
from tests.http_server import serving

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("engine_off")]


@pytest.fixture
def engine_off(settings):
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False


def post(story, text, name, email="", parent=None, ip="10.0.0.1"):
    return post_comment(story=story, text=text, author_name=name, author_email=email,
                        parent=parent, client_ip=ip).comment


def test_reply_emails_the_parent_author_once_published(story):
    parent = post(story, "Rates will fall", "Ann", "ann@example.com")
    post(story, "No they won't", "Ben", "ben@example.com", parent=parent)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    assert "Ben replied" in message.subject and "No they won't" in message.body
    post(story, "Adding to my own point", "Ann", "ANN@example.com", parent=parent)
    assert len(mail.outbox) == 1  # no e-mail for replying to yourself


def test_held_reply_emails_only_when_approved(site, story, moderator):
    parent = post(story, "First", "Ann", "ann@example.com")
    site.moderation_settings = {"premoderate_all": True}
    site.save()
    story.refresh_from_db()
    reply = post(story, "Held reply", "Ben", parent=parent)
    assert mail.outbox == []
    actions.approve_comment(comment=reply, acting_user=moderator)
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_rejection_emails_the_reason_but_not_the_note(story, moderator, make_comment):
    comment = make_comment(story, email="cara@example.com", text="Buy my pills")
    actions.reject_comment(comment=comment, acting_user=moderator, reason="spam",
                            note="third time this week")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "A moderator found this comment to be spam." in body
    assert "third time" not in body


def test_nothing_is_sent_when_the_action_rolls_back(story, other_story, moderator, make_comment):
    mine = make_comment(story, email="d@example.com")
    foreign = make_comment(other_story, email="e@example.com")
    with pytest.raises(NotFound):
        actions.bulk_reject(comment_ids=[mine.pk, foreign.pk], acting_user=moderator,
                             reason="spam")
    assert mail.outbox == []


def test_pending_alert_once_per_period(site, story, moderator, make_comment):
    site.moderation_settings = {"pending_alert_minutes": 10}
    site.save()
    fresh = make_comment(story)
    assert alert_waiting_pending() == 0
    Comment.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert alert_waiting_pending() == 1
    assert mail.outbox[0].to == ["mod@example.com"]
    assert "1 comment(s) waiting over 10 minutes" in mail.outbox[0].subject
    assert alert_waiting_pending() == 0  # already alerted in this period


def test_posting_also_checks_for_a_waiting_queue_once_a_minute(site, story, moderator,
                                                             make_comment):
    from django.core.cache import cache

    site.moderation_settings = {"pending_alert_minutes": 5, "premoderate_all": True}
    site.save()
    story.refresh_from_db()
    old = make_comment(story)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    post(story, "A new held comment", "Fay")
    assert [m.to for m in mail.outbox] == [["mod@example.com"]]
    cache.delete(f"parley:pending-alert:{site.pk}")
    post(story, "Another one", "Gus", ip="10.0.0.2")
    assert len(mail.outbox) == 1  # the next scan waits a minute


class Receiver(http.server.BaseHTTPRequestHandler):
    """Records webhook requests; answers with the next queued status (200 when none)."""

    received: list[tuple[dict, bytes]] = []
    statuses: list[int] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received, Receiver.statuses = [], []
    with serving(Receiver) as base:
        yield f"{base}/hook", Receiver


def test_webhooks_are_signed_and_cover_the_events(site, story, moderator, receiver):
    url, log = receiver
    WebhookEndpoint.objects.create(site=site, url=url, secret="s3cret")
    comment = post(story, "Hello", "Ann", "ann@example.com")
    actions.reject_comment(comment=comment, acting_user=moderator, reason="other")
    events = [json.loads(body)["event"] for _, body in log.received]
    assert events == ["comment.created", "comment.published", "comment.rejected"]
    headers, body = log.received[0]
    assert verify_signature("s3cret", headers["x-parley-timestamp"], body,
                            headers["x-parley-signature"])
    assert not verify_signature("wrong", headers["x-parley-timestamp"], body,
                                headers["x-parley-signature"])
    payload = json.loads(body)
    assert payload["comment"]["text"] == "Hello"
    assert "ann@example.com" not in body.decode()  # no e-mail addresses leave Parley
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_webhook_retries_then_delivers_or_gives_up(site, story, receiver):
    url, log = receiver
    endpoint = WebhookEndpoint.objects.create(site=site, url=url, secret="k",
                                              events=["comment.created"])
    log.statuses = [500, 503]
    post(story, "First", "Ann")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)

    log.statuses = [500] * 10
    post(story, "Second", "Ann", ip="10.0.0.2")
    failed = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert failed.status == "failed" and failed.attempts == 6
    assert failed.last_error == "HTTP 500"
    assert endpoint.deliveries.count() == 2


def test_signature_is_over_timestamp_and_body():
    body = b'{"a":1}'
    assert sign("k", "100", body) != sign("k", "101", body)
    assert verify_signature("k", "100", body, sign("k", "100", body), now=150)
    assert not verify_signature("k", "100", body, sign("k", "100", body), now=1000)
    assert not verify_signature("k", "soon", body, sign("k", "100", body), now=150)



def test_webhook_deliveries_are_written_with_the_action_and_sent_after_commit(
        site, story, moderator, monkeypatch):
    """An outbox: the delivery rows commit with the decision (a crash after the commit loses
    none, and a rollback leaves none); only the sending waits for the commit."""
    from django.db import transaction

    from parley.moderation import tasks

    WebhookEndpoint.objects.create(site=site, url="https://hooks.example/x", secret="k",
                                   events=["comment.rejected"])
    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", lambda pk, attempts=0: sent.append(pk))
    comment = Comment.objects.get(pk=post(story, "Hello", "Ann").pk)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        from parley.actions.moderation import _reject

        _reject(comment, acting_user=moderator, reason="spam")
        assert WebhookDelivery.objects.filter(event="comment.rejected").count() == 1
        assert sent == []  # written in the transaction, not yet sent
        raise Boom
    assert not WebhookDelivery.objects.filter(event="comment.rejected").exists()
    assert sent == []
    actions.reject_comment(comment=comment, acting_user=moderator, reason="spam")
    delivery = WebhookDelivery.objects.get(event="comment.rejected")
    assert sent == [delivery.pk]
