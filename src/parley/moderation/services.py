"""Moderation actions: every write a moderator (or a reader report) makes on a comment.

Each public action is one durable transaction that locks the comment row, changes it, keeps the
story's published count and cache version right (with F(), so concurrent actions never lose an
update), stores the human decision as a labelled example, and writes its AuditEntry, so the page,
bulk actions and any API behave identically. Permission is checked by the caller through
``parley.moderation.permissions`` (views) and again here (``_check``) so no caller can skip it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parley.comments.errors import BadRequest, InvalidInput, NotFound
from parley.comments.models import Comment, CommentStatus, Report, Site, Story
from parley.moderation import events
from parley.moderation.models import (
    AuditAction,
    AuditEntry,
    AuthorRestriction,
    Decision,
    DecisionLabel,
    HumanDecision,
    ModerationRecord,
    RejectReason,
    RestrictionKind,
    WebhookEndpoint,
    WebhookEvent,
)
from parley.moderation.permissions import check_can_moderate
from parley.moderation.site_config import bump_config_version
from parley.moderation.site_settings import site_settings

MAX_NOTE_CHARS = 1000
MAX_BULK = 200
# What a commenter may read about a moderator's rejection (never the note).
PUBLIC_REJECTION = {
    RejectReason.ABUSIVE: _("A moderator found this comment abusive."),
    RejectReason.OFF_TOPIC: _("A moderator found this comment off-topic."),
    RejectReason.SPAM: _("A moderator found this comment to be spam."),
    RejectReason.OTHER: _("A moderator did not publish this comment."),
}
UNDOABLE = {
    AuditAction.APPROVE, AuditAction.REJECT, AuditAction.FEATURE, AuditAction.UNFEATURE,
    AuditAction.BAN, AuditAction.SUSPEND, AuditAction.PREMODERATE,
}


# --- helpers (run inside the caller's transaction) ------------------------------------------------

def _check(acting_user: Any, comment: Comment) -> None:
    check_can_moderate(acting_user, comment.story.site)


def _lock(comment: Comment) -> tuple[Comment, ModerationRecord]:
    """Lock the comment row and return it fresh with its (possibly new) moderation record."""
    locked = Comment.objects.select_for_update().select_related("story__site").get(pk=comment.pk)
    record = ModerationRecord.objects.select_for_update().filter(comment=locked).first()
    if record is None:
        record = ModerationRecord.objects.create(
            comment=locked, decision=Decision.PUBLISH if locked.is_published else Decision.REVIEW,
            language=locked.language,
        )
    return locked, record


def _state(comment: Comment, record: ModerationRecord) -> dict[str, Any]:
    """The state an action changes, as stored in the audit entry's before/after."""
    return {
        "status": comment.status,
        "is_featured": comment.is_featured,
        "public_reasons": list(comment.public_reasons or []),
        "hidden_by_reports": record.hidden_by_reports,
        "human_label": record.human_label,
        "reviewed_by": record.reviewed_by_id,
        "reviewed_at": record.reviewed_at.isoformat() if record.reviewed_at else None,
    }


def bump_story(story_id: int, *, published_delta: int = 0) -> None:
    """Adjust the story's published count and bump its cache version (stale thread pages)."""
    updates: dict[str, Any] = {"cache_version": F("cache_version") + 1}
    if published_delta:
        updates["published_count"] = Greatest(F("published_count") + published_delta, 0)
    Story.objects.filter(pk=story_id).update(**updates)


def _set_status(comment: Comment, status: str) -> None:
    was_published = comment.status == CommentStatus.PUBLISHED
    comment.status = status
    now_published = status == CommentStatus.PUBLISHED
    bump_story(comment.story_id, published_delta=int(now_published) - int(was_published))


def _save(comment: Comment, record: ModerationRecord) -> None:
    comment.save(update_fields=["status", "is_featured", "public_reasons", "updated_at"])
    record.save(update_fields=["hidden_by_reports", "human_label", "reviewed_by", "reviewed_at"])


def _audit(*, action: str, acting_user: Any, comment: Comment | None, site: Site,
           before: dict[str, Any], after: dict[str, Any], reason: str = "", note: str = "",
           undoes: AuditEntry | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        actor_name=getattr(acting_user, "get_username", lambda: "")() if acting_user else "",
        action=action, site=site, comment=comment, reason=reason, note=note,
        before=before, after=after, undoes=undoes,
    )


