"""Language detection for routing: which heads apply and which comments need a human.

Script first (cheap and certain), then, for Latin and Arabic script, small function-word lists
written for Parley. For this readership Arabic-script text is Urdu unless it is clearly Arabic or
Persian, and Latin text full of "hai", "nahi", "ko" is Roman Urdu ("ur-Latn"). Text with too little
evidence (a few words, emoji, numbers) is "und"; the policy treats "und" as supported so a short
"Great goal!" is never sent to review just for being short.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache


def word_set(text: str) -> frozenset[str]:
    """The words of a space-separated list, as a set (keeps long word lists readable)."""
    return frozenset(text.split())


# Function words: frequent, short, and (as far as possible) not words of the other languages.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": word_set(
        "the and is are was were of to that it this for on with as be have has not but they you "
        "he she we i at by from or an will would there their what which who about if do does "
        "did been can could should just no all my your our more than then them these those "
        "because very how why when its it's don't doesn't isn't i'm you're they're can't won't "
        "into only also some any other such out up one his her him me us"
    ),
    "de": word_set(
        "der die das und ist nicht ein eine einen einem zu den dem mit sich auf für von es ich "
        "sie wir ihr auch wie aber wenn noch nur oder schon bei nach mal doch kein keine dass "
        "sind hat haben wird werden diese dieser dieses mehr immer jetzt hier wer warum weil "
        "über uns euch mir mich dir dich ja nein nichts sehr viel vom zum zur im ins am eines "
        "wurde wäre sein seine ihre unser kann muss soll gibt"
    ),
    "ur-Latn": word_set(
        "hai hain hay hy nahi nahin nai ko ka ki ke mein mai aur kya kia yeh ye woh wo bhi se "
        "tha thi thay ho kar karo karna karte karta raha rahi rahe ap aap tum hum mujhe tujhe "
        "kuch sab bohat bohot bahut acha achha kyun kyon kyu lekin magar phir ab jab tab jo koi "
        "apna apni apne sirf hota hoti hotay gaya gayi diya liya wala wali wale sath saath pe "
        "ne tak bhai yaar log logon mera meri mere tera teri tere hamara hamari unka unki inka "
        "kahan kaha hona hoga hogi gi ga chahiye sakta sakti hein"
    ),
    # Unsupported but common enough in comments to be recognised and routed to review.
    "fr": word_set(
        "le la les des est et une pas que qui dans pour sur avec ce cette il elle nous vous "
        "sont mais ou au aux du très je c'est n'est j'ai leur tout"
    ),
    "es": word_set(
        "el los las es y una del por para con que lo su pero como más muy está son yo ella "
        "también porque esta este hay"
    ),
    "it": word_set(
        "il lo gli della che non è per una sono con anche ma come più questo questa molto "
        "perché ci nel alla delle sempre"
    ),
    "pt": word_set(
        "o os as uma não é que para com mas como mais muito isso esta este são também porque "
        "você ele ela foi tem"
    ),
    "nl": word_set(
        "het een de en is niet van dat op te zijn met voor maar ook wel nog geen dit deze "
        "wat hij zij wij jullie heel"
    ),
}
_PRIMARY = ("en", "de", "ur-Latn")

# Letters only Urdu uses among the Arabic-script languages (tteh, ddal, rreh, noon ghunna,
# yeh barree, heh goal, do-chashmi heh).
_URDU_LETTERS = frozenset("ٹڈڑںےۓہھ")
# Arabic proper: ta marbuta, alef maqsura, Arabic yeh and kaf (Urdu/Persian use ی and ک).
_ARABIC_LETTERS = frozenset("ةىيك")
_PERSIAN_WORDS = word_set("است را این می‌شود نمی هستند خواهد برای ما شما")
_ARABIC_WORDS = word_set("في من على إلى التي الذي هذا هذه كان عن مع")

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")

# (first code point, last code point, script name) for the scripts that decide a language.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"),
    (0x0D00, 0x0D7F, "Malayalam"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0x3040, 0x30FF, "Kana"),
    (0x4E00, 0x9FFF, "Han"),
    (0x3400, 0x4DBF, "Han"),
)
_SCRIPT_LANGUAGE = {
    "Greek": "el",
    "Cyrillic": "ru",
    "Armenian": "hy",
    "Hebrew": "he",
    "Devanagari": "hi",
    "Bengali": "bn",
    "Gurmukhi": "pa",
    "Gujarati": "gu",
    "Tamil": "ta",
    "Telugu": "te",
    "Malayalam": "ml",
    "Thai": "th",
    "Georgian": "ka",
    "Hangul": "ko",
    "Kana": "ja",
    "Han": "zh",
}
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
_MIN_LETTERS = 4


@lru_cache(maxsize=8192)
def _script_of(char: str) -> str | None:
    code = ord(char)
    for low, high, name in _SCRIPT_RANGES:
        if low <= code <= high:
            return name
    return None


def script_counts(text: str) -> Counter[str]:
    """Count the letters of ``text`` per script (marks, digits and symbols are not counted)."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            script = _script_of(char)
            if script:
                counts[script] += 1
    return counts


def _arabic_script_language(text: str) -> str:
    letters = set(text)
    if letters & _URDU_LETTERS:
        return "ur"
    words = set(_WORD.findall(text))
    if len(words & _ARABIC_WORDS) >= 2 or (letters & _ARABIC_LETTERS and "ی" not in letters):
        return "ar"
    if len(words & _PERSIAN_WORDS) >= 2 or "ژ" in letters:
        return "fa"
    return "ur"


def _latin_language(text: str) -> str:
    words = [word.lower().replace("\u2019", "'") for word in _WORD.findall(text)]
    if not words:
        return "und"
    hits: Counter[str] = Counter()
    for word in words:
        matching = [lang for lang, vocab in FUNCTION_WORDS.items() if word in vocab]
        for lang in matching:
            hits[lang] += 1.0 / len(matching)  # a word shared by two languages counts half
    if any(char in text for char in "äöüßÄÖÜ"):
        hits["de"] += 1.0
    if not hits:
        return "und"
    best, best_hits = hits.most_common(1)[0]
    # Ties and near-ties go to the primary languages, which the engine reads best.
    primary_best = max(_PRIMARY, key=lambda lang: hits.get(lang, 0.0))
    if best not in _PRIMARY and best_hits < hits.get(primary_best, 0.0) * 1.5 + 1.0:
        best, best_hits = primary_best, hits.get(primary_best, 0.0)
    if best_hits < 1.0:
        return "und"
    if len(words) >= 4 and best_hits / len(words) < 0.1:
        return "und"
    return best


def detect_language(text: str) -> str:
    """Return "en", "de", "ur", "ur-Latn", another BCP-47 code, or "und" when unsure."""
    text = unicodedata.normalize("NFC", text)
    counts = script_counts(text)
    total = sum(counts.values())
    if total < _MIN_LETTERS and not counts.get("Han"):
        return "und"
    script, _ = counts.most_common(1)[0]
    if script == "Latin":
        return _latin_language(text)
    if script == "Arabic":
        return _arabic_script_language(text)
    if script in ("Han", "Kana") and counts.get("Kana"):
        return "ja"
    if script == "Cyrillic" and any(char in _UKRAINIAN_LETTERS for char in text):
        return "uk"
    return _SCRIPT_LANGUAGE.get(script, "und")
