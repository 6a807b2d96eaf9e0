"""Policy preview: what the engine would have done with recent comments under other thresholds.

"With these thresholds, last week's N comments would have gone X published / Y held /
Z rejected" — computed by re-running ``parley.engine.policy.decide`` on the scores stored in each
comment's ModerationRecord (no re-scoring), and compared with what moderators actually decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from parley.comments.errors import InvalidInput
from parley.comments.models import Site
from parley.moderation.models import DecisionLabel, HumanDecision, ModerationRecord

MAX_COMMENTS = 20000


@dataclass
class PolicyPreview:
    days: int
    scored: int = 0
    unscored: int = 0
    would: dict[str, int] = field(default_factory=lambda: {"publish": 0, "review": 0,
                                                          "reject": 0})
    actual: dict[str, int] = field(default_factory=lambda: {"publish": 0, "review": 0,
                                                           "reject": 0})
    # How the new verdicts meet the moderators' own decisions on the same comments.
    human_rejected_published: int = 0
    human_approved_rejected: int = 0
    human_decided: int = 0

    def share(self, key: str) -> float:
        return self.would[key] / self.scored if self.scored else 0.0


def parse_policy(data: dict[str, Any]) -> Any:
    """Return an engine Policy from a site's policy JSON, or raise InvalidInput("policy", ...)."""
    from parley.engine.policy import Policy, PolicyError

    try:
        return Policy.from_dict(data)
    except PolicyError as error:
        raise InvalidInput("policy", str(error)) from None


def preview_policy(*, site: Site, policy_data: dict[str, Any], days: int = 7,
                   now: Any = None) -> PolicyPreview:
    """Re-decide the site's comments of the last ``days`` days under ``policy_data``."""
    from parley.engine.policy import decide
    from parley.engine.types import Scores

    if not 1 <= days <= 365:
        raise InvalidInput("days", "choose 1 to 365 days.")
    policy = parse_policy(policy_data)
    since = (now or timezone.now()) - timedelta(days=days)
    records = (
        ModerationRecord.objects.filter(comment__story__site=site, comment__created_at__gte=since)
        .values_list("comment_id", "decision", "scores", "language")[:MAX_COMMENTS]
    )
    human = dict(
        HumanDecision.objects.filter(site=site, undone_at__isnull=True,
                                     comment__created_at__gte=since)
        .values_list("comment_id", "label")
    )
    preview = PolicyPreview(days=days)
    for comment_id, decision, scores, language in records:
        values = {k: v for k, v in (scores or {}).items() if isinstance(v, int | float)}
        if not values:
            preview.unscored += 1  # rules-only or engine unavailable: nothing to re-decide
            continue
        verdict = decide(Scores(values=values, language=language or "und"), policy)
        preview.scored += 1
        preview.would[verdict.status] += 1
        if decision in preview.actual:
            preview.actual[decision] += 1
        label = human.get(comment_id)
        if label:
            preview.human_decided += 1
            if label == DecisionLabel.REJECTED and verdict.status == "publish":
                preview.human_rejected_published += 1
            if label == DecisionLabel.APPROVED and verdict.status == "reject":
                preview.human_approved_rejected += 1
    return preview
