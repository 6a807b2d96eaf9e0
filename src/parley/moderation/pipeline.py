"""The moderation pipeline: decide a new comment's status before it is written.

An ordered list of phases (``PHASES``), called explicitly by the posting action: the site's own
rules (``rules.check_site_rules``: author bans, banned and suspect words, links), the words
banned on every site, then, when PARLEY_ENGINE is on, the engine scores the text in the story's
context (through ``parley.engine_gateway``) and the site's policy decides, and last the holds
(a pre-moderated story or site rule). The engine failing or running past
PARLEY_ENGINE_TIMEOUT_S holds the comment for review: never silently published, never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q

from parley import engine_gateway

if TYPE_CHECKING:
    from parley.comments.models import Comment, Story

logger = logging.getLogger(__name__)

STATUS_FOR_DECISION = {"publish": "published", "review": "pending", "reject": "rejected"}
DECISION_FOR_STATUS = {status: decision for decision, status in STATUS_FOR_DECISION.items()}
# How many earlier comments of the thread the engine sees as context.
THREAD_CONTEXT = 5



@dataclass
class Outcome:
    """What the pipeline decided: the comment's status and why."""

    status: str  # published | pending | rejected
    reasons: list[str] = field(default_factory=list)  # for moderators
    public_reasons: list[str] = field(default_factory=list)  # softened, for the commenter
    scores: dict[str, Any] = field(default_factory=dict)
    language: str = ""
    engine_version: str = ""
    nudge: str | None = None
    # The engine's attributes behind a hold or rejection (``Verdict.attributes``); empty when
    # rules alone decided, or nothing was found.
    attributes: list[str] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return DECISION_FOR_STATUS[self.status]


def _rule_outcome(*, text: str) -> Outcome | None:
    """Apply the words banned on every site (PARLEY_BANNED_WORDS); a site's own banned words
    are part of its rules (``rules.check_site_rules``), which run first."""
    from parley.moderation.rules import find_word

    word = find_word(text, [str(w) for w in settings.PARLEY_BANNED_WORDS if str(w).strip()])
    if word is not None:
        return Outcome(
            status="rejected",
            reasons=[f"contains a banned word ({word!r})"],
            public_reasons=["Your comment contains language this site does not allow."],
            engine_version="rules",
        )
    return None


@dataclass(frozen=True)
class EngineApi:
    """The engine's small interface as the pipeline uses it (a seam tests can replace)."""

    get_engine: Callable[[], Any]  # Engine.shared: loads once; has score(text, context)
    context: Callable[..., Any]  # parley.engine.Context
    policy_from_dict: Callable[[dict], Any]  # parley.engine.policy.Policy.from_dict
    decide: Callable[[Any, Any], Any]  # parley.engine.policy.decide -> Verdict


def load_engine_api() -> EngineApi | None:
    """Return the engine's interface, or None when switched off or not installed.

    The model itself is loaded lazily by ``engine_gateway.call_engine`` inside the timed call:
    a process's first post waits up to its load timeout, later ones PARLEY_ENGINE_TIMEOUT_S.
    """
    if not engine_gateway.enabled():
        return None
    try:
        from parley.engine import Context, Engine
        from parley.engine.policy import Policy, decide
    except ImportError:
        return None
    return EngineApi(get_engine=Engine.shared, context=Context,
                     policy_from_dict=Policy.from_dict, decide=decide)


def _engine_outcome(api: EngineApi, *, story: Story, text: str,
                    parent: Comment | None, timeout: float | None = None) -> Outcome:
    thread: tuple[str, ...] = ()
    if parent is not None:
        root_id = parent.root_id or parent.pk
        thread = tuple(
            story.comments.filter(Q(pk=root_id) | Q(root_id=root_id), status="published")
            .order_by("-created_at").values_list("text", flat=True)[:THREAD_CONTEXT]
        )
    context = api.context(
        title=story.title,
        body=story.body,
        parent=parent.text if parent is not None else "",
        thread=thread,
        # No story_key: the engine then keys its copy of the article's embedding on a digest
        # of the title and body, so an edit made any way (even a QuerySet.update()) is seen.
    )
    scores = engine_gateway.call_engine(lambda engine: engine.score(text, context),
                                        load=api.get_engine, timeout=timeout)
    policy = api.policy_from_dict((story.site.moderation_settings or {}).get("policy", {}))
    verdict = api.decide(scores, policy)
    status = STATUS_FOR_DECISION[verdict.status]
    nudge = None
    if getattr(policy, "nudge", False) and verdict.public_reasons and status != "rejected":
        nudge = verdict.public_reasons[0]
    return Outcome(
        status=status,
        reasons=list(verdict.reasons),
        public_reasons=list(verdict.public_reasons),
        scores=dict(scores.values),
        language=scores.language,
        engine_version=scores.engine_version,
        nudge=nudge,
        attributes=list(verdict.attributes),
    )


