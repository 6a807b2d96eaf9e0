"""A site's moderation settings (``Site.moderation_settings``), read with defaults and validated.

Keys (all optional): ``report_threshold_review`` (reports that put a published comment in the
Reported queue, default 1), ``report_threshold_hide`` (reports that hide it until a moderator
decides, default 3), ``banned_words`` / ``suspect_words`` (lists of words: reject / hold),
``hold_links`` (hold comments containing a link), ``premoderate_all`` (hold every comment),
``close_after_days`` (close stories' comments N days after publication),
``pending_alert_minutes`` (e-mail moderators when Pending waits longer),
``edit_window_minutes`` (how long commenters may edit their comment; 0: never; absent: the
PARLEY_EDIT_WINDOW_MINUTES default, read by ``Site.edit_window_minutes``),
``policy`` (the engine's thresholds, read by
``parley.engine.policy.Policy.from_dict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parley.comments.errors import InvalidInput
from parley.comments.models import Site

DEFAULT_REPORT_THRESHOLD_REVIEW = 1
DEFAULT_REPORT_THRESHOLD_HIDE = 3
MAX_WORDS = 500
MAX_WORD_CHARS = 60


@dataclass(frozen=True)
class ModerationSettings:
    report_threshold_review: int = DEFAULT_REPORT_THRESHOLD_REVIEW
    report_threshold_hide: int = DEFAULT_REPORT_THRESHOLD_HIDE
    banned_words: tuple[str, ...] = ()
    suspect_words: tuple[str, ...] = ()
    hold_links: bool = False
    premoderate_all: bool = False
    close_after_days: int | None = None
    pending_alert_minutes: int | None = None
    edit_window_minutes: int | None = None
    policy: dict[str, Any] = field(default_factory=dict)


def _positive_int(raw: dict[str, Any], key: str, default: int | None) -> int | None:
    value = raw.get(key, default)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(key, "must be a whole number.") from None
    if number < 1:
        raise InvalidInput(key, "must be at least 1.")
    return number


MAX_EDIT_WINDOW_MINUTES = 7 * 24 * 60


def _edit_window(raw: dict[str, Any]) -> int | None:
    value = raw.get("edit_window_minutes")
    if value in (None, ""):
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise InvalidInput("edit_window_minutes", "must be a whole number.") from None
    if not 0 <= minutes <= MAX_EDIT_WINDOW_MINUTES:
        raise InvalidInput("edit_window_minutes",
                           f"must be from 0 to {MAX_EDIT_WINDOW_MINUTES} minutes.")
    return minutes


def _words(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if isinstance(value, str):
        value = value.replace(",", "\n").splitlines()
    if not isinstance(value, list | tuple):
        raise InvalidInput(key, "must be a list of words.")
    words = tuple(dict.fromkeys(str(w).strip() for w in value if str(w).strip()))
    if len(words) > MAX_WORDS:
        raise InvalidInput(key, f"at most {MAX_WORDS} words.")
    if any(len(w) > MAX_WORD_CHARS for w in words):
        raise InvalidInput(key, f"each word at most {MAX_WORD_CHARS} characters.")
    return words


def parse_settings(raw: dict[str, Any] | None) -> ModerationSettings:
    """Return validated settings from a site's JSON; raise InvalidInput naming a bad key."""
    raw = dict(raw or {})
    review = _positive_int(raw, "report_threshold_review", DEFAULT_REPORT_THRESHOLD_REVIEW)
    hide = _positive_int(raw, "report_threshold_hide", DEFAULT_REPORT_THRESHOLD_HIDE)
    assert review is not None and hide is not None
    if hide < review:
        raise InvalidInput("report_threshold_hide", "must not be below the review threshold.")
    policy = raw.get("policy") or {}
    if not isinstance(policy, dict):
        raise InvalidInput("policy", "must be an object.")
    return ModerationSettings(
        report_threshold_review=review,
        report_threshold_hide=hide,
        banned_words=_words(raw, "banned_words"),
        suspect_words=_words(raw, "suspect_words"),
        hold_links=bool(raw.get("hold_links", False)),
        premoderate_all=bool(raw.get("premoderate_all", False)),
        close_after_days=_positive_int(raw, "close_after_days", None),
        pending_alert_minutes=_positive_int(raw, "pending_alert_minutes", None),
        edit_window_minutes=_edit_window(raw),
        policy=policy,
    )


def site_settings(site: Site) -> ModerationSettings:
    """Return the site's settings; a stored value that no longer validates falls back to defaults
    for that site rather than breaking posting (the settings page shows the error when saved)."""
    try:
        return parse_settings(site.moderation_settings)
    except InvalidInput:
        return ModerationSettings()
