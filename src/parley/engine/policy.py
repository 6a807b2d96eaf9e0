"""Policy: turn calibrated scores into publish / review / reject, with reasons for both sides.

A site's JSON settings (``Policy.from_dict``) may override any threshold. The defaults publish
clean comments, reject only when the engine is very sure, and send the uncertain middle to a
person. Profanity alone is not abuse: it publishes unless the site asks to review it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .types import ABUSE_ATTRIBUTES, ATTRIBUTES, SUPPORTED_LANGUAGES, Scores

Status = Literal["publish", "review", "reject"]

DEFAULT_REVIEW: dict[str, float] = {
    "TOXICITY": 0.6,
    "SEVERE_TOXICITY": 0.6,
    "INSULT": 0.6,
    "PROFANITY": 0.6,  # only used when profanity == "review"
    "THREAT": 0.6,
    "IDENTITY_ATTACK": 0.6,
    "OFF_TOPIC": 0.85,
    "SPAM": 0.6,
}
DEFAULT_REJECT: dict[str, float | None] = {
    "TOXICITY": 0.95,
    "SEVERE_TOXICITY": 0.9,
    "INSULT": 0.95,
    "PROFANITY": None,  # never rejected for profanity alone
    "THREAT": 0.95,
    "IDENTITY_ATTACK": 0.95,
    "OFF_TOPIC": None,  # a person decides whether a comment strays too far
    "SPAM": 0.9,
}

# Moderator wording: what the engine thinks, with its probability.
_MODERATOR_WORDING = {
    "TOXICITY": "likely toxic",
    "SEVERE_TOXICITY": "likely severely toxic",
    "INSULT": "likely an insult",
    "PROFANITY": "contains profanity",
    "THREAT": "likely a threat",
    "IDENTITY_ATTACK": "likely attacks people for who they are",
    "OFF_TOPIC": "unrelated to the article",
    "SPAM": "likely spam",
}
# Public wording: softened, about the comment not the person, and saying what happens next.
_PUBLIC_WORDING = {
    "TOXICITY": "Your comment may be hurtful or disrespectful",
    "SEVERE_TOXICITY": "Your comment may be very hurtful or disrespectful",
    "INSULT": "Your comment may contain insulting language",
    "PROFANITY": "Your comment contains strong language",
    "THREAT": "Your comment may read as a threat",
    "IDENTITY_ATTACK": "Your comment may attack people for who they are",
    "OFF_TOPIC": "Your comment may not be about this article",
    "SPAM": "Your comment looks like advertising or repeated posting",
}
_PUBLIC_NEXT = {
    "review": ", so a moderator will review it.",
    "reject": ", so it was not published.",
}
_NUDGE = "Before you post: {reason}. You can edit it now, or post it for a moderator to review."


_POLICY_KEYS = frozenset(
    {"review", "reject", "profanity", "allow_profanity", "unsupported_language", "nudge"}
)


class PolicyError(ValueError):
    """A site's policy settings are not valid; the message says which key and why."""


@dataclass
class Policy:
    """Per-attribute thresholds and the site's choices; the defaults suit a general news site."""

    review: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_REVIEW))
    reject: dict[str, float | None] = field(default_factory=lambda: dict(DEFAULT_REJECT))
    allow_profanity: bool = True
    unsupported_language: Literal["review", "publish"] = "review"
    nudge: bool = False

    @property
    def profanity(self) -> Literal["publish", "review"]:
        return "publish" if self.allow_profanity else "review"

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Policy:
        """Build a policy from a site's JSON settings; every key is optional.

        Keys: ``review`` / ``reject`` ({attribute: probability, or null to switch a reject
        off}), ``profanity`` ("publish" | "review") or ``allow_profanity`` (bool),
        ``unsupported_language`` ("review" | "publish"), ``nudge`` (bool).
        """
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise PolicyError("the policy must be a JSON object")
        unknown = sorted(set(data) - _POLICY_KEYS)
        if unknown:
            raise PolicyError(f"unknown policy key(s): {', '.join(unknown)}")
        policy = cls()
        for kind, target in (("review", policy.review), ("reject", policy.reject)):
            overrides = data.get(kind) or {}
            if not isinstance(overrides, dict):
                raise PolicyError(f"policy.{kind} must map attribute names to probabilities")
            for name, value in overrides.items():
                if name not in ATTRIBUTES:
                    raise PolicyError(f"policy.{kind}: unknown attribute {name!r}")
                if value is None and kind == "reject":
                    target[name] = None
                    continue
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise PolicyError(f"policy.{kind}.{name} must be a number between 0 and 1")
                if not 0.0 <= float(value) <= 1.0:
                    raise PolicyError(f"policy.{kind}.{name} must be between 0 and 1")
                target[name] = float(value)
        for name in ATTRIBUTES:
            reject = policy.reject.get(name)
            if reject is not None and reject < policy.review[name]:
                raise PolicyError(
                    f"policy: the reject threshold of {name} is below its review threshold"
                )
        if "profanity" in data:
            if data["profanity"] not in ("publish", "review"):
                raise PolicyError('policy.profanity must be "publish" or "review"')
            policy.allow_profanity = data["profanity"] == "publish"
        if "allow_profanity" in data:
            if not isinstance(data["allow_profanity"], bool):
                raise PolicyError("policy.allow_profanity must be true or false")
            policy.allow_profanity = data["allow_profanity"]
        if "unsupported_language" in data:
            if data["unsupported_language"] not in ("review", "publish"):
                raise PolicyError('policy.unsupported_language must be "review" or "publish"')
            policy.unsupported_language = data["unsupported_language"]
        if "nudge" in data:
            if not isinstance(data["nudge"], bool):
                raise PolicyError("policy.nudge must be true or false")
            policy.nudge = data["nudge"]
        return policy


