"""Readers' everyday features on the article page, in Chromium: featured comments and their
order, editing and deleting your own comment, Recommend, the "new comments" notice, the dark
scheme and Urdu text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from parley import actions
from parley.comments.models import Comment, CommentRevision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
URDU = "مشترکہ چھاپوں سے دہشت گردی کم ہوگی؟ مجھے شک ہے۔"


def open_story(page, live_server, story, query: str = "") -> None:
    page.goto(f"{live_server.url}/stories/{story.slug}/{query}")
    page.wait_for_load_state("networkidle")


def post_through_page(page, text: str, name: str) -> None:
    page.get_by_label("Your comment").fill(text)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Post comment").click()
    page.locator("#comment-list li.comment", has_text=text).first.wait_for()


def test_featured_badge_and_featured_first_order(page, live_server, demo_story, dialogs):
    moderator = get_user_model().objects.create_user("mod", "m@example.com", "pw", is_staff=True)
    oldest = demo_story.comments.order_by("created_at").first()
    actions.feature_comment(comment=oldest, acting_user=moderator)
    actions.post_comment(story=demo_story, text="A newer remark.", author_name="Newer")
    open_story(page, live_server, demo_story)
    featured = page.locator(f"#comment-{oldest.pk}")
    assert featured.locator(".badge-featured").inner_text().strip().lower() == "featured"
    assert page.locator(".badge-featured").count() == 1
    assert page.locator("#comment-list > li.comment").first.get_attribute("id") != \
        f"comment-{oldest.pk}"
    page.get_by_role("link", name="Featured first").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#comment-list > li.comment").first.get_attribute("id") == \
        f"comment-{oldest.pk}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "featured.png"))
    assert dialogs == []


def test_edit_then_delete_own_comment_and_not_anothers(page, live_server, demo_story, dialogs,
                                                      browser):
    open_story(page, live_server, demo_story)
    post_through_page(page, "The raids start next week.", "Ayesha")
    mine = Comment.objects.get(text="The raids start next week.")
    item = page.locator(f"#comment-{mine.pk}")
    # Only our own comment has Edit and Delete.
    assert page.locator(".edit-link").count() == 1 and page.locator(".delete-link").count() == 1
    item.get_by_role("link", name="Edit").click()
    box = item.locator("textarea")
    box.wait_for()
    box.fill("The raids start next month. <b>bold?</b>")
    item.get_by_role("button", name="Save edit").click()
    item.get_by_text("The raids start next month. <b>bold?</b>").wait_for()
    assert "(edited)" in item.inner_text()
    assert "Your edit is saved." in page.locator("#post-status").inner_text()
    assert CommentRevision.objects.get(comment=mine).text == "The raids start next week."
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "edited.png"))

    # Someone else replies; then the author deletes: the reply stays under a placeholder.
    actions.post_comment(story=demo_story, text="Next month? Source?", author_name="Bilal",
                         parent=mine)
    open_story(page, live_server, demo_story)
    item = page.locator(f"#comment-{mine.pk}")
    item.get_by_role("link", name="Delete").first.click()
    item.get_by_role("button", name="Delete comment").click()
    item.locator(".deleted-note").wait_for()  # the confirmation quotes the placeholder too
    open_story(page, live_server, demo_story)
    item = page.locator(f"#comment-{mine.pk}")
    assert "[deleted by its author]" in item.inner_text()
    assert "Ayesha" not in item.inner_text() and "next month." not in item.inner_text()
    assert "Next month? Source?" in item.inner_text()
    assert page.locator("#comments-heading").inner_text() == "COMMENTS (3)"  # 2 seed + reply

    # Another browser sees no Edit/Delete, and the edit page is not found for it.
    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(f"{live_server.url}/stories/{demo_story.slug}/")
        assert stranger.locator(".edit-link, .delete-link").count() == 0
        reply = Comment.objects.get(text="Next month? Source?")
        answer = stranger.goto(f"{live_server.url}/comments/{reply.pk}/edit/")
        assert answer.status == 404
    finally:
        other.close()
    assert dialogs == []


def test_recommend_toggles_and_is_remembered(page, live_server, demo_story, dialogs):
    open_story(page, live_server, demo_story)
    button = page.locator(".recommend-button").first
    assert button.get_attribute("aria-pressed") == "false"
    count_before = int(button.locator(".recommend-count").inner_text())
    button.click()
    page.wait_for_function(
        "document.querySelector('.recommend-button').getAttribute('aria-pressed') === 'true'")
    button = page.locator(".recommend-button").first
    assert int(button.locator(".recommend-count").inner_text()) == count_before + 1
    # Reloaded (the shared page): the browser's own recommendation is shown pressed.
    open_story(page, live_server, demo_story)
    page.wait_for_function(
        "document.querySelector('.recommend-button').getAttribute('aria-pressed') === 'true'")
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "recommended.png"))
    page.locator(".recommend-button").first.click()
    page.wait_for_function(
        "document.querySelector('.recommend-button').getAttribute('aria-pressed') === 'false'")
    assert int(page.locator(".recommend-count").first.inner_text()) == count_before
    assert dialogs == []


def test_new_comments_notice_loads_them(page, live_server, demo_story, dialogs):
    page.add_init_script("window.parleyPollMs = 300;")
    page.goto(f"{live_server.url}/stories/{demo_story.slug}/")  # polling: never network-idle
    assert page.locator(".new-comments-button").count() == 0
    for i in range(3):
        actions.post_comment(story=demo_story, text=f"Arrived later {i}.", author_name=f"L{i}")
    notice = page.locator(".new-comments-button")
    page.get_by_role("button", name="3 new comments — show them").wait_for()  # polls may see 1, 2
    assert page.locator("#comments-heading").inner_text() == "COMMENTS (5)"
    notice.click()
    page.get_by_text("Arrived later 2.").wait_for()
    assert page.locator(".new-comments-button").count() == 0
    assert page.locator("#comment-list > li.comment").count() == 5
    assert dialogs == []


def test_dark_scheme_follows_the_reader_and_urdu_renders(page, live_server, demo_story):
    actions.post_comment(story=demo_story, text=URDU, author_name="عائشہ")
    page.emulate_media(color_scheme="light")
    open_story(page, live_server, demo_story)
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments-light.png"))
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark == "rgb(22, 21, 20)"
    ink = page.evaluate("getComputedStyle(document.querySelector('.comment-text')).color")
    assert ink == "rgb(232, 230, 227)"
    page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments-dark.png"))
    # The bundled Naskh face is fetched and used for the Urdu letters (no machine font has them).
    page.wait_for_function("document.fonts.check('16px \"Parley Naskh\"', 'ابت')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Parley Naskh') "
        "&& f.status === 'loaded').length")
    assert loaded >= 1


def test_urdu_reader_gets_a_translated_right_to_left_page(browser, live_server, demo_story):
    actions.post_comment(story=demo_story, text=URDU, author_name="عائشہ")
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="ur-PK")
    try:
        page = context.new_page()
        open_story(page, live_server, demo_story)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.get_by_role("button", name="تبصرہ پوسٹ کریں").is_visible()
        assert page.locator("#comments-heading").inner_text().startswith("تبصرے")
        # Replies are indented from the right in a right-to-left page.
        page.wait_for_function("document.fonts.check('16px \"Parley Naskh\"', 'ابت')")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1100  # nothing off-page
        page.locator("#comments").screenshot(path=str(SCREENSHOTS / "comments-urdu.png"))
    finally:
        context.close()
