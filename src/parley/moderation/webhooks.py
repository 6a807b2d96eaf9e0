"""Signed webhooks: comment events POSTed as JSON to the publisher's endpoints.

Each request carries ``X-Parley-Event``, ``X-Parley-Delivery`` (the delivery id, for
de-duplication), ``X-Parley-Timestamp`` and ``X-Parley-Signature: sha256=<hex>``, the HMAC-SHA256
of ``"<timestamp>.<body>"`` under the endpoint's secret. Receivers recompute it (see
``verify_signature``) and reject old timestamps, so a captured request cannot be replayed later.
Payloads carry no e-mail or network address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any

from django.utils import timezone

from parley.comments.models import Comment
from parley.moderation.models import WebhookDelivery, WebhookEndpoint

TIMEOUT_S = 5.0
USER_AGENT = "Parley-Webhooks/1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value for a body sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body,
                      hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str, *,
                     tolerance_s: int = 300, now: float | None = None) -> bool:
    """Return True when the signature matches and the timestamp is recent (for receivers)."""
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature)


def comment_payload(event: str, comment: Comment) -> dict[str, Any]:
    """Return the JSON body of an event about a comment."""
    story = comment.story
    return {
        "event": event,
        "sent_at": timezone.now().isoformat(),
        "site": story.site.slug,
        "comment": {
            "id": comment.pk,
            "story": {"id": story.pk, "url": story.url, "title": story.title},
            "parent_id": comment.parent_id,
            "author_name": comment.author_name,
            "text": comment.text,
            "status": comment.status,
            "language": comment.language,
            "public_reasons": list(comment.public_reasons or []),
            "created_at": comment.created_at.isoformat(),
        },
    }


def active_endpoints(site_id: int) -> list[WebhookEndpoint]:
    """Return the site's active endpoints (each says which events it wants)."""
    return list(WebhookEndpoint.objects.filter(site_id=site_id, is_active=True))


def attempt_delivery(delivery: WebhookDelivery) -> str:
    """POST the (claimed) delivery once and store the response status; return the error, or ""
    when delivered. ``parley.moderation.outbox.finish`` records the outcome."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked by URLField
        endpoint.url, data=body, method="POST",
        headers={
            "Content-Type": "application/json", "User-Agent": USER_AGENT,
            "X-Parley-Event": delivery.event, "X-Parley-Delivery": str(delivery.pk),
            "X-Parley-Timestamp": timestamp,
            "X-Parley-Signature": sign(endpoint.secret, timestamp, body),
        },
    )
    error = ""
    try:
        if not endpoint.url.lower().startswith(("http://", "https://")):
            raise ValueError("only http(s) endpoints are allowed")
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            delivery.response_status = response.status
    except urllib.error.HTTPError as failure:
        delivery.response_status = failure.code
        error = f"HTTP {failure.code}"
    except (OSError, ValueError) as failure:
        error = str(failure)[:500] or type(failure).__name__
    delivery.save(update_fields=["response_status"])
    return error
