"""Policy and decide(): defaults, site overrides, profanity, languages, nudges, failures."""

from __future__ import annotations

import pytest

from parley.engine.policy import Policy, PolicyError, decide, decide_failure
from parley.engine.types import ATTRIBUTES, Scores


def make_scores(language: str = "en", **values: float | None) -> Scores:
    base: dict[str, float | None] = dict.fromkeys(ATTRIBUTES, 0.01)
    base.update(values)
    return Scores(values=base, language=language)


def test_clean_comment_is_published_without_reasons():
    verdict = decide(make_scores(), Policy())
    assert verdict.status == "publish"
    assert verdict.reasons == [] and verdict.public_reasons == []


def test_uncertain_insult_goes_to_review_with_both_wordings():
    verdict = decide(make_scores(INSULT=0.7), Policy())
    assert verdict.status == "review"
    assert verdict.reasons == ["likely an insult (0.70)"]
    assert verdict.public_reasons == [
        "Your comment may contain insulting language, so a moderator will review it."
    ]


@pytest.mark.parametrize(
    ("attribute", "probability", "status"),
    [
        ("TOXICITY", 0.95, "reject"),
        ("TOXICITY", 0.94, "review"),
        ("SEVERE_TOXICITY", 0.9, "reject"),
        ("THREAT", 0.96, "reject"),
        ("IDENTITY_ATTACK", 0.59, "publish"),
        ("SPAM", 0.9, "reject"),
        ("SPAM", 0.6, "review"),
        ("OFF_TOPIC", 0.99, "review"),  # never rejected for being off-topic
        ("OFF_TOPIC", 0.84, "publish"),
        ("PROFANITY", 0.99, "publish"),  # profanity alone is not abuse
    ],
)
def test_default_thresholds(attribute, probability, status):
    assert decide(make_scores(**{attribute: probability}), Policy()).status == status


def test_rejections_are_listed_before_reviews():
    verdict = decide(make_scores(INSULT=0.7, THREAT=0.97), Policy())
    assert verdict.status == "reject"
    assert verdict.reasons[0].startswith("likely a threat")
    assert verdict.public_reasons[0].endswith("so it was not published.")


def test_off_topic_is_none_without_context_and_ignored():
    assert decide(make_scores(OFF_TOPIC=None), Policy()).status == "publish"


def test_site_can_review_profanity():
    policy = Policy.from_dict({"profanity": "review"})
    verdict = decide(make_scores(PROFANITY=0.8), policy)
    assert verdict.status == "review"
    assert verdict.reasons == ["contains profanity (0.80)"]
    assert Policy.from_dict({"allow_profanity": False}).profanity == "review"


def test_site_overrides_thresholds_and_can_switch_a_reject_off():
    policy = Policy.from_dict({"review": {"INSULT": 0.4}, "reject": {"TOXICITY": None}})
    assert decide(make_scores(INSULT=0.45), policy).status == "review"
    assert decide(make_scores(TOXICITY=0.99), policy).status == "review"


def test_unsupported_language_goes_to_review_unless_the_site_publishes_it():
    assert decide(make_scores(language="ru"), Policy()).status == "review"
    assert (
        "language the engine does not support (ru)" in decide(make_scores(language="ru")).reasons[0]
    )
    publish = Policy.from_dict({"unsupported_language": "publish"})
    assert decide(make_scores(language="ru"), publish).status == "publish"
    for supported in ("en", "de", "ur", "ur-Latn", "und"):
        assert decide(make_scores(language=supported), Policy()).status == "publish"


def test_nudge_tells_the_commenter_before_posting():
    policy = Policy.from_dict({"nudge": True})
    verdict = decide(make_scores(INSULT=0.7), policy)
    assert verdict.nudge is not None and "insulting language" in verdict.nudge
    assert decide(make_scores(), policy).nudge is None
    assert decide(make_scores(INSULT=0.7), Policy()).nudge is None


def test_off_topic_reason_names_what_it_was_compared_with():
    scores = make_scores(OFF_TOPIC=0.9)
    scores.off_topic_basis = "the article and the comment it replies to"
    assert decide(scores).reasons == [
        "unrelated to the article and the comment it replies to (0.90)"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": "red"}, "unknown policy key"),
        ({"review": {"RUDENESS": 0.5}}, "unknown attribute"),
        ({"review": {"INSULT": 1.5}}, "between 0 and 1"),
        ({"review": {"INSULT": "high"}}, "must be a number"),
        ({"review": {"INSULT": True}}, "must be a number"),
        ({"reject": {"INSULT": 0.5}}, "below its review threshold"),
        ({"profanity": "maybe"}, "profanity"),
        ({"unsupported_language": "reject"}, "unsupported_language"),
        ({"nudge": "yes"}, "nudge"),
        ({"review": [0.5]}, "must map"),
    ],
)
def test_bad_site_settings_fail_clearly(data, message):
    with pytest.raises(PolicyError, match=message):
        Policy.from_dict(data)


def test_settings_must_be_an_object():
    with pytest.raises(PolicyError, match="JSON object"):
        Policy.from_dict(["review"])  # type: ignore[arg-type]


def test_empty_settings_give_the_defaults():
    assert Policy.from_dict({}) == Policy() == Policy.from_dict(None)


def test_engine_failure_holds_the_comment_for_review():
    verdict = decide_failure(TimeoutError())
    assert verdict.status == "review"
    assert verdict.reasons[0].startswith("the moderation engine was unavailable")
    assert "TimeoutError" in verdict.reasons[0]
    assert verdict.public_reasons


def test_public_reasons_of_a_rejection_all_say_it_was_not_published():
    from parley.engine.policy import Policy, decide
    from parley.engine.types import Scores

    values = {name: 0.01 for name in ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY",
                                      "IDENTITY_ATTACK", "SPAM")}
    values.update(TOXICITY=0.99, THREAT=0.7, OFF_TOPIC=None)
    scores = Scores(values=values, language="en", reasons=[], abusive=True, off_topic=None,
                    engine_version="test")
    verdict = decide(scores, Policy())
    assert verdict.status == "reject"
    assert len(verdict.public_reasons) == 2
    assert all(r.endswith("so it was not published.") for r in verdict.public_reasons)
