"""Engine: one encoder pass per comment, cached articles, batching, abuse vs profanity,
thread safety, and (with the committed models) the seed article's comments published."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from parley.engine import ATTRIBUTES, Context, Engine, Policy, decide
from parley.engine.relevance import DEFAULT_MODEL_DIR

from .doubles import FakeEncoder, FakeHeads, fake_relevance

ARTICLE = Context(
    title="Pakistan, US agree on joint raids",
    body="The operations will target Haqqani and TTP sanctuaries in North Waziristan.",
    story_key="story-1",
)


@pytest.fixture
def fake_engine():
    encoder = FakeEncoder()
    heads = FakeHeads()
    engine = Engine(encoder, heads, fake_relevance(encoder))
    encoder.calls.clear()
    return engine


def test_scores_have_every_attribute_and_the_engine_version(fake_engine):
    scores = fake_engine.score("The raids in Waziristan will not work.", ARTICLE)
    assert set(scores.values) == set(ATTRIBUTES)
    assert all(0.0 <= v <= 1.0 for v in scores.values.values())
    assert scores.engine_version == "fake-encoder-1+fake-heads-1"
    assert scores.language == "en"
    assert scores.to_dict()["scores"]["OFF_TOPIC"] is not None


def test_one_encoder_pass_per_comment_and_the_article_is_cached(fake_engine):
    encoder = fake_engine.encoder
    fake_engine.score("The raids in Waziristan will not work.", ARTICLE)
    first = list(encoder.calls)
    assert first[0] == 1  # the comment: one pass feeds heads, relevance and spam
    assert len(first) == 2  # plus the article parts, once
    encoder.calls.clear()
    fake_engine.score("Another comment about the raids in Waziristan.", ARTICLE)
    assert encoder.calls == [1]


def test_score_many_batches_comments_in_one_call_and_keeps_order(fake_engine):
    items = [(f"comment number {i} about the raids", ARTICLE) for i in range(10)]
    items.append(("you idiot", None))
    results = fake_engine.score_many(items)
    assert len(results) == 11
    assert fake_engine.encoder.calls[0] == 11
    assert results[-1].values["INSULT"] > 0.9 and results[0].values["INSULT"] < 0.1
    assert results[-1].values["OFF_TOPIC"] is None and results[-1].off_topic is None


def test_text_is_normalised_before_the_heads_see_it(fake_engine):
    scores = fake_engine.score("you are an id\u200biot", None)
    assert fake_engine.heads.seen[-1][0] == ["you are an idiot"]
    assert scores.abusive


def test_profanity_alone_is_not_abusive_and_publishes(fake_engine):
    scores = fake_engine.score("damn, what a great goal", None)
    assert scores.values["PROFANITY"] > 0.9
    assert not scores.abusive
    assert decide(scores, Policy()).status == "publish"
    assert decide(scores, Policy.from_dict({"profanity": "review"})).status == "review"


def test_reasons_use_moderator_wording(fake_engine):
    scores = fake_engine.score("I will kill you", None)
    assert scores.abusive
    assert any(reason.startswith("likely a threat (0.97)") for reason in scores.reasons)


def test_heads_receive_each_comment_language(fake_engine):
    fake_engine.score_many(
        [
            ("yeh sab jhoot hai, kuch nahi hoga", None),
            ("یہ بہت اچھی خبر ہے", None),
            ("Das ist doch nicht wahr, oder?", None),
            ("This is not true at all.", None),
        ]
    )
    assert fake_engine.heads.seen[-1][2] == ["ur-Latn", "ur", "de", "en"]


def test_context_language_overrides_detection(fake_engine):
    assert fake_engine.score("hello there my friend", Context(lang="de")).language == "de"


def test_parent_is_used_for_relevance_and_named_in_the_reason(fake_engine):
    context = Context(title="budget fuel tax", parent="the biryani there was cold and hard")
    scores = fake_engine.score("the biryani rice there was cold and hard for me too", context)
    assert scores.off_topic_basis == "the article and the comment it replies to"


def test_the_thread_is_used_for_relevance_and_each_comment_embedded_once(fake_engine):
    context = Context(
        title="budget fuel tax",
        thread=("the biryani there was cold and hard", "the rice at that place was cold"),
    )
    reply = "the biryani rice there was cold and hard for me too"
    with_thread = fake_engine.score(reply, context)
    alone = fake_engine.score(reply, Context(title="budget fuel tax"))
    assert with_thread.values["OFF_TOPIC"] < alone.values["OFF_TOPIC"]
    assert with_thread.off_topic_basis == "the article and the rest of its thread"
    encoder = fake_engine.encoder
    encoder.calls.clear()
    grown = Context(title="budget fuel tax", thread=("a new comment", *context.thread))
    fake_engine.score("another reply about cold rice", grown)
    assert encoder.calls == [1, 1]  # the comment, then only the new thread comment


def test_a_reply_to_a_comment_scored_here_needs_one_encoder_pass(fake_engine):
    first = "the raids in waziristan will not stop the haqqanis"
    fake_engine.score(first, ARTICLE)
    encoder = fake_engine.encoder
    encoder.calls.clear()
    context = Context(
        title=ARTICLE.title, body=ARTICLE.body, parent=first, thread=(first,), story_key="story-1"
    )
    scores = fake_engine.score("they will just cross the border", context)
    assert encoder.calls == [1]
    assert scores.values["OFF_TOPIC"] is not None


def test_a_repeated_comment_does_not_vouch_for_itself(fake_engine):
    text = "the biryani rice there was cold and hard for me too"
    with_copy = fake_engine.score(text, Context(title="budget fuel tax", thread=(text,)))
    alone = fake_engine.score(text, Context(title="budget fuel tax"))
    assert with_copy.values["OFF_TOPIC"] == alone.values["OFF_TOPIC"]


def test_thread_duplicates_raise_spam(fake_engine):
    earlier = "I think the government should focus on the economy before anything else."
    context = Context(title="Budget", thread=(earlier,))
    assert fake_engine.score(earlier, context).values["SPAM"] >= 0.6
    assert fake_engine.score(earlier, Context(title="Budget")).values["SPAM"] < 0.6


def test_a_batch_may_hold_more_articles_than_the_cache():
    encoder = FakeEncoder()
    engine = Engine(encoder, FakeHeads(), fake_relevance(encoder), article_cache_size=2)
    items = [
        (f"comment on story {i}", Context(title=f"story {i}", story_key=str(i))) for i in range(5)
    ]
    results = engine.score_many(items)
    assert all(r.values["OFF_TOPIC"] is not None for r in results)


@pytest.mark.parametrize("bad", ["", "   \u200b  "])
def test_empty_text_is_refused(fake_engine, bad):
    with pytest.raises(ValueError, match="empty"):
        fake_engine.score(bad, None)


def test_thread_safe_under_concurrent_calls(fake_engine):
    texts = [f"comment {i} on the raids in waziristan" for i in range(64)]
    contexts = [
        Context(title=f"article {i % 5}", body="joint raids", story_key=f"s{i % 5}")
        for i in range(64)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(fake_engine.score, texts, contexts))
    serial = [fake_engine.score(t, c) for t, c in zip(texts, contexts, strict=True)]
    assert [p.values for p in parallel] == [s.values for s in serial]


# --- with the committed model files -------------------------------------------------------

SEED_CONTEXT = Context(
    title="Pakistan, US agree on joint raids: WSJ",
    body=(
        "The operations will target Haqqani, TTP sanctuaries.\n\n"
        "US and Pakistani officials are considering joint counterterrorism campaigns in "
        "Afghanistan and Pakistan, an American newspaper reported on Saturday, saying the move "
        "would mark an upturn in cooperation after more than a year of 'rancorous' relations."
    ),
    story_key="seed",
)
SEED_COMMENTS = [
    "It's highly unlikely that this planned offensive, in North Waziristan, \"Operation Tight "
    'Screw" would bear fruit. If the US does it share and goes after the TTP insurgents in '
    "Afghanistan on behalf of Pakistan, there's no guarantee that Islamabad would go after the "
    "Haqqani fighters in North Waziristan, because they don't pose a threat to Pakistan.",
    "@Don: Depending on the price!",
]


@pytest.fixture(scope="module")
def real_engine():
    if not (DEFAULT_MODEL_DIR / "heads.json").exists():
        pytest.skip("the trained heads (model/heads.json) are not committed yet")
    return Engine.load()


def test_seed_article_comments_are_published(real_engine):
    for text in SEED_COMMENTS:
        scores = real_engine.score(text, SEED_CONTEXT)
        verdict = decide(scores, Policy())
        assert verdict.status == "publish", (text, scores.values, verdict.reasons)
        assert not scores.abusive
        assert scores.off_topic is False


def test_a_reader_naming_the_groups_and_places_of_the_story_is_published(real_engine):
    """Issue 9: the first model held this clean comment (TOXICITY 0.63, IDENTITY_ATTACK 0.44)
    for naming the Haqqani network and North Waziristan."""
    text = ("If the US and Pakistan really share intelligence before the raids, the Haqqani "
            "network will be much harder to shelter in North Waziristan.")
    scores = real_engine.score(text, SEED_CONTEXT)
    assert not scores.abusive, scores.values
    assert decide(scores, Policy()).status == "publish", scores.values


def test_real_engine_flags_an_insult_and_a_spam_ad(real_engine):
    insult = real_engine.score("You are a pathetic idiot and everyone here despises you.", None)
    assert insult.abusive and decide(insult).status in ("review", "reject")
    ad = real_engine.score("Earn $5000 per week from home! WhatsApp 0300-1234567", SEED_CONTEXT)
    assert decide(ad).status == "reject"


def test_shared_engine_is_loaded_once(real_engine):
    assert Engine.shared() is Engine.shared()


class TwoOutputEncoder(FakeEncoder):
    """A stand-in for an encoder.onnx with the fine-tuned abuse branch as a second output."""

    outputs = ("embedding", "abuse_embedding")

    def encode_outputs(self, texts, *, max_tokens=128, batch_size=32):
        frozen = self.encode(texts, max_tokens=max_tokens, batch_size=batch_size)
        return [frozen, frozen[:, ::-1].copy()]


class BranchHeads(FakeHeads):
    embedding_inputs = ("embedding", "abuse_embedding")

    def embedding_input(self, outputs):
        import numpy as np

        return np.hstack([outputs[name] for name in self.embedding_inputs])


def test_heads_reading_the_abuse_branch_get_both_outputs_from_one_pass():
    encoder = TwoOutputEncoder()
    heads = BranchHeads()
    engine = Engine(encoder, heads, fake_relevance(encoder))
    encoder.calls.clear()
    scores = engine.score("You are an idiot.", ARTICLE)
    assert scores.abusive
    assert heads.seen[-1][1] == (1, 768)  # [frozen | abuse] embedding for the heads
    assert encoder.calls[0] == 1 and len(encoder.calls) == 2  # comment once, article once
    assert scores.values["OFF_TOPIC"] is not None  # relevance still reads the frozen output
