"""Test doubles for the engine's model pieces, so engine logic is tested without model files.

FakeEncoder hashes words into 384 dimensions: texts sharing words get similar unit vectors, which
is enough to test relevance arithmetic, caching and batching. FakeHeads scores by keywords.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence

import numpy as np

from parley.engine.relevance import RelevanceCalibration, RelevanceModel

DIM = 384
_WORD = re.compile(r"\w+")


class FakeEncoder:
    version = "fake-encoder-1"

    def __init__(self) -> None:
        self.calls: list[int] = []  # number of texts per encode() call
        self._lock = threading.Lock()

    def encode(
        self, texts: Sequence[str], *, max_tokens: int = 128, batch_size: int = 32
    ) -> np.ndarray:
        with self._lock:
            self.calls.append(len(texts))
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            # A shared component keeps cosines in a narrow positive band, like e5.
            out[i, 0] = 2.0
            for word in _WORD.findall(text.lower()):
                digest = hashlib.md5(word.encode()).digest()
                out[i, 1 + int.from_bytes(digest[:4], "little") % (DIM - 1)] += 1.0
            out[i] /= np.linalg.norm(out[i])
        return out


KEYWORDS = {
    "INSULT": ("idiot", "moron", "stupid"),
    "THREAT": ("kill you", "bullet"),
    "PROFANITY": ("damn", "shit"),
    "IDENTITY_ATTACK": ("vermin",),
    "SEVERE_TOXICITY": ("kill you",),
    "TOXICITY": ("idiot", "moron", "kill you", "vermin"),
}


class FakeHeads:
    version = "fake-heads-1"

    def __init__(self) -> None:
        self.seen: list[tuple[list[str], tuple[int, ...], list[str]]] = []

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str]
    ) -> dict[str, np.ndarray]:
        self.seen.append((list(texts), embeddings.shape, list(languages)))
        result = {}
        for name, words in KEYWORDS.items():
            result[name] = np.array(
                [0.97 if any(w in t.lower() for w in words) else 0.02 for t in texts]
            )
        return result


BANK_TEXTS = [
    f"{topic} news item number {i} about {topic} {extra}"
    for i, (topic, extra) in enumerate(
        (t, e)
        for t in ("cricket", "weather", "cooking", "finance", "health", "crime", "music", "cars")
        for e in ("today", "yesterday", "this week")
    )
]


def fake_relevance(encoder: FakeEncoder) -> RelevanceModel:
    return RelevanceModel(
        encoder.encode(BANK_TEXTS), RelevanceCalibration(intercept=1.0, slope=-1.0)
    )
