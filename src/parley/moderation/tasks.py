"""Celery tasks: just other callers of the moderation code (outbox rows, alerts, the sweeper).

Each outbox task takes the row's id and the attempts it expects (``outbox.claim``), so a copy
enqueued again by the sweeper never runs a row twice at once.
"""

from __future__ import annotations

import time

from celery import shared_task

from parley.moderation import notifications, outbox, webhooks
from parley.moderation.models import OutboxKind, OutboxMessage, WebhookDelivery

MAX_WEBHOOK_RETRIES = 5
MAX_MESSAGE_RETRIES = 5


def backoff_s(retries: int) -> int:
    """Seconds before the next try: 30 s, doubling, at most an hour."""
    return min(30 * 2 ** retries, 3600)


@shared_task(bind=True, max_retries=MAX_WEBHOOK_RETRIES, ignore_result=True, acks_late=True)
def deliver_webhook(self, delivery_id: int, attempts: int = 0) -> str:
    """Deliver one webhook, retrying with exponential back-off; give up after the last retry."""
    delivery = outbox.claim(WebhookDelivery, delivery_id, attempts=attempts)
    if delivery is None:
        return "skipped"
    started = time.perf_counter()
    error = webhooks.attempt_delivery(delivery)
    _observe("webhook", error, started)
    give_up = bool(error) and self.request.retries >= self.max_retries
    outbox.finish(delivery, error=error, give_up=give_up,
                  retry_in_s=backoff_s(self.request.retries))
    if not error:
        return "delivered"
    if give_up:
        return "failed"
    raise self.retry(args=(delivery_id, delivery.attempts),
                     countdown=backoff_s(self.request.retries), exc=None)


@shared_task(bind=True, max_retries=MAX_MESSAGE_RETRIES, ignore_result=True, acks_late=True)
def run_outbox_message(self, message_id: int, attempts: int = 0) -> str:
    """Send one outbox e-mail, or re-score one held comment, retrying like webhooks."""
    message = outbox.claim(OutboxMessage, message_id, attempts=attempts)
    if message is None:
        return "skipped"
    started = time.perf_counter()
    error = ""
    try:
        if message.kind == OutboxKind.EMAIL:
            payload = message.payload
            notifications.send(payload["subject"], payload["body"], payload["recipients"])
        elif message.kind == OutboxKind.RESCORE:
            from parley.actions.moderation import rescore_held_comment

            if rescore_held_comment(comment_id=message.payload["comment_id"]) == "unavailable":
                error = "the engine is still unavailable"
        else:
            error = f"unknown outbox kind {message.kind!r}"
    except Exception as failure:  # recorded on the row, retried, then failed
        error = f"{type(failure).__name__}: {failure}"
    _observe(message.kind, error, started)
    give_up = bool(error) and self.request.retries >= self.max_retries
    outbox.finish(message, error=error, give_up=give_up,
                  retry_in_s=backoff_s(self.request.retries))
    if not error:
        return "delivered"
    if give_up:
        return "failed"
    raise self.retry(args=(message_id, message.attempts),
                     countdown=backoff_s(self.request.retries), exc=None)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Enqueue again the outbox rows whose task was lost (run by beat)."""
    return outbox.sweep()


@shared_task(ignore_result=True)
def alert_waiting_pending() -> int:
    return notifications.alert_waiting_pending()


def _observe(kind: str, error: str, started: float) -> None:
    from parley import metrics

    metrics.OUTBOX_RUNS.labels(kind=kind, outcome="error" if error else "ok").inc()
    metrics.OUTBOX_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)
