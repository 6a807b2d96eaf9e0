"""OFF_TOPIC: is a comment about its article (or the comment it answers)?

e5 cosines sit in a narrow band (unrelated pairs about 0.75-0.78), so a fixed cut-off on cosine
means nothing. Instead each comment is compared with its article AND with a bank of ~200 short
news texts on unrelated topics (model/reference_texts.tsv, written for Parley, in the four
languages); the score is how many standard deviations the article similarity sits above the
bank similarities:

    z = (max cos(comment, article parts) - mean cos(comment, bank)) / std cos(comment, bank)

The same is done against the parent comment of a reply, and the more favourable z wins. A
second, lexical signal counts the content words (first five letters, function words left out)
that the comment shares with the article or parent: names such as "Haqqani" or "Waziristan" are
strong evidence that short embeddings blur. A logistic over both, fitted on examples written
for Parley (bench/relevance.py), maps them to P(off-topic).
Short texts carry little signal, so their probability is pulled towards 0.5 and, without a
parent, capped below the default review threshold: "@Don: Depending on the price!" must never be
called off-topic with confidence.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .language import FUNCTION_WORDS

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
BANK_TEXTS_FILE = "reference_texts.tsv"
BANK_CACHE_FILE = "reference_bank.npz"
CALIBRATION_FILE = "relevance.json"

_WORD = re.compile(r"\w+", re.UNICODE)
_FUNCTION_WORD_SET = frozenset().union(*FUNCTION_WORDS.values())
_MENTION_REPLY = re.compile(r"^\s*@[\w.\-]+")
# Body chunks: about 60 words each keeps Urdu (more tokens per word) under 128 tokens.
_CHUNK_WORDS = 60
_MAX_CHUNKS = 12


class TextEncoder(Protocol):
    """What relevance needs from the encoder: unit vectors for texts, and a version."""

    version: str

    def encode(
        self, texts: Sequence[str], *, max_tokens: int = 128, batch_size: int = 32
    ) -> np.ndarray: ...


@dataclass(frozen=True)
class RelevanceCalibration:
    """P(off-topic) = sigmoid(intercept + slope * z + overlap_slope * log(1 + shared words)),
    plus the short-text rules (see the module docstring)."""

    intercept: float = 2.0
    slope: float = -1.0
    overlap_slope: float = 0.0
    full_signal_words: int = 8
    short_text_cap: float = 0.6
    unknown_parent_reply_cap: float = 0.5

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> RelevanceCalibration:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)


def read_bank_texts(path: Path) -> list[str]:
    """Return the reference texts (third column of the TSV; # lines are comments)."""
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}: expected language<TAB>topic<TAB>text, got {line!r}")
        texts.append(parts[2].strip())
    return texts


