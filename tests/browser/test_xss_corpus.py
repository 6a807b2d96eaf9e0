"""Thousands of public XSS payloads as comment text, author names and story titles: rendered by
the article page, the story list, the FAQ and the embed in Chromium, none may run a script.

The corpus is ../shared/security/xss-payloads.txt (data only, never committed). By default a
sample of 300 spread over the file is used; PARLEY_XSS_SAMPLE=all runs every payload.
"""

from __future__ import annotations

import time

import pytest

from parley import actions
from parley.comments import services
from parley.comments.errors import InvalidInput
from parley.comments.models import Story
from tests.browser.conftest import allow_origin, embed_page, xss_sample

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DEFAULT_SAMPLE = 300


@pytest.fixture
def payloads(shared_dir) -> list[str]:
    return xss_sample(shared_dir, DEFAULT_SAMPLE)


def post_payloads(story: Story, payloads: list[str]) -> int:
    """Post every payload as a comment's text and as its author's name; return how many."""
    posted = 0
    for payload in payloads:
        try:
            actions.post_comment(story=story, text=payload,
                                  author_name=payload[:80].strip() or "x")
        except InvalidInput:  # nothing left after cleaning (e.g. only control characters)
            continue
        posted += 1
    return posted


def assert_nothing_ran(page, dialogs, where: str) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # onerror/onload handlers of broken media fire late
    assert dialogs == [], f"{where}: a payload opened a dialog: {dialogs[:5]}"
    assert page.evaluate("window.__xss") is None, f"{where}: a payload ran a script"


def load_every_page(page, more_button, item_selector: str) -> int:
    """Click "View more comments" until it is gone; return the number of top-level items."""
    while more_button.count():
        before = page.locator(item_selector).count()
        more_button.first.click()
        page.wait_for_function(
            f"n => document.querySelectorAll({item_selector!r}).length > n", arg=before
        )
    return page.locator(item_selector).count()


def test_xss_payloads_never_run(page, live_server, demo_story, second_origin, payloads,
                                dialogs, settings):
    settings.PARLEY_PAGE_SIZE = 100
    origin, folder = second_origin
    started = time.monotonic()
    site = demo_story.site
    title_stories = []
    for payload in payloads[:20]:
        try:
            title_stories.append(services.ensure_story(
                site=site, url=f"{origin}/t/{len(title_stories)}", title=payload[:500]))
        except InvalidInput:
            continue
    story = services.ensure_story(site=site, url=f"{origin}/news/xss", title=payloads[-1][:500])
    posted = post_payloads(story, payloads)
    site.faq_text = "\n".join(payloads[:100])
    site.save(update_fields=["faq_text"])
    assert posted > 0.9 * len(payloads)

    page.goto(f"{live_server.url}/stories/{story.slug}/")
    assert_nothing_ran(page, dialogs, "article page")
    shown = load_every_page(page, page.locator(".more-link"), "#comment-list > li.comment")
    assert shown == posted
    assert_nothing_ran(page, dialogs, "article page, every comment loaded")

    page.goto(f"{live_server.url}/")
    assert page.locator(".story-list li").count() >= len(title_stories)
    assert_nothing_ran(page, dialogs, "story list")
    for title_story in title_stories[:5]:
        page.goto(f"{live_server.url}/stories/{title_story.slug}/")
        assert_nothing_ran(page, dialogs, "story title")
    page.goto(f"{live_server.url}/faq/?site={site.slug}")
    assert_nothing_ran(page, dialogs, "FAQ text")

    allow_origin(story, origin)
    name = embed_page(folder, parley_url=live_server.url, story_url=story.url,
                      title=payloads[0])
    page.goto(f"{origin}/{name}")
    shadow = page.locator("#parley-comments")
    shadow.locator("#parley-list > li").first.wait_for()
    embedded = _load_embed(page, shadow)
    assert embedded == posted
    assert_nothing_ran(page, dialogs, "embed")
    print(f"\nXSS corpus: {len(payloads)} payloads ({posted} posted) rendered by the page and "
          f"the embed in {time.monotonic() - started:.1f} s")


def _load_embed(page, shadow) -> int:
    more = shadow.get_by_role("button", name="View more comments")
    items = shadow.locator("#parley-list > li")
    while more.count():
        before = items.count()
        more.click()
        page.wait_for_function(
            "n => document.getElementById('parley-comments').shadowRoot"
            ".querySelectorAll('#parley-list > li').length > n", arg=before)
    return items.count()
