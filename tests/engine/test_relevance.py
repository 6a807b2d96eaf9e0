"""OFF_TOPIC: relative to a reference bank, more favourable of article and parent, careful
with short texts, and None without context."""

from __future__ import annotations

import numpy as np
import pytest

from parley.engine.normalise import normalise_text
from parley.engine.relevance import (
    DEFAULT_MODEL_DIR,
    RelevanceCalibration,
    RelevanceModel,
    article_parts,
    read_bank_texts,
)

from .doubles import FakeEncoder, fake_relevance

SEED_TITLE = "Pakistan, US agree on joint raids: WSJ"
SEED_BODY = (
    "The operations will target Haqqani, TTP sanctuaries.\n\n"
    "US and Pakistani officials are considering joint counterterrorism campaigns in Afghanistan "
    "and Pakistan, an American newspaper reported on Saturday, saying the move would mark an "
    "upturn in cooperation after more than a year of 'rancorous' relations.\n\n"
    "The Pakistanis have named the planned offensive, in North Waziristan, Operation Tight "
    "Screw, according to WSJ."
)
SEED_COMMENT = (
    "It's highly unlikely that this planned offensive, in North Waziristan, \"Operation Tight "
    'Screw" would bear fruit. If the US does it share and goes after the TTP insurgents in '
    "Afghanistan on behalf of Pakistan, there's no guarantee that Islamabad would go after the "
    "Haqqani fighters in North Waziristan, because they don't pose a threat to Pakistan."
)
SEED_REPLY = "@Don: Depending on the price!"


def test_article_parts_start_with_title_and_lead_then_chunks():
    body = "Lead paragraph here.\n\n" + " ".join(["word"] * 150)
    parts = article_parts("Title", body)
    assert parts[0] == "Title. Lead paragraph here."
    assert len(parts) >= 3
    assert all(len(p.split()) <= 120 for p in parts)
    assert article_parts("", "") == []


def test_a_long_paragraph_is_not_cut_off():
    body = " ".join(f"w{i}" for i in range(300))
    parts = article_parts("T", body)
    assert "w299" in parts[-1]
    assert all(len(p.split()) <= 61 for p in parts[1:])


def test_very_long_articles_stop_at_the_chunk_limit():
    parts = article_parts("T", " ".join(["word"] * 5000))
    assert 10 <= len(parts) <= 14