def _resolve_reports(comment: Comment) -> list[int]:
    ids = list(comment.reports.filter(resolved=False).values_list("id", flat=True))
    if ids:
        Report.objects.filter(pk__in=ids).update(resolved=True)
    return ids


def _record_decision(*, comment: Comment, record: ModerationRecord, label: str,
                     acting_user: Any, reason: str = "", note: str = "") -> HumanDecision:
    now = timezone.now()
    HumanDecision.objects.filter(comment=comment, undone_at__isnull=True).update(undone_at=now)
    record.human_label = label
    record.reviewed_by = acting_user
    record.reviewed_at = now
    return HumanDecision.objects.create(
        comment=comment, site=comment.story.site, label=label, reason=reason, note=note,
        text=comment.text, scores=dict(record.scores or {}), engine_decision=record.decision,
        language=record.language or comment.language, decided_by=acting_user, decided_at=now,
    )


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"at most {MAX_NOTE_CHARS} characters.")
    return note


def _clean_reason(reason: str) -> str:
    if reason not in RejectReason.values:
        choices = ", ".join(RejectReason.values)
        raise InvalidInput("reason", f"choose one of: {choices}.")
    return reason


def _approve(comment: Comment, *, acting_user: Any, note: str = "") -> Comment:
    _check(acting_user, comment)
    comment, record = _lock(comment)
    before = _state(comment, record)
    if comment.status != CommentStatus.PUBLISHED:
        _set_status(comment, CommentStatus.PUBLISHED)
        events.comment_decided(comment)
    comment.public_reasons = []
    record.hidden_by_reports = False
    decision = _record_decision(comment=comment, record=record, label=DecisionLabel.APPROVED,
                                acting_user=acting_user, note=note)
    resolved = _resolve_reports(comment)
    _save(comment, record)
    after = {**_state(comment, record), "decision_id": decision.pk, "resolved_reports": resolved}
    _audit(action=AuditAction.APPROVE, acting_user=acting_user, comment=comment,
           site=comment.story.site, before=before, after=after, note=note)
    return comment


def _reject(comment: Comment, *, acting_user: Any, reason: str, note: str = "",
            action: str = AuditAction.REJECT) -> Comment:
    _check(acting_user, comment)
    comment, record = _lock(comment)
    before = _state(comment, record)
    if comment.status != CommentStatus.REJECTED:
        _set_status(comment, CommentStatus.REJECTED)
        events.comment_decided(comment)
    comment.is_featured = False
    comment.public_reasons = [str(PUBLIC_REJECTION[RejectReason(reason)])]
    record.hidden_by_reports = False
    decision = _record_decision(comment=comment, record=record, label=DecisionLabel.REJECTED,
                                acting_user=acting_user, reason=reason, note=note)
    resolved = _resolve_reports(comment)
    _save(comment, record)
    after = {**_state(comment, record), "decision_id": decision.pk, "resolved_reports": resolved}
    _audit(action=action, acting_user=acting_user, comment=comment, site=comment.story.site,
           before=before, after=after, reason=reason, note=note)
    return comment


# --- the actions ----------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def approve_comment(*, comment: Comment, acting_user: Any, note: str = "") -> Comment:
    """Publish the comment (or confirm it), resolve its reports, and record the decision."""
    return _approve(comment, acting_user=acting_user, note=_clean_note(note))


@transaction.atomic(durable=True)
def reject_comment(*, comment: Comment, acting_user: Any, reason: str, note: str = "") -> Comment:
    """Reject the comment for a reason (abusive, off_topic, spam, other) and record the decision."""
    return _reject(comment, acting_user=acting_user, reason=_clean_reason(reason),
                   note=_clean_note(note))


