"""The engine's value types: what a caller passes in (Context) and gets back (Scores)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The abuse attributes the heads score, in a fixed order (Perspective-compatible names).
ABUSE_ATTRIBUTES: tuple[str, ...] = (
    "TOXICITY",
    "SEVERE_TOXICITY",
    "INSULT",
    "PROFANITY",
    "THREAT",
    "IDENTITY_ATTACK",
)
#: Every attribute a Scores carries: the abuse heads plus relevance and spam.
ATTRIBUTES: tuple[str, ...] = (*ABUSE_ATTRIBUTES, "OFF_TOPIC", "SPAM")

#: Languages the engine has been trained and measured on; others go to review by default.
SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"en", "de", "ur", "ur-Latn", "und"})


@dataclass(frozen=True)
class Context:
    """What a comment is about: its article, the comment it answers and the rest of the thread.

    ``story_key`` lets the engine cache the article's embedding between comments on one story;
    ``lang`` overrides language detection when the caller already knows it.
    """

    title: str = ""
    body: str = ""
    parent: str = ""
    thread: tuple[str, ...] = ()
    lang: str | None = None
    story_key: str | None = None

    @property
    def has_article(self) -> bool:
        return bool(self.title.strip() or self.body.strip())

    @property
    def has_relevance_context(self) -> bool:
        """True when there is an article or a parent comment to judge relevance against."""
        return self.has_article or bool(self.parent.strip())


@dataclass
class Scores:
    """Calibrated probabilities for one comment, plus the engine's own reading of them."""

    values: dict[str, float | None]
    language: str
    reasons: list[str] = field(default_factory=list)
    abusive: bool = False
    off_topic: bool | None = None
    engine_version: str = ""
    # What OFF_TOPIC was judged against ("the article", "the article and the comment it replies
    # to") and which spam signals fired: used to word moderator reasons.
    off_topic_basis: str = ""
    spam_signals: list[str] = field(default_factory=list)

    def __getitem__(self, attribute: str) -> float | None:
        return self.values[attribute]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (probabilities rounded to 4 places)."""
        return {
            "scores": {
                name: (None if value is None else round(float(value), 4))
                for name, value in self.values.items()
            },
            "language": self.language,
            "reasons": list(self.reasons),
            "abusive": self.abusive,
            "off_topic": self.off_topic,
            "engine_version": self.engine_version,
        }
