"""The embed script as served: cacheable, small, and building its DOM without innerHTML."""

from __future__ import annotations

import gzip
import re

import pytest

from parley.web.views import EMBED_SCRIPT

MAX_GZIPPED_BYTES = 15 * 1024


def test_embed_script_is_served_as_javascript_and_cacheable(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert response.content == EMBED_SCRIPT.read_bytes()
    revalidated = client.get("/embed.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert revalidated.status_code == 304 and revalidated.content == b""


def test_embed_script_is_at_most_15_kB_gzipped():
    size = len(gzip.compress(EMBED_SCRIPT.read_bytes(), compresslevel=9))
    assert size <= MAX_GZIPPED_BYTES, f"embed.js is {size} bytes gzipped"


def _code_without_comments() -> str:
    source = EMBED_SCRIPT.read_text()
    return re.sub(r"/\*.*?\*/", "", source, flags=re.S)


@pytest.mark.parametrize(
    "dangerous",
    ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"],
)
def test_embed_script_never_parses_strings_as_markup_or_code(dangerous):
    assert dangerous not in _code_without_comments()


def test_embed_script_explains_iframe_or_in_page_choice():
    header = EMBED_SCRIPT.read_text()[:2000]
    assert "Why in-page (Shadow DOM) and not an iframe" in header


def test_faq_link_of_the_embed_finds_the_story_site(client, site, story):
    site.faq_text = "Our own rules for this site."
    site.save()
    html = client.get(f"/faq/?story={story.pk}").content.decode()
    assert "Our own rules for this site." in html


def test_embed_font_is_served_to_any_origin_and_revalidated(client):
    response = client.get("/embed/fonts/NotoNaskhArabic-400.woff2")
    assert response.status_code == 200 and response["Content-Type"] == "font/woff2"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content[:4] == b"wOF2" and len(response.content) < 100_000
    again = client.get("/embed/fonts/NotoNaskhArabic-400.woff2",
                       HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/embed/fonts/..%2Fembed.woff2").status_code == 404
    assert client.get("/embed/fonts/other.woff2").status_code == 404
