"""The SuggestCommentScore request: a client's moderation decision, kept as training feedback.

Coral calls ``comments:suggestscore`` when its moderators approve or reject a comment
(coral-server ``services/perspective/perspective.ts``, ``formatBody``), with
``attributeScores: {<"APPROVED" or "DELETED">: {summaryScore: {value: 1}}}``, the comment's text,
``context.entries[0].text`` a JSON string with ``Coral_comment_id``, ``clientToken:
"comment:<id>"`` and ``communityId: "Coral:<tenant URL>"``. Other clients send Perspective's own
shape: attribute names with the score a person would give (``{"TOXICITY": {"summaryScore":
{"value": 1}}}``). Both become an approve/reject label; the client's comment id keeps a resent
suggestion from being stored twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from parley.moderation.models import DecisionLabel, RejectReason

from . import errors
from .schemas import (
    _check_fields,
    _context,
    _languages,
    _object,
    _string,
    comment_text,
    model_for_attribute,
)

_SUGGEST_FIELDS = frozenset({
    "comment", "context", "attributeScores", "languages", "communityId", "clientToken",
    "sessionId",
})
_ATTRIBUTE_SCORE_FIELDS = frozenset({"summaryScore", "spanScores"})
_SCORE_FIELDS = frozenset({"value", "type"})
# Coral's keys: the moderator's new status (its computeStatus: APPROVED, or DELETED for REJECTED).
CORAL_LABELS = {"APPROVED": DecisionLabel.APPROVED, "DELETED": DecisionLabel.REJECTED}
REASON_FOR_ATTRIBUTE = {"SPAM": RejectReason.SPAM, "OFF_TOPIC": RejectReason.OFF_TOPIC}
MAX_EXTERNAL_ID = 255


@dataclass(frozen=True)
class Suggestion:
    """A checked SuggestCommentScore request as Parley stores it."""

    text: str
    label: str
    reason: str
    external_id: str
    languages: tuple[str, ...] = ()
    client_token: str | None = None
    source_note: str = ""


def _summary_value(value: Any, where: str) -> float:
    scores = _object(value, where)
    _check_fields(scores, _ATTRIBUTE_SCORE_FIELDS, where)
    if "summaryScore" not in scores:
        raise errors.invalid_argument(f"{where}.summaryScore is required: the suggested score.")
    summary = _object(scores["summaryScore"], f"{where}.summaryScore")
    _check_fields(summary, _SCORE_FIELDS, f"{where}.summaryScore")
    number = summary.get("value")
    if isinstance(number, bool) or not isinstance(number, int | float) \
            or not 0.0 <= float(number) <= 1.0:
        raise errors.invalid_argument(f"{where}.summaryScore.value must be a number from 0 to 1.")
    return float(number)


def _label(attribute_scores: Any) -> tuple[str, str, str]:
    """Return (label, reject reason, note) from ``attributeScores``."""
    scores = _object(attribute_scores, "attribute_scores")
    if not scores:
        raise errors.invalid_argument("attribute_scores must not be empty.")
    values = {name: _summary_value(value, f"attribute_scores[{name}]")
              for name, value in scores.items()}
    coral = [name for name in values if name in CORAL_LABELS]
    if coral:
        if len(values) > 1:
            raise errors.invalid_argument(
                "attribute_scores: send one moderator status (APPROVED or DELETED), alone.")
        (name,) = coral
        label = CORAL_LABELS[name] if values[name] >= 0.5 else (
            DecisionLabel.REJECTED if name == "APPROVED" else DecisionLabel.APPROVED)
        return label, "", f"suggested status {name}"
    found = []
    for name, value in values.items():
        model = model_for_attribute(name)
        if model is None:
            raise errors.invalid_argument(
                f"Unknown attribute: {name}. Suggest a score for a Perspective attribute "
                "Parley answers, or APPROVED / DELETED (Coral).")
        if value >= 0.5:
            found.append((value, model))
    if not found:
        return DecisionLabel.APPROVED, "", "suggested scores below 0.5"
    _, top = max(found)
    return (DecisionLabel.REJECTED, REASON_FOR_ATTRIBUTE.get(top, RejectReason.ABUSIVE),
            f"suggested {top}")


def _coral_comment_id(data: dict[str, Any]) -> str:
    """Coral's comment id from its context entry (a JSON string), or ""."""
    entries = ((data.get("context") or {}).get("entries") or []) \
        if isinstance(data.get("context"), dict) else []
    for entry in entries:
        text = entry.get("text") if isinstance(entry, dict) else None
        if isinstance(text, str) and text.lstrip().startswith("{"):
            try:
                meta = json.loads(text)
            except json.JSONDecodeError:
                continue
            if isinstance(meta, dict) and isinstance(meta.get("Coral_comment_id"), str):
                return meta["Coral_comment_id"]
    return ""


def _external_id(*, community: str, token: str, coral_id: str, text: str) -> str:
    key = token or (f"comment:{coral_id}" if coral_id else "")
    if not key:
        key = "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    external = f"{community}|{key}" if community else key
    if len(external) > MAX_EXTERNAL_ID:
        external = "sha256:" + hashlib.sha256(external.encode("utf-8")).hexdigest()
    return external


def parse_suggest_request(data: dict[str, Any]) -> Suggestion:
    """Check a decoded SuggestCommentScore body and return it as a Suggestion."""
    _check_fields(data, _SUGGEST_FIELDS, "")
    text = comment_text(data)
    _context(data.get("context"))  # checked like analyze's, but not used for the label
    if data.get("attributeScores") is None:
        raise errors.invalid_argument("Missing attribute_scores: the suggested score(s).")
    label, reason, note = _label(data["attributeScores"])
    token = _string(data["clientToken"], "clientToken") if data.get("clientToken") else ""
    community = _string(data["communityId"], "communityId") if data.get("communityId") else ""
    external_id = _external_id(community=community, token=token,
                               coral_id=_coral_comment_id(data), text=text)
    return Suggestion(text=text, label=label, reason=reason, external_id=external_id,
                      languages=_languages(data.get("languages")), client_token=token or None,
                      source_note=f"comments:suggestscore ({note})")
