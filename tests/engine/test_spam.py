"""SPAM: weak signals alone publish, strong or combined signals review, classic ads reject."""

from __future__ import annotations

import pytest

from parley.engine.spam import near_duplicate_score, spam_probability

REVIEW, REJECT = 0.6, 0.9


@pytest.mark.parametrize(
    "text",
    [
        "Great article, thanks for the balanced reporting.",
        "Check https://dawn.com/news/123 for the full story",
        "I would buy that car at a discount if the dealers were honest.",
        "THIS IS A DISGRACE AND EVERYONE KNOWS IT",
        "sooooo good",
        "The 2012 budget was 1,234,567,890 rupees, not 2 billion.",
        "Das ist eine Angstschweiß-Geschichte über Deutschsprachige.",
        "The strengths and rhythms of the lengthy speech were lost on me.",
        "yeh sab jhoot hai, kuch nahi hoga",
    ],
)
def test_ordinary_comments_are_not_spam(text):
    p, _ = spam_probability(text, article_text="Dawn.com reports on the budget")
    assert p < REVIEW


@pytest.mark.parametrize(
    "text",
    [
        "Earn $5000 per week from home! Contact on WhatsApp 0300-1234567",
        "ghar baithe 5000 rozana kamayen, rabta karein 03001234567",
        "Best casino bonus, click here https://bit.ly/xyz",
        "Crypto investment with guaranteed profit, DM me on telegram",
        "Visit www.cheap-deals.xyz best price discount now",
        "Need a loan? Instant approval, no credit check, call 0800-555-0199 today",
        "I made $12,000 in my first month with this system. Ask me how!",
    ],
)
def test_classic_advertising_is_rejected(text):
    p, _ = spam_probability(text)
    assert p >= REJECT


@pytest.mark.parametrize(
    "text",
    ["asdkjfh qwkejrhtz zxmcnvbq", "asdfghjkl qwertyuiop zxcvbnm",
     "great post, visit https://www.my-shop-discounts.com", "http://cheap-meds-pharmacy.ru/x",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
)
def test_gibberish_and_link_with_offers_go_to_review(text):
    p, _ = spam_probability(text)
    assert REVIEW <= p < REJECT


def test_the_same_comment_posted_again_goes_to_review():
    earlier = "I think the government should focus on the economy before anything else."
    p, signals = spam_probability(earlier + "!", thread=[earlier, "Another comment entirely."])
    assert signals.duplicate >= 0.8
    assert REVIEW <= p < REJECT
    p_alone, _ = spam_probability(earlier + "!", thread=["Another comment entirely."])
    assert p_alone < REVIEW


def test_a_repeat_with_a_link_is_rejected():
    earlier = "I think the government should focus on the economy before anything else."
    p, _ = spam_probability(earlier + " https://bit.ly/abc", thread=[earlier])
    assert p >= REJECT


def test_short_repeats_are_not_duplicates():
    assert near_duplicate_score("Thanks!", ["Thanks!"]) == 0.0


def test_link_to_a_site_the_article_mentions_is_not_unrelated():
    _, signals = spam_probability("Source: https://www.dawn.com/x", article_text="dawn.com")
    assert signals.links == 1 and signals.unrelated_links == 0
    _, signals = spam_probability("Source: https://www.dawn.com/x", article_text="")
    assert signals.unrelated_links == 1


def test_seed_article_comments_are_not_spam():
    first = (
        "It's highly unlikely that this planned offensive, in North Waziristan, \"Operation "
        "Tight Screw\" would bear fruit. If the US does it share and goes after the TTP "
        "insurgents in Afghanistan on behalf of Pakistan, there's no guarantee that Islamabad "
        "would go after the Haqqani fighters in North Waziristan, because they don't pose a "
        "threat to Pakistan."
    )
    second = "@Don: Depending on the price!"
    for text, other in ((first, second), (second, first)):
        p, _ = spam_probability(text, thread=[other])
        assert p < 0.1


def test_a_flood_of_one_word_is_held_or_rejected():
    p, signals = spam_probability("spam spam spam spam spam spam spam spam spam spam")
    assert signals.flood and p >= REVIEW


@pytest.mark.parametrize(
    "text",
    [
        "no no no, this is not how you fix a deficit",
        "see https://tradingeconomics.com/pakistan/inflation",
        "Sooooo the poor pay for everything again.",
        "I made a mistake in my first comment, the figure is 1.2 trillion.",
        "Call your MP and tell them what you think about this budget.",
        "You have been warned: this budget will hurt pensioners.",
    ],
)
def test_readers_who_repeat_cite_or_use_sales_words_are_not_spam(text):
    p, _ = spam_probability(text, article_text="Dawn.com reports on the budget")
    assert p < REVIEW
