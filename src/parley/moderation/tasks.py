"""Celery tasks: just other callers of the moderation code (e-mail, webhooks, alerts)."""

from __future__ import annotations

from celery import shared_task

from parley.moderation import notifications, webhooks
from parley.moderation.models import WebhookDelivery

MAX_WEBHOOK_RETRIES = 5


@shared_task(ignore_result=True)
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    return notifications.send(subject, body, recipients)


@shared_task(bind=True, max_retries=MAX_WEBHOOK_RETRIES, ignore_result=True, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> str:
    """Deliver one webhook, retrying with exponential back-off; give up after the last retry."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    )
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "skipped"
    delivered, error = webhooks.attempt_delivery(delivery)
    if delivered:
        return "delivered"
    if self.request.retries >= self.max_retries:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.save(update_fields=["status"])
        return "failed"
    raise self.retry(countdown=min(30 * 2 ** self.request.retries, 3600), exc=None)


@shared_task(ignore_result=True)
def alert_waiting_pending() -> int:
    return notifications.alert_waiting_pending()
