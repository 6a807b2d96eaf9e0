"""Posting a comment or a reply: check, rate-limit, moderate, then write it durably.

The moderation pipeline (which may call the engine for tens of milliseconds) runs *before* the
write transaction opens: SQLite write transactions are IMMEDIATE, so holding one across scoring
would serialise every poster behind the model. The comment, its moderation record, the story's
counters and the webhook deliveries are then written in one durable transaction: a 201 means the
row is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parley import metrics
from parley.actions.effects import after_commit, comment_events, rescore_later
from parley.comments.client_address import hash_client_address
from parley.comments.errors import CommentsClosed
from parley.comments.models import Comment, CommentStatus, Story, new_edit_token
from parley.comments.rate_limits import check_posting_rate
from parley.comments.selectors import closed_now
from parley.comments.services import (
    check_new_comment,
    clean_author_name,
    clean_comment_text,
    insert_comment,
    update_story_counters,
)
from parley.comments.write_lock import PostingLock
from parley.moderation.pipeline import ENGINE_UNAVAILABLE, Outcome, moderate
from parley.moderation.records import insert_record


@dataclass
class PostResult:
    """A posted comment, its status and what the commenter may be told about it."""

    comment: Comment
    status: str
    public_reasons: list[str]
    nudge: str | None
    # The secret that lets this commenter edit or delete the comment: given out once, here;
    # only its hash is stored.
    edit_token: str = ""


def post_comment(
    *,
    story: Story,
    text: str,
    author_name: str,
    author_email: str = "",
    parent: Comment | None = None,
    author_user: Any = None,
    client_ip: str = "",
) -> PostResult:
    """Validate, rate-limit and moderate a new comment (a reply when ``parent`` is given), then
    write it durably. Raises the domain errors of ``parley.comments.errors``."""
    text = clean_comment_text(text if isinstance(text, str) else "")
    author_name = clean_author_name(author_name if isinstance(author_name, str) else "")
    author_email = (author_email or "").strip()
    check_new_comment(text=text, author_name=author_name, author_email=author_email,
                      story=story, parent=parent)
    if story.comments_closed():
        raise CommentsClosed()
    address_hash = hash_client_address(client_ip)
    check_posting_rate(address_hash=address_hash, story_id=story.pk,
                       author_name=author_name, author_email=author_email)
    outcome = moderate(story=story, text=text, parent=parent,
                       author_name=author_name, author_email=author_email,
                       author_user=author_user, address_hash=address_hash)
    token, token_hash = new_edit_token()
    with PostingLock() as lock:
        comment = _write_comment(
            story=story, parent=parent, text=text, author_name=author_name,
            author_email=author_email, author_user=author_user, address_hash=address_hash,
            outcome=outcome, lock=lock, edit_token_hash=token_hash,
        )
    metrics.COMMENTS_POSTED.labels(status=comment.status).inc()
    return PostResult(comment=comment, status=comment.status,
                      public_reasons=list(outcome.public_reasons), nudge=outcome.nudge,
                      edit_token=token if comment.status != CommentStatus.REJECTED else "")


PARENT_HELD_REASON = "the parent comment is awaiting moderation"
PARENT_HELD_PUBLIC = "Your reply will be shown once the comment it answers has been approved."


def _hold_if_parent_hidden(outcome: Outcome, parent: Comment) -> None:
    """Hold a publishable reply whose parent readers cannot see (still pending, or hidden since).

    A reply is shown under its parent, so publishing it under a pending parent would count a
    comment no reader can see. It waits in the queue, with the reason, for a moderator. The
    parent's status is read fresh and its row locked (before the story's, as moderation actions
    lock them), so an approval of the parent either commits first or waits for this write.
    """
    status = (Comment.objects.select_for_update().filter(pk=parent.pk)
              .values_list("status", flat=True).first())
    if status != CommentStatus.PUBLISHED:
        outcome.status = CommentStatus.PENDING.value
        outcome.reasons = [*outcome.reasons, PARENT_HELD_REASON]
        outcome.public_reasons = [PARENT_HELD_PUBLIC]


@transaction.atomic(durable=True)
def _write_comment(*, story: Story, parent: Comment | None, text: str, author_name: str,
                   author_email: str, author_user: Any, address_hash: str, outcome: Outcome,
                   lock: PostingLock, edit_token_hash: str = "") -> Comment:
    """Write the comment, its moderation record, the story's counters and the webhook
    deliveries in one transaction."""
    # First statement: count the comment on the story. It takes the story row's write lock, so
    # counts stay right under concurrency and the story cannot close until this commits; then
    # ask again whether it is open (a moderator may have closed it while we were scoring). A
    # held or rejected comment changes no counter but takes the lock and checks all the same.
    if parent is not None and outcome.status == CommentStatus.PUBLISHED:
        _hold_if_parent_hidden(outcome, parent)
    published = outcome.status == CommentStatus.PUBLISHED
    if not update_story_counters(story_id=story.pk, published_delta=int(published),
                                 bump_cache=published) or closed_now(story):
        raise CommentsClosed()  # rolls the counter change back
    comment = insert_comment(
        story=story, parent=parent, text=text, author_name=author_name,
        author_email=author_email, author_user=author_user, address_hash=address_hash,
        status=outcome.status, language=outcome.language, public_reasons=outcome.public_reasons,
        edit_token_hash=edit_token_hash,
    )
    insert_record(comment=comment, decision=outcome.decision, reasons=outcome.reasons,
                  scores=outcome.scores, language=outcome.language,
                  engine_version=outcome.engine_version)
    after_commit(lock.release)  # first: webhooks and e-mails may be slow in eager mode
    comment_events(comment, created=True)
    if outcome.engine_version == ENGINE_UNAVAILABLE:
        rescore_later(comment)
    return comment