@dataclass
class Submission:
    """A new comment on its way through the pipeline, and what the phases decided so far."""

    story: Story
    text: str
    parent: Comment | None = None
    author_email: str = ""
    author_user: Any = None
    address_hash: str = ""
    site_rules: Any = None  # rules.RuleVerdict | None, from the site-rules phase
    outcome: Outcome | None = None  # set by a phase; a "rejected" one settles the comment
    engine_timeout: float | None = None  # a caller's own budget, below PARLEY_ENGINE_TIMEOUT_S


def _site_rules_phase(sub: Submission) -> None:
    """The site's own rules (author bans, banned/suspect words, links, pre-moderation): a
    rejection settles it; a hold still lets the engine score, so moderators see the scores."""
    from parley.moderation.rules import check_site_rules

    sub.site_rules = check_site_rules(story=sub.story, text=sub.text,
                                      author_user=sub.author_user,
                                      author_email=sub.author_email, ip_hash=sub.address_hash)
    if sub.site_rules is not None and sub.site_rules.status == "rejected":
        sub.outcome = Outcome(status="rejected", reasons=sub.site_rules.reasons,
                              public_reasons=sub.site_rules.public_reasons,
                              engine_version="rules")


def _banned_words_phase(sub: Submission) -> None:
    """Words banned on every site (PARLEY_BANNED_WORDS) reject without scoring."""
    sub.outcome = _rule_outcome(text=sub.text)


def _engine_phase(sub: Submission) -> None:
    """The engine scores the text in its story's context and the site's policy decides."""
    sub.outcome = _score_with_engine(story=sub.story, text=sub.text, parent=sub.parent,
                                     timeout=sub.engine_timeout)


def _holds_phase(sub: Submission) -> None:
    """A pre-moderated story, and any hold of the site's rules, keep a publishable comment
    for a moderator; the rules' reasons are kept either way."""
    outcome = sub.outcome
    assert outcome is not None
    if outcome.status == "published" and sub.story.premoderate:
        outcome.status = "pending"
        outcome.reasons.append("the story is pre-moderated")
    if sub.site_rules is not None:
        outcome.reasons.extend(sub.site_rules.reasons)
        if outcome.status == "published":
            outcome.status = "pending"
            outcome.public_reasons = list(sub.site_rules.public_reasons)


# The pipeline, in order. Each phase reads and updates the submission; the first rejection
# ends it (a rejected comment needs no score and no hold).
PHASES: tuple[Callable[[Submission], None], ...] = (
    _site_rules_phase, _banned_words_phase, _engine_phase, _holds_phase,
)


def moderate(*, story: Story, text: str, parent: Comment | None = None,
             author_name: str = "", author_email: str = "", author_user: Any = None,
             address_hash: str = "", engine_timeout: float | None = None) -> Outcome:
    """Decide the status of a new comment whose text is already cleaned and validated, by
    running ``PHASES`` in order. Called explicitly by ``parley.actions.post_comment``, and by
    Coral's moderation phase (``parley.coral``) with its own ``engine_timeout``."""
    sub = Submission(story=story, text=text, parent=parent, author_email=author_email,
                     author_user=author_user, address_hash=address_hash,
                     engine_timeout=engine_timeout)
    for phase in PHASES:
        phase(sub)
        if sub.outcome is not None and sub.outcome.status == "rejected":
            break
    assert sub.outcome is not None
    return sub.outcome


def _score_with_engine(*, story: Story, text: str, parent: Comment | None,
                       timeout: float | None = None) -> Outcome:
    try:
        api = load_engine_api()
        if api is None:
            return Outcome(status="published", reasons=["model-free rules only"],
                           engine_version="rules")
        return _engine_outcome(api, story=story, text=text, parent=parent, timeout=timeout)
    except engine_gateway.EngineTimeout as error:
        logger.warning("%s; holding comment for review", error)
        reason = str(error)
    except engine_gateway.EngineUnavailable as error:
        reason = str(error)
    except Exception:
        logger.exception("engine failed; holding comment for review")
        reason = "the engine failed"
    return Outcome(status="pending", reasons=[f"held for review: {reason}"],
                   engine_version="unavailable")
