"""Fit the six abuse heads and write src/parley/engine/model/heads.npz + heads.json.

Why this shape: fine-tuning the encoder is out of reach on two shared CPU cores, and neither
frozen e5 + LR nor TF-IDF + LR is good enough alone (ML-NOTES). So each head is one logistic
regression over [hashed lexical n-grams with obfuscation folding + lexicon features | the frozen
e5 embedding], trained on the permissive sets plus templated augmentation, with labels kept
separate per attribute (profanity that attacks no one is PROFANITY, not TOXICITY), then
Platt-scaled per language on a calibration split that the fit never saw.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parley.engine.heads import ATTRIBUTES, AttributeHeads
from parley.engine.lexical import LexicalFeaturizer, to_csr
from training import functional_suite
from training.datasets import TRAINABLE, Example

MODEL_DIR = Path(__file__).resolve().parents[1] / "src" / "parley" / "engine" / "model"
CALIBRATION_LANGUAGES = ("en", "de", "ur-Latn", "ur")


def examples_from_cases(cases: Sequence[functional_suite.Case]) -> list[Example]:
    """Turn functional-suite cases into training examples with per-attribute labels."""
    out = []
    for case in cases:
        labels: dict[str, int] = {"TOXICITY": int(case.abusive)}
        if not case.abusive:
            labels.update(SEVERE_TOXICITY=0, INSULT=0, THREAT=0, IDENTITY_ATTACK=0)
        elif case.kind == "insult":
            labels.update(INSULT=1, THREAT=0, SEVERE_TOXICITY=0, IDENTITY_ATTACK=0)
        elif case.kind == "threat":
            labels.update(THREAT=1, SEVERE_TOXICITY=1)
        elif case.kind == "identity":
            labels.update(IDENTITY_ATTACK=1, THREAT=0)
        if case.profanity is not None:
            labels["PROFANITY"] = int(case.profanity)
        out.append(Example(case.text, case.language, "functional_augment", labels,
                           int(case.abusive), None, fine=case.category))
    return out


def complete_labels(example: Example) -> dict[str, int]:
    """Fill labels that follow from others: not abusive means no insult, threat, identity attack
    or severe toxicity; hate and threats are severe toxicity."""
    labels = dict(example.labels)
    if labels.get("TOXICITY") == 0:
        for name in ("SEVERE_TOXICITY", "INSULT", "THREAT", "IDENTITY_ATTACK"):
            labels.setdefault(name, 0)
    if example.source == "davidson2017" and example.fine == "hate":
        labels.setdefault("SEVERE_TOXICITY", 1)
    if labels.get("THREAT") == 1:
        labels.setdefault("SEVERE_TOXICITY", 1)
    if labels.get("TOXICITY") == 1 and labels.get("INSULT") == 1:
        labels.setdefault("SEVERE_TOXICITY", 0)
    return labels


def label_matrix(examples: Sequence[Example]) -> np.ndarray:
    """(n, 6) int8 labels, -1 where the source does not say."""
    y = np.full((len(examples), len(ATTRIBUTES)), -1, dtype=np.int8)
    for i, example in enumerate(examples):
        for j, name in enumerate(ATTRIBUTES):
            value = complete_labels(example).get(name)
            if value is not None:
                y[i, j] = value
    return y


def source_weights(examples: Sequence[Example], *, cap: int, augment_weight: float) -> np.ndarray:
    """Per-example weights so no single set dominates: each source counts at most ``cap`` rows."""
    counts = Counter(e.source for e in examples)
    return np.array([
        augment_weight if e.source == "functional_augment" else min(1.0, cap / counts[e.source])
        for e in examples
    ], dtype=np.float64)


@dataclass
class FeatureMatrix:
    """Lexical CSR rows plus embeddings for a list of examples."""

    lexical: object  # scipy.sparse.csr_matrix
    embeddings: np.ndarray


class AbuseHeadsClassifier:
    """Six logistic-regression heads over lexical features and the frozen encoder embedding.

    Follows scikit-learn conventions: ``__init__`` stores arguments, ``fit`` validates and learns,
    fitted state ends in ``_``, randomness comes only from ``random_state``.
    """

    def __init__(self, *, n_buckets: int = 2**18, C: float = 4.0, embedding_scale: float = 2.0,
                 language_copies: bool = True, source_cap: int = 8000,
                 augment_weight: float = 1.0, nb_smoothing: float | None = None,
                 group_blind: bool = True, random_state: int = 20261125) -> None:
        self.n_buckets = n_buckets
        self.group_blind = group_blind
        self.nb_smoothing = nb_smoothing
        self.language_copies = language_copies
        self.C = C
        self.embedding_scale = embedding_scale
        self.source_cap = source_cap
        self.augment_weight = augment_weight
        self.random_state = random_state

    def featurizer(self) -> LexicalFeaturizer:
        """The lexical featurizer these settings describe (the same one serving uses)."""
        return LexicalFeaturizer(n_buckets=self.n_buckets, language_copies=self.language_copies,
                                 group_blind=self.group_blind)

    def features(self, texts: Sequence[str], embeddings: np.ndarray,
                 languages: Sequence[str] | None = None) -> FeatureMatrix:
        """Featurize texts once; reuse the result for fitting and scoring."""
        from scipy.sparse import csr_matrix

        featurizer = self.featurizer()
        rows = featurizer.transform(texts, languages)
        data, indices, indptr = to_csr(rows)
        lexical = csr_matrix((data, indices, indptr), shape=(len(texts), featurizer.n_features))
        return FeatureMatrix(lexical, np.asarray(embeddings, dtype=np.float32))

    def fit(self, examples: Sequence[Example], features: FeatureMatrix) -> AbuseHeadsClassifier:
        """Fit one head per attribute on the rows that label it."""
        from scipy.sparse import csr_matrix, diags, hstack
        from sklearn.linear_model import LogisticRegression

        if features.lexical.shape[0] != len(examples) or len(features.embeddings) != len(examples):
            raise ValueError("features and examples differ in length")
        if not examples:
            raise ValueError("no training examples")
        y = label_matrix(examples)
        weights = source_weights(examples, cap=self.source_cap, augment_weight=self.augment_weight)
        self.embedding_mean_ = features.embeddings.mean(axis=0).astype(np.float32)
        dense = (features.embeddings - self.embedding_mean_) * self.embedding_scale
        x = hstack([features.lexical, csr_matrix(dense)], format="csr")
        n_lexical = features.lexical.shape[1]
        self.lexical_weights_ = np.zeros((n_lexical, len(ATTRIBUTES)), dtype=np.float32)
        self.embedding_weights_ = np.zeros((dense.shape[1], len(ATTRIBUTES)), dtype=np.float32)
        self.intercepts_ = np.zeros(len(ATTRIBUTES), dtype=np.float32)
        self.label_counts_: dict[str, dict[str, int]] = {}
        for j, name in enumerate(ATTRIBUTES):
            rows = np.flatnonzero(y[:, j] >= 0)
            target = y[rows, j]
            self.label_counts_[name] = {"positive": int(target.sum()),
                                        "negative": int(len(target) - target.sum())}
            if len(np.unique(target)) < 2:
                raise ValueError(f"{name}: training rows hold only one class")
            model = LogisticRegression(C=self.C, solver="liblinear", max_iter=200,
                                       random_state=self.random_state)
            scale = self._nb_ratios(features.lexical[rows], target)
            x_head = x[rows] if scale is None else hstack(
                [features.lexical[rows] @ diags(scale), csr_matrix(dense[rows])], format="csr")
            model.fit(x_head, target, sample_weight=weights[rows])
            coef = model.coef_[0]
            # NB scaling is folded into the weights, so serving needs no extra step.
            self.lexical_weights_[:, j] = coef[:n_lexical] * (1.0 if scale is None else scale)
            self.embedding_weights_[:, j] = coef[n_lexical:]
            self.intercepts_[j] = model.intercept_[0]
        return self

    def _nb_ratios(self, lexical, target: np.ndarray) -> np.ndarray | None:
        """Naive-Bayes log-count ratios per hashed column (Wang & Manning 2012, NBSVM), or
        None when disabled. Dense lexicon columns keep scale 1."""
        if self.nb_smoothing is None:
            return None
        a = self.nb_smoothing
        p = np.asarray(lexical[target == 1].sum(axis=0)).ravel() + a
        q = np.asarray(lexical[target == 0].sum(axis=0)).ravel() + a
        ratios = np.log((p / p.sum()) / (q / q.sum()))
        ratios[self.n_buckets:] = 1.0
        return np.abs(ratios).astype(np.float64)

    def decision_function(self, features: FeatureMatrix) -> np.ndarray:
        """Logits (n, 6), the same arithmetic as ``AttributeHeads.decision_function``."""
        dense = (features.embeddings - self.embedding_mean_) * self.embedding_scale
        return (np.asarray(features.lexical @ self.lexical_weights_)
                + dense @ self.embedding_weights_ + self.intercepts_)

    def calibrate(self, examples: Sequence[Example], features: FeatureMatrix,
                  min_rows: int = 150) -> AbuseHeadsClassifier:
        """Platt-scale each head on held-out rows: one global fit, plus per-language fits where a
        language has ``min_rows`` labelled rows of both classes."""
        from sklearn.linear_model import LogisticRegression

        logits = self.decision_function(features)
        y = label_matrix(examples)
        languages = np.array([_calibration_key(e.language) for e in examples])
        self.calibration_: dict[str, dict[str, list[float]]] = {}
        for j, name in enumerate(ATTRIBUTES):
            table: dict[str, list[float]] = {}
            for key in ("*", *CALIBRATION_LANGUAGES):
                mask = y[:, j] >= 0
                if key != "*":
                    mask &= languages == key
                target = y[mask, j]
                if key != "*" and (target.sum() < min_rows // 3
                                   or len(target) - target.sum() < min_rows // 3
                                   or len(target) < min_rows):
                    continue
                if len(np.unique(target)) < 2:
                    table[key] = [1.0, 0.0]
                    continue
                platt = LogisticRegression(C=100.0, random_state=self.random_state)
                platt.fit(logits[mask, j:j + 1], target)
                table[key] = [float(platt.coef_[0, 0]), float(platt.intercept_[0])]
            self.calibration_[name] = table
        return self

    def export(self, model_dir: Path, *, recommended_thresholds: dict[str, float],
               metadata: dict) -> AttributeHeads:
        """Write heads.npz and heads.json into ``model_dir`` and load them back."""
        import shutil

        from parley.engine.lexical import LEXICON_FILES
        from parley.engine.lexical import MODEL_DIR as LEXICON_DIR

        model_dir.mkdir(parents=True, exist_ok=True)
        for name in LEXICON_FILES:  # the heads are only valid with the lexicons they saw
            if (LEXICON_DIR / name).resolve() != (model_dir / name).resolve():
                shutil.copyfile(LEXICON_DIR / name, model_dir / name)
        featurizer = self.featurizer()
        np.savez_compressed(
            model_dir / "heads.npz",
            lexical_weights=self.lexical_weights_.astype(np.float16),
            embedding_weights=self.embedding_weights_, intercepts=self.intercepts_,
            embedding_mean=self.embedding_mean_)
        version = f"heads-{time.strftime('%Y%m%d')}-{_digest(self.lexical_weights_)}"
        config = {
            "version": version,
            "attributes": list(ATTRIBUTES),
            "lexical": featurizer.config(),
            "embedding_scale": self.embedding_scale,
            "calibration": self.calibration_,
            "recommended_thresholds": recommended_thresholds,
            "abusive_rule": ("a comment is abusive when TOXICITY >= recommended_thresholds."
                             "abusive; PROFANITY is scored apart and is not abuse by itself"),
            "hyperparameters": {"C": self.C, "n_buckets": self.n_buckets,
                                "language_copies": self.language_copies,
                                "nb_smoothing": self.nb_smoothing,
                                "embedding_scale": self.embedding_scale,
                                "source_cap": self.source_cap,
                                "augment_weight": self.augment_weight,
                                "random_state": self.random_state},
            "label_counts": self.label_counts_,
            **metadata,
        }
        (model_dir / "heads.json").write_text(json.dumps(config, indent=1, ensure_ascii=False)
                                              + "\n", encoding="utf-8")
        return AttributeHeads.load(model_dir)


def _digest(array: np.ndarray) -> str:
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:8]


def _calibration_key(language: str) -> str:
    from parley.engine.heads import _calibration_language

    return _calibration_language(language)


def trainable_sources() -> tuple[str, ...]:
    """The sets allowed to teach the shipped model."""
    return TRAINABLE
