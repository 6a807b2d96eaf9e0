"""What moderators change on a story and its comment section: closing, reopening,
pre-moderating, featuring a comment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from parley.actions.moderation import approve, check
from parley.comments.errors import BadRequest
from parley.comments.models import Comment, CommentStatus, Story
from parley.comments.services import update_story_counters
from parley.moderation.models import AuditAction
from parley.moderation.permissions import check_can_moderate
from parley.moderation.records import comment_state, lock_comment, save_comment, write_audit


def _story_state(story: Story) -> dict[str, Any]:
    return {"is_closed": story.is_closed, "premoderate": story.premoderate,
            "closes_at": story.closes_at.isoformat() if story.closes_at else None}


@transaction.atomic(durable=True)
def update_story_settings(*, story: Story, acting_user: Any, close_now: bool = False,
                          reopen: bool = False, close_in_days: int | None = None,
                          premoderate: bool | None = None) -> Story:
    """Close a story's comments now or after N days, reopen them, or pre-moderate the story."""
    check_can_moderate(acting_user, story.site)
    story = Story.objects.select_for_update().select_related("site").get(pk=story.pk)
    before = _story_state(story)
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
    update_story_counters(story_id=story.pk)  # cached pages show the form, or not
    write_audit(action=AuditAction.CHANGE_STORY, acting_user=acting_user, comment=None,
                site=story.site, before=before, after={**_story_state(story), "story_id": story.pk})
    return story


@transaction.atomic(durable=True)
def feature_comment(*, comment: Comment, acting_user: Any, featured: bool = True) -> Comment:
    """Feature (or unfeature) a comment; featuring a held comment approves it first."""
    if featured and comment.status != CommentStatus.PUBLISHED:
        if comment.status == CommentStatus.REMOVED:
            raise BadRequest("A removed comment cannot be featured.")
        comment = approve(comment, acting_user=acting_user)
    check(acting_user, comment)
    comment, record = lock_comment(comment)
    before = comment_state(comment, record)
    comment.is_featured = featured
    update_story_counters(story_id=comment.story_id)  # the thread shows the badge
    save_comment(comment, record)
    write_audit(action=AuditAction.FEATURE if featured else AuditAction.UNFEATURE,
                acting_user=acting_user, comment=comment, site=comment.story.site,
                before=before, after=comment_state(comment, record))
    return comment
