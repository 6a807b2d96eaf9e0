"""Imported bodies become plain text: no tag survives, links keep their words, entities are
decoded once (pages escape the text again), paragraphs stay apart."""

from __future__ import annotations

import pytest

from parley.imports.dates import parse_datetime
from parley.imports.text import author_email, author_name, html_to_text, plain_title


@pytest.mark.parametrize(("body", "text"), [
    ("<p>One</p><p>Two<br>three</p>", "One\n\nTwo\nthree"),
    ('<a href="javascript:alert(1)">click</a> here', "click here"),
    ("<img src=x onerror=alert(1)>after", "after"),
    ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
    ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
    ("&lt;b&gt;typed&lt;/b&gt;", "<b>typed</b>"),  # what the reader typed, shown escaped
    ("<marquee onstart=alert(1)>x</marquee>", "x"),
    ("<p>اردو <b>متن</b></p>", "اردو متن"),
    ("", ""),
])
def test_html_to_text(body, text):
    assert html_to_text(body) == text


def test_names_titles_addresses_dates():
    assert author_name("  ") == "Anonymous" and len(author_name("x" * 500)) == 120
    assert author_name("Sara &amp; Co") == "Sara & Co"
    assert plain_title("<b>Rates</b> &#8211; up") == "Rates – up"
    assert author_email("undefined") == "" and author_email("a@example.com") == "a@example.com"
    assert parse_datetime("0000-00-00 00:00:00") is None
    assert parse_datetime("2019-03-04 10:00:00").isoformat() == "2019-03-04T10:00:00+00:00"
    assert parse_datetime(0).year == 1970 and parse_datetime("nonsense") is None
