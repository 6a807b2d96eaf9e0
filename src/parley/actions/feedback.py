"""Decisions made in another moderation system, sent back as training feedback.

Coral (and any Perspective client) calls ``comments:suggestscore`` when its moderators approve or
reject a comment. Parley keeps each as a ``HumanDecision`` like its own moderators' decisions
(``moderation.records.record_decision``), with the client's id of the comment instead of a
Parley comment: the same examples ``parley export-decisions`` and ``parley retrain`` read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parley.comments.models import Site
from parley.moderation.models import DecisionLabel, DecisionSource, HumanDecision


@dataclass
class FeedbackResult:
    """The decision in force for the external comment, and whether this call stored it."""

    decision: HumanDecision
    created: bool


@transaction.atomic(durable=True)
def record_suggested_score(*, site: Site, external_id: str, text: str, label: str,
                           reason: str = "", scores: dict[str, Any] | None = None,
                           language: str = "", note: str = "") -> FeedbackResult:
    """Store a client's moderation decision on one of its comments, once.

    The same suggestion sent again (a retry) stores nothing; a different label or text for the
    same comment replaces the one in force (marked undone, as a moderator's change of mind is).
    """
    if label not in DecisionLabel.values:
        raise ValueError(f"label must be one of {DecisionLabel.values}")
    if not external_id:
        raise ValueError("external_id is required: it is what keeps a suggestion from repeating")
    current = (HumanDecision.objects.select_for_update()
               .filter(site=site, external_id=external_id, undone_at__isnull=True).first())
    if current is not None and current.label == label and current.text == text:
        return FeedbackResult(decision=current, created=False)
    now = timezone.now()
    if current is not None:
        HumanDecision.objects.filter(pk=current.pk).update(undone_at=now)
    try:
        with transaction.atomic():
            decision = HumanDecision.objects.create(
                site=site, comment=None, source=DecisionSource.SUGGESTSCORE,
                external_id=external_id, label=label, reason=reason, note=note, text=text,
                scores=dict(scores or {}), language=language, decided_by=None, decided_at=now,
            )
    except IntegrityError:
        # Another request stored the same comment's decision between our read and write.
        existing = HumanDecision.objects.get(site=site, external_id=external_id,
                                             undone_at__isnull=True)
        return FeedbackResult(decision=existing, created=False)
    return FeedbackResult(decision=decision, created=True)
