"""Tests for the counterfactual fairness training data (training/counterfactual.py)."""

from __future__ import annotations

import random

import pytest

from training import functional_suite
from training.counterfactual import GROUPS, fairness_examples, find_group, swap_group
from training.datasets import ATTRIBUTES


@pytest.fixture(scope="module")
def examples():
    return fairness_examples()


def test_deterministic(examples):
    again = fairness_examples()
    assert [(e.text, e.language, e.labels) for e in examples] == [
        (e.text, e.language, e.labels) for e in again]


def test_size_and_abusive_share(examples):
    assert 5000 <= len(examples) <= 7500
    share = sum(e.abusive for e in examples) / len(examples)
    assert 0.28 <= share <= 0.37
    assert {e.language for e in examples} == {"en", "de", "ur", "ur-Latn"}


def test_labels_valid(examples):
    for e in examples:
        assert e.source == "counterfactual" and e.split == "train" and e.fine
        assert set(e.labels) == set(ATTRIBUTES)
        assert all(v in (0, 1) for v in e.labels.values())
        assert e.abusive == e.labels["TOXICITY"]
        if not e.abusive:
            assert not any(e.labels.values())
        else:
            assert e.labels["INSULT"] or e.labels["THREAT"] or e.labels["IDENTITY_ATTACK"]
        if e.labels["THREAT"]:
            assert e.labels["SEVERE_TOXICITY"] == 1


def test_every_group_neutral_and_abusive(examples):
    seen: dict[tuple[str, str], set[int]] = {}
    for e in examples:
        found = find_group(e.text, e.language)
        if found:
            seen.setdefault((e.language, found[0].key), set()).add(int(e.abusive))
    for language, groups in GROUPS.items():
        for group in groups:
            assert seen.get((language, group.key)) == {0, 1}, (language, group.key)


def test_news_vocabulary_is_clean_in_reported_sentences(examples):
    news = [e for e in examples if e.fine == "cf_news_neutral"]
    assert all(e.abusive == 0 for e in news)
    assert any("Haqqani" in e.text and "Waziristan" in e.text for e in news)
    for language in ("en", "de", "ur", "ur-Latn"):
        assert sum(e.language == language for e in news) >= 40


def test_no_sentence_copied_from_functional_suite(examples):
    suite = {c.text.lower() for c in functional_suite.cases("augment", per_template=1000)}
    suite |= {c.text.lower() for c in functional_suite.cases("measure", per_template=1000)}
    assert not [e.text for e in examples if e.text.lower() in suite]


@pytest.mark.parametrize(("text", "language"), [
    ("As a Sikh, I think the plan is fine.", "en"),
    ("The survey asked refugees about rent.", "en"),
    ("Meine Nachbarin ist Muslimin? Nein, Jüdin. Juden leben hier seit Jahrhunderten.", "de"),
    ("Main khud Pashtun hoon aur mujhe koi masla nahi.", "ur-Latn"),
    ("شہر میں کتنے سکھ رہتے ہیں؟", "ur"),
])
def test_swap_group_replaces_a_group(text, language):
    rng = random.Random(0)
    before = find_group(text, language)
    swapped = swap_group(text, language, rng)
    assert before is not None and swapped is not None and swapped != text
    after = find_group(swapped, language)
    assert after is not None and after[0].key != before[0].key


@pytest.mark.parametrize(("text", "language"), [
    ("The drone strikes in Kurram killed civilians again.", "en"),
    ("The Baloch Liberation Army claimed the attack.", "en"),
    ("Der Zug ist schon wieder zu spät.", "de"),
    ("Aaj bijli phir chali gayi.", "ur-Latn"),
    ("آج پھر بارش ہوئی۔", "ur"),
    ("Some text", "fr"),
])
def test_swap_group_none_without_group(text, language):
    assert swap_group(text, language, random.Random(0)) is None


def test_swap_group_keeps_form_and_case():
    rng = random.Random(3)
    for _ in range(20):
        out = swap_group("as a sikh i agree", "en", rng)
        assert out is not None and out == out.lower() and out.startswith("as a")
        out = swap_group("Two Sikhs were hurt.", "en", rng)
        assert out is not None and out.startswith("Two ") and out.endswith(" were hurt.")
