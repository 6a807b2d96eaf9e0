"""Recalibrate a site's engine thresholds on its moderators' own decisions.

Examples are human decisions with the engine scores the moderator saw. A threshold set is scored
by what it would cost the newsroom: a comment moderators rejected that would be published
automatically (a miss) or one they approved that would be rejected automatically (a wrong
rejection) costs ``MISTAKE_COST`` held comments; every held comment costs one (a person reads it).
Coordinate descent over a grid finds cheaper thresholds on a training part; the report compares
before and after on a held-out part the search never saw. The shipped heads are not changed:
only the site's policy, so the shipped model and default policy remain the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

ATTRIBUTES: tuple[str, ...] = (
    "TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT", "IDENTITY_ATTACK",
    "OFF_TOPIC", "SPAM",
)
GRID: tuple[float, ...] = tuple(round(x, 3) for x in np.arange(0.30, 0.9999, 0.025))
MISTAKE_COST = 5.0


@dataclass(frozen=True)
class Examples:
    """Scores (n x attributes, NaN when missing), whether a moderator rejected each one, and
    whether it is in a language the engine does not cover (held when the policy says so)."""

    scores: np.ndarray
    rejected: np.ndarray
    unsupported: np.ndarray

    @classmethod
    def from_rows(cls, rows: list[tuple[dict[str, Any], str, bool]]) -> Examples:
        from parley.engine.types import SUPPORTED_LANGUAGES

        scores = np.full((len(rows), len(ATTRIBUTES)), np.nan)
        for i, (values, _, _) in enumerate(rows):
            for j, name in enumerate(ATTRIBUTES):
                value = values.get(name)
                if isinstance(value, int | float):
                    scores[i, j] = float(value)
        return cls(
            scores=scores,
            rejected=np.array([r for _, _, r in rows], dtype=bool),
            unsupported=np.array([(lang or "und") not in SUPPORTED_LANGUAGES
                                  for _, lang, _ in rows], dtype=bool),
        )

    def subset(self, index: np.ndarray) -> Examples:
        return Examples(scores=self.scores[index], rejected=self.rejected[index],
                        unsupported=self.unsupported[index])

    def __len__(self) -> int:
        return len(self.rejected)


@dataclass(frozen=True)
class Evaluation:
    n: int
    published: int
    held: int
    rejected: int
    misses: int  # moderators rejected, the policy would publish
    wrong_rejections: int  # moderators approved, the policy would reject

    @property
    def cost(self) -> float:
        return self.held + MISTAKE_COST * (self.misses + self.wrong_rejections)

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "published": self.published, "held": self.held,
                "rejected": self.rejected, "misses": self.misses,
                "wrong_rejections": self.wrong_rejections, "cost": self.cost}


def _thresholds(policy_data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return (review, reject, hold unsupported languages) from a policy JSON, as the engine's
    own Policy reads it."""
    from parley.engine.policy import Policy

    policy = Policy.from_dict(policy_data)
    review = np.array([policy.review[a] for a in ATTRIBUTES], dtype=float)
    reject = np.array([np.inf if policy.reject.get(a) is None else policy.reject[a]
                       for a in ATTRIBUTES], dtype=float)
    if policy.allow_profanity:
        j = ATTRIBUTES.index("PROFANITY")
        review[j] = reject[j] = np.inf
    return review, reject, policy.unsupported_language == "review"


def statuses(examples: Examples, review: np.ndarray, reject: np.ndarray,
             hold_unsupported: bool = True) -> np.ndarray:
    """Return 0 publish / 1 review / 2 reject per example, as ``policy.decide`` does on scores."""
    scores = np.nan_to_num(examples.scores, nan=-1.0)
    rejects = (scores >= reject).any(axis=1)
    reviews = (scores >= review).any(axis=1)
    if hold_unsupported:
        reviews |= examples.unsupported
    return np.where(rejects, 2, np.where(reviews, 1, 0))


def evaluate(examples: Examples, review: np.ndarray, reject: np.ndarray,
             hold_unsupported: bool = True) -> Evaluation:
    status = statuses(examples, review, reject, hold_unsupported)
    return Evaluation(
        n=len(examples), published=int((status == 0).sum()), held=int((status == 1).sum()),
        rejected=int((status == 2).sum()),
        misses=int(((status == 0) & examples.rejected).sum()),
        wrong_rejections=int(((status == 2) & ~examples.rejected).sum()),
    )


def search(examples: Examples, review: np.ndarray, reject: np.ndarray, *,
           hold_unsupported: bool = True, passes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Coordinate descent: for one attribute at a time, the cheapest (review, reject) pair."""
    review, reject = review.copy(), reject.copy()
    best = evaluate(examples, review, reject, hold_unsupported).cost
    for _ in range(passes):
        for j in range(len(ATTRIBUTES)):
            if np.isinf(review[j]):
                continue  # switched off by the site (profanity allowed)
            for r in GRID:
                for x in (*[g for g in GRID if g >= r], np.inf):
                    trial_review, trial_reject = review.copy(), reject.copy()
                    trial_review[j], trial_reject[j] = r, x
                    cost = evaluate(examples, trial_review, trial_reject, hold_unsupported).cost
                    if cost < best - 1e-9:
                        best, review, reject = cost, trial_review, trial_reject
    return review, reject


def to_policy_data(base: dict[str, Any], review: np.ndarray, reject: np.ndarray) -> dict[str, Any]:
    """Return the site's policy JSON with the new thresholds (other choices kept)."""
    data = {k: v for k, v in (base or {}).items() if k not in ("review", "reject")}
    data["review"] = {a: float(review[j]) for j, a in enumerate(ATTRIBUTES)
                      if not np.isinf(review[j])}
    data["reject"] = {a: (None if np.isinf(reject[j]) else float(reject[j]))
                      for j, a in enumerate(ATTRIBUTES) if not np.isinf(review[j])}
    return data


def recalibrate(examples: Examples, base_policy: dict[str, Any], *, holdout: float = 0.3,
                random_state: int = 0) -> dict[str, Any]:
    """Split, search on the training part, and report before/after on the held-out part."""
    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(examples))
    cut = int(round(len(examples) * (1 - holdout)))
    train, test = examples.subset(order[:cut]), examples.subset(order[cut:])
    review, reject, hold = _thresholds(base_policy)
    new_review, new_reject = search(train, review, reject, hold_unsupported=hold)
    return {
        "train": len(train), "held_out": len(test),
        "before": evaluate(test, review, reject, hold).as_dict(),
        "after": evaluate(test, new_review, new_reject, hold).as_dict(),
        "policy": to_policy_data(base_policy, new_review, new_reject),
    }
