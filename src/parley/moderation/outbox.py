"""The outbox: side effects written in the change's transaction, run by Celery after commit.

A webhook delivery (``WebhookDelivery``) or another side effect (``OutboxMessage``: an e-mail,
re-scoring a held comment) is a row written in the same transaction as the change that owes
it, so it commits with the change or not at all. After commit its task is enqueued
(``enqueue``); the task ``claim``\\s the row, runs it once and records the outcome. Nothing is
lost when the enqueue is: ``sweep`` (a beat task, every ``PARLEY_OUTBOX_SWEEP_S`` seconds)
enqueues again every pending row overdue by ``PARLEY_OUTBOX_STUCK_S`` seconds: a crash between
commit and enqueue, a broker that was down, a worker killed mid-task.

Delivery is at least once and never twice at the same time: a task carries the number of
attempts it expects, and claiming is one conditional UPDATE that increments it, so of two
copies of a task (the original and the sweeper's) only one runs. A worker that dies after
sending but before recording may send again after the sweep; webhook receivers de-duplicate
on ``X-Parley-Delivery``.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone

from parley.moderation.models import (
    OutboxKind,
    OutboxMessage,
    OutboxRow,
    OutboxStatus,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500
# After a failed enqueue (the broker unreachable), skip enqueueing for this long.
BROKER_PAUSE_S = 5.0
_broker_failed_at: float | None = None
OUTBOX_MODELS: tuple[type[OutboxRow], ...] = (WebhookDelivery, OutboxMessage)


def claim(model: type[OutboxRow], pk: int, *, attempts: int) -> OutboxRow | None:
    """Take the pending row ``pk`` if it still has ``attempts`` attempts; return it, or None
    when another copy of the task took it first or it is done."""
    now = timezone.now()
    taken = model.objects.filter(pk=pk, status=OutboxStatus.PENDING, attempts=attempts).update(
        attempts=F("attempts") + 1, due_at=now + timedelta(seconds=lease_s()))
    if not taken:
        return None
    return model.objects.get(pk=pk)


def finish(row: OutboxRow, *, error: str = "", give_up: bool = False,
           retry_in_s: float = 0.0) -> None:
    """Record an attempt's outcome: delivered, failed for good, or due again in ``retry_in_s``."""
    row.last_error = error[:500]
    if not error:
        row.status = OutboxStatus.DELIVERED
        row.delivered_at = timezone.now()
    elif give_up:
        row.status = OutboxStatus.FAILED
    else:
        row.due_at = timezone.now() + timedelta(seconds=retry_in_s)
    row.save(update_fields=["status", "delivered_at", "last_error", "due_at"])


def enqueue(model: type[OutboxRow], pk: int, *, attempts: int = 0) -> bool:
    """Send the row's task to the broker (run it at once when Celery is eager); return whether
    it was sent.

    A failure to enqueue is logged, never raised: the row is committed and the sweeper will
    enqueue it again. After a failure this process does not try again for
    ``BROKER_PAUSE_S`` (each try waits for the broker's timeouts, in a web request).
    """
    global _broker_failed_at
    from parley.moderation import tasks

    failed_at = _broker_failed_at
    if failed_at is not None and time.monotonic() - failed_at < BROKER_PAUSE_S:
        return False
    task = tasks.deliver_webhook if model is WebhookDelivery else tasks.run_outbox_message
    try:
        task.delay(pk, attempts)
    except Exception as error:
        _broker_failed_at = time.monotonic()
        logger.warning("could not enqueue %s %s (%r); the outbox sweeper will retry it",
                       model.__name__, pk, error)
        return False
    _broker_failed_at = None
    return True


def stuck_s() -> int:
    return int(settings.PARLEY_OUTBOX_STUCK_S)


def lease_s() -> int:
    """How long a claimed row may run before the sweeper may think its worker died."""
    return int(settings.PARLEY_OUTBOX_LEASE_S)


def sweep(now=None) -> int:
    """Enqueue again each pending row overdue by ``PARLEY_OUTBOX_STUCK_S``; return how many
    were sent.

    Moves each row's ``due_at`` to now first, so the next sweep leaves it alone for another
    ``PARLEY_OUTBOX_STUCK_S`` (a busy queue is not flooded with copies).
    """
    now = now or timezone.now()
    swept = 0
    for model in OUTBOX_MODELS:
        overdue = list(
            model.objects.filter(status=OutboxStatus.PENDING,
                                 due_at__lte=now - timedelta(seconds=stuck_s()))
            .order_by("due_at").values_list("pk", "attempts")[:SWEEP_BATCH]
        )
        for pk, attempts in overdue:
            if model.objects.filter(pk=pk, attempts=attempts,
                                    status=OutboxStatus.PENDING).update(due_at=now):
                swept += enqueue(model, pk, attempts=attempts)
    if swept:
        logger.warning("outbox sweep: enqueued %d overdue row(s) again", swept)
    # Finished messages carry e-mail addresses and bodies: keep them only for a while. (Webhook
    # deliveries stay: they are the publisher's record of what was sent.)
    OutboxMessage.objects.filter(
        status__in=[OutboxStatus.DELIVERED, OutboxStatus.FAILED],
        created_at__lt=now - timedelta(days=settings.PARLEY_OUTBOX_KEEP_DAYS)).delete()
    return swept


def backlog() -> dict[str, int]:
    """Return the number of pending rows of each kind (webhook, email, rescore): a metric."""
    counts = {"webhook": WebhookDelivery.objects.filter(status=OutboxStatus.PENDING).count()}
    counts.update(dict.fromkeys(OutboxKind.values, 0))
    pending = (OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by()
               .values_list("kind").annotate(count=Count("pk")))
    counts.update(dict(pending))
    return counts
