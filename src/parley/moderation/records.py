"""The moderation app's own writes on one comment: its record, status, audit entry, decision.

Each runs inside the caller's transaction (an action in ``parley.actions``), after
``lock_comment`` has locked the comment row, so counts and histories stay right when two
moderators act at once.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from parley import prepared_insert
from parley.comments.models import Comment, CommentStatus, Report, Site
from parley.comments.services import update_story_counters
from parley.moderation.models import AuditEntry, Decision, HumanDecision, ModerationRecord


def insert_record(*, comment: Comment, decision: str, reasons: list[str], scores: dict[str, Any],
                  language: str, engine_version: str) -> ModerationRecord:
    """Insert a new comment's moderation record (posting's hot path: a precompiled INSERT)."""
    return prepared_insert.insert(ModerationRecord(
        comment=comment, decision=decision, reasons=reasons, scores=scores, language=language,
        engine_version=engine_version,
    ))


def lock_comment(comment: Comment) -> tuple[Comment, ModerationRecord]:
    """Lock the comment row and return it fresh with its (possibly new) moderation record."""
    locked = Comment.objects.select_for_update().select_related("story__site").get(pk=comment.pk)
    record = ModerationRecord.objects.select_for_update().filter(comment=locked).first()
    if record is None:
        record = ModerationRecord.objects.create(
            comment=locked, decision=Decision.PUBLISH if locked.is_published else Decision.REVIEW,
            language=locked.language,
        )
    return locked, record


def comment_state(comment: Comment, record: ModerationRecord) -> dict[str, Any]:
    """Return the state an action changes, as stored in the audit entry's before/after."""
    return {
        "status": comment.status,
        "is_featured": comment.is_featured,
        "public_reasons": list(comment.public_reasons or []),
        "hidden_by_reports": record.hidden_by_reports,
        "human_label": record.human_label,
        "reviewed_by": record.reviewed_by_id,
        "reviewed_at": record.reviewed_at.isoformat() if record.reviewed_at else None,
    }


def set_status(comment: Comment, status: str) -> None:
    """Give the locked comment a new status and move its story's counters to match.

    The one way a comment's status changes after posting (saved by ``save_comment``), so the
    published count cannot drift from the statuses.
    """
    if status not in CommentStatus.values:
        raise ValueError(f"unknown comment status {status!r}")
    was_published = comment.status == CommentStatus.PUBLISHED
    comment.status = status
    now_published = status == CommentStatus.PUBLISHED
    update_story_counters(story_id=comment.story_id,
                          published_delta=int(now_published) - int(was_published))


def save_comment(comment: Comment, record: ModerationRecord) -> None:
    """Save what actions change on the comment and its record."""
    comment.save(update_fields=["status", "is_featured", "public_reasons", "updated_at"])
    record.save(update_fields=["hidden_by_reports", "human_label", "reviewed_by", "reviewed_at"])


def write_audit(*, action: str, acting_user: Any, comment: Comment | None, site: Site,
                before: dict[str, Any], after: dict[str, Any], reason: str = "", note: str = "",
                undoes: AuditEntry | None = None) -> AuditEntry:
    """Append the audit entry of an action (the acting user may be None: the system)."""
    return AuditEntry.objects.create(
        actor=acting_user if getattr(acting_user, "pk", None) else None,
        actor_name=getattr(acting_user, "get_username", lambda: "")() if acting_user else "",
        action=action, site=site, comment=comment, reason=reason, note=note,
        before=before, after=after, undoes=undoes,
    )


def resolve_reports(comment: Comment) -> list[int]:
    """Mark the comment's open reports resolved; return their ids (kept for an undo)."""
    ids = list(comment.reports.filter(resolved=False).values_list("id", flat=True))
    if ids:
        Report.objects.filter(pk__in=ids).update(resolved=True)
    return ids


def record_decision(*, comment: Comment, record: ModerationRecord, label: str, acting_user: Any,
                    reason: str = "", note: str = "") -> HumanDecision:
    """Store a moderator's decision as a labelled example (the previous one is marked undone)."""
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