@transaction.atomic(durable=True)
def feature_comment(*, comment: Comment, acting_user: Any, featured: bool = True) -> Comment:
    """Feature (or unfeature) a comment; featuring a held comment approves it first."""
    if featured and comment.status != CommentStatus.PUBLISHED:
        if comment.status in (CommentStatus.REMOVED,):
            raise BadRequest("A removed comment cannot be featured.")
        comment = _approve(comment, acting_user=acting_user)
    _check(acting_user, comment)
    comment, record = _lock(comment)
    before = _state(comment, record)
    comment.is_featured = featured
    bump_story(comment.story_id)
    _save(comment, record)
    _audit(action=AuditAction.FEATURE if featured else AuditAction.UNFEATURE,
           acting_user=acting_user, comment=comment, site=comment.story.site,
           before=before, after=_state(comment, record))
    return comment


def _restrict(comment: Comment, *, acting_user: Any, kind: str, reason: str,
              days: int | None) -> AuthorRestriction:
    expires_at = timezone.now() + timedelta(days=days) if days else None
    return AuthorRestriction.objects.create(
        site=comment.story.site, kind=kind, user=comment.author_user,
        email=comment.author_email.strip().lower(), ip_hash=comment.author_ip_hash,
        author_name=comment.author_name, reason=reason, created_by=acting_user,
        expires_at=expires_at,
    )


@transaction.atomic(durable=True)
def ban_author(*, comment: Comment, acting_user: Any, reason: str = "", days: int | None = None,
               reject: bool = True) -> AuthorRestriction:
    """Ban the comment's author on its site (by account, e-mail and hashed address).

    ``days`` makes it a suspension that ends by itself; ``reject`` also rejects this comment as
    abusive (what a moderator banning from the queue means).
    """
    _check(acting_user, comment)
    note = _clean_note(reason)
    if days is not None and not 1 <= days <= 3650:
        raise InvalidInput("days", "a suspension lasts 1 to 3650 days.")
    if reject and comment.status != CommentStatus.REJECTED:
        comment = _reject(comment, acting_user=acting_user, reason=RejectReason.ABUSIVE,
                          note=note)
    comment, record = _lock(comment)
    restriction = _restrict(comment, acting_user=acting_user, kind=RestrictionKind.BAN,
                            reason=note, days=days)
    _audit(action=AuditAction.SUSPEND if days else AuditAction.BAN, acting_user=acting_user,
           comment=comment, site=comment.story.site, before={},
           after={"restriction_id": restriction.pk, "expires_at":
                  restriction.expires_at.isoformat() if restriction.expires_at else None,
                  "author_name": comment.author_name},
           note=note)
    return restriction


@transaction.atomic(durable=True)
def set_author_premoderation(*, comment: Comment, acting_user: Any, enabled: bool = True,
                             note: str = "") -> AuthorRestriction | None:
    """Hold every future comment by this author for review (or stop doing so)."""
    _check(acting_user, comment)
    note = _clean_note(note)
    comment, record = _lock(comment)
    if enabled:
        restriction = _restrict(comment, acting_user=acting_user,
                                kind=RestrictionKind.PREMODERATE, reason=note, days=None)
        _audit(action=AuditAction.PREMODERATE, acting_user=acting_user, comment=comment,
               site=comment.story.site, before={},
               after={"restriction_id": restriction.pk, "author_name": comment.author_name},
               note=note)
        return restriction
    lifted = _lift_matching(comment, kind=RestrictionKind.PREMODERATE)
    _audit(action=AuditAction.LIFT_RESTRICTION, acting_user=acting_user, comment=comment,
           site=comment.story.site, before={"restriction_ids": lifted}, after={}, note=note)
    return None


def _lift_matching(comment: Comment, *, kind: str) -> list[int]:
    from parley.moderation.rules import active_restrictions

    restrictions = active_restrictions(
        site=comment.story.site, user=comment.author_user, email=comment.author_email,
        ip_hash=comment.author_ip_hash,
    ).filter(kind=kind)
    ids = list(restrictions.values_list("id", flat=True))
    AuthorRestriction.objects.filter(pk__in=ids).update(lifted_at=timezone.now())
    bump_config_version(comment.story.site_id)
    return ids


