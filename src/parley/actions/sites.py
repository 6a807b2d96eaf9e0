"""A site's own settings as moderators and admins change them: creating the site, its allowed
origins, API key, FAQ text, rules, engine thresholds, webhook endpoints and Coral's moderation
phase, each with its audit entry.

The workspace and ``parley site`` call the same actions. ``acting_user=None`` means the operator
at the command line (shell access to the server is the privilege); the audit entry then has no
actor and says ``command line`` in its note.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from parley.comments.errors import InvalidInput
from parley.comments.models import Site
from parley.comments.origins import parse_origin, parse_origins
from parley.moderation.models import (
    AuditAction,
    CoralPhase,
    Role,
    SiteMembership,
    WebhookEndpoint,
    WebhookEvent,
)
from parley.moderation.permissions import check_can_administer, check_can_create_sites
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


# --- Onboarding: creating a site, its origins, API key and FAQ ----------------------------------

MAX_FAQ_CHARS = 20_000
COMMAND_LINE = "command line"


def _check_admin(acting_user: Any, site: Site) -> None:
    if acting_user is not None:
        check_can_administer(acting_user, site)


def _note(acting_user: Any) -> str:
    return COMMAND_LINE if acting_user is None else ""


@transaction.atomic(durable=True)
def create_site(*, acting_user: Any, name: str, slug: str, domain: str) -> tuple[Site, str]:
    """Create a site whose first allowed origin is its domain; return it and its API key.

    The key is returned in clear once and stored only as its hash. A person who creates a site
    becomes its admin, so it shows in their workspace whether or not they are staff.
    """
    if acting_user is not None:
        check_can_create_sites(acting_user)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("name", "A site needs a name.")
    if len(name) > Site._meta.get_field("name").max_length:
        raise InvalidInput("name", "At most 200 characters.")
    if not slug or slugify(slug) != slug or len(slug) > Site._meta.get_field("slug").max_length:
        raise InvalidInput("slug",
                           "Use lower-case letters, digits and hyphens (e.g. daily-planet).")
    origin = parse_origin(domain, field="domain")
    if Site.objects.filter(slug=slug).exists():
        raise InvalidInput("slug", f"A site with the slug {slug!r} already exists.")
    site = Site(name=name, slug=slug, allowed_origins=origin)
    api_key = site.set_api_key()
    try:
        with transaction.atomic():
            site.save(force_insert=True)
    except IntegrityError:  # a concurrent create took the slug between the check and the insert
        raise InvalidInput("slug", f"A site with the slug {slug!r} already exists.") from None
    if getattr(acting_user, "pk", None):
        SiteMembership.objects.create(user=acting_user, site=site, role=Role.ADMIN)
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before={}, after={"name": name, "slug": slug, "origins": [origin]},
                reason="site_created", note=_note(acting_user))
    return site, api_key


@transaction.atomic(durable=True)
def update_allowed_origins(*, site: Site, acting_user: Any, origins: Sequence[str] | None = None,
                           add: Sequence[str] = (), remove: Sequence[str] = ()) -> Site:
    """Replace the site's allowed origins (``origins``), or add and remove some; validated.

    CORS and the embed read the list fresh on every request, so the change applies at once.
    Removing an origin the site does not list is an error (a typo should not pass silently).
    """
    _check_admin(acting_user, site)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = site.origins
    if origins is not None:
        after = parse_origins(list(origins))
    else:
        dropping = parse_origins(list(remove), field="remove")
        missing = [o for o in dropping if o not in before]
        if missing:
            raise InvalidInput("remove", f"{missing[0]} is not one of the site's origins.")
        after = [o for o in before if o not in dropping]
        after = parse_origins([*after, *parse_origins(list(add), field="add")])
    site.allowed_origins = "\n".join(after)
    site.save(update_fields=["allowed_origins"])
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before={"origins": before}, after={"origins": after},
                reason="origins", note=_note(acting_user))
    return site


@transaction.atomic(durable=True)
def rotate_api_key(*, site: Site, acting_user: Any) -> str:
    """Give the site a new API key and return it in clear, once; the old key stops working now.

    The audit entry names the keys only by the first characters of their hashes.
    """
    _check_admin(acting_user, site)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = site.api_key_hash[:8]
    api_key = site.set_api_key()
    site.save(update_fields=["api_key_hash"])
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before={"api_key_hash": before},
                after={"api_key_hash": site.api_key_hash[:8]}, reason="api_key",
                note=_note(acting_user))
    return api_key


def _clean_faq(text: str) -> str:
    """Plain text as stored: normalised line ends, no control characters (NUL breaks PostgreSQL)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text
                   if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    return text.strip()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] if text else ""


@transaction.atomic(durable=True)
def set_faq_text(*, site: Site, acting_user: Any, text: str) -> Site:
    """Set the Comments FAQ text readers see (plain text; empty brings back Parley's default).

    It is stored as text and always rendered escaped (paragraphs and http(s) links only), so
    no markup in it can reach a reader's page.
    """
    _check_admin(acting_user, site)
    text = _clean_faq(text)
    if len(text) > MAX_FAQ_CHARS:
        raise InvalidInput("faq_text", f"At most {MAX_FAQ_CHARS:,} characters.")
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = site.faq_text
    site.faq_text = text
    site.save(update_fields=["faq_text"])
    write_audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
                site=site, before={"faq_chars": len(before), "faq_sha256": _digest(before)},
                after={"faq_chars": len(text), "faq_sha256": _digest(text)}, reason="faq",
                note=_note(acting_user))
    return site
