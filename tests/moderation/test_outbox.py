"""The outbox: webhook deliveries, e-mails and re-scoring are rows written with the change, run
by Celery after commit, swept up again when their task was lost, never run twice at once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from parley import actions
from parley.actions import post_comment
from parley.comments.models import Comment, CommentStatus
from parley.moderation import outbox, pipeline, tasks
from parley.moderation.models import (
    AuditEntry,
    ModerationRecord,
    OutboxKind,
    OutboxMessage,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.comments.test_pipeline import FakeEngine, FakePolicy, fake_decide
from tests.moderation.test_notifications import Receiver

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def rules_only(settings, monkeypatch):
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False
    settings.PARLEY_OUTBOX_STUCK_S = 60
    monkeypatch.setattr(outbox, "BROKER_PAUSE_S", 0.0)
    monkeypatch.setattr(outbox, "_broker_failed_at", None)


@pytest.fixture
def receiver():
    from tests.http_server import serving

    Receiver.received, Receiver.statuses = [], []
    with serving(Receiver) as base:
        yield f"{base}/hook", Receiver


@pytest.fixture
def broker_down():
    """Every enqueue fails as it does when Redis is unreachable; ``.up()`` restores it."""
    patch = pytest.MonkeyPatch()

    class Broker:
        refused = 0

        def up(self):
            patch.undo()

    broker = Broker()

    def refuse(*args, **kwargs):
        broker.refused += 1
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (tasks.deliver_webhook, tasks.run_outbox_message):
        patch.setattr(task, "delay", refuse)
    yield broker
    patch.undo()


def later(seconds=61):
    return timezone.now() + timedelta(seconds=seconds)


def post(story, text, name="Ann", email="", parent=None):
    return post_comment(story=story, text=text, author_name=name, author_email=email,
                        parent=parent, client_ip="10.0.0.1").comment


def test_a_delivery_survives_a_failed_enqueue_and_the_sweeper_sends_it(site, story, receiver,
                                                                      broker_down):
    url, log = receiver
    WebhookEndpoint.objects.create(site=site, url=url, secret="k", events=["comment.created"])
    comment = post(story, "Posted while the broker is down")
    assert Comment.objects.filter(pk=comment.pk).exists()  # the post itself succeeded
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, broker_down.refused) == ("pending", 0, 1)
    assert outbox.sweep() == 0  # not overdue yet: its task may still be on its way
    assert outbox.sweep(now=later()) == 0  # overdue: enqueued again, but the broker is down
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, broker_down.refused) == ("pending", 0, 2)
    broker_down.up()
    assert outbox.sweep(now=later(200)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert [json.loads(body)["comment"]["id"] for _, body in log.received] == [comment.pk]
    assert outbox.sweep(now=later(400)) == 0  # delivered rows are left alone


def test_after_a_failed_enqueue_the_process_pauses_before_trying_again(story, site,
                                                                       broker_down,
                                                                       monkeypatch):
    """With the broker down, each enqueue waits for its timeouts inside a web request: after
    one failure, the next ones are skipped for a while (their rows wait for the sweeper)."""
    monkeypatch.setattr(outbox, "BROKER_PAUSE_S", 60.0)
    WebhookEndpoint.objects.create(site=site, url="http://127.0.0.1:9/", secret="k")
    post(story, "One")  # owes comment.created and comment.published
    post(story, "Two")
    assert WebhookDelivery.objects.count() == 4
    assert broker_down.refused == 1
    broker_down.up()
    monkeypatch.setattr(outbox, "_broker_failed_at", None)
    assert outbox.enqueue(WebhookDelivery, 10**9) is True  # sent (the task finds no row)


def test_an_email_is_an_outbox_row_too(story, broker_down):
    parent = post(story, "Rates will fall", email="ann@example.com")
    post(story, "No they won't", name="Ben", parent=parent)
    message = OutboxMessage.objects.get()
    assert message.kind == OutboxKind.EMAIL and message.payload["recipients"] == [
        "ann@example.com"]
    assert mail.outbox == []
    broker_down.up()
    assert outbox.sweep(now=later()) == 1
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None
    outbox.sweep(now=later(6 * 86400))
    assert OutboxMessage.objects.filter(pk=message.pk).exists()
    outbox.sweep(now=later(8 * 86400))  # finished and older than PARLEY_OUTBOX_KEEP_DAYS
    assert not OutboxMessage.objects.exists()


def test_nothing_is_owed_when_the_transaction_rolls_back(story, moderator, make_comment):
    comment = make_comment(story, email="cara@example.com")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        from parley.actions.moderation import _reject

        _reject(comment, acting_user=moderator, reason="spam")
        assert OutboxMessage.objects.filter(kind=OutboxKind.EMAIL).count() == 1
        raise Boom
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_two_copies_of_a_task_run_a_row_once(site, story, receiver, broker_down):
    url, log = receiver
    WebhookEndpoint.objects.create(site=site, url=url, secret="k", events=["comment.created"])
    post(story, "Hello")
    delivery = WebhookDelivery.objects.get()
    # The original task and the sweeper's copy both arrive, expecting 0 attempts.
    assert tasks.deliver_webhook.apply(args=(delivery.pk, 0)).get() == "delivered"
    assert tasks.deliver_webhook.apply(args=(delivery.pk, 0)).get() == "skipped"
    assert len(log.received) == 1


def test_a_worker_killed_mid_task_is_swept_after_its_lease(site, story, receiver, broker_down):
    url, log = receiver
    WebhookEndpoint.objects.create(site=site, url=url, secret="k", events=["comment.created"])
    post(story, "Hello")
    delivery = WebhookDelivery.objects.get()
    assert outbox.claim(WebhookDelivery, delivery.pk, attempts=0) is not None  # then it dies
    broker_down.up()
    assert outbox.sweep(now=later(61)) == 0  # still within its lease
    assert outbox.sweep(now=later(outbox.lease_s() + 61)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(log.received) == 1


@pytest.fixture
def flaky_engine(monkeypatch, settings):
    """PARLEY_ENGINE on, a fake engine behind the real gateway, failing until told not to."""
    from parley import engine_gateway

    settings.PARLEY_ENGINE = True
    settings.PARLEY_RESCORE_HELD = True
    fake = FakeEngine(fail=True)
    api = pipeline.EngineApi(get_engine=lambda: fake, context=lambda **kw: kw,
                             policy_from_dict=lambda d: FakePolicy(settings=d),
                             decide=fake_decide)
    monkeypatch.setattr(pipeline, "load_engine_api", lambda: api)
    monkeypatch.setattr(engine_gateway, "_engine_loaded", True)
    return fake


def test_a_comment_held_by_a_failing_engine_is_rescored_later(site, story, flaky_engine,
                                                              receiver, broker_down):
    from parley.actions.moderation import rescore_held_comment

    url, log = receiver
    WebhookEndpoint.objects.create(site=site, url=url, secret="k", events=["comment.rejected"])
    held = post(story, "You idiot")
    assert held.status == CommentStatus.PENDING
    message = OutboxMessage.objects.get(kind=OutboxKind.RESCORE)
    assert message.payload == {"comment_id": held.pk}
    broker_down.up()
    # The engine still fails: the comment stays held (the task retries later).
    assert rescore_held_comment(comment_id=held.pk) == "unavailable"
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.PENDING

    flaky_engine.fail = False
    assert outbox.sweep(now=later()) == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    held.refresh_from_db()
    record = ModerationRecord.objects.get(comment=held)
    assert held.status == CommentStatus.REJECTED
    assert record.engine_version == "fake-1" and record.scores["TOXICITY"] == 0.95
    audit = AuditEntry.objects.get(comment=held)
    assert audit.actor is None and "re-scored" in audit.note
    assert [json.loads(body)["event"] for _, body in log.received] == ["comment.rejected"]


def test_rescoring_leaves_a_comment_a_moderator_decided(story, moderator, flaky_engine,
                                                        broker_down):
    held = post(story, "Held while the engine is down")
    actions.approve_comment(comment=held, acting_user=moderator)
    flaky_engine.fail = False
    broker_down.up()
    from parley.actions.moderation import rescore_held_comment

    assert rescore_held_comment(comment_id=held.pk) == "skipped"
    assert Comment.objects.get(pk=held.pk).status == CommentStatus.PUBLISHED


def test_no_rescoring_is_owed_in_the_eager_demo(story, flaky_engine, settings):
    settings.PARLEY_RESCORE_HELD = False
    assert post(story, "Held").status == CommentStatus.PENDING
    assert not OutboxMessage.objects.exists()


def test_backlog_counts_pending_rows_by_kind(site, story, broker_down):
    WebhookEndpoint.objects.create(site=site, url="http://127.0.0.1:9/x", secret="k",
                                   events=["comment.created"])
    parent = post(story, "First", email="ann@example.com")
    post(story, "Reply", name="Ben", parent=parent)
    assert outbox.backlog() == {"webhook": 2, "email": 1, "rescore": 0}
