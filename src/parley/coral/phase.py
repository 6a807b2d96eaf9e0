"""Coral's external moderation phase, decided by Parley's own moderation pipeline.

The request is Coral's ``ExternalModerationRequest`` and the answer its
``ExternalModerationResponse`` (coral-server ``services/comments/pipeline/phases/external.ts``):
``{status, actions: [{actionType: "FLAG", reason}], moderationAction: {rejectionReason: {code}}}``,
or None for "no decision" (the endpoint answers 204 and Coral carries on as if Parley were not
there). The decision itself is ``parley.moderation.pipeline.moderate``, the one posting uses,
with the site's rules and policy; this module only translates.

How Parley's outcome becomes Coral's:
- published, scored by the engine: ``NONE`` (Coral's "published, not moderated"). Parley never
  answers ``APPROVED``: in Coral that is a moderator's act, and the comment stays reportable.
- held, with the engine's findings: ``SYSTEM_WITHHELD`` (what Coral's own toxic and spam phases
  answer) with a FLAG per kind of finding; held by the site's rules or a pre-moderated story
  with no finding: ``PREMOD``. Both land in Coral's Pending queue.
- rejected: ``REJECTED`` with the flags and a rejection code from the strongest finding:
  identity attack ``HATE_SPEECH``, spam ``SPAM``, off-topic ``IRRELEVANT_CONTENT``, other abuse
  ``ABUSIVE``; a banned word (rules, no finding) ``BANNED_WORD``.
- no decision (None): the engine is off and no rule applied, the engine could not answer within
  Coral's timeout, or the comment is empty.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from parley.comments.models import Comment, Site, Story
from parley.comments.selectors import find_story_by_url
from parley.comments.services import clean_comment_text
from parley.moderation.pipeline import Outcome, moderate

FLAG_TOXIC = "COMMENT_DETECTED_TOXIC"
FLAG_SPAM = "COMMENT_DETECTED_SPAM"
# Coral's external phase accepts only these two detected-flag reasons (its response schema).
FLAG_FOR_ATTRIBUTE = {
    "TOXICITY": FLAG_TOXIC, "SEVERE_TOXICITY": FLAG_TOXIC, "INSULT": FLAG_TOXIC,
    "PROFANITY": FLAG_TOXIC, "THREAT": FLAG_TOXIC, "IDENTITY_ATTACK": FLAG_TOXIC,
    "SPAM": FLAG_SPAM,
}
# Coral's REJECTION_REASON_CODE for the strongest finding of a rejected comment.
CODE_FOR_ATTRIBUTE = {"IDENTITY_ATTACK": "HATE_SPEECH", "SPAM": "SPAM",
                      "OFF_TOPIC": "IRRELEVANT_CONTENT"}
CODE_ABUSIVE = "ABUSIVE"
CODE_BANNED_WORD = "BANNED_WORD"
# Time kept back from Coral's timeout for the answer to travel: a fifth of it, at most 200 ms.
MARGIN_SHARE = 0.2
MARGIN_MAX_S = 0.2
# Coral's allowed comment markup, for phases set to send HTML instead of plain text.
_CORAL_TAG = re.compile(
    r"</?(?:p|br|div|li|ul|ol|blockquote|b|i|u|s|strong|em|strike|span|a|code|pre)\b[^>]*>",
    re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|blockquote)\b[^>]*>", re.IGNORECASE)


class CoralComment(Schema):
    body: str
    parentID: str | None = None  # noqa: N815 - Coral's field name


class CoralAuthor(Schema):
    id: str = ""
    role: str = ""


class CoralStory(Schema):
    id: str = ""
    url: str = Field(min_length=1, max_length=1000)


class CoralSite(Schema):
    id: str = ""


class ExternalModerationRequest(Schema):
    """What Coral POSTs; fields Parley does not use are optional, unknown ones ignored."""

    action: Literal["NEW", "EDIT"]
    comment: CoralComment
    story: CoralStory
    author: CoralAuthor | None = None
    site: CoralSite | None = None
    tenantID: str = ""  # noqa: N815
    tenantDomain: str = ""  # noqa: N815


class CoralAction(Schema):
    actionType: Literal["FLAG"] = "FLAG"  # noqa: N815
    reason: Literal["COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM"]


class CoralRejectionReason(Schema):
    code: str
    detailedExplanation: str | None = None  # noqa: N815


class CoralModerationAction(Schema):
    rejectionReason: CoralRejectionReason  # noqa: N815


class ExternalModerationResponse(Schema):
    """Parley's answer in Coral's shape (Coral strips keys it does not know)."""

    status: Literal["NONE", "PREMOD", "SYSTEM_WITHHELD", "REJECTED"]
    actions: list[CoralAction] = []
    moderationAction: CoralModerationAction | None = None  # noqa: N815


@dataclass(frozen=True)
class Budget:
    """Coral's timeout for this request, counted from when Parley started on it."""

    timeout_s: float
    started: float

    def engine_seconds(self) -> float:
        """Seconds the engine may still take so the answer reaches Coral in time."""
        margin = min(MARGIN_MAX_S, self.timeout_s * MARGIN_SHARE)
        return self.timeout_s - margin - (time.monotonic() - self.started)


