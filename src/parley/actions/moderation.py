"""Moderators' decisions on comments: approve, reject, ban or suspend, pre-moderate, undo, bulk.

Each public action is one durable transaction that locks the comment row, changes it, keeps the
story's counters right (``records.set_status``), stores the human decision as a labelled example,
and writes its AuditEntry, so the queue page, bulk actions and any API behave identically.
Permission is checked by the caller (views) and again here so no caller can skip it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parley.actions.effects import comment_events
from parley.comments.errors import BadRequest, InvalidInput, NotFound
from parley.comments.models import Comment, CommentStatus, Report
from parley.comments.services import update_story_counters
from parley.moderation.models import (
    AuditAction,
    AuditEntry,
    AuthorRestriction,
    DecisionLabel,
    HumanDecision,
    RejectReason,
    RestrictionKind,
)
from parley.moderation.permissions import check_can_moderate, moderated_sites
from parley.moderation.pipeline import ENGINE_UNAVAILABLE, Outcome, moderate
from parley.moderation.records import (
    comment_state,
    lock_comment,
    record_decision,
    resolve_reports,
    save_comment,
    set_status,
    write_audit,
)
from parley.moderation.rules import active_restrictions
from parley.moderation.site_config import bump_config_version

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


def check(acting_user: Any, comment: Comment) -> None:
    """Raise NotFound/Forbidden unless the user moderates the comment's site."""
    check_can_moderate(acting_user, comment.story.site)


def clean_note(note: str) -> str:
    """Return the moderator's note stripped; raise InvalidInput when it is too long."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"at most {MAX_NOTE_CHARS} characters.")
    return note


def _clean_reason(reason: str) -> str:
    if reason not in RejectReason.values:
        choices = ", ".join(RejectReason.values)
        raise InvalidInput("reason", f"choose one of: {choices}.")
    return reason


def approve(comment: Comment, *, acting_user: Any, note: str = "") -> Comment:
    """Publish the comment inside the caller's transaction (shared by approve, feature, bulk)."""
    return _decide(comment, acting_user=acting_user, status=CommentStatus.PUBLISHED,
                   label=DecisionLabel.APPROVED, action=AuditAction.APPROVE, public_reasons=[],
                   note=note)


def _reject(comment: Comment, *, acting_user: Any, reason: str, note: str = "") -> Comment:
    """Reject the comment inside the caller's transaction (shared by reject, ban, bulk)."""
    return _decide(comment, acting_user=acting_user, status=CommentStatus.REJECTED,
                   label=DecisionLabel.REJECTED, action=AuditAction.REJECT,
                   public_reasons=[str(PUBLIC_REJECTION[RejectReason(reason)])],
                   reason=reason, note=note, unfeature=True)


def _decide(comment: Comment, *, acting_user: Any, status: str, label: str, action: str,
            public_reasons: list[str], reason: str = "", note: str = "",
            unfeature: bool = False) -> Comment:
    """A moderator's decision: set the status, store the labelled decision, resolve the
    comment's reports, send its events after commit and write the audit entry."""
    check(acting_user, comment)
    comment, record = lock_comment(comment)
    before = comment_state(comment, record)
    changed = comment.status != status
    if changed:
        set_status(comment, status)
    if unfeature:
        comment.is_featured = False
    comment.public_reasons = public_reasons
    record.hidden_by_reports = False
    decision = record_decision(comment=comment, record=record, label=label,
                               acting_user=acting_user, reason=reason, note=note)
    resolved = resolve_reports(comment)
    save_comment(comment, record)
    if changed:
        comment_events(comment, created=False)
    after = {**comment_state(comment, record), "decision_id": decision.pk,
             "resolved_reports": resolved}
    write_audit(action=action, acting_user=acting_user, comment=comment, site=comment.story.site,
                before=before, after=after, reason=reason, note=note)
    return comment


@transaction.atomic(durable=True)
def approve_comment(*, comment: Comment, acting_user: Any, note: str = "") -> Comment:
    """Publish the comment (or confirm it), resolve its reports, and record the decision."""
    return approve(comment, acting_user=acting_user, note=clean_note(note))


