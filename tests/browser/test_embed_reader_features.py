"""Readers' everyday features in the one-tag embed on another origin, in Chromium: edit and
delete your own comment (token in localStorage, never shown to others), Recommend, the featured
badge and order, the "new comments" notice, and the dark scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from parley import actions
from parley.comments.models import Comment, Story
from tests.browser.conftest import allow_origin, embed_page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_embed(page, live_server, story, second_origin):
    origin, folder = second_origin
    allow_origin(story, origin)
    name = embed_page(folder, parley_url=live_server.url, story_url=f"{origin}/news/raids",
                      title="Joint raids, on a partner site")
    page.goto(f"{origin}/{name}")
    shadow = page.locator("#parley-comments")
    shadow.locator("#parley-heading").wait_for()
    return shadow


def test_embed_edit_delete_recommend_and_new_comments(page, live_server, demo_story,
                                                       second_origin, browser, dialogs):
    page.add_init_script("window.parleyPollMs = 300;")
    shadow = open_embed(page, live_server, demo_story, second_origin)
    shadow.get_by_label("Your comment").fill("Raids start next week.")
    shadow.get_by_label("Name").fill("Zara")
    shadow.get_by_role("button", name="Post comment").click()
    shadow.get_by_text("Raids start next week.").wait_for()
    story = Story.objects.get(url=f"{second_origin[0]}/news/raids")
    mine = Comment.objects.get(text="Raids start next week.")
    item = shadow.locator(f"#parley-comment-{mine.pk}")

    # Edit, through the token the posting answer gave this browser.
    item.get_by_role("button", name="Edit").click()
    item.locator("textarea").fill("Raids start next month.")
    item.get_by_role("button", name="Save edit").click()
    item.get_by_text("Raids start next month.").wait_for()
    assert Comment.objects.get(pk=mine.pk).text == "Raids start next month."

    # Recommend someone else's comment, once; it stays pressed after a reload.
    other = actions.post_comment(story=story, text="Worth reading.", author_name="Omar").comment
    shadow.get_by_role("button", name="1 new comment — show it").wait_for()
    shadow.get_by_role("button", name="1 new comment — show it").click()
    theirs = shadow.locator(f"#parley-comment-{other.pk}")
    theirs.get_by_text("Worth reading.").wait_for()
    assert theirs.get_by_role("button", name="Edit").count() == 0  # not ours
    recommend = theirs.locator("button.rec")
    recommend.click()
    page.wait_for_function(
        "() => document.querySelector('#parley-comments').shadowRoot"
        f".querySelector('#parley-comment-{other.pk} button.rec').getAttribute('aria-pressed')"
        " === 'true'")
    assert Comment.objects.get(pk=other.pk).recommend_count == 1
    page.reload()
    shadow.locator(f"#parley-comment-{other.pk}").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#parley-comments').shadowRoot"
        f".querySelector('#parley-comment-{other.pk} button.rec').getAttribute('aria-pressed')"
        " === 'true'")
    assert Comment.objects.get(pk=other.pk).recommend_count == 1

    # A featured comment has its badge and comes first in "Featured first".
    moderator = get_user_model().objects.create_user("mod", "m@example.com", "pw", is_staff=True)
    actions.feature_comment(comment=other, acting_user=moderator)
    page.reload()
    shadow.get_by_role("button", name="Featured first").click()
    first = shadow.locator("#parley-list > li").first
    first.locator(".badge").wait_for()
    assert first.get_attribute("id") == f"parley-comment-{other.pk}"

    # Another browser: no Edit/Delete and no token anywhere in its page.
    stranger_context = browser.new_context()
    try:
        stranger = stranger_context.new_page()
        stranger.goto(page.url)
        stranger.locator("#parley-comments").get_by_text("Raids start next month.").wait_for()
        others = stranger.locator("#parley-comments")
        assert others.get_by_role("button", name="Edit").count() == 0
        assert others.get_by_role("button", name="Delete").count() == 0
        assert "edit_token" not in stranger.evaluate("JSON.stringify(localStorage)")
    finally:
        stranger_context.close()

    # Delete our own: a placeholder; the heading's count goes down.
    page.reload()
    item = shadow.locator(f"#parley-comment-{mine.pk}")
    item.get_by_role("button", name="Delete").click()
    item.get_by_role("button", name="Delete comment").click()
    item.get_by_text("[deleted by its author]").wait_for()
    assert Comment.objects.get(pk=mine.pk).status == "deleted"
    assert dialogs == []


def test_embed_dark_scheme_follows_a_dark_capable_page(page, live_server, demo_story,
                                                      second_origin):
    page.emulate_media(color_scheme="dark")
    # A page without a dark scheme of its own keeps the comments light, even for a dark reader.
    shadow = open_embed(page, live_server, demo_story, second_origin)
    color = shadow.locator("#parley-heading").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(26, 26, 26)"
    story = Story.objects.get(url=f"{second_origin[0]}/news/raids")
    actions.post_comment(story=story, text="مشترکہ چھاپوں سے دہشت گردی کم ہوگی؟",
                         author_name="عائشہ")
    # A page that declares a dark scheme: the embed follows the reader's preference.
    origin, folder = second_origin
    html = (folder / "article.html").read_text(encoding="utf-8").replace(
        "<meta charset='utf-8'>",
        "<meta charset='utf-8'><meta name='color-scheme' content='light dark'>"
        "<style>@media (prefers-color-scheme: dark) { body { background: #111; color: #eee; }"
        " }</style>")
    (folder / "dark.html").write_text(html, encoding="utf-8")
    page.goto(f"{origin}/dark.html")
    shadow.locator("#parley-list li").first.wait_for()
    color = shadow.locator("#parley-heading").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(232, 230, 227)"
    page.wait_for_function("document.fonts.check('16px \"Parley Naskh\"', 'ابت')")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "embed-dark.png"), full_page=True)
    # A site's own dark colour wins over ours.
    page.evaluate("document.getElementById('parley-comments').style"
                  ".setProperty('--parley-dark-text', 'rgb(1, 2, 3)')")
    color = shadow.locator("#parley-heading").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(1, 2, 3)"
    page.emulate_media(color_scheme="light")
    color = shadow.locator("#parley-heading").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(26, 26, 26)"
    page.screenshot(path=str(SCREENSHOTS / "embed-light.png"), full_page=True)
