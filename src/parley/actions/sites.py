"""A site's own settings as moderators and admins change them: rules, engine thresholds and
webhook endpoints, each with its audit entry."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from parley.comments.errors import InvalidInput
from parley.comments.models import Site
from parley.moderation.models import AuditAction, WebhookEndpoint, WebhookEvent
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