@transaction.atomic(durable=True)
def undo_last_action(*, comment: Comment, acting_user: Any) -> AuditEntry:
    """Reverse the latest action on the comment that is not yet undone (repeat to go further back).

    The reversed entry stays in the log; a new UNDO entry points at it.
    """
    _check(acting_user, comment)
    comment, record = _lock(comment)
    entry = (
        AuditEntry.objects.filter(comment=comment, action__in=UNDOABLE, undone_by__isnull=True)
        .order_by("-id").first()
    )
    if entry is None:
        raise BadRequest("There is nothing to undo on this comment.")
    before = _state(comment, record)
    if entry.action in (AuditAction.BAN, AuditAction.SUSPEND, AuditAction.PREMODERATE):
        AuthorRestriction.objects.filter(pk=entry.after.get("restriction_id")).update(
            lifted_at=timezone.now()
        )
        bump_config_version(comment.story.site_id)
    else:
        old = entry.before
        if old.get("status") and old["status"] != comment.status:
            _set_status(comment, old["status"])
        else:
            bump_story(comment.story_id)
        comment.is_featured = bool(old.get("is_featured"))
        comment.public_reasons = list(old.get("public_reasons") or [])
        record.hidden_by_reports = bool(old.get("hidden_by_reports"))
        record.human_label = old.get("human_label") or ""
        record.reviewed_by_id = old.get("reviewed_by")
        reviewed_at = old.get("reviewed_at")
        record.reviewed_at = (
            datetime.fromisoformat(reviewed_at) if reviewed_at else None
        )
        if entry.after.get("decision_id"):
            HumanDecision.objects.filter(pk=entry.after["decision_id"]).update(
                undone_at=timezone.now()
            )
        if entry.after.get("resolved_reports"):
            Report.objects.filter(pk__in=entry.after["resolved_reports"]).update(resolved=False)
        _save(comment, record)
    return _audit(action=AuditAction.UNDO, acting_user=acting_user, comment=comment,
                  site=comment.story.site, before=before, after=_state(comment, record),
                  reason=entry.action, undoes=entry)


def _bulk_comments(comment_ids: Iterable[int], acting_user: Any) -> list[Comment]:
    from parley.moderation.permissions import moderated_sites

    ids = sorted({int(i) for i in comment_ids})
    if not ids:
        raise InvalidInput("comments", "select at least one comment.")
    if len(ids) > MAX_BULK:
        raise InvalidInput("comments", f"at most {MAX_BULK} comments at once.")
    comments = list(
        Comment.objects.select_related("story__site")
        .filter(pk__in=ids, story__site__in=moderated_sites(acting_user)).order_by("id")
    )
    if len(comments) != len(ids):
        raise NotFound("Some of the selected comments do not exist.")
    return comments


@transaction.atomic(durable=True)
def bulk_approve(*, comment_ids: Iterable[int], acting_user: Any) -> list[Comment]:
    """Approve a selection in one transaction: all of them, or none if one is not allowed."""
    return [_approve(c, acting_user=acting_user) for c in _bulk_comments(comment_ids, acting_user)]


@transaction.atomic(durable=True)
def bulk_reject(*, comment_ids: Iterable[int], acting_user: Any, reason: str,
                note: str = "") -> list[Comment]:
    """Reject a selection for one reason in one transaction."""
    reason, note = _clean_reason(reason), _clean_note(note)
    return [
        _reject(c, acting_user=acting_user, reason=reason, note=note)
        for c in _bulk_comments(comment_ids, acting_user)
    ]


# --- reader reports -------------------------------------------------------------------------------

def on_report_created(report: Report) -> None:
    """Hide a published comment once its open reports reach the site's hide threshold.

    Called by ``parley.comments.services.report_comment`` inside its transaction. Below the
    threshold nothing changes on the comment: the Reported queue finds it by counting reports.
    """
    with transaction.atomic():
        comment, record = _lock(report.comment)
        if comment.status != CommentStatus.PUBLISHED:
            return
        threshold = site_settings(comment.story.site).report_threshold_hide
        open_reports = comment.reports.filter(resolved=False).count()
        if open_reports < threshold:
            return
        before = _state(comment, record)
        _set_status(comment, CommentStatus.PENDING)
        record.hidden_by_reports = True
        _save(comment, record)
        _audit(action=AuditAction.HIDE_BY_REPORTS, acting_user=None, comment=comment,
               site=comment.story.site, before=before, after=_state(comment, record),
               note=f"{open_reports} open reports (threshold {threshold})")


# --- site and story settings ----------------------------------------------------------------------

RULE_KEYS = (
    "banned_words", "suspect_words", "hold_links", "premoderate_all", "close_after_days",
    "report_threshold_review", "report_threshold_hide", "pending_alert_minutes",
)


