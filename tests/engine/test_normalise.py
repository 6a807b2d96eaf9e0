"""normalise_text: invisible characters cannot hide words, Urdu/Persian ZWNJ survives, and the
function is idempotent and never lengthens text beyond its NFC form."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.engine.normalise import normalise_text

INVISIBLE = "\u200b\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", list(INVISIBLE))
def test_invisible_characters_cannot_split_a_word(char):
    assert normalise_text(f"you are an id{char}iot") == "you are an idiot"


def test_zwnj_and_zwj_between_latin_letters_are_removed():
    assert normalise_text("i\u200cd\u200di\u200c\u200dot") == "idiot"


def test_zwnj_inside_persian_and_urdu_words_is_kept():
    persian = "می\u200cخواهم"  # "I want": the ZWNJ is part of correct spelling
    assert normalise_text(persian) == persian
    urdu = "ذمہ\u200cداری"
    assert normalise_text(urdu) == urdu


def test_zwnj_at_a_word_edge_is_removed():
    assert normalise_text("می\u200c خواهم") == "می خواهم"


def test_emoji_zwj_sequences_are_kept():
    family = "👨\u200d👩\u200d👧"
    assert normalise_text(f"nice {family}") == f"nice {family}"


def test_controls_are_stripped_and_line_breaks_kept():
    assert normalise_text("a\x00b\x07c\r\nd\re\u2028f") == "abc\nd\ne\nf"


def test_whitespace_folds_and_paragraphs_survive():
    text = "  Hello \t\u00a0 world  \n\n\n\n  second   paragraph \u3000 "
    assert normalise_text(text) == "Hello world\n\nsecond paragraph"


def test_nfc_composes_after_invisible_removal():
    assert normalise_text("cafe\u200b\u0301") == "caf\u00e9"


def test_rejects_non_strings():
    with pytest.raises(TypeError):
        normalise_text(b"bytes")  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_never_longer_than_nfc_input_and_no_invisibles_left(text):
    out = normalise_text(text)
    assert len(out) <= len(unicodedata.normalize("NFC", text))
    assert not any(char in out for char in INVISIBLE)
    assert out == out.strip()
    assert "  " not in out


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("ab \u200b\u200c\u200d\u00ad\ufeff\u202e\u0301\n\t"), max_size=60
    )
)
def test_idempotent_on_invisible_heavy_text(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\u200b" not in once and "\u200c" not in once  # Latin only: no joiner is legitimate