@dataclass
class Verdict:
    """The decision for one comment: moderator reasons, public reasons, and the nudge text."""

    status: Status
    reasons: list[str] = field(default_factory=list)
    public_reasons: list[str] = field(default_factory=list)
    nudge: str | None = None
    # The attributes behind the decision, in the order of ``reasons`` (rejections first): what
    # callers that speak another system's codes (Coral's rejection reasons) map from.
    attributes: list[str] = field(default_factory=list)


def moderator_reason(attribute: str, probability: float, scores: Scores | None = None) -> str:
    """Return the moderator wording for one attribute, e.g. "likely an insult (0.93)"."""
    wording = _MODERATOR_WORDING[attribute]
    if attribute == "OFF_TOPIC" and scores is not None and scores.off_topic_basis:
        wording = f"unrelated to {scores.off_topic_basis}"
    if attribute == "SPAM" and scores is not None and scores.spam_signals:
        wording = f"likely spam: {', '.join(scores.spam_signals)}"
    return f"{wording} ({probability:.2f})"


def public_reason(attribute: str, status: Status) -> str:
    return _PUBLIC_WORDING[attribute] + _PUBLIC_NEXT.get(status, _PUBLIC_NEXT["review"])


def _attribute_status(attribute: str, probability: float, policy: Policy) -> Status:
    if attribute == "PROFANITY" and policy.allow_profanity:
        return "publish"
    reject = policy.reject.get(attribute)
    if reject is not None and probability >= reject:
        return "reject"
    if probability >= policy.review[attribute]:
        return "review"
    return "publish"


def decide(scores: Scores, policy: Policy | None = None) -> Verdict:
    """Decide publish / review / reject for scored comment under a site's policy.

    Rejections come first in the reasons, then reviews, each by falling probability.
    """
    policy = policy or Policy()
    findings: list[tuple[Status, float, str]] = []
    for attribute in ATTRIBUTES:
        probability = scores.values.get(attribute)
        if probability is None:
            continue
        status = _attribute_status(attribute, float(probability), policy)
        if status != "publish":
            findings.append((status, float(probability), attribute))
    findings.sort(key=lambda item: (item[0] != "reject", -item[1]))
    status: Status = "publish"
    if any(found == "reject" for found, _, _ in findings):
        status = "reject"
    elif findings:
        status = "review"
    reasons = [moderator_reason(attribute, p, scores) for _, p, attribute in findings]
    if (scores.language not in SUPPORTED_LANGUAGES and policy.unsupported_language == "review"
            and status != "reject"):
        reasons.append(f"written in a language the engine does not support ({scores.language})")
        status = "review"
        unsupported = True
    else:
        unsupported = False
    # Every public reason ends with what happens to the comment as a whole, so a rejected
    # comment never also says "a moderator will review it".
    public = []
    for _, _, attribute in findings:
        text = public_reason(attribute, status)
        if text not in public:
            public.append(text)
    if unsupported:
        public.append(
            "Your comment is in a language our automatic checks do not cover, "
            "so a moderator will review it."
        )
    nudge = None
    if policy.nudge and findings and status != "publish":
        _, _, top = findings[0]
        reason = _PUBLIC_WORDING[top].replace("Your comment", "this comment")
        nudge = _NUDGE.format(reason=reason)
    return Verdict(status=status, reasons=reasons, public_reasons=public, nudge=nudge,
                   attributes=[attribute for _, _, attribute in findings])


def decide_failure(error: BaseException | str) -> Verdict:
    """Verdict for when the engine failed or timed out: hold the comment for a person."""
    detail = str(error)
    if isinstance(error, BaseException) and not detail:
        detail = type(error).__name__
    reason = "the moderation engine was unavailable, so no scores were computed"
    if detail:
        reason += f" ({detail})"
    return Verdict(
        status="review",
        reasons=[reason],
        public_reasons=["Your comment will appear once a moderator has checked it."],
    )


__all__ = [
    "ABUSE_ATTRIBUTES",
    "Policy",
    "PolicyError",
    "Verdict",
    "decide",
    "decide_failure",
    "moderator_reason",
    "public_reason",
]
