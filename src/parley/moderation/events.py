"""What a new or decided comment sets off: webhook deliveries, e-mails, the Pending alert.

``record_comment_events`` runs inside the action's transaction: it writes the webhook delivery
and e-mail rows there (``parley.moderation.outbox``: they commit with the comment, or not at
all, so a crash after the commit loses none) and returns what enqueues them once the
transaction has committed (Celery tasks, eager in the demo). The actions in ``parley.actions``
call it explicitly and hand the result to ``parley.actions.effects.after_commit``; nothing here
listens to signals.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from parley.comments.models import Comment, CommentStatus
from parley.moderation import notifications, outbox, site_config, webhooks
from parley.moderation.models import (
    OutboxKind,
    OutboxMessage,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

ALERT_SCAN_EVERY_S = 60
STATUS_EVENTS = {CommentStatus.PUBLISHED: WebhookEvent.PUBLISHED,
                 CommentStatus.REJECTED: WebhookEvent.REJECTED}


def record_comment_events(comment: Comment, *, created: bool) -> Callable[[], None]:
    """Write the deliveries a new (``created``) or newly published/rejected comment owes its
    site's webhooks, and return the function that sends them, and any e-mail, after commit."""
    site = comment.story.site
    # No query at all when the site has no active endpoint (cached per site version).
    endpoints = webhooks.active_endpoints(site.pk) if site_config.may_have_webhooks(site) else []
    kinds = [WebhookEvent.CREATED] if created else []
    if comment.status in STATUS_EVENTS:
        kinds.append(STATUS_EVENTS[comment.status])
    delivery_ids = [delivery_id for kind in kinds
                    for delivery_id in record_deliveries(comment, kind, endpoints=endpoints)]
    if comment.status == CommentStatus.PUBLISHED:
        email = notifications.reply_email(comment)
    elif comment.status == CommentStatus.REJECTED:
        email = notifications.rejection_email(comment)
    else:
        email = None
    message_ids = []
    if email is not None:
        subject, body, recipient = email
        message_ids.append(OutboxMessage.objects.create(
            kind=OutboxKind.EMAIL,
            payload={"subject": subject, "body": body, "recipients": [recipient]}).pk)

    def send() -> None:
        from parley.moderation import tasks

        for delivery_id in delivery_ids:
            outbox.enqueue(WebhookDelivery, delivery_id)
        for message_id in message_ids:
            outbox.enqueue(OutboxMessage, message_id)
        # Without a beat scheduler (the eager demo), new posts also look for a Pending queue
        # that waits too long, and for outbox rows left behind: at most once a minute (the
        # key is shared when Redis is used).
        if created and cache.add("parley:pending-alert-scan", 1, ALERT_SCAN_EVERY_S):
            tasks.alert_waiting_pending.delay()
            if settings.CELERY_TASK_ALWAYS_EAGER:
                tasks.sweep_outbox.delay()

    return send


def record_rescore(comment: Comment) -> Callable[[], None]:
    """Owe a comment held because the engine failed a re-scoring (in the caller's
    transaction); return what enqueues it after commit. Only where a worker runs it
    (``PARLEY_RESCORE_HELD``): in the eager demo it would make the poster wait again."""
    message_id = OutboxMessage.objects.create(
        kind=OutboxKind.RESCORE, payload={"comment_id": comment.pk}).pk
    return lambda: outbox.enqueue(OutboxMessage, message_id)


def record_deliveries(comment: Comment, event: str,
                      endpoints: list[WebhookEndpoint] | None = None) -> list[int]:
    """Write one pending delivery of the event for each subscribed endpoint; return their ids.

    Runs in the caller's transaction; ``tasks.deliver_webhook`` sends each one after commit.
    """
    if endpoints is None:
        endpoints = webhooks.active_endpoints(comment.story.site_id)
    endpoints = [e for e in endpoints if event in (e.events or [])]
    if not endpoints:
        return []
    payload = webhooks.comment_payload(event, comment)
    return [WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload).pk
            for endpoint in endpoints]
