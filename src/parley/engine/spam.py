"""SPAM: hand-weighted logistic over cheap signals of promotion, flooding and repetition.

There is no permissive, labelled news-comment spam set to fit weights on, so the weights are set
by hand, each with its reason below, so that (a) no single weak signal (one link, shouting, one
"discount") reaches review at 0.6, (b) one strong signal (a near-copy of a comment already in the
thread, keyboard mash) or two medium ones reach review, and (c) the classic "earn from home,
WhatsApp 0300..." pattern reaches reject at 0.9. tests/engine/test_spam.py pins those cases.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache

from .language import FUNCTION_WORDS, word_set

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b[a-z0-9][a-z0-9-]{1,62}\.(?:com|net|org|info|biz|xyz|top|club|online|site|shop|store|"
    r"io|co|ly|me|pk|in|ru|cn|de|uk|us|vip|win|bet|casino|loan|app)(?:/[^\s<>\"')\]]*)?\b"
)  # applied to lower-cased text: IGNORECASE makes it ten times slower
_SHORTENERS = frozenset(
    ("bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rb.gy")
    + ("shorturl.at", "t.me", "wa.me")
)
# Strong: phrases that in a news comment section are almost only used to advertise.
_STRONG_PROMOTION = re.compile(
    r"\b(?:earn|make)\s+(?:\$|rs\.?\s*|£|€)?\s*\d[\d,.]*\s*(?:k\b)?[^.!?\n]{0,30}"
    r"(?:from home|per (?:day|week|hour)|daily|a day|weekly|monthly)"
    r"|\bwork(?:ing)? from home\b|\bghar baithe\b|\bghar bethe\b|\bvon zu hause aus\b"
    r"|\bwhats ?app\b|\bwhatsapp\b|\btelegram\b|واٹس ?ایپ"
    r"|\bcasino\b|\bbetting tips\b|\bonline (?:betting|slots?)\b|\bjackpot\b"
    r"|\b(?:bitcoin|crypto|forex|binary option)s?\s+(?:investment|trading|signals|profit)"
    r"|\bguaranteed (?:profit|income|returns?)\b|\bclick (?:here|the link|on the link)\b"
    r"|\bcheck out my (?:profile|channel|website|page)\b|\bsubscribe to my\b"
    r"|\bdm me\b|\bcontact (?:me|us) (?:on|at|for)\b|\brabta karein\b|\brabta karen\b"
    r"|رابطہ کریں|\bjetzt (?:kaufen|bestellen|anmelden)\b|\bgeld verdienen\b"
    r"|\bcheap (?:viagra|pills|loans?)\b|\bviagra\b|\bloan offer\b|\bsugar daddy\b"
    # Money claims and schemes.
    r"|\bi (?:earned|made|make|earn)\s+(?:\$|rs\.?\s*|£|€)?\s*\d[\d,.]*"
    r"|\bearn up to\b|\bpassive income\b|\bdouble your (?:money|savings|investment)\b"
    r"|\b\d+\s*% (?:daily|weekly|monthly) (?:profit|returns?)\b|\btrading bot\b"
    r"|\binvestment group\b"
    r"|\b(?:bitcoin|crypto|forex)\b[^.!?\n]{0,40}\b(?:doubled?|profit|returns?)\b"
    r"|\binstant approval\b|\bno credit check\b|\bohne schufa\b|\bsofortige auszahlung\b"
    r"|\bpaisay double\b|\bpaise double\b|\bbina zamanat\b|بغیر ضمانت|کمائیں|\bkamayen\b"
    r"|\bkamaen\b|\bkamaein\b"
    # Prizes, giveaways, dating, fake goods and services.
    r"|\bgiveaway\b|\bclaim your (?:prize|reward|gift)\b|\byou have been selected\b"
    r"|\blucky winner\b|\bhot singles\b|\breplica (?:watches|bags|shoes)\b"
    r"|\bweight loss (?:pills|tea|drops)\b|\blose \d+\s*(?:kg|kilos?|pounds|lbs)\b"
    r"|\b\d+ kilo in\b|\bfollowers and likes\b|\bbuy (?:cheap )?(?:instagram |tiktok )?followers\b"
    r"|\bessay writing service\b|\bdegree online\b|\bno exams\b|\bcasino guthaben\b"
    r"|\bwundermittel\b|\bbacklinks?\b|\bseo (?:tips|services)\b"
    # Calls to act off-site.
    r"|\b(?:visit|check) (?:out )?(?:my|our) (?:site|blog|website|page|shop|store|channel)\b"
    r"|\bhamari website\b|\bwebsite visit kar\w*|\blink par click\b|لنک پر کلک"
    r"|\bsign up (?:free|now|today|at)\b|\bapply (?:now|today|at)\b|\bbook now\b"
    r"|\border (?:now|today)\b|\bcall (?:now|today|us)\b|\bjetzt (?:anrufen|registrieren)\b"
    r"|\bregister now\b|\bask me how\b"
)
# Python's re tries every alternative at every position; the regexes above only run when one
# of their first words is present, which keeps a clean comment's spam check well under 0.2 ms.
_STRONG_TRIGGERS = word_set(
    "earn make work working ghar von whats whatsapp telegram casino betting online jackpot "
    "bitcoin crypto forex binary guaranteed click check subscribe dm contact rabta jetzt geld "
    "cheap viagra loan sugar واٹس رابطہ earned made passive double profit returns return "
    "trading investment approval credit schufa auszahlung paisay paise bina بغیر کمائیں "
    "kamayen kamaen kamaein giveaway prize reward gift selected winner singles replica pills "
    "tea drops kg kilo kilos pounds lbs followers essay degree exams guthaben wundermittel "
    "backlink backlinks seo site blog website page shop store channel hamari لنک sign apply "
    "book order call register ask"
)
# Weak: ordinary words that advertisements lean on but readers use too ("I'd buy that").
_WEAK_PROMOTION = re.compile(
    r"\b(?:buy now|order now|discount|promo code|coupon|free shipping|limited offer|"
    r"special offer|best price|lowest price|100% free|free trial|sale|rabate?|angebot|"
    r"gratis|sasta|offer)\b|\$\s?\d{3,}"
)
_WEAK_TRIGGERS = word_set(
    "buy order discount promo coupon free limited special best lowest 100 sale rabatt rabat "
    "angebot gratis sasta offer"
)
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().-]{7,16}\d(?!\w)")
_REPEATED_CHAR = re.compile(r"(\S)\1{5,}")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_LATIN_WORD = re.compile(r"[a-zA-ZäöüßÄÖÜ]+")
_CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxzß]{5,}")
# Digraphs read as one sound ("strengths", "Schwachsinn") so they do not make a run unreadable.
_DIGRAPH = re.compile(r"sch|ch|th|sh|ph|gh|ck")
_VOWELS = frozenset("aeiouyäöüAEIOUYÄÖÜ")
_KNOWN_WORDS = frozenset().union(*FUNCTION_WORDS.values())
# Five keys in a row of a QWERTY/QWERTZ keyboard ("qwertyuiop", "asdfg"): a hand sliding along.
_KEYBOARD_RUN = re.compile("|".join(
    re.escape(row[i:i + 5]) for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop",
                                        "yxcvbnm", "poiuytrewq", "lkjhgfdsa", "mnbvcxz")
    for i in range(len(row) - 4)))
# Parts of a domain name that, on a site the article does not mention, read as commerce.
_COMMERCIAL_DOMAIN = re.compile(
    r"deal|shop|store|cheap|sale|discount|bargain|free|casino|bet|spin|lucky|slot|loan|credit|"
    r"kredit|cash|money|profit|crypto|forex|trade|pharma|pill|meds|diet|slim|replica|prize|win|"
    r"dating|singles|love|seo|backlink|rank|follower|boost|essay|job|rich|schnell|sasta|bazaar"
)
_COMMERCIAL_TLD = frozenset((
    "xyz", "top", "club", "online", "site", "shop", "store", "vip", "win", "bet", "casino",
    "loan", "biz", "cc", "ru", "cn", "travel", "buzz", "click", "link",
))

# Weights (logit units). Bias: a comment with no signal scores sigmoid(-4.0) = 0.018.
WEIGHTS: dict[str, float] = {
    "bias": -4.0,
    # Per strong promotion phrase (cap 2): one alone 0.30, two 0.92 (reject).
    "promotion": 3.2,
    # Per weak promotion phrase (cap 2): "discount" alone 0.07.
    "weak_promotion": 1.4,
    # A phone number in a comment is a call to contact someone off-site: alone 0.18;
    # with "WhatsApp" 0.85, with "earn from home" too 0.99.
    "phone_number": 2.5,
    # A link is normal (citing a source), one to a site the article does not mention less so:
    # one unrelated link alone 0.12; with a strong phrase 0.77; plus a shortener 0.9.
    "unrelated_link": 2.0,
    "more_links": 1.0,
    "link_shortener": 1.0,
    # Flooding: long runs of one character, one word repeated.
    "repeated_characters": 1.2,
    "repeated_words": 2.0,
    # Keyboard mash / random strings (0..1 share of unreadable words): full mash alone 0.69.
    "gibberish": 4.8,
    # ALL CAPS is rudeness more than spam; weak on its own (0.06).
    "shouting": 1.2,
    # A near-copy of a comment already in the thread: alone 0.65 (review); with a link 0.93.
    "duplicate": 4.6,
    # An unrelated link to a shop-like or scam-like site: with the unrelated link 0.5, so one
    # more signal (a promotion word, a second link) reaches review.
    "commercial_link": 2.0,
    # A bare unrelated link with a few words around it: with the unrelated link 0.5.
    "link_only": 2.0,
    # Nothing but repetition: alone (with its repeated characters or words) review.
    "flood": 3.4,
}


@dataclass(frozen=True)
class SpamSignals:
    """What the spam check found in one comment (counts and shares, before weighting)."""

    links: int = 0
    unrelated_links: int = 0
    link_shorteners: int = 0
    promotion: int = 0
    weak_promotion: int = 0
    phone_numbers: int = 0
    repeated_characters: bool = False
    repeated_words: bool = False
    gibberish: float = 0.0
    shouting: bool = False
    duplicate: float = 0.0
    # Links to unrelated sites whose name or ending reads as a shop, a scheme or a scam.
    commercial_links: int = 0
    # Little but a link to an unrelated site ("great post, visit www...").
    link_only: bool = False
    # The comment is nothing but repetition (one character or a few words over and over).
    flood: bool = False

    def as_dict(self) -> dict[str, float]:
        return {key: float(value) for key, value in asdict(self).items()}


def _domain(url: str) -> str:
    host = re.sub(r"^(?:https?://)?", "", url.lower()).split("/")[0].split("?")[0]
    host = host.split("@")[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def _unreadable(word: str) -> bool:
    folded = _DIGRAPH.sub("h", word.lower())
    return (bool(_CONSONANT_RUN.search(folded)) or not (set(word) & _VOWELS)
            or bool(_KEYBOARD_RUN.search(word.lower())))


def _gibberish_share(text: str) -> float:
    """Share of Latin words that no one could read: long consonant runs, no vowels at all."""
    words = [word for word in _LATIN_WORD.findall(text) if len(word) >= 4]
    if len(words) < 2:
        # One long mashed word alone ("asdfghjklqwe") still counts.
        if len(words) == 1 and len(words[0]) >= 8 and _unreadable(words[0]):
            return 1.0
        return 0.0
    unreadable = sum(1 for word in words if _unreadable(word))
    share = unreadable / len(words)
    all_words = [word.lower() for word in _LATIN_WORD.findall(text)]
    if len(all_words) >= 6 and not any(word in _KNOWN_WORDS for word in all_words):
        # Six or more Latin words and not one function word of any language we know.
        share = max(share, 0.5)
    return share


@lru_cache(maxsize=4096)
def _shingles(text: str) -> frozenset[str]:
    # Links are left out so a copy with a link added still matches the original.
    folded = " ".join(_TOKEN.findall(_URL.sub(" ", text.lower())))
    if len(folded) < 5:
        return frozenset([folded]) if folded else frozenset()
    return frozenset(folded[i : i + 5] for i in range(len(folded) - 4))


def near_duplicate_score(text: str, others: Iterable[str]) -> float:
    """Return the highest Jaccard overlap (character 5-grams) between ``text`` and ``others``.

    Only texts of 20 characters or more (links aside) count: "Thanks!" twice is not spam.
    """
    mine = _shingles(text)
    if len(mine) < 16:
        return 0.0
    best = 0.0
    for other in others:
        theirs = _shingles(other)
        if len(theirs) < 16:
            continue
        union = len(mine | theirs)
        if union:
            best = max(best, len(mine & theirs) / union)
    return best


def spam_signals(text: str, *, article_text: str = "", thread: Iterable[str] = ()) -> SpamSignals:
    """Extract the spam signals of ``text`` (already normalised); ``article_text`` names the
    sites a link may legitimately point to, ``thread`` holds the other comments."""
    lower = text.lower()
    urls = _URL.findall(lower)
    article_lower = article_text.lower()
    domains = [_domain(url) for url in urls]
    unrelated = [domain for domain in domains if domain and domain not in article_lower]
    without_urls = _URL.sub(" ", lower) if urls else lower
    tokens = _TOKEN.findall(without_urls)
    token_set = set(tokens)
    promotion = len(_STRONG_PROMOTION.findall(without_urls)) if token_set & _STRONG_TRIGGERS else 0
    weak = 0
    if token_set & _WEAK_TRIGGERS or "$" in without_urls:
        weak = len(_WEAK_PROMOTION.findall(without_urls))
    repeated_words = False
    if len(tokens) >= 3:
        repeated_words = any(
            tokens[i] == tokens[i + 1] == tokens[i + 2] for i in range(len(tokens) - 2)
        )
        if len(tokens) >= 10 and len(token_set) / len(tokens) < 0.3:
            repeated_words = True
    letters = [char for char in (_URL.sub(" ", text) if urls else text) if char.isalpha()]
    uppercase = sum(1 for char in letters if char.isupper())
    duplicate = near_duplicate_score(text, thread)
    commercial = [domain for domain in unrelated if _COMMERCIAL_DOMAIN.search(domain)
                  or domain.rsplit(".", 1)[-1] in _COMMERCIAL_TLD]
    runs = _REPEATED_CHAR.findall(without_urls)
    solid = without_urls.replace(" ", "")
    run_length = max((len(m.group(0)) for m in _REPEATED_CHAR.finditer(without_urls)), default=0)
    flood = (len(tokens) >= 10 and len(token_set) / len(tokens) < 0.3) or (
        bool(runs) and len(solid) >= 10 and run_length / len(solid) >= 0.6)
    return SpamSignals(
        links=len(urls),
        unrelated_links=len(unrelated),
        link_shorteners=sum(1 for domain in domains if domain in _SHORTENERS),
        promotion=promotion,
        weak_promotion=weak,
        phone_numbers=len(_PHONE.findall(without_urls)),
        repeated_characters=bool(_REPEATED_CHAR.search(without_urls)),
        repeated_words=repeated_words,
        gibberish=_gibberish_share(_URL.sub(" ", text) if urls else text),
        shouting=len(letters) >= 20 and uppercase / len(letters) >= 0.8,
        duplicate=duplicate if duplicate >= 0.8 else 0.0,
        commercial_links=len(commercial),
        link_only=bool(unrelated) and len(tokens) <= 5,
        flood=flood,
    )


def spam_logit(signals: SpamSignals) -> float:
    """Weighted sum of the signals (see WEIGHTS for the reason behind each weight)."""
    w = WEIGHTS
    logit = w["bias"]
    logit += w["promotion"] * min(signals.promotion, 2)
    logit += w["weak_promotion"] * min(signals.weak_promotion, 2)
    logit += w["phone_number"] * min(signals.phone_numbers, 1)
    logit += w["unrelated_link"] * min(signals.unrelated_links, 1)
    logit += w["more_links"] * min(max(signals.links - 1, 0), 3)
    logit += w["link_shortener"] * min(signals.link_shorteners, 1)
    logit += w["repeated_characters"] * signals.repeated_characters
    logit += w["repeated_words"] * signals.repeated_words
    logit += w["gibberish"] * signals.gibberish
    logit += w["shouting"] * signals.shouting
    # Scaled so that a 0.8 overlap gives the full weight and an exact copy a little more.
    logit += w["duplicate"] * (signals.duplicate / 0.8 if signals.duplicate else 0.0)
    logit += w["commercial_link"] * min(signals.commercial_links, 1)
    logit += w["link_only"] * signals.link_only
    logit += w["flood"] * signals.flood
    return logit


def spam_probability(
    text: str, *, article_text: str = "", thread: Iterable[str] = ()
) -> tuple[float, SpamSignals]:
    """Return P(spam) for ``text`` and the signals behind it."""
    signals = spam_signals(text, article_text=article_text, thread=thread)
    return 1.0 / (1.0 + math.exp(-spam_logit(signals))), signals