def article_parts(title: str, body: str) -> list[str]:
    """Split an article into the texts that are embedded: the title with the opening of the body
    (where the standfirst is), then the body in chunks of about 60 words."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
    words_of = [p.split() for p in paragraphs]
    parts: list[str] = []
    lead = " ".join(" ".join(w) for w in words_of[:1])
    head = ". ".join(part for part in (title.strip(), lead) if part)
    if head:
        parts.append(head)
    # Long paragraphs are cut into pieces first, then pieces are packed into chunks.
    pieces = [
        words[start : start + _CHUNK_WORDS]
        for words in words_of
        for start in range(0, len(words), _CHUNK_WORDS)
    ]
    chunk: list[str] = []
    for piece in pieces:
        if chunk and len(chunk) + len(piece) > _CHUNK_WORDS:
            parts.append(" ".join(chunk))
            chunk = []
            if len(parts) > _MAX_CHUNKS:
                return parts
        chunk.extend(piece)
    if chunk:
        parts.append(" ".join(chunk))
    return parts


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def content_words(text: str) -> frozenset[str]:
    """Content words of ``text`` cut to five letters (so "raids"/"raid", "Pakistani"/"Pakistan"
    match), leaving out function words of every language we know, numbers and short words."""
    return frozenset(
        word[:5]
        for word in (w.lower() for w in _WORD.findall(text))
        if len(word) >= 3 and not word.isdigit() and word not in _FUNCTION_WORD_SET
    )


@dataclass(frozen=True)
class Targets:
    """Embeddings of what a comment may be about, with their bank statistics and content words."""

    vectors: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    words: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return int(self.vectors.shape[0])


class RelevanceModel:
    """Scores OFF_TOPIC from embeddings; holds the reference bank's embeddings."""

    def __init__(self, bank: np.ndarray, calibration: RelevanceCalibration) -> None:
        if bank.ndim != 2 or bank.shape[0] < 20:
            raise ValueError("the reference bank needs at least 20 embedded texts")
        self.bank = np.ascontiguousarray(bank, dtype=np.float32)
        self.calibration = calibration

    @classmethod
    def load(cls, encoder: TextEncoder, model_dir: Path | None = None) -> RelevanceModel:
        """Load the bank's embeddings from the cache file when it matches the encoder and the
        texts (it is committed, so loading is instant), otherwise embed the bank and rewrite it."""
        model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        texts = read_bank_texts(model_dir / BANK_TEXTS_FILE)
        bank = load_cached_bank(model_dir / BANK_CACHE_FILE, texts, encoder.version)
        if bank is None:
            bank = encoder.encode(texts)
            save_bank(model_dir / BANK_CACHE_FILE, bank, texts, encoder.version)
        calibration_path = model_dir / CALIBRATION_FILE
        calibration = RelevanceCalibration()
        if calibration_path.exists():
            calibration = RelevanceCalibration.from_dict(
                json.loads(calibration_path.read_text(encoding="utf-8"))
            )
        return cls(bank, calibration)

    def prepare(self, vectors: np.ndarray, texts: Sequence[str] = ()) -> Targets:
        """Wrap the embeddings of an article (or a parent comment) with their own similarity
        statistics against the bank and their content words, computed once and cached."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.bank.shape[1])
        sims = vectors @ self.bank.T
        words = frozenset().union(*(content_words(text) for text in texts))
        return Targets(vectors, sims.mean(axis=1), np.maximum(sims.std(axis=1), 1e-3), words)

    def z_score(self, comment: np.ndarray, targets: Targets) -> float:
        """Symmetric z-score of the best-matching target: how far cos(comment, target) sits above
        the comment's similarities to the bank, averaged with how far it sits above the target's
        similarities to the bank (the second half stops a generic "hub" article from looking
        related to every comment)."""
        if targets.vectors.shape[0] == 0:
            return float("-inf")
        baseline = self.bank @ comment
        sims = targets.vectors @ comment
        comment_side = (sims - float(baseline.mean())) / max(float(baseline.std()), 1e-3)
        target_side = (sims - targets.mean) / targets.std
        return float(np.max((comment_side + target_side) / 2.0))

    def features(
        self, comment_text: str, comment: np.ndarray, targets: Targets
    ) -> tuple[float, float]:
        """(z, log(1 + shared content words)) for one comment and one target."""
        shared = len(content_words(comment_text) & targets.words)
        return self.z_score(comment, targets), float(np.log1p(shared))

    def logit(self, comment_text: str, comment: np.ndarray, targets: Targets) -> float:
        """Log-odds that the comment is off-topic for ``targets`` (before short-text rules)."""
        z, overlap = self.features(comment_text, comment, targets)
        cal = self.calibration
        return cal.intercept + cal.slope * z + cal.overlap_slope * overlap

    def probability(
        self,
        comment_text: str,
        comment: np.ndarray,
        *,
        article: Targets | None,
        parent: Targets | None,
    ) -> float | None:
        """P(off-topic), or None when there is neither an article nor a parent."""
        targets = [t for t in (article, parent) if t is not None and len(t)]
        if not targets:
            return None
        cal = self.calibration
        logit = min(self.logit(comment_text, comment, t) for t in targets)
        p = float(1.0 / (1.0 + np.exp(-logit)))
        words = word_count(comment_text)
        confidence = min(1.0, words / cal.full_signal_words)
        p = 0.5 + (p - 0.5) * confidence
        if parent is None:
            if _MENTION_REPLY.match(comment_text):
                p = min(p, cal.unknown_parent_reply_cap)
            elif words < cal.full_signal_words:
                p = min(p, cal.short_text_cap)
        return p


def bank_fingerprint(texts: Sequence[str], encoder_version: str) -> str:
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    return f"{encoder_version}:{digest}"


def load_cached_bank(path: Path, texts: Sequence[str], encoder_version: str) -> np.ndarray | None:
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        if str(data["fingerprint"]) != bank_fingerprint(texts, encoder_version):
            return None
        return data["embeddings"].astype(np.float32)


def save_bank(path: Path, bank: np.ndarray, texts: Sequence[str], encoder_version: str) -> None:
    """Write the bank cache; a read-only install just recomputes at each load instead."""
    with contextlib.suppress(OSError):
        np.savez_compressed(
            path,
            embeddings=bank.astype(np.float16),
            fingerprint=np.array(bank_fingerprint(texts, encoder_version)),
        )
