"""What moderators read for stored names: rule keys, audit fields, reasons and their values.

Audit entries keep their before/after state as JSON with code names; the pages show them through
these labels, so "is_featured: False" reads "Featured: no" and "off_topic" reads "Off-topic".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from parley.comments.models import CommentStatus, ReportReason
from parley.moderation.models import AuditAction, DecisionLabel, RejectReason

# The engine's attributes, as score bars and the thresholds page name them.
ATTRIBUTE_LABELS: dict[str, Any] = {
    "TOXICITY": _("toxicity"), "SEVERE_TOXICITY": _("severe toxicity"), "INSULT": _("insult"),
    "PROFANITY": _("profanity"), "THREAT": _("threat"), "IDENTITY_ATTACK": _("identity attack"),
    "OFF_TOPIC": _("off-topic"), "SPAM": _("spam"),
}

# The site rules, as the rules page and the audit log name them.
RULE_LABELS: dict[str, Any] = {
    "banned_words": _("Banned words"),
    "suspect_words": _("Suspect words"),
    "hold_links": _("Hold comments with links"),
    "premoderate_all": _("Pre-moderate every comment"),
    "close_after_days": _("Close comments after (days)"),
    "report_threshold_review": _("Reports before review"),
    "report_threshold_hide": _("Reports before hiding"),
    "pending_alert_minutes": _("Alert when Pending waits (minutes)"),
    "edit_window_minutes": _("Readers may edit their comment for (minutes)"),
}

# Keys of AuditEntry.before / .after (see moderation.records.comment_state and parley.actions).
STATE_LABELS: dict[str, Any] = {
    **RULE_LABELS,
    "status": _("Status"),
    "is_featured": _("Featured"),
    "public_reasons": _("Reasons shown to the author"),
    "hidden_by_reports": _("Hidden by reports"),
    "human_label": _("Moderator's decision"),
    "reviewed_by": _("Reviewed by user"),
    "reviewed_at": _("Reviewed at"),
    "decision_id": _("Decision"),
    "resolved_reports": _("Reports resolved"),
    "restriction_id": _("Restriction"),
    "restriction_ids": _("Restrictions lifted"),
    "expires_at": _("Expires"),
    "author_name": _("Author"),
    "is_closed": _("Comments closed"),
    "closes_at": _("Comments close at"),
    "premoderate": _("Pre-moderated"),
    "story_id": _("Story"),
    "policy": _("Engine thresholds"),
    "webhook": _("Webhook"),
    "url": _("Address"),
    "events": _("Events"),
    "active": _("Active"),
}

_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "status": dict(CommentStatus.choices),
    "human_label": dict(DecisionLabel.choices),
}
_ID_KEYS = {"decision_id", "restriction_id", "story_id", "webhook", "reviewed_by"}


def reason_label(reason: str) -> str:
    """Return a stored reason as moderators read it: a rejection or report reason's label,
    an undone action's label, else the text itself."""
    for choices in (RejectReason, ReportReason, AuditAction):
        if reason in choices.values:
            return str(choices(reason).label)
    return str(STATE_LABELS.get(reason, reason))


def value_text(key: str, value: Any) -> str:
    """Return one stored value in words: yes/no, "none", dates, lists and labels."""
    if value is None or value == "" or value == [] or value == {}:
        return str(_("none"))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key in _CHOICE_LABELS:
        return str(_CHOICE_LABELS[key].get(value, value))
    if key in _ID_KEYS or key in ("resolved_reports", "restriction_ids"):
        items = value if isinstance(value, list) else [value]
        return ", ".join(f"#{item}" for item in items)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(str(k), v)}" for k, v in value.items())
    if isinstance(value, str) and key.endswith("_at"):
        moment = parse_datetime(value)
        if isinstance(moment, datetime):
            return moment.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def state_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Return an audit entry's change as lines "Label: old → new" (or "Label: value" for a key
    only one side has), leaving out what did not change."""
    before, after = dict(before or {}), dict(after or {})
    lines = []
    for key in [*after, *(k for k in before if k not in after)]:
        label = STATE_LABELS.get(key, key.replace("_", " ").capitalize())
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            lines.append(f"{label}: {value_text(key, before[key])} → {value_text(key, after[key])}")
        else:
            lines.append(f"{label}: {value_text(key, after.get(key, before.get(key)))}")
    return lines
