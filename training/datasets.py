"""Loaders for the labelled sets in ../shared/data, mapped onto Parley's six abuse attributes.

Each loader yields :class:`Example` rows: the normalised text, its language, the attribute labels
the set actually supports (absent = unknown, never guessed as 0), and two gold labels to measure
against: ``abusive`` (attacks a person or group; untargeted profanity is NOT abusive, per the
issue) and ``offensive`` (the set's own coarse label, which includes untargeted profanity).

Only the sets in ``TRAINABLE`` may teach the model that ships; ``MEASURE_ONLY`` sets are
non-commercial and only measure it. Every set gets a fixed-seed train / calibration / dev split.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ATTRIBUTES = ("TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT", "IDENTITY_ATTACK")
TRAINABLE = ("olid", "davidson2017", "ruhsold", "germeval2018", "germeval2021",
             "urdu_threat_fire2022", "implicit_hate", "toxigen_seed", "urdu_abusive")
#: Never trained on. TRAC-1 and SOCC by licence; Toxic Spans (CC0) by choice: it holds only
#: posts already judged toxic, and a model trained on it learned "a long news comment is toxic"
#: (it flagged 84% of SOCC's news comments, whose gold rate is 17%); it measures the typed
#: attributes as a whole unseen set instead.
MEASURE_ONLY = ("trac1_en", "trac1_hi", "socc_c3", "toxic_spans")
SPLIT_SEED = "parley-2026-11"
DEV_FRACTION = 0.15
CALIBRATION_FRACTION = 0.10

csv.field_size_limit(10_000_000)


def normalise(text: str) -> str:
    """Normalise like the engine does before scoring (its function when present)."""
    try:
        from parley.engine.normalise import normalise_text
    except ImportError:  # the engine helper's module may not exist yet
        return _local_normalise(text)
    return normalise_text(text)


def _local_normalise(text: str) -> str:
    import re
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text
                   if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Example:
    """One labelled comment. ``labels`` holds only the attributes this source really labels."""

    text: str
    language: str
    source: str
    labels: dict[str, int] = field(default_factory=dict)
    abusive: int | None = None
    offensive: int | None = None
    fine: str = ""
    split: str = "train"
    weight: float = 1.0


def data_dir(path: str | Path | None = None) -> Path:
    """Where the shared data lives: argument, ``PARLEY_DATA_DIR_TRAINING``, or ../shared/data."""
    if path:
        return Path(path)
    env = os.environ.get("PARLEY_DATA_DIR_TRAINING")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def assign_split(source: str, text: str) -> str:
    """Deterministic split by a hash of source and text: identical texts land in the same split."""
    digest = hashlib.sha256(f"{SPLIT_SEED}|{source}|{text}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    if u < DEV_FRACTION:
        return "dev"
    if u < DEV_FRACTION + CALIBRATION_FRACTION:
        return "calibration"
    return "train"


def _rows_tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def _rows_csv(path: Path, **kwargs: object) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle, **kwargs)  # type: ignore[arg-type]


def _clean() -> dict[str, int]:
    """Labels of a text its set calls clean: 0 on every attribute."""
    return {name: 0 for name in ATTRIBUTES}


def _profane_at_no_one() -> dict[str, int]:
    """Labels of profanity its set says targets no one: profane, not abuse (severity unknown)."""
    return {"PROFANITY": 1, "TOXICITY": 0, "INSULT": 0, "THREAT": 0, "IDENTITY_ATTACK": 0}


def _holds_insult_or_profanity(lexicon, text: str) -> bool:
    """Whether ``text`` holds an insult or profanity from our lexicon: what keeps a row of a set
    that says nothing about rudeness from being labelled clean."""
    from parley.engine.lexical import fold_text, tokenize

    tokens = tokenize(fold_text(text))
    joined = f" {' '.join(tokens)} "
    return any(lexicon.count(section, tokens, joined) for section in ("insult", "profanity"))


def load_olid(root: Path) -> Iterator[Example]:
    """OLID level A/B/C: OFF+TIN is abusive (IND -> insult, GRP -> identity attack); UNT is
    profanity that attacks no one; NOT is clean on every attribute."""
    rows = _rows_tsv(root / "olid" / "olid-training-v1.0.tsv")
    next(rows)
    for _id, tweet, a, b, c in rows:
        labels: dict[str, int]
        if a == "NOT":
            labels = _clean()
            abusive = 0
        elif b == "UNT":
            labels = {"TOXICITY": 0, "INSULT": 0, "THREAT": 0, "IDENTITY_ATTACK": 0,
                      "SEVERE_TOXICITY": 0}
            abusive = 0
        else:
            labels = {"TOXICITY": 1, "INSULT": int(c == "IND"), "IDENTITY_ATTACK": int(c == "GRP")}
            if c == "OTH":
                labels.pop("INSULT")
            abusive = 1
        yield Example(normalise(tweet), "en", "olid", labels, abusive, int(a == "OFF"),
                      fine=f"{a}/{b}/{c}")


def load_davidson(root: Path) -> Iterator[Example]:
    """Davidson 2017: hate -> abusive identity attack; "offensive" -> profanity with unknown
    targeting (most of it slurs at women), so its TOXICITY is left unknown; neither -> clean."""
    rows = _rows_csv(root / "davidson2017" / "labeled_data.csv")
    next(rows)
    for row in rows:
        klass, tweet = int(row[5]), row[6]
        if klass == 0:
            labels = {"TOXICITY": 1, "IDENTITY_ATTACK": 1}
            abusive = 1
        elif klass == 1:
            labels = {"PROFANITY": 1, "THREAT": 0}
            abusive = None
        else:
            labels = _clean()
            abusive = 0
        yield Example(normalise(tweet), "en", "davidson2017", labels, abusive, int(klass != 2),
                      fine=("hate", "offensive", "neither")[klass])


RUHSOLD_FINE = {"0": "abusive", "1": "normal", "2": "religious_hate", "3": "sexism",
                "4": "profane_untargeted"}


def load_ruhsold(root: Path) -> Iterator[Example]:
    """RUHSOLD task 2 (fine labels; task 1 holds the same texts with coarse labels).

    The published task_1_validation file is not used: 576 of its 801 texts also occur in the
    training file, so it cannot measure anything; our own dev split stands in for it.
    """
    for text, label in _rows_tsv(root / "ruhsold" / "task_2_train.tsv"):
        fine = RUHSOLD_FINE[label.strip()]
        labels: dict[str, int]
        if fine == "normal":
            labels = _clean()
        elif fine == "profane_untargeted":
            labels = _profane_at_no_one()
        elif fine == "abusive":
            labels = {"TOXICITY": 1, "INSULT": 1}
        else:
            labels = {"TOXICITY": 1, "IDENTITY_ATTACK": 1}
        abusive = int(fine not in ("normal", "profane_untargeted"))
        yield Example(normalise(text), "ur-Latn", "ruhsold", labels, abusive,
                      int(fine != "normal"), fine=fine)


def load_germeval2018(root: Path) -> Iterator[Example]:
    """GermEval 2018: ABUSE and INSULT are abusive; PROFANITY is profanity that targets no one."""
    for row in _rows_tsv(root / "germeval2018" / "germeval2018.training.txt"):
        text, coarse, fine = row[0], row[1], row[2]
        if coarse == "OTHER":
            labels = _clean()
        elif fine == "PROFANITY":
            labels = _profane_at_no_one()
        elif fine == "INSULT":
            labels = {"TOXICITY": 1, "INSULT": 1}
        else:
            labels = {"TOXICITY": 1}
        abusive = int(coarse == "OFFENSE" and fine != "PROFANITY")
        yield Example(normalise(text), "de", "germeval2018", labels, abusive,
                      int(coarse == "OFFENSE"), fine=fine)


def load_germeval2021(root: Path) -> Iterator[Example]:
    """GermEval 2021 Sub1: toxic Facebook comments (its "toxic" is our abusive)."""
    rows = _rows_csv(root / "germeval2021" / "GermEval21_TrainData.csv")
    next(rows)
    for row in rows:
        toxic = int(row[2])
        labels = {"TOXICITY": toxic} if toxic else {"TOXICITY": 0, "THREAT": 0}
        yield Example(normalise(row[1]), "de", "germeval2021", labels, toxic, toxic)


def load_urdu_threat(root: Path) -> Iterator[Example]:
    """UrduThreat 2022: threats are abusive. A non-threat may still insult, so it is labelled
    not abusive only when it holds no insult or profanity from our lexicon; otherwise only THREAT=0.
    (Without some Urdu-script negatives every Urdu-script comment would look abusive: the set is
    the only Urdu-script data we may train on.)"""
    from parley.engine.lexical import Lexicon

    lexicon = Lexicon.load()
    rows = _rows_csv(root / "urdu_threat_fire2022" / "train.csv")
    next(rows)
    for text, threat, _target in rows:
        if threat == "1":
            labels = {"THREAT": 1, "TOXICITY": 1}
        else:
            rude = _holds_insult_or_profanity(lexicon, text)
            labels = {"THREAT": 0} if rude else {"THREAT": 0, "TOXICITY": 0}
        yield Example(normalise(text), "ur", "urdu_threat_fire2022", labels,
                      labels.get("TOXICITY"), None, fine=f"threat={threat}")


def load_trac1(root: Path, part: str) -> Iterator[Example]:
    """TRAC-1 (measure only): overt aggression is abusive; covert aggression is counted as
    offensive but not abusive (it is often sarcasm without an attack)."""
    path = root / "trac1" / f"agr_{part}_train.csv"
    for row in _rows_csv(path):
        if len(row) < 3:
            continue
        label = row[2].strip()
        language = "en" if part == "en" else "hi-Latn"
        yield Example(normalise(row[1]), language, f"trac1_{part}", {}, int(label == "OAG"),
                      int(label != "NAG"), fine=label, split="dev")


def load_socc(root: Path) -> Iterator[Example]:
    """SOCC C3 (measure only): toxic when most annotators saw any toxic trait."""
    with (root / "socc_c3" / "c3_relevance_toxicity_view.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            judged = float(row["n_judgements_toxicity"] or 0)
            if not judged:
                continue
            toxic = int(float(row["toxic_votes_any"]) / judged > 0.5)
            yield Example(normalise(row["comment_text"]), "en", "socc_c3", {}, toxic, toxic,
                          fine=row["crowd_toxicity_level"], split="dev")


#: Toxic Spans span types -> Parley attributes ("Other Toxicity" only makes a post toxic).
TOXIC_SPAN_TYPES = {"Insult": "INSULT", "Profane/Obscene": "PROFANITY",
                    "Identity based Attack": "IDENTITY_ATTACK", "Threat": "THREAT"}


def load_toxic_spans(root: Path) -> Iterator[Example]:
    """Toxic Spans (Civil Comments posts with toxicity >= 0.5, CC0): per post, an attribute is 1
    when at least half of its annotators marked a span of that type, 0 when none did while some
    span was marked (the post is toxic in another way), unknown in between. TOXICITY is 1 when
    most annotators marked any span; the set has almost no clean posts, so it is never 0."""
    folder = root / "toxic_spans" / "data"
    types_of: dict[str, set[str]] = {}
    for row in _rows_csv(folder / "spans.csv"):
        if row and row[0].isdigit() and row[1] in TOXIC_SPAN_TYPES:
            types_of.setdefault(row[0], set()).add(TOXIC_SPAN_TYPES[row[1]])
        elif row and row[0].isdigit():
            types_of.setdefault(row[0], set())
    raters: dict[str, list[set[str] | None]] = {}
    rows = _rows_csv(folder / "annotations.csv")
    next(rows)
    for annotation, comment_id, *_rest in rows:
        raters.setdefault(comment_id, []).append(types_of.get(annotation))
    rows = _rows_csv(folder / "comments.csv")
    next(rows)
    for comment_id, text in rows:
        marks = raters.get(comment_id)
        if not marks:
            continue
        n = len(marks)
        marked = [m for m in marks if m is not None]
        labels: dict[str, int] = {}
        if len(marked) * 2 >= n:
            labels["TOXICITY"] = 1
        for name in TOXIC_SPAN_TYPES.values():
            k = sum(name in m for m in marked)
            if k * 2 >= n:
                labels[name] = 1
            elif k == 0 and marked:
                labels[name] = 0
        if not labels:
            continue
        attack = any(labels.get(a) == 1 for a in ("INSULT", "THREAT", "IDENTITY_ATTACK"))
        yield Example(normalise(text), "en", "toxic_spans", labels, 1 if attack else None,
                      labels.get("TOXICITY"), fine="+".join(sorted(k for k, v in labels.items()
                                                                   if v)))


def load_implicit_hate(root: Path) -> Iterator[Example]:
    """Latent Hatred (ElSherief et al. 2021): implicit and explicit hate are identity attacks
    (explicit hate is severe; the "threatening" implicit class is a threat). "not_hate" is
    clean when it holds no insult or profanity from our lexicon, else only "not hate"."""
    from parley.engine.lexical import Lexicon

    lexicon = Lexicon.load()
    folder = root / "implicit_hate"
    threatening: set[str] = set()
    rows = _rows_tsv(folder / "implicit_hate_v1_stg2_posts.tsv")
    next(rows)
    for row in rows:
        if len(row) >= 2 and "threatening" in (row[1], row[2] if len(row) > 2 else ""):
            threatening.add(normalise(row[0]))
    rows = _rows_tsv(folder / "implicit_hate_v1_stg1_posts.tsv")
    next(rows)
    for row in rows:
        if len(row) < 2:
            continue
        text, label = normalise(row[0]), row[1].strip()
        if label == "not_hate":
            # Clean unless it holds an insult or profanity from our lexicon: without these
            # negatives the set would only ever say "toxic", and its political tweets would
            # teach that politics is.
            rude = _holds_insult_or_profanity(lexicon, text)
            labels = {"IDENTITY_ATTACK": 0, "THREAT": 0, "SEVERE_TOXICITY": 0}
            if not rude:
                labels.update(TOXICITY=0, INSULT=0)
            abusive = None if rude else 0
        else:
            labels = {"TOXICITY": 1, "IDENTITY_ATTACK": 1}
            if label == "explicit_hate":
                labels["SEVERE_TOXICITY"] = 1
            if text in threatening:
                labels["THREAT"] = 1
            abusive = 1
        yield Example(text, "en", "implicit_hate", labels, abusive, abusive, fine=label)


def load_toxigen_seed(root: Path) -> Iterator[Example]:
    """ToxiGen's human-written seed sentences: implicitly hateful ones attack their group;
    neutral ones name the group and are clean."""
    with (root / "toxigen_seed" / "toxigen_seed_sentences.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            hate = row["label"] == "hate"
            labels = ({"TOXICITY": 1, "IDENTITY_ATTACK": 1, "INSULT": 0} if hate else _clean())
            yield Example(normalise(row["text"]), "en", "toxigen_seed", labels, int(hate),
                          int(hate), fine=f"{row['label']}/{row['target_group']}")


def load_urdu_abusive(root: Path) -> Iterator[Example]:
    """Urdu Abusive Dataset (YouTube comments, Urdu script): abusive or clean."""
    rows = _rows_csv(root / "urdu_abusive" / "urdu_abusive_dataset.utf8.csv")
    next(rows)
    for row in rows:
        if len(row) < 2 or row[0].strip() not in ("0", "1"):
            continue
        abusive = int(row[0].strip())
        labels = {"TOXICITY": 1} if abusive else _clean()
        yield Example(normalise(row[1]), "ur", "urdu_abusive", labels, abusive, abusive)


LOADERS: dict[str, Callable[[Path], Iterator[Example]]] = {
    "olid": load_olid,
    "davidson2017": load_davidson,
    "ruhsold": load_ruhsold,
    "germeval2018": load_germeval2018,
    "germeval2021": load_germeval2021,
    "urdu_threat_fire2022": load_urdu_threat,
    "trac1_en": lambda root: load_trac1(root, "en"),
    "trac1_hi": lambda root: load_trac1(root, "hi"),
    "socc_c3": load_socc,
    "toxic_spans": load_toxic_spans,
    "implicit_hate": load_implicit_hate,
    "toxigen_seed": load_toxigen_seed,
    "urdu_abusive": load_urdu_abusive,
}


def load(name: str, root: Path | None = None) -> list[Example]:
    """Load one set with its fixed split (measure-only sets are entirely ``dev``)."""
    if name not in LOADERS:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(LOADERS)}")
    root = data_dir(root)
    if not root.is_dir():
        raise FileNotFoundError(f"data folder {root} not found (set PARLEY_DATA_DIR_TRAINING "
                                "or pass --data)")
    examples = []
    seen: set[str] = set()
    for example in LOADERS[name](root):
        if not example.text or example.text in seen:
            continue
        seen.add(example.text)
        if name in TRAINABLE:
            example.split = assign_split(name, example.text)
        else:
            example.split = "dev"
        examples.append(example)
    return examples


def subsample(examples: list[Example], limit: int, *, keep: Callable[[Example], bool] | None = None,
              seed: str = SPLIT_SEED) -> list[Example]:
    """Deterministically keep at most ``limit`` examples (those ``keep`` protects always stay).

    Used to bound embedding time: the measure-only sets and Davidson's large "offensive" class.
    """
    protected = [e for e in examples if keep is not None and keep(e)]
    rest = [e for e in examples if not (keep is not None and keep(e))]
    room = max(0, limit - len(protected))
    if len(rest) > room:
        rest = sorted(rest, key=lambda e: hashlib.sha256(f"{seed}|{e.text}".encode()).digest())
        rest = rest[:room]
    chosen = {id(e) for e in protected + rest}
    return [e for e in examples if id(e) in chosen]


#: Rows per set used for training and measuring (None: all). Davidson keeps every hate and
#: "neither" tweet; the measure-only sets are sampled to keep `parley evaluate` short.
ROW_LIMITS: dict[str, tuple[int, Callable[[Example], bool] | None]] = {
    "davidson2017": (12000, lambda e: e.fine != "offensive"),
    "trac1_en": (2000, None),
    "trac1_hi": (2000, None),
    "socc_c3": (2000, None),
    "toxic_spans": (2000, None),
}


def load_limited(name: str, root: Path | None = None) -> list[Example]:
    """:func:`load`, then :data:`ROW_LIMITS` applied: what training and evaluation use."""
    examples = load(name, root)
    if name in ROW_LIMITS:
        limit, keep = ROW_LIMITS[name]
        examples = subsample(examples, limit, keep=keep)
    return examples
