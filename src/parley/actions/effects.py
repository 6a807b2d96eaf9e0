"""The one way an action sends a side effect: after its transaction commits.

Side effects that must not be lost are first written in the action's transaction (webhook
deliveries: ``parley.moderation.events.record_comment_events``); what is sent afterwards (Celery
tasks, e-mails, releasing the posting lock) goes through ``after_commit``, so nothing is sent for
a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from parley.comments.models import Comment
from parley.moderation.events import record_comment_events


def after_commit(effect: Callable[[], None]) -> None:
    """Run ``effect`` once the current transaction commits (at once outside one).

    Robust: a failing effect is logged by Django and does not undo, or hide, the committed
    write, nor stop the effects registered after it.
    """
    transaction.on_commit(effect, robust=True)


def comment_events(comment: Comment, *, created: bool) -> None:
    """Record a new or newly decided comment's webhook deliveries now; send them after commit."""
    after_commit(record_comment_events(comment, created=created))