def plain_text(body: str) -> str:
    """Return the comment as Parley scores it: Coral's markup (an HTML-format phase) removed."""
    if _CORAL_TAG.search(body):
        body = html.unescape(_CORAL_TAG.sub("", _BLOCK_TAG.sub("\n", body)))
    return clean_comment_text(body)


def _parent(site: Site, parent_id: str | None) -> Comment | None:
    """The comment replied to, when Parley knows it (a Parley comment id on this site)."""
    if not parent_id or not parent_id.isdigit() or len(parent_id) > 18:
        return None
    return (Comment.objects.select_related("story__site")
            .filter(pk=int(parent_id), story__site=site).first())


def decide(*, site: Site, request: ExternalModerationRequest,
           budget: Budget) -> dict[str, Any] | None:
    """Return Coral's answer for the comment, or None for "no decision" (204)."""
    text = plain_text(request.comment.body)
    if not text:
        return None
    parent = _parent(site, request.comment.parentID)
    story = find_story_by_url(request.story.url, site=site)
    if story is None and parent is not None:
        story = parent.story
    if story is None:
        # A story Parley has not seen: the site's rules and policy still apply; relevance to the
        # article cannot be judged without it (the engine leaves OFF_TOPIC unscored).
        story = Story(site=site, url=request.story.url)
    remaining = budget.engine_seconds()
    if remaining <= 0:
        return None
    outcome = moderate(story=story, text=text, parent=parent, engine_timeout=remaining)
    return coral_answer(outcome)


def coral_answer(outcome: Outcome) -> dict[str, Any] | None:
    """Translate a pipeline outcome into Coral's response (None: no decision)."""
    if outcome.engine_version == "unavailable":
        return None  # engine off-line, failed, or slower than Coral's timeout allows
    if outcome.status == "published":
        if outcome.engine_version == "rules":
            return None  # engine switched off, and no rule had anything to say
        return {"status": "NONE", "actions": []}
    flags = list(dict.fromkeys(FLAG_FOR_ATTRIBUTE[a] for a in outcome.attributes
                               if a in FLAG_FOR_ATTRIBUTE))
    actions = [{"actionType": "FLAG", "reason": flag} for flag in flags]
    if outcome.status == "pending":
        return {"status": "SYSTEM_WITHHELD" if outcome.attributes else "PREMOD",
                "actions": actions}
    code = CODE_BANNED_WORD
    if outcome.attributes:
        code = CODE_FOR_ATTRIBUTE.get(outcome.attributes[0], CODE_ABUSIVE)
    reason: dict[str, Any] = {"code": code}
    if outcome.public_reasons:
        reason["detailedExplanation"] = " ".join(outcome.public_reasons)
    return {"status": "REJECTED", "actions": actions,
            "moderationAction": {"rejectionReason": reason}}