@transaction.atomic(durable=True)
def update_site_rules(*, site: Site, acting_user: Any, changes: dict[str, Any]) -> Site:
    """Change the site's moderation rules (validated), keeping keys it does not know (policy)."""
    from parley.moderation.permissions import check_can_administer
    from parley.moderation.site_settings import parse_settings

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
    _audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None, site=site,
           before=before, after={k: merged.get(k) for k in changes})
    return site


@transaction.atomic(durable=True)
def update_story_settings(*, story: Story, acting_user: Any, close_now: bool = False,
                          reopen: bool = False, close_in_days: int | None = None,
                          premoderate: bool | None = None) -> Story:
    """Close a story's comments now or after N days, reopen them, or pre-moderate the story."""
    from parley.moderation.permissions import check_can_moderate as check

    check(acting_user, story.site)
    story = Story.objects.select_for_update().select_related("site").get(pk=story.pk)
    before = {"is_closed": story.is_closed, "premoderate": story.premoderate,
              "closes_at": story.closes_at.isoformat() if story.closes_at else None}
    if close_now:
        story.is_closed = True
    if reopen:
        story.is_closed = False
        story.closes_at = None
    if close_in_days is not None:
        story.closes_at = timezone.now() + timedelta(days=close_in_days)
    if premoderate is not None:
        story.premoderate = premoderate
    story.save(update_fields=["is_closed", "closes_at", "premoderate"])
    Story.objects.filter(pk=story.pk).update(cache_version=F("cache_version") + 1)
    after = {"is_closed": story.is_closed, "premoderate": story.premoderate,
             "closes_at": story.closes_at.isoformat() if story.closes_at else None}
    _audit(action=AuditAction.CHANGE_STORY, acting_user=acting_user, comment=None,
           site=story.site, before=before, after={**after, "story_id": story.pk})
    return story


@transaction.atomic(durable=True)
def update_site_policy(*, site: Site, acting_user: Any, policy_data: dict[str, Any]) -> Site:
    """Set the engine's thresholds for the site (validated by the engine's Policy)."""
    from parley.moderation.permissions import check_can_administer
    from parley.moderation.policy_preview import parse_policy

    check_can_administer(acting_user, site)
    parse_policy(policy_data)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = (site.moderation_settings or {}).get("policy", {})
    site.moderation_settings = {**(site.moderation_settings or {}), "policy": policy_data}
    site.save(update_fields=["moderation_settings"])
    _audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None, site=site,
           before={"policy": before}, after={"policy": policy_data}, reason="policy")
    return site


@transaction.atomic(durable=True)
def add_webhook_endpoint(*, site: Site, acting_user: Any, url: str,
                         events: list[str]) -> WebhookEndpoint:
    """Register a publisher URL for signed comment events, with a new random secret."""
    import secrets

    from parley.moderation.permissions import check_can_administer

    check_can_administer(acting_user, site)
    if not url.lower().startswith(("https://", "http://")):
        raise InvalidInput("url", "must be an http(s) address.")
    unknown = set(events) - set(WebhookEvent.values)
    if not events or unknown:
        raise InvalidInput("events", "choose one or more of: " + ", ".join(WebhookEvent.values))
    endpoint = WebhookEndpoint.objects.create(site=site, url=url, events=sorted(set(events)),
                                              secret=secrets.token_urlsafe(32))
    _audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None, site=site,
           before={}, after={"webhook": endpoint.pk, "url": url, "events": endpoint.events},
           reason="webhook")
    return endpoint


@transaction.atomic(durable=True)
def set_webhook_active(*, endpoint: WebhookEndpoint, acting_user: Any,
                       active: bool) -> WebhookEndpoint:
    """Pause or resume an endpoint (kept, with its deliveries, rather than deleted)."""
    from parley.moderation.permissions import check_can_administer

    check_can_administer(acting_user, endpoint.site)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = endpoint.is_active
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active"])
    _audit(action=AuditAction.CHANGE_SETTINGS, acting_user=acting_user, comment=None,
           site=endpoint.site, before={"webhook": endpoint.pk, "active": before},
           after={"webhook": endpoint.pk, "active": active}, reason="webhook")
    return endpoint
