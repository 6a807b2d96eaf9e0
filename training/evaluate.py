"""Measure the abuse heads on our dev splits, the measure-only sets and the functional suite.

"Abusive" is the rule the engine applies: any of TOXICITY, SEVERE_TOXICITY, INSULT, THREAT,
IDENTITY_ATTACK at or above its recommended threshold in heads.json. Because OLID, RUHSOLD and
GermEval 2018 count untargeted profanity as offensive, each is measured both ways: against the
targeted-abuse gold (``abusive``) and against the set's own coarse label (``offensive``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from parley.engine.heads import AttributeHeads
from training import functional_suite
from training.datasets import Example


def macro_f1(gold: Sequence[int], predicted: Sequence[int]) -> float:
    """Unweighted mean of the F1 of both classes (the shared tasks' measure)."""
    gold_a, pred_a = np.asarray(gold, dtype=bool), np.asarray(predicted, dtype=bool)
    scores = []
    for positive in (True, False):
        tp = np.sum((pred_a == positive) & (gold_a == positive))
        fp = np.sum((pred_a == positive) & (gold_a != positive))
        fn = np.sum((pred_a != positive) & (gold_a == positive))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def roc_auc(gold: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve (rank formulation, ties counted half)."""
    gold_a, scores_a = np.asarray(gold, dtype=bool), np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(gold_a.sum()), int((~gold_a).sum())
    if not n_pos or not n_neg:
        return float("nan")
    order = np.argsort(scores_a, kind="mergesort")
    ranks = np.empty(len(scores_a))
    sorted_scores = scores_a[order]
    i = 0
    while i < len(sorted_scores):
        j = i
        while j + 1 < len(sorted_scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[gold_a].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@dataclass
class Report:
    """Metrics by name, printed as aligned lines and stored in heads.json / the model card."""

    rows: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, name: str, **metrics: float) -> None:
        self.rows.setdefault(name, {}).update({k: round(float(v), 4) for k, v in metrics.items()})

    def lines(self) -> list[str]:
        return [f"{name:<42} " + "  ".join(f"{k}={v:.3f}" for k, v in metrics.items())
                for name, metrics in self.rows.items()]


def score_examples(heads: AttributeHeads, examples: Sequence[Example],
                   embeddings: np.ndarray) -> dict[str, np.ndarray]:
    """Run the shipped heads (the run-time code path) on examples."""
    texts = [e.text for e in examples]
    return heads.predict(texts, embeddings, [e.language for e in examples])


def evaluate_set(report: Report, name: str, examples: Sequence[Example],
                 probs: dict[str, np.ndarray], flagged: np.ndarray) -> None:
    """Abusive and offensive macro-F1 (and TOXICITY AUC) for one labelled set; ``flagged`` is
    the abusive verdict per example, ``broad`` also counts profanity >= 0.5."""
    tox = probs["TOXICITY"]
    broad = flagged | (probs["PROFANITY"] >= 0.5)
    abusive = [i for i, e in enumerate(examples) if e.abusive is not None]
    offensive = [i for i, e in enumerate(examples) if e.offensive is not None]
    metrics: dict[str, float] = {"n": len(examples)}
    if abusive and len({examples[i].abusive for i in abusive}) == 2:
        gold = [examples[i].abusive for i in abusive]
        metrics["abusive_f1"] = macro_f1(gold, flagged[abusive])
        metrics["abusive_auc"] = roc_auc(gold, tox[abusive])
    if offensive and len({examples[i].offensive for i in offensive}) == 2:
        gold = [examples[i].offensive for i in offensive]
        metrics["offensive_f1_abusive"] = macro_f1(gold, flagged[offensive])
        metrics["offensive_f1_abusive_or_profane"] = macro_f1(gold, broad[offensive])
    for attribute in ("THREAT", "PROFANITY", "INSULT", "IDENTITY_ATTACK"):
        labelled = [i for i, e in enumerate(examples) if attribute in e.labels]
        gold = [examples[i].labels[attribute] for i in labelled]
        if labelled and len(set(gold)) == 2 and sum(gold) >= 20:
            metrics[f"{attribute.lower()}_auc"] = roc_auc(gold, probs[attribute][labelled])
            if attribute == "THREAT":
                metrics["threat_f1"] = macro_f1(gold, probs[attribute][labelled] >= 0.5)
    report.add(name, **metrics)


def _last_written_ids() -> set[str]:
    return {functional_suite.template_id(t) for t in functional_suite.TEMPLATES
            if t.pattern in functional_suite.LAST_WRITTEN}


def evaluate_functional(report: Report, cases: Sequence[functional_suite.Case],
                        probs: dict[str, np.ndarray], predicted: np.ndarray) -> dict[str, float]:
    """Accuracy of the abusive verdicts ``predicted`` on the held-out functional suite."""
    correct = np.array([p == c.abusive for p, c in zip(predicted, cases, strict=True)])
    summary = {"functional_overall": float(correct.mean())}
    report.add("functional (held-out templates)", accuracy=correct.mean(), n=len(cases))
    for category, _group in functional_suite.iter_categories(cases):
        mask = np.array([c.category == category for c in cases])
        summary[f"functional_{category}"] = float(correct[mask].mean())
        report.add(f"  functional/{category}", accuracy=correct[mask].mean(), n=int(mask.sum()))
    last_ids = _last_written_ids()
    last = np.array([c.template_id in last_ids for c in cases])
    if last.any():
        report.add("  functional/last-written templates", accuracy=correct[last].mean(),
                   n=int(last.sum()))
    profane = [i for i, c in enumerate(cases) if c.profanity is not None]
    if profane:
        gold = np.array([cases[i].profanity for i in profane])
        guess = probs["PROFANITY"][profane] >= 0.5
        report.add("  functional/profanity head", accuracy=float((gold == guess).mean()),
                   n=len(profane))
    return summary


def identity_false_positive_rate(heads: AttributeHeads, embed, report: Report) -> float:
    """Share of neutral sentences naming an identity group that are flagged abusive.

    Uses every group in every held-out neutral template (English, German, Roman Urdu, Urdu
    script).
    """
    cases = functional_suite.neutral_identity_cases()
    texts = [c.text for c in cases]
    probs = heads.predict(texts, embed(texts, "identity"), [c.language for c in cases])
    flagged = heads.is_abusive(probs)
    rate = float(flagged.mean())
    report.add("neutral identity mentions flagged", rate=rate, n=len(cases))
    return rate
