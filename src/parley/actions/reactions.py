"""Readers' "Recommend" on a published comment: one per reader, counted without an account.

A reader is a random per-browser id (the reader page's httponly cookie, the embed's
localStorage), stored only as a salted hash; each client address is also rate-limited, so
clearing the cookie over and over costs a request each time and soon stops counting. Setting
the state is idempotent: ``recommend=True`` twice is one recommendation.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from parley.comments.client_address import hash_client_address
from parley.comments.errors import BadRequest, InvalidInput
from parley.comments.models import Comment, CommentStatus, Reaction
from parley.comments.rate_limits import check_rate
from parley.comments.services import update_story_counters

# What a reader id may look like: the id is random, 16 to 64 URL-safe characters.
READER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class ReactionResult:
    comment_id: int
    recommended: bool
    count: int


def hash_reader(reader_id: str) -> str:
    """Return the stored form of a reader id, or raise InvalidInput for a malformed one."""
    if not isinstance(reader_id, str) or not READER_ID.match(reader_id):
        raise InvalidInput("reader", "A reader id of 16 to 64 letters, digits, - or _ is needed.")
    salted = f"{settings.SECRET_KEY}\nparley-reader\n{reader_id}"
    return hashlib.sha256(salted.encode("utf-8")).hexdigest()


def recommended_ids(*, reader_id: str, comment_ids: list[int]) -> list[int]:
    """Return which of these comments the reader recommends (one query)."""
    if not comment_ids:
        return []
    reader_hash = hash_reader(reader_id)
    return sorted(Reaction.objects.filter(reader_hash=reader_hash, comment_id__in=comment_ids)
                  .values_list("comment_id", flat=True))


def set_recommendation(*, comment: Comment, reader_id: str, recommend: bool,
                       client_ip: str = "") -> ReactionResult:
    """Recommend the comment (or take it back) for this reader; return the new state."""
    reader_hash = hash_reader(reader_id)
    check_rate(group="parley.react.ip", rate=settings.PARLEY_RATE_REACTIONS,
               value=hash_client_address(client_ip))
    return _write(comment_id=comment.pk, reader_hash=reader_hash, recommend=recommend)


@transaction.atomic(durable=True)
def _write(*, comment_id: int, reader_hash: str, recommend: bool) -> ReactionResult:
    comment = Comment.objects.select_for_update().only("id", "status", "story_id") \
        .get(pk=comment_id)
    if comment.status != CommentStatus.PUBLISHED:
        raise BadRequest("Only published comments can be recommended.")
    existing = Reaction.objects.filter(comment_id=comment_id, reader_hash=reader_hash)
    delta = 0
    if recommend and not existing.exists():
        try:
            with transaction.atomic():
                Reaction.objects.create(comment_id=comment_id, reader_hash=reader_hash)
            delta = 1
        except IntegrityError:  # the same reader, at the same moment: already counted
            delta = 0
    elif not recommend:
        delta = -existing.delete()[0]
    if delta:
        Comment.objects.filter(pk=comment_id).update(recommend_count=F("recommend_count") + delta)
        update_story_counters(story_id=comment.story_id)  # cached pages show the new count
    count = Comment.objects.filter(pk=comment_id).values_list("recommend_count", flat=True)[0]
    return ReactionResult(comment_id=comment_id, recommended=recommend, count=count)