@transaction.atomic(durable=True)
def reject_comment(*, comment: Comment, acting_user: Any, reason: str, note: str = "") -> Comment:
    """Reject the comment for a reason (abusive, off_topic, spam, other) and record the decision."""
    return _reject(comment, acting_user=acting_user, reason=_clean_reason(reason),
                   note=clean_note(note))


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
    check(acting_user, comment)
    note = clean_note(reason)
    if days is not None and not 1 <= days <= 3650:
        raise InvalidInput("days", "a suspension lasts 1 to 3650 days.")
    if reject and comment.status != CommentStatus.REJECTED:
        comment = _reject(comment, acting_user=acting_user, reason=RejectReason.ABUSIVE,
                          note=note)
    comment, record = lock_comment(comment)
    restriction = _restrict(comment, acting_user=acting_user, kind=RestrictionKind.BAN,
                            reason=note, days=days)
    write_audit(action=AuditAction.SUSPEND if days else AuditAction.BAN, acting_user=acting_user,
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
    check(acting_user, comment)
    note = clean_note(note)
    comment, record = lock_comment(comment)
    if enabled:
        restriction = _restrict(comment, acting_user=acting_user,
                                kind=RestrictionKind.PREMODERATE, reason=note, days=None)
        write_audit(action=AuditAction.PREMODERATE, acting_user=acting_user, comment=comment,
                    site=comment.story.site, before={},
                    after={"restriction_id": restriction.pk, "author_name": comment.author_name},
                    note=note)
        return restriction
    lifted = _lift_matching(comment, kind=RestrictionKind.PREMODERATE)
    write_audit(action=AuditAction.LIFT_RESTRICTION, acting_user=acting_user, comment=comment,
                site=comment.story.site, before={"restriction_ids": lifted}, after={}, note=note)
    return None


def _lift_matching(comment: Comment, *, kind: str) -> list[int]:
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
    check(acting_user, comment)
    comment, record = lock_comment(comment)
    entry = (
        AuditEntry.objects.filter(comment=comment, action__in=UNDOABLE, undone_by__isnull=True)
        .order_by("-id").first()
    )
    if entry is None:
        raise BadRequest("There is nothing to undo on this comment.")
    before = comment_state(comment, record)
    if entry.action in (AuditAction.BAN, AuditAction.SUSPEND, AuditAction.PREMODERATE):
        AuthorRestriction.objects.filter(pk=entry.after.get("restriction_id")).update(
            lifted_at=timezone.now()
        )
        bump_config_version(comment.story.site_id)
    else:
        old = entry.before
        if old.get("status") and old["status"] != comment.status:
            set_status(comment, old["status"])
        else:
            update_story_counters(story_id=comment.story_id)  # featured or reasons changed
        comment.is_featured = bool(old.get("is_featured"))
        comment.public_reasons = list(old.get("public_reasons") or [])
        record.hidden_by_reports = bool(old.get("hidden_by_reports"))
        record.human_label = old.get("human_label") or ""
        record.reviewed_by_id = old.get("reviewed_by")
        reviewed_at = old.get("reviewed_at")
        record.reviewed_at = datetime.fromisoformat(reviewed_at) if reviewed_at else None
        if entry.after.get("decision_id"):
            HumanDecision.objects.filter(pk=entry.after["decision_id"]).update(
                undone_at=timezone.now()
            )
        if entry.after.get("resolved_reports"):
            Report.objects.filter(pk__in=entry.after["resolved_reports"]).update(resolved=False)
        save_comment(comment, record)
    return write_audit(action=AuditAction.UNDO, acting_user=acting_user, comment=comment,
                       site=comment.story.site, before=before,
                       after=comment_state(comment, record), reason=entry.action, undoes=entry)


@transaction.atomic(durable=True)
def change_comment_status(*, comment: Comment, status: str, acting_user: Any = None,
                          note: str = "") -> Comment:
    """Give a comment any status, REMOVED included, keeping counts and writing the audit entry.

    The one action that reaches REMOVED (a comment taken down after the fact, e.g. on legal
    advice); approve and reject are the moderators' everyday decisions. ``acting_user`` None is
    the system (the admin, a management command); a user must moderate the comment's site.
    """
    if status not in CommentStatus.values:
        raise InvalidInput("status", f"Unknown comment status {status!r}.")
    if status == CommentStatus.DELETED:  # only its author deletes; moderators remove
        raise InvalidInput("status", "Only its author can delete a comment; remove it instead.")
    if acting_user is not None:
        check(acting_user, comment)
    locked, record = lock_comment(comment)
    if locked.status != status:
        before = comment_state(locked, record)
        set_status(locked, status)
        save_comment(locked, record)
        if status in (CommentStatus.PUBLISHED, CommentStatus.REJECTED):
            comment_events(locked, created=False)
        write_audit(action=AuditAction.CHANGE_STATUS, acting_user=acting_user, comment=locked,
                    site=locked.story.site, before=before, after=comment_state(locked, record),
                    note=clean_note(note))
    comment.status = status
    return locked


def rescore_held_comment(*, comment_id: int) -> str:
    """Score again a comment held because the engine failed or timed out, and apply what the
    pipeline decides now (an outbox task, ``PARLEY_RESCORE_HELD``).

    Returns ``"skipped"`` (gone, already decided by a moderator, or already scored),
    ``"unavailable"`` (the engine failed again: the comment stays held) or the new status.
    Scoring runs before the write transaction opens, as in posting.
    """
    comment = (Comment.objects.select_related("story__site", "parent", "moderation")
               .filter(pk=comment_id).first())
    if comment is None or not _awaits_rescore(comment, getattr(comment, "moderation", None)):
        return "skipped"
    outcome = moderate(story=comment.story, text=comment.text, parent=comment.parent,
                       author_name=comment.author_name, author_email=comment.author_email,
                       author_user=comment.author_user, address_hash=comment.author_ip_hash)
    if outcome.engine_version == ENGINE_UNAVAILABLE:
        return "unavailable"
    return _apply_rescore(comment, outcome)


def _awaits_rescore(comment: Comment, record: Any) -> bool:
    return (comment.status == CommentStatus.PENDING and record is not None
            and record.engine_version == ENGINE_UNAVAILABLE and record.reviewed_at is None)


@transaction.atomic(durable=True)
def _apply_rescore(comment: Comment, outcome: Outcome) -> str:
    locked, record = lock_comment(comment)
    if not _awaits_rescore(locked, record):
        return "skipped"  # a moderator decided while the engine was scoring
    before = comment_state(locked, record)
    record.decision, record.reasons = outcome.decision, outcome.reasons
    record.scores, record.language = outcome.scores, outcome.language
    record.engine_version = outcome.engine_version
    record.save(update_fields=["decision", "reasons", "scores", "language", "engine_version"])
    if outcome.status != CommentStatus.PENDING:
        set_status(locked, outcome.status)
        locked.public_reasons = list(outcome.public_reasons)
        save_comment(locked, record)
        comment_events(locked, created=False)
        write_audit(action=AuditAction.CHANGE_STATUS, acting_user=None, comment=locked,
                    site=locked.story.site, before=before, after=comment_state(locked, record),
                    note="re-scored after the engine was unavailable")
    return outcome.status


def _bulk_comments(comment_ids: Iterable[int], acting_user: Any) -> list[Comment]:
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
    return [approve(c, acting_user=acting_user) for c in _bulk_comments(comment_ids, acting_user)]


@transaction.atomic(durable=True)
def bulk_reject(*, comment_ids: Iterable[int], acting_user: Any, reason: str,
                note: str = "") -> list[Comment]:
    """Reject a selection for one reason in one transaction."""
    reason, note = _clean_reason(reason), clean_note(note)
    return [
        _reject(c, acting_user=acting_user, reason=reason, note=note)
        for c in _bulk_comments(comment_ids, acting_user)
    ]
