"""Sentence spans: Perspective's UTF-16 offsets, in order, covering every word of the comment."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parley.perspective.spans import sentence_spans, utf16_length


def triples(text):
    return [(span.text, span.begin, span.end) for span in sentence_spans(text)]


def test_perspective_documentation_example():
    text = "What kind of idiot name is foo? Sorry, I like your name."
    assert triples(text) == [
        ("What kind of idiot name is foo?", 0, 31),
        ("Sorry, I like your name.", 32, 56),
    ]


def test_astral_characters_count_as_two_utf16_units():
    assert triples("Goal 😀! Next one.") == [("Goal 😀!", 0, 8), ("Next one.", 9, 18)]


def test_urdu_full_stop_and_question_mark_end_sentences():
    assert [t for t, _, _ in triples("Yeh kya hai۔ Bakwas hai؟ Theek")] == [
        "Yeh kya hai۔", "Bakwas hai؟", "Theek",
    ]


def test_decimals_and_runs_do_not_split():
    texts = [t for t, _, _ in triples("It is 3.5 m tall?! Wow...")]
    assert texts == ["It is 3.5 m tall?!", "Wow..."]


def test_line_breaks_split_and_punctuation_only_lines_join_the_sentence_before():
    assert [t for t, _, _ in triples("First line\nSecond line\n!!!\n😀")] == [
        "First line", "Second line\n!!!\n😀",
    ]


def test_empty_and_blank_text_have_no_spans():
    assert sentence_spans("") == []
    assert sentence_spans("  \n ") == []


_PIECES = st.one_of(
    st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "So")),
    st.sampled_from(["\n", ". ", "! ", "😀", "۔ ", "? "]),
)


@given(st.lists(_PIECES, max_size=80).map("".join))
def test_spans_are_ordered_slices_that_keep_every_word(text):
    spans = sentence_spans(text)
    encoded = text.encode("utf-16-le")
    previous_end = 0
    for span in spans:
        assert previous_end <= span.begin < span.end <= utf16_length(text)
        assert encoded[span.begin * 2:span.end * 2].decode("utf-16-le") == span.text
        previous_end = span.end
    kept = "".join(span.text for span in spans)
    assert [c for c in kept if c.isalnum()] == [c for c in text if c.isalnum()]
