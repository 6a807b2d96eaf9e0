"""Template helpers for moderator pages: score bars and queue links."""

from __future__ import annotations

from typing import Any

from django import template

from parley.moderation.selectors import SCORE_ATTRIBUTES

register = template.Library()

LABELS = {
    "TOXICITY": "toxicity", "SEVERE_TOXICITY": "severe toxicity", "INSULT": "insult",
    "PROFANITY": "profanity", "THREAT": "threat", "IDENTITY_ATTACK": "identity attack",
    "OFF_TOPIC": "off-topic", "SPAM": "spam",
}


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
        rows.append({"name": name, "label": LABELS[name], "value": value,
                     "percent": round(value * 100), "level": level})
    return rows
