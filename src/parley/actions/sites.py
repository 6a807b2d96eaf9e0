"""A site's own settings as moderators and admins change them: rules, engine thresholds,
webhook endpoints and Coral's moderation phase, each with its audit entry."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from parley.comments.errors import InvalidInput
from parley.comments.models import Site
from parley.moderation.models import AuditAction, CoralPhase, WebhookEndpoint, WebhookEvent
from parley.moderation.permissions import check_can_administer
from parley.moderation.policy_preview import parse_policy
from parley.moderation.records import write_audit
from parley.moderation.site_settings import parse_settings

RULE_KEYS = (
    "banned_words", "suspect_words", "hold_links", "premoderate_all", "close_after_days",
    "report_threshold_review", "report_threshold_hide", "pending_alert_minutes",
    "edit_window_minutes",
)


@transaction.atomic(durable=True)
def update_site_rules(*, site: Site, acting_user: Any, changes: dict[str, Any]) -> Site:
    """Change the site's moderation rules (validated), keeping keys it does not know (policy)."""
    check_can_administer(acting_user, site)
    unknown = set(changes) - set(RULE_KEYS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "is not a site rule.")
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = {k: site.moderation_settings.get(k) for k in RULE_KEYS
              if k in (site.moderation_settings or {})}
    merged = {**(site.moderation_settings or {}), **changes}
    parse_settings(merged)  # raises InvalidInput naming the bad key
    site.moderation_settings = merged
    site.save(update_fields=["moderation_settings"])
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before=before, after={k: merged.get(k) for k in changes})
    return site


@transaction.atomic(durable=True)
def update_site_policy(*, site: Site, acting_user: Any, policy_data: dict[str, Any]) -> Site:
    """Set the engine's thresholds for the site (validated by the engine's Policy)."""
    check_can_administer(acting_user, site)
    parse_policy(policy_data)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = (site.moderation_settings or {}).get("policy", {})
    site.moderation_settings = {**(site.moderation_settings or {}), "policy": policy_data}
    site.save(update_fields=["moderation_settings"])
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before={"policy": before}, after={"policy": policy_data},
                reason="policy")
    return site


@transaction.atomic(durable=True)
def add_webhook_endpoint(*, site: Site, acting_user: Any, url: str,
                         events: list[str]) -> WebhookEndpoint:
    """Register a publisher URL for signed comment events, with a new random secret."""
    check_can_administer(acting_user, site)
    if not url.lower().startswith(("https://", "http://")):
        raise InvalidInput("url", "must be an http(s) address.")
    unknown = set(events) - set(WebhookEvent.values)
    if not events or unknown:
        raise InvalidInput("events", "choose one or more of: " + ", ".join(WebhookEvent.values))
    endpoint = WebhookEndpoint.objects.create(site=site, url=url, events=sorted(set(events)),
                                              secret=secrets.token_urlsafe(32))
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before={},
                after={"webhook": endpoint.pk, "url": url, "events": endpoint.events},
                reason="webhook")
    return endpoint


@transaction.atomic(durable=True)
def set_webhook_active(*, endpoint: WebhookEndpoint, acting_user: Any,
                       active: bool) -> WebhookEndpoint:
    """Pause or resume an endpoint (kept, with its deliveries, rather than deleted)."""
    check_can_administer(acting_user, endpoint.site)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = endpoint.is_active
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=endpoint.site, before={"webhook": endpoint.pk, "active": before},
                after={"webhook": endpoint.pk, "active": active}, reason="webhook")
    return endpoint


# Coral accepts phase timeouts of 100 to 10,000 ms (coral-server's
# validateExternalModerationPhaseInput); Parley's copy of it must be in the same range.
CORAL_TIMEOUT_RANGE_MS = (100, 10_000)
CORAL_SECRET_MIN_LENGTH = 16


@transaction.atomic(durable=True)
def set_coral_phase(*, site: Site, acting_user: Any, secret: str | None = None,
                    timeout_ms: int | None = None,
                    keep_previous_for: timedelta = timedelta(hours=24)) -> CoralPhase:
    """Set the site's Coral phase signing secret (the previous one keeps working for
    ``keep_previous_for``, as Coral keeps it while a secret rotates) and/or its timeout.

    ``acting_user`` None means the server's operator at the command line (``parley
    coral-phase``, ``seed_demo``); a person acting through the web must administer the site.
    The audit entry never contains the secret.
    """
    if acting_user is not None:
        check_can_administer(acting_user, site)
    phase = CoralPhase.objects.select_for_update().filter(site=site).first()
    if secret is not None:
        secret = secret.strip()
        if len(secret) < CORAL_SECRET_MIN_LENGTH or any(ch.isspace() for ch in secret):
            raise InvalidInput("secret", f"must be at least {CORAL_SECRET_MIN_LENGTH} characters "
                                         "without spaces: paste the signing secret Coral shows.")
    elif phase is None:
        raise InvalidInput("secret", "is required to set up the Coral phase.")
    if timeout_ms is not None:
        low, high = CORAL_TIMEOUT_RANGE_MS
        if not low <= timeout_ms <= high:
            raise InvalidInput("timeout_ms", f"must be between {low} and {high}, as in Coral.")
    now = timezone.now()
    before: dict[str, Any] = {}
    if phase is None:
        phase = CoralPhase(site=site, secret=secret or "")
    else:
        before = {"timeout_ms": phase.timeout_ms}
        if secret is not None and secret != phase.secret:
            phase.previous_secret = phase.secret
            phase.previous_expires_at = now + keep_previous_for
            phase.secret = secret
    if timeout_ms is not None:
        phase.timeout_ms = timeout_ms
    phase.updated_at = now
    phase.save()
    after: dict[str, Any] = {"timeout_ms": phase.timeout_ms, "secret_changed": secret is not None}
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before=before, after=after, reason="coral_phase")
    return phase
