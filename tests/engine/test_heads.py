"""The committed abuse heads, run with the real encoder: clear cases, the held-out functional
suite and neutral identity mentions. Levels asserted are those measured when the heads were
trained (see MODEL_CARD.md), minus a small margin for run-to-run ONNX noise."""

from __future__ import annotations

import json

import numpy as np
import pytest

from parley.engine.heads import ABUSE_DECIDING, ATTRIBUTES, AttributeHeads
from parley.engine.lexical import MODEL_DIR
from training import functional_suite

pytestmark = pytest.mark.skipif(not (MODEL_DIR / "heads.npz").exists(),
                                reason="no trained heads committed")

MEASURED = json.loads((MODEL_DIR / "heads.json").read_text()) if (
    MODEL_DIR / "heads.json").exists() else {}


@pytest.fixture(scope="module")
def heads() -> AttributeHeads:
    return AttributeHeads.load()


@pytest.fixture(scope="module")
def encoder():
    from parley.engine.encoder import Encoder

    return Encoder.load(threads=2)


def embed(heads, encoder, texts):
    """The heads' input: the encoder outputs they read, from one pass."""
    return heads.embedding_input(dict(zip(encoder.outputs, encoder.encode_outputs(texts),
                                          strict=True)))


def score(heads, encoder, texts, languages):
    return heads.predict(texts, embed(heads, encoder, texts), languages)


def test_version_and_attributes(heads):
    assert heads.version.startswith("heads-")
    assert 0.2 <= heads.abusive_threshold <= 0.8
    assert set(heads.abusive_thresholds) == set(ABUSE_DECIDING)
    assert heads.lexical_weights.shape[1] == len(ATTRIBUTES)


def test_clear_abuse_and_clear_clean(heads, encoder):
    texts = ["You are a pathetic idiot and everyone knows it.",
             "Thank you for this careful report on the flood relief.",
             "tum bohat ghatiya aur jahil insaan ho",
             "میں تمہیں جان سے مار دوں گا",
             "Du bist ein erbärmlicher Vollidiot."]
    languages = ["en", "en", "ur-Latn", "ur", "de"]
    probs = score(heads, encoder, texts, languages)
    abusive = heads.is_abusive(probs)
    assert abusive.tolist() == [True, False, True, True, True]
    assert probs["INSULT"][0] > 0.5 and probs["INSULT"][1] < 0.5
    assert probs["THREAT"][3] > probs["THREAT"][1]


def test_profanity_is_scored_apart_from_abuse(heads, encoder):
    texts = ["Damn, what a goal!", "Fucking hell, the power went out again.",
             "Scheiße, was für ein Tor!", "Verdammt, der Zug ist schon wieder zu spät."]
    probs = score(heads, encoder, texts, ["en", "en", "de", "de"])
    assert np.all(probs["PROFANITY"] > 0.5)
    assert not heads.is_abusive(probs).any()


def test_probabilities_are_probabilities(heads, encoder):
    texts = ["", "ok", "a" * 2000]
    probs = score(heads, encoder, texts, ["und", "en", "en"])
    for name in ATTRIBUTES:
        assert probs[name].shape == (3,)
        assert np.all((probs[name] >= 0) & (probs[name] <= 1))


def test_held_out_functional_suite(heads, encoder):
    cases = functional_suite.measure_cases()
    probs = score(heads, encoder, [c.text for c in cases], [c.language for c in cases])
    predicted = heads.is_abusive(probs)
    correct = np.array([p == c.abusive for p, c in zip(predicted, cases, strict=True)])
    measured = MEASURED["dev_metrics"]["functional (held-out templates)"]["accuracy"]
    assert correct.mean() >= measured - 0.02
    assert correct.mean() >= 0.80
    for category, _group in functional_suite.iter_categories(cases):
        mask = np.array([c.category == category for c in cases])
        assert correct[mask].mean() >= 0.5, category


def test_neutral_identity_mentions_are_rarely_flagged(heads, encoder):
    cases = functional_suite.neutral_identity_cases()
    assert len(cases) >= 100
    probs = score(heads, encoder, [c.text for c in cases], [c.language for c in cases])
    flagged = heads.is_abusive(probs)
    measured = MEASURED["dev_metrics"]["neutral identity mentions flagged"]["rate"]
    assert flagged.mean() <= max(measured + 0.01, 0.02)


def test_probabilities_never_reach_certainty(heads):
    text = " ".join(["you stupid idiot moron loser"] * 40)
    width = heads.embedding_weights.shape[0]  # 384 per encoder output the heads read
    probs = heads.predict([text], np.zeros((1, width), dtype=np.float32), ["en"])
    assert all(0.0 < float(p[0]) < 1.0 for p in probs.values())
    assert heads.is_abusive(probs).tolist() == [True]


def test_embedding_input_joins_the_named_encoder_outputs(heads):
    a, b = np.ones((2, 384), np.float32), np.zeros((2, 384), np.float32)
    outputs = {"embedding": a, "abuse_embedding": b}
    joined = heads.embedding_input(outputs)
    assert joined.shape == (2, 384 * len(heads.embedding_inputs))
    assert joined.shape[1] == heads.embedding_weights.shape[0]
    with pytest.raises(ValueError, match="encoder output"):
        heads.embedding_input({"other": a})
