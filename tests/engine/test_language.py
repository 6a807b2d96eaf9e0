"""detect_language: script first, then function words for Latin and Arabic script."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.engine.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It's highly unlikely that this planned offensive would bear fruit.", "en"),
        ("@Don: Depending on the price!", "en"),
        ("Das ist doch nicht wahr, oder? Die Regierung hat keine Ahnung.", "de"),
        ("Schöne Grüße aus Österreich", "de"),
        ("yeh sab jhoot hai, kuch nahi hoga", "ur-Latn"),
        ("ap log pagal ho kya?", "ur-Latn"),
        ("Imran Khan ne sahi kaha tha, mehngai bohat barh gayi hai", "ur-Latn"),
        ("یہ بہت اچھی خبر ہے", "ur"),
        ("حکومت کو چاہیے کہ مہنگائی کم کرے", "ur"),
        ("هذا هو الخبر في المدينة", "ar"),
        ("من می‌خواهم این را بدانم، این خبر است", "fa"),
        ("यह बहुत अच्छी खबर है", "hi"),
        ("Это очень хорошая новость", "ru"),
        ("这是一个好消息", "zh"),
        ("これは良いニュースです", "ja"),
        ("좋은 소식입니다", "ko"),
        ("C'est une très bonne nouvelle pour nous tous", "fr"),
        ("Es muy bueno para todos y también para mí", "es"),
    ],
)
def test_detects(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "lol", "👍👍👍", "12345 !!!", "Hello", "Great goal!"])
def test_short_or_unknown_text_is_und(text):
    assert detect_language(text) == "und"


def test_mixed_script_follows_the_majority():
    assert detect_language("یہ بہت اچھی خبر ہے lol") == "ur"


def test_english_words_shared_with_roman_urdu_do_not_flip_english():
    # "to", "me", "is", "us", "main" are English words too: they are not in the Roman Urdu list.
    assert detect_language("Let me tell us what is the main point to make") == "en"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_text_gives_a_language_code(text):
    code = detect_language(text)
    assert isinstance(code, str) and code
