"""The Engine: one encoder pass per comment feeds the abuse heads, relevance and spam.

Load it once per process (``Engine.shared()`` in the web app); it is thread-safe: ONNX Runtime
sessions may be run from several threads, and the article/parent caches take a lock.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .language import detect_language
from .normalise import normalise_text
from .policy import Policy, decide
from .relevance import DEFAULT_MODEL_DIR, RelevanceModel, Targets, TextEncoder, article_parts
from .spam import SpamSignals, spam_probability
from .types import ABUSE_ATTRIBUTES, Context, Scores

# Attributes that make a comment abusive (attacks, insults, threatens, demeans); not PROFANITY.
ABUSE_DECIDING = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "THREAT", "IDENTITY_ATTACK")
DEFAULT_ABUSIVE_THRESHOLD = 0.5
OFF_TOPIC_THRESHOLD = 0.85  # the default policy's review threshold
THREAD_TARGET_SIZE = 8  # thread comments (most recent first) that OFF_TOPIC compares with


class AbuseHeads(Protocol):
    """What the engine needs from parley.engine.heads.AttributeHeads."""

    version: str

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray, languages: Sequence[str]
    ) -> dict[str, np.ndarray]: ...


class _LRU:
    """A small thread-safe LRU cache for embeddings (articles per story, parent comments)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def _spam_wording(signals: SpamSignals) -> list[str]:
    found = []
    if signals.promotion or signals.weak_promotion:
        found.append("promotion")
    if signals.phone_numbers:
        found.append("phone number")
    if signals.unrelated_links:
        found.append("links to other sites")
    if signals.duplicate:
        found.append("repeats a comment in the thread")
    if signals.repeated_characters or signals.repeated_words:
        found.append("repetition")
    if signals.gibberish >= 0.3:
        found.append("gibberish")
    if signals.shouting:
        found.append("all capitals")
    return found


def _read_abusive_thresholds(model_dir: Path) -> dict[str, float]:
    """Thresholds for ``Scores.abusive`` recommended by the heads in model/heads.json:
    ``recommended_thresholds.abusive`` applies to TOXICITY (and, unless the file names them
    separately, to the other abuse attributes)."""
    thresholds = dict.fromkeys(ABUSE_DECIDING, DEFAULT_ABUSIVE_THRESHOLD)
    path = model_dir / "heads.json"
    if not path.exists():
        return thresholds
    recommended = json.loads(path.read_text(encoding="utf-8")).get("recommended_thresholds")
    if not isinstance(recommended, dict):
        return thresholds
    general = recommended.get("abusive")
    for name in ABUSE_DECIDING:
        value = recommended.get(name, general)
        if isinstance(value, dict):
            value = value.get("abusive")
        if isinstance(value, int | float) and not isinstance(value, bool):
            thresholds[name] = float(value)
    return thresholds


