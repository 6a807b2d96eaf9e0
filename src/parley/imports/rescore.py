"""Scoring imported comments with the engine, so moderators' queues start meaningful.

Imported comments arrive with the status their old platform gave them and no scores. This runs
the moderation pipeline (the site's rules, then the engine) over them and stores the scores,
reasons and the engine's decision on each moderation record, so the queues can be filtered and
sorted by score. A comment's status changes only with ``apply_decisions``, and then only for
comments that were public or waiting: nothing deleted or rejected on the old platform comes
back, and the change goes through ``records.set_status`` so the counters follow.
"""

from __future__ import annotations

from django.db import transaction

from parley.comments.models import Comment, CommentStatus
from parley.moderation.pipeline import moderate
from parley.moderation.records import lock_comment, set_status

CHUNK = 200


def rescore_comments(comment_ids: list[int], *, apply_decisions: bool = False) -> dict[str, int]:
    """Score the comments; return how many were scored and how many changed status."""
    scored = changed = 0
    comments = Comment.objects.filter(pk__in=comment_ids).select_related("story__site", "parent")
    for comment in comments.order_by("pk").iterator(chunk_size=CHUNK):
        outcome = moderate(story=comment.story, text=comment.text, parent=comment.parent,
                           author_name=comment.author_name, author_email=comment.author_email,
                           author_user=comment.author_user if comment.author_user_id else None,
                           address_hash=comment.author_ip_hash)
        with transaction.atomic():
            locked, record = lock_comment(comment)
            kept = [r for r in record.reasons or [] if str(r).startswith("imported from")]
            record.scores = outcome.scores
            record.reasons = kept + list(outcome.reasons)
            record.decision = outcome.decision
            record.language = outcome.language
            record.engine_version = outcome.engine_version
            record.save(update_fields=["scores", "reasons", "decision", "language",
                                       "engine_version"])
            if outcome.language and not locked.language:
                locked.language = outcome.language
            if apply_decisions and locked.status in (CommentStatus.PUBLISHED,
                                                     CommentStatus.PENDING) \
                    and outcome.status != locked.status:
                set_status(locked, outcome.status)
                locked.public_reasons = outcome.public_reasons
                changed += 1
            locked.save(update_fields=["status", "public_reasons", "language", "updated_at"])
        scored += 1
    return {"scored": scored, "changed": changed}
