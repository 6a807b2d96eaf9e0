"""The one way an action sends a side effect: after its transaction commits.

Side effects that must not be lost are first written in the action's transaction as outbox rows
(webhook deliveries, e-mails, re-scoring: ``parley.moderation.outbox``); what is done afterwards
(enqueueing their Celery tasks, releasing the posting lock) goes through ``after_commit``, so
nothing is sent for a change that was rolled back, and a lost enqueue is swept up later.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from parley.comments.models import Comment
from parley.moderation.events import record_comment_events, record_rescore


def after_commit(effect: Callable[[], None]) -> None:
    """Run ``effect`` once the current transaction commits (at once outside one).

    Robust: a failing effect is logged by Django and does not undo, or hide, the committed
    write, nor stop the effects registered after it.
    """
    transaction.on_commit(effect, robust=True)


def comment_events(comment: Comment, *, created: bool) -> None:
    """Record a new or newly decided comment's webhook deliveries now; send them after commit."""
    after_commit(record_comment_events(comment, created=created))


def rescore_later(comment: Comment) -> None:
    """Owe a comment held because the engine failed a re-scoring (written now, enqueued after
    commit), where ``PARLEY_RESCORE_HELD`` is on."""
    if settings.PARLEY_RESCORE_HELD:
        after_commit(record_rescore(comment))
