"""Template helpers for moderator pages: score bars, audit changes and reasons in words."""

from __future__ import annotations

from typing import Any

from django import template

from parley.moderation.labels import ATTRIBUTE_LABELS, reason_label, state_changes
from parley.moderation.selectors import SCORE_ATTRIBUTES

register = template.Library()



@register.simple_tag
def score_rows(scores: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return one row per known attribute with a number: label, value, width in percent, level."""
    rows = []
    for name in SCORE_ATTRIBUTES:
        value = (scores or {}).get(name)
        if not isinstance(value, int | float):
            continue
        value = min(max(float(value), 0.0), 1.0)
        level = "high" if value >= 0.8 else "mid" if value >= 0.5 else "low"
        rows.append({"name": name, "label": str(ATTRIBUTE_LABELS[name]), "value": value,
                     "percent": round(value * 100), "level": level})
    return rows


@register.simple_tag
def audit_changes(entry: Any) -> list[str]:
    """Return what an audit entry changed, one readable line per field."""
    return state_changes(entry.before, entry.after)


@register.filter
def reason_in_words(reason: str) -> str:
    """Return a stored reason ("off_topic", "reject") as moderators read it."""
    return reason_label(reason)
