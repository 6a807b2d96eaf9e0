"""Training end to end on a tiny sample the test writes itself (CI never retrains real heads)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from parley.engine.heads import ABUSE_DECIDING, ATTRIBUTES, AttributeHeads
from training import functional_suite
from training.cli import choose_thresholds, run_training
from training.datasets import Example
from training.train_heads import (
    AbuseHeadsClassifier,
    complete_labels,
    examples_from_cases,
    label_matrix,
)

ABUSIVE = ["you are a stupid idiot", "shut up you moron", "what a pathetic loser you are",
           "you brainless clown", "get lost you worthless fool", "tum bewakoof ho",
           "idiot author, useless article", "you are an ignorant hypocrite"]
CLEAN = ["thanks for the report", "the budget numbers look right", "great goal last night",
         "when does the bridge reopen", "I agree with this analysis", "shukriya, achi khabar",
         "the weather is lovely today", "good points about the metro line"]
PROFANE = ["damn what a goal", "holy shit that save", "fuck yes we won", "shit I missed the bus"]


def fake_embed(texts, label=""):
    """Deterministic stand-in for the encoder: unit vectors seeded by each text."""
    rows = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "big")
        row = np.random.default_rng(seed).normal(size=384)
        rows.append(row / np.linalg.norm(row))
    return np.array(rows, dtype=np.float32)


def tiny_sets() -> dict[str, list[Example]]:
    rows = []
    for copy in range(3):  # three paraphrase-free copies; splits differ by suffix
        split = ("train", "train", "calibration")[copy]
        suffix = ("", " !", " .")[copy]
        for text in ABUSIVE:
            rows.append(Example(text + suffix, "en", "tiny", {"TOXICITY": 1, "INSULT": 1}, 1, 1,
                                split=split))
        for text in CLEAN:
            rows.append(Example(text + suffix, "en", "tiny", {name: 0 for name in ATTRIBUTES},
                                0, 0, split=split))
        for text in PROFANE:
            rows.append(Example(text + suffix, "en", "tiny", {"PROFANITY": 1, "TOXICITY": 0}, 0,
                                1, split=split))
    return {"tiny": rows}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    model_dir = tmp_path_factory.mktemp("model")
    cases = functional_suite.augmentation_cases()
    augment = [c for category in ("threat", "identity_attack", "plain_clean", "neutral_identity")
               for c in [c for c in cases if c.category == category][:15]]
    heads = run_training(tiny_sets(), fake_embed, model_dir,
                         classifier=AbuseHeadsClassifier(n_buckets=2**12, C=4.0),
                         augment=augment)
    return model_dir, heads


def test_artifacts_are_written_small_and_loadable(trained):
    model_dir, _ = trained
    assert (model_dir / "heads.npz").stat().st_size < 2_000_000
    config = json.loads((model_dir / "heads.json").read_text())
    assert config["attributes"] == list(ATTRIBUTES)
    thresholds = config["recommended_thresholds"]
    assert 0.2 <= thresholds["TOXICITY"] <= 0.8
    assert all(0.2 <= thresholds[name] <= 1.0 for name in ("THREAT", "INSULT", "IDENTITY_ATTACK"))
    assert set(config["calibration"]["TOXICITY"]) >= {"*"}
    assert AttributeHeads.load(model_dir).version == config["version"]


def test_loaded_heads_separate_abuse_from_clean(trained):
    model_dir, _ = trained
    heads = AttributeHeads.load(model_dir)
    texts = ["you are a stupid moron", "thanks for the helpful report"]
    probs = heads.predict(texts, fake_embed(texts), ["en", "en"])
    assert set(probs) == set(ATTRIBUTES)
    assert all(p.shape == (2,) and np.all((p >= 0) & (p <= 1)) for p in probs.values())
    assert probs["TOXICITY"][0] > probs["TOXICITY"][1]
    assert probs["INSULT"][0] > probs["INSULT"][1]


def test_profanity_is_learned_apart_from_abuse(trained):
    model_dir, _ = trained
    heads = AttributeHeads.load(model_dir)
    texts = ["holy shit what a goal", "the budget looks right"]
    probs = heads.predict(texts, fake_embed(texts), ["en", "en"])
    assert probs["PROFANITY"][0] > probs["PROFANITY"][1]


def test_shipped_code_path_matches_training_arithmetic(trained):
    model_dir, heads = trained
    classifier = AbuseHeadsClassifier(n_buckets=2**12)
    texts = ["you idiot", "nice article"]
    emb = fake_embed(texts)
    loaded = AttributeHeads.load(model_dir)
    assert np.allclose(loaded.decision_function(texts, emb, ["en", "en"]),
                       heads.decision_function(texts, emb, ["en", "en"]))
    assert classifier.featurizer().n_features == loaded.featurizer.n_features


def test_predict_rejects_mismatched_inputs(trained):
    model_dir, _ = trained
    heads = AttributeHeads.load(model_dir)
    with pytest.raises(ValueError, match="one embedding row per text"):
        heads.predict(["a", "b"], fake_embed(["a"]), ["en", "en"])
    with pytest.raises(ValueError, match="languages"):
        heads.predict(["a"], fake_embed(["a"]), [])
    with pytest.raises(TypeError):
        heads.predict("a string", fake_embed(["a"]), ["en"])


def test_missing_model_folder_gives_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="parley train"):
        AttributeHeads.load(tmp_path)


def test_labels_unknown_stay_unknown_and_clean_implies_no_attack():
    clean = Example("x", "en", "s", {"TOXICITY": 0})
    assert complete_labels(clean)["INSULT"] == 0
    unknown = Example("y", "en", "s", {"PROFANITY": 1})
    y = label_matrix([unknown])
    assert y[0, ATTRIBUTES.index("TOXICITY")] == -1
    assert y[0, ATTRIBUTES.index("PROFANITY")] == 1


def test_fit_rejects_single_class_heads():
    rows = [Example("a", "en", "s", {"TOXICITY": 1}), Example("b", "en", "s", {"TOXICITY": 1})]
    classifier = AbuseHeadsClassifier(n_buckets=2**10)
    features = classifier.features([r.text for r in rows], fake_embed([r.text for r in rows]))
    with pytest.raises(ValueError, match="one class"):
        classifier.fit(rows, features)


def test_naive_bayes_scaling_is_folded_into_the_weights():
    augment = functional_suite.augmentation_cases()
    extra = [c for category in ("threat", "identity_attack")
             for c in [c for c in augment if c.category == category][:10]]
    rows = [e for e in tiny_sets()["tiny"] if e.split == "train"] + examples_from_cases(extra)
    classifier = AbuseHeadsClassifier(n_buckets=2**10, nb_smoothing=0.1)
    features = classifier.features([r.text for r in rows], fake_embed([r.text for r in rows]))
    classifier.fit(rows, features)
    logits = classifier.decision_function(features)
    toxic = label_matrix(rows)[:, 0]
    assert logits[toxic == 1, 0].mean() > logits[toxic == 0, 0].mean()


def test_a_secondary_cut_must_earn_its_place():
    """INSULT may join the abusive rule only when it adds real F1 on calibration: catching one
    more abusive row of 2,000 (a gain below the minimum) leaves it off; catching 300 turns it on."""
    rng = np.random.default_rng(0)
    n = 2000
    gold = np.array([1] * (n // 2) + [0] * (n // 2))
    examples = [Example(f"t{i}", "en", "olid", {}, int(g)) for i, g in enumerate(gold)]
    toxicity = np.where(gold == 1, 0.9, 0.1)
    toxicity[:300] = 0.1  # 300 abusive rows TOXICITY misses
    probs = {name: np.zeros(n) for name in ABUSE_DECIDING}
    probs["TOXICITY"] = toxicity + rng.uniform(0, 0.01, n)
    probs["INSULT"] = np.where(np.arange(n) == 0, 0.95, 0.05)
    assert choose_thresholds(examples, probs)["INSULT"] == 1.0
    probs["INSULT"] = np.where(np.arange(n) < 300, 0.95, 0.05)
    assert choose_thresholds(examples, probs)["INSULT"] < 1.0


def test_last_written_templates_are_held_out():
    """The templates reported as the least biased part of the suite never train the heads."""
    for pattern in functional_suite.LAST_WRITTEN:
        matches = [t for t in functional_suite.TEMPLATES if t.pattern == pattern]
        assert matches and all(t.split == "measure" for t in matches), pattern
