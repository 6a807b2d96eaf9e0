"""Calibrate and measure OFF_TOPIC (parley.engine.relevance).

    .venv/bin/python bench/relevance.py fit      # re-embed model/reference_texts.tsv into
                                                 # reference_bank.npz, fit on the examples
                                                 # (bench/relevance_examples.json) and write
                                                 # src/parley/engine/model/relevance.json
    .venv/bin/python bench/relevance.py measure  # AUCs on the examples and the measure-only sets
    .venv/bin/python bench/relevance.py measure-real  # AUC and share held at the review threshold
                                                 # on omp_offtopic and socc_c3 (<= 2,000 each)

`fit` is the whole refit, deterministic and about 15 s on 2 cores: run it (and commit the two
files it writes) after any change to encoder.onnx, reference_texts.tsv or the examples. It reads
nothing else: the logistic is fitted ONLY on the examples written for Parley. socc_c3 and
omp_offtopic are non-commercial, measure-only sets: they are read here to report numbers, never
to fit. Pairs: each example comment against its own article (on-topic) and against every other
article (off-topic), each also against that article's thread (its other example comments); the
generic off-topic comments against every article (off-topic), weighted to count as much in all as
the other-article pairs. Classes are weighted to balance, then the intercept is moved to a 30%
off-topic base rate. The thread offset, the clear-evidence level and the generic words are
derived from the same examples (see fit()).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import inspect
import json
import os
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# PARLEY_SRC=<a checkout's src> measures another version of the engine (e.g. main's, for "before").
sys.path.insert(0, os.environ.get("PARLEY_SRC", str(ROOT / "src")))

from parley.engine.encoder import Encoder  # noqa: E402
from parley.engine.normalise import normalise_text  # noqa: E402
from parley.engine.relevance import (  # noqa: E402
    CALIBRATION_FILE,
    DEFAULT_MODEL_DIR,
    RelevanceCalibration,
    RelevanceModel,
    article_parts,
)

# Only `fit` needs these (measure-real may run against an older engine, see PARLEY_SRC).
with contextlib.suppress(ImportError):
    from parley.engine.relevance import (  # noqa: E402
        BANK_CACHE_FILE,
        BANK_TEXTS_FILE,
        content_words,
        read_bank_rows,
        read_bank_texts,
        save_bank,
        word_count,
    )

EXAMPLES = Path(__file__).with_name("relevance_examples.json")
# Share of off-topic comments the probabilities assume. omp_offtopic's moderators labelled 16%
# of their sample off-topic, socc_c3 readers gave a "non relevant" vote to 33%. The balanced fit
# (50%) flagged 5% of the examples' on-topic pairs at the 0.85 review threshold; at 30% it flags
# 1.7% (none of 8+ words) and still catches about 40% of off-topic pairs; at 15% it catches
# only 19%. Vague but on-topic remarks ("the poor pay for everything") should not be reviewed.
OFF_TOPIC_PRIOR = 0.30
# Soft maximum over an article's parts (relevance._soft_max); 0 would be the plain maximum.
PART_TEMPERATURE = 1.0
# Added to the largest log-odds of a short on-topic example pair to give clear_logit.
CLEAR_LOGIT_SAFETY = 0.5
DATA = Path(ROOT.parent / "shared" / "data")


def auc(labels: list[int], scores: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    neg_sorted = np.sort(np.array(neg))
    total = 0.0
    for s in pos:
        lo = np.searchsorted(neg_sorted, s, side="left")
        hi = np.searchsorted(neg_sorted, s, side="right")
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def example_pairs(
    encoder: Encoder, model: RelevanceModel, groups: list[tuple[int, int]] | None = None
) -> tuple[np.ndarray, np.ndarray, list[int], list[str]]:
    """Features (RelevanceModel.features) against the target article, the same
    against the target article's thread (its other example comments, the comment itself left
    out), and labels (1 = off-topic) for every example pair; ``groups`` (if given) receives
    (comment's article, target article) per pair, -1 = generic."""
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    articles = data["articles"]
    targets = []
    for article in articles:
        parts = [normalise_text(p) for p in article_parts(article["title"], article["body"])]
        targets.append(model.prepare(encoder.encode(parts), parts, article=True))
    comments = [[normalise_text(c) for c in article["comments"]] for article in articles]
    vectors = [encoder.encode(texts) for texts in comments]

    def thread(j: int, leave_out: int | None = None):
        keep = [k for k in range(len(comments[j])) if k != leave_out]
        return model.prepare(vectors[j][keep], [comments[j][k] for k in keep])

    threads = [thread(j) for j in range(len(articles))]
    features: list[tuple[float, ...]] = []
    thread_features: list[tuple[float, ...]] = []
    labels: list[int] = []
    texts: list[str] = []
    for i in range(len(articles)):
        for k, (text, vec) in enumerate(zip(comments[i], vectors[i], strict=True)):
            for j, target in enumerate(targets):
                features.append(model.features(text, vec, target))
                own_thread = thread(j, k) if i == j else threads[j]
                thread_features.append(model.features(text, vec, own_thread))
                labels.append(int(i != j))
                texts.append(text)
                if groups is not None:
                    groups.append((i, j))
    entries = [e if isinstance(e, dict) else {"text": e} for e in data["off_topic"]]
    generic = [normalise_text(e["text"]) for e in entries]
    titles = [article["title"] for article in articles]
    for entry, text, vec in zip(entries, generic, encoder.encode(generic), strict=True):
        for j, target in enumerate(targets):
            if titles[j] in entry.get("on_topic_for", ()):
                continue
            features.append(model.features(text, vec, target))
            thread_features.append(model.features(text, vec, threads[j]))
            labels.append(1)
            texts.append(text)
            if groups is not None:
                groups.append((-1, j))
    return np.array(features), np.array(thread_features), labels, texts


def logits(model: RelevanceModel, features: np.ndarray) -> list[float]:
    return [model.logit_of(tuple(row)) for row in features]


def _balanced_log_loss(logit: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    loss = (np.logaddexp(0.0, -logit) * y + np.logaddexp(0.0, logit) * (1 - y)) * weights
    return float(loss[y == 1].sum() / weights[y == 1].sum() + loss[y == 0].mean())


def example_generic_words() -> tuple[str, ...]:
    """Content words found in the articles and comments of three or more example stories
    ("good", "alway", "pakis"): sharing one of them with an article is no evidence."""
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    stories: dict[str, int] = {}
    for article in data["articles"]:
        texts = [article["title"], article["body"], *article["comments"]]
        for word in frozenset().union(*(content_words(normalise_text(t)) for t in texts)):
            stories[word] = stories.get(word, 0) + 1
    return tuple(sorted(w for w, n in stories.items() if n >= 3))


def embed_bank(encoder: Encoder) -> np.ndarray:
    """Embed the committed reference texts and rewrite reference_bank.npz."""
    texts = read_bank_texts(DEFAULT_MODEL_DIR / BANK_TEXTS_FILE)
    bank = encoder.encode(texts)
    save_bank(DEFAULT_MODEL_DIR / BANK_CACHE_FILE, bank, texts, encoder.version)
    print(f"wrote {DEFAULT_MODEL_DIR / BANK_CACHE_FILE}: {len(texts)} texts, {encoder.version}")
    return bank


def fit(encoder: Encoder, model: RelevanceModel) -> RelevanceCalibration:
    """Rewrite reference_bank.npz and relevance.json from the committed texts and examples."""
    from sklearn.linear_model import LogisticRegression

    base = RelevanceCalibration(
        part_temperature=PART_TEMPERATURE, generic_words=example_generic_words()
    )
    rows = read_bank_rows(DEFAULT_MODEL_DIR / BANK_TEXTS_FILE)
    model = RelevanceModel(
        embed_bank(encoder), base, [text for _, _, text in rows], [topic for _, topic, _ in rows]
    )
    groups: list[tuple[int, int]] = []
    features, thread_features, labels, texts = example_pairs(encoder, model, groups)
    y = np.array(labels)
    clf = LogisticRegression(class_weight="balanced", C=10.0)

    # The generic off-topic comments (recipes, sales pitches, scores, chatter) weigh as much in
    # all as the pairs of a comment with another article: both kinds of off-topic matter.
    generic = np.array([i < 0 for i, _ in groups])
    other = (y == 1) & ~generic
    weights = np.ones(len(y))
    weights[generic] = other.sum() / max(1, generic.sum())
    clf.fit(features, y, sample_weight=weights)
    # The thread counts for less than the article: with the same slopes, the offset added to its
    # log-odds that best fits the thread pairs (never below 0: a thread may only vouch less).
    thread_logit = clf.decision_function(thread_features)
    grid = np.arange(0.0, 8.01, 0.05)
    thread_offset = float(
        grid[np.argmin([_balanced_log_loss(thread_logit + o, y, weights) for o in grid])]
    )
    # Clear evidence (RelevanceModel.clear_evidence): log-odds above those of every short
    # example on-topic pair that shares no content word with its article (or its thread) and a
    # word with an unrelated bank topic, plus a safety step.
    article_logit = clf.decision_function(features)
    on_logits = [
        value
        for text, label, pair, logit_pair in zip(
            texts,
            labels,
            zip(features, thread_features, strict=True),
            zip(article_logit, thread_logit + thread_offset, strict=True),
            strict=True,
        )
        if not label and word_count(text) < base.full_signal_words
        for f, value in zip(pair, logit_pair, strict=True)
        if f[1] == 0.0 and f[3] > 0.0
    ]
    prior_shift = float(np.log(OFF_TOPIC_PRIOR / (1.0 - OFF_TOPIC_PRIOR)))
    clear_logit = round(float(max(on_logits)) + prior_shift + CLEAR_LOGIT_SAFETY, 4)
    # Balanced classes give the odds at a 50% base rate; shift them to OFF_TOPIC_PRIOR.
    calibration = RelevanceCalibration(
        intercept=round(float(clf.intercept_[0]) + prior_shift, 4),
        slope=round(float(clf.coef_[0][0]), 4),
        overlap_slope=round(float(clf.coef_[0][1]), 4),
        margin_slope=round(float(clf.coef_[0][2]), 4),
        topic_slope=round(float(clf.coef_[0][3]), 4),
        thread_offset=round(thread_offset, 4),
        clear_logit=clear_logit,
        related_share=base.related_share,
        part_temperature=base.part_temperature,
        generic_words=base.generic_words,
    )
    model.calibration = calibration
    out = DEFAULT_MODEL_DIR / CALIBRATION_FILE
    payload = {
        "about": "OFF_TOPIC calibration: log-odds = intercept + slope * z + overlap_slope * "
        "log1p(shared content words) + margin_slope * bank margin + topic_slope * log1p(words "
        "shared with one unrelated bank topic), + thread_offset against the thread; see "
        "relevance.py. Written by `bench/relevance.py fit` from bench/relevance_examples.json and "
        "model/reference_texts.tsv only (balanced classes, then shifted to a base rate of "
        f"{OFF_TOPIC_PRIOR:.0%} off-topic comments). Run that fit again after any change to the "
        "encoder, reference_texts.tsv or the examples.",
        "base_rate": OFF_TOPIC_PRIOR,
        "encoder_version": encoder.version,
        **{k: getattr(calibration, k) for k in RelevanceCalibration.__dataclass_fields__},
        "fitted_on_pairs": len(labels),
        "example_auc": round(auc(labels, logits(model, features)), 4),
        "example_thread_auc": round(auc(labels, logits(model, thread_features)), 4),
    }
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}: {calibration}")
    return calibration


def measure_examples(encoder: Encoder, model: RelevanceModel) -> None:
    from sklearn.linear_model import LogisticRegression

    groups: list[tuple[int, int]] = []
    features, _, labels, _ = example_pairs(encoder, model, groups)
    z_only = auc(labels, list(-features[:, 0]))
    value = auc(labels, logits(model, features))
    # Leave one article out: refit the logistic without any pair that involves article k
    # (as the comment's article or as the target), score the pairs of article k's comments.
    y = np.array(labels)
    held_scores = np.zeros(len(labels))
    held = np.zeros(len(labels), dtype=bool)
    for k in {i for i, _ in groups if i >= 0}:
        test = np.array([i == k for i, _ in groups])
        train = np.array([i != k and j != k for i, j in groups])
        clf = LogisticRegression(class_weight="balanced", C=10.0).fit(features[train], y[train])
        held_scores[test] = clf.decision_function(features[test])
        held |= test
    out_of_sample = auc(list(y[held]), list(held_scores[held]))
    print(
        f"examples, own vs other article (+ generic off-topic): AUC {value:.3f} in-sample, "
        f"{out_of_sample:.3f} leaving each article out (z alone {z_only:.3f}); {len(labels)} pairs"
    )


def measure_omp(encoder: Encoder, model: RelevanceModel, seed: int = 13) -> None:
    """omp_offtopic (measure-only): (a) on-topic comments against their own title vs a random
    other title; (b) the moderators' OffTopic label, scored against the title."""
    path = DATA / "omp_offtopic" / "offtopic_posts.csv"
    if not path.exists():
        print("omp_offtopic not found: skipped")
        return
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["article_title"]]
    rng = random.Random(seed)
    titles = sorted({r["article_title"] for r in rows})
    title_vec = {
        title: model.prepare(vec, [title], article=True)
        for title, vec in zip(
            titles, encoder.encode([normalise_text(t) for t in titles]), strict=True
        )
    }
    texts = [normalise_text(f"{r['Headline']} {r['Body']}".strip()) for r in rows]
    emb = encoder.encode(texts)
    own_other_z, own_other_y = [], []
    label_p, label_y = [], []
    for row, text, vec in zip(rows, texts, emb, strict=True):
        own = title_vec[row["article_title"]]
        p = model.probability(text, vec, article=own, parent=None)
        label_p.append(p)
        label_y.append(int(row["OffTopic"]))
        if row["OffTopic"] == "0":
            other = rng.choice([t for t in titles if t != row["article_title"]])
            own_other_z += [model.logit(text, vec, own), model.logit(text, vec, title_vec[other])]
            own_other_y += [0, 1]
    print(
        f"omp_offtopic own title vs random other title (on-topic comments): "
        f"AUC {auc(own_other_y, own_other_z):.3f} over {len(own_other_z)} pairs"
    )
    print(
        f"omp_offtopic moderators' OffTopic label vs OFF_TOPIC (title only): "
        f"AUC {auc(label_y, label_p):.3f} ({sum(label_y)} off-topic of {len(label_y)})"
    )
    for threshold in (0.85, 0.6):
        flagged = [p >= threshold for p in label_p]
        tp = sum(1 for f, y in zip(flagged, label_y, strict=True) if f and y)
        precision = tp / max(1, sum(flagged))
        recall = tp / max(1, sum(label_y))
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        print(
            f"  flagged at {threshold}: precision {precision:.2f} recall {recall:.2f} F1 {f1:.2f} "
            "(published best F1, without the article: 0.31)"
        )


