"""The abuse attribute heads: calibrated probabilities from lexical features and the encoder.

Each head is one linear model over [hashed lexical features | centred, scaled e5 embedding],
followed by Platt scaling (per language where the training data allowed it). The weights live in
``model/heads.npz`` and the settings in ``model/heads.json``; both are written by
``training/train_heads.py``. Pure numpy at run time: no scikit-learn, no pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from parley.engine.lexical import MODEL_DIR, LexicalFeaturizer, Lexicon

ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT", "IDENTITY_ATTACK")
#: The attributes that make a comment abusive (profanity alone does not).
ABUSE_DECIDING = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "THREAT", "IDENTITY_ATTACK")


class AttributeHeads:
    """Score comments on the six abuse attributes. Immutable after loading, so thread-safe."""

    def __init__(self, *, featurizer: LexicalFeaturizer, lexical_weights: np.ndarray,
                 embedding_weights: np.ndarray, intercepts: np.ndarray,
                 embedding_mean: np.ndarray, embedding_scale: float,
                 calibration: dict[str, dict[str, list[float]]], config: dict) -> None:
        self.featurizer = featurizer
        self.lexical_weights = lexical_weights  # (n_features, 6)
        self.embedding_weights = embedding_weights  # (384, 6)
        self.intercepts = intercepts  # (6,)
        self.embedding_mean = embedding_mean  # (384,)
        self.embedding_scale = embedding_scale
        self.calibration = calibration
        self.config = config
        self.version: str = str(config.get("version", "unversioned"))
        #: Which encoder outputs, concatenated in this order, the heads read as their embedding.
        self.embedding_inputs: tuple[str, ...] = tuple(config.get("embedding_inputs",
                                                                  ("embedding",)))

    def embedding_input(self, outputs: dict[str, np.ndarray]) -> np.ndarray:
        """The heads' embedding block from the encoder's outputs by name (one pass gives all)."""
        missing = [name for name in self.embedding_inputs if name not in outputs]
        if missing:
            raise ValueError(f"the heads need encoder output(s) {missing}; the encoder gives "
                             f"{sorted(outputs)} (rebuild the encoder or retrain the heads)")
        if len(self.embedding_inputs) == 1:
            return outputs[self.embedding_inputs[0]]
        return np.hstack([outputs[name] for name in self.embedding_inputs])

    @classmethod
    def load(cls, model_dir: Path | None = None) -> AttributeHeads:
        """Read heads.npz / heads.json (and the lexicon files) from ``model_dir``."""
        model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        json_path, npz_path = model_dir / "heads.json", model_dir / "heads.npz"
        if not json_path.exists() or not npz_path.exists():
            raise FileNotFoundError(f"no trained heads in {model_dir} (run `parley train`)")
        config = json.loads(json_path.read_text(encoding="utf-8"))
        if tuple(config["attributes"]) != ATTRIBUTES:
            raise ValueError(f"{json_path} lists attributes {config['attributes']}, "
                             f"expected {list(ATTRIBUTES)}")
        lexical = config["lexical"]
        featurizer = LexicalFeaturizer(
            n_buckets=int(lexical["n_buckets"]), word_ngrams=tuple(lexical["word_ngrams"]),
            char_ngrams=tuple(lexical["char_ngrams"]),
            language_copies=bool(lexical.get("language_copies", False)),
            group_blind=bool(lexical.get("group_blind", False)),
            lexicon=Lexicon.load(model_dir))
        with np.load(npz_path) as data:
            weights = {name: data[name].astype(np.float32) for name in data.files}
        if weights["lexical_weights"].shape != (featurizer.n_features, len(ATTRIBUTES)):
            raise ValueError(f"{npz_path}: lexical weights have shape "
                             f"{weights['lexical_weights'].shape}, expected "
                             f"({featurizer.n_features}, {len(ATTRIBUTES)})")
        return cls(featurizer=featurizer, lexical_weights=weights["lexical_weights"],
                   embedding_weights=weights["embedding_weights"],
                   intercepts=weights["intercepts"], embedding_mean=weights["embedding_mean"],
                   embedding_scale=float(config["embedding_scale"]),
                   calibration=config["calibration"], config=config)

    @property
    def abusive_threshold(self) -> float:
        """The TOXICITY probability from which we recommend calling a comment abusive."""
        return self.abusive_thresholds["TOXICITY"]

    @property
    def abusive_thresholds(self) -> dict[str, float]:
        """Recommended per-attribute cuts: a comment is abusive when any abuse-deciding
        attribute reaches its own (chosen on the calibration split by ``parley train``)."""
        recommended = self.config["recommended_thresholds"]
        general = float(recommended.get("abusive", 0.5))
        return {name: float(recommended.get(name, general)) for name in ABUSE_DECIDING}

    def is_abusive(self, probabilities: dict[str, np.ndarray]) -> np.ndarray:
        """Apply the recommended rule to :meth:`predict`'s output (the engine does the same)."""
        thresholds = self.abusive_thresholds
        return np.any([probabilities[name] >= thresholds[name] for name in ABUSE_DECIDING],
                      axis=0)

    def decision_function(self, texts: Sequence[str], embeddings: np.ndarray,
                          languages: Sequence[str] | None = None) -> np.ndarray:
        """Uncalibrated logits, shape (n, 6): the linear part the training code also fits."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.ndim != 2 or embeddings.shape[0] != len(texts):
            raise ValueError(f"need one embedding row per text: {len(texts)} texts, "
                             f"embeddings of shape {embeddings.shape}")
        if embeddings.shape[1] != self.embedding_weights.shape[0]:
            raise ValueError(f"embeddings have {embeddings.shape[1]} columns, the heads were "
                             f"trained on {self.embedding_weights.shape[0]}")
        logits = np.empty((len(texts), len(ATTRIBUTES)), dtype=np.float32)
        langs = languages if languages is not None else [None] * len(texts)
        for i, (text, language) in enumerate(zip(texts, langs, strict=True)):
            indices, values = self.featurizer.transform_one(text, language)
            logits[i] = values @ self.lexical_weights[indices]
        centred = (embeddings - self.embedding_mean) * self.embedding_scale
        return logits + centred @ self.embedding_weights + self.intercepts

    def predict(self, texts: Sequence[str], embeddings: np.ndarray,
                languages: Sequence[str]) -> dict[str, np.ndarray]:
        """Calibrated probabilities per attribute, each an array of ``len(texts)`` floats."""
        if isinstance(texts, str):
            raise TypeError("predict() takes a sequence of texts, not one string")
        if len(languages) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
        logits = self.decision_function(texts, embeddings, languages)
        return {name: self._calibrate(name, logits[:, j], languages)
                for j, name in enumerate(ATTRIBUTES)}

    def _calibrate(self, name: str, logits: np.ndarray, languages: Sequence[str]) -> np.ndarray:
        table = self.calibration[name]
        default = table["*"]
        params = np.array([table.get(_calibration_language(lang), default) for lang in languages],
                          dtype=np.float64).reshape(len(languages), 2)
        z = np.clip(params[:, 0] * logits + params[:, 1], -30.0, 30.0)
        # Never claim certainty: a cut of 1.0 in heads.json then really means "never decides".
        return np.clip(1.0 / (1.0 + np.exp(-z)), 1e-6, 1.0 - 1e-6)


def _calibration_language(language: str) -> str:
    """Map a detected language to a calibration key (regional tags share their language's)."""
    language = (language or "und").lower()
    if language in ("ur-latn", "hi-latn"):
        return "ur-Latn"
    return language.split("-")[0]
