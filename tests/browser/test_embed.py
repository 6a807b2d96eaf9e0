"""The one-tag embed on a plain page of another origin, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley import actions
from parley.comments.models import Comment, Report, Story
from tests.browser.conftest import allow_origin, embed_page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_embed(page, live_server, story, second_origin, *, story_url=None):
    origin, folder = second_origin
    allow_origin(story, origin)
    name = embed_page(folder, parley_url=live_server.url,
                      story_url=story_url or f"{origin}/news/joint-raids",
                      title="Joint raids, on a partner site")
    page.goto(f"{origin}/{name}")
    shadow = page.locator("#parley-comments")
    shadow.locator("#parley-heading").wait_for()
    page.wait_for_load_state("networkidle")
    return shadow


def test_embed_creates_the_story_and_posts_a_comment(page, live_server, demo_story,
                                                     second_origin, dialogs):
    shadow = open_embed(page, live_server, demo_story, second_origin)
    assert shadow.locator("#parley-heading").inner_text() == "COMMENTS (0)"
    story = Story.objects.get(url=f"{second_origin[0]}/news/joint-raids")
    assert story.title == "Joint raids, on a partner site" and story.site == demo_story.site

    shadow.get_by_label("Your comment").fill("Posted from a partner site: https://example.com")
    shadow.get_by_label("Name").fill("Zara")
    shadow.get_by_role("button", name="Post comment").click()
    shadow.get_by_text("Posted from a partner site:").wait_for()
    assert shadow.locator("#parley-heading").inner_text() == "COMMENTS (1)"
    link = shadow.locator(".text a")
    assert link.get_attribute("href") == "https://example.com"
    assert link.get_attribute("rel") == "nofollow ugc noopener"
    assert Comment.objects.get(story=story).author_name == "Zara"

    # Reply with "Replying to", then reload: both come back from the API.
    shadow.get_by_role("button", name="Reply to Zara").click()
    assert shadow.locator(".replying-to").inner_text().startswith("Replying to Zara")
    shadow.get_by_label("Your comment").fill("A reply in the embed.")
    shadow.get_by_label("Name").fill("Yusuf")
    shadow.get_by_role("button", name="Post comment").click()
    shadow.get_by_text("A reply in the embed.").wait_for()
    page.reload()
    shadow.get_by_text("A reply in the embed.").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "embed.png"), full_page=True)
    parent = Comment.objects.get(text__startswith="Posted from a partner site")
    assert shadow.locator(f"#parley-replies-{parent.pk} .author").inner_text() == "Yusuf"

    # Report, by keyboard: the form opens with the focus on the reason.
    shadow.get_by_role("button", name="Report the comment by Yusuf").focus()
    page.keyboard.press("Enter")
    shadow.get_by_label("Reason").select_option("spam")
    shadow.get_by_role("button", name="Send report").click()
    shadow.get_by_text("Thank you for your report").wait_for()
    assert Report.objects.get().comment.author_name == "Yusuf"
    assert dialogs == []


def test_embed_shows_the_seed_comments_and_pages(page, live_server, demo_story, second_origin):
    origin, _ = second_origin
    # The embed is for an existing story: make the demo story live on the partner origin.
    Story.objects.filter(pk=demo_story.pk).update(url=f"{origin}/news/joint-raids")
    for i in range(11):
        actions.post_comment(story=demo_story, text=f"Embed page comment {i}.", author_name="R")
    shadow = open_embed(page, live_server, demo_story, second_origin)
    assert shadow.locator("#parley-heading").inner_text() == "COMMENTS (13)"
    assert shadow.locator("#parley-list > li").count() == 10
    shadow.get_by_role("button", name="View more comments").click()
    shadow.get_by_text("@Don: Depending on the price!").wait_for()
    assert shadow.locator("#parley-list > li").count() == 13
    assert shadow.get_by_role("button", name="View more comments").count() == 0
    assert "years ago" in shadow.locator("#parley-list > li").last.inner_text()
    shadow.get_by_role("button", name="Oldest first").click()
    page.wait_for_function(
        "document.getElementById('parley-comments').shadowRoot"
        ".querySelector('#parley-list > li .author').textContent === 'j. von hettlingen'"
    )
    assert shadow.locator("#parley-list > li").count() == 10


def test_embed_remembers_own_pending_comment(page, live_server, demo_story, second_origin):
    shadow = open_embed(page, live_server, demo_story, second_origin)
    Story.objects.filter(site=demo_story.site).update(premoderate=True)
    shadow.get_by_label("Your comment").fill("Please review me.")
    shadow.get_by_label("Name").fill("Pending Pat")
    shadow.get_by_role("button", name="Post comment").click()
    shadow.locator(".pending").wait_for()
    page.reload()
    shadow.get_by_text("Please review me.").wait_for()
    pending = shadow.locator("li.comment-pending")
    assert pending.locator(".pending").inner_text().startswith("Awaiting moderation")
    assert "Please review me." in pending.inner_text()
    assert shadow.locator("#parley-heading").inner_text() == "COMMENTS (0)"


def test_embed_refuses_an_origin_that_is_not_allowed(page, live_server, demo_story, second_origin):
    origin, folder = second_origin
    name = embed_page(folder, parley_url=live_server.url, story_url=f"{origin}/x", title="X")
    page.goto(f"{origin}/{name}")
    message = page.locator("#parley-comments .status")
    message.wait_for()
    assert message.inner_text().strip() != ""
    assert not Story.objects.filter(url=f"{origin}/x").exists()


def test_site_styles_the_embed_through_css_variables_only(page, live_server, demo_story,
                                                           second_origin):
    origin, folder = second_origin
    name = embed_page(folder, parley_url=live_server.url, story_url=f"{origin}/styled",
                      title="Styled")
    html = (folder / name).read_text().replace(
        "</head>",
        "<style>#parley-comments{--parley-font:monospace;--parley-link:rgb(0, 128, 0)}"
        " h2, p { color: rgb(255, 0, 0) !important; }</style></head>",
    )
    (folder / name).write_text(html)
    allow_origin(demo_story, origin)
    page.goto(f"{origin}/{name}")
    shadow = page.locator("#parley-comments")
    shadow.locator("#parley-heading").wait_for()
    assert "monospace" in shadow.locator("section").evaluate("e => getComputedStyle(e).fontFamily")
    faq = shadow.get_by_role("link", name="Comments FAQ")
    assert faq.evaluate("e => getComputedStyle(e).color") == "rgb(0, 128, 0)"
    # The page's own rules do not reach inside.
    assert shadow.locator("#parley-heading").evaluate(
        "e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