def measure_socc(encoder: Encoder, model: RelevanceModel, seed: int = 13, limit: int = 600) -> None:
    """socc_c3 has no article texts: the 'article' is stood in for by up to 8 other comments on
    the same article (the thread). Measures non_relevant majority / >= 2 votes."""
    path = DATA / "socc_c3" / "c3_relevance_toxicity_view.csv"
    if not path.exists():
        print("socc_c3 not found: skipped")
        return
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    by_article: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    rng = random.Random(seed)
    positives = [r for r in rows if int(r["non_relevant_votes"]) >= 2]
    negatives = [r for r in rows if int(r["non_relevant_votes"]) == 0]
    n_pos = min(len(positives), limit // 3)
    sample = rng.sample(positives, n_pos) + rng.sample(
        negatives, min(len(negatives), limit - n_pos)
    )
    threads = []
    for row in sample:
        others = [o for o in by_article[row["article_id"]] if o is not row]
        threads.append(rng.sample(others, min(8, len(others))))
    # One encoder call for every distinct text involved (far faster than one call per item).
    needed = {id(r): r for r in sample} | {id(o): o for t in threads for o in t}
    keys = list(needed)
    texts_by_key = {k: normalise_text(needed[k]["comment_text"])[:600] for k in keys}
    vectors = dict(zip(keys, encoder.encode([texts_by_key[k] for k in keys]), strict=True))
    probs, labels = [], []
    for row, others in zip(sample, threads, strict=True):
        if not others:
            continue
        thread_texts = [texts_by_key[id(o)] for o in others]
        thread = model.prepare(np.stack([vectors[id(o)] for o in others]), thread_texts)
        text = texts_by_key[id(row)]
        probs.append(model.probability(text, vectors[id(row)], article=thread, parent=None))
        labels.append(int(int(row["non_relevant_votes"]) >= 2))
    print(
        f"socc_c3 non_relevant (>=2 votes vs 0 votes), thread as context: "
        f"AUC {auc(labels, probs):.3f} ({sum(labels)} of {len(labels)})"
    )


# --- measure-real: the measure-only labelled news-comment sets -----------------------------------
# Nothing here fits anything: the sets are read to report numbers. At most REAL_LIMIT comments are
# sampled per set with a fixed seed; context comments (a thread) come from the same files.
REAL_LIMIT = 2000
THREAD_SIZE = 8
REVIEW_THRESHOLD = 0.85  # policy.DEFAULT_REVIEW["OFF_TOPIC"]


class EmbeddingCache:
    """Embeds each distinct text once; with PARLEY_BENCH_CACHE=<dir>, keeps the vectors on disk
    (keyed by encoder version and text), so reruns after a model change cost no encoder time."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.vectors: dict[str, np.ndarray] = {}
        folder = os.environ.get("PARLEY_BENCH_CACHE")
        self.path = Path(folder) / f"emb-{encoder.version}.npz" if folder else None
        if self.path is not None and self.path.exists():
            with np.load(self.path, allow_pickle=False) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def add(self, texts: list[str]) -> None:
        missing = sorted({t for t in texts if self.key(t) not in self.vectors})
        if missing:
            print(f"  encoding {len(missing)} texts", file=sys.stderr, flush=True)
            for text, vec in zip(missing, self.encoder.encode(missing), strict=True):
                self.vectors[self.key(text)] = vec.astype(np.float32)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                keys = list(self.vectors)
                np.savez(
                    self.path,
                    keys=np.array(keys),
                    vectors=np.stack([self.vectors[k] for k in keys]),
                )

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.add(texts)
        return np.stack([self.vectors[self.key(t)] for t in texts])


def _probability(model: RelevanceModel, text: str, vec: np.ndarray, **targets) -> float:
    """model.probability with the targets this version of the engine accepts (main's model has
    no ``thread``: it is then left out, which is what main's engine does with a thread)."""
    accepted = inspect.signature(model.probability).parameters
    kwargs = {k: v for k, v in targets.items() if k in accepted}
    if "article" not in kwargs:
        kwargs["article"] = None
    if "parent" not in kwargs:
        kwargs["parent"] = None
    if all(v is None for v in kwargs.values()):
        return float("nan")
    return float(model.probability(text, vec, **kwargs))


def _as_article(model: RelevanceModel) -> dict[str, bool]:
    """prepare(..., article=True) where this version of the engine has it."""
    return {"article": True} if "article" in inspect.signature(model.prepare).parameters else {}


def _held(probs: list[float], labels: list[int], label: int) -> str:
    chosen = [p for p, y in zip(probs, labels, strict=True) if y == label]
    held = sum(p >= REVIEW_THRESHOLD for p in chosen)
    return f"{held / max(1, len(chosen)):.1%} ({held}/{len(chosen)})"


def _report(name: str, probs: list[float], labels: list[int]) -> None:
    keep = [(p, y) for p, y in zip(probs, labels, strict=True) if p == p]
    probs, labels = [p for p, _ in keep], [y for _, y in keep]
    print(
        f"  {name}: AUC {auc(labels, probs):.3f}; held at {REVIEW_THRESHOLD}: off-topic "
        f"{_held(probs, labels, 1)}, on-topic {_held(probs, labels, 0)}"
    )


def _own_vs_other(
    model: RelevanceModel, items: list[tuple[str, np.ndarray, object, object]], name: str
) -> None:
    """AUC of P(off-topic) for a comment against another story's context (positive) vs against
    its own (negative), over the comments labelled on-topic; plus the share held against the
    other story, and the share held against its own."""
    probs, labels = [], []
    for text, vec, own, other in items:
        probs += [_probability(model, text, vec, **own), _probability(model, text, vec, **other)]
        labels += [0, 1]
    _report(f"{name} [{len(items)} on-topic comments, own vs another story]", probs, labels)


def _thread_of(pool: list[dict[str, str]], row: dict[str, str], key: str) -> list[dict[str, str]]:
    return [o for o in pool if o[key] != row[key]][:THREAD_SIZE]


def measure_real_omp(cache: EmbeddingCache, model: RelevanceModel, seed: int = 13) -> None:
    """omp_offtopic: DER STANDARD moderators' OffTopic label (German). Only titles, and only for
    some articles; the thread is the parent post (when in the file) and up to 8 other labelled
    posts on the same article (a fixed sample per article, the parent left out)."""
    path = DATA / "omp_offtopic" / "offtopic_posts.csv"
    if not path.exists():
        print("omp_offtopic not found: skipped")
        return
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        row["text"] = normalise_text(f"{row['Headline']} {row['Body']}".strip())[:600]
    rows = [r for r in rows if r["text"]]
    by_id = {r["ID_Post"]: r for r in rows}
    rng = random.Random(seed)
    sample = rng.sample(rows, min(REAL_LIMIT, len(rows)))
    by_article: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_article.setdefault(row["ID_Article"], []).append(row)
    pools = {
        a: rng.sample(posts, min(len(posts), THREAD_SIZE + 2))
        for a, posts in sorted(by_article.items())
    }
    titles = sorted({r["article_title"] for r in rows if r["article_title"]})
    articles = sorted(by_article)
    parents = {r["ID_Post"]: by_id.get(r["ID_Parent_Post"]) for r in sample}
    threads = {
        r["ID_Post"]: [
            o
            for o in _thread_of(pools[r["ID_Article"]], r, "ID_Post")
            if parents[r["ID_Post"]] is None or o is not parents[r["ID_Post"]]
        ]
        for r in sample
    }
    cache.add(
        [r["text"] for r in sample]
        + [normalise_text(t) for t in titles]
        + [o["text"] for p in pools.values() for o in p]
        + [p["text"] for p in parents.values() if p is not None]
    )
    title_t = {
        t: model.prepare(cache([normalise_text(t)]), [normalise_text(t)], **_as_article(model))
        for t in titles
    }

    def group(posts: list[dict[str, str]]):
        if not posts:
            return None
        texts = [o["text"] for o in posts]
        return model.prepare(cache(texts), texts)

    pool_t = {a: group(p[:THREAD_SIZE]) for a, p in pools.items()}
    vec = dict(zip([r["ID_Post"] for r in sample], cache([r["text"] for r in sample]), strict=True))
    labels = [int(r["OffTopic"]) for r in sample]
    print(
        f"omp_offtopic (German, moderators' OffTopic label): {len(sample)} sampled posts, "
        f"{sum(labels)} off-topic, seed {seed}"
    )
    with_title = [(r, y) for r, y in zip(sample, labels, strict=True) if r["article_title"]]
    _report(
        f"title only [{len(with_title)} posts with a title]",
        [
            _probability(model, r["text"], vec[r["ID_Post"]], article=title_t[r["article_title"]])
            for r, _ in with_title
        ],
        [y for _, y in with_title],
    )
    contexts = []
    for r in sample:
        parent = parents[r["ID_Post"]]
        contexts.append(
            {
                "article": title_t.get(r["article_title"]),
                "parent": group([parent]) if parent is not None else None,
                "thread": group(threads[r["ID_Post"]]),
            }
        )
    _report(
        "title (when known) + parent + thread of up to 8 posts",
        [
            _probability(model, r["text"], vec[r["ID_Post"]], **c)
            for r, c in zip(sample, contexts, strict=True)
        ],
        labels,
    )
    on_topic = [r for r, y in zip(sample, labels, strict=True) if y == 0]
    _own_vs_other(
        model,
        [
            (
                r["text"],
                vec[r["ID_Post"]],
                {"article": title_t[r["article_title"]]},
                {"article": title_t[rng.choice([t for t in titles if t != r["article_title"]])]},
            )
            for r in on_topic
            if r["article_title"]
        ],
        "title only",
    )
    _own_vs_other(
        model,
        [
            (
                r["text"],
                vec[r["ID_Post"]],
                {"article": group(threads[r["ID_Post"]])},
                {"article": pool_t[rng.choice([a for a in articles if a != r["ID_Article"]])]},
            )
            for r in on_topic
            if threads[r["ID_Post"]]
        ],
        "thread of up to 8 posts as the only context",
    )


def measure_real_socc(cache: EmbeddingCache, model: RelevanceModel, seed: int = 13) -> None:
    """socc_c3: Globe and Mail opinion-article comments (English) with crowd non_relevant votes.
    No article text or title exists in the set: the context is a thread of up to 8 other
    comments on the same article (a fixed sample per article)."""
    path = DATA / "socc_c3" / "c3_relevance_toxicity_view.csv"
    if not path.exists():
        print("socc_c3 not found: skipped")
        return
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        row["text"] = normalise_text(row["comment_text"])[:600]
    rows = [r for r in rows if r["text"]]
    rng = random.Random(seed)
    clear = [r for r in rows if r["non_relevant_majority"] == "1"]
    rest = [r for r in rows if r["non_relevant_majority"] != "1"]
    sample = clear + rng.sample(rest, min(len(rest), REAL_LIMIT - len(clear)))
    by_article: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    pools = {
        a: rng.sample(posts, min(len(posts), THREAD_SIZE + 1))
        for a, posts in sorted(by_article.items())
    }
    articles = sorted(by_article)
    cache.add([r["text"] for r in sample] + [o["text"] for p in pools.values() for o in p])

    def group(posts: list[dict[str, str]]):
        texts = [o["text"] for o in posts]
        return model.prepare(cache(texts), texts) if posts else None

    threads = {
        r["comment_counter"]: _thread_of(pools[r["article_id"]], r, "comment_counter")
        for r in sample
    }
    pool_t = {a: group(p[:THREAD_SIZE]) for a, p in pools.items()}
    vec = dict(
        zip([r["comment_counter"] for r in sample], cache([r["text"] for r in sample]), strict=True)
    )
    votes = [int(r["non_relevant_votes"]) for r in sample]
    probs = [
        _probability(
            model,
            r["text"],
            vec[r["comment_counter"]],
            article=None,
            parent=None,
            thread=group(threads[r["comment_counter"]]),
        )
        for r in sample
    ]
    if all(p != p for p in probs):  # an engine without thread context: the thread as article
        probs = [
            _probability(
                model,
                r["text"],
                vec[r["comment_counter"]],
                article=group(threads[r["comment_counter"]]),
            )
            for r in sample
        ]
    print(
        f"socc_c3 (English, crowd non_relevant votes): {len(sample)} sampled comments "
        f"(all {len(clear)} with a non_relevant majority), seed {seed}; context: a thread of "
        "up to 8 other comments on the article (no article text in the set)"
    )
    for name, keep, label in (
        ("majority non_relevant vs 0 votes", lambda v, m: m or v == 0, lambda v, m: int(m)),
        (">= 2 votes vs 0 votes", lambda v, m: v >= 2 or v == 0, lambda v, m: int(v >= 2)),
    ):
        chosen = [
            (p, label(v, r["non_relevant_majority"] == "1"))
            for p, v, r in zip(probs, votes, sample, strict=True)
            if keep(v, r["non_relevant_majority"] == "1")
        ]
        _report(name, [p for p, _ in chosen], [y for _, y in chosen])
    on_topic = [r for r, v in zip(sample, votes, strict=True) if v == 0]
    _own_vs_other(
        model,
        [
            (
                r["text"],
                vec[r["comment_counter"]],
                {"article": group(threads[r["comment_counter"]])},
                {"article": pool_t[rng.choice([a for a in articles if a != r["article_id"]])]},
            )
            for r in on_topic
        ],
        "thread as the only context",
    )


def measure_real(encoder: Encoder, model: RelevanceModel) -> None:
    cache = EmbeddingCache(encoder)
    measure_real_omp(cache, model)
    measure_real_socc(cache, model)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["fit", "measure", "measure-real"])
    parser.add_argument("--no-socc", action="store_true")
    args = parser.parse_args()
    encoder = Encoder.load(threads=2)
    model = RelevanceModel.load(encoder)
    if args.action == "fit":
        fit(encoder, model)
        return
    if args.action == "measure-real":
        measure_real(encoder, model)
        return
    measure_examples(encoder, model)
    measure_omp(encoder, model)
    if not args.no_socc:
        measure_socc(encoder, model)


if __name__ == "__main__":
    main()
