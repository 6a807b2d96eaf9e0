"""OFF_TOPIC: is a comment about its article (or the comment it answers)?

e5 cosines sit in a narrow band (unrelated pairs about 0.75-0.78), so a fixed cut-off on cosine
means nothing. Instead each comment is compared with its article AND with a bank of ~200 short
news texts on unrelated topics (model/reference_texts.tsv, written for Parley, in the four
languages); the score is how many standard deviations the article similarity sits above the
bank similarities:

    z = (max cos(comment, article parts) - mean cos(comment, bank)) / std cos(comment, bank)

A third signal is the bank margin: how much closer the comment sits to the nearest bank text on a
topic unrelated to the target (the bank texts nearest the target itself are set aside) than to
the target. A recipe under an article on military raids is far closer to the bank's cooking texts
than to the article, however short it is.

The same is done against the parent comment of a reply and against the thread (other comments
on the story, ``thread=``; weaker evidence, so its log-odds carry a fitted offset), and the most
favourable target wins. A second, lexical signal counts the content words (first five letters,
function words left out) that the comment shares with the target: names such as "Haqqani" or
"Waziristan" are strong evidence that short embeddings blur. A logistic over the three, fitted on
examples written for Parley (``bench/relevance.py fit``), maps them to P(off-topic).

Short texts carry little signal, so their probability is pulled towards 0.5 and, without a
parent, capped below the default review threshold: "@Don: Depending on the price!" must never be
called off-topic with confidence. The exception is clear evidence: a short text that shares no
content word with any target, uses words of an unrelated bank topic, and whose log-odds are
above those of every short on-topic example (``clear_logit``, fitted) keeps its full probability
(a recipe, a sales pitch, a cricket score). A reply that opens with "@name" and whose parent is
unknown stays capped whatever its evidence. The caps scale probabilities instead of clipping
them, so that comments keep their order.
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
# Words of every topic that the function-word lists leave in (first five letters, as compared):
# sharing "always" or "really" with an article says nothing about being on its topic.
_COMMON_WORDS = frozenset(
    word[:5]
    for word in (
        "always",
        "never",
        "really",
        "still",
        "even",
        "anyone",
        "someone",
        "every",
        "thing",
        "think",
        "know",
        "make",
        "like",
        "want",
        "need",
        "good",
        "great",
        "much",
        "many",
        "most",
        "well",
        "today",
        "yesterday",
        "tomorrow",
        "again",
        "ever",
        "back",
        "over",
        "while",
        "where",
        "immer",
        "nie",
        "wirklich",
        "schon",
        "heute",
        "gestern",
        "morgen",
        "alles",
        "etwas",
        "nicht",
        "haben",
        "gibt",
        "hamesha",
        "kabhi",
        "bohat",
        "bahut",
        "sirf",
        "phir",
    )
)
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
    """P(off-topic) = sigmoid(intercept + slope * z + overlap_slope * log(1 + shared words)
    + margin_slope * bank margin), + thread_offset for the thread, plus the short-text rules
    (see the module docstring)."""

    intercept: float = 2.0
    slope: float = -1.0
    overlap_slope: float = 0.0
    margin_slope: float = 0.0
    topic_slope: float = 0.0
    thread_offset: float = 1.0
    clear_logit: float = float("inf")
    related_share: float = 0.05
    part_temperature: float = 0.0
    # Content words too common to be evidence (besides those of two or more bank texts): found
    # by the fit in the comments and articles of three or more example stories.
    generic_words: tuple[str, ...] = ()
    full_signal_words: int = 8
    short_text_cap: float = 0.6
    unknown_parent_reply_cap: float = 0.5

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> RelevanceCalibration:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        if "generic_words" in known:
            known["generic_words"] = tuple(known["generic_words"])
        return cls(**known)


def read_bank_rows(path: Path) -> list[tuple[str, str, str]]:
    """Return (language, topic, text) for each reference text (# lines are comments)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}: expected language<TAB>topic<TAB>text, got {line!r}")
        rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return rows


def read_bank_texts(path: Path) -> list[str]:
    """Return the reference texts (third column of the TSV; # lines are comments)."""
    return [text for _, _, text in read_bank_rows(path)]


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
    # Bank texts on topics unrelated to the target (those nearest to it are left out): the bank
    # margin compares the comment with these. None: every bank text counts.
    unrelated: np.ndarray | None = None
    # The same topics by number (None: all), for the lexical topic overlap.
    unrelated_topics: frozenset[int] | None = None
    # An article's parts are pooled with a soft maximum (see _soft_max); a thread's comments
    # with the plain maximum (a reply answers one of them).
    soft: bool = False
    # Similarities of each vector to the bank (for combine()).
    bank_sims: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.vectors.shape[0])