class Engine:
    """Scores comments: abuse attributes, OFF_TOPIC and SPAM, with reasons."""

    _shared: Engine | None = None
    _shared_lock = threading.Lock()

    def __init__(
        self,
        encoder: TextEncoder,
        heads: AbuseHeads,
        relevance: RelevanceModel,
        *,
        abusive_thresholds: dict[str, float] | None = None,
        max_tokens: int = 128,
        encode_batch_size: int = 8,
        article_cache_size: int = 512,
        parent_cache_size: int = 4096,
    ) -> None:
        self.encoder = encoder
        self.heads = heads
        self.relevance = relevance
        self.abusive_thresholds = abusive_thresholds or dict.fromkeys(
            ABUSE_DECIDING, DEFAULT_ABUSIVE_THRESHOLD
        )
        self.max_tokens = max_tokens
        # Small encoder batches pad less (texts are sorted by length inside the encoder); on this
        # CPU 8 beat 32 by about 40%. Use several threads calling score_many to fill more cores.
        self.encode_batch_size = encode_batch_size
        self._articles = _LRU(article_cache_size)
        self._parents = _LRU(parent_cache_size)
        self._policy = Policy()
        self.version = f"{encoder.version}+{heads.version}"[:64]

    @classmethod
    def load(cls, model_dir: Path | None = None, *, threads: int | None = None) -> Engine:
        """Load the encoder, the heads and the relevance bank from ``model_dir`` (default: the
        committed files in parley/engine/model)."""
        from .encoder import Encoder
        from .heads import AttributeHeads

        model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        encoder = Encoder.load(model_dir, threads=threads)
        heads = AttributeHeads.load(model_dir)
        missing = sorted(set(heads.embedding_inputs) - set(encoder.outputs))
        if missing:
            raise ValueError(f"{model_dir}: the heads read encoder output(s) {missing} that "
                             "encoder.onnx lacks")
        relevance = RelevanceModel.load(encoder, model_dir)
        return cls(
            encoder, heads, relevance, abusive_thresholds=_read_abusive_thresholds(model_dir)
        )

    @classmethod
    def shared(cls) -> Engine:
        """The process-wide engine, loaded on first use (thread-safe)."""
        if cls._shared is None:
            with cls._shared_lock:
                if cls._shared is None:
                    cls._shared = cls.load()
        return cls._shared

    def score(self, text: str, context: Context | None = None) -> Scores:
        """Score one comment (normalised here) in its context."""
        return self.score_many([(text, context)])[0]

    def score_many(self, items: Sequence[tuple[str, Context | None]]) -> list[Scores]:
        """Score a batch: one encoder call for all comments (and any new parents/articles)."""
        if not items:
            return []
        texts: list[str] = []
        contexts: list[Context | None] = []
        for text, context in items:
            if not isinstance(text, str):
                raise TypeError("comment text must be a string")
            clean = normalise_text(text)
            if not clean:
                raise ValueError("comment text is empty")
            if context is not None and not isinstance(context, Context):
                raise TypeError("context must be a parley.engine.Context or None")
            texts.append(clean)
            contexts.append(context)
        languages = [
            (c.lang if c is not None and c.lang else detect_language(t))
            for t, c in zip(texts, contexts, strict=True)
        ]
        embeddings, heads_input = self._encode_comments(texts)
        articles = self._article_targets(contexts)
        parents = self._parent_targets(contexts)
        threads = self._thread_targets(contexts, texts)
        self._remember_comments(texts, embeddings)
        abuse = self.heads.predict(texts, heads_input, languages)
        results = []
        for i, (text, context) in enumerate(zip(texts, contexts, strict=True)):
            values: dict[str, float | None] = {
                name: float(abuse[name][i]) for name in ABUSE_ATTRIBUTES
            }
            off_topic = None
            basis = ""
            if context is not None and context.has_relevance_context:
                off_topic = self.relevance.probability(
                    text,
                    embeddings[i],
                    article=articles[i],
                    parent=parents[i],
                    thread=threads[i],
                )
                basis = {
                    (True, True): "the article and the comment it replies to",
                    (True, False): "the article",
                    (False, True): "the comment it replies to",
                }.get((articles[i] is not None, parents[i] is not None), "")
                if threads[i] is not None and basis:
                    basis = basis.replace(" and ", ", ") + " and the rest of its thread"
            values["OFF_TOPIC"] = off_topic
            article_text = f"{context.title}\n{context.body}" if context else ""
            spam, signals = spam_probability(
                text, article_text=article_text, thread=context.thread if context else ()
            )
            values["SPAM"] = spam
            scores = Scores(
                values=values,
                language=languages[i],
                abusive=any(
                    values[name] is not None and values[name] >= self.abusive_thresholds[name]
                    for name in ABUSE_DECIDING
                ),
                off_topic=None if off_topic is None else off_topic >= OFF_TOPIC_THRESHOLD,
                engine_version=self.version,
                off_topic_basis=basis,
                spam_signals=_spam_wording(signals),
            )
            scores.reasons = decide(scores, self._policy).reasons
            results.append(scores)
        return results

    def _cached_targets(
        self,
        cache: _LRU,
        keys: list[str | None],
        texts_for: Callable[[int], list[str]],
        *,
        article: bool = False,
    ) -> list[Targets | None]:
        """Look keys up in ``cache``; embed the missing ones in one encoder call."""
        found: dict[str, Targets] = {}
        missing: dict[str, list[str]] = {}
        for i, key in enumerate(keys):
            if key is None or key in found or key in missing:
                continue
            cached = cache.get(key)
            if cached is not None:
                found[key] = cached
            else:
                missing[key] = texts_for(i)
        if missing:
            flat = [text for parts in missing.values() for text in parts]
            vectors = self.encoder.encode(
                flat, max_tokens=self.max_tokens, batch_size=self.encode_batch_size
            )
            start = 0
            for key, parts in missing.items():
                targets = self.relevance.prepare(
                    vectors[start : start + len(parts)], parts, article=article
                )
                start += len(parts)
                cache.put(key, targets)
                found[key] = targets
        return [None if key is None else found[key] for key in keys]

    def _encode_comments(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """One encoder pass: the frozen embedding (relevance) and the heads' input, which may
        also hold the fine-tuned abuse embedding (a second output of the same graph)."""
        inputs = tuple(getattr(self.heads, "embedding_inputs", ("embedding",)))
        if inputs == ("embedding",):
            embeddings = self.encoder.encode(
                texts, max_tokens=self.max_tokens, batch_size=self.encode_batch_size
            )
            return embeddings, embeddings
        values = self.encoder.encode_outputs(  # type: ignore[attr-defined]
            texts, max_tokens=self.max_tokens, batch_size=self.encode_batch_size
        )
        outputs = dict(zip(self.encoder.outputs, values, strict=True))  # type: ignore[attr-defined]
        return outputs["embedding"], self.heads.embedding_input(outputs)  # type: ignore[attr-defined]

    def _article_targets(self, contexts: list[Context | None]) -> list[Targets | None]:
        keys: list[str | None] = []
        for context in contexts:
            if context is None or not context.has_article:
                keys.append(None)
            elif context.story_key:
                keys.append(f"story:{context.story_key}")
            else:
                digest = hashlib.sha1(f"{context.title}\0{context.body}".encode()).hexdigest()
                keys.append(f"text:{digest}")

        def parts(i: int) -> list[str]:
            context = contexts[i]
            assert context is not None
            return [
                normalise_text(p)
                for p in article_parts(normalise_text(context.title), context.body)
            ] or [normalise_text(context.title)]

        return self._cached_targets(self._articles, keys, parts, article=True)

    def _parent_targets(self, contexts: list[Context | None]) -> list[Targets | None]:
        parents = [
            normalise_text(c.parent) if c is not None and c.parent.strip() else "" for c in contexts
        ]
        keys: list[str | None] = [
            hashlib.sha1(p.encode()).hexdigest() if p else None for p in parents
        ]
        return self._cached_targets(self._parents, keys, lambda i: [parents[i]])

    def _remember_comments(self, texts: list[str], embeddings: np.ndarray) -> None:
        """Keep each scored comment in the parent cache: a later reply to it, or a comment in
        its thread, then needs no encoder pass for it (in this process)."""
        for text, vector in zip(texts, embeddings, strict=True):
            key = hashlib.sha1(text.encode()).hexdigest()
            if self._parents.get(key) is None:
                self._parents.put(key, self.relevance.prepare(vector[None, :], [text]))

    def _thread_targets(
        self, contexts: list[Context | None], texts: list[str]
    ) -> list[Targets | None]:
        """The thread (other comments on the story) of each comment that has an article or a
        parent, as one target. Each thread comment is embedded once and kept in the parent cache
        (threads grow, so a thread as a whole would seldom repeat); copies of the comment itself
        are left out, so a repeated comment cannot vouch for itself."""
        per_item: list[list[str]] = []
        for context, text in zip(contexts, texts, strict=True):
            if context is None or not context.has_relevance_context:
                per_item.append([])
                continue
            thread = [normalise_text(t) for t in context.thread[:THREAD_TARGET_SIZE]]
            per_item.append([t for t in thread if t and t != text])
        flat = [t for thread in per_item for t in thread]
        if not flat:
            return [None] * len(contexts)
        keys: list[str | None] = [hashlib.sha1(t.encode()).hexdigest() for t in flat]
        singles = self._cached_targets(self._parents, keys, lambda i: [flat[i]])
        out: list[Targets | None] = []
        start = 0
        for thread in per_item:
            if not thread:
                out.append(None)
                continue
            parts = singles[start : start + len(thread)]
            start += len(thread)
            out.append(self.relevance.combine([t for t in parts if t is not None]))
        return out
