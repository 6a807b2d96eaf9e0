"""A commenter editing or deleting their own comment, without an account.

Ownership is proved by the comment's edit token: a secret returned once when the comment is
posted (the API's answer, the reader page's httponly cookie, the embed's localStorage) whose
SHA-256 alone is stored, compared in constant time. An edit is allowed within the site's edit
window and is scored again through the same moderation pipeline as a new comment, so an edit
may send a published comment back to Pending; an edit the pipeline would reject is refused and
changes nothing. The earlier text is kept (``CommentRevision``) and the change is written to
the audit log, so moderators see the history. A deletion keeps the row (and its replies in
place): readers see "[deleted by its author]", moderators the text.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.comments.client_address import hash_client_address
from parley.comments.errors import BadRequest, CommentsClosed, Forbidden, ParleyError
from parley.comments.models import Comment, CommentRevision, CommentStatus, hash_edit_token
from parley.comments.rate_limits import check_rate
from parley.comments.services import check_new_comment, clean_comment_text
from parley.moderation.models import AuditAction, Decision
from parley.moderation.pipeline import Outcome, moderate
from parley.moderation.records import comment_state, lock_comment, set_status, write_audit

EDITABLE = (CommentStatus.PUBLISHED, CommentStatus.PENDING)


class EditRefused(ParleyError):
    """The new text would be rejected: the comment keeps its earlier text."""

    status = 422

    def __init__(self, public_reasons: list[str]) -> None:
        self.public_reasons = list(public_reasons)
        reasons = " ".join(r if r.rstrip()[-1:] in ".!?" else r + "." for r in public_reasons
                           if r.strip()) or "It does not follow our comment policy."
        super().__init__(f"Your edit could not be saved. {reasons} Your comment is unchanged.")


@dataclass
class EditResult:
    """The edited comment, its status after re-scoring, and what the commenter may be told."""

    comment: Comment
    status: str
    changed: bool


def token_matches(comment: Comment, token: str) -> bool:
    """Return whether ``token`` is this comment's edit token (constant-time; never for none)."""
    if not comment.edit_token_hash or not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(hash_edit_token(token), comment.edit_token_hash)


def check_owner(comment: Comment, token: str) -> None:
    """Raise Forbidden unless the token proves the reader wrote this comment."""
    if not token_matches(comment, token):
        raise Forbidden("Only the person who posted this comment can change it.")


def can_edit_now(comment: Comment) -> bool:
    """Return whether the comment's edit window is still open and its status allows an edit."""
    return comment.status in EDITABLE and timezone.now() <= comment.edit_window_ends()


def _check_editable(comment: Comment) -> None:
    if comment.status not in EDITABLE:
        raise BadRequest("This comment can no longer be edited.")
    if timezone.now() > comment.edit_window_ends():
        minutes = comment.story.site.edit_window_minutes
        raise Forbidden(f"Comments can be edited for {minutes} minutes after posting; "
                        "the time to edit this one has passed.")


def _limit(client_ip: str) -> str:
    address_hash = hash_client_address(client_ip)
    check_rate(group="parley.own.ip", rate=settings.PARLEY_RATE_EDITS, value=address_hash)
    return address_hash


def edit_own_comment(*, comment: Comment, token: str, text: str, client_ip: str = "") \
        -> EditResult:
    """Replace the text of the reader's own comment, scored again, within the edit window."""
    comment = Comment.objects.select_related("story__site", "parent").get(pk=comment.pk)
    check_owner(comment, token)
    _check_editable(comment)
    story = comment.story
    if story.comments_closed():
        raise CommentsClosed()
    text = clean_comment_text(text if isinstance(text, str) else "")
    check_new_comment(text=text, author_name=comment.author_name, author_email="",
                      story=story, parent=None)
    address_hash = _limit(client_ip)
    if text == comment.text:
        return EditResult(comment=comment, status=comment.status, changed=False)
    outcome = moderate(story=story, text=text, parent=comment.parent,
                       author_name=comment.author_name, author_email=comment.author_email,
                       author_user=comment.author_user, address_hash=address_hash)
    if outcome.status == CommentStatus.REJECTED:
        raise EditRefused(outcome.public_reasons)
    comment = _write_edit(comment=comment, token=token, text=text, outcome=outcome)
    return EditResult(comment=comment, status=comment.status, changed=True)


@transaction.atomic(durable=True)
def _write_edit(*, comment: Comment, token: str, text: str, outcome: Outcome) -> Comment:
    comment, record = lock_comment(comment)
    check_owner(comment, token)  # read again under the lock: a moderator may have acted
    _check_editable(comment)
    before = comment_state(comment, record)
    before["text"] = comment.text
    CommentRevision.objects.create(comment=comment, kind=CommentRevision.Kind.EDIT,
                                   text=comment.text, status=comment.status)
    now = timezone.now()
    comment.text = text
    comment.edited_at = now
    comment.language = outcome.language or comment.language
    comment.public_reasons = list(outcome.public_reasons)
    set_status(comment, outcome.status)  # moves the counters and the cache version
    record.decision = outcome.decision
    record.reasons = list(outcome.reasons)
    record.scores = dict(outcome.scores)
    record.language = outcome.language
    record.engine_version = outcome.engine_version
    if outcome.status == CommentStatus.PENDING:
        # The moderator's earlier look was at another text: it is back in the queue.
        record.human_label, record.reviewed_by, record.reviewed_at = "", None, None
    comment.save(update_fields=["text", "edited_at", "language", "public_reasons", "status",
                                "updated_at"])
    record.save(update_fields=["decision", "reasons", "scores", "language", "engine_version",
                               "human_label", "reviewed_by", "reviewed_at"])
    after = comment_state(comment, record)
    after["text"] = comment.text
    write_audit(action=AuditAction.AUTHOR_EDIT, acting_user=None, comment=comment,
                site=comment.story.site, before=before, after=after,
                note="Edited by its author" + (
                    "; held for review again" if record.decision == Decision.REVIEW else ""))
    return comment


def delete_own_comment(*, comment: Comment, token: str, client_ip: str = "") -> Comment:
    """Delete the reader's own comment: hidden from readers, its replies kept in place."""
    comment = Comment.objects.select_related("story__site").get(pk=comment.pk)
    check_owner(comment, token)
    if comment.status == CommentStatus.DELETED:
        return comment  # idempotent: deleting twice is one deletion
    if comment.status not in EDITABLE:
        raise BadRequest("This comment is no longer shown and cannot be deleted.")
    _limit(client_ip)
    return _write_delete(comment=comment, token=token)


@transaction.atomic(durable=True)
def _write_delete(*, comment: Comment, token: str) -> Comment:
    comment, record = lock_comment(comment)
    check_owner(comment, token)
    if comment.status == CommentStatus.DELETED:
        return comment
    if comment.status not in EDITABLE:
        raise BadRequest("This comment is no longer shown and cannot be deleted.")
    before = comment_state(comment, record)
    CommentRevision.objects.create(comment=comment, kind=CommentRevision.Kind.DELETE,
                                   text=comment.text, status=comment.status)
    set_status(comment, CommentStatus.DELETED)  # a published one leaves the count
    comment.is_featured = False
    comment.save(update_fields=["status", "is_featured", "updated_at"])
    write_audit(action=AuditAction.AUTHOR_DELETE, acting_user=None, comment=comment,
                site=comment.story.site, before=before, after=comment_state(comment, record),
                note="Deleted by its author")
    return comment