class RelevanceModel:
    """Scores OFF_TOPIC from embeddings; holds the reference bank's embeddings."""

    def __init__(
        self,
        bank: np.ndarray,
        calibration: RelevanceCalibration,
        bank_texts: Sequence[str] = (),
        bank_topics: Sequence[str] = (),
    ) -> None:
        if bank.ndim != 2 or bank.shape[0] < 20:
            raise ValueError("the reference bank needs at least 20 embedded texts")
        self.bank = np.ascontiguousarray(bank, dtype=np.float32)
        self.calibration = calibration
        # How similar each bank text is to the bank as a whole: some (Roman Urdu, very short
        # texts) sit close to everything, so "nearest to the target" is judged relative to that.
        self_sims = self.bank @ self.bank.T
        self._bank_mean = self_sims.mean(axis=1)
        self._bank_std = np.maximum(self_sims.std(axis=1), 1e-3)
        # Content words found in two or more bank texts ("best", "after", "pakis", "price") are
        # generic: sharing them with an article is no evidence of being about it.
        counts: dict[str, int] = {}
        for text in bank_texts:
            for word in content_words(text):
                counts[word] = counts.get(word, 0) + 1
        self.generic_words = (
            frozenset(w for w, n in counts.items() if n >= 2)
            | frozenset(calibration.generic_words)
            | _COMMON_WORDS
        )
        # Topic of each bank text (without topics, each text is a topic of its own).
        topics = list(bank_topics) or [str(i) for i in range(self.bank.shape[0])]
        if len(topics) != self.bank.shape[0]:
            raise ValueError("one topic per bank text")
        names = sorted(set(topics))
        self._topic_of = np.array([names.index(t) for t in topics])
        self._topic_sizes = np.bincount(self._topic_of, minlength=len(names)).astype(np.float32)
        # Words of each topic that are not spread over three or more topics: "recip", "overs",
        # "deliv" say what a comment is about; "after" or "new" do not.
        topics_of_word: dict[str, set[int]] = {}
        for text, topic in zip(bank_texts, self._topic_of.tolist(), strict=False):
            for word in content_words(text):
                topics_of_word.setdefault(word, set()).add(topic)
        self.topic_words: dict[str, frozenset[int]] = {
            w: frozenset(t) for w, t in topics_of_word.items() if len(t) < 3
        }

    @classmethod
    def load(cls, encoder: TextEncoder, model_dir: Path | None = None) -> RelevanceModel:
        """Load the bank's embeddings from the cache file when it matches the encoder and the
        texts (it is committed, so loading is instant), otherwise embed the bank and rewrite it."""
        model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        rows = read_bank_rows(model_dir / BANK_TEXTS_FILE)
        texts = [text for _, _, text in rows]
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
        return cls(bank, calibration, texts, [topic for _, topic, _ in rows])

    def prepare(
        self, vectors: np.ndarray, texts: Sequence[str] = (), *, article: bool = False
    ) -> Targets:
        """Wrap the embeddings of an article's parts (``article=True``), a parent comment or a
        thread's comments with their own similarity statistics against the bank and their
        content words, computed once and cached."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.bank.shape[1])
        words = frozenset().union(*(content_words(text) for text in texts))
        return self._targets(vectors, vectors @ self.bank.T, words, article)

    def combine(self, parts: Sequence[Targets]) -> Targets:
        """One target made of several prepared ones (a thread of cached comments), without
        recomputing their similarities to the bank."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return self.prepare(np.zeros((0, self.bank.shape[1]), dtype=np.float32))
        return self._targets(
            np.concatenate([p.vectors for p in parts]),
            np.concatenate([p.bank_sims for p in parts]),
            frozenset().union(*(p.words for p in parts)),
            False,
        )

    def _targets(
        self, vectors: np.ndarray, sims: np.ndarray, words: frozenset[str], article: bool
    ) -> Targets:
        unrelated = None
        unrelated_topics = None
        if vectors.shape[0]:
            # The topics nearest the target (mean over their texts of how much closer each is to
            # the target than it usually is to the bank) are its own: their texts are set aside.
            nearest = (sims.max(axis=0) - self._bank_mean) / self._bank_std
            by_topic = np.bincount(self._topic_of, weights=nearest) / self._topic_sizes
            related = int(round(self.calibration.related_share * len(self._topic_sizes)))
            own = np.argsort(-by_topic, kind="stable")[:related]
            unrelated = ~np.isin(self._topic_of, own)
            unrelated_topics = frozenset(range(len(self._topic_sizes))) - frozenset(own.tolist())
        return Targets(
            vectors,
            sims.mean(axis=1),
            np.maximum(sims.std(axis=1), 1e-3),
            words,
            unrelated,
            unrelated_topics,
            article,
            sims,
        )

    def z_score(self, comment: np.ndarray, targets: Targets) -> float:
        """Symmetric z-score of the best-matching target: how far cos(comment, target) sits above
        the comment's similarities to the bank, averaged with how far it sits above the target's
        similarities to the bank (the second half stops a generic "hub" article from looking
        related to every comment)."""
        return self._z_and_margin(comment, targets)[0]

    def _z_and_margin(self, comment: np.ndarray, targets: Targets) -> tuple[float, float]:
        if targets.vectors.shape[0] == 0:
            return float("-inf"), float("inf")
        baseline = self.bank @ comment
        spread = max(float(baseline.std()), 1e-3)
        sims = targets.vectors @ comment
        comment_side = (sims - float(baseline.mean())) / spread
        target_side = (sims - targets.mean) / targets.std
        temperature = self.calibration.part_temperature if targets.soft else 0.0
        z = _soft_max((comment_side + target_side) / 2.0, temperature)
        unrelated = baseline if targets.unrelated is None else baseline[targets.unrelated]
        margin = float(unrelated.max()) / spread - _soft_max(sims / spread, temperature)
        return z, margin

    def topic_overlap(self, words: frozenset[str], targets: Targets) -> int:
        """Most content words the comment shares with the texts of one bank topic unrelated to
        the target (words spread over many topics left out)."""
        counts: dict[int, int] = {}
        for word in words:
            for topic in self.topic_words.get(word, ()):
                if targets.unrelated_topics is None or topic in targets.unrelated_topics:
                    counts[topic] = counts.get(topic, 0) + 1
        return max(counts.values(), default=0)

    def features(
        self, comment_text: str, comment: np.ndarray, targets: Targets
    ) -> tuple[float, float, float, float]:
        """(z, log(1 + shared content words), bank margin, log(1 + topic overlap)) for one
        comment and one target."""
        words = content_words(comment_text)
        shared = len((words - self.generic_words) & targets.words)
        z, margin = self._z_and_margin(comment, targets)
        topic = self.topic_overlap(words, targets)
        return z, float(np.log1p(shared)), margin, float(np.log1p(topic))

    def logit_of(self, features: Sequence[float]) -> float:
        cal = self.calibration
        z, overlap, margin, topic = features
        return (
            cal.intercept
            + cal.slope * z
            + cal.overlap_slope * overlap
            + cal.margin_slope * margin
            + cal.topic_slope * topic
        )

    def logit(self, comment_text: str, comment: np.ndarray, targets: Targets) -> float:
        """Log-odds that the comment is off-topic for ``targets`` (before short-text rules)."""
        return self.logit_of(self.features(comment_text, comment, targets))

    def probability(
        self,
        comment_text: str,
        comment: np.ndarray,
        *,
        article: Targets | None,
        parent: Targets | None,
        thread: Targets | None = None,
    ) -> float | None:
        """P(off-topic), or None when there is no article, parent or thread to judge against.

        ``thread``: other comments on the story (siblings, recent comments); it only ever makes a
        comment look more on-topic, and counts for less than the article or the parent."""
        cal = self.calibration
        scored = [
            (self.features(comment_text, comment, t), offset)
            for t, offset in ((article, 0.0), (parent, 0.0), (thread, cal.thread_offset))
            if t is not None and len(t)
        ]
        if not scored:
            return None
        logit = min(self.logit_of(f) + offset for f, offset in scored)
        # The caps scale the probability rather than clip it, so that comments keep their order
        # (clipping made every capped comment tie at the cap).
        cap = 1.0
        words = word_count(comment_text)
        if words < cal.full_signal_words and not self.clear_evidence([f for f, _ in scored], logit):
            logit *= words / cal.full_signal_words
            if parent is None:
                cap = cal.short_text_cap
        if parent is None and _MENTION_REPLY.match(comment_text):
            cap = min(cap, cal.unknown_parent_reply_cap)
        return cap / (1.0 + float(np.exp(-logit)))

    def clear_evidence(self, features: Sequence[Sequence[float]], logit: float) -> bool:
        """Clear evidence of being off-topic, even in a short text: log-odds of at least
        clear_logit, no content word shared with any target, and words of an unrelated bank
        topic (a recipe, a sales pitch, a score) against every target."""
        return (
            bool(features)
            and logit >= self.calibration.clear_logit
            and all(f[1] == 0.0 and f[3] > 0.0 for f in features)
        )


def _soft_max(values: np.ndarray, temperature: float) -> float:
    """The largest value (temperature 0), or temperature * log(mean(exp(values / temperature))):
    with many parts (a long article, a thread) one part matches a comment by chance more often,
    and the mean inside the log takes that back (one strong part among N counts log N less)."""
    if temperature <= 0.0 or values.size == 1:
        return float(values.max())
    top = float(values.max())
    return top + temperature * float(np.log(np.mean(np.exp((values - top) / temperature))))


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
