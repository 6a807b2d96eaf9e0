"""What happens after a comment is created, published or rejected: webhooks and e-mails.

Posting sends ``comment_posted`` after its commit; moderation actions call ``comment_decided``
inside their transaction, which defers the work to ``on_commit``. Either way the slow parts go to
Celery (eager in the demo), and nothing is sent for a change that was rolled back.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from parley.comments.models import Comment, CommentStatus
from parley.moderation import notifications, site_config, webhooks
from parley.moderation.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def connect_signals() -> None:
    from parley.comments.services import comment_posted

    comment_posted.connect(on_comment_posted, sender=Comment,
                           dispatch_uid="parley.moderation.events.on_comment_posted")


ALERT_SCAN_EVERY_S = 60


def on_comment_posted(sender: type, comment: Comment, status: str, **kwargs: object) -> None:
    """A new comment was written (and committed)."""
    from parley.moderation import tasks

    # One query for both events, and none when the site has no active endpoint (cached).
    site = comment.story.site
    endpoints = webhooks.active_endpoints(site.pk) if site_config.may_have_webhooks(site) else []
    emit(comment, WebhookEvent.CREATED, endpoints=endpoints)
    _after_status(comment, endpoints=endpoints)
    # Without a beat scheduler (the eager demo), new posts also look for a Pending queue that
    # waits too long: at most once a minute (the cache key is shared when Redis is used).
    if cache.add("parley:pending-alert-scan", 1, ALERT_SCAN_EVERY_S):
        tasks.alert_waiting_pending.delay()


def comment_decided(comment: Comment) -> None:
    """A moderator published or rejected the comment: act once the transaction commits."""
    comment_id = comment.pk
    transaction.on_commit(lambda: _after_decision(comment_id))


def _after_decision(comment_id: int) -> None:
    comment = Comment.objects.select_related("story__site", "parent").filter(pk=comment_id).first()
    if comment is not None:
        _after_status(comment)


def _after_status(comment: Comment, endpoints: list[WebhookEndpoint] | None = None) -> None:
    from parley.moderation import tasks

    if comment.status == CommentStatus.PUBLISHED:
        emit(comment, WebhookEvent.PUBLISHED, endpoints=endpoints)
        email = notifications.reply_email(comment)
    elif comment.status == CommentStatus.REJECTED:
        emit(comment, WebhookEvent.REJECTED, endpoints=endpoints)
        email = notifications.rejection_email(comment)
    else:
        email = None
    if email is not None:
        subject, body, recipient = email
        tasks.send_email.delay(subject, body, [recipient])


def emit(comment: Comment, event: str,
         endpoints: list[WebhookEndpoint] | None = None) -> list[int]:
    """Queue the event for every endpoint of the comment's site that subscribed to it."""
    from parley.moderation import tasks

    if endpoints is None:
        endpoints = webhooks.active_endpoints(comment.story.site_id)
    endpoints = [e for e in endpoints if event in (e.events or [])]
    if not endpoints:
        return []
    payload = webhooks.comment_payload(event, comment)
    ids = []
    for endpoint in endpoints:
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload)
        ids.append(delivery.pk)
        tasks.deliver_webhook.delay(delivery.pk)
    return ids
