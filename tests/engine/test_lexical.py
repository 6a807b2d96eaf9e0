"""The lexical featurizer: obfuscation folding, lexicon hits, stable hashing."""

from __future__ import annotations

import numpy as np
import pytest

from parley.engine.lexical import (
    DENSE_FEATURES,
    LexicalFeaturizer,
    Lexicon,
    clause_numbers,
    fold_text,
    tokenize,
)


@pytest.fixture(scope="module")
def featurizer() -> LexicalFeaturizer:
    return LexicalFeaturizer()


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("You are a 1d10t", "you are a idiot"),
        ("i.d.i.o.t", "idiot"),
        ("S-T-U-P-I-D people", "stupid people"),
        ("stuuuuupid", "stuupid"),
        ("In 2020 we scored 3 goals", "in 2020 we scored 3 goals"),
        ("id\u200biot", "idiot"),
        ("YOU'RE", "youre"),
    ],
)
def test_fold_text_undoes_obfuscation_but_keeps_numbers(raw: str, folded: str) -> None:
    assert fold_text(raw) == folded


def _dense(featurizer: LexicalFeaturizer, text: str) -> dict[str, float]:
    folded = fold_text(text)
    values = featurizer.dense_features(text, folded, tokenize(folded))
    return dict(zip(DENSE_FEATURES, values, strict=True))


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("what a f*cking goal", "profanity"),
        ("sh*t happens", "profanity"),
        ("you are a st*pid man", "insult"),
        ("tum bohat ghatiya ho", "insult"),
        ("میں تمہیں جان سے مار دوں گا", "threat"),
        ("I know where you live", "threat"),
        ("Muslims pray five times a day", "identity"),
        ("Ahmadi bhi shehri hain", "identity"),
    ],
)
def test_lexicon_sections_fire_on_folded_text(featurizer, text: str, section: str) -> None:
    assert _dense(featurizer, text)[section] > 0


def test_masked_word_does_not_match_unrelated_stems(featurizer) -> None:
    dense = _dense(featurizer, "sh*t happens")
    assert dense["insult"] == 0  # "sh*t" must not match the insult stem "shill"


def test_ruhsold_function_words_are_not_hate_hits(featurizer) -> None:
    assert _dense(featurizer, "in 2020 we had 3 goals")["ruhsold_hate"] == 0
    assert _dense(featurizer, "tu kutta hai")["ruhsold_hate"] > 0


def test_identity_clean_only_without_abusive_words(featurizer) -> None:
    assert _dense(featurizer, "Muslims pray five times a day")["identity_clean"] > 0
    assert _dense(featurizer, "Muslims are vermin")["identity_clean"] == 0


def test_transform_is_sorted_in_range_and_deterministic(featurizer) -> None:
    indices, values = featurizer.transform_one("Hello there, what a lovely day")
    again, again_values = LexicalFeaturizer().transform_one("Hello there, what a lovely day")
    assert np.all(np.diff(indices) > 0)
    assert indices.min() >= 0 and indices.max() < featurizer.n_features
    assert np.array_equal(indices, again) and np.allclose(values, again_values)


def test_obfuscated_and_plain_insults_share_most_features(featurizer) -> None:
    plain = set(featurizer.transform_one("you idiot")[0])
    hidden = set(featurizer.transform_one("you 1d10t")[0])
    other = set(featurizer.transform_one("nice weather")[0])
    assert len(plain & hidden) / len(plain | hidden) > 0.9
    assert len(plain & other) / len(plain | other) < 0.2


def test_empty_text_gives_empty_vector(featurizer) -> None:
    indices, values = featurizer.transform_one("")
    assert len(indices) == len(values)
    assert all(i >= featurizer.n_buckets for i in indices)


def test_lexicon_phrase_and_wildcard_entries() -> None:
    lexicon = Lexicon()
    lexicon.add("demo", "watch your back")
    lexicon.add("demo", "idiot*")
    tokens = tokenize(fold_text("Idiots, watch your back"))
    assert lexicon.count("demo", tokens, f" {' '.join(tokens)} ") == 2


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("I would never call you a moron", True),
        ("This is not stupid at all", True),
        ("tum jahil nahi ho", True),
        ("Ich würde dich nie einen Versager nennen", True),
        ("Du bist kein Trottel", True),
        ("Niemand hier ist ein Heuchler", True),
        ("Du bist ein Heuchler", False),
        ("Nobody asked you, idiot", False),
        ("Dich hat keiner gefragt, Trottel", False),
        ("No, you are a moron", False),
        ("you are stupid, not smart", False),
        ("you are a moron", False),
    ],
)
def test_negation_scope(featurizer, text: str, negated: bool) -> None:
    dense = _dense(featurizer, text)
    assert (dense["negated_insult"] > 0) is negated
    assert (dense["plain_insult"] > 0) is not negated


def test_clause_numbers_follow_tokenize() -> None:
    folded = fold_text("No, you are * a moron; not 'really'. ok")
    assert len(clause_numbers(folded)) == len(tokenize(folded))
    assert clause_numbers(folded) == [0, 1, 1, 1, 1, 2, 2, 3]


def test_group_blind_ngrams_give_a_group_name_no_weight_of_its_own() -> None:
    """With group_blind, sentences that differ only in the group (or in a militant group's or
    a conflict zone's name) hash to the same n-gram features; the dense lexicon block still
    counts the identity term."""
    from parley.engine.lexical import GROUP_TOKEN, LexicalFeaturizer, fold_text, tokenize

    blind = LexicalFeaturizer(group_blind=True)
    n = blind.n_buckets
    for a, b in [("Muslims are vermin", "Sikhs are vermin"),
                 ("The Haqqani network hides in North Waziristan",
                  "The Taliban network hides in North Kurram")]:
        ia, va = blind.transform_one(a)
        ib, vb = blind.transform_one(b)
        assert ia[ia < n].tolist() == ib[ib < n].tolist()
        np.testing.assert_allclose(va[ia < n], vb[ib < n])
    assert blind.mask_groups(tokenize(fold_text("Hindus aur Musalman"))) == [
        GROUP_TOKEN, "aur", GROUP_TOKEN]
    sighted = LexicalFeaturizer(group_blind=False)
    ia, _ = sighted.transform_one("Muslims are vermin")
    ib, _ = sighted.transform_one("Sikhs are vermin")
    assert ia[ia < n].tolist() != ib[ib < n].tolist()