def test_bank_file_is_large_and_covers_four_languages():
    lines = [
        line.split("\t")
        for line in (DEFAULT_MODEL_DIR / "reference_texts.tsv").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert 150 <= len(lines) <= 400
    assert {row[0] for row in lines} == {"en", "de", "ur", "ur-Latn"}
    assert len({row[1] for row in lines}) >= 30
    assert len(read_bank_texts(DEFAULT_MODEL_DIR / "reference_texts.tsv")) == len(lines)


class TestWithFakeEncoder:
    def setup_method(self):
        self.encoder = FakeEncoder()
        self.model = fake_relevance(self.encoder)

    def targets(self, *texts):
        return self.model.prepare(self.encoder.encode(list(texts)))

    def prob(self, text, article=None, parent=None):
        vec = self.encoder.encode([text])[0]
        return self.model.probability(
            text,
            vec,
            article=self.targets(article) if article else None,
            parent=self.targets(parent) if parent else None,
        )

    def test_no_context_gives_none(self):
        assert self.prob("anything at all here to say about it") is None

    def test_on_topic_scores_lower_than_off_topic(self):
        article = "pakistan us joint raids haqqani waziristan operation"
        on = self.prob("the joint raids in waziristan against haqqani will fail", article)
        off = self.prob("my favourite biryani recipe uses lots of saffron and rice", article)
        assert on < 0.5 < off

    def test_the_more_favourable_of_article_and_parent_wins(self):
        article = "budget tax rise on fuel"
        parent = "the biryani at that restaurant was cold and the rice was hard"
        reply = "the biryani rice there was always cold and hard for me too honestly"
        assert self.prob(reply, article, parent) < self.prob(reply, article)

    def test_short_text_without_parent_is_capped_below_review(self):
        article = "pakistan us joint raids haqqani waziristan operation"
        cal = self.model.calibration
        assert self.prob("biryani saffron", article) <= cal.short_text_cap
        assert self.prob("@Don: Depending on the price!", article) <= cal.unknown_parent_reply_cap

    def test_the_thread_only_ever_helps_and_counts_for_less_than_the_article(self):
        article = "budget tax rise on fuel"
        vec = self.encoder.encode(["the biryani rice was cold and hard"])[0]
        text = "the biryani rice was cold and hard"
        same = self.targets(text)
        unrelated = self.targets("zebra xylophone quantum")
        alone = self.model.probability(text, vec, article=self.targets(article), parent=None)
        helped = self.model.probability(
            text, vec, article=self.targets(article), parent=None, thread=same
        )
        not_helped = self.model.probability(
            text, vec, article=self.targets(article), parent=None, thread=unrelated
        )
        as_article = self.model.probability(text, vec, article=same, parent=None)
        assert helped < not_helped <= alone
        assert as_article < helped

    def test_a_thread_alone_is_context_enough(self):
        vec = self.encoder.encode(["cold rice"])[0]
        p = self.model.probability(
            "cold rice", vec, article=None, parent=None, thread=self.targets("cold rice")
        )
        assert p is not None

    def test_a_mention_reply_without_its_parent_stays_capped_even_with_clear_evidence(self):
        cal = self.model.calibration
        self.model.calibration = RelevanceCalibration(
            intercept=8.0, slope=-1.0, clear_logit=0.0, topic_slope=0.0
        )
        try:
            article = self.targets("pakistan us joint raids haqqani waziristan operation")
            text = "@Ali biryani saffron"
            p = self.model.probability(
                text, self.encoder.encode([text])[0], article=article, parent=None
            )
            assert p <= self.model.calibration.unknown_parent_reply_cap
        finally:
            self.model.calibration = cal

    def test_caps_scale_rather_than_clip_so_short_comments_keep_their_order(self):
        article = "pakistan us joint raids haqqani waziristan operation"
        cal = self.model.calibration
        a = self.prob("biryani saffron", article)
        b = self.prob("raids biryani", article)
        assert a <= cal.short_text_cap and b <= cal.short_text_cap
        assert a != b

    def test_z_score_is_relative_to_the_bank_not_absolute(self):
        vec = self.encoder.encode(["cricket news item about cricket today"])[0]
        # A target identical to one bank text is not special: z stays modest.
        same_as_bank = self.model.z_score(vec, self.targets("cricket news item about cricket"))
        unrelated = self.model.z_score(vec, self.targets("zebra xylophone quantum"))
        assert same_as_bank > unrelated


def test_calibration_from_dict_ignores_unknown_keys():
    cal = RelevanceCalibration.from_dict({"intercept": 2.0, "slope": -3.0, "about": "x"})
    assert (cal.intercept, cal.slope) == (2.0, -3.0)


def test_committed_calibration_matches_the_committed_bank_and_examples():
    """relevance.json is written by `bench/relevance.py fit`, with the encoder it was fitted
    for; after an encoder change, run the fit again (see the module docstring)."""
    import json

    data = json.loads((DEFAULT_MODEL_DIR / "relevance.json").read_text("utf-8"))
    cal = RelevanceCalibration.from_dict(data)
    assert cal.topic_slope > 0 > cal.slope and cal.overlap_slope < 0
    assert cal.thread_offset >= 0 and cal.clear_logit > 0
    assert "pakis" in cal.generic_words


def test_generic_words_are_no_evidence():
    from .doubles import BANK_TEXTS

    encoder = FakeEncoder()
    model = RelevanceModel(
        encoder.encode(BANK_TEXTS),
        RelevanceCalibration(generic_words=("pakis",)),
        BANK_TEXTS,
    )
    article = model.prepare(encoder.encode(["Pakistan always wins"]), ["Pakistan always wins"])
    text = "Pakistan always loses at cricket"
    assert model.features(text, encoder.encode([text])[0], article)[1] == 0.0


def test_bank_must_not_be_tiny():
    with pytest.raises(ValueError):
        RelevanceModel(np.ones((3, 384), dtype=np.float32), RelevanceCalibration())


@pytest.fixture(scope="module")
def real():
    if not (DEFAULT_MODEL_DIR / "encoder.onnx").exists():
        pytest.skip("encoder.onnx is not in src/parley/engine/model")
    from parley.engine.encoder import Encoder

    encoder = Encoder.load()
    return encoder, RelevanceModel.load(encoder)


def _article(real, title, body):
    """The article as the engine prepares it (normalised parts, pooled as an article)."""
    encoder, model = real
    parts = [normalise_text(p) for p in article_parts(normalise_text(title), body)]
    return model.prepare(encoder.encode(parts), parts, article=True)


def _comments(real, texts):
    encoder, model = real
    texts = [normalise_text(t) for t in texts]
    return model.prepare(encoder.encode(texts), texts)


def _real_prob(real, text, title, body, parent=None, thread=None):
    encoder, model = real
    text = normalise_text(text)
    return model.probability(
        text,
        encoder.encode([text])[0],
        article=_article(real, title, body),
        parent=_comments(real, [parent]) if parent else None,
        thread=_comments(real, thread) if thread else None,
    )


def test_seed_comments_are_on_topic(real):
    assert _real_prob(real, SEED_COMMENT, SEED_TITLE, SEED_BODY) < 0.3
    assert _real_prob(real, SEED_REPLY, SEED_TITLE, SEED_BODY) < 0.85


def test_reply_on_topic_through_its_parent(real):
    """The promise: a short reply under an on-topic parent is never held as off-topic."""
    parent = "Will Pakistan really go after the Haqqanis if the US pays enough for it?"
    assert _real_prob(real, SEED_REPLY, SEED_TITLE, SEED_BODY, parent=parent) < 0.85


@pytest.mark.xfail(strict=True, reason="second model (2026-12-02): the distilled embedding "
                   "carries less OFF_TOPIC evidence than the frozen e5 (MODEL_CARD.md, known "
                   "failure modes); strict, so a model that fixes it must drop this mark")
def test_reply_on_topic_through_its_parent_leans_on_topic(real):
    parent = "Will Pakistan really go after the Haqqanis if the US pays enough for it?"
    assert _real_prob(real, SEED_REPLY, SEED_TITLE, SEED_BODY, parent=parent) < 0.5


def test_unrelated_comment_leans_off_topic(real):
    text = "Does anyone have a good recipe for chicken biryani? Mine always comes out too dry."
    assert _real_prob(real, text, SEED_TITLE, SEED_BODY) > 0.7


PETROL_TITLE = "Petrol prices raised by Rs10 per litre"
PETROL_BODY = "The government approved an increase in petrol and diesel prices from midnight."


def test_clearly_unrelated_question_leans_off_topic(real):
    text = "Does anyone know a good dentist in Gulberg? Mine retired last year and I need one."
    on_topic = "Petrol phir mehnga ho gaya, ab motorcycle chalana bhi mushkil hai."
    assert _real_prob(real, on_topic, PETROL_TITLE, PETROL_BODY) < 0.3
    assert _real_prob(real, text, PETROL_TITLE, PETROL_BODY) > 0.5


@pytest.mark.xfail(strict=True, reason="second model (2026-12-02): the distilled embedding "
                   "carries less OFF_TOPIC evidence than the frozen e5 (MODEL_CARD.md, known "
                   "failure modes); strict, so a model that fixes it must drop this mark")
def test_clearly_unrelated_question_reaches_review(real):
    text = "Does anyone know a good dentist in Gulberg? Mine retired last year and I need one."
    assert _real_prob(real, text, PETROL_TITLE, PETROL_BODY) >= 0.85


def test_same_comment_closer_to_its_own_article_than_another(real):
    other_title = "Heatwave: record temperatures across southern Germany"
    other_body = "Temperatures above 39 degrees were measured in Bavaria at the weekend."
    own = _real_prob(real, SEED_COMMENT, SEED_TITLE, SEED_BODY)
    other = _real_prob(real, SEED_COMMENT, other_title, other_body)
    assert own < 0.3
    assert other > own + 0.25


@pytest.mark.xfail(strict=True, reason="second model (2026-12-02): the distilled embedding "
                   "carries less OFF_TOPIC evidence than the frozen e5 (MODEL_CARD.md, known "
                   "failure modes); strict, so a model that fixes it must drop this mark")
def test_a_comment_under_an_unrelated_article_leans_off_topic(real):
    other = _real_prob(real, SEED_COMMENT, "Heatwave: record temperatures across southern Germany",
                       "Temperatures above 39 degrees were measured in Bavaria at the weekend.")
    assert other > 0.5


# --- issue 9: short off-topic comments under the seed article, and replies in their thread -----


def _seed_article():
    import json

    from parley.engine.policy import DEFAULT_REVIEW

    seed = json.loads(
        (DEFAULT_MODEL_DIR.parents[1] / "comments" / "seed_article.json").read_text("utf-8")
    )
    body = "\n\n".join([seed["standfirst"], *seed["body"]])
    return seed["title"], body, DEFAULT_REVIEW["OFF_TOPIC"]


@pytest.mark.parametrize(
    "text",
    [
        "Best biryani recipe: rice, chicken, saffron. Cook slowly for two hours.",
        "Branded lawn suits at half price, free home delivery, order on WhatsApp today!",
        "Rizwan 87 not out, Shaheen took four wickets, what a match.",
    ],
)
def test_short_off_topic_comments_under_the_seed_article_reach_review(real, text):
    title, body, review = _seed_article()
    assert _real_prob(real, text, title, body) >= review
    # Replying to an on-topic comment does not rescue them.
    assert _real_prob(real, text, title, body, parent=SEED_COMMENT) >= review


def test_price_reply_under_an_on_topic_parent_is_not_off_topic(real):
    title, body, review = _seed_article()
    parent = "Will Pakistan really go after the Haqqanis if the US pays enough for it?"
    assert _real_prob(real, SEED_REPLY, title, body, parent=parent) < review
    assert _real_prob(real, SEED_REPLY, title, body, parent=SEED_COMMENT) < review
    assert _real_prob(real, SEED_REPLY, title, body) < review


def test_naming_the_haqqani_network_and_north_waziristan_is_on_topic(real):
    title, body, _ = _seed_article()
    text = (
        "If the US and Pakistan really share intelligence before the raids, the Haqqani network "
        "will be much harder to shelter in North Waziristan."
    )
    assert _real_prob(real, text, title, body) < 0.2


def test_the_thread_vouches_for_a_comment_the_article_does_not_cover(real):
    title, body, _ = _seed_article()
    text = "The drones will just make more enemies in the tribal areas, as they always have."
    thread = [
        SEED_COMMENT,
        "Drone strikes in the tribal areas killed civilians before, why would it be different?",
    ]
    alone = _real_prob(real, text, title, body)
    assert _real_prob(real, text, title, body, thread=thread) <= alone


def test_a_thread_on_the_article_does_not_vouch_for_the_recipe(real):
    title, body, review = _seed_article()
    text = "Best biryani recipe: rice, chicken, saffron. Cook slowly for two hours."
    thread = [SEED_COMMENT, "The Haqqanis will simply move across the border again."]
    assert _real_prob(real, text, title, body, thread=thread) >= review


def test_combining_prepared_comments_equals_preparing_them_together():
    from .doubles import BANK_TEXTS

    encoder = FakeEncoder()
    model = RelevanceModel(encoder.encode(BANK_TEXTS), RelevanceCalibration(), BANK_TEXTS)
    texts = ["the raids will fail", "cold biryani again", "petrol prices up"]
    vectors = encoder.encode(texts)
    together = model.prepare(vectors, texts)
    combined = model.combine([model.prepare(vectors[i : i + 1], [t]) for i, t in enumerate(texts)])
    assert np.allclose(together.vectors, combined.vectors)
    assert np.allclose(together.mean, combined.mean) and np.allclose(together.std, combined.std)
    assert together.words == combined.words
    assert (together.unrelated == combined.unrelated).all()
    assert len(model.combine([])) == 0
