"""The comment text and relative-time filters: user text is escaped first, links are safe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.comments.templatetags.comment_text import (
    relative_time_filter,
    relative_time_words,
    render_comment_text,
)


def test_html_in_text_is_escaped_not_rendered():
    html = render_comment_text('<img src=x onerror=alert(1)> & "quotes"')
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;" in html


def test_paragraphs_and_line_breaks():
    html = render_comment_text("first line\nsecond line\n\nnew paragraph")
    assert html == "<p>first line<br>second line</p><p>new paragraph</p>"


def test_urls_become_links_with_nofollow_ugc_noopener():
    html = render_comment_text("See https://example.com/a?b=1&c=2.")
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener" '
        'target="_blank">https://example.com/a?b=1&amp;c=2</a>.'
    ) in html


def test_www_links_get_https_and_brackets_balance():
    html = render_comment_text("(see www.example.org/wiki/Foo_(bar))")
    assert 'href="https://www.example.org/wiki/Foo_(bar)"' in html
    assert html.endswith("</a>)</p>")


def test_javascript_urls_are_never_linked():
    html = render_comment_text("javascript:alert(1) and data:text/html,<b>x</b>")
    assert "<a" not in html
    assert "&lt;b&gt;" in html


def test_quote_cannot_break_out_of_href():
    html = render_comment_text('https://example.com/"onmouseover="alert(1)')
    assert 'href="https://example.com/"' in html
    assert 'onmouseover="' not in html


def test_mention_links_to_the_commenter_in_the_thread():
    html = render_comment_text("@Don: Depending on the price!", {"Don": 42})
    assert html == '<p><a class="mention" href="#comment-42">@Don</a>: Depending on the price!</p>'


def test_mention_with_spaces_in_name_and_case_insensitive():
    html = render_comment_text("@j. von Hettlingen is right", {"j. von hettlingen": 7})
    assert '<a class="mention" href="#comment-7">@j. von Hettlingen</a> is right' in html


def test_mention_of_someone_not_in_thread_stays_text():
    assert render_comment_text("@Don: hi", {"Donald": 3}) == "<p>@Don: hi</p>"
    assert render_comment_text("@Don: hi") == "<p>@Don: hi</p>"


def test_mention_must_end_at_word_boundary():
    assert "<a" not in render_comment_text("@Donna hi", {"Don": 3})


def test_mention_name_with_markup_is_escaped():
    html = render_comment_text("@<b>x</b> hi", {"<b>x</b>": 5})
    assert '<a class="mention" href="#comment-5">@&lt;b&gt;x&lt;/b&gt;</a>' in html


def test_relative_time_words_largest_unit():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert relative_time_words(datetime(2015, 8, 5, tzinfo=UTC), now) == "11 years ago"
    assert relative_time_words(now - timedelta(minutes=5, seconds=10), now) == "5 minutes ago"
    assert relative_time_words(now - timedelta(seconds=20), now) == "just now"
    assert relative_time_words(now - timedelta(days=1, hours=3), now) == "1 day ago"


def test_relative_time_element_carries_exact_time():
    value = datetime(2012, 8, 5, 9, 30, tzinfo=UTC)
    html = relative_time_filter(value)
    assert html.startswith(
        '<time datetime="2012-08-05T09:30:00+00:00" title="05 August 2012, 09:30'
    )
    assert "years ago</time>" in html
    assert relative_time_filter(None) == ""


def test_filters_work_in_templates():
    template = Template("{% load comment_text %}{{ text|comment_text:mentions }}")
    html = template.render(Context({"text": "<script>x</script> @Ann", "mentions": {"Ann": 1}}))
    assert html == (
        '<p>&lt;script&gt;x&lt;/script&gt; <a class="mention" href="#comment-1">@Ann</a></p>'
    )


class _Markup(HTMLParser):
    """Collect the tags, attributes and text of rendered comment HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(list("<>&\"'`=/:;.()@[] \n\tab1") + ["http://", "www.", "@Ann"]),
        max_size=40,
    ).map("".join)
    | st.text(max_size=80),
)
def test_any_text_yields_only_our_markup_and_keeps_every_character(text):
    parser = _Markup()
    parser.feed(render_comment_text(text, {"Ann": 3}))
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in {"p", "br", "a"}, tag
        if tag == "a":
            assert set(attrs) <= {"href", "rel", "target", "class"}
            assert attrs["href"].startswith(("http://", "https://", "#comment-3"))
            assert not any(c in attrs["href"] for c in "\"'<> ")
    assert "".join("".join(parser.text).split()) == "".join(text.split())
