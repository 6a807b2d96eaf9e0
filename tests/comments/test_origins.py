"""What Parley accepts as an allowed origin, and the embed snippet it prints."""

from __future__ import annotations

import pytest

from parley.comments.errors import InvalidInput
from parley.comments.models import Site
from parley.comments.origins import MAX_ORIGINS, embed_snippet, parse_origin, parse_origins


@pytest.mark.parametrize(("text", "origin"), [
    ("https://news.example.com", "https://news.example.com"),
    ("  HTTPS://News.Example.COM/ ", "https://news.example.com"),
    ("news.example.com", "https://news.example.com"),
    ("http://localhost:8080", "http://localhost:8080"),
    ("https://news.example.com:443", "https://news.example.com"),
    ("http://news.example.com:80", "http://news.example.com"),
    ("https://news.example.com:8443", "https://news.example.com:8443"),
    ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
    ("http://[::1]:8000", "http://[::1]:8000"),
    ("https://bücher.example", "https://xn--bcher-kva.example"),
])
def test_origins_are_written_as_browsers_send_them(text, origin):
    assert parse_origin(text) == origin


@pytest.mark.parametrize(("text", "says"), [
    ("", "empty"),
    ("https://*.example.com", "wildcards are not supported"),
    ("*", "wildcards"),
    ("https://news.example.com/world", "without a path; write https://news.example.com"),
    ("https://news.example.com?x=1", "without a path"),
    ("https://news.example.com#top", "without a path"),
    ("ftp://news.example.com", "starts with https://"),
    ("javascript:alert(1)", "starts with https://"),
    ("https://user:pw@news.example.com", "no user name"),
    ("https://news.example.com:99999", "invalid port"),
    ("https://news..example.com", "invalid host name"),
    ("https://-bad-.example", "invalid host name"),
    ("https://", "no host name"),
])
def test_anything_else_is_refused_with_a_message_that_says_why(text, says):
    with pytest.raises(InvalidInput) as raised:
        parse_origin(text)
    assert says in raised.value.detail
    assert raised.value.field == "origins"


def test_a_list_keeps_its_order_drops_repeats_and_has_a_limit():
    assert parse_origins("https://a.example\n\nhttps://b.example/\nA.example") == [
        "https://a.example", "https://b.example"]
    with pytest.raises(InvalidInput, match=f"At most {MAX_ORIGINS}"):
        parse_origins([f"https://n{i}.example" for i in range(MAX_ORIGINS + 1)])


def test_the_snippet_is_one_script_tag_with_parley_s_address_and_the_site_s_origin():
    site = Site(name="Daily Planet", slug="planet", allowed_origins="https://planet.example")
    snippet = embed_snippet(site, "https://comments.example.org/")
    assert snippet.count("<script") == 1
    assert 'src="https://comments.example.org/embed.js"' in snippet
    assert 'data-story-url="https://planet.example/PATH-OF-THE-ARTICLE"' in snippet
    hostile = embed_snippet(site, 'https://x.example/"><script>alert(1)</script>')
    assert hostile.count("<script") == 1 and "&quot;&gt;&lt;script&gt;" in hostile


def test_a_bare_host_with_a_port_is_read_as_https():
    assert parse_origin("localhost:8080") == "https://localhost:8080"


@pytest.mark.django_db
def test_origin_allowed_matches_whole_origins_only():
    from parley.comments.selectors import origin_allowed

    Site.objects.create(name="A", slug="a",
                        allowed_origins="https://News.Example.com/\nhttp://localhost:8080")
    Site.objects.create(name="B", slug="b", allowed_origins="https://b_c.example")
    assert origin_allowed("https://news.example.com")
    assert origin_allowed("HTTPS://NEWS.EXAMPLE.COM")
    assert origin_allowed("http://localhost:8080")
    assert origin_allowed("https://b_c.example")
    for refused in ["https://news.example.co", "https://news.example.com.evil.test",
                    "http://localhost:80", "https://b%c.example", "https://bxc.example", "%",
                    "", "null", "https://news.example.com\nhttp://localhost:8080"]:
        assert not origin_allowed(refused), refused
